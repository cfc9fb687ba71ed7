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

import ipywidgets as widgets
import numpy as np

from .panel import Panel

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


class ApproximationExplorer(Panel):
    """A target function, its sum-of-bumps approximation and the bumps, with the largest error."""

    figsize = (9.0, 4.2)

    def __init__(self, target: str = "sine", bumps: int = 4, show_bumps: bool = True, points: int = 801):
        super().__init__("approximation-explorer")
        if target not in TARGETS:
            raise ValueError(f"target must be one of {sorted(TARGETS)}; got {target!r}")
        self.points = int(points)
        self.target = widgets.Dropdown(options=list(TARGETS), value=target, description="target")
        self.bumps = widgets.IntSlider(value=int(bumps), min=1, max=40, description="bumps", continuous_update=False)
        self.show_bumps = widgets.Checkbox(value=bool(show_bumps), description="show the bumps")
        for control in (self.target, self.bumps, self.show_bumps):
            control.observe(self._on_change, names="value")
        self.assemble([widgets.HBox([self.target, self.bumps, self.show_bumps])])
        self._on_change()

    def state(self):
        """(x grid, target values, approximation, centers, heights, width, max error) of the current settings."""
        function, (low, high), _ = TARGETS[self.target.value]
        centers, heights, width, approximate = bump_approximation(function, (low, high), self.bumps.value)
        x = np.linspace(low, high, self.points)
        y, y_hat = function(x), approximate(x)
        return x, y, y_hat, centers, heights, width, float(np.max(np.abs(y - y_hat)))

    @property
    def max_error(self) -> float:
        """The largest |target - approximation| on the grid of the interval."""
        return self._max_error

    def draw(self, figure) -> None:
        x, y, y_hat, centers, heights, width, error = self.state()
        _, _, formula = TARGETS[self.target.value]
        ax = figure.add_subplot()
        ax.plot(x, y, color="0.45", linewidth=4, alpha=0.6, label=f"target {formula}")
        if self.show_bumps.value:
            for k, (c, h) in enumerate(zip(centers, heights)):
                ax.plot(x, h * bump(x, c, width), color="tab:blue", linewidth=0.9, alpha=0.45,
                        label="the bumps, each weighed by the target at its centre" if k == 0 else None)
        ax.plot(x, y_hat, color="tab:red", linewidth=2, label=f"sum of {len(centers)} bumps ({3 * len(centers)} ReLUs)")
        ax.plot(centers, heights, "o", color="tab:red", markersize=4)
        low, high = min(y.min(), y_hat.min()), max(y.max(), y_hat.max())
        ax.set(xlim=(x[0], x[-1]), ylim=(low - 0.25 * (high - low), high + 0.35 * (high - low)), xlabel="x",
               title=f"{len(centers)} bumps: largest error {error:.3g}")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper left", fontsize=9, ncol=2)

    def _on_change(self, change=None) -> None:
        *_, error = self.state()
        self._max_error = error
        n = self.bumps.value
        self.refresh(f"{n} bump{'s' if n > 1 else ''} = {3 * n} ReLU units: largest error on the interval "
                     f"<b>{error:.3g}</b>")
