"""The course's grader: instant checks in the notebook, and batch grading for instructors.

In an exercise notebook::

    from mlp.grader import check, show_example
    check("03.sigmoid", sigmoid)      # not attempted / incorrect (and why) / correct, with points

For a class (see ``python -m mlp.grader --help``)::

    python -m mlp.grader grade submissions/*.ipynb --csv grades.csv --feedback feedback/
"""

from __future__ import annotations

from .catalog import EXERCISES, exercises_of
from .checking import Exercise, run_check
from .checks_in_notebook import check, show_example, submitted_functions
from .verdict import Verdict

__all__ = ["check", "show_example", "submitted_functions", "run_check", "Exercise", "Verdict", "EXERCISES",
           "exercises_of"]
