"""The approximation explorer: a sum of ReLU bumps fitting a 1-D function (lesson 2).

A bump (a "hat") of centre c and half-width w is made of three ReLU units,

    bump(x) = (relu(x - c + w) - 2 relu(x - c) + relu(x - c - w)) / w,

0 outside [c - w, c + w], rising linearly to 1 at c and falling back to 0. Put n bumps at n
equally spaced knots of the interval, each as wide as the spacing, weigh each by the target's
value at its knot, and the sum is the piecewise-linear interpolation of the target: one hidden
layer of 3 n ReLU units. Drag "bumps" and watch the largest error shrink (about 4 times for
twice the bumps, for a smooth target).

    >>> from mlp.widgets.approximation import ApproximationExplorer
    >>> explorer = ApproximationExplorer(bumps=6)
    >>> explorer              # the panel (on a static page, its picture); explorer.snapshot() is a figure
"""

from __future__ import annotations

import numpy as np
import traitlets

from .canvas import CanvasPanel, axes, choice, line, points, slider

__all__ = ["ApproximationExplorer", "TARGETS", "bump", "bump_approximation"]

#: the target functions, by menu label: (function, interval, formula)
TARGETS = {
    "sine": (np.sin, (-np.pi, np.pi), "sin x"),
    "wiggly": (lambda x: np.sin(2 * x) + 0.5 * np.cos(5 * x), (-3.0, 3.0), "sin 2x + 0.5 cos 5x"),
    "kink": (lambda x: np.abs(x - 0.3) - 0.5 * x**2, (-2.0, 2.0), "|x − 0.3| − 0.5 x²"),
}


def _relu(z):
    return np.maximum(z, 0.0)


def bump(x, center, width):
    """The hat of three ReLUs: 1 at ``center``, 0 beyond ``center`` +- ``width`` (width > 0)."""
    x = np.asarray(x, dtype=np.float64)
    return (_relu(x - center + width) - 2 * _relu(x - center) + _relu(x - center - width)) / width


def bump_approximation(target, interval, n):
    """n bumps at n equally spaced knots of ``interval``, weighed by the target there.

    Returns (centers, heights, width, approximate), where ``approximate(x)`` is the sum of the
    bumps: the piecewise-linear interpolation of ``target`` at the knots (n >= 2), or for n = 1
    one bump at the middle as wide as half the interval.
    """
    low, high = interval
    if n == 1:
        centers, width = np.array([(low + high) / 2]), (high - low) / 2
    else:
        centers = np.linspace(low, high, n)
        width = centers[1] - centers[0]
    heights = target(centers)

    def approximate(x):
        x = np.asarray(x, dtype=np.float64)
        return sum(h * bump(x, c, width) for c, h in zip(centers, heights))

    return centers, heights, width, approximate


class ApproximationExplorer(CanvasPanel):
    """A target function, its sum-of-bumps approximation and the bumps, with the largest error."""

    css_class = traitlets.Unicode("approximation-explorer").tag(sync=True)
    target = traitlets.Unicode("sine").tag(sync=True)
    bumps = traitlets.Int(4).tag(sync=True)
    show_bumps = traitlets.Bool(True).tag(sync=True)
    REDRAW = ("target", "bumps", "show_bumps")

    def __init__(self, target: str = "sine", bumps: int = 4, show_bumps: bool = True, points: int = 801):
        if target not in TARGETS:
            raise ValueError(f"target must be one of {sorted(TARGETS)}; got {target!r}")
        self.points = int(points)
        super().__init__(target=target, bumps=int(bumps), show_bumps=bool(show_bumps),
                         controls=[choice("target", "target", list(TARGETS), menu=True), slider("bumps", "bumps", 1, 40, 1, integer=True),
                                   choice("show_bumps", "show the bumps", [True, False], ["yes", "no"])])
        self.redraw()

    def state(self):
        """(x grid, target values, approximation, centers, heights, width, max error) of the current settings."""
        function, (low, high), _ = TARGETS[self.target]
        centers, heights, width, approximate = bump_approximation(function, (low, high), self.bumps)
        x = np.linspace(low, high, self.points)
        y, y_hat = function(x), approximate(x)
        return x, y, y_hat, centers, heights, width, float(np.max(np.abs(y - y_hat)))

    def draw(self):
        x, y, y_hat, centers, heights, width, error = self.state()
        self.max_error = error
        n, formula = len(centers), TARGETS[self.target][2]
        items = [line(x, y, colour="#888", width=4, alpha=0.6, label=f"target {formula}")]
        if self.show_bumps:
            items += [line([c - width, c, c + width], [0, h, 0], colour="#1f77b4", width=1, alpha=0.45,  # a hat
                           label=None if k else "the bumps, each weighed by the target at its centre")
                      for k, (c, h) in enumerate(zip(centers, heights))]
        items += [line(x, y_hat, colour="#d62728", width=2, label=f"sum of {n} bumps ({3 * n} ReLUs)"),
                  points(centers, heights, colour="#d62728", size=3)]
        low, high = min(y.min(), y_hat.min()), max(y.max(), y_hat.max())
        picture = axes((60, 30, 680, 255), items, (x[0], x[-1]), (low - 0.25 * (high - low), high + 0.45 * (high - low)),
                       title=f"{n} bumps: largest error {error:.3g}", xlabel="x", legend="upper left")
        return [picture], (f"{n} bump{'s' if n > 1 else ''} = {3 * n} ReLU units: largest error on the interval "
                           f"{error:.3g}")
