"""The process a submission's code runs in, and how the grader talks to it.

``Sandbox()`` starts ``python -m mlp.grader.runner`` for one submission and ``request`` sends it one
message and waits (with a deadline) for its reply on a private pipe. Two modes, chosen by what the
machine has (``mode()``):

- **bubblewrap** (``bwrap`` on PATH, e.g. Debian's ``bubblewrap`` package; no root needed): the runner
  sees a file system made of the system's libraries, Python and the installed packages only (read-only),
  its own empty ``/tmp`` of 256 MiB with its HOME and working folder in it, no network, no other
  process (its own PID namespace: it cannot see or signal the grader or another submission), no
  capabilities. Everything it started dies with it.
- **rlimits** (the fallback): the runner is an ordinary process in a new session (started through a
  launcher that exits, so it is not the grader's child), with its own temporary HOME and working folder.
  It can read whatever the grader's user can read, can reach the network, and could find and signal
  other processes of the same user, the grader's among them.

In both modes: memory (address space) 2 GiB, file size 64 MiB, 256 open files, no core dumps, CPU
time capped, at most 256 processes (not enforceable for root); every process of the submission is
killed and its folder removed when it is done (``close``).
"""

from __future__ import annotations

import os
import resource
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import wire

MEMORY_BYTES = 2 * 2**30
FILE_BYTES = 64 * 2**20
OPEN_FILES = 256
PROCESSES = 256
TMP_BYTES = 256 * 2**20
START_SECONDS = 60  # for the runner to import numpy and answer "ready", even on a busy machine
GRACE_SECONDS = 5  # past a request's own time limit before the runner is considered stuck



_BUBBLEWRAP_WORKS: bool | None = None


def mode() -> str:
    """"bubblewrap" where ``bwrap`` is installed and can make a sandbox here (some machines forbid the user
    namespaces it needs), else "rlimits"; MLP_GRADER_SANDBOX=rlimits asks for the fallback."""
    global _BUBBLEWRAP_WORKS
    if os.environ.get("MLP_GRADER_SANDBOX") == "rlimits" or not shutil.which("bwrap"):
        return "rlimits"
    if _BUBBLEWRAP_WORKS is None:
        probe = _bubblewrap_command([sys.executable, "-c", "import numpy"])
        try:
            _BUBBLEWRAP_WORKS = subprocess.run(probe, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL, timeout=30).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            _BUBBLEWRAP_WORKS = False
    return "bubblewrap" if _BUBBLEWRAP_WORKS else "rlimits"


class Gone(Exception):
    """The runner ended, or sent something that is not a well-formed reply."""


class Stuck(Exception):
    """The runner did not answer within the request's time limit and the grace after it."""


def _limits(cpu_seconds: int):
    def apply():
        for limit, value in ((resource.RLIMIT_AS, MEMORY_BYTES), (resource.RLIMIT_FSIZE, FILE_BYTES),
                             (resource.RLIMIT_NOFILE, OPEN_FILES), (resource.RLIMIT_CORE, 0),
                             (resource.RLIMIT_CPU, cpu_seconds), (resource.RLIMIT_NPROC, PROCESSES)):
            try:
                resource.setrlimit(limit, (value, value))
            except (ValueError, OSError):
                pass
    return apply


def _readable_roots() -> list[str]:
    """What a submission may read: Python, the installed packages (mlp among them), the system's libraries."""
    import mlp

    roots = {sys.base_prefix, sys.prefix, str(Path(sys.executable).resolve().parents[1]),
             str(Path(mlp.__file__).resolve().parent)}
    roots |= {path for path in sys.path if path.endswith(("site-packages", "dist-packages")) and os.path.isdir(path)}
    return sorted(str(Path(root).resolve()) for root in roots if os.path.isdir(root))


def _bubblewrap_command(program: list[str]) -> list[str]:
    """``program`` (a command line) inside a new bubblewrap sandbox."""
    command = ["bwrap", "--die-with-parent", "--new-session", "--unshare-all", "--unshare-user",
               "--uid", "1000", "--gid", "1000", "--cap-drop", "ALL",
               "--proc", "/proc", "--dev", "/dev", "--size", str(TMP_BYTES), "--tmpfs", "/tmp",
               "--dir", "/tmp/home", "--dir", "/tmp/work", "--chdir", "/tmp/work"]
    for path in ("/usr", "/bin", "/lib", "/lib64", "/lib32", "/sbin"):
        if os.path.islink(path):
            command += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            command += ["--ro-bind", path, path]
    for path in ("/etc/ld.so.cache", "/etc/localtime", "/etc/fonts", "/etc/alternatives"):
        if os.path.exists(path):
            command += ["--ro-bind", path, path]
    for root in _readable_roots():
        command += ["--ro-bind", root, root]
    return command + program


_LAUNCHER = ("import os, sys\nif os.fork() == 0:\n    os.execv(sys.executable, [sys.executable, '-m', "
             "'mlp.grader.runner', *sys.argv[1:]])\nos._exit(0)")


class Sandbox:
    """One runner process for one submission; ``close()`` (or ``with``) ends it and everything it started."""

    def __init__(self, cpu_seconds: int = 600, mode: str | None = None):
        mode = mode or globals()["mode"]()
        self.mode = mode
        self.token = secrets.token_hex(8)
        self.folder = Path(tempfile.mkdtemp(prefix="mlp-grade-"))  # mode 0700
        to_runner, self._from_grader = os.pipe()
        self._to_grader, from_runner = os.pipe()
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
               "PYTHONNOUSERSITE": "1", "MLP_GRADER_TOKEN": self.token}
        if mode == "bubblewrap":
            command = _bubblewrap_command([sys.executable, "-m", "mlp.grader.runner", str(to_runner), str(from_runner)])
            env.update(HOME="/tmp/home", TMPDIR="/tmp")
            cwd = self.folder
        else:
            for sub in ("home", "work", "tmp"):
                (self.folder / sub).mkdir()
            # Started through a launcher that exits at once, the runner is nobody's child: killing its parent
            # process (os.getppid()) cannot stop the grader.
            command = [sys.executable, "-c", _LAUNCHER, str(to_runner), str(from_runner)]
            env.update(HOME=str(self.folder / "home"), TMPDIR=str(self.folder / "tmp"))
            cwd = self.folder / "work"
        try:
            self.process = subprocess.Popen(command, pass_fds=(to_runner, from_runner), stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd,
                                            start_new_session=True, preexec_fn=_limits(cpu_seconds))
        finally:
            os.close(to_runner)
            os.close(from_runner)
        os.set_blocking(self._from_grader, False)
        self.alive = True
        try:
            ready = self._receive(time.monotonic() + START_SECONDS)
        except (Gone, Stuck):
            self.close()
            raise Gone("the process that runs the notebook did not start")
        if ready.get("status") != "ready":
            self.close()
            raise Gone("the process that runs the notebook did not start")

    def request(self, message: dict, seconds: float) -> dict:
        """Send ``message``; its reply, or Gone / Stuck (after which the sandbox is closed)."""
        if not self.alive:
            raise Gone("the process that runs the notebook has ended")
        deadline = time.monotonic() + seconds + GRACE_SECONDS
        try:
            self._send(wire.pack(message), deadline)
            return self._receive(deadline)
        except (Gone, Stuck):
            self.close()
            raise

    def _send(self, data: bytes, deadline: float):
        while data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Stuck()
            _, writable, _ = select.select([], [self._from_grader], [], remaining)
            if writable:
                try:
                    data = data[os.write(self._from_grader, data[:65536]):]
                except (BrokenPipeError, OSError):
                    raise Gone("the process that runs the notebook has ended") from None

    def _read(self, n: int, deadline: float) -> bytes:
        chunks, got = [], 0
        while got < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Stuck()
            readable, _, _ = select.select([self._to_grader], [], [], remaining)
            if not readable:
                continue
            chunk = os.read(self._to_grader, min(n - got, 1 << 20))
            if not chunk:
                raise Gone("the process that runs the notebook has ended")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _receive(self, deadline: float) -> dict:
        try:
            return wire.parse(self._read(wire.unpack_length(self._read(8, deadline)), deadline))
        except wire.WireError as error:
            raise Gone(f"it sent a garbled reply: {error}") from None

    def close(self):
        """Kill the runner and everything it started; remove its folder. Safe to call twice."""
        if getattr(self, "process", None) is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)  # the runner's session: everything it started
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            if self.mode == "rlimits":
                _kill_left_behind(self.token)
        for fd in (self._from_grader, self._to_grader):
            try:
                os.close(fd)
            except OSError:
                pass
        self._from_grader = self._to_grader = -1
        self.alive = False
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _kill_left_behind(token: str):
    """rlimits mode: kill processes that left the submission's session but still carry its token."""
    marker = f"MLP_GRADER_TOKEN={token}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, ValueError):
            pass
