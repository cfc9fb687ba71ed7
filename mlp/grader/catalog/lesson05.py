"""Exercises of lesson 5: loss functions."""

import numpy as np

from ... import losses
from .. import inputs
from ..checking import Exercise, rows_of_first


def binary_cross_entropy(P, Y):
    return losses.binary_cross_entropy(P, Y)


def binary_cross_entropy_gradient(P, Y):
    return losses.binary_cross_entropy_gradient(P, Y)


def binary_inputs(rng, trial):
    m = 1 if trial == 0 else int(rng.integers(2, 9))
    if trial == 3:  # confident predictions, some exactly 0 or 1
        P = rng.choice([0.0, 1e-20, 0.5, 1.0], size=(m, 1))
    else:
        P = rng.uniform(0.02, 0.98, size=(m, 1))
    return P, rng.integers(0, 2, (m, 1)).astype(float)


def categorical_cross_entropy(P, Y):
    return losses.categorical_cross_entropy(P, Y)


def categorical_inputs(rng, trial):
    m = 1 if trial == 0 else int(rng.integers(2, 8))
    C = int(rng.integers(2, 6))
    P = inputs.probabilities(rng, m, C, extreme=trial == 3)
    return P, np.eye(C)[inputs.labels(rng, m, C)]


def softmax_cross_entropy_gradient(Z, Y):
    return losses.softmax_cross_entropy_with_logits_gradient(Z, Y)


def logit_inputs(rng, trial):
    m = 1 if trial == 0 else int(rng.integers(2, 8))
    C = int(rng.integers(2, 6))
    return inputs.matrix(rng, trial, (m, C)), np.eye(C)[inputs.labels(rng, m, C)]


P_EXAMPLE = np.array([[0.9], [0.2], [0.6], [0.3]])
Y_EXAMPLE = np.array([[1.0], [0.0], [0.0], [0.0]])
PC_EXAMPLE = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
YC_EXAMPLE = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
# Confident predictions, right and wrong: log(0) is -inf unless p is clipped.
P_EXTREME = np.array([[0.0], [1.0], [1.0], [0.0], [0.5]])
Y_EXTREME = np.array([[1.0], [0.0], [1.0], [0.0], [1.0]])
PC_EXTREME = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
Z_EXTREME = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 0.0, 1000.0]])


def column_hint(args, actual, expected):
    """Softmax over the wrong axis, or the mean taken over all m * C entries."""
    Z, Y = args
    if isinstance(actual, np.ndarray) and actual.shape == Z.shape and Z.shape[0] > 1:
        e = np.exp(Z - Z.max(axis=0))
        if np.allclose(actual, (e / e.sum(axis=0) - Y) / len(Z)):
            return "your softmax normalises each column (axis=0); it must normalise each row (axis=1, keepdims=True)"
    return None


def classes_hint(args, actual, expected):
    P, Y = args
    if np.ndim(actual) == 0 and np.isclose(float(actual) * P.shape[1], expected, rtol=1e-6):
        return f"your loss is C = {P.shape[1]} times too small: average over the m examples only, not over every entry"
    return None

EXERCISES = [
    Exercise("05.binary_cross_entropy", "binary_cross_entropy", 2, binary_cross_entropy,
             (P_EXAMPLE, Y_EXAMPLE), binary_inputs, stress=((P_EXTREME, Y_EXTREME),),
             examples_of=rows_of_first,
             rtol=5e-3),  # clipping p or 1 - p changes -log(1e-15) by 0.3%: both are right
    Exercise("05.binary_cross_entropy_gradient", "binary_cross_entropy_gradient", 2, binary_cross_entropy_gradient,
             (P_EXAMPLE[:3], Y_EXAMPLE[:3]), binary_inputs, stress=((P_EXTREME, Y_EXTREME),), rtol=1e-6, atol=1e-6,
             examples_of=rows_of_first),
    Exercise("05.categorical_cross_entropy", "categorical_cross_entropy", 2, categorical_cross_entropy,
             (PC_EXAMPLE, YC_EXAMPLE), categorical_inputs, stress=((PC_EXTREME, YC_EXAMPLE),),
             examples_of=rows_of_first, rtol=5e-3, hint=classes_hint),
    Exercise("05.softmax_cross_entropy_gradient", "softmax_cross_entropy_gradient", 2,
             softmax_cross_entropy_gradient, (np.log(PC_EXAMPLE), YC_EXAMPLE), logit_inputs,
             stress=((Z_EXTREME, YC_EXAMPLE),), hint=column_hint, examples_of=rows_of_first),
]
