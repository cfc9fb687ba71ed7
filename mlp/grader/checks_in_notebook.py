"""``check(...)``: the one line under each exercise in a notebook.

It runs the exercise's check on the learner's function (fresh random inputs every time)
and returns a Verdict, which Jupyter shows as a coloured box. It also remembers which
function was checked for which exercise, so batch grading grades that very function
even if a later cell reuses the name, and writes the verdict into the learner's progress
record (``progress_record``), which ``progress()`` shows for the whole course.
"""

from __future__ import annotations

import sys

import numpy as np

from ..checks import unknown_name_error
from .catalog import EXERCISES
from .checking import run_check
from .honesty import findings
from .progress_record import remember
from .verdict import Verdict

_SUBMITTED: dict = {}
RECORD_ONLY = False  # True while batch grading runs the notebook: check() records, the grader checks


def _exercise(exercise_id):
    if exercise_id not in EXERCISES:
        raise unknown_name_error("exercise", exercise_id, EXERCISES)
    return EXERCISES[exercise_id]


def check(exercise_id: str, function=None, seed=None) -> Verdict:
    """Check the learner's ``function`` for exercise ``exercise_id`` (e.g. "03.sigmoid").

    Returns a Verdict: not attempted / incorrect (with what went wrong) / correct, and points.
    """
    exercise = _exercise(exercise_id)
    if function is not None:
        _SUBMITTED[exercise_id] = function
    if RECORD_ONLY:
        return None
    verdict = run_check(exercise, function, seed, not_own_work=own_work_findings(exercise))
    remember(verdict)  # for progress(), the whole course at a glance
    return verdict


def executed_cells() -> list[str] | None:
    """The source of every cell this IPython kernel has run, in order; None outside IPython."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "history_manager"):
        return None
    return [str(source) for source in shell.history_manager.input_hist_raw]


def own_work_findings(exercise) -> str | None:
    """The not_own_work message the batch grader would give, read from the cells run so far (None if none)."""
    sources = executed_cells()
    return None if sources is None else findings(sources, [exercise]).get(exercise.id)


def submitted_functions() -> dict:
    """{exercise id: the function last passed to check} in this kernel."""
    return dict(_SUBMITTED)


def _shown(value) -> str:
    """A value as the worked example prints it: arrays and numbers to 4 decimals, like numpy's arrays.

    More digits than that would be rounding noise, different from one CPU to the next.
    """
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if value != 0 and abs(value) < 1e-3:
            return np.format_float_scientific(value, precision=3, trim="0")
        return np.format_float_positional(value, precision=4, trim="0")
    return repr(value)


def show_example(exercise_id: str) -> None:
    """Print the exercise's worked example: its inputs and the expected output."""
    exercise = _exercise(exercise_id)
    names = exercise.parameters[:len(exercise.example)]
    with np.printoptions(precision=4, suppress=True):
        for name, value in zip(names, exercise.example):
            shown = getattr(value, "__name__", None) if callable(value) else None
            print(f"{name} = {shown}" if shown else f"{name} =\n{_shown(value)}")
        print(f"expected {exercise.function_name}({', '.join(names)}) =\n{_shown(exercise.expected_example())}")
