"""The fast activation forms the network computes with (mlp.fast) are exact to 2 ulps against mpmath, as
the clear functions of mlp.activations are (so the two are within 4 ulps of each other), for |z| up to 700 and beyond;
a network computes with them, and trains to the same weights as with the clear forms."""

import math

import mpmath
import numpy as np
import pytest

import mlp
from mlp import activations, fast, losses

mpmath.mp.dps = 60


def ulps(actual, expected):
    """|actual - expected| in units of the last place of expected, elementwise (0 where equal)."""
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    spacing = np.spacing(np.abs(expected))
    return np.where(actual == expected, 0.0, np.abs(actual - expected) / spacing)


def sample_points():
    rng = np.random.default_rng(0)
    extreme = [0.0, 1e-300, -1e-300, 1e-8, -1e-8, 0.5, -0.5, 5.0, -5.0, 20.0, -20.0, 36.7, -36.7, 100.0, -100.0,
               700.0, -700.0, 709.7, -709.7]
    return np.concatenate([extreme, rng.standard_normal(3000) * 3, rng.uniform(-700, 700, 1000)])


@pytest.mark.parametrize("name", sorted(fast.FAST_FUNCTIONS))
def test_each_fast_form_is_exact_to_two_ulps_as_the_clear_function_is(name):
    z = sample_points()
    clear = activations.get_activation(name).function(z)
    quick = activations.get_activation(name).fast_function(z.reshape(-1, 1))[:, 0]
    assert quick.shape == clear.shape and quick.dtype == clear.dtype
    assert ulps(quick, clear).max() <= 4
    exact = {"sigmoid": lambda t: 1 / (1 + mpmath.exp(-mpmath.mpf(t)))}[name]
    reference = np.array([float(exact(t)) for t in z])
    assert ulps(quick, reference).max() <= 2
    assert ulps(clear, reference).max() <= 2


def test_the_fast_sigmoid_is_the_clear_formula_bit_for_bit_for_positive_z_and_never_warns():
    z = np.abs(sample_points())
    np.testing.assert_array_equal(fast.sigmoid(z), activations.sigmoid(z))
    with np.errstate(all="raise"):  # overflow (z = -1000) and underflow (z = 1000) are silenced inside
        np.testing.assert_array_equal(fast.sigmoid(np.array([-1000.0, 1000.0, -750.0])), [0.0, 1.0, 0.0])


def test_the_fast_sigmoid_keeps_float32_and_does_not_touch_its_input():
    z = np.linspace(-30, 30, 101, dtype=np.float32)
    before = z.copy()
    s = fast.sigmoid(z)
    assert s.dtype == np.float32
    np.testing.assert_array_equal(z, before)
    np.testing.assert_allclose(s, activations.sigmoid(z.astype(np.float64)), rtol=1e-6)


def test_activations_without_a_fast_form_use_the_clear_function_itself():
    for name, activation in activations.ACTIVATIONS.items():
        if name not in fast.FAST_FUNCTIONS:
            assert activation.fast_function is activation.function


def clear_and_fast(sizes, hidden, output, dtype="float64", seed=1):
    return [mlp.MLP(sizes, hidden, output, seed=seed, dtype=dtype) for _ in range(2)]


def assert_same(fast_value, clear_value, hidden):
    if "sigmoid" in hidden:  # sigma(z) rounded another way for z < 0: within a few ulps, and so is all after it
        np.testing.assert_allclose(fast_value, clear_value, rtol=1e-12, atol=1e-15)
    else:  # the same arithmetic in the same order: bit for bit
        np.testing.assert_array_equal(fast_value, clear_value)


NETWORKS = [([2, 8, 1], "relu", "sigmoid"), ([2, 8, 1], "tanh", "sigmoid"), ([2, 8, 1], "sigmoid", "sigmoid"),
            ([5, 16, 8, 4], "relu", "softmax"), ([5, 16, 8, 4], ["tanh", "sigmoid"], "softmax"),
            ([5, 3, 7, 6, 3], ["relu", "tanh", "relu"], "softmax")]


@pytest.mark.parametrize("sizes, hidden, output", NETWORKS)
@pytest.mark.parametrize("l2, l1", [(0.0, 0.0), (0.3, 0.0), (0.0, 0.2), (0.3, 0.2)])
def test_a_fast_step_is_the_clear_step(sizes, hidden, output, l2, l1):
    rng = np.random.default_rng(4)
    clear, quick = clear_and_fast(sizes, hidden, output)
    assert fast.covers(quick)
    path = fast.FastPath(quick, labels=True)  # the targets below are labels: the fast cross-entropy
    for m in [17, 17, 5, 17, 1, 40]:  # batch sizes change: the kept arrays follow
        X = rng.standard_normal((m, sizes[0])) * 3
        Y = quick.targets(rng.integers(0, max(2, sizes[-1]), m), m)
        assert fast.are_labels(Y)
        X_before, Y_before = X.copy(), Y.copy()
        loss, Z = path.forward_backward(X, Y, l2, l1)
        clear_loss, clear_Z = clear._forward_backward(X, Y, l2, l1)
        np.testing.assert_array_equal(X, X_before)  # inputs untouched
        np.testing.assert_array_equal(Y, Y_before)
        assert_same(loss, clear_loss, str(hidden))
        assert_same(Z, clear_Z, str(hidden))
        for name, value in quick.grads.items():
            assert_same(value, clear.grads[name], str(hidden))
        for layer, clear_layer in zip(quick.layers, clear.layers):  # what the clear pass leaves in each layer
            for kept, clear_kept in zip(layer.cache[:3], clear_layer.cache[:3]):
                assert_same(kept, clear_kept, str(hidden))
            assert layer.cache[3] is clear_layer.cache[3]
            if clear_layer.A is None:
                assert layer.A is None
            else:
                assert_same(layer.A, clear_layer.A, str(hidden))
        logits = path.logits(X)  # a measurement: the forward pass and the loss, no gradients
        loss_alone = path.loss(logits, Y)
        assert_same(logits, clear._forward(X, activate_output=False), str(hidden))
        assert_same(loss_alone, clear.loss.from_logits(clear_Z, Y)[0], str(hidden))
        for name, gradient in quick.grads.items():  # one small step, the same for both
            quick.params[name[1:]] -= 0.1 * gradient
            clear.params[name[1:]] -= 0.1 * clear.grads[name]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_fast_binary_cross_entropy_is_the_clear_one_bit_for_bit_for_labels(dtype):
    rng = np.random.default_rng(7)
    z = np.concatenate([[-1000.0, -745.5, -40.0, -30.0, -1e-300, -0.0, 0.0, 1e-300, 30.0, 40.0, 745.5, 1000.0],
                        rng.standard_normal(200) * 5, rng.standard_normal(50) * 100])
    for y in [np.zeros_like(z), np.ones_like(z), (rng.random(z.size) < 0.5).astype(float)]:
        Z, Y = z.reshape(-1, 1).astype(dtype), y.reshape(-1, 1).astype(dtype)
        with np.errstate(under="ignore"):  # as in fit
            loss, dZ = fast.sigmoid_cross_entropy(Z, Y)
            loss_alone = fast.sigmoid_cross_entropy(Z, Y, gradient=False)
        clear_loss, clear_dZ = losses.sigmoid_cross_entropy(Z, Y)
        assert loss == loss_alone == clear_loss and math.isfinite(loss)
        assert dZ.dtype == clear_dZ.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(dZ, clear_dZ)
    exact = float(mpmath.log1p(mpmath.exp(-30)))  # y = 1, z = 30: softplus(-30), nothing cancelled
    assert fast.sigmoid_cross_entropy(np.array([[30.0]]), np.array([[1.0]]), gradient=False) == pytest.approx(exact, rel=1e-15)


def test_targets_that_are_not_labels_train_with_the_clear_cross_entropy():
    X, y = mlp.data.make_moons(80, seed=0)
    soft = np.where(y == 1, 0.9, 0.1)  # label smoothing: the fast form's y in {0, 1} does not hold
    assert fast.are_labels(y) and not fast.are_labels(soft) and not fast.are_labels(y, soft)
    model = mlp.MLP([2, 8, 1], "relu", "sigmoid", seed=0)
    path = fast.FastPath(model, labels=fast.are_labels(soft))
    assert path.loss_and_gradient is losses.sigmoid_cross_entropy
    Y = model.targets(soft, 80)
    np.testing.assert_array_equal(path.forward_backward(X, Y)[1], model._forward(X, activate_output=False))
    assert path.loss(path.logits(X), Y) == losses.sigmoid_cross_entropy(path.logits(X), Y)[0]
    assert fast.FastPath(model, labels=True).loss_and_gradient is fast.sigmoid_cross_entropy


def test_the_fast_path_computes_in_float32_for_a_float32_network():
    clear, quick = clear_and_fast([4, 8, 3], "tanh", "softmax", dtype="float32")
    X = np.random.default_rng(0).standard_normal((10, 4)).astype(np.float32)
    Y = quick.targets(np.arange(10) % 3, 10)
    loss, Z = fast.FastPath(quick).forward_backward(X, Y)
    assert Z.dtype == np.float32 and all(value.dtype == np.float32 for value in quick.grads.values())
    np.testing.assert_array_equal(Z, clear._forward_backward(X, Y)[1])


@pytest.mark.parametrize("network, dropout, why", [
    (([2, 8, 1], "elu", "sigmoid"), 0.0, "an activation without a fast form"),
    (([2, 8, 1], "relu", "linear"), 0.0, "a loss not fused with its output layer"),
    (([2, 8, 1], "relu", "sigmoid"), 0.5, "dropout"),
])
def test_networks_the_fast_path_does_not_cover_train_on_the_clear_path(network, dropout, why):
    sizes, hidden, output = network
    model = mlp.MLP(sizes, hidden, output, seed=0, dropout=dropout)
    assert not fast.covers(model), why
    X, y = mlp.data.make_moons(60, seed=0)
    history = model.fit(X, y, epochs=3, batch_size=16, seed=0)
    assert len(history) == 3 and not history.diverged


def test_after_fit_the_model_owns_its_gradients():
    X, y = mlp.data.make_moons(100, seed=0)
    model = mlp.MLP([2, 8, 1], "relu", "sigmoid", seed=0)
    model.fit(X, y, epochs=2, batch_size=32, seed=0)
    first = model.grads
    model.fit(X, y, epochs=2, batch_size=32, seed=1)
    assert all(value is not model.grads[name] for name, value in first.items())  # not the next run's arrays


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("batch_size", [None, 32])
def test_fit_on_the_fast_path_trains_to_the_weights_of_the_clear_path(hidden, batch_size, monkeypatch):
    X, y = mlp.data.make_moons(300, noise=0.2, seed=0)
    quick = mlp.MLP([2, 16, 16, 1], hidden, "sigmoid", seed=1)
    options = dict(epochs=30, learning_rate=0.5, batch_size=batch_size, seed=2, l2=1e-3, l1=1e-3,
                   validation_data=mlp.data.make_moons(50, noise=0.2, seed=1), train_metrics="end_of_epoch")
    quick_history = quick.fit(X, y, **options)
    monkeypatch.setattr(mlp.training, "covers", lambda model: False)  # fit on the clear path
    clear = mlp.MLP([2, 16, 16, 1], hidden, "sigmoid", seed=1)
    clear_history = clear.fit(X, y, **options)
    for name, value in quick.params.items():
        assert_same(value, clear.params[name], hidden)
    assert_same(quick_history.train_loss, clear_history.train_loss, hidden)
    assert_same(quick_history.val_loss, clear_history.val_loss, hidden)
    assert quick_history.train_accuracy == clear_history.train_accuracy
    assert quick_history.val_accuracy == clear_history.val_accuracy
