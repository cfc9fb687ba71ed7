"""Loss functions and their gradients.

Shapes: m examples, K outputs. Predictions and targets are both (m, K); every
loss is the mean over the m examples of a per-example loss, so every gradient
carries a factor 1/m. Each gradient sits right under its loss.

Cross-entropy takes log(p), which is -inf at p = 0. The "from probabilities"
versions clip p to [EPSILON, 1 - EPSILON] so that predictions of exactly 0 or 1 give
a large but finite loss. The "from logits" versions take the output layer's
pre-activation z instead and are exact for any z: they never form p at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .checks import as_float_array, check_finite, unknown_name_error
from .targets import one_hot

EPSILON = 1e-15  # p is clipped to [EPSILON, 1 - EPSILON]: -ln(1e-15) = 34.5 bounds each term


def _as_matrix(values, name="P") -> np.ndarray:
    """values as a 2-D float array: float32 stays float32 (a float32 network), anything else float64;
    not numbers (None, strings, objects, complex), empty, or more than 2-D: an error naming ``name``."""
    if isinstance(values, np.ndarray) and values.dtype == np.float32:
        array = values
    else:
        array = as_float_array(values, name)
    if array.size == 0 or array.ndim not in (1, 2):
        raise ValueError(f"{name} must be a non-empty array of shape (m, 1) or (m, C), one row per example; "
                         f"got shape {array.shape}")
    return array[:, None] if array.ndim == 1 else array


def _targets_like(Y, predictions: np.ndarray) -> np.ndarray:
    """Y as a float matrix shaped like the predictions; integer labels become one-hot."""
    Y = as_float_array(Y, "Y")
    if Y.ndim == 1 and predictions.shape[1] > 1:
        Y = one_hot(Y, predictions.shape[1], name="Y")
    Y = _as_matrix(Y, "Y").astype(predictions.dtype, copy=False)
    check_finite(Y, "Y", "targets are labels or probabilities, always numbers")
    if Y.shape != predictions.shape:
        raise ValueError(
            f"the targets have shape {Y.shape} but the predictions have shape {predictions.shape}; "
            f"expected targets of shape {predictions.shape}"
        )
    return Y


# --- binary cross-entropy ------------------------------------------------------------


def _check_probabilities(P, name="P", logits_version="binary_cross_entropy_with_logits"):
    """Raise ValueError unless every entry of P is a probability in [0, 1] (not NaN)."""
    if P.size and (P.min() >= 0.0 and P.max() <= 1.0):  # (NaN fails both comparisons)
        return
    bad = np.argwhere(~((P >= 0.0) & (P <= 1.0)))
    if not len(bad):
        return
    first = tuple(int(i) for i in bad[0])
    raise ValueError(f"{name} holds {len(bad)} value(s) outside [0, 1], the first {P[first]!r} at index {first}; "
                     f"expected probabilities. If these are a layer's z (logits, before the sigmoid or softmax), "
                     f"use {logits_version}(Z, Y), which takes z and is exact")


def binary_cross_entropy(P, Y):
    """L = -(1/m) sum_i [ y_i ln p_i + (1 - y_i) ln(1 - p_i) ], with p clipped.

    P : predicted probabilities of class 1, shape (m, 1) or (m,); Y : 0/1 labels, same shape.
    """
    P = _as_matrix(P)
    _check_probabilities(P)
    Y = _targets_like(Y, P)
    P = np.clip(P, EPSILON, 1.0 - EPSILON)
    return float(-np.sum(Y * np.log(P) + (1.0 - Y) * np.log1p(-P)) / P.shape[0])


def binary_cross_entropy_gradient(P, Y):
    """dL/dP = -(1/m) [ y / p - (1 - y) / (1 - p) ] = (1/m) (p - y) / (p (1 - p)), shape (m, 1)."""
    P = _as_matrix(P)
    _check_probabilities(P)
    Y = _targets_like(Y, P)
    P = np.clip(P, EPSILON, 1.0 - EPSILON)
    return (P - Y) / (P * (1.0 - P)) / P.shape[0]


def binary_cross_entropy_with_logits(Z, Y):
    """The same loss computed from z, where p = sigma(z); exact to a few ulps for any z.

    -[y ln sigma(z) + (1 - y) ln(1 - sigma(z))] = y softplus(-z) + (1 - y) softplus(z).
    """
    Z = _as_matrix(Z, "Z")
    return sigmoid_cross_entropy(Z, _targets_like(Y, Z))[0]


def binary_cross_entropy_with_logits_gradient(Z, Y):
    """dL/dz = (1/m) (sigma(z) - y): the sigmoid's derivative cancels the loss's 1/(p(1-p))."""
    Z = _as_matrix(Z, "Z")
    return sigmoid_cross_entropy(Z, _targets_like(Y, Z))[1]


def sigmoid_cross_entropy(Z, Y):
    """Binary cross-entropy of P = sigma(Z) and its gradient dL/dZ, in one pass: (L, dZ).

    The two functions above in one (like cs231n's ``softmax_loss``), as the training loop
    calls it. Z and Y are float arrays of shape (m, 1), not checked again. With
    softplus(z) = ln(1 + e^z) = -ln(1 - sigma(z)) and softplus(-z) = -ln sigma(z):
        L  = (1/m) sum_i [(1 - y_i) softplus(z_i) + y_i softplus(-z_i)]
        dZ = (1/m) [(1 - y) sigma(z) - y sigma(-z)]            (= (sigma(z) - y) / m)   (m, 1)
    Written this way nothing cancels: for y = 1 and z = 30 the loss is softplus(-30) = 9.4e-14 to the
    last digit, where softplus(30) - 30 would subtract two numbers near 30 and keep only rounding
    noise. Every piece below is computed from e^(-|z|) <= 1, so nothing overflows either.
    """
    m = Z.shape[0]
    with np.errstate(under="ignore"):  # e^(-1000) rounds to 0, correctly
        e = np.exp(-np.abs(Z))  # (m, 1), in (0, 1]
        log1p_e = np.log1p(e)  # ln(1 + e^(-|z|)), exact even when e is tiny
    softplus_z = np.maximum(Z, 0.0) + log1p_e  # softplus(z) = max(z, 0) + ln(1 + e^(-|z|))
    softplus_minus_z = np.maximum(-Z, 0.0) + log1p_e  # softplus(-z)
    positive = Z >= 0
    sigma_z = np.where(positive, 1.0, e) / (1.0 + e)  # sigma(z): 1 / (1 + e^-z) or e^z / (1 + e^z)
    sigma_minus_z = np.where(positive, e, 1.0) / (1.0 + e)  # sigma(-z) = 1 - sigma(z), without the subtraction
    loss = np.sum((1.0 - Y) * softplus_z + Y * softplus_minus_z) / m
    return float(loss), ((1.0 - Y) * sigma_z - Y * sigma_minus_z) / m


# --- categorical cross-entropy -------------------------------------------------------


def categorical_cross_entropy(P, Y):
    """L = -(1/m) sum_i sum_k Y_ik ln P_ik, with P clipped.

    P : predicted class probabilities, shape (m, C), rows summing to 1.
    Y : one-hot targets (m, C), or integer labels (m,) with values 0..C-1.
    """
    P = _as_matrix(P)
    _check_probabilities(P, logits_version="softmax_cross_entropy_with_logits")
    Y = _targets_like(Y, P)
    return float(-np.sum(Y * np.log(np.clip(P, EPSILON, 1.0))) / P.shape[0])


def categorical_cross_entropy_gradient(P, Y):
    """dL/dP = -(1/m) Y / P, shape (m, C)."""
    P = _as_matrix(P)
    _check_probabilities(P, logits_version="softmax_cross_entropy_with_logits")
    Y = _targets_like(Y, P)
    return -Y / np.clip(P, EPSILON, 1.0) / P.shape[0]


def softmax_cross_entropy_with_logits(Z, Y):
    """Categorical cross-entropy of P = softmax(Z), computed from Z; exact to a few ulps for any Z.

    -ln softmax(z)_k = ln sum_j e^(z_j) - z_k, with the row maximum shifted out.
    """
    Z = _as_matrix(Z, "Z")
    return softmax_cross_entropy(Z, _targets_like(Y, Z))[0]


def softmax_cross_entropy_with_logits_gradient(Z, Y):
    """dL/dZ = (1/m) (P - Y) with P = softmax(Z): the fused softmax + cross-entropy gradient."""
    Z = _as_matrix(Z, "Z")
    return softmax_cross_entropy(Z, _targets_like(Y, Z))[1]


def _subtraction_error(a, b, difference):
    """(a - b) - difference, exactly, where difference is a - b as floats rounded it (Knuth's two-sum)."""
    minus_b_part = difference - a  # what of the rounded difference came from -b
    a_part = difference - minus_b_part  # ... and from a
    return (a - a_part) + (-b - minus_b_part)


def softmax_cross_entropy(Z, Y):
    """Categorical cross-entropy of P = softmax(Z) and its gradient dL/dZ, in one pass: (L, dZ).

    The two functions above in one (cs231n's ``softmax_loss``), as the training loop calls it:
    both share e^(z - max). Z and one-hot Y are float arrays of shape (m, C), not checked again.
    With each row shifted by its maximum, one entry of e = e^(z - max) is exactly 1; call the sum of the
    others s (so the row sums to 1 + s):
        L  = (1/m) sum_i [ln(1 + s_i) - sum_k y_ik (z_ik - max_i)]   (the row maximum cancels: rows of Y sum to 1)
        dZ = (1/m) (softmax(Z) - Y) = (1/m) ((e - Y) - Y s) / (1 + s)                         (m, C)
    Written this way nothing cancels: for a confident right answer (z = [30, 0]) the loss is
    ln(1 + e^-30) = 9.4e-14 to the last digit (log1p of s, not log of 1 + s rounded to 1.0000000000000935),
    and the right class's gradient is -s / (1 + s), not 1/(1 + s) - 1.
    """
    m = Z.shape[0]
    # Row maxima and sums as reductions over axis 0 of the transposed (C, m) copy: numpy is slow at
    # reducing many short rows, so this is ~3x faster than Z.max(axis=1, keepdims=True) for C ~ 10.
    row_max = Z.T.copy().max(axis=0)[:, None]  # (m, 1)
    shifted = Z - row_max  # (m, C), each row's max is 0: exp never overflows
    # z - max is rounded; its rounding error (exactly, by Knuth's two-sum) times e^(z - max) restores the
    # last digits of e^(z - max), which the gradient needs when |z - max| is large.
    rounding = _subtraction_error(Z, row_max, shifted)  # (m, C): (Z - row_max) - shifted, exactly
    with np.errstate(under="ignore"):
        e = np.exp(shifted)  # (m, C), in (0, 1], one entry per row exactly 1
        e = e + e * rounding  # e^(shifted + rounding) to first order: the rounding is below 1e-13
    others = e.copy()
    others[np.arange(m), shifted.argmax(axis=1)] = 0.0  # the row's 1 left out (one of them, if tied)
    s = others.T.copy().sum(axis=0)[:, None]  # (m, 1): the row sum minus its 1, summed without that 1
    loss = (np.sum(np.log1p(s)) - np.vdot(Y, shifted)) / m  # vdot: sum over every entry of Y * shifted
    return float(loss), ((e - Y) - Y * s) / (1.0 + s) / m


# --- mean squared error --------------------------------------------------------------


def mean_squared_error(Y_hat, Y):
    """L = (1 / (m K)) sum_i sum_k (y_hat_ik - y_ik)^2: the mean over every entry."""
    Y_hat = _as_matrix(Y_hat, "Y_hat")
    Y = _targets_like(Y, Y_hat)
    return float(np.mean((Y_hat - Y) ** 2))


def mean_squared_error_gradient(Y_hat, Y):
    """dL/dY_hat = 2 (y_hat - y) / (m K), shape (m, K)."""
    Y_hat = _as_matrix(Y_hat, "Y_hat")
    Y = _targets_like(Y, Y_hat)
    return 2.0 * (Y_hat - Y) / Y_hat.size


# --- look-up by name -----------------------------------------------------------------


@dataclass(frozen=True)
class Loss:
    """A loss with its gradient with respect to the predictions, looked up by name.

    ``with_logits`` / ``with_logits_gradient`` compute the same loss from the output
    layer's pre-activation z when the output activation is ``fused_activation``
    (sigmoid for binary, softmax for categorical cross-entropy); ``from_logits`` gives both
    at once, (L, dL/dZ), for the training loop.
    """

    name: str
    function: Callable
    gradient: Callable
    fused_activation: str | None = None
    with_logits: Callable | None = None
    with_logits_gradient: Callable | None = None
    from_logits: Callable | None = None

    def __call__(self, predictions, Y):
        return self.function(predictions, Y)

    def __repr__(self):
        return f"Loss({self.name!r})"


LOSSES = {
    loss.name: loss
    for loss in [
        Loss("binary_cross_entropy", binary_cross_entropy, binary_cross_entropy_gradient,
             "sigmoid", binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_gradient,
             sigmoid_cross_entropy),
        Loss("categorical_cross_entropy", categorical_cross_entropy, categorical_cross_entropy_gradient,
             "softmax", softmax_cross_entropy_with_logits, softmax_cross_entropy_with_logits_gradient,
             softmax_cross_entropy),
        Loss("mean_squared_error", mean_squared_error, mean_squared_error_gradient),
    ]
}

_ALIASES = {
    "bce": "binary_cross_entropy",
    "log_loss": "binary_cross_entropy",
    "cross_entropy": "categorical_cross_entropy",
    "cce": "categorical_cross_entropy",
    "mse": "mean_squared_error",
}


def get_loss(name) -> Loss:
    """The Loss called ``name`` (e.g. "binary_cross_entropy" or "mse"); a Loss is returned as is."""
    if isinstance(name, Loss):
        return name
    if not isinstance(name, str):
        raise TypeError(f"a loss is given by name, e.g. 'binary_cross_entropy'; got {type(name).__name__} {name!r}")
    key = name.lower().replace("-", "_").replace(" ", "_")
    key = _ALIASES.get(key, key)
    if key not in LOSSES:
        raise unknown_name_error("loss", name, LOSSES, _ALIASES)
    return LOSSES[key]
