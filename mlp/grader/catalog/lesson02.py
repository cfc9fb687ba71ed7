"""Exercises of lesson 2: why non-linearity."""

import numpy as np

from ... import activations, data
from .. import inputs
from ..checking import Exercise

TITLE = "Why non-linearity"  # the lesson's title, as its notebook says (progress() shows it)


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


def relu_bump(x, center, width):
    """The hat of three ReLUs: (relu(x - c + w) - 2 relu(x - c) + relu(x - c - w)) / w, i.e. max(0, 1 - |x - c| / w)."""
    x = np.asarray(x, dtype=float)
    return (np.maximum(x - center + width, 0) - 2 * np.maximum(x - center, 0)
            + np.maximum(x - center - width, 0)) / width


def bump_hint(args, actual, expected):
    """Two typical slips: no division by the width, and -1 instead of -2 for the middle ReLU."""
    x, center, width = args
    if not isinstance(actual, np.ndarray) or actual.shape != expected.shape or width == 1:
        return None
    if np.allclose(actual, width * expected):
        return (f"your bump peaks at {width:g} (the width) instead of 1: divide the sum of the three ReLUs by "
                f"the width")
    relu = np.maximum
    if np.allclose(actual, (relu(x - center + width, 0) - relu(x - center, 0) + relu(x - center - width, 0)) / width):
        return ("your function keeps rising after the centre: the middle ReLU, at the centre, needs the weight -2 "
                "(one -1 cancels the first ReLU's slope, the other turns it downwards)")
    return None


def bump_inputs(rng, trial):
    """x of shape (m,) around the bump, with its three kinks among the points; a centre and a width > 0."""
    m = 1 if trial == 0 else int(rng.integers(2, 12))
    s = 1000.0 if trial == 3 else 3.0
    center = float(s * rng.standard_normal())
    width = float(rng.choice([0.1, 0.5, 1.0, 2.5]) * (s / 3.0))
    x = center + width * rng.uniform(-2.5, 2.5, m)
    if m >= 4:
        x[:3] = [center - width, center, center + width]
        rng.shuffle(x)
    return x, center, width


EXERCISES = [
    Exercise("02.collapse_linear_layers", "collapse_linear_layers", 2, collapse_linear_layers,
             (np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([1.0, 2.0]), np.array([[2.0], [3.0]]), np.array([0.5])),
             layer_pair, returns=("W", "b")),
    Exercise("02.xor_weights", "xor_weights", 2, custom=check_xor_weights),
    Exercise("02.relu_bump", "relu_bump", 2, relu_bump,
             (np.array([-1.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 3.0]), 1.0, 0.5), bump_inputs, hint=bump_hint,
             stress=((np.array([-1e6, -1.0, 0.0, 1.0, 1e6]), 0.0, 1.0),)),
]
