"""The grader: build, checks, diagnoses, and batch grading of honest and hostile submissions."""

import copy
import csv
import dataclasses
import hashlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from mlp.grader import EXERCISES, check, exercises_of, run_check, submitted_functions
from mlp.grader.learner import LocalLearner
from mlp.grader.__main__ import main
from mlp.grader.build import SolutionMarkerError, exercise_notebook, strip_solutions
from mlp.grader.catalog import LESSONS
from mlp.grader.diagnosis import diagnose
from mlp.grader.verdict import STATUSES, Verdict

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
EXERCISE_NOTEBOOKS = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))


# --- the catalog ---------------------------------------------------------------------


def test_catalog_has_at_least_25_exercises_with_stable_ids_and_points():
    assert len(EXERCISES) >= 25
    for exercise_id, exercise in EXERCISES.items():
        lesson, name = exercise_id.split(".")
        assert lesson in LESSONS and name and exercise.points > 0
        assert exercise.reference is not None or exercise.custom is not None


def test_every_lesson_with_exercises_has_a_solution_and_an_exercise_notebook():
    lessons = {path.name[:2] for path in SOLUTIONS}
    assert lessons == set(LESSONS), f"solutions missing for lessons {sorted(set(LESSONS) - lessons)}"
    assert [path.name for path in EXERCISE_NOTEBOOKS] == [path.name for path in SOLUTIONS]
    for path in SOLUTIONS:
        notebook = nbformat.read(path, as_version=4)
        assert notebook.metadata["mlp_grader"]["lesson"] == path.name[:2]
        sources = "\n".join(cell.source for cell in notebook.cells)
        for exercise in exercises_of(path.name[:2]):
            assert f'check("{exercise.id}", {exercise.function_name})' in sources, f"{path.name}: {exercise.id}"
            assert f"def {exercise.function_name}(" in sources


@pytest.mark.parametrize("exercise_id", sorted(i for i, e in EXERCISES.items() if e.reference is not None))
def test_reference_passes_its_own_check(exercise_id):
    """The reference's results pass (its inputs and stress cases are consistent), and the reference itself,
    handed in as a learner's function, is not the learner's own work.
    (Exercises checked by behaviour, not by a reference, are proven by the solution notebooks.)"""

    class TrustedLearner(LocalLearner):  # the course's own function: its use of the library is expected
        def call(self, *args, **kwargs):
            value = super().call(*args, **kwargs)
            self.touched.clear()
            return value

    exercise = EXERCISES[exercise_id]
    for seed in (0, 1):
        verdict = run_check(exercise, TrustedLearner(exercise.reference), seed=seed)
        assert verdict.status == "passed", verdict.message
    assert run_check(exercise, exercise.reference, seed=0).status == "not_own_work"


# --- build: solutions -> exercises ----------------------------------------------------


def test_strip_solutions_keeps_indentation_and_everything_else():
    source = ("def f(x):\n    \"\"\"Doc.\"\"\"\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n"
              "    ### END SOLUTION\n\nprint('kept')")
    assert strip_solutions(source) == ("def f(x):\n    \"\"\"Doc.\"\"\"\n    # YOUR CODE HERE\n"
                                       "    raise NotImplementedError(\"replace this line with your code\")\n\nprint('kept')")


@pytest.mark.parametrize("source, problem", [
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "inside a function body"),
    ("def f():\n    ### BEGIN SOLUTION\n    return 1", "without ### END"),
    ("def f():\n    return 1\n    ### END SOLUTION", "without ### BEGIN"),
    ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    ### END SOLUTION", "inside another"),
])
def test_strip_solutions_rejects_broken_markers(source, problem):
    with pytest.raises(SolutionMarkerError, match=problem):
        strip_solutions(source)


def test_exercise_notebook_clears_outputs_and_leaves_the_solution_unchanged():
    solution = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION", execution_count=3,
        outputs=[nbformat.v4.new_output("stream", text="1")])])
    before = copy.deepcopy(solution)
    exercise = exercise_notebook(solution)
    assert exercise.cells[0].outputs == [] and exercise.cells[0].execution_count is None
    assert "NotImplementedError" in exercise.cells[0].source
    assert solution == before


def test_committed_exercises_are_what_build_generates(tmp_path):
    assert main(["build", "--solutions", str(ROOT / "solutions"), "--exercises", str(tmp_path)]) == 0
    for path in EXERCISE_NOTEBOOKS:
        generated = nbformat.read(tmp_path / path.name, as_version=4)
        committed = nbformat.read(path, as_version=4)
        assert generated == committed, f"exercises/{path.name} is stale: run `python -m mlp.grader build`"
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in EXERCISE_NOTEBOOKS]


def test_build_check_passes_now_and_catches_a_stale_exercise(tmp_path):
    assert main(["build", "--check"]) == 0
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises")
    stale_path = tmp_path / "exercises" / "03_activation_functions.ipynb"
    notebook = nbformat.read(stale_path, as_version=4)
    notebook.cells[0].source += "\nedited by hand"
    nbformat.write(notebook, stale_path)
    (tmp_path / "exercises" / "99_extra.ipynb").write_text(stale_path.read_text())
    assert main(["build", "--check", "--exercises", str(tmp_path / "exercises")]) == 1
    from mlp.grader.build import stale
    assert stale(ROOT / "solutions", tmp_path / "exercises") == [
        "99_extra.ipynb: extra (no solution)", "03_activation_functions.ipynb: out of date"]


def test_solutions_are_stored_from_a_clean_run_with_every_check_correct():
    """Solutions keep their outputs (nbval compares them in `make test`); exercises never do."""
    for path in SOLUTIONS:
        cells = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
        assert [cell.execution_count for cell in cells] == list(range(1, len(cells) + 1)), \
            f"{path.name}: run `make notebooks`"
        verdicts = [output for cell in cells if cell.source.startswith("check(") for output in cell.outputs]
        assert len(verdicts) == len(exercises_of(path.name[:2]))
        assert all(": correct (" in output["data"]["text/plain"] for output in verdicts), path.name


# --- verdicts and diagnoses ----------------------------------------------------------


def test_verdict_text_and_html_escape_the_message():
    verdict = Verdict("03.sigmoid", "failed", 0, 2, "<script>alert(1)</script> & more")
    assert str(verdict).startswith("✘ 03.sigmoid: incorrect (0/2 points)")
    assert "<script>" not in verdict._repr_html_() and "&lt;script&gt;" in verdict._repr_html_()
    assert set(STATUSES) == {"passed", "failed", "not_attempted", "error", "timeout", "not_own_work"}


@pytest.mark.parametrize("actual, expected, fragment", [
    (np.ones((3, 2)), np.ones((2, 3)), "transposed"),
    (np.arange(6.0).reshape(2, 3).T.copy(), np.arange(6.0).reshape(2, 3), "transposed"),
    (np.ones(4), np.ones((4, 1)), "right numbers in the wrong shape"),
    (np.ones((4, 4)), np.ones((4, 1)), "broadcast"),
    (np.array([[np.nan, 1.0]]), np.array([[0.5, 1.0]]), "NaN or inf"),
    (np.array([[3.0, 6.0]]), np.array([[1.0, 2.0]]), None),
    (-np.array([1.0, 2.0]), np.array([1.0, 2.0]), "wrong sign"),
    (np.array([1, 0]), np.array([0.5, 0.2]), "integer dtype"),
    ([1.0, 2.0], np.array([1.0, 2.0]), "wrap it in np.array"),
    ((np.ones(2), np.ones(2)), np.ones(2), "tuple of 2 values: return just the array"),
    (None, np.ones(2), "return statement"),
    (np.ones((1, 1)), 1.0, "single number"),
    ({"dW1": np.ones(2)}, {"dW1": np.ones(2), "db1": np.ones(1)}, "missing the key(s) ['db1']"),
    (np.array([1.0, 2.5]), np.array([1.0, 2.0]), "index 1: expected 2, got 2.5"),
    (1.0000001, 1.0000002, None),
])
def test_diagnose_names_the_mistake(actual, expected, fragment):
    message = diagnose(actual, expected, m=3)
    if fragment is None:
        if np.allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=1e-6):
            assert message is None
        else:
            assert "m = 3 times too large" in message
    else:
        assert fragment in message, message


def test_diagnose_never_prints_a_whole_expected_array():
    expected = np.arange(100.0).reshape(10, 10) / 7
    message = diagnose(expected + 1.0, expected)
    assert message.count(".") < 10 and "differ" in message


# --- the instant check ----------------------------------------------------------------


def test_check_records_the_function_and_says_not_attempted_for_stubs():
    def sigmoid(z):
        raise NotImplementedError("replace this line with your code")

    verdict = check("03.sigmoid", sigmoid)
    assert verdict.status == "not_attempted" and verdict.score == 0 and verdict.max_score == 2
    assert submitted_functions()["03.sigmoid"] is sigmoid
    assert check("03.sigmoid").status == "not_attempted"


def test_show_example_prints_numbers_to_four_decimals_like_numpys_arrays(capsys):
    """More digits would be rounding noise that differs between CPUs (and the solutions store this output)."""
    from mlp.grader import show_example

    show_example("06.relative_error")
    assert capsys.readouterr().out.endswith("expected relative_error(analytic, numeric) =\n9.128e-05\n")
    show_example("05.binary_cross_entropy")
    assert capsys.readouterr().out.endswith("=\n0.4004\n")
    show_example("01.dot_product")
    assert capsys.readouterr().out.endswith("=\n12.0\n")


def test_check_unknown_id_lists_the_known_ones():
    with pytest.raises(ValueError, match="did you mean '03.sigmoid'"):
        check("03.sigmoidd", lambda z: z)


def test_check_stops_an_endless_loop_after_the_time_limit():
    def loops_forever(z):
        while True:
            pass

    exercise = dataclasses.replace(EXERCISES["03.relu"], time_limit=0.5)
    verdict = run_check(exercise, loops_forever)
    assert verdict.status == "timeout" and "endless loop" in verdict.message


def test_global_random_state_is_caught_even_when_an_earlier_cell_left_it_as_the_function_does():
    """np.random.seed(seed) + np.random.randn leave the same global state every time: a check that only
    compared the state before and after its call passed once the learner's own check had run."""
    import numpy as np

    def init_params(layer_sizes, seed):
        np.random.seed(seed)
        return {key: value for l in range(1, len(layer_sizes)) for key, value in (
            (f"W{l}", np.random.randn(layer_sizes[l - 1], layer_sizes[l]) * np.sqrt(2 / layer_sizes[l - 1])),
            (f"b{l}", np.zeros(layer_sizes[l])))}

    init_params([300, 200, 10], 7)  # the state the check's first call will leave
    before = np.random.get_state()
    for seed in (0, 1):
        verdict = run_check(EXERCISES["04.init_params"], init_params, seed=seed)
        assert verdict.status == "failed" and "global random state" in verdict.message, verdict.message
    after = np.random.get_state()
    assert np.array_equal(before[1], after[1]) and before[2:] == after[2:], "the check must restore the global state"


def test_an_error_in_the_learners_function_names_its_line_in_the_notebook(tmp_path):
    """In a real kernel: the message quotes the learner's own line of the cell, not numpy's or the checker's."""
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(cells=[
        code("import numpy as np\nfrom mlp.grader import check"),
        code("def dense_forward(X, W, b, activation):\n    Z = W @ X + b  # the wrong order\n"
             "    return activation(Z)"),
        code("print(check('04.dense_forward', dense_forward).message)"),
        code("def init_params(layer_sizes, seed):\n    rng = np.random.default_rng(seed)\n"
             "    return {'W1': rng.standard_normal((layer_sizes[0], layer_sizes[3]))}  # IndexError"),
        code("print(check('04.init_params', init_params).message)"),  # a behaviour check, not a comparison
    ])
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    message = notebook.cells[2].outputs[0]["text"]
    assert "your function raised ValueError" in message
    assert "(in dense_forward, line 2 of its cell: `Z = W @ X + b  # the wrong order`)" in message, message
    message = notebook.cells[4].outputs[0]["text"]
    assert "raised IndexError" in message and \
        "(in init_params, line 3 of its cell: `return {'W1': rng.standard_normal((layer_sizes[0], layer_sizes[3]))}" \
        in message, message


def test_fresh_random_inputs_catch_a_hard_coded_answer():
    exercise = EXERCISES["03.relu"]
    hard_coded = exercise.expected_example()
    verdict = run_check(exercise, lambda z: hard_coded.copy(), seed=0)
    assert verdict.status == "failed" and "On random inputs" in verdict.message


def test_a_stub_that_returns_something_else_is_not_not_attempted():
    assert run_check(EXERCISES["03.relu"], lambda z: None).status == "failed"


# --- batch grading --------------------------------------------------------------------


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def rows_by_status(verdicts):
    return {v.exercise: v.status for v in verdicts}


@pytest.fixture(scope="module")
def graded_solutions():
    """Every solution notebook graded once, two at a time (the slow part: one kernel each)."""
    from mlp.grader.__main__ import grade_all

    before = {path: digest(path) for path in SOLUTIONS}
    results = dict(grade_all(SOLUTIONS, jobs=2, progress=False))
    assert {path: digest(path) for path in SOLUTIONS} == before, "grading changed a submission"
    return results


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_every_solution_scores_full_marks(graded_solutions, path):
    verdicts = graded_solutions[str(path)]
    assert [v.exercise for v in verdicts] == [e.id for e in exercises_of(path.name[:2])]
    failed = [(v.exercise, v.status, v.message) for v in verdicts if v.status != "passed"]
    assert not failed
    assert sum(v.score for v in verdicts) == sum(e.points for e in exercises_of(path.name[:2]))


@pytest.mark.parametrize("path", EXERCISE_NOTEBOOKS, ids=[p.stem for p in EXERCISE_NOTEBOOKS])
def test_every_exercise_notebook_runs_and_says_not_attempted(path, tmp_path):
    """Executed once, as a learner opens it (batch grading of a blank exercise: the parallel-grading test)."""
    copy_path = tmp_path / path.name
    shutil.copy(path, copy_path)
    from nbclient import NotebookClient

    notebook = nbformat.read(copy_path, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # raises on any error
    texts = [output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
             for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert sum("not attempted" in text for text in texts) == len(exercises_of(path.name[:2]))


def hostile(tmp_path, name, change):
    notebook = nbformat.read(ROOT / "solutions" / "03_activation_functions.ipynb", as_version=4)
    change(notebook.cells)
    path = tmp_path / f"{name}_03.ipynb"
    nbformat.write(notebook, path)
    return path


def code(source):
    return nbformat.v4.new_code_cell(source)


def test_hostile_submissions_cost_only_themselves(tmp_path):
    honest = hostile(tmp_path, "honest", lambda cells: None)
    loop = hostile(tmp_path, "loop", lambda cells: cells.insert(2, code("while True:\n    pass")))
    sys_exit = hostile(tmp_path, "sysexit", lambda cells: cells.insert(2, code("import sys\nsys.exit(3)")))
    os_exit = hostile(tmp_path, "osexit", lambda cells: cells.insert(6, code("import os\nos._exit(1)")))
    flood = hostile(tmp_path, "flood", lambda cells: cells.insert(2, code("print('x' * 3_000_000)")))
    deleted = hostile(tmp_path, "deleted", lambda cells: cells.__delitem__(slice(3, 6)))
    shuffled = hostile(tmp_path, "reordered", lambda cells: cells.reverse())
    duplicated = hostile(tmp_path, "duplicated", lambda cells: cells.extend(
        [code("def relu(z):\n    return z"), code("x = 1")]))
    invalid = tmp_path / "invalid_03.ipynb"
    invalid.write_text("{ this is not json")
    not_notebook = tmp_path / "list_03.ipynb"
    not_notebook.write_text(json.dumps([1, 2, 3]))
    paths = [honest, loop, sys_exit, os_exit, flood, deleted, shuffled, duplicated, invalid, not_notebook]
    before = {path: digest(path) for path in paths}
    csv_path = tmp_path / "grades.csv"
    assert main(["grade", *map(str, paths), "--csv", str(csv_path), "--jobs", "2", "--timeout", "5",
                 "--feedback", str(tmp_path / "feedback"), "--no-progress"]) == 0
    assert {path: digest(path) for path in paths} == before, "grading changed a submission"
    rows = list(csv.DictReader(csv_path.open()))
    assert list(rows[0]) == ["submission", "exercise", "score", "max_score", "status", "message"]
    assert {row["submission"] for row in rows} == {path.name for path in paths}  # file names, not paths
    status = {}
    for row in rows:
        status.setdefault(Path(row["submission"]).name, {})[row["exercise"]] = row["status"]
    ids = [e.id for e in exercises_of("03")]
    all_passed = {exercise: "passed" for exercise in ids}
    assert status["honest_03.ipynb"] == all_passed
    assert status["loop_03.ipynb"] == all_passed  # the looping cell was stopped; the rest graded
    assert status["sysexit_03.ipynb"] == all_passed
    assert status["flood_03.ipynb"] == all_passed
    assert status["reordered_03.ipynb"] == all_passed
    # The cell that ended its own process is skipped in a fresh sandbox; the rest is graded, and said so.
    assert status["osexit_03.ipynb"] == all_passed
    assert set(status["invalid_03.ipynb"].values()) == {"error"}
    assert set(status["list_03.ipynb"].values()) == {"error"}
    assert status["deleted_03.ipynb"]["03.sigmoid"] == "not_attempted"
    assert status["deleted_03.ipynb"]["03.relu"] == "passed"
    # A later cell redefining relu does not replace the function that was checked.
    assert status["duplicated_03.ipynb"]["03.relu"] == "passed"
    assert all(len(by_exercise) == len(ids) for by_exercise in status.values())
    feedback = sorted(p.name for p in (tmp_path / "feedback").iterdir())
    assert feedback == sorted(path.stem + ".md" for path in paths)
    text = (tmp_path / "feedback" / "osexit_03.md").read_text()
    assert "Score: 9 / 9" in text and "was skipped: it ended the process running it" in text


def test_the_instructor_decides_the_lesson_and_links_are_not_followed(tmp_path):
    """Metadata naming another lesson is reported, not obeyed; a symlink (to solutions/, to a classmate's
    file) is not graded; the CSV names each submission by its file name."""
    lesson01 = nbformat.read(ROOT / "solutions" / "01_linear_algebra.ipynb", as_version=4)
    lesson01.metadata["mlp_grader"] = {"lesson": "10"}  # "grade me as the capstone"
    nbformat.write(lesson01, tmp_path / "meta_01.ipynb")
    nbformat.write(lesson01, tmp_path / "no_number.ipynb")  # the metadata alone does not say which lesson
    (tmp_path / "link_03.ipynb").symlink_to(ROOT / "solutions" / "03_activation_functions.ipynb")
    paths = [tmp_path / name for name in ("meta_01.ipynb", "no_number.ipynb", "link_03.ipynb")]
    csv_path = tmp_path / "grades.csv"
    assert main(["grade", *map(str, paths), "--csv", str(csv_path), "--jobs", "2", "--no-progress"]) == 0
    rows = list(csv.DictReader(csv_path.open()))
    assert {row["submission"] for row in rows} == {"meta_01.ipynb", "no_number.ipynb", "link_03.ipynb"}
    meta = [row for row in rows if row["submission"] == "meta_01.ipynb"]
    assert [row["exercise"] for row in meta] == [e.id for e in exercises_of("01")]
    assert all(row["status"] == "passed" and "metadata says lesson '10', which is ignored" in row["message"]
               for row in meta)
    unknown = [row for row in rows if row["submission"] == "no_number.ipynb"]
    assert len(unknown) == 1 and unknown[0]["status"] == "error" and "cannot tell which lesson" in unknown[0]["message"]
    link = [row for row in rows if row["submission"] == "link_03.ipynb"]
    assert [row["exercise"] for row in link] == [e.id for e in exercises_of("03")]
    assert all(row["status"] == "error" and "symbolic link" in row["message"] for row in link)


def test_parallel_grading_gives_the_same_csv(tmp_path):
    solution = ROOT / "solutions" / "03_activation_functions.ipynb"
    wrong = nbformat.read(solution, as_version=4)
    for cell in wrong.cells:
        cell.source = cell.source.replace("np.where(z >= 0, 1 / (1 + e), e / (1 + e))", "1 / (1 + np.exp(-z))")
        cell.source = cell.source.replace("(z > 0).astype(float)", "(z >= 0).astype(float)")
    nbformat.write(wrong, tmp_path / "wrong_03.ipynb")
    paths = [str(solution), str(tmp_path / "wrong_03.ipynb"), str(ROOT / "exercises" / "03_activation_functions.ipynb")]
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}.csv"
        assert main(["grade", *paths, "--csv", str(out), "--jobs", jobs, "--no-progress"]) == 0
        outputs.append(out.read_text())
    assert outputs[0] == outputs[1]
    assert "numerically stable" in outputs[0] and "ReLU'(0) = 0" in outputs[0]
    blank = [row for row in csv.DictReader(io.StringIO(outputs[0])) if row["submission"].startswith(
        str(ROOT / "exercises"))]
    assert len(blank) == len(exercises_of("03")) and {(r["status"], r["score"]) for r in blank} == {("not_attempted", "0")}


def test_html_feedback_escapes_what_learners_wrote(tmp_path):
    notebook = nbformat.read(ROOT / "exercises" / "03_activation_functions.ipynb", as_version=4)
    notebook.cells.append(code("def relu(z):\n    raise ValueError('<img src=x onerror=alert(1)>')\n"
                               "check('03.relu', relu)"))
    path = tmp_path / "xss_03.ipynb"
    nbformat.write(notebook, path)
    assert main(["grade", str(path), "--feedback", str(tmp_path / "fb"), "--format", "html", "--no-progress",
                 "--csv", str(tmp_path / "g.csv")]) == 0
    page = (tmp_path / "fb" / "xss_03.html").read_text()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img" not in page


def test_usage_errors_exit_non_zero_and_learner_failures_do_not(tmp_path):
    assert subprocess.run([sys.executable, "-m", "mlp.grader", "grade"], capture_output=True).returncode == 2
    assert subprocess.run([sys.executable, "-m", "mlp.grader", "grade", "x.ipynb", "--jobs", "0"],
                          capture_output=True).returncode == 2
    missing = subprocess.run([sys.executable, "-m", "mlp.grader", "grade", str(tmp_path / "nope_03.ipynb"),
                              "--no-progress"], capture_output=True, text=True)
    assert missing.returncode == 0 and ",error," in missing.stdout


def test_every_exercise_has_a_bank_of_at_least_three_caught_wrong_answers():
    """The banks in tests/test_wrong_answers_*.py and tests/test_exercises_*.py: each entry is (exercise id,
    mistake, function, fragment), and each file's own tests prove every entry caught."""
    from banks import wrong_answer_banks

    counts = {exercise_id: 0 for exercise_id in EXERCISES}
    for module in wrong_answer_banks():
        for entry in list(module.WRONG) + list(getattr(module, "TIMEOUTS", [])):
            counts[entry[0]] += 1
    assert not {i: n for i, n in counts.items() if n < 3}, counts
