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
import re
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..rng import make_rng
from .diagnosis import diagnose
from .honesty import not_own_work_message
from .learner import CallTimedOut, Learner, LearnerGone, LearnerRaised, LocalLearner
from .verdict import ERROR, FAILED, NOT_ATTEMPTED, NOT_OWN_WORK, PASSED, TIMEOUT, Verdict


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


def _matmul_hint(error: LearnerRaised) -> str:
    if error.type_name == "ValueError" and ("matmul" in error.message or "not aligned" in error.message):
        return ". In a matrix product A @ B, the columns of A must equal the rows of B: check each product's shapes"
    return ""


def _floating_point_advice(error: LearnerRaised, args) -> str:
    """What an overflow, a division by zero or a NaN in the learner's own line means, and what to do about it.

    The "stable form" advice is only given where there is one: an exp that overflows. A log of 0 asks for
    the clipping the notebook's formula has; a 0/0 after exp asks for each row's own maximum.
    """
    line = error.where.split("`")[1] if error.where.count("`") >= 2 else ""
    largest = max((float(np.max(np.abs(a))) for a in args if isinstance(a, np.ndarray) and a.size and
                   np.issubdtype(a.dtype, np.number)), default=0.0)
    inputs = f" (inputs up to {largest:.3g} in size)" if largest else ""
    said = f"numpy reported '{error.message}'{error.where}{inputs}"
    if "overflow" in error.message and "exp" in line:
        return (f"{said}: exp of a large number overflows (exp(710) is already inf); use a numerically stable "
                f"form of this formula (lesson 3), one that only ever takes exp of numbers <= 0")
    if "divide by zero" in error.message and "log" in line:
        return (f"{said}: log(0) is -inf; keep what goes into log away from 0, as the notebook's formula does "
                f"(np.clip(P, EPSILON, 1 - EPSILON) with EPSILON = 1e-15)")
    if "invalid value" in error.message and "exp" not in line and "/" in line and "sum" in line:
        return (f"{said}: 0/0 gave NaN, so a whole row of exps underflowed to 0: subtract each row's own maximum "
                f"(Z.max(axis=1, keepdims=True)), not one maximum of the whole array")
    if "invalid value" in error.message and "/" in line:
        return f"{said}: 0/0 gave NaN; the denominator is 0 on these inputs: guard it (e.g. max(..., 1e-12))"
    if "divide by zero" in error.message and re.search(r"\b(P|p|probabilities|probs)\b", line):
        return (f"{said}: a division by zero, where a probability of exactly 0 or 1 is divided by; clip the "
                f"probabilities first, as the notebook's formula does (np.clip(P, EPSILON, 1 - EPSILON))")
    if "divide by zero" in error.message:
        return f"{said}: a division by zero; find which denominator can be 0 on these inputs"
    return f"{said}: a result became inf or NaN on these inputs"


def _one_trial(exercise, learner: Learner, args, label) -> str | None:
    names = exercise.parameters or [f"argument {i + 1}" for i in range(len(args))]
    expected = exercise.reference(*copy.deepcopy(args))
    given = copy.deepcopy(args)
    try:
        # Overflow, 0/0 and log(0) are mistakes here: a stable formula never triggers them.
        actual = learner.call(None, given, strict_floats=True)
    except LearnerRaised as error:
        if error.floating_point:
            return f"{label}, {_floating_point_advice(error, args)}"
        if error.type_name == "RecursionError":
            raise
        shapes = _shapes(names, args)
        return (f"{label}{f' ({shapes})' if shapes else ''}, your function raised {error}{_matmul_hint(error)}")
    changed = _changed_inputs(names, args, given)
    if changed:
        return (f"{label}, your function changed its input {', '.join(changed)} in place; return new arrays and "
                f"leave the inputs as they were ({_in_place_advice(exercise, changed)})")
    problem = diagnose(actual, expected, m=_examples_in(exercise, args), rtol=exercise.rtol, atol=exercise.atol,
                       names=exercise.returns)
    if problem and exercise.hint is not None:
        problem = exercise.hint(args, actual, expected) or problem
    if problem:
        shapes = _shapes(names, args)
        return f"{label}{f' ({shapes})' if shapes else ''}: {problem}"
    return None


def _in_place_advice(exercise, changed) -> str:
    """"copy first: W = W.copy()", in the exercise's own names."""
    name = changed[0]
    if exercise.function_name == "gradient_descent_step":
        return ("build a new dict, e.g. {name: value - learning_rate * grads['d' + name] for name, value in "
                "params.items()}, instead of params[name] -= ...")
    return f"copy first, {name} = {name}.copy(), or write {name} = {name} * ... instead of {name} *= ..."


def _compare_with_reference(exercise, learner, rng) -> str | None:
    problem = _one_trial(exercise, learner, exercise.example, "On the worked example")
    if problem:
        return problem
    for args in exercise.stress:
        problem = _one_trial(exercise, learner, args, "On extreme inputs")
        if problem:
            return problem
    for trial in range(exercise.trials):
        args = exercise.random_inputs(rng, trial)
        problem = _one_trial(exercise, learner, args, "On random inputs")
        if problem:
            return problem
    return None


GLOBAL_RANDOM_STATE_USED = (
    "your function used numpy's global random state (np.random.seed, np.random.randn, np.random.shuffle, ...), "
    "which every other piece of code shares; make your own generator from the seed, "
    "rng = np.random.default_rng(seed), and draw from it (rng.standard_normal, rng.permutation, ...)")


class Passed(str):
    """What a behaviour check returns when all is right and it has something to report ("accuracy 97.3% ...")."""


def run_check(exercise: Exercise, function, seed=None, not_own_work: str | None = None) -> Verdict:
    """Check ``function`` (the learner's function, or a ``Learner`` standing for it) against ``exercise``.

    ``seed`` fixes the random trials (None: fresh ones). ``not_own_work``: what the notebook's source
    showed (``honesty.findings``) when the function is not the learner's own work: then that is the verdict.
    """

    def verdict(status, message=""):
        score = exercise.points if status == PASSED else 0
        return Verdict(exercise.id, status, score, exercise.points, message)

    if not_own_work:
        return verdict(NOT_OWN_WORK, not_own_work)
    if function is None:
        return verdict(NOT_ATTEMPTED, f"define the function {exercise.function_name} and run its cell first")
    if not isinstance(function, Learner) and not callable(function):
        return verdict(FAILED, f"check needs your function itself, e.g. check({exercise.id!r}, "
                               f"{exercise.function_name}); got a {type(function).__name__}")
    learner = function if isinstance(function, Learner) else LocalLearner(function)
    learner.deadline = time.monotonic() + exercise.time_limit
    rng = make_rng(seed)
    try:
        if exercise.custom is not None:
            problem = exercise.custom(learner, rng)
        else:
            problem = _compare_with_reference(exercise, learner, rng)
    except NotImplementedError:
        return verdict(NOT_ATTEMPTED, "replace `raise NotImplementedError` with your code, then run the cell again")
    except CallTimedOut:
        return verdict(TIMEOUT, f"your function did not finish within {exercise.time_limit:g} s: "
                                f"is there an endless loop?")
    except LearnerGone as gone:
        return verdict(ERROR, f"the process running your code ended or stopped answering during this check "
                              f"({gone}): os._exit, a crash or running out of memory")
    except LearnerRaised as error:  # raised by the learner's code inside a behaviour check
        if error.type_name == "RecursionError":
            return verdict(ERROR, "your function calls itself without end (RecursionError)")
        problem = f"your function raised {error}{_matmul_hint(error)}"
    if learner.touched:
        return verdict(NOT_OWN_WORK, not_own_work_message(learner.touched))
    if isinstance(problem, Passed):
        passed, problem = str(problem), None
    else:
        passed = "all checks passed"
    if not problem and learner.used_global_random:
        problem = GLOBAL_RANDOM_STATE_USED
    if problem:
        return verdict(FAILED, problem)
    trials = "" if exercise.custom else f" and on {exercise.trials} sets of random inputs"
    return verdict(PASSED, f"right on the worked example{trials}" if not exercise.custom else passed)
