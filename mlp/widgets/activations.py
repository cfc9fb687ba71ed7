"""The activation explorer: an activation, its derivative, and what they do to a deep network.

Controls: the activation (every name in ``mlp.activations``), the range of z, and a deep
stack of that activation: its number of hidden layers, their initialisation and a starting
bias added to every hidden unit.

Four panels:

- f(z) and f'(z), side by side, over the chosen range. Where f' is below 1 % of its largest
  value the function is flat ("saturated", no gradient passes) and the band is shaded.
- The gradient's size layer by layer, ||dW_l|| after one backward pass of a deep network
  ([n_features] + [width] * depth + [n_outputs], hidden layers all of the chosen activation)
  on the lesson's data, on a log scale, with sigmoid, tanh and ReLU in grey for comparison:
  the vanishing gradient is a line falling towards the input (layer 1).
- The share of units switched off in each hidden layer, measured on one batch (all the
  examples): for the ReLU family the **dead** units, whose activation is exactly 0 for every
  example (their gradient is exactly 0 too); for leaky ReLU, ELU and SELU also the units with
  z <= 0 for every example (not dead: a small gradient still passes). For the other
  activations the **saturated** units, with |f'(z)| < 1 % of its largest value for every example.

Softmax is not elementwise: it maps each row of a layer's z to probabilities that sum to 1.
Its f and f' panels show the first output of softmax([z, 0]) and the diagonal entry of its
Jacobian, s (1 - s), as ``mlp.plotting.plot_activation`` does; in the deep stack each hidden
layer applies softmax across its units, and the backward pass uses the full Jacobian.

    >>> explorer = ActivationExplorer()          # sigmoid, 12 hidden layers of 32 on the moons
    >>> explorer                                 # shows the controls and the picture
    >>> explorer.snapshot()                      # in the next cell: a static copy for GitHub
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from ..activations import ACTIVATIONS, get_activation
from ..data import make_moons
from ..network import MLP
from .panel import Panel

__all__ = ["ActivationExplorer", "StackStatistics", "stack_statistics", "derivative_values", "RELU_FAMILY",
           "SATURATION_FRACTION"]

#: activations whose units can be switched off by negative z
RELU_FAMILY = ("relu", "leaky_relu", "elu", "selu")
#: a unit is saturated when |f'(z)| < SATURATION_FRACTION x the largest |f'| for every example
SATURATION_FRACTION = 0.01
#: the grey comparison lines in the gradient panel
REFERENCES = ("sigmoid", "tanh", "relu")
#: how many drawings of each half of the picture are kept (each about 1 MB)
BAND_CACHE = 12
INITIALIZERS = ("xavier", "he", "lecun", "auto", "small_normal", "uniform")

MAIN_COLOR, DERIVATIVE_COLOR, DEAD_COLOR, OFF_COLOR, FLAT_COLOR = "#0072B2", "#D55E00", "#D55E00", "#E69F00", "#e6e6e6"


def derivative_values(activation, z) -> tuple[np.ndarray, np.ndarray]:
    """(f(z), f'(z)) for a 1-D array z. For softmax: the first output of softmax([z, 0]) and
    its derivative along z, s (1 - s) (the diagonal entry of the Jacobian)."""
    activation = get_activation(activation)
    z = np.asarray(z, dtype=np.float64)
    if activation.elementwise:
        return activation.function(z), activation.derivative(z)
    Z = np.column_stack([z, np.zeros_like(z)])  # rows [z, 0]
    return activation.function(Z)[:, 0], activation.derivative(Z)[:, 0, 0]


def _peak_derivative(activation) -> float:
    """The largest |f'(z)| over z in [-20, 20] (1 for ReLU, 1/4 for sigmoid and for softmax's diagonal)."""
    _, derivative = derivative_values(activation, np.linspace(-20.0, 20.0, 8001))
    return float(np.max(np.abs(derivative)))


def _unit_slopes(activation, Z) -> np.ndarray:
    """|f'(Z)| for each example and unit (softmax: its Jacobian's diagonal s (1 - s))."""
    if activation.elementwise:
        return np.abs(activation.derivative(Z))
    s = activation.function(Z)
    return s * (1.0 - s)


def _intervals(z, mask):
    """(start, stop) of every run of True in ``mask`` over the sorted grid ``z``."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(float(z[start]), float(z[stop - 1])) for start, stop in zip(edges[::2], edges[1::2])]


def _layer_ticks(last: int) -> list[int]:
    """1, 3, 5, ... up to ``last`` (every layer when there are few): about 7 tick labels."""
    step = 1 if last <= 8 else (2 if last <= 15 else 3)
    return list(range(1, last + 1, step))


@dataclass
class StackStatistics:
    """What one forward and backward pass through a deep stack shows (index l - 1 for layer l).

    grad_norms : ||dW_l|| for every weight matrix, l = 1 (next to the input) .. depth + 1 (output).
    dead_share : per hidden layer, the share of units whose activation is exactly 0 for every example.
    negative_share : per hidden layer, the share of units with z <= 0 for every example.
    saturated_share : per hidden layer, the share of units with |f'(z)| < 1 % of its peak for every example.
    """

    activation: str
    grad_norms: np.ndarray
    dead_share: np.ndarray
    negative_share: np.ndarray
    saturated_share: np.ndarray
    loss: float

    @property
    def ratio(self) -> float:
        """||dW_1|| / ||dW_(depth+1)||: below 1 the gradient shrinks on its way to the input."""
        first, last = self.grad_norms[0], self.grad_norms[-1]
        if not (np.isfinite(first) and np.isfinite(last)) or last == 0:
            return math.nan
        return float(first / last)

    @property
    def verdict(self) -> str:
        ratio = self.ratio
        zero = int(np.sum(self.grad_norms == 0))
        if zero:
            return f"blocked: the gradient is exactly 0 in {zero} of {len(self.grad_norms)} layers (dead units)"
        if math.isnan(ratio):
            return "overflow: the gradient is not finite"
        if ratio < 1e-2:
            return "vanishing"
        if ratio > 1e2:
            return "exploding"
        return "roughly steady"


def stack_statistics(activation, X, y, depth=12, width=32, init="xavier", bias=0.0, seed=0) -> StackStatistics:
    """Build MLP([n_features] + [width] * depth + [n_outputs]) with ``activation`` in every hidden
    layer (``init`` weights from ``seed``, hidden biases set to ``bias``), run one forward and one
    backward pass on (X, y) and measure the gradients and the switched-off units."""
    activation = get_activation(activation)
    y = np.asarray(y)
    n_classes = int(y.max()) + 1
    output, n_outputs = ("softmax", n_classes) if n_classes > 2 else ("sigmoid", 1)
    model = MLP([X.shape[1]] + [width] * depth + [n_outputs], hidden_activation=activation.name,
                output_activation=output, init=init, seed=seed)
    for layer in model.layers[:-1]:
        layer.params["b"][...] = bias
    with np.errstate(all="ignore"):  # deep stacks may overflow: reported, never warned about
        loss, grads = model.loss_and_gradients(X, y)
        norms = np.array([np.linalg.norm(grads[f"dW{number}"]) for number in range(1, depth + 2)])
        peak = _peak_derivative(activation)
        dead, negative, saturated = [], [], []
        for layer in model.layers[:-1]:
            Z = layer.cache[2]  # (m, width)
            A = activation.function(Z)
            dead.append(np.mean(np.all(A == 0, axis=0)))
            negative.append(np.mean(np.all(Z <= 0, axis=0)))
            saturated.append(np.mean(np.all(_unit_slopes(activation, Z) < SATURATION_FRACTION * peak, axis=0)))
    return StackStatistics(activation.name, norms, np.array(dead), np.array(negative), np.array(saturated),
                           float(loss))


class ActivationExplorer(Panel):
    """Pick an activation; see f and f', and the gradient and dead units of a deep stack of it.

    Parameters
    ----------
    X, y : the batch the deep stack runs on (class labels). Default: the lesson's moons,
        200 points, noise 0.2, seed 0.
    activation : the starting activation; any name of ``mlp.activations`` (softmax included).
    z_range : (low, high), the starting range of z, within [-10, 10].
    depth : the number of hidden layers of the stack (2 to 20); width : units per hidden layer.
    init : the weights' initialisation ("xavier" as in lesson 3, "he", "lecun", "auto", ...).
    bias : the value every hidden bias starts at (negative values switch ReLU units off).
    seed : the stack's initial weights.

    Attributes
    ----------
    statistics : the StackStatistics of the current stack; references : those of sigmoid, tanh, ReLU.
    """

    figsize = (10.0, 6.0)

    def __init__(self, X=None, y=None, *, activation="sigmoid", z_range=(-5.0, 5.0), depth=12, width=32,
                 init="xavier", bias=0.0, seed=0):
        super().__init__("activation-explorer")
        # No layout engine: with one, savefig draws the figure twice; draw() places the axes itself.
        self.figure = Figure(figsize=self.figsize)
        if (X is None) != (y is None):
            raise ValueError("give both X and y, or neither (for the lesson's moons)")
        if X is None:
            X, y = make_moons(200, noise=0.2, seed=0)
        self.X, self.y = np.asarray(X, dtype=np.float64), np.asarray(y)
        if self.X.ndim != 2 or len(self.X) != len(self.y):
            raise ValueError(f"X must be (m, n_features) and y (m,) class labels; got shapes {self.X.shape}, "
                             f"{self.y.shape}")
        if self.y.ndim != 1 or not np.array_equal(self.y, np.round(self.y)) or self.y.min() < 0:
            raise ValueError("y must be class labels 0, 1, ... (one per example); the stack ends in a sigmoid or "
                             "softmax classifier")
        if init not in INITIALIZERS:
            raise ValueError(f"init must be one of {INITIALIZERS}; got {init!r}")
        self.width, self.seed = int(width), seed
        name = get_activation(activation).name
        if not (-10 <= z_range[0] < z_range[1] <= 10):
            raise ValueError(f"z_range must be (low, high) with -10 <= low < high <= 10; got {z_range!r}")
        if not 2 <= depth <= 20:
            raise ValueError(f"depth must be between 2 and 20 hidden layers; got {depth!r}")

        self.activation_dropdown = widgets.Dropdown(options=list(ACTIVATIONS), value=name, description="activation",
                                                    layout=widgets.Layout(width="240px"))
        self.z_slider = widgets.FloatRangeSlider(value=tuple(z_range), min=-10.0, max=10.0, step=0.5,
                                                 description="z range", continuous_update=False,
                                                 readout_format=".1f", layout=widgets.Layout(width="420px"))
        self.depth_slider = widgets.IntSlider(value=depth, min=2, max=20, description="hidden layers",
                                              continuous_update=False, style={"description_width": "initial"},
                                              layout=widgets.Layout(width="300px"))
        self.init_dropdown = widgets.Dropdown(options=INITIALIZERS, value=init, description="initialisation",
                                              style={"description_width": "initial"},
                                              layout=widgets.Layout(width="220px"))
        self.bias_slider = widgets.FloatSlider(value=bias, min=-3.0, max=3.0, step=0.25, description="initial bias",
                                               continuous_update=False, readout_format=".2f",
                                               style={"description_width": "initial"},
                                               layout=widgets.Layout(width="300px"))
        for control in (self.activation_dropdown, self.z_slider, self.depth_slider, self.init_dropdown,
                        self.bias_slider):
            control.observe(self._on_change, names="value")
        self.assemble([
            widgets.HBox([self.activation_dropdown, self.z_slider]),
            widgets.HBox([self.depth_slider, self.init_dropdown, self.bias_slider]),
        ])
        self._cache: dict = {}
        self._bands: dict = {}
        self.update()

    # --- computing ------------------------------------------------------------------

    def _statistics(self, name) -> StackStatistics:
        key = (name, int(self.depth_slider.value), self.init_dropdown.value, float(self.bias_slider.value))
        if key not in self._cache:
            if len(self._cache) > 100:
                self._cache.clear()
            self._cache[key] = stack_statistics(name, self.X, self.y, depth=key[1], width=self.width, init=key[2],
                                                bias=key[3], seed=self.seed)
        return self._cache[key]

    def _on_change(self, change=None) -> None:
        self.update()

    def update(self) -> None:
        """Recompute what the controls changed, redraw, then (last) the readout."""
        name = self.activation_dropdown.value
        self.statistics = self._statistics(name)
        self.references = {ref: self._statistics(ref) for ref in REFERENCES if ref != name}
        self.refresh(self.readout_text())

    def readout_text(self) -> str:
        name, stats = self.activation_dropdown.value, self.statistics
        low, high = self.z_slider.value
        depth = len(stats.dead_share)
        ratio = stats.ratio
        ratio_text = (f"‖dW1‖ / ‖dW{depth + 1}‖ = {ratio:.1e} ({stats.verdict})"
                      if not math.isnan(ratio) and not stats.verdict.startswith("blocked") else stats.verdict)
        if name in RELU_FAMILY:
            share = f"dead units {stats.dead_share.mean():.0%} of {depth * self.width}"
            if name != "relu":
                share += f" (z ≤ 0 for every example: {stats.negative_share.mean():.0%})"
        else:
            share = f"saturated units {stats.saturated_share.mean():.0%} of {depth * self.width}"
        if name == "softmax":
            share += f" (each hidden layer applies softmax across its {self.width} units)"
        text = (f"{name}: f and f' on z in [{low:g}, {high:g}] · {depth} hidden layers of {self.width}, "
                f"{self.init_dropdown.value} initialisation, bias {self.bias_slider.value:g} → {ratio_text}; {share}")
        return html.escape(text, quote=False)

    # --- drawing --------------------------------------------------------------------

    def _grid(self, figure):
        return figure.add_gridspec(2, 2, left=0.075, right=0.985, bottom=0.085, top=0.95, hspace=0.45, wspace=0.2)

    def draw(self, figure) -> None:
        figure.set_layout_engine("none")  # fixed places: nothing moves between redraws
        if figure is self.figure:
            # The widget's picture is pasted from two cached bands of pixels, each redrawn only
            # when its own controls change: the top band f and f' (activation, z range), the
            # bottom band the deep stack (activation, depth, initialisation, bias).
            split = self._split_row()
            pixels = np.concatenate([self._band_pixels("functions")[:split], self._band_pixels("stack")[split:]])
            figure.figimage(pixels, xo=0, yo=0, origin="upper")
        else:  # a snapshot at its own resolution: draw everything
            self._draw_part(figure, self._grid(figure), "functions")
            self._draw_part(figure, self._grid(figure), "stack")

    def _split_row(self) -> int:
        """The pixel row between the two bands: 40 px above the lower panels (room for their
        two-line titles), which leaves the upper panels' z label above it."""
        figure = Figure(figsize=self.figsize, dpi=self.dpi)
        height = int(round(self.figsize[1] * self.dpi))
        top_of_lower_panels = self._grid(figure)[1, 0].get_position(figure).y1  # figure fraction
        return height - int(top_of_lower_panels * height) - 40

    def _band_key(self, part):
        name = self.activation_dropdown.value
        if part == "functions":
            return (name, tuple(self.z_slider.value))
        return (name, int(self.depth_slider.value), self.init_dropdown.value, float(self.bias_slider.value))

    def _band_pixels(self, part) -> np.ndarray:
        """The whole picture with only one band's panels drawn, as RGBA pixels; the last
        BAND_CACHE of each band are kept, so going back to an activation is instant."""
        cache = self._bands.setdefault(part, {})
        key = self._band_key(part)
        if key not in cache:
            layer = Figure(figsize=self.figsize, dpi=self.dpi)
            canvas = FigureCanvasAgg(layer)
            self._draw_part(layer, self._grid(layer), part)
            canvas.draw()
            if len(cache) >= BAND_CACHE:
                del cache[next(iter(cache))]  # the oldest
            cache[key] = np.asarray(canvas.buffer_rgba())[..., :3].copy()
        return cache[key]

    def _draw_part(self, figure, grid, part) -> None:
        name = self.activation_dropdown.value
        if part == "functions":
            self._draw_functions(figure.add_subplot(grid[0, 0]), figure.add_subplot(grid[0, 1]), get_activation(name))
        else:
            self._draw_gradients(figure.add_subplot(grid[1, 0]), name)
            self._draw_units(figure.add_subplot(grid[1, 1]), name)

    def _draw_functions(self, ax_f, ax_df, activation) -> None:
        low, high = self.z_slider.value
        z = np.linspace(low, high, 401)
        f, df = derivative_values(activation, z)
        peak = _peak_derivative(activation)
        flat = np.abs(df) < SATURATION_FRACTION * peak
        suffix = "" if activation.elementwise else " (first output of softmax([z, 0]))"
        for ax, values, color, title in ((ax_f, f, MAIN_COLOR, f"f(z) = {activation.name}(z){suffix}"),
                                         (ax_df, df, DERIVATIVE_COLOR, "f'(z)" + ("" if activation.elementwise else
                                                                               ": Jacobian diagonal s(1 - s)"))):
            for index, (start, stop) in enumerate(_intervals(z, flat)):
                ax.axvspan(start, stop, color=FLAT_COLOR, linewidth=0,
                           label=f"flat: |f'| < {SATURATION_FRACTION:.0%} of its max" if index == 0 else None)
            ax.axhline(0.0, color="black", linewidth=0.8)
            if low < 0 < high:
                ax.axvline(0.0, color="black", linewidth=0.8)
            ax.plot(z, values, color=color, linewidth=2, gid="f" if ax is ax_f else "derivative")
            ax.set_xlim(low, high)
            ax.set_title(title, fontsize=10)
            ax.set_xlabel("z", labelpad=1)
            ax.grid(True, alpha=0.3)
            ax.xaxis.set_major_locator(MaxNLocator(6, steps=[1, 2, 5, 10]))  # few ticks: text is slow to draw
        ax_df.axhline(peak, color=DERIVATIVE_COLOR, linestyle=":", linewidth=1.2, label=f"max |f'| = {peak:.3g}")
        low_df, high_df = min(float(df.min()), 0.0), max(float(df.max()), peak)
        pad = 0.08 * (high_df - low_df or 1.0)
        ax_df.set_ylim(low_df - pad, high_df + pad)
        ax_df.legend(fontsize=8, loc="best", framealpha=0.9)
        if flat.any():
            ax_f.legend(fontsize=8, loc="best", framealpha=0.9)

    def _draw_gradients(self, ax, name) -> None:
        stats = self.statistics
        layers = np.arange(1, len(stats.grad_norms) + 1)
        values = [s.grad_norms for s in (stats, *self.references.values())]
        positive = np.concatenate([v[np.isfinite(v) & (v > 0)] for v in values] + [np.array([])])
        bottom = float(positive.min()) / 3 if positive.size else 1e-3
        top = float(positive.max()) * 3 if positive.size else 1.0
        missing = []
        for ref, ref_stats in self.references.items():
            norms = np.where(ref_stats.grad_norms > 0, ref_stats.grad_norms, np.nan)
            ax.plot(layers, norms, color="#b0b0b0", linewidth=1.2)
            if np.isfinite(norms[-1]):
                ax.annotate(ref, (layers[-1], norms[-1]), xytext=(4, 0), textcoords="offset points", fontsize=8,
                            color="#888888", va="center", annotation_clip=False)
            if not np.all(np.isfinite(norms)):
                missing.append(ref)
        if missing:
            ax.text(0.99, 0.03, f"{' and '.join(missing)}: exactly 0 in some layers (not shown)",
                    transform=ax.transAxes, ha="right", va="bottom", fontsize=7.5, color="#888888")
        norms = stats.grad_norms
        shown = np.where(np.isfinite(norms) & (norms > 0), norms, np.nan)
        ax.plot(layers, shown, color=MAIN_COLOR, marker="o", markersize=4, linewidth=2, gid="grad-norms")
        finite = shown[np.isfinite(shown)]
        if finite.size:  # the line's name at its end, like the grey ones (cheaper than a legend)
            ax.annotate(name, (layers[np.isfinite(shown)][-1], finite[-1]), xytext=(4, -9), textcoords="offset points",
                        fontsize=9, color=MAIN_COLOR, fontweight="bold", va="center", annotation_clip=False)
        zero = layers[norms == 0]
        if zero.size:
            ax.plot(zero, [bottom] * zero.size, linestyle="none", marker="x", color=DEAD_COLOR, markersize=7,
                    clip_on=False)
            ax.annotate("× = exactly 0", (zero[0], bottom), xytext=(0, 8), textcoords="offset points", fontsize=8,
                        color=DEAD_COLOR)
        ax.set_yscale("log")
        ax.set_ylim(bottom, top)
        decades = math.log10(top / bottom)
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0,), numticks=7 if decades > 6 else 10))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0e}" if value < 1e-3 or value >= 1e4
                                                   else f"{value:g}"))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_xlim(0.5, layers[-1] * 1.12 + 1.5)  # room for the grey labels
        ax.set_xticks(_layer_ticks(layers[-1]))
        ax.set_xlabel(f"layer ℓ (1 = next to the input, {layers[-1]} = output)", labelpad=1)
        ax.set_ylabel("‖dW‖ of layer ℓ (log scale)")
        ratio = stats.ratio
        ratio_text = f"‖dW1‖ / ‖dW{layers[-1]}‖ = {ratio:.1e}: {stats.verdict}" \
            if not math.isnan(ratio) and not stats.verdict.startswith("blocked") else stats.verdict
        ax.set_title(f"gradient size per layer after one backward pass\n{ratio_text}", fontsize=10,
                     color=DERIVATIVE_COLOR if stats.verdict != "roughly steady" else "black")
        ax.grid(True, alpha=0.3)

    def _draw_units(self, ax, name) -> None:
        stats = self.statistics
        layers = np.arange(1, len(stats.dead_share) + 1)
        m = len(self.X)
        if name in RELU_FAMILY:
            if name != "relu":
                ax.bar(layers, 100 * stats.negative_share, width=0.8, color="none", edgecolor=OFF_COLOR,
                       linewidth=1.5, label="z ≤ 0 for every example (a small gradient still passes)")
            ax.bar(layers, 100 * stats.dead_share, width=0.6, color=DEAD_COLOR,
                   label="dead: a = 0 for every example (gradient exactly 0)")
            title = f"dead units per hidden layer (batch of {m})"
            total = stats.dead_share.mean()
        else:
            ax.bar(layers, 100 * stats.saturated_share, width=0.6, color=OFF_COLOR,
                   label=f"saturated: |f'(z)| < {SATURATION_FRACTION:.0%} of its max for every example")
            title = f"saturated units per hidden layer (batch of {m})"
            total = stats.saturated_share.mean()
        ax.set_ylim(0, 122)  # the legend sits above the 100 % line
        ax.set_yticks(range(0, 101, 20))
        ax.axhline(100, color="#888888", linewidth=0.8)
        ax.set_xlim(0.4, layers[-1] + 0.6)
        ax.set_xticks(_layer_ticks(layers[-1]))
        ax.set_xlabel("hidden layer ℓ", labelpad=1)
        ax.set_ylabel(f"% of the {self.width} units")
        ax.set_title(title, fontsize=10)
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(fontsize=8, loc="upper left", framealpha=0.9)
        note = "" if name in RELU_FAMILY else f"dead units are a ReLU-family failure;\n{name} units saturate instead"
        if total == 0:
            label = "no dead units" if name in RELU_FAMILY else "none"
            ax.text(0.5, 0.62, label + (f"\n({note})" if note else ""), transform=ax.transAxes, ha="center",
                    va="center", fontsize=10, color="#888888")
        elif note:
            ax.text(0.98, 0.78, note, transform=ax.transAxes, ha="right", va="top", fontsize=8, color="#888888")
