"""The optimiser race: gradient descent, momentum, Nesterov, RMSProp and Adam on one 2-D loss surface.

Left, the surface's contour lines with every optimiser's path from the same start; right, how far
each path's loss is above the lowest loss, step by step (log scale). Choose the surface (a ravine,
a saddle, Rosenbrock's banana valley), one learning rate for all of them, the number of steps and
which optimisers run.

The updates are mlp's own: each optimiser is an ``mlp.optimizers`` object stepping a 2-parameter
"model" (``descent._Point``), so the race shows exactly what ``fit(optimizer=...)`` does.

    >>> from mlp.widgets.race import OptimizerRace
    >>> race = OptimizerRace(surface="saddle")
    >>> race                  # the panel (on a static page, its picture); race.snapshot() is a figure
"""

from __future__ import annotations

import dataclasses
import math

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from ..optimizers import Adam, GradientDescent, RMSProp
from ..training import DIVERGENCE_FACTOR
from .descent import SURFACES as DESCENT_SURFACES, LossFunction, Path, _clip_segments, _inside, _Point
from .panel import Panel

__all__ = ["OptimizerRace", "OPTIMIZERS", "SURFACES", "race_path"]

#: name -> (a new optimiser for the learning rate, colour); momentum beta = 0.9 and mlp's defaults otherwise
OPTIMIZERS = {
    "GD": (lambda alpha: GradientDescent(alpha), "tab:gray"),
    "momentum": (lambda alpha: GradientDescent(alpha, momentum=0.9), "tab:blue"),
    "Nesterov": (lambda alpha: GradientDescent(alpha, momentum=0.9, nesterov=True), "tab:cyan"),
    "RMSProp": (lambda alpha: RMSProp(alpha), "tab:orange"),
    "Adam": (lambda alpha: Adam(alpha), "tab:red"),
}

#: the surfaces, by menu label: two from the gradient-descent explorer and a saddle
SURFACES = {
    "ravine": dataclasses.replace(DESCENT_SURFACES["elongated bowl"], name="ravine"),
    "saddle": LossFunction(
        "saddle", "L = θ₁²/2 + θ₂⁴/4 − θ₂²/2 + 1/4",
        lambda t: 0.5 * t[0] ** 2 + 0.25 * t[1] ** 4 - 0.5 * t[1] ** 2 + 0.25,
        lambda t: np.array([t[0], t[1] ** 3 - t[1]]),
        minima=((0.0, 1.0), (0.0, -1.0)), start=(-2.5, 0.01), window=(-3.0, 3.0, -2.0, 2.0), largest_curvature=2.0),
    "Rosenbrock": dataclasses.replace(DESCENT_SURFACES["valley (Rosenbrock)"], name="Rosenbrock"),
}


def race_path(function: LossFunction, optimizer, steps: int) -> Path:
    """``steps`` updates of ``optimizer`` (an mlp optimiser) on ``function`` from its start.

    Stops early, with ``diverged_at`` set, when theta leaves the finite numbers or the loss passes
    DIVERGENCE_FACTOR times the larger of 1 and the starting loss (as fit's guard). Never warns.
    """
    point = _Point(function.start)
    thetas, losses, gradients, diverged_at = [point.theta.copy()], [function.value(point.theta)], [], None
    limit = DIVERGENCE_FACTOR * max(losses[0], 1.0)
    with np.errstate(all="ignore"):
        for step in range(1, int(steps) + 1):
            point.grad[...] = function.gradient(point.theta)
            gradients.append(point.grad.copy())
            optimizer.step(point)
            loss = function.value(point.theta)
            if not (np.all(np.isfinite(point.theta)) and loss <= limit):
                diverged_at = step
                break
            thetas.append(point.theta.copy())
            losses.append(loss)
    gradients.append(np.full(2, np.nan))
    return Path(np.array(thetas), np.array(losses), np.array(gradients[:len(thetas)]), diverged_at, function)


class OptimizerRace(Panel):
    """Five optimisers race on a 2-D loss surface from the same start, with the same learning rate.

    surface : a key of SURFACES ("ravine", "saddle", "Rosenbrock"); learning_rate : alpha, 0.001 to 1;
    steps : updates shown (0 to max_steps); shown : the names of OPTIMIZERS to race.
    ``paths`` holds each shown optimiser's ``Path`` (``thetas``, ``losses``, ``diverged_at``).
    """

    figsize = (10.5, 4.3)
    dpi = 80

    def __init__(self, surface: str = "ravine", learning_rate: float = 0.1, steps: int = 100,
                 shown=tuple(OPTIMIZERS), max_steps: int = 300):
        super().__init__("optimizer-race")
        if surface not in SURFACES:
            raise ValueError(f"surface must be one of {', '.join(SURFACES)}; got {surface!r}")
        unknown = set(shown) - set(OPTIMIZERS)
        if unknown:
            raise ValueError(f"shown must name optimisers among {', '.join(OPTIMIZERS)}; got {sorted(unknown)}")
        style = {"description_width": "initial"}
        self.surface_menu = widgets.Dropdown(options=list(SURFACES), value=surface, description="surface",
                                             style=style, layout=widgets.Layout(width="200px"))
        self.learning_rate_slider = widgets.FloatLogSlider(
            value=float(learning_rate), base=10, min=-3, max=0, step=0.01, description="learning rate α",
            readout_format=".3g", continuous_update=False, style=style, layout=widgets.Layout(width="330px"))
        self.steps_slider = widgets.IntSlider(value=int(steps), min=0, max=int(max_steps), description="steps",
                                              continuous_update=False, style=style,
                                              layout=widgets.Layout(width="330px"))
        self.boxes = {name: widgets.Checkbox(value=name in shown, description=name, indent=False,
                                             layout=widgets.Layout(width="105px")) for name in OPTIMIZERS}
        for control in (self.surface_menu, self.learning_rate_slider, self.steps_slider, *self.boxes.values()):
            control.observe(self._on_change, names="value")
        row = widgets.Layout(flex_flow="row wrap", align_items="center")
        self.assemble([widgets.HBox([self.surface_menu, self.learning_rate_slider, self.steps_slider], layout=row),
                       widgets.HBox(list(self.boxes.values()), layout=row)])
        self._on_change(None)

    @property
    def surface(self) -> LossFunction:
        return SURFACES[self.surface_menu.value]

    @property
    def shown(self) -> list[str]:
        return [name for name, box in self.boxes.items() if box.value]

    def _on_change(self, change) -> None:
        alpha, steps = float(self.learning_rate_slider.value), int(self.steps_slider.value)
        self.paths = {name: race_path(self.surface, OPTIMIZERS[name][0](alpha), steps) for name in self.shown}
        self.refresh(self._readout())

    def draw(self, figure) -> None:
        surface, box = self.surface, self.surface.window
        figure.set_layout_engine(None)  # fixed axes positions: no layout pass, nothing moves between redraws
        if figure.get_layout_engine() is not None:
            figure.set_layout_engine("none")
        ax, gap_ax = figure.add_axes((0.06, 0.12, 0.42, 0.78)), figure.add_axes((0.59, 0.12, 0.39, 0.78))
        x, y = np.meshgrid(np.linspace(box[0], box[1], 120), np.linspace(box[2], box[3], 120))
        z = surface.loss(np.stack([x, y])) - surface.lowest_loss
        ax.contour(x, y, z, levels=np.geomspace(max(z.max() * 1e-4, 1e-3), z.max(), 14), colors="0.7",
                   linewidths=0.8)
        ax.plot(*np.array(surface.minima).T, "*", color="gold", markeredgecolor="black", markersize=13, zorder=5)
        ax.plot(*surface.start, "o", color="white", markeredgecolor="black", markersize=8, zorder=5)
        for name, path in self.paths.items():
            color = OPTIMIZERS[name][1]
            if len(path.thetas) > 1:
                with np.errstate(all="ignore"):  # a diverging path's far-away points are cut at the edge
                    segments = _clip_segments(path.thetas, box)
                ax.add_collection(LineCollection(segments, colors=color, linewidths=1.5))
            last = path.thetas[-1:]
            if _inside(last, box).all():
                ax.plot(last[:, 0], last[:, 1], "o", color=color, markeredgecolor="black", markersize=6, zorder=6)
            gap = np.clip(path.losses - surface.lowest_loss, 1e-16, 1e12)
            label = name + (f" (diverged at step {path.diverged_at})" if path.diverged_at else "")
            gap_ax.plot(np.arange(len(gap)), gap, color=color, label=label)
        ax.set(xlim=box[:2], ylim=box[2:], xlabel="θ₁", ylabel="θ₂", aspect="equal",
               title=f"{surface.name}: {surface.formula}")
        gap_ax.set_yscale("log")
        gap_ax.yaxis.set_major_locator(LogLocator(numticks=7))
        gap_ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))  # no mathtext: faster
        gap_ax.yaxis.set_minor_formatter(NullFormatter())
        gap_ax.set(xlim=(0, max(10, int(self.steps_slider.value))), xlabel="step", ylabel="L − lowest L (log scale)",
                   title=f"α = {float(self.learning_rate_slider.value):.3g} for every optimiser")
        gap_ax.grid(True, alpha=0.3)
        if self.paths:
            gap_ax.legend(loc="lower left", fontsize=8.5)

    def _readout(self) -> str:
        parts = []
        for name, path in self.paths.items():
            if path.diverged_at:
                parts.append(f"<b>{name}</b>: diverged at step {path.diverged_at}")
                continue
            gap = path.losses - self.surface.lowest_loss
            close = np.flatnonzero(gap < 1e-3)
            reached = f", first below 0.001 at step {close[0]}" if close.size else ""
            parts.append(f"<b>{name}</b>: L − lowest = {gap[-1]:.2g}{reached}")
        alpha = float(self.learning_rate_slider.value)
        return (f"{self.surface.name} · α = {alpha:.3g} · steps {int(self.steps_slider.value)} · "
                + (" · ".join(parts) if parts else "no optimiser chosen"))
