"""Exercises of lesson 2: why non-linearity."""

import numpy as np

from ... import activations, data
from .. import inputs
from ..checking import Exercise


def collapse_linear_layers(W1, b1, W2, b2):
    """The one linear layer (W, b) equal to two: (X W1 + b1) W2 + b2 = X (W1 W2) + (b1 W2 + b2)."""
    return W1 @ W2, b1 @ W2 + b2


def layer_pair(rng, trial):
    n0, n1 = inputs.shape(rng, trial)
    n2 = int(rng.integers(1, 5))
    s = inputs.scale(trial) if trial != 3 else 10.0
    return (s * rng.standard_normal((n0, n1)), s * rng.standard_normal(n1),
            s * rng.standard_normal((n1, n2)), s * rng.standard_normal(n2))


def check_xor_weights(function, rng):
    """The returned weights must make relu(X W1 + b1) W2 + b2 > 0 exactly for XOR's 1s, robustly."""
    params = function()
    if not isinstance(params, dict) or not {"W1", "b1", "W2", "b2"} <= set(params):
        return "xor_weights() should return a dict with the keys 'W1', 'b1', 'W2', 'b2'"
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=float) for k in ("W1", "b1", "W2", "b2"))
    expected = {"W1": (2, 2), "b1": (2,), "W2": (2, 1), "b2": (1,)}
    for name, value in zip(expected, (W1, b1, W2, b2)):
        if value.shape != expected[name]:
            return f"{name} should have shape {expected[name]}; got {value.shape}"
    X, y = data.make_xor(200, noise=0.05, seed=rng)
    X = np.vstack([data.xor()[0], X])
    y = np.concatenate([data.xor()[1], y])
    predicted = ((activations.relu(X @ W1 + b1) @ W2 + b2)[:, 0] > 0).astype(int)
    if not np.array_equal(predicted[:4], data.xor()[1]):
        return f"on the four XOR points your network outputs {predicted[:4].tolist()}; expected [0, 1, 1, 0]"
    wrong = int(np.sum(predicted != y))
    if wrong:
        return (f"your network is right on the four corners but wrong on {wrong} of 200 points within about "
                f"0.05 of them: put the boundaries further from the corners")
    return None


EXERCISES = [
    Exercise("02.collapse_linear_layers", "collapse_linear_layers", 2, collapse_linear_layers,
             (np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([1.0, 2.0]), np.array([[2.0], [3.0]]), np.array([0.5])),
             layer_pair, returns=("W", "b")),
    Exercise("02.xor_weights", "xor_weights", 2, custom=check_xor_weights),
]
