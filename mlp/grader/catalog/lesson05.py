"""Exercises of lesson 5: loss functions."""

import numpy as np

from ... import losses
from .. import inputs
from ..checking import Exercise, rows_of_first

TITLE = "Loss functions"  # the lesson's title, as its notebook says (progress() shows it)


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



def kl_divergence(P, Q):
    """Mean over the rows of KL(P_i || Q_i) in nats; terms with P_ik = 0 count as 0."""
    log_P = np.log(np.where(P > 0, P, 1.0))
    return float(np.sum(P * (log_P - np.log(Q))) / P.shape[0])


def kl_inputs(rng, trial):
    m = 1 if trial == 0 else int(rng.integers(2, 8))
    C = 1 + int(rng.integers(2, 6))
    Q = inputs.probabilities(rng, m, C)  # softmax rows: every entry > 0
    if trial in (1, 5):  # one-hot targets: most terms have P = 0
        return inputs.probabilities(rng, m, C, extreme=True), Q
    P = inputs.probabilities(rng, m, C)
    if trial in (2, 3, 6):  # some exact zeros in P (each row keeps its largest entry)
        P = np.where((rng.random((m, C)) < 0.4) & (P < P.max(axis=1, keepdims=True)), 0.0, P)
        P = P / P.sum(axis=1, keepdims=True)
    return P, Q


def kl_hint(args, actual, expected):
    """Arguments swapped, log2 instead of ln, or the cross-entropy H(P, Q) instead of KL."""
    P, Q = args
    if not isinstance(actual, (float, int, np.floating)) or not np.isfinite(actual):
        return None
    actual, m = float(actual), P.shape[0]
    if abs(expected) > 1e-6 and np.isclose(actual * np.log(2), expected, rtol=1e-6):
        return "your result is in bits: it is 1/ln 2 = 1.44 times the expected value; use np.log (nats), not np.log2"
    swapped = [float(np.sum(Q * (np.log(Q) - np.log(np.clip(P, eps, None))))) / m for eps in (1e-15, 1e-12)]
    if np.isclose(actual, swapped, rtol=1e-6).any() and not np.isclose(actual, expected, rtol=1e-3):
        return "you computed KL(Q || P): the arguments are swapped; the target P weights the log-ratio ln(P / Q)"
    if abs(expected) > 1e-6 and np.isclose(actual * P.shape[1], expected, rtol=1e-6):
        return (f"your result is C = {P.shape[1]} times too small: sum over the classes (axis 1) and average over the "
                f"m examples only, not over every entry")
    cross_entropy = float(-np.sum(P * np.log(Q))) / m
    if np.isclose(actual, cross_entropy, rtol=1e-6) and not np.isclose(actual, expected, rtol=1e-3):
        return ("you computed the cross-entropy H(P, Q) = -sum P ln Q; KL(P || Q) = H(P, Q) - H(P) also subtracts "
                "the entropy of P, i.e. it is sum P ln(P / Q)")
    return None


KL_P = np.array([[0.7, 0.2, 0.1], [0.0, 1.0, 0.0]])
KL_Q = np.array([[0.1, 0.3, 0.6], [0.2, 0.5, 0.3]])
KL_P_EXTREME = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.5, 0.5, 0.0], [0.25, 0.25, 0.25, 0.25]])
KL_Q_EXTREME = np.array([[1e-12, 1.0 - 2e-12, 5e-13, 5e-13], [0.25, 0.25, 0.25, 0.25], [0.7, 0.1, 0.1, 0.1]])


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
    Exercise("05.kl_divergence", "kl_divergence", 2, kl_divergence, (KL_P, KL_Q), kl_inputs,
             stress=((KL_P_EXTREME, KL_Q_EXTREME),), examples_of=rows_of_first, hint=kl_hint),
]
