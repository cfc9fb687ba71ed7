"""Generate the learner's exercise notebooks from the worked solutions.

solutions/NN_name.ipynb is the single source. In its code cells, the reference code sits
between a line ``### BEGIN SOLUTION`` and a line ``### END SOLUTION``, always inside a
function body. ``build`` replaces each such block, markers included, with

    # YOUR CODE HERE
    raise NotImplementedError("...")

at the block's indentation, clears every output and execution count, appends the progress
cells (``PROGRESS_CELLS``: the whole course's exercises at a glance, ``progress()``) and writes
exercises/NN_name.ipynb. Run All on the result is safe: each check says "not attempted".
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = 'raise NotImplementedError("replace this line with your code")'
PROGRESS_CELLS = (
    ("markdown", "## Your progress in the whole course\n\n"
                 "Every check writes its verdict into your progress record, whichever notebook it runs in. "
                 "This cell shows every exercise of the course: ✔ correct, ✘ not yet right, ○ not tried."),
    ("code", "from mlp.grader import progress\n\nprogress()"),
)


class SolutionMarkerError(ValueError):
    """A solution block that cannot be turned into a stub."""


def strip_solutions(source: str, where: str = "cell") -> str:
    """The source with every solution block replaced by the stub (see the module docstring)."""
    lines, result, inside, indent = source.split("\n"), [], False, ""
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise SolutionMarkerError(f"{where}, line {number}: {BEGIN} inside another solution block")
            indent = line[: len(line) - len(line.lstrip())]
            if not indent:
                raise SolutionMarkerError(
                    f"{where}, line {number}: a solution block must be inside a function body, so that the "
                    f"stub raises only when the learner's function is called (Run All stays safe)")
            inside = True
            result += [f"{indent}# YOUR CODE HERE", f"{indent}{STUB}"]
        elif stripped == END:
            if not inside:
                raise SolutionMarkerError(f"{where}, line {number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            result.append(line)
    if inside:
        raise SolutionMarkerError(f"{where}: {BEGIN} without {END}")
    return "\n".join(result)


def exercise_notebook(solution: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """The learner's version of a solution notebook (a new notebook; the solution is unchanged)."""
    notebook = copy.deepcopy(solution)
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, f"{name}, cell {number}")
            cell.outputs = []
            cell.execution_count = None
        elif BEGIN in cell.source:
            raise SolutionMarkerError(f"{name}, cell {number}: solution markers belong in code cells only")
        cell.metadata.pop("execution", None)
    notebook.metadata.pop("widgets", None)
    notebook.cells += [nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
                       for kind, source in PROGRESS_CELLS]
    for number, cell in enumerate(notebook.cells[-len(PROGRESS_CELLS):]):
        cell.id = f"course-progress-{number}"  # stable ids: a rebuild writes the same file
    return notebook


def solution_notebooks(solutions_dir: Path) -> list[Path]:
    return sorted(path for path in Path(solutions_dir).glob("*.ipynb") if re.match(r"\d\d_", path.name))


def stale(solutions_dir: Path, exercises_dir: Path) -> list[str]:
    """The exercise notebooks that differ from what ``build`` would write (or are missing or extra)."""
    exercises_dir = Path(exercises_dir)
    expected = {path.name: exercise_notebook(nbformat.read(path, as_version=4), path.name)
                for path in solution_notebooks(solutions_dir)}
    present = {path.name for path in exercises_dir.glob("*.ipynb") if re.match(r"\d\d_", path.name)}
    problems = [f"{name}: extra (no solution)" for name in sorted(present - set(expected))]
    for name, notebook in expected.items():
        if name not in present:
            problems.append(f"{name}: missing")
        elif nbformat.read(exercises_dir / name, as_version=4) != notebook:
            problems.append(f"{name}: out of date")
    return problems


def build(solutions_dir: Path, exercises_dir: Path) -> list[Path]:
    """Write exercises_dir/NN_name.ipynb for every solutions_dir/NN_name.ipynb; returns the paths written."""
    exercises_dir = Path(exercises_dir)
    exercises_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in solution_notebooks(solutions_dir):
        notebook = exercise_notebook(nbformat.read(path, as_version=4), path.name)
        target = exercises_dir / path.name
        nbformat.write(notebook, target)
        written.append(target)
    return written
