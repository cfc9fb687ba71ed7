"""Test losses for optimisers, and the path an optimiser takes on them (lessons 7 and 8).

Losses of one or two parameters whose shape we know, to watch an optimiser at work: a quadratic bowl (round,
or stretched into a ravine), a curve with two valleys, a saddle, and Rosenbrock's banana-shaped valley. Each
``LossFunction`` knows its gradient, its minima and its largest curvature λ_max at the minimum: plain gradient
descent is stable there for α < 2 / λ_max. ``optimizer_path`` runs an ``mlp.optimizers`` optimiser on one of
them (the very update ``fit`` makes) and stops, as ``mlp.train``'s divergence guard does, when the loss passes
a million times its start. Lesson 7's explorer shows ``CURVES`` and ``SURFACES``; lesson 8's race, the
``RACE_OPTIMIZERS`` on the ``RACE_SURFACES``.

    >>> path = descent_path(CURVES["quadratic"], learning_rate=0.1, steps=10)
    >>> path.thetas[-1]           # θ_k = 3 + (1 − 2α)^k (θ₀ − 3), here with θ₀ = −1
    array([2.57050327])
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .checks import check_positive
from .optimizers import Adam, GradientDescent, RMSProp
from .training import DIVERGENCE_FACTOR

__all__ = ["LossFunction", "Path", "CURVES", "SURFACES", "RACE_SURFACES", "RACE_OPTIMIZERS", "optimizer_path",
           "descent_path"]


@dataclass(frozen=True)
class LossFunction:
    """A loss of d = 1 or 2 parameters.

    ``loss(theta)``: theta of shape (d,), or (d, ...) for a grid; ``gradient(theta)``: shape (d,); ``minima``:
    the local minima, the global one first; ``start``: where a path starts; ``window``: the region to draw,
    (x0, x1) or (x0, x1, y0, y1); ``largest_curvature``: λ_max, the Hessian's largest eigenvalue at the global
    minimum; ``quadratic``: the curvature is the same everywhere.
    """

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

    def stable_learning_rate(self, momentum: float = 0.0) -> float:
        """The learning rate below which gradient descent with momentum β is stable near the minimum (for a
        quadratic: everywhere): 2 (1 + β) / λ_max."""
        return 2 * (1 + momentum) / self.largest_curvature

    def stability(self, learning_rate: float, momentum: float = 0.0) -> str:
        """Whether gradient descent at ``learning_rate`` with ``momentum`` is stable, in words ("stable: α < 1",
        "unstable near min: α ≥ 0.667"; "near min" unless quadratic)."""
        limit, where = self.stable_learning_rate(momentum), "" if self.quadratic else " near min"
        stable = learning_rate < limit
        return f"{'stable' if stable else 'unstable'}{where}: α {'<' if stable else '≥'} {limit:.3g}"


_WELL_MINIMA = (-2.114907541476756, 1.860805853111704)  # roots of t^3 - 4 t + 1 = 0 with L'' > 0

#: the 1-D losses, by name
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

#: the 2-D losses of the gradient-descent explorer (lesson 7), by name
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

#: the 2-D losses of the optimiser race (lesson 8), by name: the elongated bowl as a ravine, a saddle, the valley
RACE_SURFACES = {
    "ravine": dataclasses.replace(SURFACES["elongated bowl"], name="ravine"),
    "saddle": LossFunction(
        "saddle", "L = θ₁²/2 + θ₂⁴/4 − θ₂²/2 + 1/4",
        lambda t: 0.5 * t[0] ** 2 + 0.25 * t[1] ** 4 - 0.5 * t[1] ** 2 + 0.25,
        lambda t: np.array([t[0], t[1] ** 3 - t[1]]),
        minima=((0.0, 1.0), (0.0, -1.0)), start=(-2.5, 0.01), window=(-3.0, 3.0, -2.0, 2.0), largest_curvature=2.0),
    "Rosenbrock": dataclasses.replace(SURFACES["valley (Rosenbrock)"], name="Rosenbrock"),
}

#: the optimisers of the race (lesson 8), by name: a new one for a learning rate (β = 0.9, mlp's defaults otherwise)
RACE_OPTIMIZERS = {
    "GD": lambda alpha: GradientDescent(alpha),
    "momentum": lambda alpha: GradientDescent(alpha, momentum=0.9),
    "Nesterov": lambda alpha: GradientDescent(alpha, momentum=0.9, nesterov=True),
    "RMSProp": lambda alpha: RMSProp(alpha),
    "Adam": lambda alpha: Adam(alpha),
}


@dataclass
class Path:
    """The points a descent visited, ``thetas`` (n + 1, d), and their ``losses`` (n + 1,), the start first;
    ``diverged_at``: the step at which the loss ran away (its point, if finite, is the last one), or None."""

    thetas: np.ndarray
    losses: np.ndarray
    diverged_at: int | None
    function: LossFunction

    @property
    def steps(self) -> int:
        return len(self.losses) - 1

    @property
    def above_lowest(self) -> np.ndarray:
        """Each step's loss above the function's lowest loss."""
        return self.losses - self.function.lowest_loss

    @property
    def overshoots(self) -> int:
        """How many steps overshot: the gradient where the step landed points against the one where it started."""
        with np.errstate(all="ignore"):
            gradients = np.array([self.function.gradient(theta) for theta in self.thetas])
            return int(np.sum(np.einsum("ij,ij->i", gradients[1:], gradients[:-1]) < 0))

    @property
    def settled_in(self) -> int | None:
        """The index in ``function.minima`` of the minimum the path ends at (the gradient there is below 0.001
        long), or None if it has not settled."""
        theta = self.thetas[-1]
        if self.diverged_at is not None or not np.linalg.norm(self.function.gradient(theta)) < 1e-3:
            return None
        return int(np.argmin([np.linalg.norm(theta - np.array(minimum)) for minimum in self.function.minima]))

    def __str__(self) -> str:
        """The path in words: where it is and how it behaves (the gradient-descent explorer's readout)."""
        if self.diverged_at is not None:
            return f"diverged at step {self.diverged_at} (the loss passed a million times its start)"
        theta = self.thetas[-1]
        where = f"θ = {theta[0]:.4g}" if len(theta) == 1 else f"θ = ({theta[0]:.3g}, {theta[1]:.3g})"
        words = [f"{where}, L − lowest = {self.above_lowest[-1]:.2g}" + (" (the start)" if self.steps == 0 else "")]
        if self.overshoots:
            words.append(f"overshot {self.overshoots} time{'s' if self.overshoots != 1 else ''}")
        if self.steps and len(self.function.minima) > 1 and self.settled_in is not None:
            words.append("at the global minimum" if self.settled_in == 0 else "stuck in a local minimum")
        return "; ".join(words)

    def first_step_within(self, tolerance: float) -> int | None:
        """The first step at which the loss is within ``tolerance`` of the lowest loss (None: none)."""
        close = np.flatnonzero(self.above_lowest < tolerance)
        return int(close[0]) if close.size else None


class _Point:
    """One parameter vector with its gradient, shaped like a model for an optimiser's ``step``."""

    def __init__(self, theta):
        self.theta = np.array(theta, dtype=np.float64)
        self.grad = np.zeros_like(self.theta)

    def params_and_grads(self):
        yield "theta", self.theta, self.grad


def optimizer_path(function: LossFunction, optimizer, steps: int, start=None) -> Path:
    """``steps`` updates of ``optimizer`` (an ``mlp.optimizers`` object) on ``function`` from ``start`` (default:
    the function's). Stops early, with ``diverged_at`` set, when the loss passes DIVERGENCE_FACTOR (a million)
    times the larger of 1 and the starting loss, or is not a number. Never warns."""
    steps = check_positive(steps, "steps", integer=True, allow_zero=True)
    point = _Point(function.start if start is None else start)
    if point.theta.shape != (len(function.start),):
        raise ValueError(f"start must hold {len(function.start)} value(s), one per parameter of {function.name!r}; "
                         f"got {start!r}")
    thetas, losses, diverged_at = [point.theta.copy()], [function.value(point.theta)], None
    limit = DIVERGENCE_FACTOR * max(losses[0], 1.0)
    with np.errstate(all="ignore"):
        for step in range(1, steps + 1):
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


def descent_path(function: LossFunction, learning_rate: float, momentum: float = 0.0, steps: int = 100,
                 start=None) -> Path:
    """``steps`` updates of ``mlp.optimizers.GradientDescent(learning_rate, momentum=momentum)``."""
    return optimizer_path(function, GradientDescent(learning_rate, momentum=momentum), steps, start)
