"""Learning-rate schedules: the learning rate alpha_t used during epoch t (t = 0, 1, 2, ...).

- constant:     alpha_t = alpha_0
- step:         alpha_t = alpha_0 * drop ** floor(t / every)        (halve every 10 epochs, ...)
- exponential:  alpha_t = alpha_0 * decay_rate ** t                  (decay_rate in (0, 1])
- inverse_time: alpha_t = alpha_0 / (1 + decay_rate * t)             ("1/t" decay)

A schedule is a callable ``schedule(epoch) -> learning rate``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .checks import check_positive, unknown_name_error


@dataclass(frozen=True)
class Constant:
    """alpha_t = learning_rate."""

    learning_rate: float

    def __post_init__(self):
        check_positive(self.learning_rate, "learning_rate")

    def __call__(self, epoch: int) -> float:
        return float(self.learning_rate)


@dataclass(frozen=True)
class StepDecay:
    """alpha_t = learning_rate * drop ** floor(t / every)."""

    learning_rate: float
    drop: float = 0.5
    every: int = 10

    def __post_init__(self):
        check_positive(self.learning_rate, "learning_rate")
        check_positive(self.every, "every", integer=True)
        if not 0 < self.drop <= 1:
            raise ValueError(f"drop must be in (0, 1] (the factor the learning rate is multiplied by); got {self.drop!r}")

    def __call__(self, epoch: int) -> float:
        return self.learning_rate * self.drop ** (epoch // self.every)


@dataclass(frozen=True)
class ExponentialDecay:
    """alpha_t = learning_rate * decay_rate ** t."""

    learning_rate: float
    decay_rate: float = 0.95

    def __post_init__(self):
        check_positive(self.learning_rate, "learning_rate")
        if not 0 < self.decay_rate <= 1:
            raise ValueError(f"decay_rate must be in (0, 1] (the factor applied each epoch); got {self.decay_rate!r}")

    def __call__(self, epoch: int) -> float:
        return self.learning_rate * self.decay_rate**epoch


@dataclass(frozen=True)
class InverseTimeDecay:
    """alpha_t = learning_rate / (1 + decay_rate * t)."""

    learning_rate: float
    decay_rate: float = 0.1

    def __post_init__(self):
        check_positive(self.learning_rate, "learning_rate")
        check_positive(self.decay_rate, "decay_rate", allow_zero=True)

    def __call__(self, epoch: int) -> float:
        return self.learning_rate / (1.0 + self.decay_rate * epoch)


SCHEDULES = {
    "constant": Constant,
    "step": StepDecay,
    "exponential": ExponentialDecay,
    "inverse_time": InverseTimeDecay,
}


def make_schedule(learning_rate, schedule="constant", **options):
    """A schedule from a name, e.g. ``make_schedule(0.1, "step", drop=0.5, every=10)``.

    ``learning_rate`` may itself be a schedule (any callable), which is returned unchanged.
    """
    if callable(learning_rate):
        return learning_rate
    if isinstance(schedule, str):
        key = {"1/t": "inverse_time", "inverse": "inverse_time", "exp": "exponential"}.get(schedule, schedule)
        if key not in SCHEDULES:
            raise unknown_name_error("schedule", schedule, SCHEDULES)
        return SCHEDULES[key](learning_rate, **options)
    raise TypeError(f"schedule must be a name such as 'step'; got {type(schedule).__name__} {schedule!r}")


def learning_rates(schedule, epochs: int) -> list[float]:
    """[alpha_0, ..., alpha_(epochs-1)]: handy to plot a schedule."""
    values = [float(schedule(epoch)) for epoch in range(epochs)]
    if not all(math.isfinite(value) and value > 0 for value in values):
        raise ValueError("a schedule must give a positive, finite learning rate for every epoch")
    return values
