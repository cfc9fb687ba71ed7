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
    >>> explorer.snapshot()                      # the current picture as a figure
"""

from __future__ import annotations

import html
import math
import threading
import time
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from ..activations import ACTIVATIONS, get_activation
from ..data import make_moons
from ..network import MLP
from ..plotting import _broken_at, _jumps  # the derivative's jumps, drawn as plot_activation draws them
from .panel import (LegendStamps, Panel, encode_png, fixed_figure, freeze_texts, legend_or_stamp, legend_slot,
                    pin_label, tick_labels_shown)

__all__ = ["ActivationExplorer", "StackStatistics", "stack_statistics", "derivative_values", "RELU_FAMILY",
           "SATURATION_FRACTION"]

#: activations whose units can be switched off by negative z
RELU_FAMILY = ("relu", "leaky_relu", "elu", "selu")
#: a unit is saturated when |f'(z)| < SATURATION_FRACTION x the largest |f'| for every example
SATURATION_FRACTION = 0.01
#: the grey comparison lines in the gradient panel
REFERENCES = ("sigmoid", "tanh", "relu")
#: how many drawings of each band of the picture are kept (its rows, RGB: about 0.5 MB each)
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
    activation = get_activation(activation)
    if activation.name not in _PEAKS or _PEAKS[activation.name][0] is not activation:
        _, derivative = derivative_values(activation, np.linspace(-20.0, 20.0, 8001))
        _PEAKS[activation.name] = (activation, float(np.max(np.abs(derivative))))
    return _PEAKS[activation.name][1]


_PEAKS: dict = {}  # activation name -> (the activation, its peak |f'|), computed once


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
    redraw_seconds : how long the last picture took. The picture is pasted together from two bands,
        each drawn by a figure of its own (see ``refresh``); ``snapshot()`` draws it on one figure.
    """

    figsize = (10.0, 6.0)

    def __init__(self, X=None, y=None, *, activation="sigmoid", z_range=(-5.0, 5.0), depth=12, width=32,
                 init="xavier", bias=0.0, seed=0):
        super().__init__("activation-explorer")
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
        self._bands: dict = {}  # band -> {its controls' values: its pixels}
        self._band_figures: dict = {}  # band -> (its figure, its artists), built at the first draw
        self._split = self._split_row()
        self._lock = threading.RLock()
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
        with self._lock:  # one change at a time: widget messages may come on another thread
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
    #
    # The picture has two bands: the top one (f and f') changes with the activation and the z
    # range, the bottom one (the deep stack) with the activation, depth, initialisation and bias.
    # Each band has a figure of its own whose axes and artists are built once and afterwards only
    # updated (set_data, limits, texts, visibility; legends pasted as pixels, see LegendStamps);
    # a band is drawn only when its own controls changed, and its last BAND_CACHE drawings are
    # kept, so going back to an activation costs only the PNG encoding. ``draw(figure)``
    # (snapshots) builds the same artists on one figure, with real legends.

    def _grid(self, figure):
        return figure.add_gridspec(2, 2, left=0.075, right=0.985, bottom=0.085, top=0.95, hspace=0.45, wspace=0.2)

    def refresh(self, readout: str) -> None:
        """Paste the two bands together into the image, then (last) set the readout."""
        start = time.perf_counter()
        pixels = np.concatenate([self._band_pixels("functions"), self._band_pixels("stack")])
        self.image.value = encode_png(pixels)
        self.redraw_seconds = time.perf_counter() - start
        self.readout.value = readout

    def draw(self, figure) -> None:
        """The current picture on ``figure`` (a snapshot): built from scratch, every artist a vector."""
        figure.set_layout_engine("none")  # fixed places: the same picture as the widget's
        grid = self._grid(figure)
        for part in ("functions", "stack"):
            artists = self._build_part(figure, grid, part, stamps=None)
            self._update_part(artists, part)

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
        """The band's rows of the picture as RGB pixels (the functions band above the split row,
        the stack band below it); the last BAND_CACHE of each band are kept."""
        cache = self._bands.setdefault(part, {})
        key = self._band_key(part)
        if key not in cache:
            if part not in self._band_figures:
                figure = fixed_figure(self.figsize, self.dpi)
                stamps = LegendStamps(self.figsize, self.dpi)
                self._band_figures[part] = (figure, self._build_part(figure, self._grid(figure), part, stamps))
            figure, artists = self._band_figures[part]
            self._update_part(artists, part)
            figure.canvas.draw()
            frame = np.asarray(figure.canvas.buffer_rgba()).copy()  # the canvas keeps the figure's own drawing
            if artists["frozen"] is None:  # the band's first draw
                self._freeze(artists)
            for stamp in (*artists["legends"], *artists["frozen"]):
                stamp.paste(frame)
            rows = slice(None, self._split) if part == "functions" else slice(self._split, None)
            if len(cache) >= BAND_CACHE:
                del cache[next(iter(cache))]  # the oldest
            cache[key] = frame[rows, :, :3].copy()
        return cache[key]

    @staticmethod
    def _freeze(artists) -> None:
        """After a band's first draw: pin the axis labels whose tick labels never change size, and
        keep the texts that never change as pixels (text is the slowest thing to draw), hidden
        in the figure from now on."""
        for axis in (*artists["fixed_labels"], *artists.get("pinned_labels", ())):
            pin_label(axis)
        static = [[axis.label] for axis in artists["fixed_labels"]]
        if "units" in artists:  # the fixed 0 .. 100 % ticks
            units = artists["units"]["ax"]
            static.append(tick_labels_shown(units.yaxis))
        artists["frozen"] = freeze_texts(artists["figure"], static)
        for texts in static:
            for text in texts:
                text.set_visible(False)
        if "units" in artists:
            units.tick_params(axis="y", labelleft=False)

    def _build_part(self, figure, grid, part, stamps):
        artists = {"figure": figure, "stamps": stamps, "legends": [], "frozen": None}
        if part == "functions":
            artists["f"] = self._build_function_axes(figure.add_subplot(grid[0, 0]), MAIN_COLOR, "f")
            artists["df"] = self._build_function_axes(figure.add_subplot(grid[0, 1]), DERIVATIVE_COLOR, "derivative")
            for panel in (artists["f"], artists["df"]):
                panel["legend"] = legend_slot(artists)
            artists["peak"] = artists["df"]["ax"].axhline(1.0, color=DERIVATIVE_COLOR, linestyle=":", linewidth=1.2)
            artists["fixed_labels"] = [artists["f"]["ax"].xaxis, artists["df"]["ax"].xaxis]
            artists["pinned_labels"] = [artists["f"]["ax"].yaxis, artists["df"]["ax"].yaxis]  # no label to place
        else:
            artists["gradients"] = self._build_gradients(figure.add_subplot(grid[1, 0]))
            artists["units"] = self._build_units(figure.add_subplot(grid[1, 1]))
            artists["units"]["legend"] = legend_slot(artists)
            artists["fixed_labels"] = [artists["units"]["ax"].xaxis, artists["units"]["ax"].yaxis]
            artists["pinned_labels"] = [artists["gradients"]["ax"].xaxis]  # its text follows the depth
        return artists

    def _update_part(self, artists, part) -> None:
        name = self.activation_dropdown.value
        if part == "functions":
            self._update_functions(artists, get_activation(name))
        else:
            self._update_gradients(artists["gradients"], name)
            self._update_units(artists["units"], name, artists["stamps"])

    # the top band: f and f'

    @staticmethod
    def _build_function_axes(ax, color, gid):
        panel = {"ax": ax, "spans": []}
        ax.axhline(0.0, color="black", linewidth=0.8)
        panel["zero"] = ax.axvline(0.0, color="black", linewidth=0.8)
        (panel["line"],) = ax.plot([], [], color=color, linewidth=2, gid=gid)
        ax.set_title("", fontsize=10, y=1.0)  # an explicit y: no search for overlapping tick labels at every draw
        ax.set_xlabel("z", labelpad=1)
        ax.grid(True, alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(6, steps=[1, 2, 5, 10]))  # few ticks: text is slow to draw
        return panel

    @staticmethod
    def _set_spans(panel, intervals, label) -> None:
        """The shaded flat intervals (axes-high rectangles): the ones drawn before, moved; extra ones
        removed, not hidden (loc="best" would still steer the legend around a hidden one)."""
        spans, ax = panel["spans"], panel["ax"]
        while len(spans) > len(intervals):
            spans.pop().remove()
        while len(spans) < len(intervals):
            spans.append(ax.axvspan(0.0, 1.0, color=FLAT_COLOR, linewidth=0))
        for index, (span, (start, stop)) in enumerate(zip(spans, intervals)):
            span.set_x(start)
            span.set_width(stop - start)
            span.set_label(label if index == 0 else None)

    def _update_functions(self, artists, activation) -> None:
        low, high = self.z_slider.value
        z = np.linspace(low, high, 401)
        f, df = derivative_values(activation, z)
        peak = _peak_derivative(activation)
        flat = np.abs(df) < SATURATION_FRACTION * peak
        intervals = _intervals(z, flat)
        flat_label = f"flat: |f'| < {SATURATION_FRACTION:.0%} of its max"
        suffix = "" if activation.elementwise else " (first output of softmax([z, 0]))"
        titles = (f"f(z) = {activation.name}(z){suffix}",
                  "f'(z)" + ("" if activation.elementwise else ": Jacobian diagonal s(1 - s)"))
        # where the derivative jumps (ReLU's at 0), break its line as plot_activation does: no vertical segment
        z_df, df_line = (_broken_at(z, df, activation.derivative, _jumps(activation.derivative, z, df))
                         if activation.elementwise else (z, df))
        for panel, (zs, values), title in ((artists["f"], (z, f), titles[0]), (artists["df"], (z_df, df_line), titles[1])):
            ax = panel["ax"]
            self._set_spans(panel, intervals, flat_label)
            panel["zero"].set_visible(low < 0 < high)
            panel["line"].set_data(zs, values)
            ax.set_xlim(low, high)
            ax.title.set_text(title)
        ax_f = artists["f"]["ax"]
        ax_f.relim()  # f's y limits: the curve and the zero line, with matplotlib's usual margins
        ax_f.autoscale_view(scalex=False)
        artists["peak"].set_ydata([peak, peak])
        artists["peak"].set_label(f"max |f'| = {peak:.3g}")
        low_df, high_df = min(float(df.min()), 0.0), max(float(df.max()), peak)
        pad = 0.08 * (high_df - low_df or 1.0)
        artists["df"]["ax"].set_ylim(low_df - pad, high_df + pad)
        spans = artists["f"]["spans"][:1] if flat.any() else []
        legend_or_stamp(artists["stamps"], artists["df"]["legend"], artists["df"]["ax"],
                        artists["df"]["spans"][:1] + [artists["peak"]] if flat.any() else [artists["peak"]],
                        fontsize=8, loc="best", framealpha=0.9)
        legend_or_stamp(artists["stamps"], artists["f"]["legend"], ax_f, spans, fontsize=8, loc="best",
                        framealpha=0.9)

    # the bottom band: the deep stack

    @staticmethod
    def _build_gradients(ax):
        panel = {"ax": ax, "references": []}
        for _ in range(len(REFERENCES)):  # grey lines, each with its name at its end
            (line,) = ax.plot([], [], color="#b0b0b0", linewidth=1.2)
            name = ax.annotate("", (1, 1), xytext=(4, 0), textcoords="offset points", fontsize=8, color="#888888",
                               va="center", annotation_clip=False)
            panel["references"].append((line, name))
        panel["missing"] = ax.text(0.99, 0.03, "", transform=ax.transAxes, ha="right", va="bottom", fontsize=7.5,
                                   color="#888888")
        (panel["line"],) = ax.plot([], [], color=MAIN_COLOR, marker="o", markersize=4, linewidth=2, gid="grad-norms")
        # the line's name at its end, like the grey ones (cheaper than a legend)
        panel["name"] = ax.annotate("", (1, 1), xytext=(4, -9), textcoords="offset points", fontsize=9,
                                    color=MAIN_COLOR, fontweight="bold", va="center", annotation_clip=False)
        (panel["zero"],) = ax.plot([], [], linestyle="none", marker="x", color=DEAD_COLOR, markersize=7,
                                   clip_on=False)
        panel["zero_note"] = ax.annotate("× = exactly 0", (1, 1), xytext=(0, 8), textcoords="offset points",
                                         fontsize=8, color=DEAD_COLOR)
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0e}" if value < 1e-3 or value >= 1e4
                                                   else f"{value:g}"))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_ylabel("‖dW‖ of layer ℓ (log scale)")
        ax.set_title("", fontsize=10, y=1.0)
        ax.grid(True, alpha=0.3)
        return panel

    def _update_gradients(self, panel, name) -> None:
        ax, stats = panel["ax"], self.statistics
        layers = np.arange(1, len(stats.grad_norms) + 1)
        values = [s.grad_norms for s in (stats, *self.references.values())]
        positive = np.concatenate([v[np.isfinite(v) & (v > 0)] for v in values] + [np.array([])])
        bottom = float(positive.min()) / 3 if positive.size else 1e-3
        top = float(positive.max()) * 3 if positive.size else 1.0
        missing = []
        references = list(self.references.items())
        for index, (line, label) in enumerate(panel["references"]):
            if index >= len(references):
                line.set_visible(False)
                label.set_visible(False)
                continue
            ref, ref_stats = references[index]
            norms = np.where(ref_stats.grad_norms > 0, ref_stats.grad_norms, np.nan)
            line.set_data(layers, norms)
            line.set_visible(True)
            label.set_text(ref)
            label.xy = (layers[-1], norms[-1])
            label.set_visible(bool(np.isfinite(norms[-1])))
            if not np.all(np.isfinite(norms)):
                missing.append(ref)
        panel["missing"].set_text(f"{' and '.join(missing)}: exactly 0 in some layers (not shown)" if missing else "")
        norms = stats.grad_norms
        shown = np.where(np.isfinite(norms) & (norms > 0), norms, np.nan)
        panel["line"].set_data(layers, shown)
        finite = shown[np.isfinite(shown)]
        panel["name"].set_visible(bool(finite.size))
        if finite.size:
            panel["name"].set_text(name)
            panel["name"].xy = (layers[np.isfinite(shown)][-1], finite[-1])
        zero = layers[norms == 0]
        panel["zero"].set_data(zero, [bottom] * zero.size)
        panel["zero"].set_visible(bool(zero.size))
        panel["zero_note"].set_visible(bool(zero.size))
        if zero.size:
            panel["zero_note"].xy = (zero[0], bottom)
        ax.set_ylim(bottom, top)
        decades = math.log10(top / bottom)
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0,), numticks=7 if decades > 6 else 10))
        ax.set_xlim(0.5, layers[-1] * 1.12 + 1.5)  # room for the grey labels
        ax.set_xticks(_layer_ticks(layers[-1]))
        ax.set_xlabel(f"layer ℓ (1 = next to the input, {layers[-1]} = output)", labelpad=1)
        ratio = stats.ratio
        ratio_text = f"‖dW1‖ / ‖dW{layers[-1]}‖ = {ratio:.1e}: {stats.verdict}" \
            if not math.isnan(ratio) and not stats.verdict.startswith("blocked") else stats.verdict
        ax.title.set_text(f"gradient size per layer after one backward pass\n{ratio_text}")
        ax.title.set_color(DERIVATIVE_COLOR if stats.verdict != "roughly steady" else "black")

    def _build_units(self, ax):
        panel = {"ax": ax, "bars": None, "bars_key": None}
        ax.set_ylim(0, 122)  # the legend sits above the 100 % line
        ax.set_yticks(range(0, 101, 20))
        ax.axhline(100, color="#888888", linewidth=0.8)
        ax.set_xlabel("hidden layer ℓ", labelpad=1)
        ax.set_ylabel(f"% of the {self.width} units")
        ax.set_title("", fontsize=10, y=1.0)
        ax.grid(True, axis="y", alpha=0.3)
        panel["none"] = ax.text(0.5, 0.62, "", transform=ax.transAxes, ha="center", va="center", fontsize=10,
                                color="#888888")
        panel["note"] = ax.text(0.98, 0.78, "", transform=ax.transAxes, ha="right", va="top", fontsize=8,
                                color="#888888")
        return panel

    def _update_units(self, panel, name, stamps) -> None:
        ax, stats = panel["ax"], self.statistics
        depth = len(stats.dead_share)
        layers = np.arange(1, depth + 1)
        m = len(self.X)
        outlined = name in RELU_FAMILY and name != "relu"
        if panel["bars_key"] != (depth, outlined):  # new bars only when their number or kinds change
            for container in panel["bars"] or ():
                container.remove()
            panel["bars"] = [ax.bar(layers, np.zeros(depth), width=0.8, color="none", edgecolor=OFF_COLOR,
                                    linewidth=1.5)] if outlined else []
            panel["bars"].append(ax.bar(layers, np.zeros(depth), width=0.6, color=OFF_COLOR))
            panel["bars_key"] = (depth, outlined)
        *outline, filled = panel["bars"]
        handles = []
        if name in RELU_FAMILY:
            if outlined:
                for bar, share in zip(outline[0].patches, stats.negative_share):
                    bar.set_height(100 * share)
                handles.append(Rectangle((0, 0), 1, 1, facecolor="none", edgecolor=OFF_COLOR, linewidth=1.5,
                                         label="z ≤ 0 for every example (a small gradient still passes)"))
            shares, color = stats.dead_share, DEAD_COLOR
            handles.append(Rectangle((0, 0), 1, 1, facecolor=DEAD_COLOR,
                                     label="dead: a = 0 for every example (gradient exactly 0)"))
            title = f"dead units per hidden layer (batch of {m})"
        else:
            shares, color = stats.saturated_share, OFF_COLOR
            handles.append(Rectangle((0, 0), 1, 1, facecolor=OFF_COLOR,
                                     label=f"saturated: |f'(z)| < {SATURATION_FRACTION:.0%} of its max for every "
                                           f"example"))
            title = f"saturated units per hidden layer (batch of {m})"
        for bar, share in zip(filled.patches, shares):
            bar.set_height(100 * share)
            bar.set_facecolor(color)
        total = shares.mean()
        ax.set_xlim(0.4, layers[-1] + 0.6)
        ax.set_xticks(_layer_ticks(layers[-1]))
        ax.title.set_text(title)
        legend_or_stamp(stamps, panel["legend"], ax, handles, fontsize=8, loc="upper left", framealpha=0.9)
        note = "" if name in RELU_FAMILY else f"dead units are a ReLU-family failure;\n{name} units saturate instead"
        label = "no dead units" if name in RELU_FAMILY else "none"
        panel["none"].set_text(label + (f"\n({note})" if note else "") if total == 0 else "")
        panel["note"].set_text(note if total != 0 else "")
