"""The learning-rate range test (Smith, 2017): how the loss answers learning rates from tiny to huge.

Starting from the model's current weights, take one gradient-descent step per mini-batch with a
learning rate that grows exponentially from ``start`` to ``stop``, and record the loss of each batch
(smoothed, as the raw batch losses are noisy). The loss first barely moves (the rate is too small),
then falls fast, then shoots up (the rate is too large). A good learning rate lies where the loss
still falls steeply, about ten times below the rate at the smoothed loss's minimum. The model's
weights are put back afterwards.

    >>> result = learning_rate_range_test(model, X, y, seed=0)
    >>> result.suggested              # a learning rate to start from
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .checks import check_positive
from .rng import make_rng
from .training import minibatches

SMOOTHING = 0.9  # the loss curve is an exponential moving average of the batch losses (bias-corrected)
STOP_FACTOR = 4.0  # the test stops once the smoothed loss is 4 times its minimum so far


@dataclass
class RangeTest:
    """learning_rates and losses (smoothed), one per step; suggested: a learning rate to start from."""

    learning_rates: list = field(default_factory=list)
    losses: list = field(default_factory=list)
    suggested: float = math.nan


def learning_rate_range_test(model, X, y, start: float = 1e-5, stop: float = 10.0, steps: int = 100,
                             batch_size: int = 32, seed=None) -> RangeTest:
    """Run the range test on ``model`` (left as it was) with (X, y); see the module's docstring."""
    start, stop = check_positive(start, "start"), check_positive(stop, "stop")
    if stop <= start:
        raise ValueError(f"stop must be larger than start ({start:g}); got {stop:g}")
    steps = check_positive(steps, "steps", integer=True)
    if steps < 2:
        raise ValueError(f"steps must be at least 2; got {steps}")
    batch_size = check_positive(batch_size, "batch_size", integer=True)
    X = model._check_X(X)
    Y = model.targets(y, len(X))
    rng = make_rng(seed)
    saved = model.get_weights()
    result = RangeTest()
    average, best = 0.0, math.inf
    batches = iter(())
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            for step in range(steps):
                rate = start * (stop / start) ** (step / (steps - 1))  # exponential: evenly spaced in log(rate)
                batch = next(batches, None)
                if batch is None:  # a new pass over the data, reshuffled
                    batches = minibatches(X, Y, batch_size, rng)
                    batch = next(batches)
                loss = model._forward_backward(*batch)[0]
                average = SMOOTHING * average + (1 - SMOOTHING) * loss
                smoothed = average / (1 - SMOOTHING ** (step + 1))
                if not math.isfinite(smoothed) or smoothed > STOP_FACTOR * best:
                    break
                result.learning_rates.append(rate)
                result.losses.append(smoothed)
                best = min(best, smoothed)
                for _, param, grad in model.params_and_grads():
                    param -= rate * grad  # one gradient-descent step at this rate
    finally:
        model.set_weights(saved)
    if result.losses:
        result.suggested = result.learning_rates[int(np.argmin(result.losses))] / 10
    return result
