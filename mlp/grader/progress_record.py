"""The learner's progress over the whole course: which exercises pass, with their points.

Every ``check(...)`` in a notebook writes its verdict into a small record, so that one call,
``progress()``, shows the whole course at a glance, whichever notebooks the checks ran in::

    from mlp.grader import progress
    progress()    # every lesson: its exercises passed, failed or not tried yet, and the points

The record is a JSON file, ``~/.mlp-course/progress.json``: {exercise id: the last verdict}. The
environment variable ``MLP_PROGRESS_RECORD`` names another file, or ``off`` to keep no record (the
test suite runs with it off). The last check of an exercise wins: a function that passed and was then
broken shows as failing, as its next check would say. The record is the learner's own overview, not a
grade: an instructor grades the notebooks themselves (``python -m mlp.grader grade``).

A record that cannot be written (a read-only home, a full disk) never stops a check; a record that
cannot be read is kept aside as ``progress.json.unreadable`` and a new one is started.
"""

from __future__ import annotations

import html
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .catalog import EXERCISES, LESSONS
from .verdict import _SYMBOL, NOT_ATTEMPTED, PASSED, Verdict

OFF = "off"


def record_path() -> Path | None:
    """Where the record is kept: $MLP_PROGRESS_RECORD, else ~/.mlp-course/progress.json; None when off."""
    setting = os.environ.get("MLP_PROGRESS_RECORD", "").strip()
    if setting.lower() == OFF:
        return None
    return Path(setting).expanduser() if setting else Path.home() / ".mlp-course" / "progress.json"


def read_record(path: Path | None = None) -> dict:
    """{exercise id: {"status", "score", "max_score", "time"}}; empty if there is no record yet."""
    path = record_path() if path is None else path
    if path is None or not path.exists():
        return {}
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
        return {key: value for key, value in record.items() if isinstance(value, dict)}
    except (OSError, ValueError):
        try:  # keep the unreadable file for the curious; a new record starts with the next check
            os.replace(path, path.with_name(path.name + ".unreadable"))
        except OSError:
            pass
        return {}


def remember(verdict: Verdict) -> None:
    """Write one check's verdict into the record (atomically; silently skipped if it cannot be written)."""
    path = record_path()
    if path is None or verdict is None:
        return
    try:
        record = read_record(path)
        record[verdict.exercise] = {"status": verdict.status, "score": verdict.score, "max_score": verdict.max_score,
                                    "time": time.strftime("%Y-%m-%d %H:%M")}
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=".progress-", suffix=".json", delete=False,
                                         encoding="utf-8") as file:
            json.dump(record, file, indent=1, sort_keys=True)
        os.replace(file.name, path)
    except OSError:
        pass


@dataclass(frozen=True)
class LessonProgress:
    lesson: str  # "03"
    title: str  # "Activation functions and their derivatives", the catalog module's TITLE
    rows: tuple  # (exercise id, function name, status, score, max_score), in notebook order

    @property
    def passed(self) -> int:
        return sum(row[2] == PASSED for row in self.rows)

    @property
    def score(self) -> float:
        return sum(row[3] for row in self.rows)

    @property
    def max_score(self) -> float:
        return sum(row[4] for row in self.rows)


class Progress:
    """Every exercise of the course with its last recorded verdict; shown as a table in Jupyter."""

    def __init__(self, record: dict, where: Path | None):
        self.where = where
        self.lessons = []
        for lesson, module in LESSONS.items():
            rows = []
            for exercise in module.EXERCISES:
                entry = record.get(exercise.id, {})
                status = entry.get("status", NOT_ATTEMPTED)
                score = float(entry.get("score", 0.0)) if status == PASSED else 0.0
                rows.append((exercise.id, exercise.function_name, status, score, float(exercise.points)))
            self.lessons.append(LessonProgress(lesson, module.TITLE, tuple(rows)))

    @property
    def passed(self) -> int:
        return sum(lesson.passed for lesson in self.lessons)

    @property
    def score(self) -> float:
        return sum(lesson.score for lesson in self.lessons)

    @property
    def max_score(self) -> float:
        return sum(lesson.max_score for lesson in self.lessons)

    @property
    def exercises(self) -> int:
        return sum(len(lesson.rows) for lesson in self.lessons)

    def headline(self) -> str:
        return (f"{self.passed} of {self.exercises} exercises pass, "
                f"{self.score:g} of {self.max_score:g} points")

    def _footnote(self) -> str:
        if self.where is None:
            return "No record is kept (MLP_PROGRESS_RECORD=off): every exercise shows as not tried."
        return ("From the record of your checks, ~/.mlp-course/progress.json unless MLP_PROGRESS_RECORD names "
                "another file (the last check of each exercise counts).")

    def __str__(self) -> str:
        lines = [f"Your progress: {self.headline()}"]
        for lesson in self.lessons:
            marks = "  ".join(f"{_SYMBOL[status]} {name}" for _, name, status, _, _ in lesson.rows)
            lines.append(f"  lesson {int(lesson.lesson):>2} {lesson.title[:40]:<40} "
                         f"{lesson.score:>3g}/{lesson.max_score:<3g} {marks}")
        lines.append(self._footnote())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colours = {PASSED: "#1a7f37", NOT_ATTEMPTED: "#6e7781"}
        rows = []
        for lesson in self.lessons:
            marks = " &nbsp; ".join(
                f'<span style="color: {colours.get(status, "#cf222e")};" title="{html.escape(exercise_id)}: '
                f'{html.escape(status.replace("_", " "))}">{_SYMBOL[status]}&nbsp;{html.escape(name)}</span>'
                for exercise_id, name, status, _, _ in lesson.rows)
            rows.append(f"<tr><td style='text-align: left;'>{int(lesson.lesson)}</td>"
                        f"<td style='text-align: left;'>{html.escape(lesson.title)}</td>"
                        f"<td style='text-align: right;'>{lesson.score:g} / {lesson.max_score:g}</td>"
                        f"<td style='text-align: left;'>{marks}</td></tr>")
        return (f"<div><b>Your progress: {html.escape(self.headline())}</b>"
                "<table><thead><tr><th style='text-align: left;'>lesson</th><th style='text-align: left;'></th>"
                "<th style='text-align: right;'>points</th><th style='text-align: left;'>exercises "
                "(✔ correct, ✘ not yet right, ○ not tried)</th></tr></thead><tbody>"
                + "".join(rows) + f"</tbody></table><small>{html.escape(self._footnote())}</small></div>")


def progress() -> Progress | None:
    """The whole course's exercises with the last recorded verdict of each (see the module docstring)."""
    from . import checks_in_notebook

    if checks_in_notebook.RECORD_ONLY:  # a submission being graded: no overview, no file read
        return None
    where = record_path()
    return Progress(read_record(where) if where is not None else {}, where)
