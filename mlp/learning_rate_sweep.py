"""A learning-rate sweep (lesson 7): train one network at several learning rates, each run from the same
initial weights, and say which rates are too small, good or too large.

Every run of a sweep starts from the same weights and sees the same shuffles (the same ``seed``): only the
learning rate differs. ``train_run`` trains one run and records it (a run that diverges is recorded, not
raised); ``classify_runs`` labels the runs by the rule in its docstring. ``lesson_schedule`` gives lesson 7's
decay schedules, each ending near a tenth of the starting rate whatever the number of epochs.
``LearningRateExperiment`` holds what every run shares: the data, split for validation, and the network with
its initial weights.

    >>> X, y = mlp.data.make_moons(140, noise=0.2, seed=0)
    >>> model = mlp.MLP([2, 16, 1], seed=0)
    >>> start = model.get_weights()
    >>> runs = [train_run(model, start, X, y, rate, seed=0) for rate in DEFAULT_SWEEP_RATES]   # 1e-4 ... 10
    >>> classify_runs(runs)
    ['too small', 'too small', 'too small', 'good', 'good', 'too large']
    >>> print(LearningRateExperiment(seed=0).run(0.1))      # the lesson's moons: 200 points, 30 % to validate
    learning rate 0.1 · constant α · full batch · 150 epochs → final training loss 0.2303, validation loss 0.3103
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from .data import make_moons, train_val_test_split
from .network import MLP
from .schedules import Constant, ExponentialDecay, InverseTimeDecay, StepDecay
from .training import DivergenceWarning, History, train

__all__ = ["Run", "train_run", "classify_runs", "with_verdicts", "describe_verdicts", "LearningRateExperiment",
           "lesson_schedule", "describe_schedule", "SCHEDULES", "VERDICTS", "DEFAULT_SWEEP_RATES", "GOOD_FRACTION",
           "BOUNCE_FACTOR"]

DEFAULT_SWEEP_RATES = (1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0)  #: one learning rate per decade, 1e-4 to 10
GOOD_FRACTION = 0.8  #: a stable run is "good" with at least this share of the best run's decrease of ln(loss)
BOUNCE_FACTOR = 1.5  #: a run that ends above this many times its own lowest loss went back up: "too large"
VERDICTS = ("too small", "good", "too large")  #: what ``classify_runs`` says of a run
#: the schedules of ``lesson_schedule``, and their names in words
SCHEDULES = {"constant": "constant", "step": "step decay", "exponential": "exponential decay",
             "inverse_time": "1/t decay"}


def lesson_schedule(name: str, learning_rate: float, epochs: int):
    """The schedule ``name`` starting at ``learning_rate`` and decaying to about a tenth of it over ``epochs``:

    - constant: alpha_t = alpha_0;
    - step: alpha_0 halves every ceil(epochs / 4) epochs (a sixteenth after four drops);
    - exponential: alpha_t = alpha_0 * (0.1 ** (1 / epochs)) ** t, a tenth at t = epochs;
    - inverse_time: alpha_t = alpha_0 / (1 + (9 / epochs) t), a tenth at t = epochs.
    """
    if name not in SCHEDULES:
        raise ValueError(f"unknown schedule {name!r}; choose one of {list(SCHEDULES)}")
    if name == "step":
        return StepDecay(learning_rate, drop=0.5, every=max(1, math.ceil(epochs / 4)))
    if name == "exponential":
        return ExponentialDecay(learning_rate, decay_rate=0.1 ** (1.0 / epochs))
    if name == "inverse_time":
        return InverseTimeDecay(learning_rate, decay_rate=9.0 / epochs)
    return Constant(learning_rate)


def describe_schedule(name: str, epochs: int) -> str:
    """``lesson_schedule(name, α, epochs)`` in words, e.g. "step decay: α halves every 38 epochs"."""
    schedule = lesson_schedule(name, 1.0, epochs)
    if name == "step":
        return f"step decay: α halves every {schedule.every} epochs"
    if name == "exponential":
        return f"exponential decay: α·{schedule.decay_rate:.4f}^t"
    if name == "inverse_time":
        return f"1/t decay: α / (1 + {schedule.decay_rate:.3g} t)"
    return "constant α"


@dataclass
class Run:
    """One training run: its learning rate, settings (epochs, schedule name, batch size or None for full batch),
    History and seconds of training; ``verdict``: what ``classify_runs`` said of it in a sweep."""

    learning_rate: float
    settings: tuple
    history: History
    seconds: float = 0.0
    verdict: str | None = None

    @cached_property
    def train_loss(self) -> np.ndarray:
        """The training loss after each complete epoch."""
        return np.asarray(self.history.train_loss, dtype=np.float64)

    @cached_property
    def val_loss(self) -> np.ndarray:
        """The validation loss after each complete epoch (empty without validation data)."""
        return np.asarray(self.history.val_loss, dtype=np.float64)

    @property
    def diverged(self) -> bool:
        return bool(self.history.diverged)

    @property
    def initial_loss(self) -> float:
        """The training loss before the first update."""
        return float(self.history.initial_train_loss)

    @property
    def final_train_loss(self) -> float:
        """The loss after the last complete epoch (NaN when the first epoch diverged)."""
        return float(self.train_loss[-1]) if len(self.train_loss) else math.nan

    @property
    def final_val_loss(self) -> float:
        return float(self.val_loss[-1]) if len(self.val_loss) else math.nan

    @property
    def unstable(self) -> bool:
        """Diverged, rose above the loss before training, or ended above BOUNCE_FACTOR x its own lowest loss."""
        return bool(self.problem()) or not len(self.train_loss)

    def __str__(self) -> str:
        """The run in words: its settings, then its final losses or what went wrong (the explorer's readout)."""
        epochs, schedule, batch_size = self.settings
        batch = f"batch size {batch_size}{' (stochastic)' if batch_size == 1 else ''}" if batch_size else "full batch"
        text = (f"learning rate {self.learning_rate:.4g} · {describe_schedule(schedule, epochs)} · {batch} · "
                f"{epochs} epochs → ")
        if self.diverged:
            return text + f"{self.problem()}: the learning rate is too large"
        text += f"final training loss {self.final_train_loss:.4g}"
        if len(self.val_loss):
            text += f", validation loss {self.final_val_loss:.4g}"
        return text + (f"; {self.problem()}: the learning rate is probably too large" if self.problem() else "")

    def problem(self) -> str:
        """What went wrong, in words ("" for a stable run)."""
        losses = self.train_loss
        if self.diverged:
            return f"diverged in epoch {len(losses) + 1}"
        if len(losses) and losses.max() > self.initial_loss:
            return (f"the loss rose above its starting value {self.initial_loss:.3g} "
                    f"(up to {losses.max():.3g} in epoch {int(losses.argmax()) + 1})")
        if len(losses) and losses[-1] > BOUNCE_FACTOR * losses.min():
            return f"the loss went back up from its lowest {losses.min():.3g} to {losses[-1]:.3g}"
        return ""


def train_run(model, initial_weights: dict, X, y, learning_rate: float, *, epochs: int = 150,
              schedule: str = "constant", batch_size: int | None = None, validation_data=None, seed=None) -> Run:
    """Train ``model`` from ``initial_weights`` at ``learning_rate`` (with ``lesson_schedule(schedule, ...)``)
    and return the Run; the model keeps the weights the run ends with.

    A run that diverges stops there and is recorded (``Run.diverged``), without a DivergenceWarning. The
    training loss of every epoch is measured on the whole training set at the end of the epoch, for
    mini-batches too: the loss of the weights themselves, comparable from one batch size to another.
    """
    rate = lesson_schedule(schedule, learning_rate, epochs)
    model.set_weights(initial_weights)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)  # the Run records it
        history = train(model, X, y, epochs=epochs, batch_size=batch_size, learning_rate=rate,
                        validation_data=validation_data, seed=seed, progress=False, train_metrics="end_of_epoch")
    return Run(float(learning_rate), (epochs, schedule, batch_size), history, time.perf_counter() - start)


def classify_runs(runs) -> list[str]:
    """Label each run of a sweep "too small", "good" or "too large". The rule:

    1. A run is **too large** if it is unstable: it diverged, its training loss ever rose above the loss
       before training, or its final loss is more than BOUNCE_FACTOR (1.5) times its own lowest loss.
    2. Among the stable runs, the best has the lowest final training loss, and a stable run is **good** if
       it achieved at least GOOD_FRACTION (80 %) of the best run's decrease on the plots' log scale:
       ln(L0 / L_final) >= 0.8 ln(L0 / L_best), with L0 the loss before training (the same for every run).
    3. Every other stable run is **too small** if its learning rate is below the best run's, **too large**
       if above (stable but stuck, e.g. with dead ReLU units).
    """
    runs = list(runs)
    stable = [run for run in runs if not run.unstable]
    best = min(stable, key=lambda run: run.final_train_loss, default=None)

    def decrease(run):
        return math.log(run.initial_loss / run.final_train_loss) if run.final_train_loss > 0 else math.inf

    def verdict(run):
        if run.unstable:
            return "too large"
        if decrease(best) > 0 and decrease(run) >= GOOD_FRACTION * decrease(best):
            return "good"
        return "too small" if run is best or run.learning_rate < best.learning_rate else "too large"
    return [verdict(run) for run in runs]


def with_verdicts(runs) -> list[Run]:
    """Copies of the runs (the originals stay as they are), each with its ``verdict`` from ``classify_runs``."""
    runs = list(runs)
    return [replace(run, verdict=verdict) for run, verdict in zip(runs, classify_runs(runs))]


def describe_verdicts(runs) -> str:
    """The runs' learning rates by verdict, e.g. "too small: 0.0001, 0.001; good: 0.1; too large: 1, 10"."""
    groups = {verdict: ", ".join(f"{run.learning_rate:g}" for run in runs if run.verdict == verdict)
              for verdict in VERDICTS}
    return "; ".join(f"{verdict}: {rates}" for verdict, rates in groups.items() if rates)


class LearningRateExperiment:
    """What every run of a sweep shares: the data, split for validation, and the network with its initial weights.

    X, y : the data (default: lesson 7's moons, 200 points), of which ``val_size`` validates (split with
    ``seed``, keeping the class proportions for a sigmoid output); the network: ``MLP(layer_sizes,
    hidden_activation, output_activation, seed=seed)``, layer_sizes by default [n_features, 16, 1].
    ``run`` trains ``model`` (which keeps the weights of the last run), ``sweep`` a copy of it.
    """

    def __init__(self, X=None, y=None, *, layer_sizes=None, hidden_activation="relu", output_activation="sigmoid",
                 val_size=0.3, seed=0):
        if (X is None) != (y is None):
            raise ValueError("give both X and y, or neither (then the lesson's moons)")
        X, y = make_moons(200, 0.2, seed=seed) if X is None else (X, y)
        self.X_train, self.y_train, X_val, y_val, *_ = train_val_test_split(
            X, y, val_size, 0.0, seed=seed, stratify=output_activation == "sigmoid")
        self.validation = (X_val, y_val) if val_size else None
        self.model, self.sweep_model = (MLP(layer_sizes or [self.X_train.shape[1], 16, 1], seed=seed,
                                            hidden_activation=hidden_activation, output_activation=output_activation)
                                        for _ in range(2))
        self.initial_weights = self.model.get_weights()
        self.seed = seed

    def run(self, learning_rate: float, epochs: int = 150, schedule: str = "constant", batch_size: int | None = None,
            model=None) -> Run:
        """``train_run`` of ``model`` (default: ``self.model``) from the initial weights, with ``seed``'s shuffles."""
        return train_run(model or self.model, self.initial_weights, self.X_train, self.y_train, learning_rate,
                         epochs=epochs, schedule=schedule, batch_size=batch_size, validation_data=self.validation,
                         seed=self.seed)

    def sweep(self, rates=DEFAULT_SWEEP_RATES, epochs: int = 150, schedule: str = "constant",
              batch_size: int | None = None) -> list[Run]:
        """A run at each of ``rates`` (in increasing order) on ``sweep_model``, each with its ``verdict``."""
        return with_verdicts([self.run(rate, epochs, schedule, batch_size, self.sweep_model) for rate in sorted(rates)])

    def updates(self, epochs: int, batch_size: int | None = None) -> int:
        """How many parameter updates a run makes: epochs x batches per epoch."""
        return epochs * (math.ceil(len(self.X_train) / batch_size) if batch_size else 1)
