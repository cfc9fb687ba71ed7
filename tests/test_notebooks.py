"""Every lesson has the parts the course promises, and was stored from a clean top-to-bottom run.

nbval (run by `make test` on notebooks/) re-executes each lesson and compares the outputs;
these tests check the structure that nbval does not look at.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# Lessons with code for the learner to write have a graded exercise of the same name.
WITHOUT_EXERCISE = {"00_welcome", "11_appendix_history"}


def test_there_are_lessons():
    assert LESSONS, "no lessons in notebooks/"
    numbers = [int(path.name[:2]) for path in LESSONS]
    assert numbers == list(range(len(LESSONS))), f"lessons must be numbered 00, 01, ... without gaps: {numbers}"


@pytest.fixture(params=LESSONS, ids=[path.stem for path in LESSONS])
def lesson(request):
    return request.param, nbformat.read(request.param, as_version=4)


def markdown(notebook):
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def test_lesson_has_title_objectives_and_takeaways(lesson):
    path, notebook = lesson
    first = notebook.cells[0]
    assert first.cell_type == "markdown"
    assert first.source.startswith(f"# Lesson {int(path.name[:2])} · "), first.source[:60]
    assert "Learning objectives" in first.source
    assert re.search(r"^## Key takeaways", notebook.cells[-1].source, re.M), "the last cell must be the key takeaways"


def test_lesson_has_equations_code_using_mlp_and_a_figure(lesson):
    path, notebook = lesson
    text = markdown(notebook)
    assert re.search(r"\$[^$]+\$", text), "no LaTeX equation"
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert re.search(r"^import mlp|^from mlp", code, re.M), "the lesson does not use the mlp package"
    images = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
              if "image/png" in output.get("data", {})]
    assert images, "no figure"


def test_lesson_points_to_its_exercise(lesson):
    path, notebook = lesson
    if path.stem in WITHOUT_EXERCISE:
        return
    assert f"exercises/{path.name}" in markdown(notebook), f"no pointer to exercises/{path.name}"


def test_lesson_was_stored_from_a_clean_top_to_bottom_run(lesson):
    path, notebook = lesson
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    counts = [cell.execution_count for cell in code_cells]
    assert counts == list(range(1, len(code_cells) + 1)), f"execution counts {counts}: run `make notebooks`"
    for cell in code_cells:
        for output in cell.outputs:
            assert output.output_type != "error", f"stored error in cell:\n{cell.source[:200]}"
            if output.output_type == "stream":
                assert output.name != "stderr" or "Warning" not in output.text, f"a warning is stored:\n{output.text}"
    assert "widgets" not in notebook.metadata, "widget state is stored: run `make notebooks`"


def test_a_widget_is_shown_once_and_reads_where_widgets_do_not_run(lesson):
    """GitHub, nbviewer and nbconvert show a widget cell's picture (never a raw ``VBox(...)`` line); Voila shows the
    live widget alone, so no second, static copy follows it."""
    path, notebook = lesson
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        assert ".snapshot()" not in cell.source, f"a static copy of a widget repeats it in Voila:\n{cell.source}"
        for output in cell.outputs:
            data = output.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data:
                assert "image/png" in data, f"a widget without its picture for static pages:\n{cell.source}"
                assert "VBox" not in data["text/plain"], data["text/plain"]


@pytest.mark.parametrize("path", sorted(ROOT.glob("*/[0-9][0-9]_*.ipynb")), ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_no_notebook_holds_a_control_character(path):
    """A '\\b' eaten by a Python string turned `\\beta` into a backspace and 'eta': "Math input error"."""
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        found = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", cell.source)
        assert not found, (f"{path.name} cell {index} holds the control character {found.group()!r} in "
                           f"{cell.source[max(0, found.start() - 30):found.end() + 10]!r}")


def test_readme_course_map_links_every_lesson():
    readme = (ROOT / "README.md").read_text()
    for path in LESSONS:
        assert f"(notebooks/{path.name})" in readme, f"README does not link notebooks/{path.name}"
