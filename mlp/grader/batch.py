"""Batch grading: run each submission in a fresh kernel and grade it by exercise id.

For each submission the grader
1. reads the file (never writes it) and copies it into a temporary folder;
2. finds the lesson, which is the instructor's decision: a two-digit lesson number in the file name
   such as ``03_...`` or ``alice_03``, else ``--lesson``. The notebook's own metadata
   (``mlp_grader.lesson``) never decides; where it names another lesson, every row says so.
   A symbolic link is not followed: it gets an error row per exercise;
3. runs every code cell in a fresh kernel with a per-cell time limit, errors allowed
   (a crashing cell costs only itself);
4. appends one grading cell that looks up, for each exercise of the lesson, the function the
   learner last passed to ``check`` (else the function of that name) and runs the installed
   package's check on it, with a seed derived from the submission's content (so a class's
   CSV is the same however many jobs run in parallel).

A submission that cannot run at all (not JSON, not a notebook, dead kernel) gets one row per
exercise saying so, and the batch goes on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import secrets
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from traitlets.config import Config

from .catalog import EXERCISES, exercises_of
from .verdict import ERROR, TIMEOUT, Verdict

CELL_TIMEOUT = 60  # seconds per cell of the submission

GRADING_CELL = """\
import json as _grader_json
from mlp.grader.in_kernel import grade_namespace as _grader_grade
print({marker!r} + _grader_json.dumps(_grader_grade(globals(), {lesson!r}, {seed})))
"""


def lesson_of(path: Path, default: str | None = None) -> str | None:
    """The lesson a submission is graded as: the file name's lesson number, else ``default`` (--lesson)."""
    for number in re.findall(r"(?<!\d)(\d\d)(?!\d)", path.stem):  # "03_sigmoid", "alice_03", "03-bob"
        if exercises_of(number):
            return number
    return default


def metadata_note(notebook, lesson: str) -> str:
    """" (...)" when the notebook's metadata names another lesson than the one it is graded as, else ""."""
    claimed = notebook.metadata.get("mlp_grader", {}).get("lesson") if isinstance(notebook.metadata, dict) else None
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


def grade_submission(path, lesson: str | None = None, cell_timeout: int = CELL_TIMEOUT) -> list[Verdict]:
    """Grade one submission; returns one Verdict per exercise of its lesson."""
    path = Path(path)
    if path.is_symlink():
        return _rows_saying(lesson_of(path, lesson), ERROR, "a symbolic link, not a notebook file: links are not "
                                                            "followed; submit the notebook itself")
    try:
        content = path.read_bytes()
    except OSError as error:
        return _rows_saying(lesson, ERROR, f"could not read the file: {error.strerror or error}")
    try:
        notebook = nbformat.reads(content.decode("utf-8"), as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # invalid JSON, not a notebook, wrong encoding...
        return _rows_saying(lesson_of(path, lesson), ERROR,
                            f"not a readable notebook ({type(error).__name__}): the file could not be graded")
    lesson = lesson_of(path, lesson)
    if lesson is None:
        return _rows_saying(None, ERROR, "cannot tell which lesson this is: put the lesson number in the file name "
                                         "(e.g. 03_...) or pass --lesson NN")
    note = metadata_note(notebook, lesson)
    verdicts = _run_and_grade(notebook, content, lesson, cell_timeout)
    return [dataclasses.replace(v, message=v.message + note) for v in verdicts] if note else verdicts


def _run_and_grade(notebook, content: bytes, lesson: str, cell_timeout: int) -> list[Verdict]:
    marker = f"__mlp_grader_{secrets.token_hex(8)}__"
    exercises = exercises_of(lesson)
    notebook.cells = [cell for cell in notebook.cells if cell.cell_type in ("code", "markdown", "raw")]
    grading = nbformat.v4.new_code_cell(GRADING_CELL.format(marker=marker, lesson=lesson, seed=seed_of(content)))
    notebook.cells.append(grading)
    workdir = Path(tempfile.mkdtemp(prefix="mlp-grade-"))
    # IPC sockets in the submission's own folder: no TCP port, nothing another process can reach.
    config = Config({"KernelManager": {"transport": "ipc", "ip": str(workdir / "kernel")}})
    try:
        nbformat.write(notebook, workdir / "submission.ipynb")  # the copy that runs, in its own folder
        client = NotebookClient(notebook, config=config, kernel_name="python3", timeout=cell_timeout,
                                allow_errors=True, interrupt_on_timeout=True,
                                resources={"metadata": {"path": str(workdir)}})
        try:
            with client.setup_kernel():
                for index, cell in enumerate(notebook.cells[:-1]):
                    if cell.cell_type == "code":
                        _execute(client, cell, index)
                client.timeout = sum(exercise.time_limit for exercise in exercises) + 60
                client.execute_cell(grading, len(notebook.cells) - 1)
        except DeadKernelError:
            return _rows_saying(lesson, ERROR, "the notebook stopped its own kernel (os._exit, a crash or running out "
                                               "of memory), so nothing could be graded")
        return _parse(grading, marker, lesson)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _execute(client, cell, index):
    try:
        client.execute_cell(cell, index)
    except DeadKernelError:
        raise
    except Exception:  # a cell timeout or error: it costs only this cell
        pass


def _parse(grading_cell, marker, lesson) -> list[Verdict]:
    for output in grading_cell.get("outputs", []):
        text = output.get("text", "") if output.get("output_type") == "stream" else ""
        for line in text.splitlines():
            if line.startswith(marker):
                results = json.loads(line[len(marker):])
                return [Verdict(**result) for result in results]
    errors = [output for output in grading_cell.get("outputs", []) if output.get("output_type") == "error"]
    if errors and errors[0].get("ename") == "KeyboardInterrupt":
        return _rows_saying(lesson, TIMEOUT, "grading ran past its time limit")
    detail = f" ({errors[0].get('ename')}: {errors[0].get('evalue')})" if errors else ""
    return _rows_saying(lesson, ERROR, f"the grading step could not run in this notebook{detail}")


def known_exercise(exercise_id: str) -> bool:
    return exercise_id in EXERCISES
