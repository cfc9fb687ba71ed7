"""The notebook comparison under other settings (the repository's conftest.py) really changes the kernel's arithmetic.

A scratch project with a copy of conftest.py and tests/ulp_noise.py, and one notebook whose stored outputs
are what the CPU's own OpenBLAS kernel reports with one thread, and numpy's exp of a few numbers to the
last digit: under nbval, the native run passes both cells; every BLAS setting fails on exactly the first
(or is skipped, saying why, where the CPU cannot run the kernel); the ulp-noise setting on exactly the second.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_repository_conftest():
    """The repository's conftest.py (the name "conftest" is taken by tests/conftest.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("repository_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


repository_conftest = _load_repository_conftest()

REPORT = ("import json, numpy\nfrom threadpoolctl import threadpool_info\n"
          "print(json.dumps([(i['architecture'], i['num_threads']) for i in threadpool_info() "
          "if i['internal_api'] == 'openblas']))")
EXP = "import numpy\nprint([float(v) for v in numpy.exp(numpy.linspace(-3, 3, 13))])"


def test_choice_of_kernels_avoids_the_cpus_own_and_what_it_cannot_run():
    choose = repository_conftest._choose
    flags_avx512 = {"avx512f", "avx2", "avx", "sse4_2", "pni"}
    assert choose(repository_conftest.AVX_CLASS, "SkylakeX", flags_avx512) == "Haswell"
    assert choose(repository_conftest.AVX_CLASS, "Haswell", {"avx2", "avx"}) == "Sandybridge"
    assert choose(repository_conftest.AVX_CLASS, "Zen", {"avx2", "avx"}) == "Sandybridge"
    assert choose(repository_conftest.SSE_CLASS, "Haswell", {"sse4_2", "pni"}) == "Nehalem"
    assert choose(repository_conftest.SSE_CLASS, "Nehalem", {"sse4_2", "pni"}) == "Prescott"
    # An old CPU without AVX2: Sandybridge rather than a Haswell kernel it cannot run.
    assert choose(repository_conftest.AVX_CLASS, "Nehalem", {"avx", "sse4_2"}) == "Sandybridge"
    settings = repository_conftest.blas_settings()
    assert len(settings) == 4 and len({s.name for s in settings}) == 4
    assert [(s.threads, s.ulp_noise) for s in settings] == [(1, False), (1, False), (2, False), (1, True)]


def test_a_setting_gives_the_kernel_its_blas_environment():
    setting = repository_conftest.BlasSetting("Nehalem", 1)
    env = setting.environment({"PATH": "/bin", "OPENBLAS_NUM_THREADS": "4"})
    assert env == {"PATH": "/bin", "OPENBLAS_CORETYPE": "Nehalem", "OPENBLAS_NUM_THREADS": "1",
                   "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    assert repository_conftest.BlasSetting(None, 2).name == "blas=2-threads"


@pytest.fixture
def scratch_project(tmp_path):
    """A project like this one: conftest.py and notebooks/probe.ipynb, stored with the native report."""
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "tests").mkdir()
    shutil.copy(ROOT / "tests" / "ulp_noise.py", tmp_path / "tests" / "ulp_noise.py")
    (tmp_path / "notebooks").mkdir()
    native, exp = (subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                  env=_environment()).stdout for code in (REPORT, EXP))
    if native.strip() == "[]":
        pytest.skip("numpy's BLAS is not OpenBLAS here")
    cells = [nbformat.v4.new_code_cell(code, execution_count=count,
                                       outputs=[nbformat.v4.new_output("stream", name="stdout", text=text)])
             for count, (code, text) in enumerate([(REPORT, native), (EXP, exp)], start=1)]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(notebook, tmp_path / "notebooks" / "probe.ipynb")
    return tmp_path, json.loads(native)[0]


def _environment():
    import os

    env = {key: value for key, value in os.environ.items() if key != "OPENBLAS_CORETYPE"}
    env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = "1"
    return env


def test_every_other_setting_changes_what_the_notebooks_kernel_runs(scratch_project):
    project, (native_kernel, native_threads) = scratch_project
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "-v", "--nbval",
                             "--nbval-current-env", "notebooks"], cwd=project, env=_environment(),
                            capture_output=True, text=True, timeout=300)
    outcomes = {(setting or "native", int(cell)): outcome for outcome, setting, cell in re.findall(
        r"^(PASSED|FAILED|SKIPPED) .*?notebooks/probe\.ipynb::(?:([\w=-]+)::)?Cell (\d)", result.stdout, re.M)}
    settings = [setting.name for setting in repository_conftest.blas_settings()]
    assert {name for name, _ in outcomes} == {"native", *settings}, result.stdout[-3000:]
    assert outcomes["native", 0] == outcomes["native", 1] == "PASSED", result.stdout[-3000:]
    for name in settings:
        if name == "ulp-noise":  # the same BLAS, other last bits of exp
            assert (outcomes[name, 0], outcomes[name, 1]) == ("PASSED", "FAILED"), result.stdout[-3000:]
        elif outcomes[name, 0] == "SKIPPED":  # only with a reason naming the kernel
            assert re.search(rf"SKIPPED.*{re.escape(name)}: (this CPU cannot run|OpenBLAS runs)", result.stdout)
        else:  # failed on the reported kernel or thread count, and on nothing else
            assert (outcomes[name, 0], outcomes[name, 1]) == ("FAILED", "PASSED"), result.stdout[-3000:]
            reported = json.dumps([[native_kernel, 2]]) if "threads" in name else json.dumps([[name.split("=")[1], 1]])
            assert reported in result.stdout, f"{name}: expected the kernel to report {reported}\n{result.stdout[-3000:]}"
    assert outcomes["blas=2-threads", 0] == "FAILED" and native_threads == 1


def test_ulp_noise_nudges_by_at_most_one_ulp_and_the_same_way_every_time():
    """Run in a fresh Python: the startup file patches numpy for the whole process."""
    code = f"""
import math, numpy as np
exact = np.exp(np.linspace(-5, 5, 1001)), np.tanh(np.linspace(-5, 5, 1001))
exp_float32 = np.exp(np.float32(1))
exec(open({str(ROOT / "tests" / "ulp_noise.py")!r}).read())
x = np.linspace(-5, 5, 1001)
for noisy, reference in zip((np.exp(x), np.tanh(x)), exact):
    ulps = np.abs(noisy - reference) / np.spacing(np.abs(reference))
    assert ulps.max() <= 1 and 0.2 < np.mean(ulps > 0) < 0.8, (ulps.max(), np.mean(ulps > 0))
assert np.array_equal(np.exp(x), np.exp(x))                 # deterministic, as a real CPU
out = np.empty_like(x); np.exp(x, out=out); assert np.array_equal(out, np.exp(x))  # out= too
assert type(np.exp(1.0)) is np.float64 and abs(np.exp(1.0) - math.e) <= np.spacing(math.e)
assert np.exp(np.float32(1)).dtype == np.float32 and np.exp(np.float32(1)) == exp_float32  # float64 only
assert np.isinf(np.exp(1000.0)) and np.log(1.0) == 0.0 and np.sin(0.0) == 0.0   # inf and 0 stay
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
