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

from .activations import sigmoid, softmax
from .checks import unknown_name_error
from .targets import one_hot

EPSILON = 1e-15  # p is clipped to [EPSILON, 1 - EPSILON]: -ln(1e-15) = 34.5 bounds each term


def _as_matrix(values) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    return array[:, None] if array.ndim == 1 else array


def _targets_like(Y, predictions: np.ndarray) -> np.ndarray:
    """Y as a float matrix shaped like the predictions; integer labels become one-hot."""
    Y = np.asarray(Y)
    if Y.ndim == 1 and predictions.shape[1] > 1:
        Y = one_hot(Y, predictions.shape[1])
    Y = _as_matrix(Y)
    if Y.shape != predictions.shape:
        raise ValueError(
            f"the targets have shape {Y.shape} but the predictions have shape {predictions.shape}; "
            f"expected targets of shape {predictions.shape}"
        )
    return Y


# --- binary cross-entropy ------------------------------------------------------------


def binary_cross_entropy(P, Y):
    """L = -(1/m) sum_i [ y_i ln p_i + (1 - y_i) ln(1 - p_i) ], with p clipped.

    P : predicted probabilities of class 1, shape (m, 1) or (m,); Y : 0/1 labels, same shape.
    """
    P = _as_matrix(P)
    Y = _targets_like(Y, P)
    P = np.clip(P, EPSILON, 1.0 - EPSILON)
    return float(-np.sum(Y * np.log(P) + (1.0 - Y) * np.log1p(-P)) / P.shape[0])


def binary_cross_entropy_gradient(P, Y):
    """dL/dP = -(1/m) [ y / p - (1 - y) / (1 - p) ] = (1/m) (p - y) / (p (1 - p)), shape (m, 1)."""
    P = _as_matrix(P)
    Y = _targets_like(Y, P)
    P = np.clip(P, EPSILON, 1.0 - EPSILON)
    return (P - Y) / (P * (1.0 - P)) / P.shape[0]


def binary_cross_entropy_with_logits(Z, Y):
    """The same loss computed from z, where p = sigma(z); exact for any z.

    -[y ln sigma(z) + (1 - y) ln(1 - sigma(z))] = max(z, 0) - z y + ln(1 + e^(-|z|)).
    """
    Z = _as_matrix(Z)
    Y = _targets_like(Y, Z)
    with np.errstate(under="ignore"):
        per_entry = np.maximum(Z, 0.0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))
    return float(np.sum(per_entry) / Z.shape[0])


def binary_cross_entropy_with_logits_gradient(Z, Y):
    """dL/dz = (1/m) (sigma(z) - y): the sigmoid's derivative cancels the loss's 1/(p(1-p))."""
    Z = _as_matrix(Z)
    Y = _targets_like(Y, Z)
    return (sigmoid(Z) - Y) / Z.shape[0]


# --- categorical cross-entropy -------------------------------------------------------


def categorical_cross_entropy(P, Y):
    """L = -(1/m) sum_i sum_k Y_ik ln P_ik, with P clipped.

    P : predicted class probabilities, shape (m, C), rows summing to 1.
    Y : one-hot targets (m, C), or integer labels (m,) with values 0..C-1.
    """
    P = _as_matrix(P)
    Y = _targets_like(Y, P)
    return float(-np.sum(Y * np.log(np.clip(P, EPSILON, 1.0))) / P.shape[0])


def categorical_cross_entropy_gradient(P, Y):
    """dL/dP = -(1/m) Y / P, shape (m, C)."""
    P = _as_matrix(P)
    Y = _targets_like(Y, P)
    return -Y / np.clip(P, EPSILON, 1.0) / P.shape[0]


def softmax_cross_entropy_with_logits(Z, Y):
    """Categorical cross-entropy of P = softmax(Z), computed from Z; exact for any Z.

    -ln softmax(z)_k = ln sum_j e^(z_j) - z_k, with the row maximum shifted out.
    """
    Z = _as_matrix(Z)
    Y = _targets_like(Y, Z)
    shifted = Z - Z.max(axis=1, keepdims=True)  # (m, C)
    with np.errstate(under="ignore"):
        log_sum_exp = np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (m, 1)
    return float(np.sum(Y * (log_sum_exp - shifted)) / Z.shape[0])


def softmax_cross_entropy_with_logits_gradient(Z, Y):
    """dL/dZ = (1/m) (P - Y) with P = softmax(Z): the fused softmax + cross-entropy gradient."""
    Z = _as_matrix(Z)
    Y = _targets_like(Y, Z)
    return (softmax(Z) - Y) / Z.shape[0]


# --- mean squared error --------------------------------------------------------------


def mean_squared_error(Y_hat, Y):
    """L = (1 / (m K)) sum_i sum_k (y_hat_ik - y_ik)^2: the mean over every entry."""
    Y_hat = _as_matrix(Y_hat)
    Y = _targets_like(Y, Y_hat)
    return float(np.mean((Y_hat - Y) ** 2))


def mean_squared_error_gradient(Y_hat, Y):
    """dL/dY_hat = 2 (y_hat - y) / (m K), shape (m, K)."""
    Y_hat = _as_matrix(Y_hat)
    Y = _targets_like(Y, Y_hat)
    return 2.0 * (Y_hat - Y) / Y_hat.size


# --- look-up by name -----------------------------------------------------------------


@dataclass(frozen=True)
class Loss:
    """A loss with its gradient with respect to the predictions, looked up by name.

    ``with_logits`` / ``with_logits_gradient`` compute the same loss from the output
    layer's pre-activation z when the output activation is ``fused_activation``
    (sigmoid for binary, softmax for categorical cross-entropy).
    """

    name: str
    function: Callable
    gradient: Callable
    fused_activation: str | None = None
    with_logits: Callable | None = None
    with_logits_gradient: Callable | None = None

    def __call__(self, predictions, Y):
        return self.function(predictions, Y)

    def __repr__(self):
        return f"Loss({self.name!r})"


LOSSES = {
    loss.name: loss
    for loss in [
        Loss("binary_cross_entropy", binary_cross_entropy, binary_cross_entropy_gradient,
             "sigmoid", binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_gradient),
        Loss("categorical_cross_entropy", categorical_cross_entropy, categorical_cross_entropy_gradient,
             "softmax", softmax_cross_entropy_with_logits, softmax_cross_entropy_with_logits_gradient),
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
