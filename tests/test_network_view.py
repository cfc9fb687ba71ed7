"""The network view's frame: what the kernel sends the page is what the network computes."""

import json

import numpy as np
import pytest

import mlp
from mlp import data
from mlp.widgets.network_view import network_frame, unit_bytes

SIZE = 12
GRID = np.stack(np.meshgrid(np.linspace(-2.0, 2.0, SIZE), np.linspace(-1.5, 2.5, SIZE)), axis=-1).reshape(-1, 2)


@pytest.fixture
def moons():
    X, y = data.make_moons(80, noise=0.2, seed=0)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def frame_of(model, X, y, **options):
    return network_frame(model, GRID, X, y, **options), GRID


def units_of(frame, layer_sizes):
    """The frame's unit pictures, (n_units, grid points) per hidden layer, from its bytes."""
    units = np.frombuffer(frame["units"], np.uint8).reshape(-1, SIZE * SIZE)
    return np.split(units, np.cumsum(layer_sizes[1:-1]))[:-1]


def test_unit_bytes_put_tensorflow_playgrounds_scale_on_0_to_255():
    np.testing.assert_array_equal(unit_bytes(np.array([-5.0, -1.0, 0.0, 0.5, 1.0, 7.0])), [0, 0, 128, 191, 255, 255])


def test_every_unit_image_is_that_units_output_over_the_grid(moons):
    X, y = moons
    model = mlp.MLP([2, 5, 3, 1], hidden_activation="tanh", seed=1)
    frame, grid = frame_of(model, X, y)
    W1, b1, W2, b2 = (model.params[name] for name in ("W1", "b1", "W2", "b2"))
    A1 = np.tanh(grid @ W1 + b1)  # (144, 5), by hand
    A2 = np.tanh(A1 @ W2 + b2)
    assert len(frame["units"]) == (5 + 3) * SIZE * SIZE
    units = units_of(frame, [2, 5, 3, 1])
    np.testing.assert_array_equal(units[0], unit_bytes(A1).T)  # unit j is row j
    np.testing.assert_array_equal(units[1], unit_bytes(A2).T)
    p1 = model.predict_proba(grid)[:, 0]
    np.testing.assert_array_equal(np.frombuffer(frame["output"], np.uint8), np.round(255 * p1).astype(np.uint8))
    assert frame["layer_sizes"] == [2, 5, 3, 1]


def test_gradient_sizes_are_the_norms_of_the_networks_gradients(moons):
    X, y = moons
    model = mlp.MLP([2, 6, 6, 6, 1], hidden_activation="sigmoid", seed=2)
    frame, _ = frame_of(model, X, y, l2=0.01, l1=0.02)
    _, grads = model.loss_and_gradients(X, y, l2=0.01, l1=0.02)
    expected = [np.linalg.norm(grads[f"dW{number}"]) for number in (1, 2, 3, 4)]
    np.testing.assert_allclose(frame["gradient_norms"], expected, rtol=1e-12)
    assert frame["gradient_norms"][0] < frame["gradient_norms"][-1]  # sigmoid: the first layer's gradient is smallest


def test_a_regression_networks_output_is_on_the_units_scale(moons):
    X, _ = moons
    model = mlp.MLP([2, 5, 1], hidden_activation="tanh", output_activation="linear", seed=1)
    frame, grid = frame_of(model, X, X[:, 0] * X[:, 1])
    np.testing.assert_array_equal(np.frombuffer(frame["output"], np.uint8), unit_bytes(model.forward(grid)[:, 0]))


def test_a_unit_that_is_zero_on_every_training_point_is_marked_dead(moons):
    X, y = moons
    model = mlp.MLP([2, 4, 1], hidden_activation="relu", seed=3)
    weights = model.get_weights()
    weights["b1"] = weights["b1"].copy()
    weights["b1"][2] = -100.0  # unit 3 never switches on
    model.set_weights(weights)
    frame, _ = frame_of(model, X, y)
    assert frame["dead"] == [[False, False, True, False]]
    weights["W1"] = weights["W1"].copy()
    weights["W1"][:, 0], weights["b1"][0] = (1.0, 0.0), -X[:, 0].max()  # unit 1: x1 - max x1
    model.set_weights(weights)
    frame = network_frame(model, 3 * GRID, X, y)  # on a grid reaching beyond the training points
    assert units_of(frame, [2, 4, 1])[0][0].max() > 128  # the grid does switch unit 1 on...
    assert frame["dead"] == [[True, False, True, False]]  # ...but no training point does: no gradient, dead
    tanh = mlp.MLP([2, 4, 1], hidden_activation="tanh", seed=3)
    tanh.set_weights(weights)  # units 1 and 3 are negative on every training point, yet get a gradient
    tanh_frame, _ = frame_of(tanh, X, y)
    assert tanh_frame["dead"] == [[False] * 4]  # tanh units cannot die this way


def test_a_frame_leaves_the_weights_and_training_as_they_were(moons):
    X, y = moons
    model = mlp.MLP([2, 8, 1], hidden_activation="relu", seed=4)
    twin = mlp.MLP([2, 8, 1], hidden_activation="relu", seed=4)
    before = {name: value.copy() for name, value in model.get_weights().items()}
    frame_of(model, X, y)
    for name, value in model.get_weights().items():
        np.testing.assert_array_equal(value, before[name])
    model.fit(X, y, epochs=5, learning_rate=0.3, batch_size=16, seed=0)
    twin.fit(X, y, epochs=5, learning_rate=0.3, batch_size=16, seed=0)
    for name, value in model.get_weights().items():
        np.testing.assert_array_equal(value, twin.get_weights()[name])


def test_frames_are_plain_data_of_the_promised_sizes(moons):
    X, y = moons
    model = mlp.MLP([2, 5, 3, 1], hidden_activation="relu", seed=5)
    message, _ = frame_of(model, X, y, epoch=7, train_loss=np.array([0.7, 0.6]), val_loss=[0.71, 0.65])
    assert len(message["units"]) == (5 + 3) * SIZE * SIZE and len(message["output"]) == SIZE * SIZE
    assert [len(w) for w in message["weights"]] == [4 * 2 * 5, 4 * 5 * 3, 4 * 3 * 1]
    np.testing.assert_array_equal(np.frombuffer(message["weights"][1], np.float32).reshape(5, 3),
                                  model.params["W2"].astype(np.float32))
    rest = {key: value for key, value in message.items() if key not in ("units", "output", "weights")}
    assert json.loads(json.dumps(rest)) == rest  # everything else is JSON as it is
    assert message["epoch"] == 7 and message["train_loss"] == [0.7, 0.6]
