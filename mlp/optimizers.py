"""Optimisers: how the gradients change the parameters, one step at a time.

Gradient descent:  theta := theta - alpha * dL/dtheta
Momentum:          v := beta * v - alpha * dL/dtheta;   theta := theta + v

Batch, stochastic and mini-batch gradient descent are the same update; they differ in
how many examples the gradient is computed from (all m, 1, or a batch), which the
training loop decides (``batch_size``). ``step(model)`` updates every parameter the
model yields from ``params_and_grads()`` in place.
"""

from __future__ import annotations

import numpy as np

from .checks import check_positive
from .schedules import make_schedule


class GradientDescent:
    """Gradient descent with optional momentum and a learning-rate schedule.

    Parameters
    ----------
    learning_rate : alpha > 0, or a schedule (callable epoch -> alpha), e.g. ``StepDecay(0.5)``.
    momentum : beta in [0, 1); 0 is plain gradient descent.

    The training loop calls ``start_epoch(t)`` so a schedule can set alpha_t.
    """

    def __init__(self, learning_rate=0.1, momentum: float = 0.0):
        if not callable(learning_rate):
            check_positive(learning_rate, "learning_rate")
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float, np.floating)):
            raise TypeError(f"momentum must be a number in [0, 1); got {type(momentum).__name__} {momentum!r}")
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be a number in [0, 1); got {momentum!r}")
        self.schedule = make_schedule(learning_rate)
        self.momentum = float(momentum)
        self.velocity = {}
        self.start_epoch(0)

    def start_epoch(self, epoch: int) -> None:
        """Set the learning rate for epoch ``epoch`` from the schedule."""
        rate = self.schedule(epoch)
        check_positive(rate, f"the learning rate of epoch {epoch}")
        self.learning_rate = float(rate)

    def step(self, model) -> None:
        """Update every parameter of ``model`` in place from its current gradients."""
        for name, param, grad in model.params_and_grads():
            if self.momentum:
                v = self.velocity.get(name)
                if v is None:
                    v = self.velocity[name] = np.zeros_like(param)
                v *= self.momentum
                v -= self.learning_rate * grad  # v := beta v - alpha dtheta
                param += v  # theta := theta + v
            else:
                param -= self.learning_rate * grad  # theta := theta - alpha dtheta

    def __repr__(self):
        return f"GradientDescent(learning_rate={self.schedule!r}, momentum={self.momentum})"
