"""A grade means the learner did the work: a bank of cheats and hostile submissions, graded in one batch
beside honest ones.

Every cheat scores 0; every honest submission in the same batch scores full marks; the batch finishes
with a complete CSV; no submitted file changes; the CSV and feedback are what the grader wrote; nothing
is left running or lying in the temporary folder. Run in the sandbox mode the machine has (bubblewrap
where installed, as in CI) and again, for the side effects, in the rlimits fallback.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from mlp.grader import check
from mlp.grader.__main__ import main
from mlp.grader.catalog import exercises_of
from mlp.grader.sandbox import mode

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "exercises" / "03_activation_functions.ipynb"
SOLUTION = ROOT / "solutions" / "03_activation_functions.ipynb"
IDS = [exercise.id for exercise in exercises_of("03")]
FULL = sum(exercise.points for exercise in exercises_of("03"))
MARKER = "4815.162342"  # a sleep no other process on the machine runs: found afterwards if left behind


def notebook_with(base, *sources: str, at: int | None = None):
    notebook = nbformat.read(base, as_version=4) if isinstance(base, Path) else base
    cells = [nbformat.v4.new_code_cell(source) for source in sources]
    position = len(notebook.cells) if at is None else at
    notebook.cells[position:position] = cells
    return notebook


# Cheats: the unfilled exercise notebook plus the trick, then check() on every function (so that what is
# graded is the cheat's function, not the stub). Each must score 0.
CHECK_ALL = "\n".join(f"check({exercise.id!r}, {exercise.function_name})" for exercise in exercises_of("03"))


def cheats(folder: Path, outputs: Path) -> dict:
    honest_file = folder / "honest_03.ipynb"
    return {name: notebook_with(notebook, CHECK_ALL) if isinstance(notebook, nbformat.NotebookNode) else notebook
            for name, notebook in _cheats(folder, outputs, honest_file).items()}


def _cheats(folder: Path, outputs: Path, honest_file: Path) -> dict:
    return {
        "import_answer": notebook_with(EXERCISE, "from mlp.activations import sigmoid, relu, relu_derivative, "
                                                 "sigmoid_derivative, leaky_relu, tanh_derivative, softmax\n"
                                                 "check('03.sigmoid', sigmoid)"),
        "wrap_answer": notebook_with(EXERCISE, "import mlp\n\ndef sigmoid(z):\n    return mlp.activations.sigmoid(z)\n\n"
                                               "def softmax(Z):\n    return mlp.softmax(Z)"),
        "helper_chain": notebook_with(EXERCISE, "import mlp.activations as act\n_f = act.relu\n\n"
                                                "def _helper(z):\n    return _f(z)\n\ndef relu(z):\n    return _helper(z)"),
        "grader_reference": notebook_with(EXERCISE, "from mlp.grader.catalog.lesson03 import *"),
        "star_import": notebook_with(EXERCISE, "from mlp.activations import *"),
        "patch_checker": notebook_with(EXERCISE, "import mlp.grader.checking as c\nfrom mlp.grader.verdict import Verdict\n"
                                                 "c.run_check = lambda e, f, seed=None, **k: Verdict(e.id, 'passed', "
                                                 "e.points, e.points, '')"),
        # No forbidden name in sight: only the trust boundary stops these.
        "patch_numpy": notebook_with(EXERCISE, "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
                                               "np.array_equal = lambda *a, **k: True\n"
                                               "np.isclose = lambda a, b, *x, **k: np.ones(np.shape(a), bool)\n" +
                                     "".join(f"\ndef {e.function_name}(z, *rest):\n    return np.zeros_like(z)\n"
                                             for e in exercises_of("03"))),
        "forge_output": notebook_with(EXERCISE, "import json\nprint(json.dumps([{'exercise': i, 'status': 'passed', "
                                                f"'score': 2, 'max_score': 2, 'message': ''}} for i in {IDS!r}]))"),
        "patch_print": notebook_with(EXERCISE, "import builtins, json\nbuiltins.print = lambda *a, **k: None\n"
                                               "json.dumps = lambda *a, **k: '[]'"),
        "stack_peek": notebook_with(EXERCISE, "import inspect\n\ndef sigmoid(z):\n"
                                              "    return inspect.stack()[2].frame.f_locals['expected']"),
        "run_solution": notebook_with(EXERCISE, f"%run {SOLUTION}"),
        "exec_solution": notebook_with(EXERCISE, "import json\nfor cell in json.load(open(%r))['cells']:\n"
                                                 "    if cell['cell_type'] == 'code' and 'check' not in ''.join(cell['source']):\n"
                                                 "        exec(''.join(cell['source']))" % str(SOLUTION)),
        "read_classmate": notebook_with(EXERCISE, "import json\nsource = json.load(open(%r))\n"
                                                  "code = [''.join(c['source']) for c in source['cells'] "
                                                  "if c['cell_type'] == 'code']\n"
                                                  "run = getattr(__builtins__, 'ex' + 'ec', None) or "
                                                  "__builtins__['ex' + 'ec']\nfor c in code:\n    run(c)"
                                        % str(honest_file)),
        "obfuscated_import": notebook_with(EXERCISE, "m = getattr(__import__('mlp'), 'activations')\n\n"
                                                     "def sigmoid(z):\n    return m.sigmoid(z)"),
        "write_outputs": notebook_with(EXERCISE, f"for path in [{str(outputs / 'grades.csv')!r}, "
                                                 f"{str(outputs / 'feedback' / 'write_outputs_03.md')!r}]:\n"
                                                 "    try:\n        open(path, 'w').write('full marks')\n"
                                                 "    except OSError:\n        pass"),
    }


# Side effects: the solution notebook plus something hostile. Each may lose points, never others' points.
def side_effects(folder: Path) -> dict:
    own = "{own}"
    return {
        "kill_parent": notebook_with(SOLUTION, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)", at=2),
        "kill_group": notebook_with(SOLUTION, "import os, signal\nos.killpg(0, signal.SIGTERM)", at=4),
        "fork_and_linger": notebook_with(SOLUTION, "import os\nif os.fork() == 0:\n    os.setsid()\n"
                                                   f"    os.execv('/bin/sleep', ['sleep', '{MARKER}'])", at=2),
        "fork_many": notebook_with(SOLUTION, "import os, time\nchildren = []\nfor _ in range(50):\n"
                                             "    pid = os.fork()\n    if pid == 0:\n        time.sleep(600)\n"
                                             "        os._exit(0)\n    children.append(pid)", at=2),
        "fill_memory": notebook_with(SOLUTION, "block = bytearray(3 * 2**30)", at=2),
        "fill_disk": notebook_with(SOLUTION, "import os, tempfile\n"
                                             "for folder in (tempfile.gettempdir(), os.path.expanduser('~'), '.'):\n"
                                             "    try:\n        with open(os.path.join(folder, 'big.bin'), 'wb') as f:\n"
                                             "            f.write(b'0' * 200 * 2**20)\n    except OSError:\n        pass",
                                   at=2),
        "ignore_signals_and_sleep": notebook_with(SOLUTION, "import signal, time\n"
                                                            "signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                                                            "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                                            "time.sleep(100)", at=2),
        "rewrite_itself": notebook_with(SOLUTION, f"open({own!r}, 'w').write('{{}}')", at=2),
    }


# Honest notebooks with habits that used to cost points.
def honest_habits() -> dict:
    return {
        "honest": nbformat.read(SOLUTION, as_version=4),
        "print_no_newline": notebook_with(SOLUTION, "print('working', end='')\nprint('\\r 50%', end='')", at=2),
        "silenced_stdout": notebook_with(SOLUTION, "import sys, io\nsys.stdout = io.StringIO()\nsys.stderr = None", at=2),
        "exit_in_a_cell": notebook_with(SOLUTION, "import sys\nsys.exit(0)", at=2),
        "interrupt_in_a_cell": notebook_with(SOLUTION, "raise KeyboardInterrupt", at=2),
        "timeit_magic": notebook_with(SOLUTION, "%timeit -n 1 -r 1 sum(range(10))"),
    }


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The grader's temporary folder for this test alone (tests running beside it make sandboxes too)."""
    folder = tmp_path / "grader-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def leftover_sandboxes() -> set:
    return {p.name for p in Path(tempfile.gettempdir()).glob("mlp-grade-*")}


def lingering(marker=MARKER) -> list:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def write(folder: Path, notebooks: dict) -> list[Path]:
    paths = []
    for name, notebook in notebooks.items():
        path = folder / f"{name}_03.ipynb"
        text = nbformat.writes(notebook).replace("{own}", str(path))
        path.write_text(text)
        paths.append(path)
    return paths


def grade(paths, outputs: Path, *extra) -> dict:
    outputs.mkdir(exist_ok=True)
    csv_path = outputs / "grades.csv"
    assert main(["grade", *map(str, paths), "--csv", str(csv_path), "--feedback", str(outputs / "feedback"),
                 "--jobs", "2", "--timeout", "4", "--no-progress", *extra]) == 0
    rows = list(csv.DictReader(csv_path.open()))
    table = {}
    for row in rows:
        table.setdefault(row["submission"], {})[row["exercise"]] = row
    return table


def test_cheats_score_nothing_and_honest_work_full_marks_in_the_same_batch(tmp_path, private_tmp):
    folder, outputs = tmp_path / "submissions", tmp_path / "outputs"
    folder.mkdir()
    before_sandboxes = leftover_sandboxes()
    cheat_paths = write(folder, cheats(folder, outputs))
    honest_paths = write(folder, honest_habits())
    effect_paths = write(folder, side_effects(folder))
    paths = honest_paths + cheat_paths + effect_paths
    digests = {path: digest(path) for path in paths}
    started = time.monotonic()
    table = grade(paths, outputs)
    elapsed = time.monotonic() - started

    assert {path: digest(path) for path in paths} == digests, "grading (or a submission) changed a submitted file"
    assert set(table) == {path.name for path in paths}, "the CSV is missing submissions"
    assert all(set(rows) == set(IDS) for rows in table.values()), "a submission is missing exercises"
    for path in cheat_paths:
        rows = table[path.name]
        assert sum(float(row["score"]) for row in rows.values()) == 0, \
            f"{path.name} scored: {[(r['exercise'], r['status'], r['message'][:80]) for r in rows.values()]}"
    for path in honest_paths:
        rows = table[path.name]
        assert all(row["status"] == "passed" for row in rows.values()), \
            f"{path.name}: {[(r['exercise'], r['status'], r['message'][:120]) for r in rows.values()]}"
    # What the cheats are told names what they used.
    assert "mlp.activations.sigmoid" in table["import_answer_03.ipynb"]["03.sigmoid"]["message"]
    assert table["import_answer_03.ipynb"]["03.sigmoid"]["status"] == "not_own_work"
    assert table["exec_solution_03.ipynb"]["03.relu"]["status"] == "not_own_work"
    assert "exec()" in table["exec_solution_03.ipynb"]["03.relu"]["message"]
    assert table["run_solution_03.ipynb"]["03.relu"]["status"] == "not_own_work"
    # Side effects cost their own rows at most: each of these still gets its honest functions graded.
    for name in ("kill_parent", "kill_group", "fork_and_linger", "fork_many", "fill_memory", "fill_disk",
                 "ignore_signals_and_sleep", "rewrite_itself"):
        rows = table[f"{name}_03.ipynb"]
        assert all(row["status"] == "passed" for row in rows.values()), \
            f"{name}: {[(r['exercise'], r['status'], r['message'][:120]) for r in rows.values()]}"
    assert "was skipped" in table["ignore_signals_and_sleep_03.ipynb"]["03.sigmoid"]["message"]
    # The outputs are the grader's: the CSV parsed above, the feedback files one per submission.
    assert "full marks" not in (outputs / "feedback" / "write_outputs_03.md").read_text()
    assert sorted(p.name for p in (outputs / "feedback").iterdir()) == sorted(p.stem + ".md" for p in paths)
    # Nothing left behind.
    assert not lingering(), "a submission's process outlived the batch"
    assert not leftover_sandboxes() and not before_sandboxes, "a sandbox folder was left behind"
    assert not Path(os.path.expanduser("~"), "big.bin").exists(), "a file was written into HOME"
    assert elapsed < 240, f"the batch took {elapsed:.0f} s"


@pytest.mark.skipif(mode() != "bubblewrap", reason="bubblewrap is not installed: the fallback is tested below")
def test_in_bubblewrap_a_submission_sees_neither_solutions_nor_classmates_nor_the_network(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    probe = notebook_with(SOLUTION, f"""import os, socket
seen = []
for path in [{str(SOLUTION)!r}, {str(folder)!r}, {str(ROOT)!r} + '/README.md', '/etc/shadow', '/root/.bashrc']:
    seen.append(os.path.exists(path))
try:
    socket.create_connection(('127.0.0.1', 22), timeout=1)
    network = True
except OSError:
    network = False
pids = [p for p in os.listdir('/proc') if p.isdigit()]

def relu(z):
    import numpy as np
    if any(seen) or network or len(pids) > 5:
        return z  # wrong on purpose: the check then fails and tells us
    return np.maximum(z, 0.0)
""")
    (folder / "probe_03.ipynb").write_text(nbformat.writes(probe))
    table = grade([folder / "probe_03.ipynb"], tmp_path / "out")
    assert table["probe_03.ipynb"]["03.relu"]["status"] == "passed", table["probe_03.ipynb"]["03.relu"]["message"]


def test_in_the_rlimits_fallback_side_effects_still_cost_only_themselves(tmp_path, monkeypatch, private_tmp):
    monkeypatch.setenv("MLP_GRADER_SANDBOX", "rlimits")
    folder, outputs = tmp_path / "submissions", tmp_path / "outputs"
    folder.mkdir()
    effects = side_effects(folder)
    chosen = {name: effects[name] for name in ("kill_parent", "fork_and_linger", "fill_disk", "fill_memory",
                                                "ignore_signals_and_sleep")}
    # A detached child that waits for the grader to write the CSV, then rewrites it.
    chosen["rewrite_later"] = notebook_with(SOLUTION, "import os, time\nif os.fork() == 0:\n    os.setsid()\n"
                                                      "    time.sleep(3)\n"
                                                      f"    open({str(outputs / 'grades.csv')!r}, 'w').write('forged')\n"
                                                      "    os._exit(0)", at=2)
    paths = write(folder, {"honest": nbformat.read(SOLUTION, as_version=4), **chosen})
    before = leftover_sandboxes()
    table = grade(paths, outputs)
    time.sleep(4)
    assert "forged" not in (outputs / "grades.csv").read_text()
    assert set(table) == {path.name for path in paths}
    assert all(row["status"] == "passed" for row in table["honest_03.ipynb"].values()), [(r["status"], r["message"]) for r in table["honest_03.ipynb"].values()]
    assert not lingering(), "a submission's process outlived the batch"
    assert not leftover_sandboxes() and not before, "a sandbox folder was left behind"


def test_the_in_notebook_check_says_not_own_work_at_once():
    """check() in a notebook reads the cells the kernel ran, as the grader reads the file."""
    notebook = notebook_with(EXERCISE, "from mlp.activations import sigmoid\nprint(check('03.sigmoid', sigmoid).status)")
    from nbclient import NotebookClient

    NotebookClient(notebook, timeout=60, allow_errors=True, kernel_name="python3").execute()
    outputs = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    assert "not_own_work" in outputs


def test_a_library_function_checked_directly_is_not_own_work():
    from mlp import activations

    assert check("03.relu", activations.relu).status == "not_own_work"


def _grade_or_kill_the_worker(content, lesson, *args):
    if b"kill the worker" in content:
        os._exit(1)
    from mlp.grader.verdict import Verdict

    return [Verdict("03.relu", "passed", 1, 1, "graded")]


def test_a_killed_worker_costs_only_the_submission_it_was_grading(tmp_path, monkeypatch):
    """(The fallback's weakness: a submission that finds the grader's worker can kill it.) The pool is
    rebuilt; the other submissions in flight are graded again, one at a time."""
    import mlp.grader.__main__ as cli

    monkeypatch.setattr(cli, "grade_content", _grade_or_kill_the_worker)
    paths = []
    for number in range(6):
        path = tmp_path / f"s{number}_03.ipynb"
        path.write_bytes(b"kill the worker" if number == 2 else b"honest %d" % number)
        paths.append(path)
    results = dict(cli.grade_all(paths, jobs=2, progress=False))
    assert [results[str(p)][0].status for p in paths] == ["passed", "passed", "error", "passed", "passed", "passed"]
    assert "killed the grader's worker" in results[str(paths[2])][0].message


def test_a_dask_cluster_writes_the_same_csv_as_this_machine(tmp_path):
    """--scheduler sends the batch to a Dask distributed cluster (here a local one of two workers); the CSV
    is byte for byte the one --jobs writes."""
    distributed = pytest.importorskip("distributed")
    folder = tmp_path / "class"
    folder.mkdir()
    notebooks = {"honest": nbformat.read(SOLUTION, as_version=4),
                 "stub": nbformat.read(EXERCISE, as_version=4),
                 "import_answer": notebook_with(EXERCISE, "from mlp.activations import relu"),
                 "half": notebook_with(EXERCISE, "import numpy as np\n\ndef relu(z):\n    return np.maximum(z, 0)\n\n"
                                                 "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n\ncheck('03.sigmoid', sigmoid)\n"
                                                 "check('03.relu', relu)")}
    paths = write(folder, notebooks) + [folder / "broken_03.ipynb"]
    (folder / "broken_03.ipynb").write_text("{ not json")
    local = tmp_path / "local.csv"
    assert main(["grade", *map(str, paths), "--csv", str(local), "--jobs", "2", "--no-progress"]) == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = tmp_path / "cluster.csv"
        assert main(["grade", *map(str, paths), "--csv", str(remote), "--scheduler", cluster.scheduler_address,
                     "--no-progress"]) == 0
    assert remote.read_bytes() == local.read_bytes()
    rows = list(csv.DictReader(local.open()))
    assert {r["status"] for r in rows if r["submission"] == "honest_03.ipynb"} == {"passed"}
    half = {r["exercise"]: r["status"] for r in rows if r["submission"] == "half_03.ipynb"}
    assert half["03.sigmoid"] == "failed" and half["03.relu"] == "passed"  # the naive sigmoid overflows


def test_library_answers_of_lessons_07_to_10_and_a_hidden_import_score_nothing(tmp_path):
    """mlp.minibatches, a three-line mlp.MLP and scikit-learn's MLPClassifier as answers; and an import the
    source reading cannot see (found by the sandbox's record of what the learner's code called)."""
    exercises = {lesson: next((ROOT / "exercises").glob(f"{lesson}_*.ipynb")) for lesson in ("03", "07", "09", "10")}
    notebooks = {
        "minibatches_07": notebook_with(exercises["07"], "import mlp\nminibatches = mlp.minibatches"),
        "mlp_network_09": notebook_with(exercises["09"], "from mlp import MLP\n\ndef train_moons(X_train, y_train, seed):\n"
                                                         "    net = MLP([2, 32, 1], seed=seed).fit(X_train, y_train, "
                                                         "epochs=300)\n    return net.predict"),
        "sklearn_10": notebook_with(exercises["10"], "from sklearn.neural_network import MLPClassifier\n\n"
                                                     "def digits_classifier(X_train, y_train, seed):\n"
                                                     "    return MLPClassifier(random_state=seed, max_iter=300)"
                                                     ".fit(X_train, y_train).predict"),
        "hidden_import_03": notebook_with(exercises["03"], "import mlp\nf = vars(mlp)['activations'].sigmoid\n\n"
                                                           "def sigmoid(z):\n    return f(z)\n\ncheck('03.sigmoid', sigmoid)"),
    }
    paths = []
    for name, notebook in notebooks.items():
        path = tmp_path / f"{name}.ipynb"
        path.write_text(nbformat.writes(notebook))
        paths.append(path)
    rows = grade(paths, tmp_path / "out")
    assert rows["minibatches_07.ipynb"]["07.minibatches"]["status"] == "not_own_work"
    assert rows["mlp_network_09.ipynb"]["09.train_moons"]["status"] == "not_own_work"
    assert "mlp.MLP" in rows["mlp_network_09.ipynb"]["09.train_moons"]["message"]
    assert rows["sklearn_10.ipynb"]["10.digits_classifier"]["status"] == "not_own_work"
    assert "scikit-learn" in rows["sklearn_10.ipynb"]["10.digits_classifier"]["message"]
    hidden = rows["hidden_import_03.ipynb"]["03.sigmoid"]
    assert hidden["status"] == "not_own_work" and "mlp.activations.sigmoid" in hidden["message"], hidden["message"]
    assert all(float(row["score"]) == 0 for table in rows.values() for row in table.values())
