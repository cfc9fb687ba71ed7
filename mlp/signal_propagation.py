"""Signal propagation: what a deep stack of layers does to the signal forward and the gradient backward.

Forward, every layer multiplies its input by W and applies f; backward, the chain rule multiplies the
gradient by f'(z) and by W transposed, once per layer. Through many layers these factors compound:

- vanishing gradient: factors below 1 shrink the gradient geometrically on its way to the input, and
  the first layers barely learn. Sigmoid's f' is at most 1/4, so with small weights every layer cuts
  the gradient by 4 or more;
- exploding gradient: factors above 1 (large weights) make it grow geometrically instead;
- saturation: where |f'(z)| is tiny (sigmoid or tanh at large |z|) a unit passes almost no gradient;
- dead units: a ReLU unit with z <= 0 for every example outputs 0 and passes no gradient at all.

An initialisation that keeps the spread of z the same from layer to layer (He for ReLU: Var(W) = 2 / n_in)
keeps both passes in range. ``stack_statistics`` runs one forward and backward pass of a deep stack and
measures all of it.

    >>> X, y = mlp.data.make_moons(200, noise=0.2, seed=0)
    >>> stack_statistics("sigmoid", X, y, depth=12).verdict
    'vanishing'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .activations import get_activation
from .checks import as_float_array, check_matrix, check_positive
from .network import MLP

RELU_FAMILY = ("relu", "leaky_relu", "elu", "selu")  # units that negative z switches off
SATURATION_FRACTION = 0.01  # saturated: |f'(z)| below this share of the largest |f'|, for every example


def derivative_values(activation, z) -> tuple[np.ndarray, np.ndarray]:
    """(f(z), f'(z)) on a 1-D z; softmax, not elementwise: the first output of softmax([z, 0]) and s (1 - s)."""
    activation, z = get_activation(activation), as_float_array(z, "z")
    if z.ndim != 1:
        raise ValueError(f"z must be 1-D (a grid of values); got shape {z.shape}")
    if activation.elementwise:
        return activation.function(z), activation.derivative(z)
    Z = np.column_stack([z, np.zeros_like(z)])
    return activation.function(Z)[:, 0], activation.derivative(Z)[:, 0, 0]


@lru_cache(maxsize=None)
def peak_slope(activation) -> float:
    """The largest |f'(z)| over z in [-20, 20]: 1/4 for sigmoid, 1 for tanh and ReLU."""
    return float(np.max(np.abs(derivative_values(activation, np.linspace(-20.0, 20.0, 8001))[1])))


@dataclass
class StackStatistics:
    """One pass through a deep stack, index l - 1 for layer l. grad_norms: ||dW_l|| of every weight matrix
    (the output's last); z_std: the spread of z in each hidden layer (the signal forward); per hidden layer
    the share of units with, for every example, a == 0 (dead), z <= 0 (negative) or |f'| below
    SATURATION_FRACTION of its peak (saturated); loss: the stack's loss on the batch."""

    activation: str
    grad_norms: np.ndarray
    z_std: np.ndarray
    dead_share: np.ndarray
    negative_share: np.ndarray
    saturated_share: np.ndarray
    loss: float

    @property
    def ratio(self) -> float:
        """||dW_1|| / ||dW_last||: below 1 the gradient shrinks on its way to the input (NaN if undefined)."""
        first, last = self.grad_norms[0], self.grad_norms[-1]
        return float(first / last) if np.isfinite(first) and np.isfinite(last) and last != 0 else math.nan

    @property
    def verdict(self) -> str:
        """"vanishing" (ratio below 1e-2), "exploding" (above 1e2), "roughly steady"; "blocked" or "overflow"."""
        zero = int(np.sum(self.grad_norms == 0))
        if zero:
            return f"blocked: the gradient is exactly 0 in {zero} of {len(self.grad_norms)} layers (dead units)"
        if math.isnan(self.ratio):
            return "overflow: the gradient is not finite"
        return "vanishing" if self.ratio < 1e-2 else "exploding" if self.ratio > 1e2 else "roughly steady"


def stack_statistics(activation, X, y, depth=12, width=32, init="xavier", bias=0.0, seed=0) -> StackStatistics:
    """One forward and backward pass of MLP([n_features] + [width] * depth + [n_outputs]) on (X, y).

    Parameters
    ----------
    activation : the hidden layers' activation, any name of ``mlp.activations``.
    X, y : the batch, (m, n_features) and class labels (m,); the stack ends in a sigmoid (two classes)
        or a softmax classifier.
    depth, width : the number of hidden layers and their units.
    init, seed : the weights' initialisation (a name of ``mlp.initializers``) and its seed.
    bias : every hidden bias's starting value (negative switches ReLU units off).
    """
    activation = get_activation(activation)
    X, y = check_matrix(X, "X"), np.asarray(y)
    if y.shape != (len(X),):
        raise ValueError(f"X must be (m, n_features) and y (m,); got shapes {X.shape} and {y.shape}")
    if not np.issubdtype(y.dtype, np.number) or not np.array_equal(y, np.round(y)) or y.min() < 0:
        raise ValueError(f"y must be class labels 0, 1, ...: the stack ends in a sigmoid or softmax classifier; "
                         f"got {y[:5]!r}...")
    depth, width = check_positive(depth, "depth", integer=True), check_positive(width, "width", integer=True)
    if not isinstance(bias, (int, float, np.number)) or not math.isfinite(bias):
        raise ValueError(f"bias must be a finite number; got {bias!r}")
    n_classes = int(np.max(y)) + 1
    output, n_outputs = ("softmax", n_classes) if n_classes > 2 else ("sigmoid", 1)
    model = MLP([X.shape[1]] + [width] * depth + [n_outputs], hidden_activation=activation.name,
                output_activation=output, init=init, seed=seed)
    for layer in model.layers[:-1]:
        layer.params["b"][...] = bias
    with np.errstate(all="ignore"):  # deep stacks may overflow: reported, not warned about
        loss, grads = model.loss_and_gradients(X, y)
        Zs = [layer.cache[2] for layer in model.layers[:-1]]  # (m, width) per hidden layer
        As = [layer.cache[0] for layer in model.layers[1:]]  # their outputs: the next layer's inputs
        slopes = [np.abs(activation.derivative(Z)) for Z in Zs] if activation.elementwise else \
            [A * (1 - A) for A in As]  # softmax: its Jacobian's diagonal
        every = lambda masks: np.array([np.mean(np.all(mask, axis=0)) for mask in masks])  # noqa: E731
        return StackStatistics(
            activation.name, grad_norms=np.array([np.linalg.norm(grads[f"dW{k}"]) for k in range(1, depth + 2)]),
            z_std=np.array([np.std(Z) for Z in Zs]), dead_share=every(A == 0 for A in As),
            negative_share=every(Z <= 0 for Z in Zs),
            saturated_share=every(s < SATURATION_FRACTION * peak_slope(activation.name) for s in slopes),
            loss=float(loss))
