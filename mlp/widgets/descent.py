"""The gradient-descent explorer (lesson 7): the path gradient descent takes, step by step.

Left, a 1-D loss curve and the path's points (θ_k, L(θ_k)); middle, a 2-D loss surface and the path θ_k; right, each
path's loss above the lowest. Choose the curve, its start θ₀, the surface, α and momentum β, then Step: × marks where
a path left the chart; top left: is α below the stable limit 2 (1 + β) / λ_max? Paths: ``mlp.loss_surfaces``.

    >>> DescentExplorer(learning_rate=0.9)   # the panel (on a static page, its picture); .snapshot() is a figure
"""

import functools

import contourpy
import numpy as np
import traitlets

from ..loss_surfaces import CURVES, SURFACES, LossFunction, Path, descent_path
from .canvas import CanvasPanel, axes, button, choice, image, line, points, slider, text

__all__ = ["DescentExplorer"]

_COLOURS = {"1-D": "#ff7f0e", "2-D": "#9467bd"}


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
    x, y = (a + (np.arange(cells) + 0.5) * (b - a) / cells for a, b in (limits[:2], limits[2:]))  # the cells' centres
    height = np.log10(np.maximum(function.loss(np.stack(np.meshgrid(x, y))) - function.lowest_loss, 1e-3))
    low, high = height.min(), height.max()
    generator = contourpy.contour_generator(x, y, height, line_type="ChunkCombinedNan")  # one chunk: NaN between pieces
    xy = np.vstack([np.vstack([generator.lines(level)[0][0], [(np.nan, np.nan)]])  # and after each level's pieces
                    for level in np.linspace(low, high, levels + 2)[1:-1]])
    return [image(height, limits, "sequential", low, high + 0.6 * (high - low)),  # at most 60% blue: paths show
            line(_short(xy[:, 0], 3), _short(xy[:, 1], 3), colour="#555", width=0.8, alpha=0.7)]


def stars(minima, loss=None) -> dict:
    """Gold stars at the ``minima``: at (θ, loss(θ)) for a 1-D curve, at (θ₁, θ₂) for a surface."""
    theta = np.array(minima, dtype=float)
    return points(theta[:, 0], theta[:, 1] if loss is None else loss(theta.T), "gold", size=6, marker="*", edge="#000")


class DescentExplorer(CanvasPanel):
    """Gradient descent on a curve of CURVES and a surface of SURFACES; ``curve_path``, ``surface_path``: the paths."""

    css_class = traitlets.Unicode("descent-explorer").tag(sync=True)
    max_steps = 200
    curve = traitlets.Enum(list(CURVES), "quadratic").tag(sync=True)
    start = traitlets.Float(-1.0).tag(sync=True)
    surface = traitlets.Enum(list(SURFACES), "elongated bowl").tag(sync=True)
    learning_rate = traitlets.Float(0.1).tag(sync=True)
    momentum = traitlets.Float(0.0).tag(sync=True)
    steps = traitlets.Int(10, min=0, max=max_steps).tag(sync=True)
    REDRAW = ("curve", "start", "surface", "learning_rate", "momentum", "steps")

    def __init__(self, curve="quadratic", surface="elongated bowl", learning_rate=0.1, momentum=0.0, steps=10):
        windows = np.array([c.window for c in CURVES.values()])
        super().__init__(curve=curve, surface=surface, learning_rate=float(learning_rate), momentum=float(momentum),
                         steps=int(steps), controls_height=90, controls=[
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
        """A new curve (the first one too) starts from its own start; observed before REDRAW: drawn from it."""
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
        pictures = [axes((50, 34, 200, 240), one, box[:2], box[2:], curve.formula, "θ", "loss L(θ)"),
                    axes((300, 34, 240, 240), two, surface.window[:2], surface.window[2:], surface.formula, "θ₁", "θ₂"),
                    axes((605, 34, 145, 240), gap, (-0.5, max(10, self.steps) + 0.5), (max(lowest / 3, 1e-12), top),
                         "loss above the lowest", "step", "L − lowest L (log scale)", ylog=True, legend="lower left")]
        return pictures, (f"learning rate {self.learning_rate:.3g} · momentum {self.momentum:.2f} · steps {self.steps}"
                          f" · 1-D: {self.curve_path} · 2-D: {self.surface_path}")

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
        stability = path.function.stability(self.learning_rate, self.momentum)  # "stable: α < 1", "unstable: ..."
        return items + [text(note, ((box[0] + box[1]) / 2, box[2]), "#c00", "center", (0, -12)), text(
            stability, (box[0], box[3]), "#c00" if stability.startswith("un") else "#1a7f37", offset=(6, 12))]
