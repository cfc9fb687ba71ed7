"""The playground drawn in the browser: what its kernel side does with each setting and button.

Outside a front end the widget's comm is a dummy: setting a trait runs its observers at once, and the
page's messages (Step, Reset, scrub) are given to the handler directly, as the page would send them.
"""

import numpy as np
import pytest
import traitlets

import mlp
from mlp.rng import make_rng
from mlp.widgets.playground import FEATURES, GRID, Playground


def press(playground, action, **content):
    playground._on_message(playground, {"do": action, **content}, [])


@pytest.fixture
def playground():
    return Playground()


def test_it_starts_at_epoch_0_with_a_frame_for_every_unit(playground):
    frame = playground.frame
    assert frame["epoch"] == 0 and frame["layer_sizes"] == [2, 4, 2, 1]
    assert len(frame["units"]) == (4 + 2) * GRID * GRID and len(playground.inputs) == 2 * GRID * GRID
    assert "inputs" not in frame  # the input pictures do not change while training: sent once, not every frame
    assert len(frame["train_loss"]) == len(frame["val_loss"]) == 1
    assert len(np.frombuffer(playground.points, np.float32)) == 4 * 200  # (x1, x2, class, validation?) per point


def test_step_trains_exactly_one_epoch_as_fit_would(playground):
    twin = mlp.MLP([2, 4, 2, 1], hidden_activation="tanh", output_activation="sigmoid", seed=2)
    twin_optimizer, shuffle = mlp.optimizers.GradientDescent(0.03), make_rng(3)
    press(playground, "step")
    press(playground, "step")
    for epoch in range(2):
        twin.fit(playground.X_train, playground.y_train, epochs=1, optimizer=twin_optimizer, batch_size=10,
                 seed=shuffle, progress=False)
    assert playground.frame["epoch"] == 2 and len(playground.frame["train_loss"]) == 3
    for name, value in playground.model.get_weights().items():
        np.testing.assert_array_equal(value, twin.get_weights()[name])


def test_reset_goes_back_to_the_same_initial_weights(playground):
    start = {name: value.copy() for name, value in playground.model.get_weights().items()}
    playground.step(5)
    press(playground, "reset")
    assert playground.frame["epoch"] == 0
    for name, value in playground.model.get_weights().items():
        np.testing.assert_array_equal(value, start[name])


def test_the_learning_rate_changes_live_and_the_rest_rebuilds(playground):
    playground.step(3)
    playground.learning_rate = 0.3
    assert playground.epoch == 3  # live: training goes on from where it was
    playground.step()
    assert playground._optimizer.learning_rate == 0.3 and playground.epoch == 4  # read at the epoch boundary
    playground.features = ["sin x1", "x1", "x2²"]
    assert playground.features == ["x1", "x2²", "sin x1"]  # the menu's order
    assert playground.epoch == 0 and playground.frame["layer_sizes"] == [3, 4, 2, 1]
    playground.hidden = [8, 8, 3]
    assert playground.frame["layer_sizes"] == [3, 8, 8, 3, 1]
    playground.dataset = "xor"
    assert playground.frame["epoch"] == 0


def test_the_input_pictures_are_the_chosen_features_over_the_plane(playground):
    playground.features = ["x1", "x1x2"]
    pictures = np.frombuffer(playground.inputs, np.uint8).reshape(2, GRID, GRID)
    assert pictures[0][0, 0] == 0 and pictures[0][0, -1] == 255  # x1 grows to the right
    assert pictures[1][0, 0] == 255 and pictures[1][0, -1] == 0  # x1 x2: + at lower left, - at lower right


@pytest.mark.parametrize("setting, value, fragment", [("features", [], "at least one input feature"),
                                                      ("hidden", [4, 9], "1 to 8 units"),
                                                      ("hidden", [1] * 7, "0 to 6 hidden layers")])
def test_impossible_settings_are_refused_with_the_reason(playground, setting, value, fragment):
    before = getattr(playground, setting)
    with pytest.raises(traitlets.TraitError, match=fragment):
        setattr(playground, setting, value)
    assert getattr(playground, setting) == before


def test_a_divergence_stops_play_with_the_guards_message_and_keeps_the_weights(playground, monkeypatch):
    """Cross-entropy from logits rarely blows up, so fit's guard is made to trip: the widget must pass on
    its message, stop, keep the weights fit kept, and go on from them at the next Step."""
    playground.step(2)
    kept = {name: value.copy() for name, value in playground.model.get_weights().items()}
    real_fit = playground.model.fit
    monkeypatch.setattr(playground.model, "fit", lambda *a, **k: mlp.training.History(
        diverged=True, message="The loss diverged in epoch 3 (the learning rate is too large)."))
    playground.playing = False
    playground.step()
    assert playground.diverged and not playground.playing and playground.epoch == 2
    assert "diverged in epoch 3" in playground.message and "Lower the learning rate" in playground.message
    for name, value in playground.model.get_weights().items():
        np.testing.assert_array_equal(value, kept[name])
    monkeypatch.setattr(playground.model, "fit", real_fit)
    playground.step()
    assert not playground.diverged and playground.message == "" and playground.epoch == 3


def test_the_timeline_scrubs_back_to_a_kept_frame(playground):
    for _ in range(4):
        press(playground, "step")
    assert playground.timeline == [0, 1, 2, 3, 4]
    press(playground, "scrub", epoch=2)
    assert playground.frame["epoch"] == 2 and len(playground.frame["train_loss"]) == 3
    press(playground, "step")  # training goes on from the newest weights, not the scrubbed frame
    assert playground.frame["epoch"] == 5


def test_the_timeline_stays_bounded_and_covers_the_whole_run(playground, monkeypatch):
    monkeypatch.setattr("mlp.widgets.playground.TIMELINE_FRAMES", 10)
    for _ in range(40):
        press(playground, "step")
    kept = playground.timeline
    assert len(kept) <= 10 and kept[0] == 0 and kept[-1] == 40 and kept == sorted(kept)
    press(playground, "scrub", epoch=25)  # the latest kept frame at or before it
    assert playground.frame["epoch"] == max(e for e in kept if e <= 25) and 25 not in kept
    press(playground, "reset")
    assert playground.timeline == [0]


def test_play_without_an_event_loop_says_what_to_do(playground):
    playground.playing = True
    assert not playground.playing and "step()" in playground.message
    assert set(FEATURES) >= set(playground.features)


def test_where_widgets_do_not_run_its_output_is_the_current_picture(playground):
    """GitHub and nbviewer show the richest form they can: a picture of the network now, not a class name."""
    import base64
    import io

    from PIL import Image

    playground.step(10)
    data = playground._repr_mimebundle_()
    data = data[0] if isinstance(data, tuple) else data
    assert "application/vnd.jupyter.widget-view+json" in data and "Playground:" in data["text/plain"]
    picture = np.asarray(Image.open(io.BytesIO(base64.b64decode(data["image/png"]))).convert("RGB")).astype(int)
    assert picture.shape[0] == 400 and picture.shape[1] > 600
    orange = np.abs(picture - [245, 147, 34]).sum(axis=2) < 40
    blue = np.abs(picture - [8, 119, 189]).sum(axis=2) < 40
    assert orange.sum() > 200 and blue.sum() > 200  # the units' pictures and the two classes' points


def test_regression_trains_a_linear_output_on_a_continuous_target(playground):
    playground.problem = "regression"
    assert playground.dataset == "plane" and playground.model.output_activation.name == "linear"
    assert playground.model.loss.name == "mean_squared_error" and playground.frame["epoch"] == 0
    points = np.frombuffer(playground.points, np.float32).reshape(-1, 4)
    assert len(np.unique(points[:, 2])) > 100 and np.abs(points[:, 2]).max() <= 1  # a continuous target
    playground.dataset = "gaussians"
    playground.step(20)
    assert playground.train_loss[-1] < playground.train_loss[0]
    with pytest.raises(traitlets.TraitError, match="regression data sets"):
        playground.dataset = "circles"
    playground.problem = "classification"
    assert playground.dataset == "circles" and playground.model.output_activation.name == "sigmoid"


def test_a_playground_can_start_with_any_settings():
    playground = Playground(problem="regression", dataset="gaussians", hidden=[3], noise=0.2, seed=5)
    assert playground.dataset == "gaussians" and playground.frame["layer_sizes"] == [2, 3, 1]


@pytest.mark.parametrize("regularization", ["none", "L1", "L2"])
def test_the_regularisation_is_fits_penalty_read_live(playground, regularization, monkeypatch):
    playground.step(2)
    playground.regularization, playground.regularization_rate = regularization, 0.01
    assert playground.epoch == 2  # live: no new network
    seen = []
    real_fit = playground.model.fit
    monkeypatch.setattr(playground.model, "fit", lambda *a, **k: seen.append(k) or real_fit(*a, **k))
    playground.step()
    penalty = {"none": {}, "L1": {"l1": 0.01}, "L2": {"l2": 0.01}}[regularization]
    assert {k: v for k, v in seen[0].items() if k in ("l1", "l2")} == penalty


def test_the_ratio_of_training_data_and_the_noise_make_new_data(playground):
    points = np.frombuffer(playground.points, np.float32).reshape(-1, 4)
    assert points[:, 3].sum() == 100 and len(playground.X_train) == 100  # half held out
    playground.step(2)
    playground.validation_share = 0.2
    points = np.frombuffer(playground.points, np.float32).reshape(-1, 4)
    assert points[:, 3].sum() == 40 and len(playground.X_train) == 160 and playground.epoch == 0
    before = playground.X_train.copy()
    playground.noise = 0.3
    assert not np.array_equal(before, playground.X_train)
    with pytest.raises(traitlets.TraitError):
        playground.validation_share = 0.95


def test_the_static_picture_follows_show_test_data_and_discretise(playground):
    pictures = set()
    for show, discrete in [(False, False), (True, False), (False, True)]:
        playground.show_test_data, playground.discretize = show, discrete
        pictures.add(playground.static_png())
    assert len(pictures) == 3


def test_long_loss_curves_are_sent_thinned_to_the_first_and_latest_epochs(playground, monkeypatch):
    monkeypatch.setattr("mlp.widgets.playground.CURVE_POINTS", 3)
    playground.step(6)
    assert playground.frame["train_loss"] == [playground.train_loss[i] for i in (0, 3, 6)]
    assert playground.frame["val_loss"] == [playground.val_loss[i] for i in (0, 3, 6)]


def test_play_goes_on_after_a_divergence(playground, monkeypatch):
    """The message says "Play or Step on": Play must train from the kept weights, not stay stuck at the divergence."""
    import asyncio

    playground.step(2)
    real_fit = playground.model.fit
    monkeypatch.setattr(playground.model, "fit", lambda *a, **k: mlp.training.History(diverged=True, message="."))
    playground.step()
    monkeypatch.setattr(playground.model, "fit", real_fit)

    async def play_a_moment():
        playground.playing = True
        await asyncio.sleep(0.2)
        playground.playing = False
        await asyncio.sleep(0.05)

    asyncio.run(play_a_moment())
    assert not playground.diverged and playground.epoch > 2 and playground.frame["epoch"] == playground.epoch
