"""The learning-rate explorer (lesson 7), driven in plain pytest: set a control's value, check the runs and
the picture the browser is sent (ipywidgets' dummy comm fires observers at once)."""

import json
import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
import traitlets

import mlp
from mlp.learning_rate_sweep import DEFAULT_SWEEP_RATES
from mlp.widgets import LearningRateExplorer, learning_rate


@pytest.fixture(scope="module")
def regression_data():
    """y = sin(x) + noise, mean squared error: large learning rates make it diverge."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, size=(200, 1))
    return X, np.sin(X[:, 0]) + 0.1 * rng.standard_normal(200)


def regression_explorer(data, **kwargs):
    return LearningRateExplorer(*data, layer_sizes=[1, 16, 1], hidden_activation="tanh", output_activation="linear",
                                epochs=200, **kwargs)


def items(explorer, panel, kind=None):
    """What a panel holds (0: the loss curves, 1: final loss vs learning rate)."""
    return [item for item in explorer.figure["axes"][panel]["items"] if kind in (None, item["kind"])]


def labelled(explorer, panel, label):
    (item,) = [item for item in items(explorer, panel) if item.get("label") == label]
    return item


def rate_in_readout(explorer) -> float:
    """The number after "learning rate", as the browser tests read it."""
    return float(re.match(r"learning rate (\S+) ", explorer.readout).group(1))


# --- the panel -------------------------------------------------------------------------------


def test_the_controls_and_a_first_picture_of_the_run():
    explorer = LearningRateExplorer()
    assert explorer.css_class == "lr-explorer"
    names = ["learning_rate", "epochs", "schedule", "batch_size", "mode", "forget"]
    assert [control["name"] for control in explorer.controls] == names
    rate = explorer.controls[0]
    assert rate["log"] and (rate["min"], rate["max"]) == (-4, 1)  # 1e-4 .. 10 on a log scale
    assert explorer.readout.startswith("learning rate 0.1 · constant α · full batch · 150 epochs → final")
    run = explorer.current
    losses = f"final training loss {run.final_train_loss:.4g}, validation loss {run.final_val_loss:.4g}"
    assert losses in explorer.readout
    train, val = labelled(explorer, 0, "training loss"), labelled(explorer, 0, "validation loss")
    np.testing.assert_array_equal(train["y"], run.history.train_loss)
    np.testing.assert_array_equal(train["x"], np.arange(1, 151))
    np.testing.assert_array_equal(val["y"], run.history.val_loss)
    assert val["dash"] and not train["dash"]
    assert labelled(explorer, 1, "the slider's run")["x"] == [0.1]
    assert explorer._repr_mimebundle_()[0]["image/png"]  # a picture for static pages


def test_every_change_redraws_and_the_readout_names_the_learning_rate():
    explorer = LearningRateExplorer()
    for rate in (0.5, 0.5012, 0.01):
        picture = explorer.figure
        explorer.learning_rate = rate
        assert explorer.figure != picture
        assert rate_in_readout(explorer) == rate and explorer.current.learning_rate == rate
        assert explorer.figure["axes"][0]["title"] == f"learning rate {rate:.4g}"


def test_a_larger_learning_rate_trains_to_a_lower_loss_and_the_picture_follows():
    explorer = LearningRateExplorer(learning_rate=0.01)
    slow = explorer.current
    explorer.learning_rate = 1.0
    fast = explorer.current
    assert fast.final_train_loss < slow.final_train_loss - 0.1
    np.testing.assert_array_equal(labelled(explorer, 0, "training loss")["y"], fast.history.train_loss)
    np.testing.assert_array_equal(labelled(explorer, 0, "earlier runs")["y"], slow.history.train_loss)
    # the model holds the weights the current run ended with
    experiment = explorer.experiment
    assert not np.allclose(experiment.model.params["W1"], experiment.initial_weights["W1"])
    assert np.isclose(experiment.model.loss_value(experiment.X_train, experiment.y_train), fast.final_train_loss)
    # right: the final loss of both runs against their learning rates, the slider's run the star
    dots = labelled(explorer, 1, "your runs")
    assert dots["x"] == [0.01, 1.0] and dots["y"] == [slow.final_train_loss, fast.final_train_loss]
    assert labelled(explorer, 1, "the slider's run")["y"] == [fast.final_train_loss]
    (hollow,) = [item for item in items(explorer, 1, "points") if item["colour"] == "white"]  # validation
    assert hollow["x"] == [0.01, 1.0] and hollow["y"] == [slow.final_val_loss, fast.final_val_loss]


def test_every_run_starts_from_the_same_initial_weights():
    explorer = LearningRateExplorer(learning_rate=0.5, batch_size=8)
    first = explorer.current
    explorer.learning_rate = 0.1
    explorer.learning_rate = 0.5
    assert explorer.current is not first
    assert explorer.current.history.train_loss == first.history.train_loss  # the same start, the same shuffles
    assert explorer.current.initial_loss == explorer.previous_runs[0].initial_loss
    for name, value in mlp.MLP([2, 16, 1], seed=0).get_weights().items():
        np.testing.assert_array_equal(explorer.experiment.initial_weights[name], value)


def test_epochs_schedule_and_batch_size_change_the_run():
    explorer = LearningRateExplorer(learning_rate=0.3, epochs=100)
    assert len(explorer.current.history.epoch) == 100
    explorer.epochs = 60
    assert len(explorer.current.history.epoch) == 60
    explorer.schedule = "exponential"
    rates = explorer.current.history.learning_rate
    assert rates[0] == pytest.approx(0.3) and rates[-1] == pytest.approx(0.03, rel=0.05)
    assert "exponential decay" in explorer.readout
    full = explorer.current
    explorer.batch_size = 8
    assert explorer.current.settings == (60, "exponential", 8) and "batch size 8" in explorer.readout
    assert explorer.current.final_train_loss != full.final_train_loss
    explorer.batch_size = 0
    assert explorer.current.settings == (60, "exponential", None)  # 0 is "full batch"


def test_earlier_runs_stay_as_faint_labelled_curves_until_forgotten():
    explorer = LearningRateExplorer(keep=3)
    for rate in (0.01, 0.03, 1.0, 3.0):
        explorer.learning_rate = rate
    assert [run.learning_rate for run in explorer.previous_runs] == [1.0, 0.03, 0.01]
    faint = [item for item in items(explorer, 0, "line") if item["alpha"] < 0.5]
    assert len(faint) == 6  # training and validation loss of three runs
    assert sorted(item["y"][-1] for item in faint if not item["dash"]) == sorted(
        run.final_train_loss for run in explorer.previous_runs)
    labels = {item["text"] for item in items(explorer, 0, "text")}
    assert labels == {"1", "0.03", "0.01"}
    heights = sorted(np.log10(item["at"][1]) for item in items(explorer, 0, "text"))
    low, high = np.log10(explorer.figure["axes"][0]["ylim"])
    assert np.diff(heights).min() >= 15 / 270 * (high - low) - 1e-9  # none overlap
    explorer._on_message(explorer, {"do": "forget"}, [])  # the button
    assert not explorer.previous_runs and not items(explorer, 0, "text")
    assert not [item for item in items(explorer, 0, "line") if item["alpha"] < 0.5]
    assert labelled(explorer, 1, "your runs")["x"] == [3.0]


def test_long_curves_are_thinned_and_the_picture_stays_small():
    explorer = LearningRateExplorer(epochs=500, learning_rate=0.03)
    for rate in (0.1, 0.3, 1.0):
        explorer.learning_rate = rate
    train = labelled(explorer, 0, "training loss")
    assert len(train["x"]) == 200 and (train["x"][0], train["x"][-1]) == (1, 500)
    np.testing.assert_array_equal(train["y"], explorer.current.train_loss[np.array(train["x"], dtype=int) - 1])
    assert len(json.dumps(explorer.figure)) < 60_000


# --- divergence and the sweep ------------------------------------------------------------------


def test_divergence_is_shown_not_raised(regression_data):
    explorer = regression_explorer(regression_data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DivergenceWarning, no NaN RuntimeWarning
        explorer.learning_rate = 3.0
    run = explorer.current
    assert run.diverged and run.unstable
    assert "learning rate 3 " in explorer.readout
    assert f"→ diverged in epoch {len(run.train_loss) + 1}: the learning rate is too large" in explorer.readout
    assert explorer.figure["axes"][0]["title"] == "learning rate 3 (DIVERGED)"
    cross = labelled(explorer, 0, "diverged")
    assert cross["marker"] == "x" and cross["x"] == [len(run.train_loss) + 1]
    assert all(np.isfinite(value).all() for value in explorer.experiment.model.params.values())  # from before


def test_the_sweep_labels_every_run_and_marks_divergence(regression_data):
    explorer = regression_explorer(regression_data, mode="sweep")
    verdicts = {run.learning_rate: run.verdict for run in explorer.sweep_runs}
    assert verdicts == {1e-4: "too small", 1e-3: "too small", 1e-2: "too small", 0.1: "good", 1.0: "too large",
                        10.0: "too large"}
    assert [run.diverged for run in explorer.sweep_runs] == [False] * 4 + [True] * 2
    crosses = labelled(explorer, 1, "diverged")
    assert crosses["x"] == [1.0, 10.0] and crosses["y"][0] == crosses["y"][1]
    assert crosses["y"][0] < explorer.figure["axes"][1]["ylim"][1]  # inside the picture, under the legend
    assert labelled(explorer, 0, "diverged")["marker"] == "x"
    assert "too small: 0.0001, 0.001, 0.01; good: 0.1; too large: 1, 10" in explorer.readout


def test_the_sweep_on_the_moons_trains_each_rate_from_the_same_weights_once():
    explorer = LearningRateExplorer()
    explorer.mode = "sweep"
    runs = explorer.sweep_runs
    assert [run.learning_rate for run in runs] == list(DEFAULT_SWEEP_RATES)
    assert len({run.initial_loss for run in runs} | {explorer.current.initial_loss}) == 1
    assert [run.verdict for run in runs] == ["too small"] * 3 + ["good"] * 2 + ["too large"]
    assert "sweep (6 rates, " in explorer.readout
    assert "too small: 0.0001, 0.001, 0.01; good: 0.1, 1; too large: 10" in explorer.readout
    # left: each rate's training loss in its verdict's colour, labelled with its rate; right: its final loss
    curves = items(explorer, 0, "line")[1:]  # after the loss before training
    for run, curve in zip(runs, curves):
        np.testing.assert_array_equal(curve["y"], run.history.train_loss)
        assert curve["colour"] == learning_rate.VERDICT_COLOURS[run.verdict]
    assert sorted(item["text"] for item in items(explorer, 0, "text")) == sorted(f"{r:g}" for r in DEFAULT_SWEEP_RATES)
    good = labelled(explorer, 1, "good")
    assert good["x"] == [0.1, 1.0] and good["y"] == [run.final_train_loss for run in runs[3:5]]
    # the slider's own run is the star; moving it does not train the sweep again
    explorer.learning_rate = 0.3
    assert explorer.sweep_runs is runs
    assert labelled(explorer, 1, "the slider's run")["x"] == [0.3]
    assert rate_in_readout(explorer) == 0.3
    # another setting does
    explorer.epochs = 100
    assert explorer.sweep_runs is not runs and len(explorer.sweep_runs[0].history.epoch) == 100


def test_the_sweep_reuses_a_run_the_slider_made_without_touching_it():
    explorer = LearningRateExplorer(learning_rate=1.0)
    own = explorer.current
    explorer.mode = "sweep"
    (same,) = [run for run in explorer.sweep_runs if run.learning_rate == 1.0]
    assert same is not own and same.history is own.history and same.verdict == "good" and own.verdict is None
    fresh = explorer.experiment.run(1.0, *own.settings, model=explorer.experiment.sweep_model)
    assert fresh.history.train_loss == own.history.train_loss  # what training it again would give


def test_the_panel_keeps_its_size_in_both_modes():
    explorer = LearningRateExplorer()
    single = explorer.figure
    explorer.mode = "sweep"
    sweep = explorer.figure
    assert (single["width"], single["height"]) == (sweep["width"], sweep["height"])
    assert [ax["box"] for ax in single["axes"]] == [ax["box"] for ax in sweep["axes"]]
    assert explorer.controls_height == 60  # two rows of controls, whatever their values


def test_long_training_is_announced_before_it_starts(monkeypatch):
    explorer = LearningRateExplorer(epochs=60)
    said = []
    explorer.observe(lambda change: said.append(change["new"]), names="busy")
    explorer.mode = "sweep"  # 5 x 60 full-batch updates: quick, nothing to announce
    assert said == []
    explorer.batch_size = 8  # 60 epochs x 18 batches of 8 (140 examples): 1080 updates a run
    assert explorer.experiment.updates(60, 8) == 1080
    n = len(DEFAULT_SWEEP_RATES) - 1  # the slider's rate 0.1 is one of them: already trained
    assert said[:-1] == [f"sweep: training {n} runs of 1080 parameter updates, {done} done..." for done in range(n)]
    assert said[-1] == "" and explorer.readout.startswith("learning rate 0.1 ")  # then the picture
    assert [run.settings[2] for run in explorer.sweep_runs] == [8] * 6
    monkeypatch.setattr(learning_rate, "LONG_UPDATES", 1000)
    said.clear()
    explorer.mode = "single run"
    explorer.learning_rate = 0.2
    assert said == ["training learning rate 0.2: 1080 parameter updates...", ""]
    assert explorer.experiment.updates(10, 1) == 1400 and explorer.experiment.updates(10) == 10


# --- arguments -------------------------------------------------------------------------------


def test_lessons_pass_their_own_data_and_layer_sizes():
    X, y = mlp.data.make_dataset("circles", 200, noise=0.1, seed=1)
    explorer = LearningRateExplorer(X, y, layer_sizes=[2, 8, 8, 1], learning_rate=0.5, epochs=50, seed=3)
    assert explorer.experiment.model.layer_sizes == [2, 8, 8, 1]
    assert len(explorer.experiment.X_train) == 140 and len(explorer.experiment.validation[0]) == 60
    without = LearningRateExplorer(X, y, val_size=0)
    assert without.experiment.validation is None and "validation" not in without.readout
    assert [item["colour"] for item in items(without, 1, "points")] == ["#555", "black"]  # no hollow validation


@pytest.mark.parametrize("kwargs, error, message", [
    ({"layer_sizes": [3, 4, 1]}, ValueError, r"X has 2 features per example but the network .* expects 3 features"),
    ({"batch_size": 16}, traitlets.TraitError, r"batch_size.*expected any of \[0, 32, 8, 1\].*16"),
    ({"learning_rate": 50}, traitlets.TraitError, "learning_rate.*should not be greater than 10.0, but a value of 50"),
    ({"schedule": "cosine"}, traitlets.TraitError, r"schedule.*expected any of \['constant'.*not the str 'cosine'"),
    ({"mode": "both"}, traitlets.TraitError, "mode.*expected any of.*'both'"),
    ({"X": np.zeros((5, 2))}, ValueError, "give both X and y"),
])
def test_bad_arguments_are_refused_saying_what_was_expected(kwargs, error, message):
    with pytest.raises(error, match=message):
        LearningRateExplorer(**kwargs)


def test_a_learning_rate_outside_the_slider_is_refused_and_nothing_changes():
    explorer = LearningRateExplorer()
    before = explorer.figure
    with pytest.raises(traitlets.TraitError, match="should not be less than 0.0001"):
        explorer.learning_rate = 1e-5
    assert explorer.figure is before and explorer.learning_rate == 0.1


def test_snapshot_is_a_figure_of_the_current_state():
    explorer = LearningRateExplorer()
    explorer.learning_rate = 0.5
    figure = explorer.snapshot()
    try:
        left, right = figure.axes
        assert left.get_title() == "learning rate 0.5" and right.get_title() == "your runs with these settings"
        train = [line for line in left.lines if line.get_label() == "training loss"][0]
        np.testing.assert_array_equal(train.get_ydata(), explorer.current.history.train_loss)
        assert left.get_yscale() == "log" and right.get_xscale() == "log"
    finally:
        plt.close(figure)
