"""mlp.signal_propagation: the signal forward and the gradient backward through a deep stack, checked against
mlp's own backward pass, a numerical derivative and the known cases (sigmoid vanishes, He keeps ReLU's spread)."""

import math
import warnings

import numpy as np
import pytest

import mlp
from mlp.activations import ACTIVATIONS, get_activation, relu, sigmoid_derivative, softmax
from mlp.gradcheck import numerical_gradient
from mlp.signal_propagation import (
    RELU_FAMILY,
    SATURATION_FRACTION,
    StackStatistics,
    derivative_values,
    peak_slope,
    stack_statistics,
)


@pytest.fixture(scope="module")
def moons():
    return mlp.data.make_moons(200, noise=0.2, seed=0)


def stack(activation, X, depth, width=32, init="xavier", bias=0.0, seed=0):
    """The stack stack_statistics builds, built by hand (two classes: a sigmoid output unit)."""
    model = mlp.MLP([X.shape[1]] + [width] * depth + [1], hidden_activation=activation, init=init, seed=seed)
    for layer in model.layers[:-1]:
        layer.params["b"][...] = bias
    return model


@pytest.mark.parametrize("name", [name for name in ACTIVATIONS if get_activation(name).elementwise])
def test_derivative_values_match_a_numerical_derivative(name):
    z = np.linspace(-4, 4, 81) + 0.013  # no grid point at a kink (0)
    f, df = derivative_values(name, z)
    activation, h = get_activation(name), 1e-6
    np.testing.assert_allclose(f, activation.function(z))
    np.testing.assert_allclose(df, (activation.function(z + h) - activation.function(z - h)) / (2 * h),
                               rtol=1e-5, atol=1e-7)


def test_softmax_is_handled_as_a_vector_function():
    z = np.linspace(-6, 6, 13)
    f, df = derivative_values("softmax", z)
    s = softmax(np.column_stack([z, np.zeros_like(z)]))[:, 0]
    np.testing.assert_allclose(f, s)
    np.testing.assert_allclose(df, s * (1 - s))
    h = 1e-6
    numerical = (derivative_values("softmax", z + h)[0] - derivative_values("softmax", z - h)[0]) / (2 * h)
    np.testing.assert_allclose(df, numerical, rtol=1e-6)


@pytest.mark.parametrize("name, peak", [("sigmoid", 0.25), ("tanh", 1.0), ("relu", 1.0), ("leaky_relu", 1.0),
                                        ("softmax", 0.25), ("gaussian", math.sqrt(2) * math.exp(-0.5))])
def test_the_peak_slope_is_the_known_maximum_of_the_derivative(name, peak):
    """sigmoid' = s (1 - s) <= 1/4 at z = 0; |d/dz e^(-z^2)| = 2 |z| e^(-z^2) peaks at z = 1/sqrt(2)."""
    assert peak_slope(name) == pytest.approx(peak, rel=1e-4)


def test_the_gradients_match_mlps_own_backward_pass(moons):
    X, y = moons
    stats = stack_statistics("sigmoid", X, y, depth=12, width=32, init="xavier", seed=0)
    model = mlp.MLP([2] + [32] * 12 + [1], hidden_activation="sigmoid", init="xavier", seed=0)  # lesson 3's stack
    loss, grads = model.loss_and_gradients(X, y)
    np.testing.assert_allclose(stats.grad_norms, [np.linalg.norm(grads[f"dW{k}"]) for k in range(1, 14)])
    assert stats.loss == pytest.approx(loss)
    np.testing.assert_allclose(stats.z_std, [np.std(layer.cache[2]) for layer in model.layers[:-1]])


@pytest.mark.parametrize("name, bias", [("sigmoid", 0.5), ("tanh", -0.3), ("elu", 0.2)])
def test_the_gradient_norms_match_a_numerical_derivative(name, bias, moons):
    X, y = moons[0][:12], moons[1][:12]
    stats = stack_statistics(name, X, y, depth=3, width=4, bias=bias, seed=1)
    model = stack(name, X, depth=3, width=4, bias=bias, seed=1)
    loss = lambda: model.loss_and_gradients(X, y)[0]  # noqa: E731
    numeric = [numerical_gradient(loss, model.params[f"W{k}"]) for k in range(1, 5)]
    np.testing.assert_allclose(stats.grad_norms, [np.linalg.norm(g) for g in numeric], rtol=1e-5)


def test_sigmoid_with_small_weights_shrinks_the_gradient_layer_by_layer(moons):
    """Backward, each sigmoid layer multiplies the gradient by f'(z) <= 1/4 and by W transposed; with weights of
    norm far below 1 every layer cuts it by more than 4, towards the input."""
    X, y = moons
    stats = stack_statistics("sigmoid", X, y, depth=12, init="small_normal")
    model = stack("sigmoid", X, 12, init="small_normal")
    assert max(np.linalg.norm(layer.params["W"], 2) for layer in model.layers) < 1  # spectral norms
    shrink = stats.grad_norms[1:-1] / stats.grad_norms[2:]  # ||dW_l|| / ||dW_(l+1)|| for hidden layers l = 2 .. 12
    assert np.all(shrink < 0.25), shrink
    assert stats.verdict == "vanishing" and stats.ratio < 0.25 ** 11


def test_relu_with_he_init_keeps_the_spread_of_z_and_xavier_halves_its_variance(moons):
    """He: Var(W) = 2 / n_in makes up for ReLU zeroing half of z, so Var(z) stays; Xavier's Var(W) = 1 / n for
    equal widths lets it halve each layer (the spread falls by 1 / sqrt 2). Wide layers, for a steady average."""
    X, y = moons
    he = stack_statistics("relu", X, y, depth=12, width=256, init="he").z_std[1:]
    assert he.max() / he.min() < 1.5, he
    xavier = stack_statistics("relu", X, y, depth=12, width=256, init="xavier").z_std[1:]
    per_layer = np.exp(np.mean(np.log(xavier[1:] / xavier[:-1])))
    assert per_layer == pytest.approx(1 / math.sqrt(2), abs=0.05)


def test_dead_relu_units_are_counted_per_layer(moons):
    X, y = moons
    stats = stack_statistics("relu", X, y, depth=6, width=32, init="xavier", bias=0.0, seed=0)
    model = stack("relu", X, depth=6)
    model.forward(X)
    expected = [np.mean(np.all(relu(layer.cache[2]) == 0, axis=0)) for layer in model.layers[:-1]]
    np.testing.assert_allclose(stats.dead_share, expected)
    assert stats.dead_share[1:].max() > 0  # some units are dead from the start


def test_a_large_negative_bias_kills_every_relu_and_blocks_the_gradient(moons):
    """|W x| < 3 for the moons and Xavier's weights: with bias -3 every z is negative, every a is 0."""
    X, y = moons
    stats = stack_statistics("relu", X, y, depth=12, bias=-3.0)
    np.testing.assert_array_equal(stats.dead_share, 1.0)
    np.testing.assert_array_equal(stats.grad_norms, 0.0)
    assert stats.verdict == "blocked: the gradient is exactly 0 in 13 of 13 layers (dead units)"
    leaky = stack_statistics("leaky_relu", X, y, depth=12, bias=-3.0)  # switched off, never dead
    assert leaky.dead_share.max() == 0 and np.all(leaky.negative_share == 1) and np.all(leaky.grad_norms > 0)


def test_saturated_units_are_those_where_f_prime_is_below_one_percent_of_its_peak(moons):
    X, y = moons
    stats = stack_statistics("sigmoid", X, y, depth=6, init="uniform", bias=3.0)
    model = stack("sigmoid", X, depth=6, init="uniform", bias=3.0)
    model.forward(X)
    expected = [np.mean(np.all(sigmoid_derivative(layer.cache[2]) < SATURATION_FRACTION * 0.25, axis=0))
                for layer in model.layers[:-1]]
    np.testing.assert_allclose(stats.saturated_share, expected)
    assert stats.saturated_share.mean() > 0


@pytest.mark.parametrize("norms, verdict", [([1e-4, 1e-2, 1.0], "vanishing"), ([1e3, 1.0, 2.0], "exploding"),
                                            ([0.5, 3.0, 1.0], "roughly steady"), ([np.inf, 1.0, 1.0], "overflow"),
                                            ([0.0, 1.0, 1.0], "blocked")])
def test_the_ratio_and_the_verdict(norms, verdict):
    zeros = np.zeros(2)
    stats = StackStatistics("relu", np.array(norms), zeros, zeros, zeros, zeros, loss=0.7)
    assert stats.verdict.startswith(verdict)
    if verdict == "overflow":
        assert math.isnan(stats.ratio)
    else:
        assert stats.ratio == norms[0] / norms[-1]  # ||dW_1|| / ||dW_last||


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_every_activation_at_every_extreme_without_warnings(name, moons):
    X, y = moons
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for init, bias in (("uniform", 3.0), ("xavier", -3.0), ("he", 0.0)):
            stats = stack_statistics(name, X, y, depth=20, init=init, bias=bias)
            assert len(stats.grad_norms) == 21 and len(stats.z_std) == 20 and stats.verdict
            assert np.all((stats.dead_share >= 0) & (stats.dead_share <= 1))
            if name not in RELU_FAMILY:  # exact zeros only by underflow, where f' is 0 too: saturated
                assert np.all(stats.dead_share <= stats.saturated_share)


def test_three_classes_end_in_a_softmax():
    X, y = mlp.data.make_blobs(120, centers=3, seed=0)
    stats = stack_statistics("tanh", X, y, depth=4, width=8)
    model = mlp.MLP([2, 8, 8, 8, 8, 3], hidden_activation="tanh", output_activation="softmax", init="xavier", seed=0)
    assert stats.loss == pytest.approx(model.loss_and_gradients(X, y)[0])


def test_bad_input_is_refused_with_a_clear_message(moons):
    X, y = moons
    with pytest.raises(ValueError, match=r"z must be 1-D \(a grid of values\); got shape \(2, 3\)"):
        derivative_values("relu", np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"unknown activation 'swish'"):
        stack_statistics("swish", X, y)
    with pytest.raises(ValueError, match=r"X must be a 2-D array .* got a 1-D array of shape \(200,\)"):
        stack_statistics("relu", X[:, 0], y)
    with pytest.raises(ValueError, match=r"X must be \(m, n_features\) and y \(m,\); got shapes \(200, 2\) and \(199,"):
        stack_statistics("relu", X, y[1:])
    with pytest.raises(ValueError, match=r"y must be class labels 0, 1, \.\.\."):
        stack_statistics("relu", X, y + 0.5)
    with pytest.raises(ValueError, match=r"depth must be a positive integer; got 0"):
        stack_statistics("relu", X, y, depth=0)
    with pytest.raises(TypeError, match=r"width must be a positive integer; got 2.5"):
        stack_statistics("relu", X, y, width=2.5)
    with pytest.raises(ValueError, match=r"bias must be a finite number; got nan"):
        stack_statistics("relu", X, y, bias=float("nan"))
    with pytest.raises(ValueError, match=r"unknown initializer 'glorot_normal'"):
        stack_statistics("relu", X, y, init="glorot_normal")
