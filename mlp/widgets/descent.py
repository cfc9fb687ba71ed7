"""The gradient-descent explorer: the path gradient descent takes, step by step (lesson 7).

Left, a 1-D loss curve with the path's points (θ_k, L(θ_k)); middle, a 2-D loss surface (log of the loss above its
lowest in shades of blue, with contour lines) and the path θ_k; right, each path's loss above the lowest (log scale).
Choose the curve and its start θ₀, the surface, the learning rate α and the momentum β, then Step: the paths converge,
overshoot and zig-zag, or diverge (× where a path left the chart). White dot: the start; rimmed dot: the current
point; star: the minimum; top left: is α below the stable limit 2 (1 + β) / λ_max? The paths: ``mlp.loss_surfaces``.

    >>> DescentExplorer(learning_rate=0.9)   # the panel (on a static page, its picture); .snapshot() is a figure
"""

import functools

import contourpy
import numpy as np
import traitlets

from ..loss_surfaces import CURVES, SURFACES, LossFunction, Path, descent_path
from .canvas import CanvasPanel, axes, button, choice, image, line, points, slider, text

__all__ = ["DescentExplorer"]


def _short(values, digits: int = 4) -> list:
    """Numbers rounded to ``digits`` significant digits: the picture's data gets a third as long."""
    return [float(f"{v:.{digits}g}") for v in np.asarray(values, dtype=float).ravel()]


def exit_point(xy: np.ndarray, box):
    """Where a path of 2-D points, starting inside the box (x0, x1, y0, y1), first leaves it (None if never)."""
    low, high = np.array(box[0::2]), np.array(box[1::2])
    outside = np.any((xy < low) | (xy > high), axis=1)
    if not outside.any():
        return None
    p, q = xy[np.argmax(outside) - 1], xy[np.argmax(outside)]
    with np.errstate(divide="ignore", invalid="ignore"):  # the fraction of the segment p -> q inside the box
        t = np.where(q > high, (high - p) / (q - p), np.where(q < low, (low - p) / (q - p), np.inf)).min()
    return p + t * (q - p)


@functools.lru_cache(maxsize=16)
def surface_picture(function: LossFunction, limits: tuple, cells: int = 80, levels: int = 7) -> list:
    """A 2-D loss over ``limits`` (x0, x1, y0, y1): log10 of the loss above its lowest in shades, and contour lines."""
    x0, x1, y0, y1 = limits
    x = x0 + (np.arange(cells) + 0.5) * (x1 - x0) / cells  # the cells' centres
    y = y0 + (np.arange(cells) + 0.5) * (y1 - y0) / cells
    height = np.log10(np.maximum(function.loss(np.stack(np.meshgrid(x, y))) - function.lowest_loss, 1e-3))
    low, high = height.min(), height.max()
    generator = contourpy.contour_generator(x, y, height, line_type="ChunkCombinedNan")  # one chunk: NaN between pieces
    xy = np.vstack([np.vstack([generator.lines(level)[0][0], [(np.nan, np.nan)]])  # and after each level's pieces
                    for level in np.linspace(low, high, levels + 2)[1:-1]])
    return [image(height, limits, "sequential", low, high + 0.6 * (high - low)),  # at most 60% blue: paths show
            line(_short(xy[:, 0], 3), _short(xy[:, 1], 3), colour="#555", width=0.8, alpha=0.7)]


def stars(minima, loss=None) -> dict:
    """Gold stars at the ``minima``: at (θ, loss(θ)) for a 1-D curve, at (θ₁, θ₂) for a surface."""
    minima = np.array(minima, dtype=float)
    return points(minima[:, 0], minima[:, 1] if loss is None else loss(minima.T), "gold", size=6, marker="*",
                  edge="#000")


_COLOURS = {"1-D": "#ff7f0e", "2-D": "#9467bd"}
_BOXES = {"1-D": (50, 34, 200, 240), "2-D": (300, 34, 240, 240), "gap": (605, 34, 145, 240)}  # pixels


class DescentExplorer(CanvasPanel):
    """Gradient descent on a curve of CURVES and a surface of SURFACES; ``curve_path``, ``surface_path``: the paths."""

    css_class = traitlets.Unicode("descent-explorer").tag(sync=True)
    curve = traitlets.Unicode("quadratic").tag(sync=True)
    start = traitlets.Float(-1.0).tag(sync=True)
    surface = traitlets.Unicode("elongated bowl").tag(sync=True)
    learning_rate = traitlets.Float(0.1).tag(sync=True)
    momentum = traitlets.Float(0.0).tag(sync=True)
    steps = traitlets.Int(10).tag(sync=True)
    REDRAW = ("curve", "start", "surface", "learning_rate", "momentum", "steps")
    max_steps = 200

    def __init__(self, curve: str = "quadratic", surface: str = "elongated bowl", learning_rate: float = 0.1,
                 momentum: float = 0.0, steps: int = 10):
        for name, value, known in (("curve", curve, CURVES), ("surface", surface, SURFACES)):
            if value not in known:
                raise ValueError(f"{name} must be one of {list(known)}; got {value!r}")
        if not 0 <= steps <= self.max_steps:
            raise ValueError(f"steps must be between 0 and max_steps = {self.max_steps}; got {steps!r}")
        windows = np.array([c.window for c in CURVES.values()])
        super().__init__(curve=curve, start=CURVES[curve].start[0], surface=surface, learning_rate=float(learning_rate),
                         momentum=float(momentum), steps=int(steps), controls_height=90, controls=[
                             choice("curve", "1-D loss", list(CURVES), menu=True),
                             slider("start", "1-D start θ₀", windows[:, 0].min(), windows[:, 1].max(), 0.1),
                             choice("surface", "2-D loss", list(SURFACES), menu=True),
                             slider("learning_rate", "learning rate α", 0.001, 10**0.5, 0.1, log=True),
                             slider("momentum", "momentum β", 0.0, 0.99, 0.05),
                             slider("steps", "steps", 0, self.max_steps, 1, integer=True),
                             button("step", "Step"), button("reset", "Reset")])
        self.redraw()

    @traitlets.validate("start")
    def _inside_the_window(self, proposal):
        return float(np.clip(proposal["value"], *CURVES[self.curve].window))

    @traitlets.observe("curve")
    def _own_start(self, change) -> None:
        """A new curve starts from its own start (observed before REDRAW, so drawn from it)."""
        self.start = CURVES[self.curve].start[0]

    def on_step(self, n: int = 1) -> None:
        """Show ``n`` more updates (the Step button: one)."""
        self.steps = min(self.max_steps, self.steps + int(n))

    def on_reset(self) -> None:
        """Back to step 0 (the settings stay)."""
        self.steps = 0

    def draw(self):
        curve, surface = CURVES[self.curve], SURFACES[self.surface]
        self.curve_path = descent_path(curve, self.learning_rate, self.momentum, self.steps, start=(self.start,))
        self.surface_path = descent_path(surface, self.learning_rate, self.momentum, self.steps)
        t = np.linspace(*curve.window, 200)
        L = curve.loss(t[None])
        box = (*curve.window, L.min() - 0.08 * np.ptp(L), L.max() + 0.05 * np.ptp(L))
        one = [line(_short(t), _short(L)), stars(curve.minima, curve.loss), *self._path(self.curve_path, box, "1-D")]
        two = [*surface_picture(surface, surface.window), stars(surface.minima),
               *self._path(self.surface_path, surface.window, "2-D")]
        gap, ends, highest, lowest = [], [], 1.0, 1.0
        for kind, path in (("1-D", self.curve_path), ("2-D", self.surface_path)):
            above = np.clip(path.above_lowest, 1e-16, 1e300)  # inf -> 1e300
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

    def _path(self, path: Path, box, kind: str) -> list:
        """The path (on a curve at (θ, L)), × where it left the chart, a note why, and whether α is stable."""
        xy = np.column_stack([path.thetas[:, 0], path.losses]) if kind == "1-D" else path.thetas
        x, y, colour = _short(xy[:, 0]), _short(xy[:, 1]), _COLOURS[kind]
        items = [line(x, y, colour, width=1.4), points(x, y, colour, size=2.5), points(x[:1], y[:1], "white", size=5,
                 edge="#000"), points(x[-1:], y[-1:], colour, size=5.5, edge="#000")]
        left = exit_point(xy, box)
        items += [points([left[0]], [left[1]], "#c00", marker="x", size=6)] if left is not None else []
        note = (f"diverged at step {path.diverged_at}" if path.diverged_at is not None
                else "off the chart (×): overshooting" if left is not None else "")
        limit, where = path.function.stable_learning_rate(self.momentum), "" if path.function.quadratic else " near min"
        stable = self.learning_rate < limit
        return items + [text(note, ((box[0] + box[1]) / 2, box[2]), "#c00", "center", (0, -12)),
                        text(f"{'stable' if stable else 'unstable'}{where}: α {'<' if stable else '≥'} {limit:.3g}",
                             (box[0], box[3]), "#1a7f37" if stable else "#c00", offset=(6, 12))]

    @staticmethod
    def _describe(path: Path) -> str:
        """One phrase: where the path is and how it behaves."""
        if path.diverged_at is not None:
            return f"diverged at step {path.diverged_at} (the loss passed a million times its start)"
        theta = path.thetas[-1]
        where = f"θ = {theta[0]:.4g}" if len(theta) == 1 else f"θ = ({theta[0]:.3g}, {theta[1]:.3g})"
        words = [f"{where}, L − lowest = {path.above_lowest[-1]:.2g}" + (" (the start)" if path.steps == 0 else "")]
        if path.overshoots:
            words.append(f"overshot {path.overshoots} time{'s' if path.overshoots != 1 else ''}")
        if path.steps and len(path.function.minima) > 1 and path.settled_in is not None:
            words.append("at the global minimum" if path.settled_in == 0 else "stuck in a local minimum")
        return "; ".join(words)
