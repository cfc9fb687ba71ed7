"""Exercises of lesson 6: backpropagation."""

import numpy as np

from ... import activations
from .. import inputs
from ..checking import Exercise, rows_of_first
from ..input_functions import InputFunction

TITLE = "Backpropagation"  # the lesson's title, as its notebook says (progress() shows it)


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


def backward_loop(dZ, caches):
    """All gradients of an L-layer network with ReLU hidden layers, from the output's dZ and the caches."""
    grads = {}
    for l in range(len(caches), 0, -1):
        A_prev, W, _ = caches[l - 1]
        grads[f"dW{l}"] = A_prev.T @ dZ
        grads[f"db{l}"] = dZ.sum(axis=0)
        if l > 1:
            dZ = (dZ @ W.T) * activations.relu_derivative(caches[l - 2][2])
    return grads


def _caches(rng, X, sizes, scale=1.0):
    caches, A = [], X
    for l in range(1, len(sizes)):
        W = scale * rng.standard_normal((sizes[l - 1], sizes[l]))
        Z = A @ W + 0.1 * rng.standard_normal(sizes[l])
        caches.append((A, W, Z))
        A = np.maximum(0, Z)
    return caches


def loop_inputs(rng, trial):
    n_layers = 1 + trial % 4  # 1 (the output layer alone), 2, 3, 4 layers
    m, n0 = inputs.shape(rng, trial)
    sizes = [n0] + [int(rng.integers(1, 6)) for _ in range(n_layers)]
    if trial in (2, 6) and n_layers > 2:
        sizes[2] = sizes[1]  # a square hidden weight matrix: a missing transpose runs silently
    caches = _caches(rng, inputs.matrix(rng, trial, (m, n0)), sizes)
    return rng.standard_normal((m, sizes[-1])) / m, caches


def loop_hint(args, actual, expected):
    """The hidden layers' dZ without relu', or relu' taken at A_prev's own layer."""
    dZ, caches = args
    if not isinstance(actual, dict) or len(caches) < 2:
        return None
    no_relu, dZ_l = {}, dZ
    for l in range(len(caches), 0, -1):
        A_prev, W, _ = caches[l - 1]
        no_relu[f"dW{l}"], no_relu[f"db{l}"] = A_prev.T @ dZ_l, dZ_l.sum(axis=0)
        dZ_l = dZ_l @ W.T
    key = "dW1"
    if isinstance(actual.get(key), np.ndarray) and actual[key].shape == no_relu[key].shape \
            and np.allclose(actual[key], no_relu[key]) and not np.allclose(no_relu[key], expected[key]):
        return ("the hidden layers' gradients are wrong: dA of a hidden layer must pass through relu' before it is "
                "that layer's dZ, dZ = dA * (Z > 0), with the Z of that layer (the cache of the layer below)")
    return None


def softmax_backward(S, dS):
    """dL/dZ = S * (dS - sum(dS * S) per row), the softmax's Jacobian-vector product, rows are examples."""
    return S * (dS - (dS * S).sum(axis=1, keepdims=True))


def softmax_backward_inputs(rng, trial):
    m, C = inputs.shape(rng, trial)
    C = max(C, 2)
    S = inputs.probabilities(rng, m, C, extreme=trial == 5)
    return S, inputs.matrix(rng, trial, (m, C))


def softmax_hint(args, actual, expected):
    """diag(s) only, the sigmoid's s(1 - s), or the row sums taken over the wrong axis."""
    S, dS = args
    if not isinstance(actual, np.ndarray) or actual.shape != S.shape:
        return None
    if np.allclose(actual, S * dS):
        return ("you multiplied by the diagonal of the Jacobian only, s * ds: J = diag(s) - s s^T also has the "
                "-s s^T part, which subtracts (ds . s) from ds in each row before the product")
    if np.allclose(actual, dS * S * (1 - S)):
        return ("that is s(1 - s) entry by entry, as for a sigmoid: a softmax output depends on every z of its row, "
                "so dz = s * (ds - (ds . s)), the dot product taken over the row")
    if S.shape[0] > 1 and np.allclose(actual, S * (dS - (dS * S).sum(axis=0, keepdims=True))):
        return "your sum (ds . s) runs over the examples (axis 0); it must run over each row's classes (axis=1, keepdims=True)"
    return None


def _example_caches():
    """A three-layer network [2, 3, 2, 1] with hand-set weights: (A_prev, W, Z) per layer."""
    A = np.array([[1.0, -2.0], [0.5, 1.0]])
    layers = [(np.array([[0.5, -1.0, 0.2], [0.3, 0.4, -0.6]]), np.array([0.2, 0.0, -0.1])),
              (np.array([[1.0, -0.5], [-1.0, 0.5], [0.5, 1.0]]), np.array([0.0, 0.2])),
              (np.array([[1.0], [-2.0]]), np.array([0.1]))]
    caches = []
    for W, b in layers:
        Z = A @ W + b
        caches.append((A, W, Z))
        A = np.maximum(0, Z)
    return caches


LOOP_EXAMPLE = (np.array([[0.25], [-0.4]]), _example_caches())
S_EXAMPLE = np.array([[0.7, 0.2, 0.1], [0.25, 0.25, 0.5]])
DS_EXAMPLE = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]])
S_EXTREME = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]])
DS_EXTREME = np.array([[1000.0, -1000.0, 3.0], [-1000.0, 1000.0, 0.0]])


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
    Exercise("06.backward_loop", "backward_loop", 3, backward_loop, LOOP_EXAMPLE, loop_inputs, hint=loop_hint,
             examples_of=rows_of_first),
    Exercise("06.softmax_backward", "softmax_backward", 2, softmax_backward, (S_EXAMPLE, DS_EXAMPLE),
             softmax_backward_inputs, stress=((S_EXTREME, DS_EXTREME),), hint=softmax_hint),
]
