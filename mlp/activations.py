"""Activation functions and their derivatives with respect to the pre-activation z.

Every function takes ``z`` of any shape, typically (m, n_units), and returns an
array of the same shape. Each derivative sits right under its function.

All of them are numerically stable for |z| up to 1e4 and beyond: no overflow,
no NaN, no inf. Results that underflow (``exp(-10000)``) are rounded to 0, which
is the correctly rounded answer, so underflow is silenced inside the functions.

Convention at kinks: ReLU'(0) = 0 (as in PyTorch and TensorFlow); leaky ReLU'(0) = alpha;
ELU'(0) and SELU'(0) use the left-hand branch. A kink is a single point, so
training does not depend on the choice, but a gradient check must avoid z = 0.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .checks import as_float_array, unknown_name_error
from .fast import FAST_FUNCTIONS

LEAKY_RELU_ALPHA = 0.01
ELU_ALPHA = 1.0
# SELU's constants (Klambauer et al., 2017), chosen so activations keep mean 0 and variance 1.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _as_float(z) -> np.ndarray:
    """z as a float array: float32 and float64 arrays stay as they are (a float32 network stays
    float32); numbers, lists, ints and bools become float64; anything else (None, strings) is an error."""
    if isinstance(z, np.ndarray) and (z.dtype == np.float64 or z.dtype == np.float32):
        return z
    return as_float_array(z, "z")


def _underflow_to_zero(function):
    """Run ``function`` with numpy's underflow flag silenced: a result too small for
    float64 (e^-10000) is rounded to 0, the correctly rounded answer, not an error."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with np.errstate(under="ignore"):
            return function(*args, **kwargs)

    return wrapper


@_underflow_to_zero
def sigmoid(z):
    """sigma(z) = 1 / (1 + e^(-z)), computed without overflow.

    For z >= 0 use 1 / (1 + e^(-z)); for z < 0 the algebraically equal
    e^z / (1 + e^z). Both only ever take exp of a number <= 0.
    """
    z = _as_float(z)
    e = np.exp(-np.abs(z))  # e^(-|z|), in (0, 1]
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@_underflow_to_zero
def sigmoid_derivative(z):
    """sigma'(z) = sigma(z) * (1 - sigma(z)); at most 0.25, at z = 0."""
    s = sigmoid(z)
    return s * (1.0 - s)


@_underflow_to_zero
def tanh(z):
    """tanh(z) = (e^z - e^(-z)) / (e^z + e^(-z)) = 2 sigma(2z) - 1, in (-1, 1)."""
    return np.tanh(_as_float(z))


@_underflow_to_zero
def tanh_derivative(z):
    """tanh'(z) = 1 - tanh(z)^2; at most 1, at z = 0."""
    t = np.tanh(_as_float(z))
    return 1.0 - t * t


def relu(z):
    """ReLU(z) = max(0, z). (Exact: it cannot underflow, so it needs no silencing.)"""
    return np.maximum(_as_float(z), 0.0)


def relu_derivative(z):
    """ReLU'(z) = 1 if z > 0 else 0. Convention: ReLU'(0) = 0."""
    z = _as_float(z)
    return (z > 0).astype(z.dtype)


@_underflow_to_zero
def leaky_relu(z, alpha: float = LEAKY_RELU_ALPHA):
    """LeakyReLU(z) = z if z > 0 else alpha * z (alpha = 0.01)."""
    z = _as_float(z)
    return np.where(z > 0, z, alpha * z)


@_underflow_to_zero
def leaky_relu_derivative(z, alpha: float = LEAKY_RELU_ALPHA):
    """LeakyReLU'(z) = 1 if z > 0 else alpha. Convention: LeakyReLU'(0) = alpha."""
    z = _as_float(z)
    return np.where(z > 0, 1.0, alpha).astype(z.dtype)


@_underflow_to_zero
def elu(z, alpha: float = ELU_ALPHA):
    """ELU(z) = z if z > 0 else alpha * (e^z - 1).

    ``expm1`` of min(z, 0) keeps e^z - 1 exact near 0 and never overflows.
    """
    z = _as_float(z)
    negative_part = alpha * np.expm1(np.minimum(z, 0.0))
    return np.where(z > 0, z, negative_part)


@_underflow_to_zero
def elu_derivative(z, alpha: float = ELU_ALPHA):
    """ELU'(z) = 1 if z > 0 else alpha * e^z. Convention: ELU'(0) = alpha."""
    z = _as_float(z)
    negative_part = alpha * np.exp(np.minimum(z, 0.0))
    return np.where(z > 0, 1.0, negative_part)


@_underflow_to_zero
def selu(z):
    """SELU(z) = scale * ELU(z, alpha) with alpha = 1.6733, scale = 1.0507."""
    return SELU_SCALE * elu(z, SELU_ALPHA)


@_underflow_to_zero
def selu_derivative(z):
    """SELU'(z) = scale if z > 0 else scale * alpha * e^z."""
    return SELU_SCALE * elu_derivative(z, SELU_ALPHA)


@_underflow_to_zero
def softplus(z):
    """softplus(z) = ln(1 + e^z), a smooth ReLU, computed as logaddexp(0, z)."""
    return np.logaddexp(0.0, _as_float(z))


@_underflow_to_zero
def softplus_derivative(z):
    """softplus'(z) = e^z / (1 + e^z) = sigma(z)."""
    return sigmoid(z)


@_underflow_to_zero
def gaussian(z):
    """gaussian(z) = e^(-z^2), a bump with maximum 1 at z = 0."""
    z = _as_float(z)
    return np.exp(-z * z)


@_underflow_to_zero
def gaussian_derivative(z):
    """gaussian'(z) = -2 z e^(-z^2)."""
    z = _as_float(z)
    return -2.0 * z * np.exp(-z * z)


@_underflow_to_zero
def linear(z):
    """linear(z) = z, the identity: no activation at all."""
    return _as_float(z).copy()


@_underflow_to_zero
def linear_derivative(z):
    """linear'(z) = 1."""
    return np.ones_like(_as_float(z))


@_underflow_to_zero
def softmax(z):
    """Row-wise softmax: softmax(z)_ik = e^(z_ik) / sum_j e^(z_ij).

    z has shape (m, C): one row of C scores per example; every output row sums to 1.
    Subtracting each row's maximum first changes nothing mathematically
    (the factor e^(-max) cancels) and keeps every exp argument <= 0.
    """
    z = _as_float(z)
    shifted = z - z.max(axis=-1, keepdims=True)  # (m, C), each row's max is 0
    e = np.exp(shifted)  # (m, C), in (0, 1]
    return e / e.sum(axis=-1, keepdims=True)  # (m, C)


@_underflow_to_zero
def softmax_derivative(z):
    """The Jacobian of softmax for each row: J_ikl = d s_ik / d z_il = s_ik (delta_kl - s_il).

    Softmax mixes the scores of a row, so its derivative is a C x C matrix per
    example, not an elementwise array. z has shape (m, C); the result (m, C, C).
    """
    s = softmax(z)  # (m, C)
    return s[..., :, None] * (np.eye(s.shape[-1]) - s[..., None, :])  # (m, C, C)


@_underflow_to_zero
def softmax_backward(dA, z):
    """dL/dz for softmax given dL/da, without building the Jacobian.

    dz_ik = sum_l dA_il J_ilk = s_ik (dA_ik - sum_l dA_il s_il). Shapes (m, C).
    """
    s = softmax(z)
    return s * (dA - (dA * s).sum(axis=-1, keepdims=True))


@dataclass(frozen=True)
class Activation:
    """An activation function with its derivative, looked up by name.

    ``backward(dA, z)`` turns the gradient with respect to the activation a = f(z)
    into the gradient with respect to z: dZ = dA * f'(z) for elementwise functions.
    """

    name: str
    function: Callable
    derivative: Callable
    elementwise: bool = True
    derivative_from_output: Callable | None = None  # f'(z) written with a = f(z), where that is exact

    def __call__(self, z):
        return self.function(z)

    @property
    def fast_function(self) -> Callable:
        """f in numpy's fastest exact form, as a network layer computes it (``mlp.fast``): exact to 2 ulps
        as ``function`` is; ``function`` itself where that is already the fastest form."""
        return FAST_FUNCTIONS.get(self.name, self.function)

    def backward(self, dA, z, a=None):
        """dZ from dA. ``a``: f(z) from the forward pass, if kept: sigmoid's, tanh's and ReLU's derivatives
        are then read off it (sigma' = a (1 - a), tanh' = 1 - a^2) instead of computing f(z) a second time:
        from the same f(z), the same numbers bit for bit, at half the cost."""
        if not self.elementwise:
            return softmax_backward(dA, z)  # (m, C): a row-wise Jacobian-vector product
        if a is not None and self.derivative_from_output is not None:
            return dA * self.derivative_from_output(a)  # (m, n)
        return dA * self.derivative(z)  # (m, n): Hadamard product

    def __repr__(self):
        return f"Activation({self.name!r})"


ACTIVATIONS = {
    activation.name: activation
    for activation in [
        Activation("sigmoid", sigmoid, sigmoid_derivative, derivative_from_output=lambda a: a * (1.0 - a)),
        Activation("tanh", tanh, tanh_derivative, derivative_from_output=lambda a: 1.0 - a * a),
        Activation("relu", relu, relu_derivative, derivative_from_output=lambda a: a > 0),  # True/False: 1/0
        Activation("leaky_relu", leaky_relu, leaky_relu_derivative),
        Activation("elu", elu, elu_derivative),
        Activation("selu", selu, selu_derivative),
        Activation("softplus", softplus, softplus_derivative),
        Activation("gaussian", gaussian, gaussian_derivative),
        Activation("linear", linear, linear_derivative),
        Activation("softmax", softmax, softmax_derivative, elementwise=False),
    ]
}


def get_activation(name) -> Activation:
    """The Activation called ``name`` (e.g. "relu"); an Activation is returned as is."""
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(
            f"an activation is given by name, e.g. 'relu'; got {type(name).__name__} {name!r}"
        )
    key = name.lower().replace("-", "_").replace(" ", "_")
    key = {"identity": "linear", "none": "linear", "leakyrelu": "leaky_relu"}.get(key, key)
    if key not in ACTIVATIONS:
        raise unknown_name_error("activation", name, ACTIVATIONS)
    return ACTIVATIONS[key]
