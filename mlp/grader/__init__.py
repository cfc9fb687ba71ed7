"""The course's grader: instant checks in the notebook, and batch grading for instructors.

In an exercise notebook::

    from mlp.grader import check, show_example
    check("03.sigmoid", sigmoid)      # not attempted / incorrect (and why) / correct, with points
    progress()                        # every exercise of the course: passed, failed or not tried, with points

For a class (see ``python -m mlp.grader --help``)::

    python -m mlp.grader grade submissions/*.ipynb --csv grades.csv --feedback feedback/

How a grade is made: ``batch`` runs each submission in its own ``sandbox`` (the ``runner`` executes its
cells there), and checks each exercise in the grader's process through a ``learner.Learner`` whose calls
cross ``wire`` as plain data; ``honesty`` reads the source for someone else's implementations. In a
notebook, ``check`` runs the same check on the function itself (``learner.LocalLearner``).
"""

from __future__ import annotations

from .catalog import EXERCISES, exercises_of
from .checking import Exercise, run_check
from .checks_in_notebook import check, show_example, submitted_functions
from .progress_record import progress
from .verdict import Verdict

__all__ = ["check", "progress", "show_example", "submitted_functions", "run_check", "Exercise", "Verdict", "EXERCISES",
           "exercises_of"]
