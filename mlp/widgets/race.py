"""The optimiser race (lesson 8): gradient descent, momentum, Nesterov, RMSProp and Adam on one 2-D loss surface.

Left, the surface (log of the loss above its lowest in shades of blue, contour lines) and each optimiser's path
from the same start (white dot) towards the minimum (star); right, each path's loss above the lowest (log scale).
Choose the surface, one learning rate for all, the steps and the optimisers. Paths: ``mlp.loss_surfaces``.

    >>> OptimizerRace(surface="saddle")   # the panel (on a static page, its picture); .snapshot() is a figure
"""

import numpy as np
import traitlets

from ..loss_surfaces import RACE_OPTIMIZERS, RACE_SURFACES, optimizer_path
from .canvas import CanvasPanel, axes, checks, choice, line, points, slider
from .descent import _short, stars, surface_picture

__all__ = ["OptimizerRace"]

COLOURS = {"GD": "#7f7f7f", "momentum": "#1f77b4", "Nesterov": "#17becf", "RMSProp": "#ff7f0e", "Adam": "#d62728"}
_SURFACE_BOX, _GAP_BOX = (50, 30, 330, 250), (470, 30, 280, 250)  # pixels


class OptimizerRace(CanvasPanel):
    """The ``shown`` RACE_OPTIMIZERS race on a RACE_SURFACES surface; ``paths`` holds each one's ``Path``."""

    css_class = traitlets.Unicode("optimizer-race").tag(sync=True)
    max_steps = 300
    surface = traitlets.Enum(list(RACE_SURFACES), "ravine").tag(sync=True)
    learning_rate = traitlets.Float(0.1).tag(sync=True)
    steps = traitlets.Int(100, min=0, max=max_steps).tag(sync=True)
    shown = traitlets.List(traitlets.Enum(list(RACE_OPTIMIZERS))).tag(sync=True)
    REDRAW = ("surface", "learning_rate", "steps", "shown")

    def __init__(self, surface="ravine", learning_rate=0.1, steps=100, shown=tuple(RACE_OPTIMIZERS)):
        super().__init__(surface=surface, learning_rate=float(learning_rate), steps=int(steps), shown=list(shown),
                         controls_height=62, controls=[
                             choice("surface", "surface", list(RACE_SURFACES)),
                             slider("learning_rate", "learning rate α", 0.001, 1.0, 0.1, log=True),
                             slider("steps", "steps", 0, self.max_steps, 1, integer=True),
                             checks("shown", "optimisers", list(RACE_OPTIMIZERS))])
        self.redraw()

    def draw(self):
        function = RACE_SURFACES[self.surface]
        self.paths = {name: optimizer_path(function, make(self.learning_rate), self.steps)
                      for name, make in RACE_OPTIMIZERS.items() if name in self.shown}
        (x0, x1, y0, y1), (_, _, width, height) = function.window, _SURFACE_BOX
        scale = max((x1 - x0) / width, (y1 - y0) / height) / 2  # half the units per pixel, the same across and up
        limits = ((x0 + x1) / 2 - scale * width, (x0 + x1) / 2 + scale * width,  # the window widened to the chart
                  (y0 + y1) / 2 - scale * height, (y0 + y1) / 2 + scale * height)
        left, right, top, lowest, parts = list(surface_picture(function, limits)), [], 1.0, 1.0, []
        for name, path in self.paths.items():
            colour, x, y = COLOURS[name], _short(path.thetas[:, 0], 3), _short(path.thetas[:, 1], 3)
            above = np.clip(path.above_lowest, 1e-16, 1e300)
            top, lowest = max(top, above.max()), min(lowest, above.min())
            left += [line(x, y, colour), points(x[-1:], y[-1:], colour, size=4, edge="#000")]
            diverged = f" (diverged at step {path.diverged_at})" if path.diverged_at else ""
            right.append(line(range(len(above)), _short(above, 3), colour, label=name + diverged))
            close = path.first_step_within(1e-3)
            parts.append(f"{name} diverged at step {path.diverged_at}" if diverged else
                         f"{name} {path.above_lowest[-1]:.2g}" + (f" (step {close})" if close is not None else ""))
        left += [points(*np.transpose([function.start]), "white", size=5, edge="#000"), stars(function.minima)]
        return [axes(_SURFACE_BOX, left, limits[:2], limits[2:], f"{function.name}: {function.formula}", "θ₁", "θ₂"),
                axes(_GAP_BOX, right, (0, max(10, self.steps)), (max(lowest / 3, 1e-12), min(3 * top, 1e12)),
                     f"α = {self.learning_rate:.3g} for every optimiser", "step", "L − lowest L (log scale)",
                     ylog=True, legend="lower left")], (
            f"{self.surface}, α = {self.learning_rate:.3g}, {self.steps} steps. L − lowest at the end (first step "
            f"below 0.001): " + (" · ".join(parts) if parts else "no optimiser chosen"))
