"""Batch grading: each submission's code runs in its own sandbox; the verdicts are computed here.

For each submission the grader
1. reads the file (never writes it; a symbolic link is refused, not followed);
2. finds the lesson, which is the instructor's decision: a two-digit lesson number in the file name
   such as ``03_...`` or ``alice_03``, else ``--lesson``. The notebook's own metadata
   (``mlp_grader.lesson``) never decides; where it names another lesson, every row says so;
3. reads the code cells' source (``honesty``): a function that uses someone else's implementation, or a
   notebook that runs code it did not write, is not_own_work;
4. starts the submission's sandbox (``sandbox``: its own process, limits, private folders) and has it run
   every code cell, each with a time limit (a failing cell costs only itself; a cell that kills its
   process or ignores its time limit is skipped in a fresh sandbox);
5. checks every exercise of the lesson here, in the grader's process: the check sends the inputs, the
   sandbox calls the learner's function (the one last passed to ``check``, else the one of that name) and
   sends back the outputs as plain data, and the grader compares them with its own reference. The random
   trials are seeded from the submission's content, so a class's CSV is the same however it is run.

A submission that cannot run at all (not JSON, not a notebook) gets one row per exercise saying so,
and the batch goes on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import time
from pathlib import Path

from . import honesty
from .catalog import EXERCISES, exercises_of
from .checking import run_check
from .learner import Learner, LearnerGone
from .sandbox import Gone, Sandbox, Stuck
from .verdict import ERROR, FAILED, NOT_OWN_WORK, TIMEOUT, Verdict
from . import wire

CELL_TIMEOUT = 60  # seconds per cell of the submission
SUBMISSION_TIMEOUT = 900  # seconds for a whole submission: its cells, every check, every restart
RESTARTS = 3  # fresh sandboxes a submission may need (a cell that ended its process or ignored its limit)


def lesson_of(path: Path, default: str | None = None) -> str | None:
    """The lesson a submission is graded as: the file name's lesson number, else ``default`` (--lesson)."""
    for number in re.findall(r"(?<!\d)(\d\d)(?!\d)", path.stem):  # "03_sigmoid", "alice_03", "03-bob"
        if exercises_of(number):
            return number
    return default


def metadata_note(notebook: dict, lesson: str) -> str:
    """" (...)" when the notebook's metadata names another lesson than the one it is graded as, else ""."""
    metadata = notebook.get("metadata")
    grader = metadata.get("mlp_grader") if isinstance(metadata, dict) else None
    claimed = grader.get("lesson") if isinstance(grader, dict) else None
    if claimed is None or claimed == lesson:
        return ""
    return f" (graded as lesson {lesson}; the notebook's metadata says lesson {str(claimed)[:20]!r}, which is ignored)"


def _rows_saying(lesson, status, message) -> list[Verdict]:
    exercises = exercises_of(lesson) if lesson else []
    if not exercises:
        return [Verdict("?", status, 0, 0, message)]
    return [Verdict(exercise.id, status, 0, exercise.points, message) for exercise in exercises]


def seed_of(content: bytes) -> int:
    """A seed for the checks derived from the submission's bytes: same file, same random trials."""
    return int.from_bytes(hashlib.sha256(content).digest()[:8], "big")


def code_cells(content: bytes) -> tuple[dict, list[str]]:
    """The notebook (as JSON) and the source of each of its code cells; ValueError if it is not a notebook."""
    notebook = json.loads(content.decode("utf-8"))
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError("no list of cells")
    sources = []
    for cell in notebook["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise ValueError("a cell that is not a notebook cell")
        if cell["cell_type"] == "code":
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else str(source))
    return notebook, sources


def read_submission(path) -> tuple[str, bytes | None, str | None]:
    """(name, content, problem): the file's bytes, or why it cannot be graded (a link, unreadable)."""
    path = Path(path)
    if path.is_symlink():
        return path.name, None, "a symbolic link, not a notebook file: links are not followed; submit the notebook itself"
    try:
        return path.name, path.read_bytes(), None
    except OSError as error:
        return path.name, None, f"could not read the file: {error.strerror or error}"


def grade_submission(path, lesson: str | None = None, cell_timeout: int = CELL_TIMEOUT,
                     submission_timeout: int = SUBMISSION_TIMEOUT) -> list[Verdict]:
    """Grade one submission file; returns one Verdict per exercise of its lesson."""
    path = Path(path)
    name, content, problem = read_submission(path)
    lesson = lesson_of(path, lesson)
    if problem:
        return _rows_saying(lesson, ERROR, problem)
    return grade_content(content, lesson, cell_timeout, submission_timeout)


def grade_content(content: bytes, lesson: str | None, cell_timeout: int = CELL_TIMEOUT,
                  submission_timeout: int = SUBMISSION_TIMEOUT) -> list[Verdict]:
    """Grade a submission's bytes as ``lesson`` (what a cluster's worker is sent)."""
    try:
        notebook, sources = code_cells(content)
    except Exception as error:  # invalid JSON, not a notebook, wrong encoding...
        return _rows_saying(lesson, ERROR,
                            f"not a readable notebook ({type(error).__name__}): the file could not be graded")
    if lesson is None:
        return _rows_saying(None, ERROR, "cannot tell which lesson this is: put the lesson number in the file name "
                                         "(e.g. 03_...) or pass --lesson NN")
    note = metadata_note(notebook, lesson)
    verdicts = _run_and_grade(sources, seed_of(content), lesson, cell_timeout, submission_timeout)
    return [dataclasses.replace(v, message=v.message + note) for v in verdicts] if note else verdicts


class RemoteLearner(Learner):
    """The learner's function for one exercise, living in the submission's sandbox."""

    def __init__(self, sandbox: Sandbox, exercise, submission_deadline: float | None = None):
        super().__init__()
        self.sandbox, self.exercise, self.submission_deadline = sandbox, exercise, submission_deadline

    def remaining(self) -> float | None:
        """The check's time left, but never past the submission's wall-clock cap."""
        left = super().remaining()
        if self.submission_deadline is not None:
            cap = self.submission_deadline - time.monotonic()
            left = cap if left is None else min(left, cap)
        return left

    def _call(self, target, args, strict_floats):
        seconds = max(self.remaining(), 0.001)
        request = {"op": "call", "exercise": self.exercise.id, "function_name": self.exercise.function_name,
                   "handle": target, "args": wire.encode(args), "strict_floats": strict_floats, "time_limit": seconds}
        try:
            return self.sandbox.request(request, seconds)
        except Stuck:
            return {"status": "timeout"}
        except Gone as gone:
            raise LearnerGone(str(gone)) from None


def _run_cells(sandbox, sources, skipped, cell_timeout, deadline) -> int | None:
    """Run every code cell but the skipped ones; the number of a cell that ended or hung the process, else None."""
    for number, source in enumerate(sources):
        if number in skipped or not source.strip():
            continue
        seconds = min(cell_timeout, max(deadline - time.monotonic(), 0.001))
        try:
            sandbox.request({"op": "cell", "index": number, "source": source, "time_limit": seconds}, seconds)
        except (Gone, Stuck):
            return number
    return None


def _run_and_grade(sources: list[str], seed: int, lesson: str, cell_timeout: int,
                   submission_timeout: int) -> list[Verdict]:
    exercises = exercises_of(lesson)
    found = honesty.findings(sources, exercises)
    verdicts: dict = {e.id: run_check(e, None, not_own_work=found[e.id]) for e in exercises if e.id in found}
    deadline = time.monotonic() + submission_timeout
    skipped: dict = {}  # cell number -> why it was skipped
    for attempt in range(RESTARTS + 1):
        remaining = [e for e in exercises if e.id not in verdicts]
        if not remaining or time.monotonic() >= deadline:
            break
        try:
            sandbox = Sandbox(cpu_seconds=submission_timeout)
        except Gone as gone:
            return _rows_saying(lesson, ERROR, str(gone))
        with sandbox:
            stopped_at = _run_cells(sandbox, sources, skipped, cell_timeout, deadline)
            if stopped_at is not None:
                skipped[stopped_at] = "ended the process running it or ignored its time limit"
                continue
            for number, exercise in enumerate(exercises):
                if exercise.id in verdicts:
                    continue
                if time.monotonic() >= deadline:
                    break
                verdicts[exercise.id] = _check_in(sandbox, exercise, (seed + number) % 2**63, deadline)
                if not sandbox.alive:
                    break
    rows = []
    for exercise in exercises:
        verdict = verdicts.get(exercise.id) or Verdict(
            exercise.id, TIMEOUT, 0, exercise.points, f"the submission used up its {submission_timeout} s before this "
                                                      f"exercise could be checked")
        if skipped and verdict.status != NOT_OWN_WORK:
            cells = ", ".join(str(number) for number in sorted(skipped))
            verdict = dataclasses.replace(verdict, message=f"{verdict.message} (code cell {cells} was skipped: it "
                                                           f"ended the process running it or ran past its time limit "
                                                           f"without stopping)")
        rows.append(verdict)
    return rows


def _check_in(sandbox: Sandbox, exercise, seed: int, deadline: float) -> Verdict:
    try:
        found = sandbox.request({"op": "resolve", "exercise": exercise.id, "function_name": exercise.function_name},
                                10)
    except (Gone, Stuck):
        return Verdict(exercise.id, ERROR, 0, exercise.points, "the process running the notebook stopped answering")
    if found.get("status") == "missing":
        return run_check(exercise, None)
    if found.get("status") != "found":
        return Verdict(exercise.id, FAILED, 0, exercise.points,
                       f"{exercise.function_name} is not a function: it is a {str(found.get('type'))[:40]}")
    return run_check(exercise, RemoteLearner(sandbox, exercise, deadline), seed=seed)


def known_exercise(exercise_id: str) -> bool:
    return exercise_id in EXERCISES
