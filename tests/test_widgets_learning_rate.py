"""Tests for the learning-rate explorer, in plain Python: set widget values, check the model and the picture.

Outside a front end, setting a control's ``.value`` runs its callback at once (dummy comm).
"""

import io
import math
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from PIL import Image  # noqa: E402

import mlp  # noqa: E402
from mlp.widgets import learning_rate  # noqa: E402
from mlp.training import History  # noqa: E402
from mlp.widgets.learning_rate import (  # noqa: E402
    BOUNCE_FACTOR,
    DEFAULT_SWEEP_RATES,
    LearningRateExplorer,
    Run,
    classify_runs,
    lesson_schedule,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def regression_data():
    """Lesson 7's problem: y = sin(x) + noise; large learning rates make the MSE diverge."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, size=(200, 1))
    y = np.sin(X[:, 0]) + 0.1 * rng.standard_normal(200)
    return X, y


def lines_by_gid(figure):
    """The lines drawn, by name (the widget keeps its lines and hides those it does not need)."""
    return {line.get_gid(): line for ax in figure.axes for line in ax.lines if line.get_gid() and line.get_visible()}


# --- handles the browser tests rely on ------------------------------------------------


def test_stable_handles_and_a_first_picture():
    explorer = LearningRateExplorer()
    assert "lr-explorer" in explorer.container._dom_classes
    assert "lr-slider" in explorer.lr_slider._dom_classes
    assert explorer.lr_slider.description == "learning rate"
    assert "lr-explorer-readout" in explorer.readout._dom_classes
    assert explorer.readout.value.startswith("learning rate 0.1 ")
    assert bytes(explorer.image.value).startswith(PNG_SIGNATURE)
    assert explorer.image.layout.width == "880px" and explorer.image.layout.height == "344px"
    assert explorer.container.children[-2:] == (explorer.image, explorer.readout)
    assert math.isclose(explorer.lr_slider.min, -4) and math.isclose(explorer.lr_slider.max, 1)
    assert explorer._repr_mimebundle_()  # displays itself


def test_the_readout_names_the_learning_rate_and_changes_on_every_redraw():
    explorer = LearningRateExplorer()
    seen = {explorer.readout.value}
    for rate in (0.5, 0.5012, 0.01):
        explorer.lr_slider.value = rate
        assert f"learning rate {explorer.lr_slider.value:.4g} " in explorer.readout.value
        seen.add(explorer.readout.value)
    explorer.mode_toggle.value = "sweep"
    seen.add(explorer.readout.value)
    explorer.mode_toggle.value = "single run"  # the same run as before: still a new readout
    seen.add(explorer.readout.value)
    assert len(seen) == 6


# --- training -------------------------------------------------------------------------


def test_a_larger_learning_rate_trains_to_a_different_loss_and_the_plot_follows():
    explorer = LearningRateExplorer(learning_rate=0.01)
    slow = explorer.current
    image_before = bytes(explorer.image.value)
    explorer.lr_slider.value = 1.0
    fast = explorer.current
    assert fast.learning_rate == 1.0 and slow.learning_rate == 0.01
    assert fast.final_train_loss < slow.final_train_loss - 0.1
    assert bytes(explorer.image.value) != image_before
    lines = lines_by_gid(explorer.figure)
    np.testing.assert_array_equal(lines["current-train"].get_ydata(), fast.history.train_loss)
    np.testing.assert_array_equal(lines["current-val"].get_ydata(), fast.history.val_loss)
    np.testing.assert_array_equal(lines["earlier1-train"].get_ydata(), slow.history.train_loss)
    # the model holds the weights the current run ended with
    assert not np.allclose(explorer.model.params["W1"], explorer.initial_weights["W1"])
    assert math.isclose(explorer.model.loss_value(explorer.X_train, explorer.y_train), fast.final_train_loss)


def test_every_run_starts_from_the_same_initial_weights():
    explorer = LearningRateExplorer(learning_rate=0.5, batch_size=8)
    first = explorer.current
    initial = {name: value.copy() for name, value in explorer.initial_weights.items()}
    explorer.lr_slider.value = 0.1
    explorer.lr_slider.value = 0.5
    again = explorer.current
    assert again is not first
    assert again.history.train_loss == first.history.train_loss  # same start, same shuffles
    assert again.initial_loss == first.initial_loss == explorer.previous_runs[0].initial_loss
    for name, value in explorer.initial_weights.items():
        np.testing.assert_array_equal(value, initial[name])
    reference = mlp.MLP([2, 16, 1], seed=0).get_weights()
    for name, value in reference.items():
        np.testing.assert_array_equal(explorer.initial_weights[name], value)


def test_epochs_schedule_and_batch_size_change_the_run():
    explorer = LearningRateExplorer(learning_rate=0.3, epochs=100)
    assert len(explorer.current.history.epoch) == 100
    explorer.epochs_slider.value = 60
    assert len(explorer.current.history.epoch) == 60
    explorer.schedule_dropdown.value = "exponential"
    rates = explorer.current.history.learning_rate
    assert rates[0] == pytest.approx(0.3) and rates[-1] == pytest.approx(0.03, rel=0.05)
    full = explorer.current
    assert full.settings == (60, "exponential", None)
    explorer.batch_dropdown.value = 8
    assert explorer.current.settings == (60, "exponential", 8)
    assert explorer.current.final_train_loss != full.final_train_loss
    explorer.batch_dropdown.value = 0
    assert explorer.current.settings[2] is None  # "full batch"


def test_the_schedules_decay_to_about_a_tenth():
    for name in ("exponential", "inverse_time"):
        schedule = lesson_schedule(name, 0.5, 200)
        assert schedule(0) == 0.5 and schedule(200) == pytest.approx(0.05)
    step = lesson_schedule("step", 0.5, 200)
    assert [step(t) for t in (0, 49, 50, 199)] == [0.5, 0.5, 0.25, 0.0625]
    assert lesson_schedule("constant", 0.5, 200)(199) == 0.5
    with pytest.raises(ValueError, match="unknown schedule"):
        lesson_schedule("cosine", 0.5, 10)


def test_previous_runs_stay_as_faint_curves_labelled_by_learning_rate():
    explorer = LearningRateExplorer(keep=3)
    for rate in (0.01, 0.03, 1.0, 3.0):
        explorer.lr_slider.value = rate
    assert [run.learning_rate for run in explorer.previous_runs] == [1.0, 0.03, 0.01]
    lines = lines_by_gid(explorer.figure)
    assert {"earlier1-train", "earlier2-train", "earlier3-train"} <= set(lines)
    assert all(lines[f"earlier{age}-train"].get_alpha() < 0.5 for age in (1, 2, 3))
    labels = {text.get_text() for text in explorer.figure.axes[0].texts}
    assert {"1", "0.03", "0.01"} <= labels
    explorer.forget_button.click()
    assert not explorer.previous_runs
    assert not any(gid.startswith("earlier") for gid in lines_by_gid(explorer.figure))


# --- divergence -----------------------------------------------------------------------


def test_divergence_is_reported_not_raised(regression_data):
    X, y = regression_data
    explorer = LearningRateExplorer(X, y, layer_sizes=[1, 16, 1], hidden_activation="tanh", epochs=200)
    assert explorer.model.output_activation.name == "linear"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DivergenceWarning, no NaN RuntimeWarning
        explorer.lr_slider.value = 3.0
    run = explorer.current
    assert run.diverged and run.unstable and run.verdict is None
    assert "diverged" in explorer.readout.value and "learning rate 3 " in explorer.readout.value
    assert "current-diverged" in lines_by_gid(explorer.figure)
    assert "DIVERGED" in explorer.figure.axes[0].get_title()
    # the model keeps finite weights from before the divergence
    assert all(np.isfinite(value).all() for value in explorer.model.params.values())


def test_sweep_marks_divergence_and_labels_every_run(regression_data):
    X, y = regression_data
    explorer = LearningRateExplorer(X, y, layer_sizes=[1, 16, 1], hidden_activation="tanh", epochs=200,
                                    mode="sweep")
    verdicts = {run.learning_rate: run.verdict for run in explorer.sweep_runs}
    assert verdicts == {1e-4: "too small", 1e-3: "too small", 1e-2: "too small", 0.1: "good",
                        1.0: "too large", 10.0: "too large"}
    assert [run.diverged for run in explorer.sweep_runs] == [False] * 4 + [True] * 2
    assert "final-diverged" in lines_by_gid(explorer.figure)
    np.testing.assert_array_equal(lines_by_gid(explorer.figure)["final-diverged"].get_xdata(), [1.0, 10.0])
    snapshot = explorer.snapshot()  # the static copy draws the small multiples as vectors
    titles = [ax.get_title() for ax in snapshot.axes]
    assert "α = 1: DIVERGED" in titles and "α = 0.1: good" in titles and "α = 0.0001: too small" in titles


def test_sweep_on_the_moons_trains_each_rate_from_the_same_weights():
    explorer = LearningRateExplorer()
    explorer.mode_toggle.value = "sweep"
    runs = explorer.sweep_runs
    assert [run.learning_rate for run in runs] == list(DEFAULT_SWEEP_RATES)
    assert len({run.initial_loss for run in runs} | {explorer.current.initial_loss}) == 1
    assert [run.verdict for run in runs] == ["too small"] * 3 + ["good"] * 2 + ["too large"]
    assert "too small: 0.0001, 0.001, 0.01; good: 0.1, 1; too large: 10" in explorer.readout.value
    assert explorer.sweep_seconds > 0
    # the slider's own run is the star; moving it does not retrain the sweep
    explorer.lr_slider.value = 0.3
    assert explorer.sweep_runs is runs
    assert explorer.current.learning_rate == 0.3
    star = [line for line in explorer.figure.axes[-1].lines if line.get_marker() == "*"]
    assert star and star[0].get_xdata()[0] == 0.3
    # a new setting retrains it
    explorer.epochs_slider.value = 100
    assert explorer.sweep_runs is not runs and len(explorer.sweep_runs[0].history.epoch) == 100


def widget_pixels(explorer):
    return np.asarray(Image.open(io.BytesIO(bytes(explorer.image.value))).convert("RGBA")).astype(int)


def direct_pixels(explorer):
    """The snapshot's drawing (every artist a vector, real legends) at the widget's size and dpi."""
    figure = matplotlib.figure.Figure(figsize=explorer.figsize, dpi=explorer.dpi)
    canvas = FigureCanvasAgg(figure)
    explorer.draw(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).astype(int)


def test_the_sweep_picture_matches_its_snapshot():
    explorer = LearningRateExplorer(mode="sweep")
    snapshot = explorer.snapshot()
    assert len(snapshot.axes) == 7  # six small multiples and final loss vs learning rate
    for index, run in enumerate(explorer.sweep_runs):
        line = lines_by_gid(snapshot)[f"sweep{index}-train"]
        np.testing.assert_array_equal(line.get_ydata(), run.history.train_loss)
    # the widget pastes the small multiples as pixels: the final-loss axes are the only live ones
    assert len(explorer.figure.axes) == 1


@pytest.mark.parametrize("mode", ["single run", "sweep"])
def test_the_widget_shows_what_the_snapshot_draws(mode):
    """Pasted legends and small multiples, reused artists: the same pixels as drawing it all afresh
    (legends are alpha-blended once more: a level or two of rounding)."""
    explorer = LearningRateExplorer()
    for rate in (0.01, 3.0, 1.0):
        explorer.lr_slider.value = rate
    explorer.mode_toggle.value = mode
    explorer.lr_slider.value = 0.3
    widget, direct = widget_pixels(explorer), direct_pixels(explorer)
    assert widget.shape == direct.shape == (344, 880, 4)
    assert np.abs(widget - direct).max() <= 3


def test_a_slider_change_updates_the_same_artists():
    explorer = LearningRateExplorer(learning_rate=0.01)
    axes = list(explorer.figure.axes)
    line = lines_by_gid(explorer.figure)["current-train"]
    before = line.get_ydata().copy()
    explorer.lr_slider.value = 1.0
    assert list(explorer.figure.axes) == axes  # no figure.clear(): the axes, their ticks and lines stay
    assert lines_by_gid(explorer.figure)["current-train"] is line
    assert not np.array_equal(line.get_ydata(), before)
    np.testing.assert_array_equal(line.get_ydata(), explorer.current.history.train_loss)
    drawn = explorer._stamps.drawn
    explorer.lr_slider.value = 0.01  # the same legends as before: pasted, not drawn again
    explorer.lr_slider.value = 1.0
    assert explorer._stamps.drawn == drawn
    # a new layout (the sweep) builds new axes, and going back builds the single-run ones again
    explorer.mode_toggle.value = "sweep"
    assert explorer.figure.axes[0] not in axes
    sweep_axes = explorer.figure.axes[0]
    explorer.lr_slider.value = 0.3
    assert explorer.figure.axes == [sweep_axes]


def test_a_long_sweep_is_announced_in_the_readout_before_it_starts(monkeypatch):
    explorer = LearningRateExplorer(epochs=60)
    events = []
    explorer.readout.observe(lambda change: events.append(("readout", change["new"])), names="value")
    explorer.image.observe(lambda change: events.append(("image", None)), names="value")
    explorer.mode_toggle.value = "sweep"  # quick: no announcement
    assert [kind for kind, _ in events] == ["image", "readout"]
    assert not events[-1][1].startswith("training")

    monkeypatch.setattr(learning_rate, "LONG_SECONDS", 0.0)  # as if every training took long
    events.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NaN warnings, no DivergenceWarning (10 diverges)
        explorer.batch_dropdown.value = 32
    messages = [value for kind, value in events if kind == "readout"]
    assert messages[0].startswith("training learning rate 0.1 at batch size 32, 60 epochs (about ")
    n = len(explorer.sweep_rates) - 1  # the slider's rate 0.1 is one of them: already trained
    assert messages[1].startswith(f"training {n} runs at batch size 32, 60 epochs each (about ")
    assert messages[2].startswith(f"training {n} runs at batch size 32: 1 of {n} done, about ")
    assert len(messages) == n + 2
    # the new picture, then the final readout, last
    assert events[-2][0] == "image" and events[-1][0] == "readout"
    assert events[-1][1] == explorer.readout.value and explorer.readout.value.startswith("learning rate 0.1 ")
    assert "sweep of 6 learning rates" in explorer.readout.value
    assert [run.settings[2] for run in explorer.sweep_runs] == [32] * 6


def test_the_time_estimate_follows_the_runs():
    explorer = LearningRateExplorer(epochs=100)
    run = explorer.current
    assert explorer.estimate_seconds() == pytest.approx(run.seconds)
    assert explorer.estimate_seconds((200, "constant", None)) == pytest.approx(2 * run.seconds)
    assert explorer.estimate_seconds((100, "constant", 1)) > 20 * explorer.estimate_seconds()
    assert explorer.estimate_seconds(runs=6) == pytest.approx(6 * run.seconds)


def test_the_sweep_reuses_a_run_the_slider_made_without_touching_it():
    explorer = LearningRateExplorer(learning_rate=1.0)
    own = explorer.current
    explorer.mode_toggle.value = "sweep"
    same = [run for run in explorer.sweep_runs if run.learning_rate == 1.0][0]
    assert same is not own and same.history is own.history and same.verdict == "good"
    assert own.verdict is None
    fresh = explorer.train_run(1.0, own.settings, explorer._sweep_model)
    assert fresh.history.train_loss == own.history.train_loss  # what training it again would give


# --- the rule -------------------------------------------------------------------------


def fake_run(rate, losses, initial=1.0, diverged=False):
    history = History(epoch=list(range(1, len(losses) + 1)), train_loss=list(losses), initial_train_loss=initial,
                      diverged=diverged)
    return Run(rate, (len(losses), "constant", None), history, 0.0)


def test_classify_runs_follows_the_documented_rule():
    runs = [
        fake_run(1e-3, [0.99, 0.98]),  # hardly moved: too small
        fake_run(1e-2, [0.6, 0.3]),  # ln(1/0.3) = 1.2 < 0.8 ln(1/0.1) = 1.84: too small
        fake_run(1e-1, [0.3, 0.15]),  # ln(1/0.15) = 1.9 >= 1.84: good
        fake_run(1.0, [0.2, 0.1]),  # the best: good
        fake_run(3.0, [0.5, 0.5]),  # stable, but worse than the best at a larger rate: too large
        fake_run(5.0, [1.5, 0.05]),  # rose above the start: too large, however low it ends
        fake_run(8.0, [0.1, 0.1 * BOUNCE_FACTOR * 1.01]),  # went back up: too large
        fake_run(10.0, [0.4], diverged=True),  # diverged: too large
    ]
    assert classify_runs(runs) == ["too small", "too small", "good", "good", "too large", "too large", "too large",
                                   "too large"]
    assert classify_runs([fake_run(10.0, [], diverged=True)]) == ["too large"]
    assert runs[5].problem().startswith("the loss rose above its starting value")
    assert runs[6].problem().startswith("the loss went back up")
    assert runs[7].problem() == "diverged in epoch 2"


# --- constructor arguments ------------------------------------------------------------


def test_lessons_pass_their_own_data_and_layer_sizes():
    X, y = mlp.data.make_dataset("circles", 200, noise=0.1, seed=1)
    explorer = LearningRateExplorer(X, y, layer_sizes=[2, 8, 8, 1], learning_rate=0.5, epochs=50, seed=3)
    assert explorer.model.layer_sizes == [2, 8, 8, 1]
    assert len(explorer.X_train) == 140 and len(explorer.validation[0]) == 60
    X_blobs, y_blobs = mlp.data.make_blobs(150, centers=3, seed=0)
    three = LearningRateExplorer(X_blobs[:100], y_blobs[:100], X_val=X_blobs[100:], y_val=y_blobs[100:])
    assert three.model.layer_sizes == [2, 16, 3] and three.model.output_activation.name == "softmax"
    assert len(three.X_train) == 100
    no_validation = LearningRateExplorer(X, y, val_size=0)
    assert no_validation.validation is None and "validation loss" not in no_validation.readout.value
    with pytest.raises(ValueError, match="layer_sizes starts with 3 inputs but X has 2 features"):
        LearningRateExplorer(X, y, layer_sizes=[3, 4, 1])
    with pytest.raises(ValueError, match="learning_rate must be between"):
        LearningRateExplorer(learning_rate=50)
    with pytest.raises(ValueError, match="give both X and y"):
        LearningRateExplorer(X)
    with pytest.raises(ValueError, match="sweep_rates"):
        LearningRateExplorer(sweep_rates=[0.1, 0.1, 0.1, 1.0])
    assert LearningRateExplorer(sweep_rates=[0.3, 0.01, 1, 0.1], mode="sweep").sweep_rates == (0.01, 0.1, 0.3, 1.0)


def test_snapshot_is_a_static_copy_of_the_single_run_picture():
    explorer = LearningRateExplorer()
    explorer.lr_slider.value = 0.5
    snapshot = explorer.snapshot()
    assert isinstance(snapshot, matplotlib.figure.Figure)
    assert tuple(snapshot.get_size_inches()) == explorer.figsize
    np.testing.assert_array_equal(lines_by_gid(snapshot)["current-train"].get_ydata(),
                                  explorer.current.history.train_loss)
