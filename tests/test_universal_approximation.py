"""mlp.universal_approximation: ReLU bumps, and their sums as one-hidden-layer networks fitting a function."""

import numpy as np
import pytest

import mlp
from mlp import activations
from mlp.universal_approximation import TARGETS, bump, bump_approximation


def test_a_bump_is_three_relus_and_a_hat():
    x = np.linspace(-3, 5, 1601)
    center, width = 1.0, 0.5
    by_relus = (activations.relu(x - center + width) - 2 * activations.relu(x - center)
                + activations.relu(x - center - width)) / width
    hat = np.maximum(0.0, 1 - np.abs(x - center) / width)
    np.testing.assert_allclose(bump(x, center, width), by_relus, atol=1e-12)
    np.testing.assert_allclose(bump(x, center, width), hat, atol=1e-12)
    assert bump(center, center, width) == pytest.approx(1.0)
    assert bump(center + width / 2, center, width) == pytest.approx(0.5)
    assert np.all(bump(x[np.abs(x - center) >= width], center, width) == 0)


def test_a_bump_is_a_step_up_minus_a_later_step_up():
    """Two ReLUs make a step from 0 to 1 over [a, a + w]; the bump is the step at c - w minus the step at c."""
    x = np.linspace(-2, 4, 601)
    center, width = 1.0, 0.75

    def step(a):
        return (activations.relu(x - a) - activations.relu(x - a - width)) / width

    np.testing.assert_allclose(step(0.0)[x <= 0], 0.0)
    np.testing.assert_allclose(step(0.0)[x >= width], 1.0)
    np.testing.assert_allclose(bump(x, center, width), step(center - width) - step(center), atol=1e-12)


@pytest.mark.parametrize("name", list(TARGETS))
def test_the_sum_of_bumps_interpolates_the_target_at_the_knots(name):
    function, interval, _ = TARGETS[name]
    centers, heights, width, approximate = bump_approximation(function, interval, 9)
    np.testing.assert_allclose(centers, np.linspace(*interval, 9))
    np.testing.assert_allclose(approximate(centers), function(centers), atol=1e-12)
    assert width == pytest.approx((interval[1] - interval[0]) / 8)
    between = (centers[:-1] + centers[1:]) / 2  # linear in between: the mean of the two neighbours
    np.testing.assert_allclose(approximate(between), (heights[:-1] + heights[1:]) / 2, atol=1e-12)
    np.testing.assert_allclose(approximate(between), np.interp(between, centers, heights), atol=1e-12)


def test_one_bump_sits_in_the_middle():
    function, (low, high), _ = TARGETS["sine"]
    centers, heights, width, approximate = bump_approximation(function, (low, high), 1)
    assert centers.tolist() == [0.0] and width == pytest.approx(np.pi)
    np.testing.assert_allclose(approximate(np.array([low, 0.0, high])), 0.0, atol=1e-12)  # sin 0 = 0: a flat hat


@pytest.mark.parametrize("name", list(TARGETS))
def test_the_largest_error_shrinks_as_the_bumps_grow(name):
    """Knots doubling from 5 to 65 (each grid inside the next): the largest error falls every time, towards 0.
    With very few bumps it need not (the wiggly target's error grows from 2 bumps to 3: the knots miss it)."""
    function, interval, _ = TARGETS[name]
    x = np.linspace(*interval, 4001)
    errors = [np.abs(function(x) - bump_approximation(function, interval, n)[3](x)).max() for n in (5, 9, 17, 33, 65)]
    assert all(coarse > fine for coarse, fine in zip(errors, errors[1:])), errors
    assert errors[-1] < 0.03 and errors[-1] < errors[0] / 10


def test_twice_the_bumps_cut_the_error_of_a_smooth_target_about_four_times():
    function, interval, _ = TARGETS["sine"]
    x = np.linspace(*interval, 4001)
    errors = [np.abs(function(x) - bump_approximation(function, interval, n)[3](x)).max() for n in (9, 17, 33)]
    assert errors[0] > errors[1] > errors[2]
    for coarse, fine in zip(errors, errors[1:]):
        assert 3.5 < coarse / fine < 4.5


@pytest.mark.parametrize("name, n", [("sine", 1), ("sine", 9), ("wiggly", 20), ("kink", 7)])
def test_the_approximation_is_exactly_a_one_hidden_layer_relu_network(name, n):
    """mlp's MLP([1, 3 n, 1]): per bump three hidden units of weight 1 and biases -(c - w), -c, -(c + w), and
    output weights h / w, -2 h / w, h / w; a linear output unit with bias 0."""
    function, interval, _ = TARGETS[name]
    centers, heights, width, approximate = bump_approximation(function, interval, n)
    model = mlp.MLP([1, 3 * n, 1], hidden_activation="relu", output_activation="linear", seed=0)
    shifts = np.column_stack([centers - width, centers, centers + width]).ravel()
    weights = (heights[:, None] * np.array([1.0, -2.0, 1.0]) / width).ravel()
    model.set_weights({"W1": np.ones((1, 3 * n)), "b1": -shifts, "W2": weights[:, None], "b2": np.zeros(1)})
    x = np.linspace(interval[0] - 0.5, interval[1] + 0.5, 1001)
    np.testing.assert_allclose(model.forward(x[:, None])[:, 0], approximate(x), atol=1e-12)


def test_bad_input_is_refused_with_a_clear_message():
    sine, interval, _ = TARGETS["sine"]
    with pytest.raises(ValueError, match=r"width must be a positive number; got 0"):
        bump(np.zeros(3), 0.0, 0)
    with pytest.raises(ValueError, match=r"center must be a finite number; got nan"):
        bump(np.zeros(3), float("nan"), 1.0)
    with pytest.raises(TypeError, match=r"x must be an array of numbers"):
        bump("one", 0.0, 1.0)
    with pytest.raises(ValueError, match=r"n must be a positive integer; got 0"):
        bump_approximation(sine, interval, 0)
    with pytest.raises(TypeError, match=r"n must be a positive integer; got 2.5"):
        bump_approximation(sine, interval, 2.5)
    for bad in [(1.0, -1.0), (0.0, np.inf), (0.0, 1.0, 2.0), (3.0, 3.0)]:
        with pytest.raises(ValueError, match=r"interval must be two finite numbers \(low, high\) with low < high"):
            bump_approximation(sine, bad, 5)
    with pytest.raises(TypeError, match=r"target must be a function of x .*; got str 'sin'"):
        bump_approximation("sin", interval, 5)
    with pytest.raises(ValueError, match=r"target must return one finite value per x: for 5 knots got"):
        bump_approximation(lambda x: 1.0, interval, 5)
    with pytest.raises(ValueError, match=r"target must return one finite value per x"):
        bump_approximation(lambda x: np.where(x > 0, np.nan, x), (-1.0, 1.0), 5)
