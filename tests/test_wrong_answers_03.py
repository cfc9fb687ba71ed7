"""Wrong-answer bank for lesson 3 (activations): each plausible mistake fails, and the message names it."""

import numpy as np
import pytest

from mlp.grader import EXERCISES, run_check


def _stable_sigmoid(z):
    """A learner's own stable sigmoid, which the wrong answers below build on (they may not call mlp's)."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_clipped_badly(z):
    return 1 / (1 + np.exp(-np.clip(z, -10, 10)))  # wrong far from 0


def sigmoid_in_place(z):
    z[...] = _stable_sigmoid(z)  # right values, but the caller's z is gone
    return z


def sigmoid_transposed(z):
    return _stable_sigmoid(z).T


def derivative_without_product(z):
    return _stable_sigmoid(z)  # forgot the (1 - sigma)


def derivative_naive(z):
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)


def derivative_of_exp(z):
    return np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z)))


def relu_in_place(z):
    z[z < 0] = 0
    return z


def relu_abs(z):
    return np.abs(z)


def relu_list(z):
    return np.maximum(0, z).tolist()


def relu_derivative_at_zero_is_one(z):
    return (z >= 0).astype(float)


def relu_derivative_boolean_int(z):
    return (z > 0).astype(int) * 0.5


def relu_derivative_is_relu(z):
    return np.maximum(0, z)


def relu_derivative_booleans(z):  # right values, but True/False: 1 - d and -d fail on them
    return z > 0


def leaky_alpha_wrong(z, alpha=0.01):
    return np.where(z > 0, z, 0.1 * z)


def leaky_is_relu(z, alpha=0.01):
    return np.maximum(0, z)


def leaky_ignores_alpha(z, alpha=0.01):  # right for the default, wrong for any other alpha
    return np.where(z > 0, z, 0.01 * z)


def leaky_in_place(z, alpha=0.01):
    z[z < 0] *= alpha
    return z


def tanh_derivative_missing_square(z):
    return 1 - np.tanh(z)


def tanh_derivative_of_sigmoid(z):
    s = _stable_sigmoid(z)
    return s * (1 - s)


def tanh_derivative_sign(z):
    return np.tanh(z) ** 2 - 1


def softmax_axis_0(Z):
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_no_shift(Z):
    e = np.exp(Z)
    return e / e.sum(axis=1, keepdims=True)


def softmax_no_keepdims(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)


def softmax_global_sum(Z):
    e = np.exp(Z - Z.max())
    return e / e.sum()


WRONG = [
    ("03.sigmoid", "naive formula overflows", naive_sigmoid, "numerically stable"),
    ("03.sigmoid", "clipped to [-10, 10]", sigmoid_clipped_badly, "is not right"),
    ("03.sigmoid", "changes z in place", sigmoid_in_place, "in place"),
    ("03.sigmoid", "transposed", sigmoid_transposed, "transposed"),
    ("03.sigmoid_derivative", "forgot (1 - sigma)", derivative_without_product, "is not right"),
    ("03.sigmoid_derivative", "naive sigmoid inside", derivative_naive, "numerically stable"),
    ("03.sigmoid_derivative", "e^-|z| / (1 + e^-|z|)", derivative_of_exp, "is not right"),
    ("03.relu", "in place", relu_in_place, "in place"),
    ("03.relu", "absolute value", relu_abs, "is not right"),
    ("03.relu", "returns a list", relu_list, "wrap it in np.array"),
    ("03.relu_derivative", "ReLU'(0) = 1", relu_derivative_at_zero_is_one, "ReLU'(0) = 0"),
    ("03.relu_derivative", "halved", relu_derivative_boolean_int, "is not right"),
    ("03.relu_derivative", "relu instead of its derivative", relu_derivative_is_relu, "is not right"),
    ("03.relu_derivative", "booleans", relu_derivative_booleans, "holds booleans"),
    ("03.leaky_relu", "alpha ignored", leaky_ignores_alpha, "your function still used 0.01"),
    ("03.leaky_relu", "alpha 0.1", leaky_alpha_wrong, "is not right"),
    ("03.leaky_relu", "plain relu", leaky_is_relu, "is not right"),
    ("03.leaky_relu", "in place", leaky_in_place, "in place"),
    ("03.tanh_derivative", "1 - tanh, no square", tanh_derivative_missing_square, "is not right"),
    ("03.tanh_derivative", "sigmoid's derivative", tanh_derivative_of_sigmoid, "is not right"),
    ("03.tanh_derivative", "wrong sign", tanh_derivative_sign, "wrong sign"),
    ("03.softmax", "normalised over columns", softmax_axis_0, "normalises each column"),
    ("03.softmax", "no max shift", softmax_no_shift, "numerically stable"),
    ("03.softmax", "sum without keepdims", softmax_no_keepdims, "raised ValueError"),
    ("03.softmax", "one sum over the whole matrix", softmax_global_sum, "is not right"),
]


@pytest.mark.parametrize("exercise_id, mistake, function, fragment", WRONG, ids=[f"{e}-{m}" for e, m, _, _ in WRONG])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_wrong_answer_fails_naming_the_mistake(exercise_id, mistake, function, fragment, seed):
    verdict = run_check(EXERCISES[exercise_id], function, seed=seed)
    assert verdict.status == "failed" and verdict.score == 0, f"{mistake}: {verdict}"
    assert fragment in verdict.message, f"{mistake}: {verdict.message}"
