"""Run one exercise's check on a learner's function and return a Verdict.

A check calls the learner's function on one fixed worked example (shown in the notebook)
and then on fresh random inputs of several shapes (m = 1, non-square, large magnitudes),
comparing every result with the reference implementation. So a hard-coded answer fails,
and a failure message says what went wrong without revealing the hidden expected arrays.

A function that still raises NotImplementedError (the unfilled stub) is "not attempted";
one that runs past the exercise's time limit is stopped and reported as "timeout".
"""

from __future__ import annotations

import copy
import inspect
import secrets
import signal
import sysconfig
import threading
import traceback
from pathlib import Path
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..rng import make_rng
from .diagnosis import diagnose
from .verdict import ERROR, FAILED, NOT_ATTEMPTED, PASSED, TIMEOUT, Verdict


@dataclass(frozen=True)
class Exercise:
    """One graded function.

    id : stable id shown in the notebook, e.g. "03.sigmoid".
    function_name : the name the learner's function has in the notebook.
    points : what a correct function earns.
    reference : the correct implementation (same signature as the learner's).
    example : the fixed worked example's arguments, shown in the notebook.
    random_inputs : ``random_inputs(rng, trial) -> args`` for trial 0, 1, ...: fresh inputs.
    trials : how many random trials.
    stress : fixed argument tuples that every check runs after the worked example: the inputs
        where a naive formula breaks (logits of +-1000, probabilities of exactly 0 and 1).
    custom : instead of comparing with ``reference``, ``custom(function, rng) -> message or None``
        checks behaviour directly (for iterators, initialisers, training).
    hint : ``hint(args, actual, expected) -> message or None``: an exercise-specific diagnosis
        tried before the general one (e.g. "ReLU'(0) should be 0").
    returns : names of the parts of a tuple result, as the notebook calls them (("W", "b")).
    examples_of : ``examples_of(args) -> m``, the number of examples in the inputs, for exercises
        whose result carries a 1/m (losses, gradients, means): then a result m times too large or
        too small is named as such. None (the default): no such diagnosis.
    time_limit : seconds for the whole check.
    """

    id: str
    function_name: str
    points: float
    reference: Callable | None = None
    example: tuple = ()
    random_inputs: Callable | None = None
    trials: int = 8
    stress: tuple = ()
    custom: Callable | None = None
    hint: Callable | None = None
    returns: tuple | None = None
    examples_of: Callable | None = None
    time_limit: float = 10.0
    rtol: float = 1e-6
    atol: float = 1e-9
    description: str = field(default="", compare=False)

    @property
    def parameters(self) -> list[str]:
        """The names of the function's parameters, for messages (e.g. ["X", "W", "b"])."""
        return list(inspect.signature(self.reference).parameters) if self.reference else []

    def expected_example(self):
        """The reference's result on the worked example (shown to learners)."""
        return self.reference(*copy.deepcopy(self.example))


class CheckTimeout(Exception):
    """The learner's function ran past the time limit."""


@contextmanager
def time_limit(seconds: float):
    """Raise CheckTimeout in this (main) thread after ``seconds``; no limit outside the main thread."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum, frame):
        raise CheckTimeout()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _shapes(names, args) -> str:
    parts = []
    for name, value in zip(names, args):
        if isinstance(value, np.ndarray):
            parts.append(f"{name} of shape {value.shape}")
    return ", ".join(parts)


def _examples_in(exercise, args) -> int | None:
    return exercise.examples_of(args) if exercise.examples_of is not None else None


def rows_of_first(args) -> int:
    """m for exercises whose first argument is an (m, ...) array."""
    return args[0].shape[0]


def _changed_inputs(names, before, after) -> list[str]:
    changed = []
    for name, old, new in zip(names, before, after):
        if isinstance(old, np.ndarray) and not np.array_equal(old, new, equal_nan=True):
            changed.append(name)
        elif isinstance(old, dict) and any(
            isinstance(v, np.ndarray) and not np.array_equal(v, new.get(k), equal_nan=True) for k, v in old.items()
        ):
            changed.append(name)
    return changed


_LIBRARY_FOLDERS = tuple(str(Path(folder).resolve()) for folder in {
    *(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")),
    Path(__file__).resolve().parents[1],  # mlp itself, wherever it is installed
})


def _in_library(filename: str) -> bool:
    if filename.startswith("<frozen"):
        return True
    try:
        return str(Path(filename).resolve()).startswith(_LIBRARY_FOLDERS)
    except (OSError, ValueError):
        return False


def where_in_learner_code(error) -> str:
    """" (in sigmoid, line 3 of its cell: `return 1 / (1 + np.exp(-z))`)": the learner's own line that the
    error came through last (numpy's, Python's and the course's own frames are skipped); "" if none."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if not _in_library(frame.filename)]
    if not frames:
        return ""
    frame = frames[-1]
    line = (frame.line or "").strip()
    place = f"in {frame.name}, line {frame.lineno} of its cell" if frame.name != "<module>" else \
        f"at line {frame.lineno} of its cell"
    return f" ({place}: `{line[:120]}`)" if line else f" ({place})"


def _matmul_hint(error) -> str:
    if isinstance(error, ValueError) and ("matmul" in str(error) or "not aligned" in str(error)):
        return ". In a matrix product A @ B, the columns of A must equal the rows of B: check each product's shapes"
    return ""


def _one_trial(exercise, function, args, label) -> str | None:
    names = exercise.parameters or [f"argument {i + 1}" for i in range(len(args))]
    expected = exercise.reference(*copy.deepcopy(args))
    given = copy.deepcopy(args)
    try:
        # Overflow, 0/0 and log(0) are mistakes here: a stable formula never triggers them.
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            actual = function(*given)
    except (NotImplementedError, CheckTimeout):
        raise
    except FloatingPointError as error:
        largest = max((float(np.max(np.abs(a))) for a in args if isinstance(a, np.ndarray) and a.size), default=0)
        return (f"{label}, numpy reported '{error}' (inputs up to {largest:.3g} in size): a naive formula "
                f"overflows or divides by zero there (exp(1000) is inf, log(0) is -inf); "
                f"use a numerically stable form")
    except Exception as error:  # the learner's code failed: say how, on which inputs
        shapes = _shapes(names, args)
        return (f"{label}{f' ({shapes})' if shapes else ''}, your function raised {type(error).__name__}: "
                f"{error}{where_in_learner_code(error)}{_matmul_hint(error)}")
    changed = _changed_inputs(names, args, given)
    if changed:
        return (f"{label}, your function changed its input {', '.join(changed)} in place; return new arrays and "
                f"leave the inputs as they were (copy first with .copy(), or write W - lr * dW instead of W -= lr * dW)")
    problem = diagnose(actual, expected, m=_examples_in(exercise, args), rtol=exercise.rtol, atol=exercise.atol,
                       names=exercise.returns)
    if problem and exercise.hint is not None:
        problem = exercise.hint(args, actual, expected) or problem
    if problem:
        shapes = _shapes(names, args)
        return f"{label}{f' ({shapes})' if shapes else ''}: {problem}"
    return None


def _compare_with_reference(exercise, function, rng) -> str | None:
    problem = _one_trial(exercise, function, exercise.example, "On the worked example")
    if problem:
        return problem
    for args in exercise.stress:
        problem = _one_trial(exercise, function, args, "On extreme inputs")
        if problem:
            return problem
    for trial in range(exercise.trials):
        args = exercise.random_inputs(rng, trial)
        problem = _one_trial(exercise, function, args, "On random inputs")
        if problem:
            return problem
    return None


GLOBAL_RANDOM_STATE_USED = (
    "your function used numpy's global random state (np.random.seed, np.random.randn, np.random.shuffle, ...), "
    "which every other piece of code shares; make your own generator from the seed, "
    "rng = np.random.default_rng(seed), and draw from it (rng.standard_normal, rng.permutation, ...)")


def _same_random_state(a, b) -> bool:
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2:] == b[2:]


@contextmanager
def watching_global_random_state():
    """Yields ``used()``: whether numpy's global random state was seeded or drawn from meanwhile.

    The global state is set to a fresh one nobody can predict (so neither an earlier cell nor an
    earlier check can make a call look like no change), and restored afterwards.
    """
    saved = np.random.get_state()
    np.random.seed(secrets.randbits(32))
    fresh = np.random.get_state()
    try:
        yield lambda: not _same_random_state(np.random.get_state(), fresh)
    finally:
        np.random.set_state(saved)


def run_check(exercise: Exercise, function, seed=None) -> Verdict:
    """Check ``function`` against ``exercise``; ``seed`` fixes the random trials (None: fresh ones)."""

    def verdict(status, message=""):
        score = exercise.points if status == PASSED else 0
        return Verdict(exercise.id, status, score, exercise.points, message)

    if function is None:
        return verdict(NOT_ATTEMPTED, f"define the function {exercise.function_name} and run its cell first")
    if not callable(function):
        return verdict(FAILED, f"check needs your function itself, e.g. check({exercise.id!r}, "
                               f"{exercise.function_name}); got a {type(function).__name__}")
    rng = make_rng(seed)
    try:
        with time_limit(exercise.time_limit), watching_global_random_state() as global_random_state_used:
            if exercise.custom is not None:
                problem = exercise.custom(function, rng)
            else:
                problem = _compare_with_reference(exercise, function, rng)
            if not problem and global_random_state_used():
                problem = GLOBAL_RANDOM_STATE_USED
    except NotImplementedError:
        return verdict(NOT_ATTEMPTED, "replace `raise NotImplementedError` with your code, then run the cell again")
    except CheckTimeout:
        return verdict(TIMEOUT, f"your function did not finish within {exercise.time_limit:g} s: "
                                f"is there an endless loop?")
    except RecursionError:
        return verdict(ERROR, "your function calls itself without end (RecursionError)")
    except Exception as error:  # raised by the learner's code inside a custom check
        return verdict(FAILED, f"your function raised {type(error).__name__}: {error}{where_in_learner_code(error)}"
                               f"{_matmul_hint(error)}")
    if problem:
        return verdict(FAILED, problem)
    trials = "" if exercise.custom else f" and on {exercise.trials} sets of random inputs"
    return verdict(PASSED, f"right on the worked example{trials}" if not exercise.custom else "all checks passed")
