"""The activation explorer: an activation, its derivative, and what they do to a deep network (lesson 3).

Top: f(z) and f'(z), shaded where f' is flat; where f' jumps (ReLU at 0) a filled dot marks the value ``mlp`` uses,
an open one the other side's limit. Bottom: one pass of a deep stack of it on the lesson's moons, sigmoid, tanh and
ReLU in grey (``mlp.signal_propagation``): a line of ||dW_l|| falling towards layer 1 is the vanishing gradient.

    >>> explorer = ActivationExplorer()       # sigmoid, 12 hidden layers of 32, on the moons
    >>> explorer.hidden_layers = 20           # what the "hidden layers" slider does
"""

from __future__ import annotations

from functools import lru_cache, partial

import numpy as np
import traitlets

from ..activations import ACTIVATIONS, get_activation
from ..data import make_moons
from ..plotting import _broken_at, _jumps  # the derivative's jumps, found and broken as plot_activation does
from ..signal_propagation import RELU_FAMILY, SATURATION_FRACTION, derivative_values, peak_slope, stack_statistics
from .canvas import CanvasPanel, axes, choice, image, line, points, slider

__all__ = ["ActivationExplorer"]

REFERENCES = {"sigmoid": [], "tanh": [6, 3], "relu": [1.5, 2.5]}  # the grey lines of the gradient panel, by dash
INITIALIZERS = ("xavier", "he", "lecun", "auto", "small_normal", "uniform")
BLUE, ORANGE, AMBER, GREY = "#0072B2", "#D55E00", "#E69F00", "#aaaaaa"
FLAT = f"|f'| < {SATURATION_FRACTION:.0%} of its max"  # no gradient passes


@lru_cache(maxsize=None)
def _derivative_jumps(name) -> tuple:  # where f' jumps in (-10, 10): (0.0,) for ReLU, () for sigmoid
    activation, z = get_activation(name), np.linspace(-10.0, 10.0, 801)
    return tuple(_jumps(activation.derivative, z, activation.derivative(z))) if activation.elementwise else ()


class ActivationExplorer(CanvasPanel):
    """f and f' on [-z_max, z_max], and a deep stack of it on X, y (default: the moons) as ``stack_statistics`` builds
    it, kept per (activation, depth, init, bias); ``statistics``: its results, ``references``: the grey lines'."""

    css_class = traitlets.Unicode("activation-explorer").tag(sync=True)
    activation = traitlets.Unicode("sigmoid").tag(sync=True)
    z_max = traitlets.Float(5.0, min=1, max=10).tag(sync=True)  # the sliders' ranges, checked when set
    hidden_layers = traitlets.Int(12, min=2, max=20).tag(sync=True)
    init = traitlets.Enum(INITIALIZERS, "xavier").tag(sync=True)
    bias = traitlets.Float(0.0, min=-3, max=3).tag(sync=True)
    REDRAW = ("activation", "z_max", "hidden_layers", "init", "bias")
    HEIGHT = 500

    def __init__(self, X=None, y=None, *, activation="sigmoid", z_max=5.0, hidden_layers=12, width=32,
                 init="xavier", bias=0.0, seed=0):
        X, y = make_moons(200, noise=0.2, seed=0) if X is None and y is None else (X, y)  # checked by stack_statistics
        self.width = int(width)
        self._stack = lru_cache(maxsize=256)(partial(stack_statistics, X=X, y=y, width=self.width, seed=seed))
        super().__init__(activation=get_activation(activation).name, z_max=float(z_max),
                         hidden_layers=int(hidden_layers), init=init, bias=float(bias), controls_height=60, controls=[
            choice("activation", "activation", list(ACTIVATIONS), menu=True),
            slider("z_max", "z range ±", 1, 10, 0.5), choice("init", "initialisation", INITIALIZERS, menu=True),
            slider("hidden_layers", "hidden layers", 2, 20, 1, integer=True),
            slider("bias", "initial bias", -3, 3, 0.25)])
        self.redraw()

    def draw(self):
        name, depth, settings = self.activation, self.hidden_layers, dict(init=self.init, bias=self.bias)
        self.statistics = stats = self._stack(name, depth=depth, **settings)
        self.references = {ref: self._stack(ref, depth=depth, **settings) for ref in REFERENCES if ref != name}
        ratio = stats.verdict if np.isnan(stats.ratio) or stats.verdict.startswith("blocked") else \
            f"‖dW1‖ / ‖dW{depth + 1}‖ = {stats.ratio:.1e} ({stats.verdict})"
        kind = "dead" if name in RELU_FAMILY else "saturated"
        share = f"{kind} units {getattr(stats, kind + '_share').mean():.0%} of {depth * self.width}" + (
            f" (z ≤ 0 for every example: {stats.negative_share.mean():.0%})" if kind == "dead" and name != "relu" else
            f" (each hidden layer applies softmax across its {self.width} units)" if name == "softmax" else "")
        return [*self._functions(get_activation(name)), self._gradients(name, stats), self._units(name, stats, kind)], (
            f"{name}, {depth} hidden layers of {self.width} ({self.init}, bias {self.bias:g}) → {ratio}; {share}")

    def _functions(self, activation):
        """f; f' broken at its jumps, with their dots and its peak dotted; the flat band shaded in both."""
        z = np.linspace(-self.z_max, self.z_max, 401)
        (f, df), peak = derivative_values(activation, z), peak_slope(activation.name)
        flat = np.abs(df) < SATURATION_FRACTION * peak
        jumps = [c for c in _derivative_jumps(activation.name) if -self.z_max < c < self.z_max]
        dots = [activation.derivative(np.array([c, np.nextafter(c, -np.inf), np.nextafter(c, np.inf)])) for c in jumps]
        derivative = [line(*_broken_at(z, df, activation.derivative, jumps), ORANGE, 2),
                      line(z[[0, -1]], [peak, peak], ORANGE, 1.2, [2, 3], f"max |f'| = {peak:.3g}"),
                      points(jumps, [value for value, _, _ in dots], ORANGE, size=4),  # the value mlp uses
                      points(jumps, [right if abs(value - left) <= abs(value - right) else left  # the other limit
                                     for value, left, right in dots], "white", size=4, edge=ORANGE)]
        titles = (f"f(z) = {activation.name}(z)", "f'(z)") if activation.elementwise else \
            ("f(z): first output of softmax([z, 0])", "f'(z): Jacobian diagonal s(1 − s)")
        band = [line([], [], "#dae3f0", 8, label=f"flat: {FLAT}")] if flat.any() else []  # the band's 0.15, in colour
        panels = []
        for left, curves, low, high, title in ((60, [line(z, f, BLUE, 2)], f.min(), f.max(), titles[0]),
                                               (450, derivative, df.min(), max(df.max(), peak), titles[1])):
            low, high = min(low, 0.0), max(high, 0.0)
            ylim = (low - 0.08 * (high - low or 1), high + 0.5 * (high - low or 1))  # the top third: the legend
            items = [image(0.15 * flat[None, :], (z[0], z[-1], *ylim), "sequential", 0, 1), *band,
                     line(z[[0, -1]], [0, 0], "#000", 0.8), line([0, 0], ylim, "#000", 0.8), *curves]
            panels.append(axes((left, 30, 300, 170), items, (z[0], z[-1]), ylim, title, "z", legend="upper left"))
        return panels

    def _gradients(self, name, stats):
        """||dW_l|| per layer on a log scale, the chosen activation over grey references, a legend on top."""
        layers = np.arange(1, len(stats.grad_norms) + 1)
        positive = lambda v: np.where(np.isfinite(v) & (v > 0), v, np.nan)  # noqa: E731
        norms = np.concatenate([positive(s.grad_norms) for s in (stats, *self.references.values())])
        low, high = (np.nanmin(norms) / 3, np.nanmax(norms) * 3) if np.isfinite(norms).any() else (1e-3, 1)
        top = high * (high / low) ** 1.1  # the top half: the legend
        items = [line(layers, positive(ref.grad_norms), GREY, 1.5, REFERENCES[ref_name],
                      ref_name + (" (0 in some layers)" if np.any(ref.grad_norms == 0) else ""))
                 for ref_name, ref in self.references.items()]
        items += [line(layers, positive(stats.grad_norms), BLUE, 2, label=name),
                  points(layers, positive(stats.grad_norms), BLUE, size=3)]
        zero = layers[stats.grad_norms == 0]  # marked just above the bottom
        items += [points(zero, np.full(zero.size, low * (top / low) ** 0.05), ORANGE, size=5, marker="x",
                         label="gradient exactly 0")] if zero.size else []
        return axes((60, 290, 300, 170), items, (0.5, layers[-1] + 0.5), (low, top),
                    f"‖dW‖ per layer (log scale): {stats.verdict.split(':')[0]}",
                    f"layer ℓ (1 = next to the input, {layers[-1]} = output)", ylog=True, legend="upper left")

    def _units(self, name, stats, kind):
        """The share of ``kind`` ("dead" or "saturated") units per hidden layer, as outlined bars."""
        def bars(shares, half, colour, label, width=2, dash=None):  # one broken line: 0, height, height, 0 per layer
            x = np.arange(1, len(shares) + 1)[:, None] + [-half, -half, half, half, np.nan]
            return line(x, 100 * shares[:, None] * [0, 1, 1, 0, np.nan], colour, width, dash, label)

        shares = getattr(stats, kind + "_share")
        items = [bars(shares, 0.3, ORANGE, "dead: a = 0 (gradient exactly 0)") if kind == "dead" else
                 bars(shares, 0.3, AMBER, FLAT)]
        if kind == "dead" and name != "relu":
            items.append(bars(stats.negative_share, 0.4, AMBER, "z ≤ 0 (not dead: a small gradient)", 1.5, [4, 3]))
        title = f"{kind} units per layer (% of {self.width})" + ("" if shares.any() else ": none")
        return axes((450, 290, 300, 170), items, (0.4, len(shares) + 0.6), (0, 150), title, "hidden layer ℓ",
                    legend="upper left")
