"""Universal approximation, built by hand: one hidden layer of ReLUs fits a continuous 1-D function.

The construction, in three steps (w > 0 is a width):

1. Two ReLUs make a step: (relu(x - a) - relu(x - a - w)) / w is 0 left of a, climbs linearly to 1
   over [a, a + w] and stays at 1.
2. Two steps make a bump: a step up at c - w minus a step up at c is 0 outside [c - w, c + w] and
   1 at c. The two ReLUs at c are the same unit, so a bump (a "hat") is three ReLUs:

       bump(x) = (relu(x - c + w) - 2 relu(x - c) + relu(x - c - w)) / w.

3. n bumps approximate a function: put them at n equally spaced knots of an interval, each as wide
   as the spacing, and weigh each by the target's value at its knot. Their sum is the piecewise-linear
   interpolation of the target: a network with one hidden layer of 3 n ReLU units and a linear
   output. For a continuous target its largest error goes to 0 as n grows; for a smooth one twice
   the bumps make it about 4 times smaller.

This is the constructive idea behind the universal approximation theorem (Cybenko 1989, Hornik 1991;
for ReLU and any other non-polynomial activation, Leshno et al. 1993): one hidden layer with enough
units approximates any continuous function on a bounded interval (or box) as closely as you like.
What the theorem does NOT promise: that training finds such weights (gradient descent starts from
random ones and may not), or how many units are needed (for a wiggly target, or in many dimensions,
it can be enormous). It says nothing either about the network's values between the training examples.

    >>> function, interval, formula = TARGETS["sine"]
    >>> centers, heights, width, approximate = bump_approximation(function, interval, 9)
    >>> approximate(np.array([0.0, 1.0]))          # the 27-unit network's outputs at x = 0 and x = 1
"""

from __future__ import annotations

import math

import numpy as np

from .activations import relu
from .checks import as_float_array, check_positive

#: the lessons' target functions, by name: (function, interval, formula)
TARGETS = {
    "sine": (np.sin, (-np.pi, np.pi), "sin x"),
    "wiggly": (lambda x: np.sin(2 * x) + 0.5 * np.cos(5 * x), (-3.0, 3.0), "sin 2x + 0.5 cos 5x"),
    "kink": (lambda x: np.abs(x - 0.3) - 0.5 * x**2, (-2.0, 2.0), "|x − 0.3| − 0.5 x²"),
}


def bump(x, center, width):
    """The hat of three ReLUs: 1 at ``center``, falling linearly to 0 at ``center`` ± ``width`` (> 0), 0 beyond."""
    x, width = as_float_array(x, "x"), check_positive(width, "width")
    if not isinstance(center, (int, float, np.number)) or not math.isfinite(center):
        raise ValueError(f"center must be a finite number; got {center!r}")
    return (relu(x - center + width) - 2 * relu(x - center) + relu(x - center - width)) / width


def bump_approximation(target, interval, n):
    """n bumps at n equally spaced knots of ``interval`` = (low, high), each weighed by ``target`` there.

    Returns (centers, heights, width, approximate): the knots, the target's values at them, the bumps'
    half-width (the knots' spacing) and ``approximate(x)``, the sum of the bumps: the piecewise-linear
    interpolation of ``target`` at the knots. For n = 1, one bump in the middle, as wide as half the interval.
    """
    if not callable(target):
        raise TypeError(f"target must be a function of x (e.g. np.sin); got {type(target).__name__} {target!r}")
    bounds = as_float_array(interval, "interval")
    if bounds.shape != (2,) or not (np.all(np.isfinite(bounds)) and bounds[0] < bounds[1]):
        raise ValueError(f"interval must be two finite numbers (low, high) with low < high; got {interval!r}")
    low, high = bounds
    n = check_positive(n, "n", integer=True)
    if n == 1:
        centers, width = np.array([(low + high) / 2]), (high - low) / 2
    else:
        centers = np.linspace(low, high, n)
        width = centers[1] - centers[0]
    heights = as_float_array(target(centers), "target(x)")
    if heights.shape != centers.shape or not np.all(np.isfinite(heights)):
        raise ValueError(f"target must return one finite value per x: for {n} knots got {heights!r}")

    def approximate(x):
        x = as_float_array(x, "x")
        return sum(h * bump(x, c, width) for c, h in zip(centers, heights))

    return centers, heights, width, approximate
