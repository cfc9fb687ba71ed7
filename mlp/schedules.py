"""Learning-rate schedules: the learning rate alpha_t used during epoch t (t = 0, 1, 2, ...).

- constant:     alpha_t = alpha_0
- step:         alpha_t = alpha_0 * drop ** floor(t / every)        (halve every 10 epochs, ...)
- exponential:  alpha_t = alpha_0 * decay_rate ** t                  (decay_rate in (0, 1])
- inverse_time: alpha_t = alpha_0 / (1 + decay_rate * t)             ("1/t" decay)
- cosine:       alpha_t = minimum + (alpha_0 - minimum) (1 + cos(pi t / epochs)) / 2   (from alpha_0 down
                towards minimum over ``epochs`` epochs, slowly at first and at the end)
- any of them with ``warmup=k``: alpha_t is scaled by (t + 1) / k for the first k epochs (a linear warmup,
  which keeps the first, largest gradients of a fresh network from throwing it far off)

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


@dataclass(frozen=True)
class CosineDecay:
    """alpha_t = minimum + (learning_rate - minimum) (1 + cos(pi t / epochs)) / 2 for t < epochs; after that,
    the value of the last epoch (t = epochs - 1), so the rate stays positive."""

    learning_rate: float
    epochs: int = 100
    minimum: float = 0.0

    def __post_init__(self):
        check_positive(self.learning_rate, "learning_rate")
        check_positive(self.epochs, "epochs", integer=True)
        check_positive(self.minimum, "minimum", allow_zero=True)
        if self.minimum >= self.learning_rate:
            raise ValueError(f"minimum must be below learning_rate ({self.learning_rate!r}); got {self.minimum!r}")

    def __call__(self, epoch: int) -> float:
        t = min(epoch, self.epochs - 1)
        return self.minimum + (self.learning_rate - self.minimum) * (1 + math.cos(math.pi * t / self.epochs)) / 2


@dataclass(frozen=True)
class Warmup:
    """A linear warmup in front of any schedule: alpha_t = after(t) * (t + 1) / epochs for t < epochs."""

    after: object
    epochs: int = 5

    def __post_init__(self):
        if not callable(self.after):
            raise TypeError(f"after must be a schedule (epoch -> learning rate); got {type(self.after).__name__}")
        check_positive(self.epochs, "epochs", integer=True)

    def __call__(self, epoch: int) -> float:
        rate = self.after(epoch)
        return rate * (epoch + 1) / self.epochs if epoch < self.epochs else rate


SCHEDULES = {
    "constant": Constant,
    "step": StepDecay,
    "exponential": ExponentialDecay,
    "inverse_time": InverseTimeDecay,
    "cosine": CosineDecay,
}


def make_schedule(learning_rate, schedule="constant", warmup: int = 0, **options):
    """A schedule from a name, e.g. ``make_schedule(0.1, "step", drop=0.5, every=10)`` or
    ``make_schedule(0.01, "cosine", epochs=100, warmup=5)``.

    ``learning_rate`` may itself be a schedule (any callable), which is returned unchanged.
    """
    if callable(learning_rate):
        return learning_rate
    if isinstance(schedule, str):
        key = {"1/t": "inverse_time", "inverse": "inverse_time", "exp": "exponential"}.get(schedule, schedule)
        if key not in SCHEDULES:
            raise unknown_name_error("schedule", schedule, SCHEDULES)
        made = SCHEDULES[key](learning_rate, **options)
        if warmup:
            return Warmup(made, check_positive(warmup, "warmup", integer=True))
        return made
    raise TypeError(f"schedule must be a name such as 'step'; got {type(schedule).__name__} {schedule!r}")


def learning_rates(schedule, epochs: int) -> list[float]:
    """[alpha_0, ..., alpha_(epochs-1)]: handy to plot a schedule."""
    values = [float(schedule(epoch)) for epoch in range(epochs)]
    if not all(math.isfinite(value) and value > 0 for value in values):
        raise ValueError("a schedule must give a positive, finite learning rate for every epoch")
    return values
