"""Repository-wide pytest settings: the notebooks compared as other machines compute, and the test order.

Stored outputs must mean the same on every machine. ``make test`` compares every stored output of
notebooks/ and solutions/ with a fresh run (nbval), on this CPU's own OpenBLAS kernel with one BLAS
thread. A learner's laptop picks other kernels, other summation orders and other elementwise
functions, so this file collects each of those notebooks four more times, its kernel started under

- another OpenBLAS kernel of the AVX class (Haswell, or Sandybridge where Haswell is the CPU's own),
- an OpenBLAS kernel of the SSE class (Nehalem, or Prescott where Nehalem is the CPU's own),
- the CPU's own kernel with 2 BLAS threads instead of 1,
- numpy's exp, log, tanh, sin, ... returning results one ulp off, as another CPU's SIMD loops may
  (numpy's AVX-512 ones, which a machine without AVX-512 cannot run; tests/ulp_noise.py),

as items named ``notebooks/01_linear_algebra.ipynb::blas=Nehalem::Cell 3``. numpy's wheels carry a
DYNAMIC_ARCH OpenBLAS that honours ``OPENBLAS_CORETYPE``; a kernel this CPU cannot run (or a numpy
whose BLAS is not OpenBLAS) is skipped with a message saying why, checked once per kernel by a
probe in a fresh Python. ``pytest --no-blas-variants`` leaves them out (a quick run). These extra
runs draw no PNGs (nbval never compares images, and the native run draws every one), which saves
a fifth of their time.

The order: ``make test`` spreads the tests over both cores with pytest-xdist (``--dist loadscope``:
a test module, or one notebook under one BLAS setting, stays on one worker, so its fixtures and its
kernel are made once). The slowest units are put first so that the two workers finish together.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
NOTEBOOK_FOLDERS = ("notebooks", "solutions")
ULP_NOISE = Path(__file__).resolve().parent / "tests" / "ulp_noise.py"
# Candidates, in order of preference, and the CPU flag (from /proc/cpuinfo) each kernel needs.
AVX_CLASS = (("Haswell", "avx2"), ("Sandybridge", "avx"))
SSE_CLASS = (("Nehalem", "sse4_2"), ("Prescott", "pni"))
# What OpenBLAS (via threadpoolctl) reports when it runs the kernel asked for.
REPORTED_AS = {"Haswell": {"Haswell", "Zen"}, "Sandybridge": {"Sandybridge"}, "Nehalem": {"Nehalem"},
               "Prescott": {"Prescott", "Katmai"}}
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

# The suite keeps no progress record: the solutions' checks must not write into the maintainer's own
# ~/.mlp-course, and the notebooks' kernels inherit this (tests of the record set their own file).
os.environ["MLP_PROGRESS_RECORD"] = "off"


@dataclass(frozen=True)
class BlasSetting:
    """A set-up to start a notebook's kernel under: an OpenBLAS kernel (None: the CPU's own), BLAS threads,
    and whether numpy's transcendental functions are nudged by one ulp (tests/ulp_noise.py)."""

    coretype: str | None
    threads: int
    ulp_noise: bool = False

    @property
    def name(self) -> str:
        if self.ulp_noise:
            return "ulp-noise"
        return f"blas={self.coretype}" if self.coretype else f"blas={self.threads}-threads"

    def environment(self, base) -> dict[str, str]:
        env = dict(base)
        if self.coretype:
            env["OPENBLAS_CORETYPE"] = self.coretype
        env.update({variable: str(self.threads) for variable in THREAD_VARIABLES})
        return env


def pytest_addoption(parser):
    parser.addoption("--no-blas-variants", action="store_true",
                     help="compare notebooks/ and solutions/ only under this CPU's own BLAS kernel, one thread")


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def _native_coretype() -> str | None:
    """The OpenBLAS kernel numpy runs here (None if numpy's BLAS is not OpenBLAS)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    import numpy  # noqa: F401  (loads its BLAS, so that threadpoolctl sees it)

    kernels = [info.get("architecture") for info in threadpool_info() if info.get("internal_api") == "openblas"]
    return kernels[0] if kernels else None


def _choose(candidates, native: str | None, flags: set[str]) -> str:
    """The first candidate that is not the CPU's own kernel and that the CPU can run (by its flags)."""
    others = [(name, flag) for name, flag in candidates if native not in REPORTED_AS[name]]
    runnable = [name for name, flag in others if not flags or flag in flags]
    return (runnable or [name for name, _ in others])[0]


@functools.cache
def blas_settings() -> tuple[BlasSetting, ...]:
    native, flags = _native_coretype(), _cpu_flags()
    return (BlasSetting(_choose(AVX_CLASS, native, flags), 1), BlasSetting(_choose(SSE_CLASS, native, flags), 1),
            BlasSetting(None, 2), BlasSetting(None, 1, ulp_noise=True))


PROBE = """
import json, numpy
from threadpoolctl import threadpool_info
a = numpy.arange(64.0).reshape(8, 8)
a @ a  # the kernel runs
print(json.dumps([(i.get("internal_api"), i.get("architecture"), i.get("num_threads")) for i in threadpool_info()]))
"""


@functools.cache
def why_not(setting: BlasSetting) -> str | None:
    """None when numpy runs under ``setting`` on this machine; else the reason, for the skip message."""
    if setting.coretype is None:
        return None
    result = subprocess.run([sys.executable, "-c", PROBE], env=setting.environment(os.environ),
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        return (f"this CPU cannot run OpenBLAS's {setting.coretype} kernel (numpy exited with code "
                f"{result.returncode} under OPENBLAS_CORETYPE={setting.coretype})")
    kernels = [architecture for api, architecture, _ in json.loads(result.stdout.splitlines()[-1]) if api == "openblas"]
    if not kernels:
        return "numpy's BLAS here is not OpenBLAS, so OPENBLAS_CORETYPE cannot choose its kernel"
    if kernels[0] not in REPORTED_AS[setting.coretype]:
        return f"OpenBLAS runs its {kernels[0]} kernel when asked for {setting.coretype}: this CPU cannot run it"
    return None


_IPYTHON_DIRS: dict[bool, str] = {}  # made on first use, removed at the end of the session


def ipython_dir(ulp_noise: bool) -> str:
    """An IPYTHONDIR whose kernels show figures as text only ("<Figure size ...>"), without drawing a PNG,
    and, for ``ulp_noise``, start with tests/ulp_noise.py."""
    if ulp_noise not in _IPYTHON_DIRS:
        folder = Path(tempfile.mkdtemp(prefix="mlp-nbval-ipython-"))
        (folder / "profile_default" / "startup").mkdir(parents=True)
        (folder / "profile_default" / "ipython_kernel_config.py").write_text(
            "c.InlineBackend.figure_formats = set()\n")
        if ulp_noise:
            shutil.copy(ULP_NOISE, folder / "profile_default" / "startup" / "00-ulp-noise.py")
        _IPYTHON_DIRS[ulp_noise] = str(folder)
    return _IPYTHON_DIRS[ulp_noise]


def pytest_unconfigure(config):
    for folder in _IPYTHON_DIRS.values():
        shutil.rmtree(folder, ignore_errors=True)


try:
    from nbval.plugin import IPyNbFile
except ImportError:  # nbval missing: nothing compares notebooks, so no variants either
    IPyNbFile = None

if IPyNbFile is not None:
    class NotebookUnderBlas(IPyNbFile):
        """nbval's notebook collector, its kernel started under another BLAS setting."""

        setting: BlasSetting

        def setup(self):
            reason = why_not(self.setting)
            if reason:
                pytest.skip(f"{self.setting.name}: {reason}")
            wanted = dict(self.setting.environment(os.environ), IPYTHONDIR=ipython_dir(self.setting.ulp_noise))
            changed = {name: value for name, value in wanted.items() if os.environ.get(name) != value}
            saved = {name: os.environ.get(name) for name in changed}
            os.environ.update(changed)  # the kernel inherits this process's environment as it starts
            try:
                super().setup()
            finally:
                for name, value in saved.items():
                    if value is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = value

    class NotebookUnderOtherBlas(pytest.File):
        """One stored notebook, compared once per BLAS setting of ``blas_settings()``."""

        def collect(self):
            for setting in blas_settings():
                node = NotebookUnderBlas.from_parent(self, path=self.path, name=setting.name,
                                                     nodeid=f"{self.nodeid}::{setting.name}")
                node.setting = setting
                yield node


def pytest_collect_file(file_path, parent):
    options = parent.config.option
    if (IPyNbFile is None or file_path.suffix != ".ipynb" or not getattr(options, "nbval", False)
            or options.no_blas_variants):
        return None
    if file_path.parent.parent == parent.config.rootpath and file_path.parent.name in NOTEBOOK_FOLDERS:
        return NotebookUnderOtherBlas.from_parent(parent, path=file_path)
    return None


# ----------------------------------------------------------------------------- order

# Known to take longest (measured: `pytest --durations=0`); everything else keeps its collection order.
SLOW_FIRST = ["tests/browser/", "tests/test_grader.py", "notebooks/07_", "notebooks/09_", "notebooks/10_",
              "solutions/10_", "notebooks/02_", "notebooks/03_", "tests/test_widgets_", "notebooks/", "solutions/"]


def _rank(item) -> int:
    path = item.nodeid.split("::")[0]
    return next((rank for rank, prefix in enumerate(SLOW_FIRST) if path.startswith(prefix)), len(SLOW_FIRST))


def pytest_collection_modifyitems(config, items):
    items.sort(key=_rank)  # stable: each module's and notebook's own order is kept
