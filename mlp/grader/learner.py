"""The learner's function as the checks see it: calls that go in and come out as plain data.

A check never holds the learner's function itself. It holds a ``Learner`` and calls it like the
function: ``learner(X, W, b)``. The call's arguments and result cross ``wire`` (JSON and .npy),
in both places a check runs:

- ``LocalLearner`` (``check()`` in a notebook): the function runs in this process, for instant
  feedback;
- ``RemoteLearner`` (batch grading, in ``batch``): the function runs in the learner's own sandboxed
  process, which ``execute_call`` below serves; the verdict is computed in the grader's process,
  which never runs learner code.

Either way, a call reports what the function returned (or raised, and where in the learner's
cell), the arguments as they were afterwards (so changes in place are seen), whether numpy's global
random state was used, and which library implementations the learner's own code called.
"""

from __future__ import annotations

import json
import secrets
import signal
import sys
import sysconfig
import threading
import time
import traceback
import warnings
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

import numpy as np

from . import wire

# --- evidence: what a learner's code called --------------------------------------------------------------

_MLP = Path(__file__).resolve().parents[1]
_ALLOWED_IN_MLP = {"data.py", "rng.py", "checks.py"}  # data sets and seeds: allowed in every exercise
_OTHER_LIBRARIES = ("sklearn", "torch", "tensorflow", "keras", "jax", "scipy")


def _package_folder(name: str) -> str | None:
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return str(Path(list(spec.submodule_search_locations)[0]).resolve())


_LIBRARY_FOLDERS = tuple(str(Path(folder).resolve()) for folder in {
    *(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")), _MLP})
_FORBIDDEN_CACHE: tuple | None = None


def _forbidden_folders() -> tuple:
    """Folders whose functions are someone else's implementation: mlp's (but its data sets) and other ML libraries."""
    global _FORBIDDEN_CACHE
    if _FORBIDDEN_CACHE is None:
        folders = [str(_MLP)]
        folders += [folder for folder in map(_package_folder, _OTHER_LIBRARIES) if folder]
        _FORBIDDEN_CACHE = tuple(folders)
    return _FORBIDDEN_CACHE


def in_library(filename: str) -> bool:
    """Whether code of this file is Python's, an installed package's or the course library's (not the learner's)."""
    if filename.startswith("<frozen"):
        return True
    if filename.startswith("<"):
        return False
    try:
        return str(Path(filename).resolve()).startswith(_LIBRARY_FOLDERS)
    except (OSError, ValueError):
        return False


def _someone_elses(filename: str) -> str | None:
    """The library ("mlp", "sklearn", ...) a function of this file belongs to, if calling it is not the
    learner's own work; None for everything else (numpy, Python, mlp's data sets)."""
    folder = next((f for f in _forbidden_folders() if filename.startswith(f)), None)
    if folder is None:
        return None
    path = Path(filename)
    if folder == str(_MLP) and (path.parent == _MLP and path.name in _ALLOWED_IN_MLP
                                or path.name == "input_functions.py"):
        return None
    return Path(folder).name


def origin_of(function) -> str | None:
    """"mlp.activations.sigmoid" when ``function`` itself is a library implementation (not the learner's)."""
    inner = getattr(function, "func", function)  # functools.partial
    inner = getattr(inner, "__func__", inner)  # a bound method
    code = getattr(inner, "__code__", None) or getattr(getattr(inner, "__call__", None), "__code__", None)
    if code is not None and _someone_elses(code.co_filename):
        return f"{getattr(inner, '__module__', '?')}.{getattr(inner, '__qualname__', code.co_name)}"
    module = str(getattr(type(inner), "__module__", "") if not hasattr(inner, "__code__") else "")
    if module.split(".")[0] in _OTHER_LIBRARIES + ("mlp",) and not module.startswith("mlp.grader.input_functions"):
        return f"{module}.{type(inner).__name__}"
    return None


@contextmanager
def recording_calls_into_libraries(touched: set):
    """Adds to ``touched`` "module.function" for every function of mlp (but its data sets), scikit-learn,
    PyTorch, SciPy... that the learner's own code calls directly (calls libraries make among themselves
    are not counted: mlp.data may use scikit-learn)."""
    learner_files: dict = {}

    def is_learner_file(filename):
        if filename not in learner_files:
            learner_files[filename] = not in_library(filename)
        return learner_files[filename]

    def profile(frame, event, arg):
        if event != "call":
            return
        filename = frame.f_code.co_filename
        if filename.startswith(_forbidden_folders()) and frame.f_back is not None \
                and is_learner_file(frame.f_back.f_code.co_filename) and _someone_elses(filename):
            wrapped = frame.f_locals.get("function") if frame.f_code.co_name == "wrapper" else None  # a decorator
            name = getattr(wrapped, "__name__", None) or frame.f_code.co_name
            touched.add(f"{frame.f_globals.get('__name__', '?')}.{name}")

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(previous)


# --- one call, in the process where the learner's function lives -----------------------------------------

class CallTimeout(BaseException):
    """The call ran past its time limit (a BaseException, so a learner's `except Exception` does not hide it)."""


@contextmanager
def stopped_after(seconds):
    """Raise CallTimeout in this (main) thread after ``seconds`` (None: no limit)."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise CallTimeout()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _same_state(a, b) -> bool:
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2:] == b[2:]


def where_in_learner_code(error) -> str:
    """" (in sigmoid, line 3 of its cell: `return 1 / (1 + np.exp(-z))`)": the learner's own line that the
    error came through last (numpy's, Python's and the course's own frames are skipped); "" if none."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if not in_library(frame.filename)]
    if not frames:
        return ""
    frame = frames[-1]
    line = (frame.line or "").strip()
    place = f"in {frame.name}, line {frame.lineno} of its cell" if frame.name != "<module>" else \
        f"at line {frame.lineno} of its cell"
    return f" ({place}: `{line[:120]}`)" if line else f" ({place})"


def execute_call(function, args: tuple, handles: list, strict_floats: bool = False,
                 time_limit: float | None = None) -> dict:
    """Call ``function(*args)`` and describe what happened as plain data (a JSON-able dict)."""
    saved = np.random.get_state()
    np.random.seed(secrets.randbits(32))  # a state nobody can predict: any use of it shows
    fresh = np.random.get_state()
    touched: set = set()
    origin = origin_of(function)
    if origin:
        touched.add(origin)
    reply: dict
    try:
        with stopped_after(time_limit), recording_calls_into_libraries(touched), warnings.catch_warnings(), \
                np.errstate(**({"over": "raise", "invalid": "raise", "divide": "raise", "under": "ignore"}
                               if strict_floats else {})):
            warnings.simplefilter("ignore")  # as in batch grading, where nobody reads them: the same verdict
            value = function(*args)
            if hasattr(value, "__next__") and hasattr(value, "__iter__"):  # read a generator while timed
                value = wire.Iterated(item for _, item in zip(range(wire.MAX_ITEMS), value))
        reply = {"status": "returned", "value": wire.encode(value, handles), "args": wire.encode(args)}
    except CallTimeout:
        reply = {"status": "timeout"}
    except BaseException as error:  # the learner's code raised (even SystemExit or KeyboardInterrupt)
        reply = {"status": "raised", "type": type(error).__name__, "message": str(error)[:500],
                 "where": where_in_learner_code(error), "floating_point": isinstance(error, FloatingPointError)}
    finally:
        used_global_random = not _same_state(np.random.get_state(), fresh)
        np.random.set_state(saved)
    reply["global_random"] = used_global_random
    reply["touched"] = sorted(touched)[:20]
    return reply


# --- the checks' side ---------------------------------------------------------------------------------------

class LearnerRaised(Exception):
    """The learner's function raised; ``str`` is "ValueError: ... (in f, line 2 of its cell: `...`)"."""

    def __init__(self, type_name, message, where="", floating_point=False):
        super().__init__(f"{type_name}: {message}{where}")
        self.type_name, self.message, self.where, self.floating_point = type_name, message, where, floating_point


class LearnerGone(Exception):
    """The learner's process ended or stopped answering (os._exit, a crash, memory, a garbled reply)."""


class CallTimedOut(Exception):
    """The learner's function ran past the check's time limit."""


def _write_back(sent, after):
    """Copy what the learner's function did to its arguments into the grader's own copies (so a check sees
    changes in place, wherever the function ran)."""
    if isinstance(sent, np.ndarray) and isinstance(after, np.ndarray) and sent.shape == after.shape \
            and sent.flags.writeable:
        np.copyto(sent, after, casting="unsafe")
    elif isinstance(sent, (list, tuple)) and isinstance(after, (list, tuple)) and len(sent) == len(after):
        for a, b in zip(sent, after):
            _write_back(a, b)
    elif isinstance(sent, dict) and isinstance(after, dict):
        for key in sent:
            if key in after:
                _write_back(sent[key], after[key])


class Learner:
    """Calls the learner's function (or a function it returned) and collects the evidence of every call."""

    def __init__(self):
        self.used_global_random = False
        self.touched: set = set()
        self.deadline: float | None = None  # time.monotonic() when the check's time is up (set by run_check)

    def _call(self, target, args, strict_floats) -> dict:
        raise NotImplementedError

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def call(self, target, args, strict_floats=False):
        """Call the function (``target`` None) or a function it returned (a handle number) on ``args``."""
        if self.deadline is not None and self.remaining() <= 0:
            raise CallTimedOut()
        reply = self._call(target, args, strict_floats)
        self.used_global_random |= bool(reply.get("global_random"))
        self.touched.update(str(name)[:120] for name in reply.get("touched", [])[:20])
        status = reply.get("status")
        if status == "timeout":
            raise CallTimedOut()
        if status == "raised":
            type_name = str(reply.get("type"))[:80]
            if type_name == "NotImplementedError":
                raise NotImplementedError()
            raise LearnerRaised(type_name, _printable(reply.get("message", "")), _printable(reply.get("where", "")),
                                bool(reply.get("floating_point")))
        if status != "returned":
            raise LearnerGone(f"an unexpected reply {str(status)[:40]!r}")
        try:
            value, after = wire.decode(reply.get("value")), wire.decode(reply.get("args"))
        except (wire.WireError, TypeError, ValueError, KeyError) as error:
            raise LearnerGone(f"a reply that is not plain data ({error})") from None
        _write_back(args, after)
        return self._bind(value)

    def _bind(self, value):
        if isinstance(value, wire.Handle):
            return BoundHandle(self, value)
        if isinstance(value, wire.Iterated):
            return wire.Iterated(self._bind(item) for item in value)
        if isinstance(value, list):
            return [self._bind(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self._bind(item) for item in value)
        if isinstance(value, dict):
            return {key: self._bind(item) for key, item in value.items()}
        return value

    def __call__(self, *args):
        return self.call(None, args)


class BoundHandle:
    """A function the learner's function returned (``predict``): calling it calls it where it lives."""

    def __init__(self, learner: Learner, handle: wire.Handle):
        self.learner, self.handle = learner, handle
        self.__name__ = handle.name

    def __call__(self, *args):
        return self.learner.call(self.handle.number, args)


def _printable(text) -> str:
    """A learner-supplied string made safe for a CSV cell and a feedback file: one line, printable, bounded."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return text[:500]


class LocalLearner(Learner):
    """The learner's function in this very process (``check()`` in a notebook, and the course's own tests)."""

    def __init__(self, function):
        super().__init__()
        self.function = function
        self.handles: list = []

    def _call(self, target, args, strict_floats):
        function = self.function if target is None else self.handles[target]
        sent = wire.round_trip(args)  # the function gets what it would get in batch grading
        reply = execute_call(function, sent, self.handles, strict_floats, time_limit=self.remaining())
        return json.loads(json.dumps(reply))
