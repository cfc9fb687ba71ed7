"""The dense (fully connected) layer: forward and backward.

Shapes, with m examples, n_in inputs and n_out units:

    X : (m, n_in)     one example per row
    W : (n_in, n_out) column j holds the weights of unit j
    b : (n_out,)      one bias per unit, broadcast over the m rows
    Z = X @ W + b     (m, n_out)  pre-activation
    A = f(Z)          (m, n_out)  activation, the next layer's X

Backward, given dA = dL/dA of shape (m, n_out), by the chain rule:

    dZ = dA * f'(Z)          (m, n_out)   (Hadamard product)
    dW = X.T @ dZ            (n_in, n_out) same shape as W
    db = dZ summed over rows (n_out,)      same shape as b
    dX = dZ @ W.T            (m, n_in)     passed on to the previous layer

The loss already averages over the m examples, so its gradient carries the 1/m
and dW, db here are plain sums over examples.
"""

from __future__ import annotations

import numpy as np

from .activations import get_activation
from .checks import as_float_array, check_matrix, check_positive
from .initializers import get_initializer
from .rng import make_rng


def _check_shapes(X, W, b, x_name="X", w_name="W", b_name="b", layer_owns_W=False):
    """``layer_owns_W``: W is a layer's own parameter, so a width that disagrees is X's mistake."""
    if W.ndim != 2:
        raise ValueError(f"{w_name} must be a 2-D array of shape (n_in, n_out); got shape {W.shape}")
    if X.shape[1] != W.shape[0] and layer_owns_W:
        raise ValueError(
            f"{x_name} has {X.shape[1]} features per example but this layer takes {W.shape[0]} inputs "
            f"(its {w_name} has shape {W.shape}, (n_in, n_out)); expected {x_name} of shape (m, {W.shape[0]})"
        )
    if X.shape[1] != W.shape[0]:
        n_out = b.shape[0] if b.ndim == 1 else W.shape[1]  # b says how many units the layer has
        expected = (X.shape[1], n_out)
        transposed = (f"; it looks transposed: W is (n_in, n_out) in this course, so use {w_name}.T"
                      if W.shape == expected[::-1] else "")
        raise ValueError(
            f"{w_name} has shape {W.shape} but {x_name} has {X.shape[1]} features per example; "
            f"expected {w_name} of shape {expected}{transposed}"
        )
    if b.shape != (W.shape[1],):
        raise ValueError(
            f"{b_name} has shape {b.shape} but {w_name} has {W.shape[1]} units (columns); "
            f"expected {b_name} of shape ({W.shape[1]},), one bias per unit"
        )


def dense_forward(X, W, b, activation="linear", names=("X", "W", "b")):
    """A = f(X @ W + b) for a batch of examples.

    Parameters
    ----------
    X : (m, n_in); W : (n_in, n_out); b : (n_out,); activation : name, e.g. "relu".
    names : what the learner calls X, W and b (e.g. ("A1", "W2", "b2")), for error messages.

    Returns
    -------
    A : (m, n_out)
    cache : (X, W, Z, activation), what ``dense_backward`` needs.
    """
    X = check_matrix(X, names[0], finite=False)
    W = as_float_array(W, names[1])
    b = as_float_array(b, names[2])
    _check_shapes(X, W, b, *names)
    activation = get_activation(activation)
    Z = X @ W + b  # (m, n_in) @ (n_in, n_out) + (n_out,) -> (m, n_out)
    A = activation(Z)  # (m, n_out)
    return A, (X, W, Z, activation)


def dense_backward(dA, cache):
    """Gradients of the loss for one dense layer, given dA = dL/dA of shape (m, n_out).

    Returns
    -------
    dX : (m, n_in), dW : (n_in, n_out), db : (n_out,)
    """
    X, W, Z, activation = cache
    dA = np.asarray(dA, dtype=np.float64)
    if dA.shape != Z.shape:
        raise ValueError(
            f"dA has shape {dA.shape} but the layer's output A has shape {Z.shape}; "
            f"expected dA of shape {Z.shape}, the same as A"
        )
    dZ = activation.backward(dA, Z)  # (m, n_out)
    return dense_backward_from_dZ(dZ, cache)


def dense_backward_from_dZ(dZ, cache, need_dX=True):
    """The linear part of the backward pass, from dZ = dL/dZ of shape (m, n_out).

    Used directly when dZ is known in closed form, as for softmax with cross-entropy,
    where dZ = (P - Y) / m. ``need_dX=False`` skips dX (returned as None): the first
    layer of a network passes nothing on, since nobody needs dL/dX of the data.
    """
    X, W, Z, activation = cache
    dW = X.T @ dZ  # (n_in, m) @ (m, n_out) -> (n_in, n_out)
    db = dZ.sum(axis=0)  # (m, n_out) -> (n_out,)
    dX = dZ @ W.T if need_dX else None  # (m, n_out) @ (n_out, n_in) -> (m, n_in)
    return dX, dW, db


class Dense:
    """A dense layer holding its parameters and their gradients by name.

    ``params = {"W": (n_in, n_out), "b": (n_out,)}``; after ``backward``,
    ``grads = {"W": dW, "b": db}`` with the same shapes.

    Parameters
    ----------
    n_in, n_out : number of inputs and of units.
    activation : name of the activation, e.g. "relu" (see ``mlp.activations``).
    init : weight initialiser name, or "auto" (He for ReLU-like, Xavier otherwise).
    seed : int or numpy.random.Generator for the initial weights.
    dtype : float64 (default), or float32: half the memory and about twice the speed on large
        matrices, with 7 significant digits instead of 16 (too few for a gradient check).
    """

    def __init__(self, n_in: int, n_out: int, activation="relu", init="auto", seed=None, number=None,
                 dtype=np.float64, dropout: float = 0.0):
        n_in, n_out = check_positive(n_in, "n_in", integer=True), check_positive(n_out, "n_out", integer=True)
        self.activation = get_activation(activation)
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float, np.floating)) or not 0 <= dropout < 1:
            raise ValueError(f"dropout must be the fraction of units dropped while training, in [0, 1); got {dropout!r}")
        self.dropout = float(dropout)
        self.mask = None  # the last training pass's dropout mask (m, n_out), None otherwise
        self.A = None  # the last forward pass's f(Z), before any dropout
        rng = make_rng(seed)
        initialize = get_initializer(init, self.activation.name)
        self.params = {
            "W": np.asarray(initialize(n_in, n_out, rng), dtype=dtype),  # (n_in, n_out)
            "b": np.zeros(n_out, dtype=dtype),  # (n_out,)
        }
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        self.cache = None
        # The layer's place in a network: its arrays are then called A0/X, W1, b1, ... in messages.
        suffix = "" if number is None else str(number)
        x_name = "X" if number in (None, 1) else f"A{number - 1}"
        self.names = (x_name, f"W{suffix}", f"b{suffix}")
        self.param_names = {"W": f"W{suffix}", "b": f"b{suffix}"}

    @property
    def W(self):
        return self.params["W"]

    @property
    def b(self):
        return self.params["b"]

    @property
    def n_in(self) -> int:
        return self.params["W"].shape[0]

    @property
    def n_out(self) -> int:
        return self.params["W"].shape[1]

    def forward(self, X, activate=True, dropout_rng=None):
        """A = f(X @ W + b), shape (m, n_out); remembers what backward needs.

        ``activate=False`` returns Z = X @ W + b instead: a network whose loss takes the
        output layer's Z directly (cross-entropy "with logits") never needs f(Z) there.
        ``dropout_rng``: a training pass of a layer with dropout p. Inverted dropout: each unit's output
        is kept with probability 1 - p and then divided by 1 - p, so its expected value is what the
        layer gives at predict time, where nothing is dropped (and nothing rescaled).
        """
        W, b = self.params["W"], self.params["b"]
        if not (isinstance(X, np.ndarray) and X.dtype == W.dtype and X.ndim == 2 and X.shape[1] == W.shape[0]):
            # Anything but a float matrix of the right width gets the checks and their messages.
            X = check_matrix(X, self.names[0], finite=False, dtype=W.dtype)
            _check_shapes(X, W, b, *self.names, layer_owns_W=True)
        Z = X @ W  # (m, n_in) @ (n_in, n_out) -> (m, n_out)
        Z += b  # + (n_out,) broadcast over the m rows; in place: no second (m, n_out) array
        self.cache = (X, W, Z, self.activation)
        self.mask = self.A = None
        if not activate:
            return Z
        # f(Z) in numpy's fastest exact form (mlp.fast), kept: backward reads sigma', tanh', ReLU' off it
        A = self.A = self.activation.fast_function(Z)  # (m, n_out)
        if self.dropout and dropout_rng is not None:
            keep = 1.0 - self.dropout
            self.mask = (dropout_rng.random(A.shape) < keep).astype(A.dtype) / keep  # (m, n_out): 0 or 1/keep
            A = A * self.mask
        return A

    def backward(self, dA, need_dX=True):
        """From dA (m, n_out) fill ``grads`` and return dX (m, n_in) (None when not ``need_dX``)."""
        X, W, Z, activation = self._cache()
        dA = np.asarray(dA, dtype=Z.dtype)
        if dA.shape != Z.shape:
            dense_backward(dA, self.cache)  # raises the message naming both shapes
        if self.mask is not None:
            dA = dA * self.mask  # a dropped unit passes no gradient back; a kept one, scaled as in forward
        return self.backward_from_dZ(activation.backward(dA, Z, self.A), need_dX)  # dZ = dA * f'(Z)

    def backward_from_dZ(self, dZ, need_dX=True):
        """From dZ (m, n_out) fill ``grads`` and return dX (m, n_in) (None when not ``need_dX``)."""
        dX, self.grads["W"], self.grads["b"] = dense_backward_from_dZ(dZ, self._cache(), need_dX)
        return dX

    def _cache(self):
        if self.cache is None:
            raise RuntimeError("backward() needs a forward() first: the layer has no cached input")
        return self.cache

    def __repr__(self):
        return f"Dense({self.n_in} -> {self.n_out}, {self.activation.name})"
