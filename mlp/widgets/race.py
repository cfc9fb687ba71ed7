"""The optimiser race: gradient descent, momentum, Nesterov, RMSProp and Adam on one 2-D loss surface (lesson 8).

Left, the surface (log of the loss above its lowest as shades of blue, with contour lines) and every
optimiser's path from the same start (white dot) towards the minimum (star); right, how far each path's
loss is above the lowest loss, step by step (log scale). Choose the surface (a ravine, a saddle,
Rosenbrock's banana valley), one learning rate for all of them (ten steps a decade), the number of steps and
which optimisers run.

The updates are mlp's own: each optimiser is an ``mlp.optimizers`` object stepping a 2-parameter "model",
so the race shows exactly what ``fit(optimizer=...)`` does.

    >>> from mlp.widgets.race import OptimizerRace
    >>> race = OptimizerRace(surface="saddle")
    >>> race                  # the panel (on a static page, its picture); race.snapshot() is a figure
"""

from __future__ import annotations

import dataclasses

import numpy as np
import traitlets

from ..optimizers import Adam, GradientDescent, RMSProp
from .canvas import CanvasPanel, axes, checks, choice, line, points, slider
from .descent import SURFACES as DESCENT_SURFACES, LossFunction, _short, _stars, optimizer_path, surface_picture

__all__ = ["OptimizerRace", "OPTIMIZERS", "SURFACES", "race_path"]

#: name -> (a new optimiser for the learning rate, colour); momentum beta = 0.9 and mlp's defaults otherwise
OPTIMIZERS = {
    "GD": (lambda alpha: GradientDescent(alpha), "#7f7f7f"),
    "momentum": (lambda alpha: GradientDescent(alpha, momentum=0.9), "#1f77b4"),
    "Nesterov": (lambda alpha: GradientDescent(alpha, momentum=0.9, nesterov=True), "#17becf"),
    "RMSProp": (lambda alpha: RMSProp(alpha), "#ff7f0e"),
    "Adam": (lambda alpha: Adam(alpha), "#d62728"),
}

#: the surfaces, by button label: two from the gradient-descent explorer and a saddle
SURFACES = {
    "ravine": dataclasses.replace(DESCENT_SURFACES["elongated bowl"], name="ravine"),
    "saddle": LossFunction(
        "saddle", "L = θ₁²/2 + θ₂⁴/4 − θ₂²/2 + 1/4",
        lambda t: 0.5 * t[0] ** 2 + 0.25 * t[1] ** 4 - 0.5 * t[1] ** 2 + 0.25,
        lambda t: np.array([t[0], t[1] ** 3 - t[1]]),
        minima=((0.0, 1.0), (0.0, -1.0)), start=(-2.5, 0.01), window=(-3.0, 3.0, -2.0, 2.0), largest_curvature=2.0),
    "Rosenbrock": dataclasses.replace(DESCENT_SURFACES["valley (Rosenbrock)"], name="Rosenbrock"),
}

#: ``race_path(function, optimizer, steps)``: the optimiser's ``Path`` on the surface from its start
race_path = optimizer_path

_SURFACE_BOX, _GAP_BOX = (50, 30, 330, 250), (470, 30, 280, 250)  # pixels


def _equal_aspect(window, box) -> tuple:
    """The window widened to the box's shape: one unit is as long across as up."""
    x0, x1, y0, y1 = window
    scale = max((x1 - x0) / box[2], (y1 - y0) / box[3]) / 2  # half the units per pixel
    return ((x0 + x1) / 2 - scale * box[2], (x0 + x1) / 2 + scale * box[2],
            (y0 + y1) / 2 - scale * box[3], (y0 + y1) / 2 + scale * box[3])


class OptimizerRace(CanvasPanel):
    """Five optimisers race on a 2-D loss surface from the same start, with the same learning rate.

    surface : a key of SURFACES ("ravine", "saddle", "Rosenbrock"); learning_rate : alpha, 0.001 to 1
    (log slider, ten steps a decade); steps : updates shown (0 to max_steps); shown : the names of
    OPTIMIZERS that race. ``paths`` holds each shown optimiser's ``Path`` (``thetas``, ``losses``, ``diverged_at``).
    """

    css_class = traitlets.Unicode("optimizer-race").tag(sync=True)

    surface = traitlets.Unicode("ravine").tag(sync=True)
    learning_rate = traitlets.Float(0.1).tag(sync=True)
    steps = traitlets.Int(100).tag(sync=True)
    shown = traitlets.List(traitlets.Unicode()).tag(sync=True)
    REDRAW = ("surface", "learning_rate", "steps", "shown")

    def __init__(self, surface: str = "ravine", learning_rate: float = 0.1, steps: int = 100,
                 shown=tuple(OPTIMIZERS), max_steps: int = 300):
        if surface not in SURFACES:
            raise ValueError(f"surface must be one of {list(SURFACES)}; got {surface!r}")
        unknown = sorted(set(shown) - set(OPTIMIZERS))
        if unknown:
            raise ValueError(f"shown must name optimisers among {list(OPTIMIZERS)}; got {unknown}")
        if not 0 <= steps <= max_steps:
            raise ValueError(f"steps must be between 0 and max_steps = {max_steps}; got {steps!r}")
        super().__init__(surface=surface, learning_rate=float(learning_rate), steps=int(steps), shown=list(shown),
                         controls_height=62, controls=[
                             choice("surface", "surface", list(SURFACES)),
                             slider("learning_rate", "learning rate α", 0.001, 1.0, 0.1, log=True),
                             slider("steps", "steps", 0, int(max_steps), 1, integer=True),
                             checks("shown", "optimisers", list(OPTIMIZERS))])
        self.redraw()

    def draw(self):
        function = SURFACES[self.surface]
        self.paths = {name: race_path(function, OPTIMIZERS[name][0](self.learning_rate), self.steps)
                      for name in OPTIMIZERS if name in self.shown}
        limits = _equal_aspect(function.window, _SURFACE_BOX)
        left, right, top = list(surface_picture(function, limits)), [], 1.0
        for name, path in self.paths.items():
            colour, x, y = OPTIMIZERS[name][1], _short(path.thetas[:, 0], 3), _short(path.thetas[:, 1], 3)
            above = np.clip(path.losses - function.lowest_loss, 1e-16, 1e300)
            top = max(top, above.max())
            left += [line(x, y, colour), points(x[-1:], y[-1:], colour, size=4, edge="#000")]
            right.append(line(range(len(above)), _short(above, 3), colour, label=name + (
                f" (diverged at step {path.diverged_at})" if path.diverged_at else "")))
        left += [points(*np.transpose([function.start]), "white", size=5, edge="#000"), _stars(function.minima)]
        lowest = min([np.min(path.losses) - function.lowest_loss for path in self.paths.values()] + [1.0])
        return [axes(_SURFACE_BOX, left, limits[:2], limits[2:], f"{function.name}: {function.formula}", "θ₁", "θ₂"),
                axes(_GAP_BOX, right, (0, max(10, self.steps)), (max(lowest / 3, 1e-12), min(3 * top, 1e12)),
                     f"α = {self.learning_rate:.3g} for every optimiser", "step", "L − lowest L (log scale)",
                     ylog=True, legend="lower left")], self._readout()

    def _readout(self) -> str:
        parts = []
        for name, path in self.paths.items():
            above = path.losses - SURFACES[self.surface].lowest_loss
            close = np.flatnonzero(above < 1e-3)
            parts.append(f"{name} diverged at step {path.diverged_at}" if path.diverged_at else
                         f"{name} {above[-1]:.2g}" + (f" (step {close[0]})" if close.size else ""))
        return (f"{self.surface}, α = {self.learning_rate:.3g}, {self.steps} steps. L − lowest at the end (first step "
                f"below 0.001): " + (" · ".join(parts) if parts else "no optimiser chosen"))
