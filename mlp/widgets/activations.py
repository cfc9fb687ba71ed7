"""The activation explorer: an activation, its derivative, and what they do to a deep network (lesson 3).

Top: f(z) and f'(z) on [-z, z], shaded where |f'| < 1 % of its largest value (flat, "saturated": no
gradient passes); where f' jumps (ReLU at 0) its line breaks, a filled dot at the value ``mlp`` uses, an
open one at the other side's limit. Bottom: a stack of hidden layers of the activation runs one forward
and backward pass on the lesson's moons: ||dW_l|| per layer on a log scale, with sigmoid, tanh and ReLU
in grey (a line falling towards layer 1 is the vanishing gradient), and per hidden layer the share of
units switched off for every example: dead (a = 0: no gradient at all) for the ReLU family, also z <= 0
(a small gradient still passes) for leaky ReLU, ELU and SELU, saturated for the others. Softmax is not
elementwise: its f and f' are the first output of softmax([z, 0]) and s (1 - s).

    >>> explorer = ActivationExplorer()       # sigmoid, 12 hidden layers of 32, on the moons
    >>> explorer.hidden_layers = 20           # what the "hidden layers" slider does
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import traitlets

from ..activations import ACTIVATIONS, get_activation
from ..data import make_moons
from ..network import MLP
from ..plotting import _broken_at, _jumps  # the derivative's jumps, found and broken as plot_activation does
from .canvas import CanvasPanel, axes, choice, image, line, points, slider

__all__ = ["ActivationExplorer", "StackStatistics", "stack_statistics", "derivative_values", "RELU_FAMILY",
           "SATURATION_FRACTION"]

RELU_FAMILY = ("relu", "leaky_relu", "elu", "selu")  # units that negative z switches off
SATURATION_FRACTION = 0.01  # saturated: |f'(z)| below this share of the largest |f'|, for every example
REFERENCES = {"sigmoid": [], "tanh": [6, 3], "relu": [1.5, 2.5]}  # the grey lines of the gradient panel, by dash
INITIALIZERS = ("xavier", "he", "lecun", "auto", "small_normal", "uniform")
BLUE, ORANGE, AMBER, GREY = "#0072B2", "#D55E00", "#E69F00", "#aaaaaa"
SHADE, SHADE_COLOUR = 0.15, "#dae3f0"  # the flat band: 15 % of the way from white to the palette's blue


def derivative_values(activation, z) -> tuple[np.ndarray, np.ndarray]:
    """(f(z), f'(z)) on a 1-D z; softmax: the first output of softmax([z, 0]) and s (1 - s)."""
    activation, z = get_activation(activation), np.asarray(z, dtype=np.float64)
    if activation.elementwise:
        return activation.function(z), activation.derivative(z)
    Z = np.column_stack([z, np.zeros_like(z)])
    return activation.function(Z)[:, 0], activation.derivative(Z)[:, 0, 0]


@lru_cache(maxsize=None)
def _slope(name) -> tuple[float, tuple]:
    """(the largest |f'| over [-20, 20], where f' jumps in (-10, 10)): (1/4, ()) for sigmoid, (1, (0,)) for ReLU."""
    activation, z = get_activation(name), np.linspace(-10.0, 10.0, 801)
    jumps = _jumps(activation.derivative, z, activation.derivative(z)) if activation.elementwise else ()
    return float(np.max(np.abs(derivative_values(name, np.linspace(-20.0, 20.0, 8001))[1]))), tuple(jumps)


@dataclass
class StackStatistics:
    """One pass through a deep stack, index l - 1 for layer l: ||dW_l|| of every weight matrix (the output's
    last), and per hidden layer the share of units with, for every example, a == 0 (dead), z <= 0 (negative)
    or |f'| < 1 % of its peak (saturated)."""

    activation: str
    grad_norms: np.ndarray
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
        zero = int(np.sum(self.grad_norms == 0))
        if zero:
            return f"blocked: the gradient is exactly 0 in {zero} of {len(self.grad_norms)} layers (dead units)"
        if math.isnan(self.ratio):
            return "overflow: the gradient is not finite"
        return "vanishing" if self.ratio < 1e-2 else "exploding" if self.ratio > 1e2 else "roughly steady"


def stack_statistics(activation, X, y, depth=12, width=32, init="xavier", bias=0.0, seed=0) -> StackStatistics:
    """MLP([n_features] + [width] * depth + [n_outputs]) of ``activation`` (``init`` weights from ``seed``,
    hidden biases set to ``bias``): one forward and backward pass on (X, y), its gradients and units."""
    activation = get_activation(activation)
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
        return StackStatistics(activation.name, np.array([np.linalg.norm(grads[f"dW{k}"]) for k in range(1, depth + 2)]),
                               every(A == 0 for A in As), every(Z <= 0 for Z in Zs),
                               every(s < SATURATION_FRACTION * _slope(activation.name)[0] for s in slopes),
                               float(loss))


class ActivationExplorer(CanvasPanel):
    """Pick an activation; see f and f', and the gradients and dead units of a deep stack of it.

    X, y: the stack's batch (class labels); default the lesson's 200 moons (noise 0.2, seed 0).
    activation: any name of ``mlp.activations``; z_max: f and f' on [-z_max, z_max] (1 to 10);
    hidden_layers: 2 to 20 of ``width`` units; init: the weights' initialisation; bias: every hidden
    bias's starting value (-3 to 3; negative switches ReLU units off); seed: the initial weights.
    ``statistics`` and ``references`` (sigmoid, tanh, ReLU) are the current StackStatistics.
    """

    css_class = traitlets.Unicode("activation-explorer").tag(sync=True)

    activation = traitlets.Unicode("sigmoid").tag(sync=True)
    z_max = traitlets.Float(5.0).tag(sync=True)
    hidden_layers = traitlets.Int(12).tag(sync=True)
    init = traitlets.Unicode("xavier").tag(sync=True)
    bias = traitlets.Float(0.0).tag(sync=True)
    REDRAW = ("activation", "z_max", "hidden_layers", "init", "bias")
    HEIGHT = 500

    def __init__(self, X=None, y=None, *, activation="sigmoid", z_max=5.0, hidden_layers=12, width=32,
                 init="xavier", bias=0.0, seed=0):
        if (X is None) != (y is None):
            raise ValueError("give both X and y, or neither (for the lesson's moons)")
        X, y = make_moons(200, noise=0.2, seed=0) if X is None else (X, y)
        self.X, self.y = np.asarray(X, dtype=np.float64), np.asarray(y)
        if self.X.ndim != 2 or self.y.shape != (len(self.X),):
            raise ValueError(f"X must be (m, n_features) and y (m,); got shapes {self.X.shape} and {self.y.shape}")
        if not np.array_equal(self.y, np.round(self.y)) or self.y.min() < 0:
            raise ValueError("y must be class labels 0, 1, ...: the stack ends in a sigmoid or softmax classifier")
        for name, value, low, high in (("z_max", z_max, 1, 10), ("hidden_layers", hidden_layers, 2, 20), ("bias", bias, -3, 3)):
            if not low <= value <= high:
                raise ValueError(f"{name} must be between {low} and {high}; got {value!r}")
        if init not in INITIALIZERS:
            raise ValueError(f"init must be one of {INITIALIZERS}; got {init!r}")
        self.width, self.seed, self._cache = int(width), seed, {}
        super().__init__(activation=get_activation(activation).name, z_max=float(z_max), hidden_layers=int(hidden_layers),
                         init=init, bias=float(bias), controls_height=60, controls=[
                             choice("activation", "activation", list(ACTIVATIONS), menu=True),
                             slider("z_max", "z range ±", 1, 10, 0.5),
                             choice("init", "initialisation", INITIALIZERS, menu=True),
                             slider("hidden_layers", "hidden layers", 2, 20, 1, integer=True),
                             slider("bias", "initial bias", -3, 3, 0.25)])
        self.redraw()

    def _statistics(self, name) -> StackStatistics:
        key = (name, self.hidden_layers, self.init, self.bias)
        if key not in self._cache:
            self._cache = {} if len(self._cache) > 200 else self._cache
            self._cache[key] = stack_statistics(name, self.X, self.y, key[1], self.width, self.init, self.bias, self.seed)
        return self._cache[key]

    def draw(self):
        name, depth = self.activation, self.hidden_layers
        self.statistics = stats = self._statistics(name)
        self.references = {ref: self._statistics(ref) for ref in REFERENCES if ref != name}
        ratio = stats.verdict if math.isnan(stats.ratio) or stats.verdict.startswith("blocked") else \
            f"‖dW1‖ / ‖dW{depth + 1}‖ = {stats.ratio:.1e} ({stats.verdict})"
        kind = "dead" if name in RELU_FAMILY else "saturated"
        share = f"{kind} units {getattr(stats, kind + '_share').mean():.0%} of {depth * self.width}" + (
            f" (z ≤ 0 for every example: {stats.negative_share.mean():.0%})" if kind == "dead" and name != "relu" else
            f" (each hidden layer applies softmax across its {self.width} units)" if name == "softmax" else "")
        return [*self._functions(get_activation(name)), self._gradients(name, stats), self._units(name, stats)], (
            f"{name}, {depth} hidden layers of {self.width} ({self.init}, bias {self.bias:g}) → {ratio}; {share}")

    def _functions(self, activation):
        """f; f' broken at its jumps, with their dots and its peak dotted; the flat band shaded in both."""
        z = np.linspace(-self.z_max, self.z_max, 401)
        (f, df), (peak, jumps) = derivative_values(activation, z), _slope(activation.name)
        flat, jumps = np.abs(df) < SATURATION_FRACTION * peak, [c for c in jumps if -self.z_max < c < self.z_max]
        dots = [activation.derivative(np.array([c, np.nextafter(c, -np.inf), np.nextafter(c, np.inf)])) for c in jumps]
        derivative = [line(*_broken_at(z, df, activation.derivative, jumps), ORANGE, 2),
                      line(z[[0, -1]], [peak, peak], ORANGE, 1.2, [2, 3], f"max |f'| = {peak:.3g}"),
                      points(jumps, [value for value, _, _ in dots], ORANGE, size=4),  # the value mlp uses
                      points(jumps, [right if abs(value - left) <= abs(value - right) else left  # the other limit
                                     for value, left, right in dots], "white", size=4, edge=ORANGE)]
        titles = (f"f(z) = {activation.name}(z)", "f'(z)") if activation.elementwise else \
            ("f(z): first output of softmax([z, 0])", "f'(z): Jacobian diagonal s(1 − s)")
        panels = []
        for left, curves, low, high, title in ((60, [line(z, f, BLUE, 2)], f.min(), f.max(), titles[0]),
                                               (450, derivative, df.min(), max(df.max(), peak), titles[1])):
            low, high = min(low, 0.0), max(high, 0.0)
            ylim = (low - 0.08 * (high - low or 1), high + 0.5 * (high - low or 1))  # the top third: the legend
            shading = [image(SHADE * flat[None, :], (z[0], z[-1], *ylim), "sequential", 0, 1)]
            if flat.any():
                shading.append(line([], [], SHADE_COLOUR, 8, label=f"flat: |f'| < {SATURATION_FRACTION:.0%} of its max"))
            zero_lines = [line(z[[0, -1]], [0, 0], "#000", 0.8), line([0, 0], ylim, "#000", 0.8)]
            panels.append(axes((left, 30, 300, 170), shading + zero_lines + curves, (z[0], z[-1]), ylim, title, "z",
                               legend="upper left"))
        return panels

    def _gradients(self, name, stats):
        """||dW_l|| per layer on a log scale, the chosen activation over grey references, a legend on top."""
        layers = np.arange(1, len(stats.grad_norms) + 1)
        positive = lambda v: np.where(np.isfinite(v) & (v > 0), v, np.nan)  # noqa: E731
        everything = np.concatenate([positive(s.grad_norms) for s in (stats, *self.references.values())])
        low, high = (np.nanmin(everything) / 3, np.nanmax(everything) * 3) if np.isfinite(everything).any() else (1e-3, 1)
        top = high * (high / low) ** 1.1  # the top half: the legend
        items = [line(layers, positive(ref.grad_norms), GREY, 1.5, REFERENCES[ref_name],
                      ref_name + (" (0 in some layers)" if np.any(ref.grad_norms == 0) else ""))
                 for ref_name, ref in self.references.items()]
        items += [line(layers, positive(stats.grad_norms), BLUE, 2, label=name),
                  points(layers, positive(stats.grad_norms), BLUE, size=3)]
        if np.any(stats.grad_norms == 0):  # marked just above the bottom
            zero = layers[stats.grad_norms == 0]
            items.append(points(zero, np.full(zero.size, low * (top / low) ** 0.05), ORANGE, size=5, marker="x",
                                label="gradient exactly 0"))
        return axes((60, 290, 300, 170), items, (0.5, layers[-1] + 0.5), (low, top),
                    f"‖dW‖ per layer (log scale): {stats.verdict.split(':')[0]}",
                    f"layer ℓ (1 = next to the input, {layers[-1]} = output)", ylog=True, legend="upper left")

    def _units(self, name, stats):
        """The share of switched-off units per hidden layer, as outlined bars."""
        def bars(shares, half, colour, width, dash, label):  # one broken line: 0, height, height, 0 per layer
            x = [[k - half, k - half, k + half, k + half, np.nan] for k in range(1, len(shares) + 1)]
            return line(np.ravel(x), np.ravel([[0, 100 * s, 100 * s, 0, np.nan] for s in shares]), colour, width, dash,
                        label)

        if name not in RELU_FAMILY:
            shares, kind = stats.saturated_share, "saturated"
            items = [bars(shares, 0.3, AMBER, 2, None, f"|f'| < {SATURATION_FRACTION:.0%} of its max")]
        else:
            shares, kind = stats.dead_share, "dead"
            items = [bars(shares, 0.3, ORANGE, 2, None, "dead: a = 0 (gradient exactly 0)")]
            if name != "relu":
                items.append(bars(stats.negative_share, 0.4, AMBER, 1.5, [4, 3], "z ≤ 0 (not dead: a small gradient)"))
        return axes((450, 290, 300, 170), items, (0.4, len(shares) + 0.6), (0, 150),
                    f"{kind} units per layer (% of {self.width})" + ("" if shares.any() else ": none"), "hidden layer ℓ",
                    legend="upper left")
