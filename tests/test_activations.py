"""Activations: derivatives against central differences, stability, known values, look-up."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlp import activations as act
from mlp.activations import ACTIVATIONS, get_activation

ELEMENTWISE = [name for name, a in ACTIVATIONS.items() if a.elementwise]
EPS = 1e-6

# Pre-activations of random shapes (m x n, including m = 1) away from the kinks at 0,
# where a one-sided function has no derivative for the difference quotient to match.
shapes = st.tuples(st.integers(1, 6), st.integers(1, 5))
values = st.floats(-8, 8, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


def central_difference(f, z, eps=EPS):
    return (f(z + eps) - f(z - eps)) / (2 * eps)


@pytest.mark.parametrize("name", ELEMENTWISE)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_derivative_matches_central_difference(name, data):
    z = data.draw(arrays(np.float64, data.draw(shapes), elements=values))
    activation = get_activation(name)
    numeric = central_difference(activation.function, z)
    analytic = activation.derivative(z)
    assert analytic.shape == z.shape
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_softmax_jacobian_matches_central_difference(data):
    m, c = data.draw(st.integers(1, 4)), data.draw(st.integers(2, 6))
    z = data.draw(arrays(np.float64, (m, c), elements=st.floats(-10, 10)))
    jacobian = act.softmax_derivative(z)  # (m, C, C): d s_ik / d z_il
    assert jacobian.shape == (m, c, c)
    for l in range(c):
        step = np.zeros_like(z)
        step[:, l] = EPS
        numeric = (act.softmax(z + step) - act.softmax(z - step)) / (2 * EPS)  # (m, C): d s_i. / d z_il
        np.testing.assert_allclose(jacobian[:, :, l], numeric, rtol=1e-6, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_softmax_backward_equals_jacobian_product(data):
    m, c = data.draw(st.integers(1, 4)), data.draw(st.integers(2, 6))
    z = data.draw(arrays(np.float64, (m, c), elements=st.floats(-10, 10)))
    dA = data.draw(arrays(np.float64, (m, c), elements=st.floats(-3, 3)))
    expected = np.einsum("il,ilk->ik", dA, act.softmax_derivative(z))
    np.testing.assert_allclose(act.softmax_backward(dA, z), expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(get_activation("softmax").backward(dA, z), expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_backward_is_hadamard_product_with_derivative(name):
    rng = np.random.default_rng(3)
    z, dA = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    activation = get_activation(name)
    np.testing.assert_array_equal(activation.backward(dA, z), dA * activation.derivative(z))


EXTREME = np.array([[-1e4, -1e3, -745.0, -709.0, -50.0, -1e-300, 0.0, 1e-300, 50.0, 709.0, 745.0, 1e3, 1e4]])


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_stable_at_extreme_inputs(name):
    activation = get_activation(name)
    with np.errstate(all="raise"):  # any overflow/invalid/divide/underflow flag raises
        value = activation.function(EXTREME)
        derivative = activation.derivative(EXTREME)
        backward = activation.backward(np.ones_like(EXTREME), EXTREME)
    for array in (value, derivative, backward):
        assert np.all(np.isfinite(array)), f"{name}: {array}"


def test_extreme_values_are_the_correctly_rounded_limits():
    z = np.array([-1e4, 1e4])
    np.testing.assert_array_equal(act.sigmoid(z), [0.0, 1.0])
    np.testing.assert_array_equal(act.sigmoid_derivative(z), [0.0, 0.0])
    np.testing.assert_array_equal(act.tanh(z), [-1.0, 1.0])
    np.testing.assert_array_equal(act.softplus(z), [0.0, 1e4])
    np.testing.assert_array_equal(act.elu(z), [-1.0, 1e4])
    np.testing.assert_allclose(act.selu(z), [-act.SELU_SCALE * act.SELU_ALPHA, act.SELU_SCALE * 1e4])
    np.testing.assert_array_equal(act.gaussian(z), [0.0, 0.0])
    np.testing.assert_array_equal(act.softmax(np.array([[1e4, -1e4, 0.0]])), [[1.0, 0.0, 0.0]])
    # Softmax of huge equal scores is uniform, not nan (naive exp overflows to inf / inf).
    np.testing.assert_allclose(act.softmax(np.array([[1e4, 1e4]])), [[0.5, 0.5]])


def test_sigmoid_matches_definition_in_its_ordinary_range():
    z = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(act.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    # Far left, the stable form keeps full relative precision where 1 / (1 + e^-z) would too.
    assert act.sigmoid(np.array(-700.0)) == pytest.approx(math.exp(-700), rel=1e-14)


def test_known_values_and_kink_conventions():
    assert act.sigmoid(0.0) == 0.5 and act.sigmoid_derivative(0.0) == 0.25
    assert act.tanh_derivative(0.0) == 1.0
    assert act.relu_derivative(np.array(0.0)) == 0.0  # ReLU'(0) = 0 by convention
    assert act.leaky_relu_derivative(np.array(0.0)) == act.LEAKY_RELU_ALPHA
    np.testing.assert_array_equal(act.leaky_relu(np.array([-2.0, 3.0])), [-0.02, 3.0])
    assert act.softplus(0.0) == pytest.approx(math.log(2), rel=1e-15)
    assert act.gaussian(0.0) == 1.0 and act.gaussian_derivative(0.0) == 0.0
    np.testing.assert_array_equal(act.linear_derivative(np.zeros((2, 3))), np.ones((2, 3)))
    # SELU's constants: the fixed point of the self-normalising map.
    assert act.SELU_ALPHA == pytest.approx(1.6732632423543772)
    assert act.SELU_SCALE == pytest.approx(1.0507009873554805)


def test_softmax_rows_sum_to_one_and_shift_invariant():
    rng = np.random.default_rng(0)
    z = rng.normal(scale=5, size=(7, 4))
    s = act.softmax(z)
    np.testing.assert_allclose(s.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(act.softmax(z + 100.0), s, rtol=1e-12)
    # Row-wise: each example independent of the others.
    np.testing.assert_allclose(act.softmax(z[2:3]), s[2:3], rtol=1e-15)


def test_activations_do_not_change_their_input():
    z = np.array([[-2.0, 0.0, 3.0]])
    before = z.copy()
    for activation in ACTIVATIONS.values():
        activation.function(z)
        activation.derivative(z)
        assert np.array_equal(z, before), activation.name


def test_look_up_by_name_and_aliases():
    assert get_activation("ReLU") is ACTIVATIONS["relu"]
    assert get_activation("leaky-relu") is ACTIVATIONS["leaky_relu"]
    assert get_activation("identity") is ACTIVATIONS["linear"]
    assert get_activation(ACTIVATIONS["tanh"]) is ACTIVATIONS["tanh"]


def test_unknown_name_lists_known_ones_and_suggests():
    with pytest.raises(ValueError) as excinfo:
        get_activation("sigmod")
    message = str(excinfo.value)
    assert "'sigmod'" in message and "did you mean 'sigmoid'?" in message
    for name in ACTIVATIONS:
        assert name in message
    with pytest.raises(TypeError, match="given by name"):
        get_activation(3)
