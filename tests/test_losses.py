"""Losses: gradients against central differences, logits vs probabilities, edge values."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlp import losses
from mlp.activations import sigmoid, softmax
from mlp.losses import LOSSES, get_loss

EPS = 1e-6


def numerical_gradient(loss, predictions, Y):
    grad = np.zeros_like(predictions)
    for index in np.ndindex(predictions.shape):
        step = np.zeros_like(predictions)
        step[index] = EPS
        grad[index] = (loss(predictions + step, Y) - loss(predictions - step, Y)) / (2 * EPS)
    return grad


@st.composite
def binary_problem(draw):
    m = draw(st.integers(1, 6))
    P = draw(arrays(np.float64, (m, 1), elements=st.floats(0.02, 0.98)))
    Y = draw(arrays(np.float64, (m, 1), elements=st.sampled_from([0.0, 1.0])))
    return P, Y


@st.composite
def categorical_problem(draw):
    m, c = draw(st.integers(1, 5)), draw(st.integers(2, 5))
    Z = draw(arrays(np.float64, (m, c), elements=st.floats(-3, 3)))
    labels = draw(arrays(np.int64, (m,), elements=st.integers(0, c - 1)))
    return Z, labels


@settings(max_examples=40, deadline=None)
@given(binary_problem())
def test_binary_cross_entropy_gradient(problem):
    P, Y = problem
    numeric = numerical_gradient(losses.binary_cross_entropy, P, Y)
    np.testing.assert_allclose(losses.binary_cross_entropy_gradient(P, Y), numeric, rtol=1e-6, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(binary_problem())
def test_binary_cross_entropy_with_logits_gradient_and_value(problem):
    P, Y = problem
    Z = np.log(P / (1 - P))  # the logits of P
    numeric = numerical_gradient(losses.binary_cross_entropy_with_logits, Z, Y)
    np.testing.assert_allclose(losses.binary_cross_entropy_with_logits_gradient(Z, Y), numeric,
                               rtol=1e-6, atol=1e-9)
    # Same loss as from probabilities, where no clipping is involved.
    assert losses.binary_cross_entropy_with_logits(Z, Y) == pytest.approx(
        losses.binary_cross_entropy(P, Y), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(categorical_problem())
def test_categorical_cross_entropy_gradient(problem):
    Z, labels = problem
    P = softmax(Z)
    numeric = numerical_gradient(losses.categorical_cross_entropy, P, labels)
    np.testing.assert_allclose(losses.categorical_cross_entropy_gradient(P, labels), numeric,
                               rtol=1e-6, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(categorical_problem())
def test_softmax_cross_entropy_fused_gradient_is_p_minus_y_over_m(problem):
    Z, labels = problem
    m, c = Z.shape
    Y = np.eye(c)[labels]
    numeric = numerical_gradient(losses.softmax_cross_entropy_with_logits, Z, Y)
    fused = losses.softmax_cross_entropy_with_logits_gradient(Z, Y)
    np.testing.assert_allclose(fused, numeric, rtol=1e-6, atol=1e-9)
    # (softmax(Z) - Y) / m loses digits where p is near y (the fused form does not: test_losses_exact.py), so
    # the two agree to a few units of the 1.0 they are differences of, not of the result.
    np.testing.assert_allclose(fused, (softmax(Z) - Y) / m, rtol=0, atol=4 * np.finfo(float).eps / m)
    # The chain rule through softmax's Jacobian gives the same dZ.
    from mlp.activations import softmax_backward
    chained = softmax_backward(losses.categorical_cross_entropy_gradient(softmax(Z), Y), Z)
    np.testing.assert_allclose(chained, fused, rtol=1e-9, atol=1e-15)
    # Integer labels and one-hot targets are the same loss.
    assert losses.softmax_cross_entropy_with_logits(Z, labels) == losses.softmax_cross_entropy_with_logits(Z, Y)
    assert losses.softmax_cross_entropy_with_logits(Z, Y) == pytest.approx(
        losses.categorical_cross_entropy(softmax(Z), Y), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_mean_squared_error_gradient(data):
    shape = data.draw(st.tuples(st.integers(1, 5), st.integers(1, 3)))
    Y_hat = data.draw(arrays(np.float64, shape, elements=st.floats(-10, 10)))
    Y = data.draw(arrays(np.float64, shape, elements=st.floats(-10, 10)))
    numeric = numerical_gradient(losses.mean_squared_error, Y_hat, Y)
    np.testing.assert_allclose(losses.mean_squared_error_gradient(Y_hat, Y), numeric, rtol=1e-6, atol=1e-7)
    assert losses.mean_squared_error(Y_hat, Y) == pytest.approx(np.mean((Y_hat - Y) ** 2), rel=1e-15)


def test_worked_values():
    # Two examples, p = 0.9 for a 1 and p = 0.2 for a 0: L = -(ln 0.9 + ln 0.8) / 2.
    P, Y = np.array([[0.9], [0.2]]), np.array([[1.0], [0.0]])
    assert losses.binary_cross_entropy(P, Y) == pytest.approx(-(math.log(0.9) + math.log(0.8)) / 2, rel=1e-15)
    # An untrained classifier guessing uniformly over C classes has loss ln C.
    for c in (2, 3, 10):
        Z = np.zeros((4, c))
        assert losses.softmax_cross_entropy_with_logits(Z, np.arange(4) % c) == pytest.approx(math.log(c), rel=1e-15)
    assert losses.mean_squared_error(np.array([1.0, 3.0]), np.array([0.0, 0.0])) == 5.0


@pytest.mark.parametrize("p, y", [(0.0, 1.0), (1.0, 0.0), (0.0, 0.0), (1.0, 1.0)])
def test_cross_entropy_is_finite_for_predictions_of_exactly_0_or_1(p, y):
    P, Y = np.array([[p]]), np.array([[y]])
    with np.errstate(all="raise"):
        value = losses.binary_cross_entropy(P, Y)
        grad = losses.binary_cross_entropy_gradient(P, Y)
        cce = losses.categorical_cross_entropy(np.array([[p, 1 - p]]), np.array([[y, 1 - y]]))
        cce_grad = losses.categorical_cross_entropy_gradient(np.array([[p, 1 - p]]), np.array([[y, 1 - y]]))
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    assert np.isfinite(cce) and np.all(np.isfinite(cce_grad))
    if p != y:  # a confident wrong answer is heavily, but finitely, penalised
        # 1 - 1e-15 is not exactly representable, hence the loose tolerance.
        assert value == pytest.approx(-math.log(losses.EPSILON), rel=1e-4)
    else:
        assert value < 1e-12


def test_losses_from_logits_are_exact_at_extreme_logits():
    Z = np.array([[1e4], [-1e4], [800.0], [-800.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    with np.errstate(all="raise"):
        value = losses.binary_cross_entropy_with_logits(Z, Y)
        grad = losses.binary_cross_entropy_with_logits_gradient(Z, Y)
        Zc = np.array([[1e4, -1e4, 0.0], [0.0, 0.0, 0.0]])
        cce = losses.softmax_cross_entropy_with_logits(Zc, np.array([1, 2]))
        cce_grad = losses.softmax_cross_entropy_with_logits_gradient(Zc, np.array([1, 2]))
    # -ln sigma(-1e4) = 1e4 exactly: the logits form does not clip.
    assert value == pytest.approx((1e4 + 1e4 + 0 + 0) / 4, rel=1e-15)
    np.testing.assert_array_equal(grad, [[0.25], [-0.25], [0.0], [0.0]])
    assert cce == pytest.approx((2e4 + math.log(3)) / 2, rel=1e-15)
    assert np.all(np.isfinite(cce_grad))


def test_binary_loss_accepts_1d_inputs_and_labels():
    p, y = np.array([0.9, 0.2]), np.array([1, 0])
    assert losses.binary_cross_entropy(p, y) == losses.binary_cross_entropy(p[:, None], y[:, None])


def test_losses_do_not_change_their_inputs():
    P, Y = np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])
    before = P.copy(), Y.copy()
    for loss in LOSSES.values():
        loss.function(P, Y)
        loss.gradient(P, Y)
    np.testing.assert_array_equal(P, before[0])
    np.testing.assert_array_equal(Y, before[1])


def test_look_up_and_errors():
    assert get_loss("mse") is LOSSES["mean_squared_error"]
    assert get_loss("Binary-Cross-Entropy") is LOSSES["binary_cross_entropy"]
    with pytest.raises(ValueError, match="did you mean 'mean_squared_error'") as excinfo:
        get_loss("mean_square_error")
    for name in LOSSES:
        assert name in str(excinfo.value)
    with pytest.raises(ValueError, match=r"targets have shape \(3, 1\) but the predictions have shape \(2, 1\)"):
        losses.binary_cross_entropy(np.array([[0.5], [0.5]]), np.array([[1.0], [0.0], [1.0]]))
