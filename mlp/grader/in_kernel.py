"""The grading step that batch grading appends to a submission and runs in its kernel."""

from __future__ import annotations

import dataclasses

from .catalog import exercises_of
from .checking import run_check
from .checks_in_notebook import submitted_functions


def grade_namespace(namespace: dict, lesson: str, seed: int) -> list[dict]:
    """Check every exercise of ``lesson``: the function last passed to ``check``, else the one
    named like the exercise's function in ``namespace``. Returns the verdicts as dicts."""
    submitted = submitted_functions()
    results = []
    for number, exercise in enumerate(exercises_of(lesson)):
        function = submitted.get(exercise.id, namespace.get(exercise.function_name))
        verdict = run_check(exercise, function, seed=(seed + number) % 2**63)
        results.append(dataclasses.asdict(verdict))
    return results
