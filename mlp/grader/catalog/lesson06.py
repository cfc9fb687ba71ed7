"""Exercises of lesson 6: backpropagation."""

import numpy as np

from ... import activations
from .. import inputs
from ..checking import Exercise, rows_of_first
from ..input_functions import InputFunction


def dense_backward(dZ, X, W):
    """(dX, dW, db) of Z = X W + b, given dZ = dL/dZ."""
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def backward_inputs(rng, trial):
    m, n_in = inputs.shape(rng, trial)
    n_out = int(rng.integers(1, 6)) if trial != 2 else n_in + 1
    return rng.standard_normal((m, n_out)), inputs.matrix(rng, trial, (m, n_in)), rng.standard_normal((n_in, n_out))


def two_layer_backward(X, Y, params):
    """Gradients of the mean binary cross-entropy of relu -> sigmoid, by name."""
    m = X.shape[0]
    Z1 = X @ params["W1"] + params["b1"]
    A1 = activations.relu(Z1)
    A2 = activations.sigmoid(A1 @ params["W2"] + params["b2"])
    dZ2 = (A2 - Y) / m
    dZ1 = (dZ2 @ params["W2"].T) * activations.relu_derivative(Z1)
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": A1.T @ dZ2, "db2": dZ2.sum(axis=0)}


def network_inputs(rng, trial):
    m, n0 = inputs.shape(rng, trial)
    n1 = int(rng.integers(2, 6))
    params = {"W1": rng.standard_normal((n0, n1)), "b1": 0.1 * rng.standard_normal(n1),
              "W2": rng.standard_normal((n1, 1)), "b2": 0.1 * rng.standard_normal(1)}
    return rng.standard_normal((m, n0)), rng.integers(0, 2, (m, 1)).astype(float), params


def numerical_gradient(f, x, eps=1e-6):
    """Central differences: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for every entry i."""
    grad = np.zeros_like(x, dtype=float)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x, dtype=float)
        step[index] = eps
        grad[index] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def function_inputs(rng, trial):
    shape = inputs.shape(rng, trial)
    f = InputFunction("sin_cubic", {"c": rng.standard_normal(shape)})  # f(x) = sum(c sin x) + sum(x^3) / 2
    return f, rng.uniform(-2, 2, shape)


EXAMPLE = (np.array([[1.0, -1.0], [0.5, 2.0], [0.0, 1.0]]), np.array([[1.0, 2.0, 0.0], [-1.0, 0.5, 1.0], [2.0, 0.0, 1.0]]),
           np.array([[0.5, -1.0], [1.0, 0.0], [0.0, 2.0]]))
NETWORK_EXAMPLE = (np.array([[1.0, 2.0], [-1.0, 0.5], [0.5, -2.0]]), np.array([[1.0], [0.0], [1.0]]),
                   {"W1": np.array([[0.5, -1.0, 0.3], [0.2, 0.4, -0.6]]), "b1": np.array([0.1, 0.0, -0.1]),
                    "W2": np.array([[1.0], [-1.0], [0.5]]), "b2": np.array([0.2])})


def relative_error(analytic, numeric):
    """||g - n|| / max(||g|| + ||n||, 1e-12): the gradient check's verdict."""
    return float(np.linalg.norm(analytic - numeric) / max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12))


def gradient_pair(rng, trial):
    shape = inputs.shape(rng, trial)
    analytic = inputs.matrix(rng, trial, shape)
    if trial == 4:  # two all-zero gradients (a unit that never fires): the error is 0, not 0/0
        return np.zeros(shape), np.zeros(shape)
    noise = 10.0 ** -int(rng.integers(2, 9)) * rng.standard_normal(shape)
    return analytic, analytic + noise * np.abs(analytic).max()


EXERCISES = [
    Exercise("06.dense_backward", "dense_backward", 3, dense_backward, EXAMPLE, backward_inputs,
             returns=("dX", "dW", "db"), examples_of=rows_of_first),
    Exercise("06.two_layer_backward", "two_layer_backward", 4, two_layer_backward, NETWORK_EXAMPLE, network_inputs,
             examples_of=rows_of_first),
    Exercise("06.numerical_gradient", "numerical_gradient", 2, numerical_gradient,
             (InputFunction("square"), np.array([[1.0, -2.0, 3.0]])), function_inputs, rtol=1e-7, atol=1e-9),
    Exercise("06.relative_error", "relative_error", 1, relative_error,
             (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.0], [3.0, 4.001]])), gradient_pair,
             stress=((np.zeros((2, 3)), np.zeros((2, 3))),), atol=1e-15),
]
