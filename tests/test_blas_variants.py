"""The notebook comparison under other BLAS settings (the repository's conftest.py) really changes the kernel's BLAS.

A scratch project with a copy of conftest.py and one notebook whose stored output is what the CPU's own
OpenBLAS kernel reports with one thread: under nbval, the native run passes and every other setting
fails on exactly that output (or is skipped, saying why, where the CPU cannot run the kernel).
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
    assert len(settings) == 3 and len({s.name for s in settings}) == 3
    assert [s.threads for s in settings] == [1, 1, 2]


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
    (tmp_path / "notebooks").mkdir()
    native = subprocess.run([sys.executable, "-c", REPORT], capture_output=True, text=True, check=True,
                            env={**_environment(), "OPENBLAS_NUM_THREADS": "1"}).stdout
    if native.strip() == "[]":
        pytest.skip("numpy's BLAS is not OpenBLAS here")
    cell = nbformat.v4.new_code_cell(REPORT, execution_count=1,
                                     outputs=[nbformat.v4.new_output("stream", name="stdout", text=native)])
    notebook = nbformat.v4.new_notebook(cells=[cell])
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
    by_setting = {}
    for outcome, setting in re.findall(r"^(PASSED|FAILED|SKIPPED) .*?notebooks/probe\.ipynb::(?:(blas=[\w-]+)::)?",
                                       result.stdout, re.M):
        by_setting[setting or "native"] = outcome
    assert by_setting.get("native") == "PASSED", result.stdout[-3000:]
    settings = [setting.name for setting in repository_conftest.blas_settings()]
    assert sorted(by_setting) == sorted(["native", *settings]), result.stdout[-3000:]
    for name in settings:
        if by_setting[name] == "SKIPPED":  # only with a reason naming the kernel
            assert re.search(rf"SKIPPED.*{re.escape(name)}: (this CPU cannot run|OpenBLAS runs)", result.stdout)
        else:  # failed on the reported kernel or thread count, not on anything else
            assert by_setting[name] == "FAILED", f"{name}: the kernel's BLAS did not change\n{result.stdout[-3000:]}"
            reported = json.dumps([[name.split("=")[1], 1]]) if "threads" not in name else \
                json.dumps([[native_kernel, 2]])
            assert reported in result.stdout, f"{name}: expected the kernel to report {reported}\n{result.stdout[-3000:]}"
    assert by_setting["blas=2-threads"] == "FAILED" and native_threads == 1
