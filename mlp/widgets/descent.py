"""The gradient-descent explorer: the path gradient descent takes, step by step (lesson 7).

Left, a 1-D loss curve L(θ) with the path's points (θ_k, L(θ_k)); middle, a 2-D loss surface (log of the loss
above its lowest in shades of blue, and contour lines) with the path θ_k; right, each path's loss above the
lowest, step by step (log scale). Choose the 1-D curve and its start θ₀, the 2-D surface, the learning rate α
(ten steps a decade: one key press is a change you can see) and the momentum β, then Step through the
updates (or drag "steps"): the paths converge, overshoot and zig-zag, or diverge. The white dot is the
start, the rimmed dot the current point, the star the minimum; the top left corner says whether α is below
the stable limit 2 (1 + β) / λ_max (λ_max: the largest curvature at the minimum). The update is
``mlp.optimizers.GradientDescent``'s own: v := β v − α dL/dθ; θ := θ + v. A path whose loss passes a
million times its start (``mlp.train``'s divergence guard) stops, marked "diverged"; × marks where a path
left the chart.

    >>> from mlp.widgets.descent import DescentExplorer
    >>> explorer = DescentExplorer(learning_rate=0.9)
    >>> explorer              # the panel (on a static page, its picture); explorer.snapshot() is a figure
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Callable

import contourpy
import numpy as np
import traitlets

from ..optimizers import GradientDescent
from ..training import DIVERGENCE_FACTOR
from .canvas import CanvasPanel, axes, button, choice, image, line, points, slider, text

__all__ = ["DescentExplorer", "LossFunction", "Path", "CURVES", "SURFACES", "descent_path", "optimizer_path"]


@dataclass(frozen=True)
class LossFunction:
    """A loss of d = 1 or 2 parameters: ``loss(theta)`` (theta of shape (d,), or (d, ...) for a grid),
    ``gradient(theta)`` of shape (d,), the local ``minima`` (global first), the ``start`` and the
    ``window`` to draw ((x0, x1) or (x0, x1, y0, y1)). Plain gradient descent is stable near the minimum
    for alpha < 2 / ``largest_curvature`` (the Hessian's largest eigenvalue; quadratics: everywhere)."""

    name: str
    formula: str
    loss: Callable
    gradient: Callable
    minima: tuple
    start: tuple
    window: tuple
    largest_curvature: float
    quadratic: bool = False

    @property
    def lowest_loss(self) -> float:
        return self.value(self.minima[0])

    def value(self, theta) -> float:
        """The loss at one point theta (a sequence of d numbers)."""
        return float(self.loss(np.asarray(theta, dtype=np.float64)))


_WELL_MINIMA = (-2.114907541476756, 1.860805853111704)  # roots of t^3 - 4 t + 1 = 0 with L'' > 0

#: the 1-D losses, by menu label
CURVES = {
    "quadratic": LossFunction(
        "quadratic", "L(θ) = (θ − 3)²", lambda t: (t[0] - 3.0) ** 2, lambda t: 2.0 * (t - 3.0),
        minima=((3.0,),), start=(-1.0,), window=(-2.0, 8.0), largest_curvature=2.0, quadratic=True),
    "two valleys": LossFunction(
        "two valleys", "L(θ) = θ⁴/16 − θ²/2 + θ/4 + 2", lambda t: t[0] ** 4 / 16 - t[0] ** 2 / 2 + t[0] / 4 + 2,
        lambda t: t**3 / 4 - t + 0.25, minima=((_WELL_MINIMA[0],), (_WELL_MINIMA[1],)), start=(3.5,),
        window=(-3.5, 4.0), largest_curvature=3 * _WELL_MINIMA[0] ** 2 / 4 - 1),
}

_A, _B = 0.039, 0.194  # the valley's weights of (1 - x)^2 and (y - x^2)^2: largest curvature 2 at the minimum

#: the 2-D losses, by menu label
SURFACES = {
    "elongated bowl": LossFunction(
        "elongated bowl", "L = 0.1 θ₁² + θ₂²", lambda t: 0.1 * t[0] ** 2 + t[1] ** 2,
        lambda t: np.array([0.2 * t[0], 2.0 * t[1]]), minima=((0.0, 0.0),), start=(-4.5, 2.0),
        window=(-5.0, 5.0, -5.0, 5.0), largest_curvature=2.0, quadratic=True),
    "round bowl": LossFunction(
        "round bowl", "L = θ₁² + θ₂²", lambda t: t[0] ** 2 + t[1] ** 2, lambda t: 2.0 * t,
        minima=((0.0, 0.0),), start=(-4.0, 3.0), window=(-5.0, 5.0, -5.0, 5.0), largest_curvature=2.0,
        quadratic=True),
    "valley (Rosenbrock)": LossFunction(
        "valley (Rosenbrock)", "L = 0.039 (1 − θ₁)² + 0.194 (θ₂ − θ₁²)²",
        lambda t: _A * (1 - t[0]) ** 2 + _B * (t[1] - t[0] ** 2) ** 2,
        lambda t: np.array([-2 * _A * (1 - t[0]) - 4 * _B * t[0] * (t[1] - t[0] ** 2), 2 * _B * (t[1] - t[0] ** 2)]),
        minima=((1.0, 1.0),), start=(-1.5, 2.5), window=(-2.0, 2.0, -1.0, 3.0),
        largest_curvature=float(np.linalg.eigvalsh([[2 * _A + 8 * _B, -4 * _B], [-4 * _B, 2 * _B]]).max())),
}


@dataclass
class Path:
    """The points a descent visited, ``thetas`` (n + 1, d) and their ``losses`` (n + 1,), start first;
    ``diverged_at``: the step at which the loss ran away (its point, if finite, is the last one), or None."""

    thetas: np.ndarray
    losses: np.ndarray
    diverged_at: int | None
    function: LossFunction

    @property
    def steps(self) -> int:
        return len(self.losses) - 1


class _Point:
    """One parameter vector with its gradient, shaped like a model for an optimiser's ``step``."""

    def __init__(self, theta):
        self.theta = np.array(theta, dtype=np.float64)
        self.grad = np.zeros_like(self.theta)

    def params_and_grads(self):
        yield "theta", self.theta, self.grad


def optimizer_path(function: LossFunction, optimizer, steps: int, start=None) -> Path:
    """``steps`` updates of ``optimizer`` (an ``mlp.optimizers`` object) on ``function`` from ``start``
    (default: the function's). Stops early, with ``diverged_at`` set, when the loss passes DIVERGENCE_FACTOR
    (a million) times the larger of 1 and the starting loss, or is not a number. Never warns."""
    point = _Point(function.start if start is None else start)
    thetas, losses, diverged_at = [point.theta.copy()], [function.value(point.theta)], None
    limit = DIVERGENCE_FACTOR * max(losses[0], 1.0)
    with np.errstate(all="ignore"):
        for step in range(1, int(steps) + 1):
            point.grad[...] = function.gradient(point.theta)
            optimizer.step(point)
            loss = function.value(point.theta)
            if math.isfinite(loss):  # (then theta is finite too)
                thetas.append(point.theta.copy())
                losses.append(loss)
            if not loss <= limit:  # ran away, or NaN: its last finite point shows where it was heading
                diverged_at = step
                break
    return Path(np.array(thetas), np.array(losses), diverged_at, function)


def descent_path(function: LossFunction, learning_rate, momentum=0.0, steps=100, start=None) -> Path:
    """``steps`` updates of ``mlp.optimizers.GradientDescent(learning_rate, momentum=momentum)``."""
    return optimizer_path(function, GradientDescent(learning_rate, momentum=momentum), steps, start)


def _short(values, digits: int = 4) -> list:
    """Numbers rounded to ``digits`` significant digits: the picture's data gets a third as long."""
    return [float(f"{v:.{digits}g}") for v in np.asarray(values, dtype=float).ravel()]


def exit_point(points: np.ndarray, box):
    """Where a path of 2-D points, starting inside the box (x0, x1, y0, y1), first leaves it (None if never)."""
    low, high = np.array(box[0::2]), np.array(box[1::2])
    outside = np.any((points < low) | (points > high), axis=1)
    if not outside.any():
        return None
    p, q = points[np.argmax(outside) - 1], points[np.argmax(outside)]
    with np.errstate(divide="ignore", invalid="ignore"):  # the fraction of the segment p -> q inside the box
        t = np.where(q > high, (high - p) / (q - p), np.where(q < low, (low - p) / (q - p), np.inf)).min()
    return p + t * (q - p)


@functools.lru_cache(maxsize=16)
def surface_picture(function: LossFunction, limits: tuple, cells: int = 80, levels: int = 7) -> list:
    """A 2-D loss over ``limits`` (x0, x1, y0, y1) as picture items: log10 of the loss above its lowest as
    shades (``cells`` × ``cells``), and ``levels`` contour lines evenly spaced in it (by contourpy)."""
    x0, x1, y0, y1 = limits
    x = x0 + (np.arange(cells) + 0.5) * (x1 - x0) / cells  # the cells' centres
    y = y0 + (np.arange(cells) + 0.5) * (y1 - y0) / cells
    height = np.log10(np.maximum(function.loss(np.stack(np.meshgrid(x, y))) - function.lowest_loss, 1e-3))
    low, high = height.min(), height.max()
    generator, xs, ys = contourpy.contour_generator(x, y, height), [], []
    for level in np.linspace(low, high, levels + 2)[1:-1]:
        for piece in generator.lines(level):  # separate pieces, joined with a gap (NaN)
            xs += [*piece[:, 0], np.nan]
            ys += [*piece[:, 1], np.nan]
    return [image(height, limits, "sequential", low, high + 0.6 * (high - low)),  # at most 60% blue: paths show
            line(_short(xs, 3), _short(ys, 3), colour="#555", width=0.8, alpha=0.7)]


def _stars(minima, loss=None) -> dict:
    minima = np.array(minima, dtype=float)
    y = minima[:, 1] if loss is None else loss(minima.T)
    return points(minima[:, 0], y, colour="gold", size=6, marker="*", edge="#000")


_COLOURS = {"1-D": "#ff7f0e", "2-D": "#9467bd"}
_BOXES = {"1-D": (50, 34, 200, 240), "2-D": (300, 34, 240, 240), "gap": (605, 34, 145, 240)}  # pixels


class DescentExplorer(CanvasPanel):
    """Gradient descent with momentum on a 1-D loss curve (a key of CURVES) and a 2-D loss surface (of
    SURFACES), step by step: learning_rate alpha 0.001 to 3.16 (log slider: 0.1, 0.126, 0.158, 0.2, ...),
    momentum beta in [0, 1), steps 0 to max_steps (Step adds one, Reset goes to 0), start theta_0 of the
    curve (None: its own; kept in its window). ``curve_path`` and ``surface_path`` are the ``Path``s shown."""

    css_class = traitlets.Unicode("descent-explorer").tag(sync=True)

    curve = traitlets.Unicode("quadratic").tag(sync=True)
    start = traitlets.Float(-1.0).tag(sync=True)
    surface = traitlets.Unicode("elongated bowl").tag(sync=True)
    learning_rate = traitlets.Float(0.1).tag(sync=True)
    momentum = traitlets.Float(0.0).tag(sync=True)
    steps = traitlets.Int(10).tag(sync=True)
    REDRAW = ("start", "surface", "learning_rate", "momentum", "steps")

    def __init__(self, curve: str = "quadratic", surface: str = "elongated bowl", learning_rate: float = 0.1,
                 momentum: float = 0.0, steps: int = 10, start: float | None = None, max_steps: int = 200):
        for name, value, known in (("curve", curve, CURVES), ("surface", surface, SURFACES)):
            if value not in known:
                raise ValueError(f"{name} must be one of {list(known)}; got {value!r}")
        if not 0 <= steps <= max_steps:
            raise ValueError(f"steps must be between 0 and max_steps = {max_steps}; got {steps!r}")
        self.max_steps = int(max_steps)
        windows = np.array([c.window for c in CURVES.values()])
        super().__init__(
            curve=curve, start=CURVES[curve].start[0] if start is None else float(start), surface=surface,
            learning_rate=float(learning_rate), momentum=float(momentum), steps=int(steps),
            controls_height=90, controls=[
                choice("curve", "1-D loss", list(CURVES), menu=True),
                slider("start", "1-D start θ₀", windows[:, 0].min(), windows[:, 1].max(), 0.1),
                choice("surface", "2-D loss", list(SURFACES), menu=True),
                slider("learning_rate", "learning rate α", 0.001, 10**0.5, 0.1, log=True),
                slider("momentum", "momentum β", 0.0, 0.99, 0.05),
                slider("steps", "steps", 0, self.max_steps, 1, integer=True), button("step", "Step"),
                button("reset", "Reset")])
        self.observe(self._new_curve, names="curve")
        self.redraw()

    @traitlets.validate("start")
    def _inside_the_window(self, proposal):
        low, high = CURVES[self.curve].window
        return min(max(proposal["value"], low), high)

    def _new_curve(self, change) -> None:
        """A new curve starts from its own default start."""
        start = CURVES[self.curve].start[0]
        if self.start == start:
            self.redraw()
        self.start = start  # redraws if it changed

    def step(self, n: int = 1) -> None:
        """Show ``n`` more updates (the Step button: one)."""
        self.steps = min(self.max_steps, self.steps + int(n))

    def reset(self) -> None:
        """Back to step 0 (the settings stay)."""
        self.steps = 0

    on_step, on_reset = step, reset

    def stable_limit(self, function: LossFunction) -> float:
        """The largest stable learning rate (near the minimum): alpha < 2 (1 + beta) / lambda_max."""
        return 2 * (1 + self.momentum) / function.largest_curvature

    # --- the picture ---------------------------------------------------------------------------

    def draw(self):
        self.curve_path = descent_path(CURVES[self.curve], self.learning_rate, self.momentum, self.steps,
                                       start=(self.start,))
        self.surface_path = descent_path(SURFACES[self.surface], self.learning_rate, self.momentum, self.steps)
        curve, surface = self.curve_path.function, self.surface_path.function
        t = np.linspace(*curve.window, 200)
        L = curve.loss(t[None])
        box = (*curve.window, L.min() - 0.08 * np.ptp(L), L.max() + 0.05 * np.ptp(L))
        one = [line(_short(t), _short(L)), _stars(curve.minima, curve.loss),
               *self._path(self.curve_path, np.column_stack([self.curve_path.thetas[:, 0], self.curve_path.losses]),
                           box, "1-D")]
        two = [*surface_picture(surface, surface.window), _stars(surface.minima),
               *self._path(self.surface_path, self.surface_path.thetas, surface.window, "2-D")]
        gap, ends, highest, lowest = [], [], 1.0, 1.0
        for kind, path in (("1-D", self.curve_path), ("2-D", self.surface_path)):
            above = np.clip(path.losses - path.function.lowest_loss, 1e-16, 1e300)  # inf -> 1e300
            highest, lowest = max(highest, above.max()), min(lowest, above.min())
            gap += [line(range(len(above)), _short(above), _COLOURS[kind], label=f"{kind} path"),
                    points(range(len(above)), _short(above), _COLOURS[kind], size=2)]
            ends += [(path.diverged_at, above[-1])] if path.diverged_at is not None else []
        top = min(3 * highest, 1e12)
        gap += [points([step for step, _ in ends], [min(end, top) for _, end in ends], "#c00", marker="x", size=6)]
        pictures = [axes(_BOXES["1-D"], one, box[:2], box[2:], curve.formula, "θ", "loss L(θ)"),
                    axes(_BOXES["2-D"], two, surface.window[:2], surface.window[2:], surface.formula, "θ₁", "θ₂"),
                    axes(_BOXES["gap"], gap, (-0.5, max(10, self.steps) + 0.5), (max(lowest / 3, 1e-12), top),
                         "loss above the lowest", "step", "L − lowest L (log scale)", ylog=True, legend="lower left")]
        return pictures, (f"learning rate {self.learning_rate:.3g} · momentum {self.momentum:.2f} · steps {self.steps}"
                          f" · 1-D: {self._describe(self.curve_path)} · 2-D: {self._describe(self.surface_path)}")

    def _path(self, path: Path, xy: np.ndarray, box, kind: str) -> list:
        """The path's line and points (the start white, the last one rimmed), × where it left the chart, a
        note if it diverged or left, and whether alpha is stable for this loss."""
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        x, y, colour = _short(xy[:, 0]), _short(xy[:, 1]), _COLOURS[kind]
        items = [line(x, y, colour, width=1.4), points(x, y, colour, size=2.5), points(x[:1], y[:1], "white", size=5,
                 edge="#000"), points(x[-1:], y[-1:], colour, size=5.5, edge="#000")]
        left = exit_point(xy, box)
        if left is not None:
            items.append(points([left[0]], [left[1]], "#c00", marker="x", size=6))
        note = (f"diverged at step {path.diverged_at}" if path.diverged_at is not None
                else "off the chart (×): overshooting" if left is not None else "")
        limit, where = self.stable_limit(path.function), "" if path.function.quadratic else " near min"
        stable = self.learning_rate < limit
        return items + [text(note, ((box[0] + box[1]) / 2, box[2]), "#c00", "center", (0, -12)),
                        text(f"{'stable' if stable else 'unstable'}{where}: α {'<' if stable else '≥'} {limit:.3g}",
                             (box[0], box[3]), "#1a7f37" if stable else "#c00", offset=(6, 12))]

    def _describe(self, path: Path) -> str:
        """One phrase: where the path is and how it behaves."""
        function, theta = path.function, path.thetas[-1]
        if path.diverged_at is not None:
            return f"diverged at step {path.diverged_at} (the loss passed a million times its start)"
        where = f"θ = {theta[0]:.4g}" if len(theta) == 1 else f"θ = ({theta[0]:.3g}, {theta[1]:.3g})"
        words = f"{where}, L − lowest = {path.losses[-1] - function.lowest_loss:.2g}"
        if path.steps == 0:
            return words + " (the start)"
        # a step overshot when the gradient where it landed points against the one where it started (flipped)
        gradients = np.array([function.gradient(t) for t in path.thetas])
        flips = int(np.sum(np.einsum("ij,ij->i", gradients[1:], gradients[:-1]) < 0))
        if flips:
            words += f"; overshot {flips} time{'s' if flips != 1 else ''}"
        if len(function.minima) > 1 and np.linalg.norm(gradients[-1]) < 1e-3:
            nearest = min(range(len(function.minima)), key=lambda k: np.linalg.norm(theta - function.minima[k]))
            words += "; at the global minimum" if nearest == 0 else "; stuck in a local minimum"
        return words
