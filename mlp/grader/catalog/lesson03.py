"""Exercises of lesson 3: activation functions and their derivatives."""

import numpy as np

from ... import activations
from .. import inputs
from ..checking import Exercise

TITLE = "Activation functions and their derivatives"  # the lesson's title, as its notebook says (progress() shows it)

Z_EXAMPLE = np.array([[-2.0, 0.0, 3.0], [1000.0, -1000.0, 0.5]])


def z_inputs(rng, trial):
    z = inputs.matrix(rng, trial)
    return (inputs.with_zeros(rng, z) if trial % 2 == 0 else z,)


def sigmoid(z):
    return activations.sigmoid(z)


def sigmoid_derivative(z):
    return activations.sigmoid_derivative(z)


def relu(z):
    return activations.relu(z)


def relu_derivative(z):
    return activations.relu_derivative(z)


def leaky_relu(z, alpha=0.01):
    return activations.leaky_relu(z, alpha)


def leaky_inputs(rng, trial):
    """z, and from the second trial on an alpha other than the default 0.01."""
    if trial == 0:
        return z_inputs(rng, trial)
    return z_inputs(rng, trial) + (float(rng.choice([0.05, 0.1, 0.2, 0.3])),)


def alpha_hint(args, actual, expected):
    if len(args) == 2 and args[1] != 0.01 and isinstance(actual, np.ndarray) and actual.shape == expected.shape \
            and np.allclose(actual, activations.leaky_relu(args[0], 0.01)):
        return f"with alpha = {args[1]:g} your function still used 0.01: use its alpha argument, not a fixed slope"
    return None


def tanh_derivative(z):
    return activations.tanh_derivative(z)


def softmax(Z):
    return activations.softmax(Z)


def kink_hint(args, actual, expected):
    """ReLU'(0): the only difference is at z = 0."""
    (z,) = args
    if isinstance(actual, np.ndarray) and actual.shape == expected.shape:
        wrong = ~np.isclose(actual, expected)
        if wrong.any() and np.all(z[wrong] == 0):
            return (f"your derivative at z = 0 is {actual[wrong][0]:g}; this course uses the convention "
                    f"ReLU'(0) = 0 (use z > 0, not z >= 0)")
    return None


def axis_hint(args, actual, expected):
    (Z,) = args
    if isinstance(actual, np.ndarray) and actual.shape == Z.shape and Z.shape[0] > 1:
        column_wise = activations.softmax(Z.T).T
        if np.allclose(actual, column_wise):
            return ("your softmax normalises each column (axis=0); it must normalise each row, one example "
                    "per row: use axis=1 with keepdims=True")
    return None


EXERCISES = [
    Exercise("03.sigmoid", "sigmoid", 2, sigmoid, (Z_EXAMPLE,), z_inputs),
    Exercise("03.sigmoid_derivative", "sigmoid_derivative", 1, sigmoid_derivative, (Z_EXAMPLE,), z_inputs),
    Exercise("03.relu", "relu", 1, relu, (Z_EXAMPLE,), z_inputs),
    Exercise("03.relu_derivative", "relu_derivative", 1, relu_derivative, (Z_EXAMPLE,), z_inputs, hint=kink_hint),
    Exercise("03.leaky_relu", "leaky_relu", 1, leaky_relu, (Z_EXAMPLE,), leaky_inputs, hint=alpha_hint),
    Exercise("03.tanh_derivative", "tanh_derivative", 1, tanh_derivative, (Z_EXAMPLE,), z_inputs),
    Exercise("03.softmax", "softmax", 2, softmax, (Z_EXAMPLE,), z_inputs, hint=axis_hint),
]
