"""The benchmark code (benchmarks/) on tiny workloads: it runs, it compares like with like, it writes the table.

No timing is asserted here: speed is measured by `make bench`, not by tests.
"""

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks import report
from benchmarks.runner import Target, WorkloadResult, Timing, targets, time_workload
from benchmarks.systems import FlatNumpy, GemmFloor, MlpSystem, SklearnSystem, TorchSystem, all_systems
from benchmarks.workloads import digits, moons, workloads

ROOT = Path(__file__).resolve().parents[1]


def trained(system, workload):
    system.prepare(workload)
    system.train()
    return system.weights()


@pytest.mark.parametrize("workload", workloads("tiny"), ids=lambda w: w.name)
def test_every_system_starts_from_the_workloads_initial_weights(workload):
    initial = workload.initial_weights()
    for system in (MlpSystem(), SklearnSystem()):
        system.prepare(workload)
        for name, value in system.weights().items():
            np.testing.assert_array_equal(value, initial[name], err_msg=f"{system.name} {name}")


def test_full_batch_mlp_and_scikit_learn_take_the_same_steps():
    # Same data, weights, learning rate, loss and epochs: with one batch per epoch the shuffle
    # cannot matter, so the trained weights agree to rounding. Any differing setting would show.
    workload = moons(n_train=40, epochs=20)
    mine, theirs = trained(MlpSystem(), workload), trained(SklearnSystem(), workload)
    assert not np.allclose(mine["W1"], workload.initial_weights()["W1"])  # it did train
    for name in mine:
        np.testing.assert_allclose(mine[name], theirs[name], rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("workload", workloads("tiny"), ids=lambda w: w.name)
def test_the_flat_loop_takes_mlps_steps_and_records_its_batch_losses(workload):
    flat, system = FlatNumpy(), MlpSystem()
    theirs, mine = trained(flat, workload), trained(system, workload)
    for name in mine:
        np.testing.assert_allclose(theirs[name], mine[name], rtol=1e-10, atol=1e-13, err_msg=name)
    if workload.batch_size is None:  # mlp's full-batch epochs record the loss after their update, for free
        np.testing.assert_allclose(flat.batch_losses[1:], system.history.train_loss[:-1], rtol=1e-10)
    else:
        np.testing.assert_allclose(flat.batch_losses, system.history.train_loss, rtol=1e-10)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_with_mini_batches_every_system_takes_mlps_steps_in_mlps_order(activation):
    # scikit-learn and PyTorch get mlp's permutation of every epoch: the same batches, the same steps.
    workload = dataclasses.replace(digits(16, epochs=3, n_train=200), hidden_activation=activation)
    mine = trained(MlpSystem(), workload)
    others = [SklearnSystem()] + ([TorchSystem("float64")] if TorchSystem("float64").unavailable() is None else [])
    for system in others:
        theirs = trained(system, workload)
        for name in mine:
            np.testing.assert_allclose(theirs[name], mine[name], rtol=1e-9, atol=1e-12,
                                       err_msg=f"{system.name} {name}")
    assert not np.allclose(mine["W1"], workload.initial_weights()["W1"])  # it did train


def test_scikit_learn_gets_its_own_shuffle_back_after_a_fit():
    import sklearn.neural_network._multilayer_perceptron as sklearn_mlp

    original = sklearn_mlp.shuffle
    trained(SklearnSystem(), digits(16, epochs=1, n_train=50))
    assert sklearn_mlp.shuffle is original


def test_end_of_epoch_metrics_do_not_change_the_steps():
    workload = workloads("tiny")[1]
    fast, exact = trained(MlpSystem("batch_mean"), workload), trained(MlpSystem("end_of_epoch"), workload)
    for name in fast:
        np.testing.assert_array_equal(fast[name], exact[name])


def test_float32_mlp_takes_the_same_steps_to_float32_precision():
    workload = moons(n_train=40, epochs=20)
    mine, single = trained(MlpSystem(), workload), trained(MlpSystem(dtype="float32"), workload)
    for name in mine:
        np.testing.assert_allclose(single[name], mine[name], rtol=1e-4, atol=1e-5, err_msg=name)


def test_full_batch_pytorch_takes_the_same_steps_in_float64():
    pytest.importorskip("torch")
    workload = moons(n_train=40, epochs=20)
    mine, theirs = trained(MlpSystem(), workload), trained(TorchSystem("float64"), workload)
    for name in mine:
        np.testing.assert_allclose(mine[name], theirs[name], rtol=1e-9, atol=1e-12, err_msg=name)


def test_the_floor_does_the_matrix_products_of_every_step():
    workload = workloads("tiny")[1]  # digits, batch 32, 300 examples: 10 batches (the last of 12)
    assert workload.batch_sizes == [32] * 9 + [12]
    floor = GemmFloor()
    floor.prepare(workload)
    floor.train()
    layers = len(workload.layer_sizes) - 1
    assert floor.multiplications == workload.epochs * 10 * (3 * layers - 1)  # no dX for layer 1


def test_time_workload_interleaves_repeats_and_records_accuracy():
    workload = workloads("tiny")[0]
    result = time_workload(workload, repeats=2, systems=[MlpSystem(), SklearnSystem(), GemmFloor()], progress=None)
    for name in ("mlp", "scikit-learn", "GEMM floor"):
        assert len(result.timings[name].seconds) == 2 and all(s > 0 for s in result.timings[name].seconds)
    assert 0 <= result.timings["mlp"].accuracy <= 1
    assert result.timings["mlp"].accuracy == pytest.approx(result.timings["scikit-learn"].accuracy, abs=0.05)
    assert result.timings["GEMM floor"].accuracy is None


def test_a_missing_system_is_skipped_with_a_reason(monkeypatch):
    import benchmarks.systems as systems

    monkeypatch.setattr(systems, "torch", None)
    result = time_workload(workloads("tiny")[0], repeats=1, systems=[MlpSystem(), TorchSystem("float32")],
                           progress=None)
    assert "pip install torch" in result.timings["PyTorch"].skipped
    assert result.timings["PyTorch"].seconds == [] and result.median("PyTorch") is None
    assert any("skipped: PyTorch is not installed" in line for line in report.workload_table(result))


def fake_result(name, medians, accuracies=None):
    workload = next(w for w in workloads("tiny") if w.name == name)
    accuracies = accuracies or {}
    return WorkloadResult(workload, {system: Timing(system, [seconds], accuracies.get(system))
                                     for system, seconds in medians.items()})


def test_targets_compare_medians_of_the_same_run():
    results = [fake_result("moons", {"mlp": 1.0, "scikit-learn": 2.9, "GEMM floor": 0.1}),
               fake_result("digits_32", {"mlp": 1.0, "scikit-learn": 3.1, "GEMM floor": 0.5},
                           {"mlp": 0.970, "scikit-learn": 0.976})]
    found = {target.description: target for target in targets(results, {"slider": 0.25})}
    assert found["moons: mlp faster than scikit-learn"].met is False  # 2.9x < 3x
    assert found["digits_32: mlp faster than scikit-learn"].met is True
    assert found["digits_32: mlp time / GEMM floor"].measured == pytest.approx(2.0)
    assert found["digits_32: mlp time / GEMM floor"].met is True
    gap = found["digits_32: test-accuracy gap, mlp vs scikit-learn"]
    assert gap.measured == pytest.approx(0.6) and gap.met is False
    assert found["widget: slider"].met is False
    assert Target("x", None, 1.0).met is None


def test_make_bench_entry_point_writes_the_table_and_keeps_the_analysis(tmp_path):
    output = tmp_path / "RESULTS.md"
    output.write_text(f"old numbers\n{report.ANALYSIS_START}\nWhy digits_32 misses: call overhead.\n"
                      f"{report.ANALYSIS_END}\n")
    run = subprocess.run([sys.executable, "-m", "benchmarks", "--size", "tiny", "--repeats", "1", "--quick",
                          "--output", str(output)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    text = output.read_text()
    assert "old numbers" not in text
    assert "Why digits_32 misses: call overhead." in text  # the hand-written part survives
    assert "logical CPU" in text and "BLAS (numpy)" in text and "scikit-learn:" in text
    for system in ("mlp", "scikit-learn", "GEMM floor"):
        assert f"| {system} |" in text
    assert text.count("### ") == 4  # one table per workload
    assert "| moons: mlp faster than scikit-learn | >= 3x |" in text
    assert f"written: {output}" in run.stdout


def test_every_system_in_the_table_has_a_distinct_name():
    names = [system.name for system in all_systems()]
    assert len(names) == len(set(names))


def test_widget_updates_are_timed_for_every_lesson_widget():
    from benchmarks.course import widget_seconds

    from benchmarks.pixels import ACTIONS

    seconds = widget_seconds(repeats=1)
    assert len(seconds) == len(ACTIONS)  # every widget the browser numbers measure
    assert {label.split(":")[0] for label in seconds} == {action.label.split(":")[0] for action in ACTIONS}
    assert all(value > 0 for value in seconds.values())
    assert any("learning-rate explorer" in label for label in seconds)


def test_first_cells_are_timed_in_a_fresh_python_and_judged_against_their_goals():
    from benchmarks.course import FIRST_CELLS, import_seconds
    from benchmarks.report import render
    from benchmarks.runner import targets

    seconds = import_seconds(repeats=1)
    assert list(seconds) == list(FIRST_CELLS) and all(value > 0 for value in seconds.values())
    goals = {target.description: target.goal for target in targets([], None, seconds)}
    assert goals == {"first cell: import mlp": 0.5,
                     "first cell: from mlp.grader import check, show_example (an exercise's first cell)": 1.0}
    text = render([], targets([], None, seconds), 1, imports=seconds)
    assert "## First cells" in text and "| `import mlp` |" in text


def test_lessons_are_executed_and_timed_without_touching_the_stored_file():
    from benchmarks.course import lesson_seconds

    path = ROOT / "notebooks" / "00_welcome.ipynb"
    before = path.read_bytes()
    seconds = lesson_seconds([path], progress=None)
    assert list(seconds) == ["00_welcome.ipynb"] and seconds["00_welcome.ipynb"] > 0
    assert path.read_bytes() == before


def test_a_class_is_graded_and_judged_against_the_five_minute_goal():
    """(make bench grades 300 submissions of lessons 03 and 09; here two of lesson 03 prove the code.)"""
    from benchmarks.course import grading_seconds
    from benchmarks.report import render
    from benchmarks.runner import targets

    seconds = grading_seconds(count=2, lessons=("03",), progress=None)
    [(label, value)] = seconds.items()
    assert label.startswith("2 submissions of lesson 03, --jobs 2") and value > 0
    [target] = targets([], None, None, seconds)
    assert target.goal == 300.0 and target.measured == value
    text = render([], [target], 1, grading=seconds)
    assert "## Grading a class" in text and "| 2 submissions of lesson 03" in text


def test_the_speed_matrix_times_fits_defaults_against_the_others_in_every_cell():
    from benchmarks import matrix

    chosen = {("moons", (16,), "tanh", 16), ("digits", (64, 64), "sigmoid", None), ("synthetic", (512,), "relu", 1)}
    lines = []
    cells = matrix.run("tiny", seeds=(0, 1), progress=lines.append,
                       select=lambda data, hidden, activation, batch: (data, hidden, activation, batch) in chosen)
    assert {(cell.data, cell.hidden, cell.activation, cell.batch_size) for cell in cells} == chosen
    assert len(lines) == 3
    for cell in cells:
        assert len(cell.seconds["mlp"]) == 2 and len(cell.accuracy["scikit-learn"]) == 2  # one per seed
        assert cell.ratio("scikit-learn") == pytest.approx(cell.median("scikit-learn") / cell.median("mlp"))
        assert all(0 <= accuracy <= 1 for accuracy in cell.accuracy["mlp"])
    text = "\n".join(matrix.render(cells))
    assert "| scikit-learn time / mlp time | batch 1 | batch 16 | batch 64 | batch 256 | batch full |" in text
    assert "| moons 16 tanh |" in text and "| digits 64-64 sigmoid |" in text
    assert "Minimum over the matrix" in text
    assert "| mlp's mean test accuracy | batch 1 |" in text


def test_the_matrix_reports_its_minimum_and_accuracy_gaps_with_the_cell_they_come_from():
    from benchmarks import matrix
    from benchmarks.runner import targets

    fast = matrix.Cell("moons", (16,), "relu", 16, {"mlp": [1.0, 1.2, 5.0], "scikit-learn": [2.0, 2.2, 2.4]},
                       {"mlp": [0.9, 0.9, 0.9], "scikit-learn": [0.9, 0.9, 0.9]})
    slow = matrix.Cell("digits", (512,), "tanh", None, {"mlp": [3.0], "scikit-learn": [1.5]},
                       {"mlp": [0.95], "scikit-learn": [0.92]})
    assert fast.median("mlp") == 1.2 and fast.ratio("scikit-learn") == pytest.approx(2.2 / 1.2)
    ratio, cell = matrix.minimum([fast, slow], "scikit-learn")
    assert ratio == 0.5 and cell is slow
    assert matrix.largest_accuracy_gap([fast, slow], "scikit-learn") == pytest.approx(3.0)
    text = "\n".join(matrix.table([fast, slow], "scikit-learn"))
    assert "| digits 512 tanh | - | - | - | - | **0.50x** (acc +3.0) |" in text
    found = {target.description: target for target in targets([], matrix_cells=[fast, slow])}
    minimum = found["speed matrix: fit's defaults faster than scikit-learn in every cell (minimum)"]
    assert minimum.measured == 0.5 and minimum.met is False
    gap = found["speed matrix: largest test-accuracy gap, mlp vs scikit-learn"]
    assert gap.measured == pytest.approx(3.0) and gap.met is False


def test_browser_numbers_are_judged_against_issue_14s_goals_and_reported_as_named_rows():
    """benchmarks/pixels.py's numbers: "... to pixels" against 100 ms, "... frames/s" against 20 per second."""
    pixels = ({"learning-rate explorer (lesson 7): slider": 214.0, "canvas: slider": 88.0},
              {"playground (lesson 9) while playing": (3.3, 33.0)})
    found = {target.description: target for target in targets([], pixels=pixels)}
    assert found["learning-rate explorer (lesson 7): slider to pixels"].met is False
    assert found["canvas: slider to pixels"].met is True
    assert found["playground (lesson 9) while playing frames/s (at 33 epochs/s)"].met is False
    text = report.render([], list(found.values()), 1, pixels=pixels)
    assert "| learning-rate explorer (lesson 7): slider to pixels | 214 ms |" in text
    assert "| playground (lesson 9) while playing frames/s | 3.3 (at 33 epochs/s) |" in text


def test_every_lesson_widget_is_measured_in_the_browser():
    import mlp.widgets
    from benchmarks.pixels import ACTIONS

    measured = {action.container for action in ACTIONS}
    class_of = {}  # the panel's CSS class -> the widget's class name
    for name in mlp.widgets.__all__:
        css = getattr(mlp.widgets, name).class_traits()["css_class"].default()
        assert css in measured, f"{name} ({css}) has no action in benchmarks/pixels.py"
        class_of[css] = name
    for action in ACTIONS:  # and each is measured where the lesson shows it
        assert f"{class_of[action.container]}(" in (ROOT / action.notebook).read_text(), action
