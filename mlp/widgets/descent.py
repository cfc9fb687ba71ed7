"""The gradient-descent explorer: the path gradient descent takes, step by step.

Left, a 1-D loss curve L(theta); middle, a 2-D loss surface as contour lines; right, how far
each path's loss is above the lowest loss, step by step (log scale). Choose the learning
rate alpha and the momentum beta, then Step through the updates (or drag "steps") and watch
the paths converge, overshoot and zig-zag, or diverge.

The update is ``mlp.optimizers.GradientDescent``'s own (the explorer calls it):

    v := beta * v - alpha * dL/dtheta;    theta := theta + v        (v starts at 0)

A path that runs away (the loss passes a million times its starting value, as ``mlp.train``'s
divergence guard) stops there and is marked "diverged"; points off the chart are cut at its
edge, so nothing overflows and no warning is printed.

    >>> from mlp.widgets.descent import DescentExplorer
    >>> explorer = DescentExplorer(learning_rate=0.9)
    >>> explorer              # the panel (on a static page, its picture); explorer.snapshot() is a figure
"""

from __future__ import annotations

import io
import math
import time
from dataclasses import dataclass, field
from typing import Callable

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from ..optimizers import GradientDescent
from ..training import DIVERGENCE_FACTOR
from .panel import Panel

__all__ = ["DescentExplorer", "LossFunction", "Path", "CURVES", "SURFACES", "descent_path"]


@dataclass(frozen=True)
class LossFunction:
    """A loss of 1 or 2 parameters with its gradient, its minima and the window to draw.

    loss(theta) and gradient(theta) take an array theta of shape (d,) and return a number
    and an array of shape (d,); loss also takes theta of shape (d, ...) (a grid) and returns
    the loss at every grid point. ``minima`` lists the local minima (global first);
    ``largest_curvature`` is the largest eigenvalue of the Hessian at the global minimum
    (quadratics: everywhere), so plain gradient descent is stable there for alpha < 2 / it.
    """

    name: str
    formula: str
    loss: Callable
    gradient: Callable
    minima: tuple
    start: tuple
    window: tuple  # (x_min, x_max) in 1-D; (x_min, x_max, y_min, y_max) in 2-D
    largest_curvature: float
    quadratic: bool = False

    @property
    def dimension(self) -> int:
        return len(self.start)

    @property
    def lowest_loss(self) -> float:
        return self.value(self.minima[0])

    def value(self, theta) -> float:
        """The loss at one point theta (a sequence of d numbers)."""
        return float(self.loss(np.asarray(theta, dtype=np.float64)))


def _double_well(t):
    return t**4 / 16 - t**2 / 2 + t / 4 + 2


def _double_well_gradient(t):
    return t**3 / 4 - t + 0.25


_WELL_MINIMA = (-2.114907541476756, 1.860805853111704)  # roots of t^3 - 4 t + 1 = 0 with L'' > 0

#: the 1-D losses, by menu label
CURVES = {
    "quadratic": LossFunction(
        "quadratic", "L(θ) = (θ − 3)²",
        lambda t: (t[0] - 3.0) ** 2, lambda t: 2.0 * (t - 3.0),
        minima=((3.0,),), start=(-1.0,), window=(-2.0, 8.0), largest_curvature=2.0, quadratic=True),
    "two valleys": LossFunction(
        "two valleys", "L(θ) = θ⁴/16 − θ²/2 + θ/4 + 2",
        lambda t: _double_well(t[0]), _double_well_gradient,
        minima=((_WELL_MINIMA[0],), (_WELL_MINIMA[1],)), start=(3.5,), window=(-3.5, 4.0),
        largest_curvature=3 * _WELL_MINIMA[0] ** 2 / 4 - 1),
}

_VALLEY_A, _VALLEY_B = 0.039, 0.194  # (1 - x)^2 and (y - x^2)^2 weights: largest curvature 2 at the minimum


def _valley(t):
    x, y = t
    return _VALLEY_A * (1 - x) ** 2 + _VALLEY_B * (y - x * x) ** 2


def _valley_gradient(t):
    x, y = t
    inner = y - x * x
    return np.array([-2 * _VALLEY_A * (1 - x) - 4 * _VALLEY_B * x * inner, 2 * _VALLEY_B * inner])


def _valley_curvature():
    hessian = np.array([[2 * _VALLEY_A + 8 * _VALLEY_B, -4 * _VALLEY_B], [-4 * _VALLEY_B, 2 * _VALLEY_B]])
    return float(np.linalg.eigvalsh(hessian).max())


#: the 2-D losses, by menu label
SURFACES = {
    "elongated bowl": LossFunction(
        "elongated bowl", "L = 0.1 θ₁² + θ₂²",
        lambda t: 0.1 * t[0] ** 2 + t[1] ** 2, lambda t: np.array([0.2 * t[0], 2.0 * t[1]]),
        minima=((0.0, 0.0),), start=(-4.5, 2.0), window=(-5.0, 5.0, -5.0, 5.0), largest_curvature=2.0,
        quadratic=True),
    "round bowl": LossFunction(
        "round bowl", "L = θ₁² + θ₂²",
        lambda t: t[0] ** 2 + t[1] ** 2, lambda t: 2.0 * t,
        minima=((0.0, 0.0),), start=(-4.0, 3.0), window=(-5.0, 5.0, -5.0, 5.0), largest_curvature=2.0,
        quadratic=True),
    "valley (Rosenbrock)": LossFunction(
        "valley (Rosenbrock)", "L = 0.039 (1 − θ₁)² + 0.194 (θ₂ − θ₁²)²",
        _valley, _valley_gradient,
        minima=((1.0, 1.0),), start=(-1.5, 2.5), window=(-2.0, 2.0, -1.0, 3.0),
        largest_curvature=_valley_curvature()),
}


@dataclass
class Path:
    """The points a descent visited: ``thetas`` (n + 1, d) and ``losses`` (n + 1,), start first.

    ``diverged_at`` is the step at which the loss ran away (its point is the last one, kept
    so the drawing shows where it was heading), or None.
    """

    thetas: np.ndarray
    losses: np.ndarray
    gradients: np.ndarray
    diverged_at: int | None = None
    function: LossFunction | None = field(default=None, repr=False)

    def upto(self, steps: int) -> "Path":
        """The first ``steps`` steps (fewer if the path stopped earlier)."""
        n = min(int(steps), len(self.losses) - 1)
        diverged = self.diverged_at if self.diverged_at is not None and self.diverged_at <= n else None
        return Path(self.thetas[:n + 1], self.losses[:n + 1], self.gradients[:n + 1], diverged, self.function)

    @property
    def steps(self) -> int:
        return len(self.losses) - 1


class _Point:
    """One parameter vector with a gradient, shaped like a model for ``GradientDescent.step``."""

    def __init__(self, theta):
        self.theta = np.array(theta, dtype=np.float64)
        self.grad = np.zeros_like(self.theta)

    def params_and_grads(self):
        yield "theta", self.theta, self.grad


def descent_path(function: LossFunction, learning_rate: float, momentum: float = 0.0, steps: int = 100,
                 start=None) -> Path:
    """Run ``steps`` updates of ``mlp.optimizers.GradientDescent`` on ``function`` from ``start``.

    Stops early, with ``diverged_at`` set, when the loss becomes NaN or infinite or passes
    DIVERGENCE_FACTOR (a million) times the larger of 1 and the starting loss. Never warns.
    """
    point = _Point(function.start if start is None else start)
    optimizer = GradientDescent(learning_rate, momentum=momentum)
    thetas, losses, gradients = [point.theta.copy()], [function.value(point.theta)], []
    limit = DIVERGENCE_FACTOR * max(losses[0], 1.0)
    diverged_at = None
    with np.errstate(all="ignore"):
        for step in range(1, int(steps) + 1):
            point.grad[...] = function.gradient(point.theta)
            gradients.append(point.grad.copy())
            optimizer.step(point)  # v := beta v - alpha grad; theta := theta + v
            loss = function.value(point.theta)
            if not (np.all(np.isfinite(point.theta)) and loss <= limit):  # also catches NaN
                diverged_at = step
                if np.all(np.isfinite(point.theta)):
                    thetas.append(point.theta.copy())
                    losses.append(loss if math.isfinite(loss) else math.inf)
                break
            thetas.append(point.theta.copy())
            losses.append(loss)
        gradients.append(function.gradient(thetas[-1]) if math.isfinite(losses[-1]) else np.full_like(point.grad,
                                                                                                       np.nan))
    return Path(np.array(thetas), np.array(losses, dtype=float), np.array(gradients[:len(thetas)]),
                diverged_at, function)


def _clip_segments(points: np.ndarray, box) -> np.ndarray:
    """Segments between consecutive 2-D points, cut to the box (x0, x1, y0, y1) (Liang-Barsky).

    Returns an array (k, 2, 2) of the visible parts; segments entirely outside are dropped.
    Drawing these instead of far-away points keeps huge coordinates away from the renderer.
    """
    p, q = points[:-1], points[1:]
    d = q - p
    t0, t1 = np.zeros(len(p)), np.ones(len(p))
    keep = np.ones(len(p), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for axis, (low, high) in enumerate(((box[0], box[1]), (box[2], box[3]))):
            for pk, qk in ((-d[:, axis], p[:, axis] - low), (d[:, axis], high - p[:, axis])):
                parallel = pk == 0
                keep &= ~(parallel & (qk < 0))
                r = qk / pk
                entering = (pk < 0) & ~parallel
                leaving = (pk > 0) & ~parallel
                t0 = np.where(entering, np.maximum(t0, r), t0)
                t1 = np.where(leaving, np.minimum(t1, r), t1)
    keep &= t0 <= t1
    start = p + t0[:, None] * d
    end = p + t1[:, None] * d
    return np.stack([start, end], axis=1)[keep]


def _inside(points: np.ndarray, box) -> np.ndarray:
    return ((points[:, 0] >= box[0]) & (points[:, 0] <= box[1]) & (points[:, 1] >= box[2])
            & (points[:, 1] <= box[3]))


def _exit_point(points: np.ndarray, box):
    """Where the path first leaves the box, on its edge (None if it stays inside)."""
    inside = _inside(points, box)
    if inside.all() or not inside[0]:
        return None
    k = int(np.argmin(inside))  # first point outside
    segment = _clip_segments(points[k - 1:k + 1], box)
    return segment[0, 1] if len(segment) else None


# Axes positions (figure fractions) of the 10.5 x 4.3 inch figure: no layout engine, nothing moves.
_CURVE_RECT = (0.06, 0.2, 0.25, 0.64)
_SURFACE_RECT = (0.39, 0.2, 0.25, 0.64)
_GAP_RECT = (0.735, 0.2, 0.25, 0.64)
_PATH_COLORS = {"1-D": "tab:orange", "2-D": "tab:purple"}


class DescentExplorer(Panel):
    """Gradient descent with momentum on a 1-D loss curve and a 2-D loss surface, step by step.

    Parameters
    ----------
    curve : the 1-D loss, a key of CURVES ("quadratic", "two valleys").
    surface : the 2-D loss, a key of SURFACES ("elongated bowl", "round bowl", "valley (Rosenbrock)").
    learning_rate : alpha, 0.001 to about 3 (log slider).
    momentum : beta, 0 to 0.99 (0 is plain gradient descent).
    steps : how many updates are shown (0 to max_steps).
    start : the 1-D starting point theta_0 (None: the curve's default).
    max_steps : the largest number of steps.

    Attributes
    ----------
    curve_path, surface_path : ``Path`` objects of the steps shown (``thetas``, ``losses``,
        ``diverged_at``), recomputed with ``descent_path`` when a setting changes.
    """

    figsize = (10.5, 4.3)
    dpi = 80

    def __init__(self, curve: str = "quadratic", surface: str = "elongated bowl", learning_rate: float = 0.1,
                 momentum: float = 0.0, steps: int = 10, start: float | None = None, max_steps: int = 200):
        super().__init__("descent-explorer")
        if curve not in CURVES:
            raise ValueError(f"curve must be one of {', '.join(CURVES)}; got {curve!r}")
        if surface not in SURFACES:
            raise ValueError(f"surface must be one of {', '.join(SURFACES)}; got {surface!r}")
        self.max_steps = int(max_steps)
        style = {"description_width": "initial"}
        self.curve_menu = widgets.Dropdown(options=list(CURVES), value=curve, description="1-D loss", style=style,
                                           layout=widgets.Layout(width="210px"))
        first = CURVES[curve]
        self.start_slider = widgets.FloatSlider(value=first.start[0] if start is None else float(start),
                                                min=first.window[0], max=first.window[1], step=0.1,
                                                description="1-D start θ₀", continuous_update=False, style=style,
                                                readout_format=".1f", layout=widgets.Layout(width="280px"))
        self.surface_menu = widgets.Dropdown(options=list(SURFACES), value=surface, description="2-D loss",
                                             style=style, layout=widgets.Layout(width="260px"))
        self.learning_rate_slider = widgets.FloatLogSlider(value=float(learning_rate), base=10, min=-3, max=0.5,
                                                           step=0.01, description="learning rate α",
                                                           readout_format=".3g", continuous_update=False,
                                                           style=style, layout=widgets.Layout(width="330px"))
        self.momentum_slider = widgets.FloatSlider(value=float(momentum), min=0.0, max=0.99, step=0.01,
                                                   description="momentum β", readout_format=".2f",
                                                   continuous_update=False, style=style,
                                                   layout=widgets.Layout(width="280px"))
        self.steps_slider = widgets.IntSlider(value=int(steps), min=0, max=self.max_steps, description="steps",
                                              continuous_update=False, style=style,
                                              layout=widgets.Layout(width="330px"))
        self.step_button = widgets.Button(description="Step", icon="step-forward", tooltip="one more update",
                                          layout=widgets.Layout(width="80px"))
        self.reset_button = widgets.Button(description="Reset", icon="undo", tooltip="back to step 0",
                                           layout=widgets.Layout(width="85px"))
        self.step_button.add_class("descent-step")
        self.reset_button.add_class("descent-reset")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.curve_menu.observe(self._on_curve, names="value")
        for control in (self.start_slider, self.surface_menu, self.learning_rate_slider, self.momentum_slider):
            control.observe(self._on_setting, names="value")
        self.steps_slider.observe(self._on_steps, names="value")

        row = widgets.Layout(flex_flow="row wrap", align_items="center")
        self.assemble([
            widgets.HBox([self.curve_menu, self.start_slider, self.surface_menu], layout=row),
            widgets.HBox([self.learning_rate_slider, self.momentum_slider], layout=row),
            widgets.HBox([self.steps_slider, self.step_button, self.reset_button], layout=row),
        ])
        self._artists = None  # what draw() made on self.figure, reused by later redraws
        self._compute()
        self.refresh(self._readout())

    # --- settings and controls -------------------------------------------------------------

    @property
    def learning_rate(self) -> float:
        return float(self.learning_rate_slider.value)

    @property
    def momentum(self) -> float:
        return float(self.momentum_slider.value)

    @property
    def steps(self) -> int:
        return int(self.steps_slider.value)

    @property
    def curve(self) -> LossFunction:
        return CURVES[self.curve_menu.value]

    @property
    def surface(self) -> LossFunction:
        return SURFACES[self.surface_menu.value]

    def step(self, n: int = 1) -> None:
        """Show ``n`` more updates (the Step button: one)."""
        self.steps_slider.value = min(self.max_steps, self.steps + int(n))  # its observer redraws

    def reset(self) -> None:
        """Back to step 0 (the settings stay)."""
        if self.steps == 0:
            self.refresh(self._readout())
        self.steps_slider.value = 0

    def _on_curve(self, change) -> None:
        curve = self.curve
        self.start_slider.unobserve(self._on_setting, names="value")  # one redraw, not three
        try:
            self.start_slider.min, self.start_slider.max = -1e9, 1e9
            self.start_slider.value = curve.start[0]
            self.start_slider.min, self.start_slider.max = curve.window
        finally:
            self.start_slider.observe(self._on_setting, names="value")
        self._on_setting(change)

    def _on_setting(self, change) -> None:
        self._compute()
        self.refresh(self._readout())

    def _on_steps(self, change) -> None:
        self._select()
        self.refresh(self._readout())

    # --- the paths ---------------------------------------------------------------------------

    def _compute(self) -> None:
        """Both paths for max_steps with the current settings (cheap: a few ms)."""
        self._full_curve_path = descent_path(self.curve, self.learning_rate, self.momentum, self.max_steps,
                                             start=(float(self.start_slider.value),))
        self._full_surface_path = descent_path(self.surface, self.learning_rate, self.momentum, self.max_steps)
        self._select()

    def _select(self) -> None:
        self.curve_path = self._full_curve_path.upto(self.steps)
        self.surface_path = self._full_surface_path.upto(self.steps)

    # --- drawing -------------------------------------------------------------------------------

    def refresh(self, readout: str) -> None:
        """Redraw (reusing the axes after the first time), then (last) set the readout."""
        if self._artists is None:
            super().refresh(readout)
            return
        start = time.perf_counter()
        self._update(self._artists)
        buffer = io.BytesIO()  # as Panel's render_png, with quicker compression
        self.figure.savefig(buffer, format="png", dpi=self.dpi, pil_kwargs={"compress_level": 1})
        self.image.value = buffer.getvalue()
        self.redraw_seconds = time.perf_counter() - start
        self.readout.value = readout

    def draw(self, figure: Figure) -> None:
        figure.set_layout_engine(None)  # fixed positions below; None, not "none" (that still runs a layout pass)
        if figure.get_layout_engine() is not None:
            figure.set_layout_engine("none")
        artists = {"ax_curve": figure.add_axes(_CURVE_RECT), "ax_surface": figure.add_axes(_SURFACE_RECT),
                   "ax_gap": figure.add_axes(_GAP_RECT)}
        for key, kind in (("ax_curve", "1-D"), ("ax_surface", "2-D")):
            ax = artists[key]
            color = _PATH_COLORS[kind]
            artists[f"{kind} segments"] = ax.add_collection(LineCollection([], colors=color, linewidths=1.4,
                                                                           zorder=3))
            (artists[f"{kind} points"],) = ax.plot([], [], "o", color=color, markersize=3.5, zorder=4)
            (artists[f"{kind} start"],) = ax.plot([], [], "o", color="white", markeredgecolor="black",
                                                  markersize=7, zorder=5, label="start")
            (artists[f"{kind} now"],) = ax.plot([], [], "o", color=color, markeredgecolor="black", markersize=8,
                                                zorder=6, label="now")
            (artists[f"{kind} exit"],) = ax.plot([], [], "X", color="#c00", markeredgecolor="white", markersize=11,
                                                 zorder=7, clip_on=False, label="off the chart")
            artists[f"{kind} note"] = ax.text(0.5, 0.04, "", transform=ax.transAxes, ha="center", va="bottom",
                                              fontsize=9, color="#c00", fontweight="bold", zorder=8,
                                              bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none",
                                                    "pad": 1.5})
            artists[f"{kind} stable"] = ax.text(0.03, 0.96, "", transform=ax.transAxes, ha="left", va="top",
                                                fontsize=8.5, zorder=8,
                                                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none",
                                                      "pad": 1.5})
        ax = artists["ax_curve"]
        (artists["curve line"],) = ax.plot([], [], color="0.2", linewidth=1.5)
        (artists["curve minima"],) = ax.plot([], [], "*", color="gold", markeredgecolor="black", markersize=12,
                                             zorder=2, label="minimum")
        ax.set_xlabel("θ")
        ax.set_ylabel("loss L(θ)")
        artists["curve title"] = ax.set_title("", fontsize=9.5)
        ax = artists["ax_surface"]
        artists["contours"] = None
        artists["surface name"] = None  # the surface whose contours are drawn
        (artists["surface minima"],) = ax.plot([], [], "*", color="gold", markeredgecolor="black", markersize=13,
                                               zorder=2)
        ax.set_xlabel("θ₁")
        ax.set_ylabel("θ₂")
        artists["surface title"] = ax.set_title("", fontsize=9.5)
        ax = artists["ax_gap"]
        (artists["gap 1-D"],) = ax.plot([], [], "-o", color=_PATH_COLORS["1-D"], markersize=2.5, label="1-D path")
        (artists["gap 2-D"],) = ax.plot([], [], "-o", color=_PATH_COLORS["2-D"], markersize=2.5, label="2-D path")
        (artists["gap diverged"],) = ax.plot([], [], "X", color="#c00", markeredgecolor="white", markersize=11,
                                             linestyle="", clip_on=False)
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(numticks=7))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))  # no mathtext: faster
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("step")
        ax.set_ylabel("L − lowest L  (log scale)")
        ax.set_title("loss above the lowest, step by step", fontsize=9.5)
        ax.grid(True, alpha=0.3)
        handles = [artists["gap 1-D"], artists["gap 2-D"], artists["1-D start"], artists["1-D now"],
                   artists["2-D now"], artists["curve minima"], artists["1-D exit"]]
        labels = ["1-D path", "2-D path", "start", "now (1-D)", "now (2-D)", "minimum", "off the chart / diverged"]
        figure.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=len(handles),
                      fontsize=8.5, frameon=False, handletextpad=0.3, columnspacing=1.4)
        self._update(artists)
        if figure is self.figure:
            self._artists = artists

    def _update(self, artists: dict) -> None:
        """Put the current paths into the artists (the axes, ticks and legends are reused)."""
        self._update_curve(artists)
        self._update_surface(artists)
        self._update_gap(artists)

    def _update_curve(self, artists: dict) -> None:
        curve, path = self.curve, self.curve_path
        ax = artists["ax_curve"]
        t = np.linspace(*curve.window, 300)
        L = curve.loss(t[None, :])
        artists["curve line"].set_data(t, L)
        minima = np.array([m[0] for m in curve.minima])
        artists["curve minima"].set_data(minima, curve.loss(minima[None, :]))
        span = L.max() - L.min()
        box = (curve.window[0], curve.window[1], L.min() - 0.08 * span, L.max() + 0.05 * span)
        ax.set(xlim=box[:2], ylim=box[2:])
        points = np.column_stack([path.thetas[:, 0], path.losses])
        self._draw_path(artists, "1-D", points, box, path)
        artists["curve title"].set_text(f"1-D loss: {curve.name}\n{curve.formula}")
        self._set_stability(artists["1-D stable"], curve)

    def _update_surface(self, artists: dict) -> None:
        surface, path = self.surface, self.surface_path
        ax = artists["ax_surface"]
        box = surface.window
        if artists["surface name"] != surface.name:
            if artists["contours"] is not None:
                artists["contours"].remove()
            x = np.linspace(box[0], box[1], 120)
            y = np.linspace(box[2], box[3], 120)
            X, Y = np.meshgrid(x, y)
            Z = surface.loss(np.stack([X, Y])) - surface.lowest_loss
            levels = np.geomspace(max(Z.max() * 1e-4, 1e-3), Z.max(), 14)
            artists["contours"] = ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.9, zorder=1)
            artists["surface minima"].set_data([m[0] for m in surface.minima], [m[1] for m in surface.minima])
            ax.set(xlim=box[:2], ylim=box[2:])
            ax.set_aspect("equal")
            artists["surface title"].set_text(f"2-D loss: {surface.name}\n{surface.formula}")
            artists["surface name"] = surface.name
        self._draw_path(artists, "2-D", path.thetas, box, path)
        self._set_stability(artists["2-D stable"], surface)

    def _draw_path(self, artists: dict, kind: str, points: np.ndarray, box, path: Path) -> None:
        """Segments cut to the chart, points inside it, start, current point, exit mark, note."""
        finite = np.all(np.isfinite(points), axis=1)
        points = points[finite]
        artists[f"{kind} segments"].set_segments(_clip_segments(points, box) if len(points) > 1 else [])
        inside = _inside(points, box)
        artists[f"{kind} points"].set_data(points[inside, 0], points[inside, 1])
        artists[f"{kind} start"].set_data(points[:1, 0], points[:1, 1])
        last = points[-1:]
        if _inside(last, box).all():
            artists[f"{kind} now"].set_data(last[:, 0], last[:, 1])
        else:
            artists[f"{kind} now"].set_data([], [])
        exit_point = _exit_point(points, box)
        if exit_point is not None:
            artists[f"{kind} exit"].set_data([exit_point[0]], [exit_point[1]])
        else:
            artists[f"{kind} exit"].set_data([], [])
        if path.diverged_at is not None:
            note = f"diverged at step {path.diverged_at}"
        elif exit_point is not None:
            note = "off the chart (×): overshooting"
        else:
            note = ""
        artists[f"{kind} note"].set_text(note)

    def _update_gap(self, artists: dict) -> None:
        ax = artists["ax_gap"]
        highest, lowest = 1.0, 1.0
        diverged_x, diverged_y = [], []
        for kind, path in (("1-D", self.curve_path), ("2-D", self.surface_path)):
            gap = np.maximum(path.losses - path.function.lowest_loss, 1e-16)
            gap = np.where(np.isfinite(gap), gap, 1e300)
            steps = np.arange(len(gap))
            artists[f"gap {kind}"].set_data(steps, gap)
            highest = max(highest, float(gap[:len(gap)].max()))
            lowest = min(lowest, float(gap.min()))
            if path.diverged_at is not None:
                diverged_x.append(path.diverged_at)
                diverged_y.append(gap[-1])
        top = min(highest * 3, 1e12)
        bottom = max(lowest / 3, 1e-12)
        artists["gap diverged"].set_data(diverged_x, np.minimum(diverged_y, top))
        ax.set_ylim(bottom, top)
        ax.set_xlim(-0.5, max(10, self.steps) + 0.5)

    def stable_limit(self, function: LossFunction) -> float:
        """The largest stable learning rate (near the minimum): alpha < 2 (1 + beta) / lambda_max."""
        return 2 * (1 + self.momentum) / function.largest_curvature

    def _set_stability(self, text, function: LossFunction) -> None:
        limit = self.stable_limit(function)
        where = "" if function.quadratic else " near the min."
        if self.learning_rate < limit:
            text.set_text(f"stable{where}: α < {limit:.3g}")
            text.set_color("#1a7f37")
        else:
            text.set_text(f"unstable{where}: α ≥ {limit:.3g}")
            text.set_color("#c00")

    # --- readout ---------------------------------------------------------------------------------

    def _describe(self, path: Path) -> str:
        """One phrase: where the path is and how it behaves."""
        function = path.function
        theta = path.thetas[-1]
        where = (f"θ = {theta[0]:.4g}" if function.dimension == 1 else f"θ = ({theta[0]:.3g}, {theta[1]:.3g})")
        if path.diverged_at is not None:
            return f"diverged at step {path.diverged_at} (the loss passed a million times its start)"
        # A step overshot when the gradient where it landed points against the one it started from.
        gradients = path.gradients  # at every point of the path
        flips = int(np.sum(np.einsum("ij,ij->i", gradients[1:], gradients[:-1]) < 0))
        gap = path.losses[-1] - function.lowest_loss
        text = f"{where}, L − lowest = {gap:.2g}"
        if path.steps == 0:
            return text + " (the start)"
        if flips:
            text += f"; overshot {flips} time{'s' if flips != 1 else ''} (the gradient flipped)"
        if len(function.minima) > 1 and np.linalg.norm(path.gradients[-1]) < 1e-3:
            nearest = min(range(len(function.minima)), key=lambda k: np.linalg.norm(theta - function.minima[k]))
            text += "; at the global minimum" if nearest == 0 else "; stuck in a local minimum"
        return text

    def _readout(self) -> str:
        return (f"learning rate {self.learning_rate:.3g} · momentum {self.momentum:.2f} · steps {self.steps} · "
                f"<b>1-D</b>: {self._describe(self.curve_path)} · "
                f"<b>2-D</b>: {self._describe(self.surface_path)}")
