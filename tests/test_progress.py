"""The learner's progress overview: check() keeps a record, progress() shows the whole course from it."""

import json
import os

import nbformat
import numpy as np
import pytest

from mlp.grader import EXERCISES, check, checks_in_notebook, progress
from mlp.grader.build import PROGRESS_CELLS, exercise_notebook
from mlp.grader.progress_record import Progress, read_record, record_path
from mlp.grader.verdict import FAILED, NOT_ATTEMPTED, PASSED


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))  # stable: exp of a number <= 0 only


def sigmoid_overflows(z):
    return 1 / (1 + np.exp(-z))


@pytest.fixture
def record(tmp_path, monkeypatch):
    path = tmp_path / "nested" / "progress.json"  # a folder that does not exist yet
    monkeypatch.setenv("MLP_PROGRESS_RECORD", str(path))
    return path


def statuses(overview: Progress) -> dict:
    return {exercise_id: (status, score) for lesson in overview.lessons for exercise_id, _, status, score, _ in lesson.rows}


def test_checks_are_recorded_and_the_last_check_counts(record):
    assert statuses(progress())["03.sigmoid"] == (NOT_ATTEMPTED, 0.0)
    assert check("03.sigmoid", sigmoid).status == PASSED
    assert json.loads(record.read_text())["03.sigmoid"]["status"] == PASSED
    overview = progress()
    assert statuses(overview)["03.sigmoid"] == (PASSED, EXERCISES["03.sigmoid"].points)
    assert overview.passed == 1 and overview.score == EXERCISES["03.sigmoid"].points
    assert overview.headline().startswith(f"1 of {len(EXERCISES)} exercises pass")
    # broken again: the overview says so, as the next check would
    assert check("03.sigmoid", sigmoid_overflows).status == FAILED
    assert statuses(progress())["03.sigmoid"] == (FAILED, 0.0)
    assert progress().passed == 0


def test_the_overview_lists_every_exercise_of_the_course_with_its_points(record):
    overview = progress()
    assert overview.exercises == len(EXERCISES)
    assert overview.max_score == sum(exercise.points for exercise in EXERCISES.values())
    html, text = overview._repr_html_(), str(overview)
    for exercise in EXERCISES.values():
        assert exercise.function_name in html and exercise.function_name in text
    assert "~/.mlp-course/progress.json unless MLP_PROGRESS_RECORD names another file" in text


def test_the_default_record_is_in_the_home_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("MLP_PROGRESS_RECORD", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert record_path() == tmp_path / ".mlp-course" / "progress.json"
    assert "~/.mlp-course/progress.json" in str(progress())


def test_off_keeps_no_record(monkeypatch, tmp_path):
    monkeypatch.setenv("MLP_PROGRESS_RECORD", "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert check("03.sigmoid", sigmoid).status == PASSED
    assert not any(tmp_path.rglob("*.json"))
    overview = progress()
    assert overview.passed == 0 and "No record is kept" in str(overview)


def test_a_record_that_cannot_be_written_never_stops_a_check(tmp_path, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MLP_PROGRESS_RECORD", str(blocker / "progress.json"))  # its folder is a file
    verdict = check("03.sigmoid", sigmoid)
    assert verdict.status == PASSED and blocker.read_text() == "not a folder"


@pytest.mark.parametrize("content", ["{not json", "[1, 2, 3]", "\x00\x01"])
def test_an_unreadable_record_is_kept_aside_and_a_new_one_started(record, content):
    record.parent.mkdir(parents=True)
    record.write_text(content)
    assert read_record() == {}
    assert (record.parent / "progress.json.unreadable").read_text() == content
    check("03.sigmoid", sigmoid)
    assert set(read_record()) == {"03.sigmoid"}


def test_a_submission_being_graded_gets_no_overview_and_writes_nothing(record, monkeypatch):
    monkeypatch.setattr(checks_in_notebook, "RECORD_ONLY", True)
    assert check("03.sigmoid", sigmoid) is None
    assert progress() is None
    assert not record.exists()


def test_every_exercise_notebook_ends_with_the_overview(record):
    solution = nbformat.read(os.path.join(os.path.dirname(__file__), "..", "solutions", "03_activation_functions.ipynb"),
                             as_version=4)
    built = exercise_notebook(solution, "03_activation_functions.ipynb")
    tail = built.cells[-len(PROGRESS_CELLS):]
    assert [cell.cell_type for cell in tail] == [kind for kind, _ in PROGRESS_CELLS]
    assert len(built.cells) == len(solution.cells) + len(PROGRESS_CELLS)
    namespace = {}
    exec(tail[-1].source.replace("progress()", "shown = progress()"), namespace)  # the cell as the learner runs it
    assert isinstance(namespace["shown"], Progress)
    assert exercise_notebook(solution, "03_activation_functions.ipynb") == built  # a rebuild writes the same file


def test_each_lesson_is_named_as_its_notebook_names_it():
    from pathlib import Path

    from mlp.grader.catalog import LESSONS

    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    for lesson, module in LESSONS.items():
        (path,) = notebooks.glob(f"{lesson}_*.ipynb")
        heading = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0]  # "# Lesson 3 · Activation ..."
        assert heading == f"# Lesson {int(lesson)} · {module.TITLE}"
