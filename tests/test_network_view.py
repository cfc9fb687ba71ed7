"""The network view's frame: what the kernel sends the page is what the network computes."""

import json

import numpy as np
import pytest

import mlp
from mlp import data
from mlp.widgets.network_view import Timeline, encode, grid_points, network_frame, unit_bytes

SIZE = 12


@pytest.fixture
def moons():
    X, y = data.make_moons(80, noise=0.2, seed=0)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def frame_of(model, X, y, **options):
    extent = (-2.0, 2.0, -1.5, 2.5)
    return network_frame(model, grid_points(extent, SIZE), X, y, **options), grid_points(extent, SIZE)


def test_the_grid_is_row_major_from_the_lowest_x2_with_x1_fastest():
    grid = grid_points((0.0, 1.0, 10.0, 20.0), 3)
    np.testing.assert_array_equal(grid[:3], [[0.0, 10.0], [0.5, 10.0], [1.0, 10.0]])
    np.testing.assert_array_equal(grid[-1], [1.0, 20.0])


def test_unit_bytes_put_tensorflow_playgrounds_scale_on_0_to_255():
    np.testing.assert_array_equal(unit_bytes(np.array([-5.0, -1.0, 0.0, 0.5, 1.0, 7.0])), [0, 0, 128, 191, 255, 255])


def test_every_unit_image_is_that_units_output_over_the_grid(moons):
    X, y = moons
    model = mlp.MLP([2, 5, 3, 1], hidden_activation="tanh", seed=1)
    frame, grid = frame_of(model, X, y)
    W1, b1, W2, b2 = (model.params[name] for name in ("W1", "b1", "W2", "b2"))
    A1 = np.tanh(grid @ W1 + b1)  # (144, 5), by hand
    A2 = np.tanh(A1 @ W2 + b2)
    np.testing.assert_array_equal(frame.units[0], unit_bytes(A1).T)  # unit j is row j
    np.testing.assert_array_equal(frame.units[1], unit_bytes(A2).T)
    assert [units.shape for units in frame.units] == [(5, SIZE * SIZE), (3, SIZE * SIZE)]
    p1 = model.predict_proba(grid)[:, 0]
    np.testing.assert_array_equal(frame.output, np.round(255 * p1).astype(np.uint8))
    assert frame.layer_sizes == [2, 5, 3, 1]


def test_gradient_sizes_are_the_norms_of_the_networks_gradients(moons):
    X, y = moons
    model = mlp.MLP([2, 6, 6, 6, 1], hidden_activation="sigmoid", seed=2)
    frame, _ = frame_of(model, X, y, l2=0.01, l1=0.02)
    _, grads = model.loss_and_gradients(X, y, l2=0.01, l1=0.02)
    expected = [np.linalg.norm(grads[f"dW{number}"]) for number in (1, 2, 3, 4)]
    np.testing.assert_allclose(frame.gradient_norms, expected, rtol=1e-12)
    assert frame.gradient_norms[0] < frame.gradient_norms[-1]  # sigmoid: the first layer's gradient is smallest


def test_a_regression_networks_output_is_on_the_units_scale(moons):
    X, _ = moons
    model = mlp.MLP([2, 5, 1], hidden_activation="tanh", output_activation="linear", seed=1)
    frame, grid = frame_of(model, X, X[:, 0] * X[:, 1])
    np.testing.assert_array_equal(frame.output, unit_bytes(model.forward(grid)[:, 0]))


def test_a_unit_that_is_zero_on_every_training_point_is_marked_dead(moons):
    X, y = moons
    model = mlp.MLP([2, 4, 1], hidden_activation="relu", seed=3)
    weights = model.get_weights()
    weights["b1"] = weights["b1"].copy()
    weights["b1"][2] = -100.0  # unit 3 never switches on
    model.set_weights(weights)
    frame, _ = frame_of(model, X, y)
    np.testing.assert_array_equal(frame.dead[0], [False, False, True, False])
    tanh_frame, _ = frame_of(mlp.MLP([2, 4, 1], hidden_activation="tanh", seed=3), X, y)
    assert not tanh_frame.dead[0].any()  # tanh units cannot die this way


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


def test_encoded_frames_are_plain_data_of_the_promised_sizes(moons):
    X, y = moons
    model = mlp.MLP([2, 5, 3, 1], hidden_activation="relu", seed=5)
    frame, _ = frame_of(model, X, y, epoch=7, train_loss=[0.7, 0.6], val_loss=[0.71, 0.65])
    message = encode(frame)
    assert len(message["units"]) == (5 + 3) * SIZE * SIZE and len(message["output"]) == SIZE * SIZE
    assert [len(w) for w in message["weights"]] == [4 * 2 * 5, 4 * 5 * 3, 4 * 3 * 1]
    np.testing.assert_array_equal(np.frombuffer(message["weights"][1], np.float32).reshape(5, 3),
                                  model.params["W2"].astype(np.float32))
    rest = {key: value for key, value in message.items() if key not in ("units", "output", "weights")}
    assert json.loads(json.dumps(rest)) == rest  # everything else is JSON as it is
    assert message["epoch"] == 7 and message["train_loss"] == [0.7, 0.6]


def test_the_timeline_scrubs_back_and_stays_bounded():
    timeline = Timeline(capacity=10)
    with pytest.raises(LookupError):
        timeline.at(3)
    for epoch in range(0, 101):
        timeline.add({"epoch": epoch})
    assert len(timeline.epochs) <= 10
    assert timeline.epochs[0] == 0 and timeline.epochs[-1] == 100  # the whole run stays covered
    assert timeline.at(100)["epoch"] == 100
    kept = timeline.epochs
    middle = timeline.at(55)["epoch"]
    assert middle <= 55 and not any(middle < e <= 55 for e in kept)
    with pytest.raises(ValueError, match="at least 2"):
        Timeline(capacity=1)
