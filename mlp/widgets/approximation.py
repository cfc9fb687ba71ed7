"""The approximation explorer: a sum of ReLU bumps fitting a 1-D function (lesson 2).

n bumps of three ReLUs, at equally spaced knots and weighed by the target there, add up to its piecewise-linear
interpolation (``mlp.universal_approximation``). Twice the bumps: about a quarter of the error, for a smooth target.

    >>> ApproximationExplorer(bumps=6)    # the panel (on a static page, its picture); .snapshot() is a figure
"""

from __future__ import annotations

import numpy as np
import traitlets

from ..universal_approximation import TARGETS, bump_approximation
from .canvas import CanvasPanel, axes, choice, line, points, slider

__all__ = ["ApproximationExplorer"]


class ApproximationExplorer(CanvasPanel):
    """A target function, its sum-of-bumps approximation and the bumps, with the largest error."""

    css_class = traitlets.Unicode("approximation-explorer").tag(sync=True)
    target = traitlets.Enum(list(TARGETS), "sine").tag(sync=True)
    bumps = traitlets.Int(4).tag(sync=True)
    show_bumps = traitlets.Bool(True).tag(sync=True)
    REDRAW = ("target", "bumps", "show_bumps")

    def __init__(self, target: str = "sine", bumps: int = 4, show_bumps: bool = True):
        super().__init__(target=target, bumps=int(bumps), show_bumps=bool(show_bumps), controls=[
            choice("target", "target", list(TARGETS), menu=True), slider("bumps", "bumps", 1, 40, 1, integer=True),
            choice("show_bumps", "show the bumps", [True, False], ["yes", "no"])])
        self.redraw()

    def draw(self):
        function, interval, formula = TARGETS[self.target]
        centers, heights, width, approximate = bump_approximation(function, interval, self.bumps)
        x, n = np.linspace(*interval, 801), self.bumps
        y, y_hat = function(x), approximate(x)
        self.max_error = error = float(np.max(np.abs(y - y_hat)))
        hats = [line([c - width, c, c + width], [0, h, 0], colour="#1f77b4", width=1, alpha=0.45,
                     label=None if k else "the bumps, each weighed by the target at its centre")
                for k, (c, h) in enumerate(zip(centers, heights))] if self.show_bumps else []
        items = [line(x, y, colour="#888", width=4, alpha=0.6, label=f"target {formula}"), *hats,
                 line(x, y_hat, colour="#d62728", width=2, label=f"sum of {n} bumps ({3 * n} ReLUs)"),
                 points(centers, heights, colour="#d62728", size=3)]
        low, high = np.min([y, y_hat]), np.max([y, y_hat])
        ylim = (low - 0.25 * (high - low), high + 0.45 * (high - low))  # the top: the legend
        readout = f"{n} bump{'s' if n > 1 else ''} = {3 * n} ReLU units: largest error on the interval {error:.3g}"
        return [axes((60, 30, 680, 255), items, (x[0], x[-1]), ylim, f"{n} bumps: largest error {error:.3g}", "x",
                     legend="upper left")], readout
