"""The Playground widget, driven in plain pytest (ipywidgets' dummy comm fires observers at once)."""

import asyncio
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mlp
from mlp.widgets.playground import Playground

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def playground():
    return Playground(dataset="circles", seed=0)


def diverging_playground():
    """A setting that reliably blows up in the first epoch: ReLU layers with learning rate 10."""
    return Playground(dataset="xor", activation="relu", hidden_layers=2, units=8, learning_rate=10.0, batch_size=16)


def weights_equal(a, b):
    return set(a) == set(b) and all(np.array_equal(a[name], b[name]) for name in a)


# --- structure -----------------------------------------------------------------------------


def test_css_classes_and_initial_state(playground):
    assert "playground" in playground.container._dom_classes
    assert "playground-readout" in playground.readout._dom_classes
    for button, name in ((playground.play_button, "play"), (playground.pause_button, "pause"),
                         (playground.step_button, "step"), (playground.reset_button, "reset")):
        assert f"playground-{name}" in button._dom_classes
    assert "playground-epoch" in playground.epoch_label._dom_classes
    assert playground.epoch_label.value == "epoch 0"
    assert playground.epoch == 0 and len(playground.train_loss) == 1
    assert bytes(playground.image.value).startswith(PNG_MAGIC)
    assert "epoch 0" in playground.readout.value and "learning rate 0.1" in playground.readout.value
    assert playground.model.layer_sizes == [2, 6, 6, 1]
    assert playground.model.output_activation.name == "sigmoid"
    assert not playground.play_button.disabled and playground.pause_button.disabled


def test_the_data_is_split_and_standardised_for_the_network(playground):
    assert len(playground.X_train) + len(playground.X_val) == 200
    assert len(playground.X_val) == 60  # validation share 0.3
    Xs = playground.scaler.transform(playground.X_train)
    np.testing.assert_allclose(Xs.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Xs.std(axis=0), 1, atol=1e-12)


# --- Step, Reset ---------------------------------------------------------------------------


def test_step_advances_exactly_one_epoch_and_redraws(playground):
    before_weights = playground.model.get_weights()
    before_heatmap = playground._artists["heatmap"].get_array().copy()
    before_png = bytes(playground.image.value)
    playground.step_button.click()
    assert playground.epoch == 1 and playground.epoch_label.value == "epoch 1"
    assert len(playground.train_loss) == len(playground.val_loss) == 2
    assert not weights_equal(before_weights, playground.model.get_weights())
    assert not np.array_equal(before_heatmap, playground._artists["heatmap"].get_array())
    assert bytes(playground.image.value) != before_png
    x, y = playground._artists["train_line"].get_data()
    assert list(x) == [0, 1] and list(y) == playground.train_loss
    assert "epoch 1" in playground.readout.value
    playground.step()
    assert playground.epoch == 2 and playground.epoch_label.value == "epoch 2"


def test_the_curves_are_mlp_train_s_losses(playground):
    """Each epoch's losses are those mlp.train reports for the same one-epoch run."""
    model = mlp.MLP([2, 6, 6, 1], hidden_activation="tanh", seed=playground.seed + 2)
    assert weights_equal(model.get_weights(), playground.model.get_weights())
    playground.step()
    history = model.fit(playground._Xs_train, playground.y_train, epochs=1, learning_rate=0.1, batch_size=16,
                        validation_data=(playground._Xs_val, playground.y_val), seed=playground.seed + 3,
                        progress=False, train_metrics="end_of_epoch")  # the playground draws the weights' own loss
    assert playground.train_loss[1] == pytest.approx(history.train_loss[0], rel=1e-12)
    assert playground.val_loss[1] == pytest.approx(history.val_loss[0], rel=1e-12)
    assert playground.train_loss[0] == pytest.approx(history.initial_train_loss, rel=1e-12)


def test_reset_restores_the_initial_weights_exactly(playground):
    initial = playground.model.get_weights()
    same_seed = mlp.MLP([2, 6, 6, 1], hidden_activation="tanh", seed=playground.seed + 2).get_weights()
    assert weights_equal(initial, same_seed)
    playground.step(5)
    first_run = list(playground.train_loss)
    assert not weights_equal(initial, playground.model.get_weights())
    playground.reset_button.click()
    assert weights_equal(initial, playground.model.get_weights())
    assert playground.epoch == 0 and playground.epoch_label.value == "epoch 0"
    assert len(playground.train_loss) == 1
    playground.step(5)  # the same shuffles again: the same curve, bit for bit
    assert playground.train_loss == first_run


# --- settings ------------------------------------------------------------------------------


def test_every_setting_but_the_learning_rate_rebuilds_and_resets(playground):
    changes = [("dataset_menu", "moons"), ("noise_slider", 0.3), ("validation_slider", 0.5),
               ("layers_slider", 3), ("units_slider", 4), ("activation_menu", "relu"), ("batch_menu", 0)]
    for attribute, value in changes:
        playground.step(2)
        X_before = playground.X_train.copy()
        getattr(playground, attribute).value = value
        assert playground.epoch == 0 and playground.epoch_label.value == "epoch 0", attribute
        assert len(playground.train_loss) == 1, attribute
        assert weights_equal(playground.model.get_weights(), playground.initial_weights), attribute
        if attribute in ("dataset_menu", "noise_slider", "validation_slider"):
            assert X_before.shape != playground.X_train.shape or not np.array_equal(X_before, playground.X_train)
    assert playground.model.layer_sizes == [2, 4, 4, 4, 1]
    assert [layer.activation.name for layer in playground.model.layers] == ["relu"] * 3 + ["sigmoid"]
    assert len(playground.X_val) == 100 and playground.batch_size is None
    offsets = playground._artists["val_points"].get_offsets()
    np.testing.assert_array_equal(offsets, playground.X_val)  # the picture shows the new points


def test_the_same_settings_give_the_same_start(playground):
    weights, X = playground.model.get_weights(), playground.X_train.copy()
    playground.dataset_menu.value = "xor"
    playground.dataset_menu.value = "circles"
    assert weights_equal(weights, playground.model.get_weights())
    np.testing.assert_array_equal(X, playground.X_train)


def test_blobs_with_three_or_more_classes_get_a_softmax_output(playground):
    assert playground.classes_slider.disabled
    playground.dataset_menu.value = "blobs"
    assert not playground.classes_slider.disabled
    assert playground.model.output_activation.name == "softmax" and playground.model.n_outputs == 3
    assert set(np.unique(playground.y_train)) == {0, 1, 2}
    playground.classes_slider.value = 4
    assert playground.model.n_outputs == 4
    playground.step()
    assert "predicted class" in playground._artists["map_title"].get_text()
    playground.classes_slider.value = 2
    assert playground.model.output_activation.name == "sigmoid" and playground.model.n_outputs == 1


@pytest.mark.parametrize("dataset", ["xor", "circles", "moons", "spirals", "blobs"])
def test_every_dataset_trains(dataset):
    playground = Playground(dataset=dataset, learning_rate=0.3)
    playground.step(30)
    assert playground.epoch == 30
    assert playground.train_loss[-1] < playground.train_loss[0]


def test_no_hidden_layer_is_logistic_regression(playground):
    playground.layers_slider.value = 0
    assert playground.model.layer_sizes == [2, 1]
    assert playground.units_slider.disabled
    playground.step()
    assert playground.epoch == 1


# --- the learning rate ---------------------------------------------------------------------


def test_the_learning_rate_changes_live_without_a_reset(playground):
    playground.step(3)
    weights = playground.model.get_weights()
    playground.learning_rate_slider.value = 1.0
    assert playground.epoch == 3 and weights_equal(weights, playground.model.get_weights())
    assert "learning rate 1" in playground.readout.value
    playground.step()
    assert playground.epoch_learning_rates == [0.1, 0.1, 0.1, 1.0]
    assert playground.optimizer.learning_rate == 1.0


def test_a_larger_learning_rate_gives_a_different_loss():
    slow = Playground(learning_rate=0.001)
    fast = Playground(learning_rate=0.3)
    assert slow.train_loss[0] == fast.train_loss[0]  # the same start
    slow.step(20)
    fast.step(20)
    assert fast.train_loss[-1] < slow.train_loss[-1] - 0.1


# --- divergence ----------------------------------------------------------------------------


def test_divergence_is_reported_not_raised():
    playground = diverging_playground()
    initial = playground.model.get_weights()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        playground.step(3)
    assert not caught, [str(w.message) for w in caught]
    assert playground.diverged and playground.epoch == 0
    assert weights_equal(initial, playground.model.get_weights())  # the weights from before the bad epoch
    assert "diverged in epoch 1" in playground.message
    assert "try 1" in playground.message
    assert playground.message in playground.readout.value
    assert "diverged" in playground._artists["loss_title"].get_text()
    assert all(np.isfinite(playground.train_loss))
    # a smaller learning rate carries on from there
    playground.learning_rate_slider.value = 0.1
    playground.step()
    assert not playground.diverged and playground.epoch == 1 and "diverged" not in playground.readout.value


# --- Play / Pause --------------------------------------------------------------------------


def test_play_runs_as_a_task_and_pause_stops_it(playground):
    async def scenario():
        playground.play_button.click()
        assert playground.playing and playground.play_button.disabled and not playground.pause_button.disabled
        await asyncio.sleep(0.8)
        assert playground.epoch > 0  # trained while this coroutine waited: the loop was free
        playground.pause_button.click()
        stopped_at = playground.epoch
        assert playground.epoch_label.value == f"epoch {stopped_at}"
        await asyncio.sleep(0.4)
        return stopped_at

    stopped_at = asyncio.run(scenario())
    assert stopped_at > 0
    assert playground.epoch == stopped_at and playground.epoch_label.value == f"epoch {stopped_at}"
    assert not playground.playing and playground._task is None
    assert not playground.play_button.disabled and playground.pause_button.disabled
    assert f"epoch {stopped_at} (paused)" in playground.readout.value
    assert len(playground.train_loss) == stopped_at + 1


def test_the_learning_rate_slider_is_read_while_playing(playground):
    async def scenario():
        playground.play()
        await asyncio.sleep(0.5)
        playground.learning_rate_slider.value = 0.5
        await asyncio.sleep(0.5)
        playground.pause()

    asyncio.run(scenario())
    rates = playground.epoch_learning_rates
    assert rates[0] == 0.1 and rates[-1] == 0.5
    assert rates == sorted(rates)  # switched once, at an epoch boundary
    assert len(rates) == playground.epoch


def test_a_setting_change_while_playing_stops_and_resets(playground):
    async def scenario():
        playground.play()
        await asyncio.sleep(0.5)
        playground.dataset_menu.value = "moons"
        await asyncio.sleep(0.3)

    asyncio.run(scenario())
    assert not playground.playing and playground.epoch == 0 and playground.epoch_label.value == "epoch 0"


def test_divergence_while_playing_stops_playing():
    playground = diverging_playground()

    async def scenario():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            task = playground.play()
            await asyncio.wait_for(task, timeout=60)  # a bound: it diverges within a few epochs
        return caught

    caught = asyncio.run(scenario())
    assert not caught
    assert playground.diverged and not playground.playing and playground._task is None
    assert "diverged" in playground.readout.value
    assert not playground.play_button.disabled


# --- the picture ---------------------------------------------------------------------------


def test_the_readout_is_updated_last(playground):
    order = []
    playground.image.observe(lambda change: order.append("image"), names="value")
    playground.readout.observe(lambda change: order.append("readout"), names="value")
    playground.epoch_label.observe(lambda change: order.append("epoch"), names="value")
    for action in (playground.step, lambda: setattr(playground.noise_slider, "value", 0.2), playground.step,
                   playground.reset):
        order.clear()
        action()
        assert order[-2:] == ["image", "readout"], order


def test_snapshot_is_a_static_copy(playground):
    playground.step(3)
    figure = playground.snapshot()
    try:
        assert len(figure.axes) == 2
        assert figure.axes[0].get_title() == playground._artists["map_title"].get_text()
        line = figure.axes[1].get_lines()[0]
        assert list(line.get_ydata()) == playground.train_loss
    finally:
        plt.close(figure)


def test_the_figure_keeps_its_size_and_layout(playground):
    positions = [ax.get_position().bounds for ax in playground.figure.axes]
    playground.step(5)
    playground.dataset_menu.value = "spirals"
    assert [ax.get_position().bounds for ax in playground.figure.axes] == positions
    assert len(playground.figure.axes) == 2
