"""Gradient checking: compare backpropagation's gradients with numerical derivatives.

Central difference, for every entry theta_j of every parameter:

    dL/dtheta_j  ~  (L(theta + eps e_j) - L(theta - eps e_j)) / (2 eps)

Its error is O(eps^2) from the Taylor series plus O(machine epsilon / eps) from rounding;
eps = 1e-6 balances the two in float64.

Relative error per parameter, with g the analytic and n the numerical gradient:

    rel_error = ||g - n|| / max(||g|| + ||n||, 1e-12)

Tolerance (float64, eps = 1e-6): below 1e-7 the gradients agree; 1e-7 to 1e-4 look at
the details (a kink such as ReLU at 0 near some z can cause it); above 1e-4 there is
almost certainly a bug. Check with l2 = l1 = 0 first, then with them (L1's |w| has a kink at 0:
a weight within eps of 0 gives a wrong numerical derivative there).

Below 1e-8 the digits of a relative error are rounding noise: they change with the CPU, the
BLAS kernel and its thread count. ``format_relative_error`` prints such an error as "< 1e-8".
"""

from __future__ import annotations

import numpy as np

from .checks import check_positive

TOLERANCE = 1e-7
ROUNDING_LEVEL = 1e-8  # below this, a central-difference check measures only rounding noise


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f()`` with respect to array ``x``.

    ``x`` is changed in place entry by entry (f reads it) and restored exactly afterwards.
    Returns an array of x's shape.
    """
    check_positive(eps, "eps")
    grad = np.zeros_like(x, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        loss_plus = f()
        x[index] = original - eps
        loss_minus = f()
        x[index] = original  # restore the exact value
        grad[index] = (loss_plus - loss_minus) / (2.0 * eps)
    return grad


def relative_error(analytic, numeric) -> float:
    """||g - n|| / max(||g|| + ||n||, 1e-12)."""
    analytic, numeric = np.asarray(analytic), np.asarray(numeric)
    denominator = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12)
    return float(np.linalg.norm(analytic - numeric) / denominator)


def format_relative_error(error: float) -> str:
    """A relative error as the lessons print it: "< 1e-8" at rounding level, else two digits ("3.8e-01").

    The digits below ``ROUNDING_LEVEL`` differ from one machine to the next (the order of the
    floating-point operations does), so only the bound is shown; it is what matters against the
    ``TOLERANCE`` of 1e-7.
    """
    error = float(error)
    if np.isnan(error):
        return "nan"
    return "< 1e-8" if error < ROUNDING_LEVEL else f"{error:.1e}"


def gradient_check(model, X, y, eps: float = 1e-6, l2: float = 0.0, l1: float = 0.0) -> dict:
    """Relative error between backprop and numerical gradients, per parameter.

    Returns {"W1": 3e-10, "b1": 1e-10, ...}; all below ``TOLERANCE`` (1e-7) means the
    backward pass is right. The model's parameters are left exactly as they were.
    """
    check_positive(eps, "eps")
    check_positive(l2, "l2", allow_zero=True)
    check_positive(l1, "l1", allow_zero=True)
    _, grads = model.loss_and_gradients(X, y, l2=l2, l1=l1)
    analytic = {name: grad.copy() for name, grad in grads.items()}
    errors = {}
    for name, param in model.params.items():
        numeric = numerical_gradient(lambda: model.loss_value(X, y, l2=l2, l1=l1), param, eps)
        errors[name] = relative_error(analytic["d" + name], numeric)
    return errors
