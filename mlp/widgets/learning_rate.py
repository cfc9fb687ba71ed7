"""The learning-rate explorer (lesson 7): retrain a small network from the same initial weights at the
slider's learning rate (log scale, 1e-4 to 10), epochs, decay schedule (``lesson_schedule``) and batch size,
and compare the loss curves. "single run": training (solid) and validation (dashed) loss over faint copies of
the previous runs, and the final loss of every run with these settings against its learning rate. "sweep":
several rates on a log scale coloured by ``classify_runs`` (a cross where one diverged), the slider's run a
star. Divergence is shown, never raised; long training is announced first (the ``busy`` line).

    >>> explorer = LearningRateExplorer()       # moons, 200 points, MLP [2, 16, 1]
    >>> explorer.learning_rate = 0.5            # retrains and redraws, as the slider does
"""

from __future__ import annotations

import math
import threading
import time
import warnings
from collections import deque
from dataclasses import dataclass, replace

import numpy as np
import traitlets

from ..data import make_moons, train_val_test_split
from ..network import MLP
from ..schedules import Constant, ExponentialDecay, InverseTimeDecay, StepDecay
from ..training import DivergenceWarning, History, train
from .canvas import CanvasPanel, axes, button, choice, line, points, slider, text

__all__ = ["LearningRateExplorer", "Run", "classify_runs", "lesson_schedule", "DEFAULT_SWEEP_RATES",
           "GOOD_FRACTION", "BOUNCE_FACTOR"]

DEFAULT_SWEEP_RATES = (1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0)  #: one learning rate per decade of the slider
MIN_RATE, MAX_RATE = 1e-4, 10.0
GOOD_FRACTION = 0.8  #: a stable run is "good" with at least this share of the best run's decrease of ln(loss)
BOUNCE_FACTOR = 1.5  #: a run that ends above this many times its own lowest loss went back up: "too large"
LONG_UPDATES = 2000  #: training of more parameter updates is announced (``busy``) first (0.3 s or more here)
VERDICT_COLOURS = {"too small": "#0072B2", "good": "#009E73", "too large": "#D55E00"}  # Okabe-Ito
TRAIN, VAL, GREY, DIVERGED = "#0072B2", "#E69F00", "#999999", "#D55E00"
SCHEDULES = {"constant": "constant", "step": "step decay", "exponential": "exponential decay",
             "inverse_time": "1/t decay"}
BATCHES = {0: "full batch", 32: "32", 8: "8", 1: "1 (stochastic)"}  # 0: full batch
PLOT_HEIGHT = 270  # both panels, in pixels


def lesson_schedule(name: str, learning_rate: float, epochs: int):
    """The schedule ``name``, decaying to about a tenth of ``learning_rate`` over ``epochs``: constant; step
    (halve every ceil(epochs / 4) epochs); exponential (x 0.1 ** (1 / epochs) per epoch); inverse_time
    (alpha_0 / (1 + (9 / epochs) t))."""
    if name not in SCHEDULES:
        raise ValueError(f"unknown schedule {name!r}; choose one of {list(SCHEDULES)}")
    return {"constant": lambda: Constant(learning_rate),
            "step": lambda: StepDecay(learning_rate, drop=0.5, every=max(1, math.ceil(epochs / 4))),
            "exponential": lambda: ExponentialDecay(learning_rate, decay_rate=0.1 ** (1.0 / epochs)),
            "inverse_time": lambda: InverseTimeDecay(learning_rate, decay_rate=9.0 / epochs)}[name]()


def _schedule_text(name: str, epochs: int) -> str:
    options = vars(lesson_schedule(name, 1.0, epochs))
    return {"constant": "constant α", "step": f"step decay: α halves every {options.get('every')} epochs",
            "exponential": f"exponential decay: α·{options.get('decay_rate', 0):.4f}^t",
            "inverse_time": f"1/t decay: α / (1 + {options.get('decay_rate', 0):.3g} t)"}[name]


@dataclass
class Run:
    """One training run: its learning rate, settings (epochs, schedule, batch size), History and seconds."""

    learning_rate: float
    settings: tuple
    history: History
    seconds: float
    verdict: str | None = None  # set by a sweep

    train_loss = property(lambda self: np.asarray(self.history.train_loss, dtype=np.float64))
    val_loss = property(lambda self: np.asarray(self.history.val_loss, dtype=np.float64))
    diverged = property(lambda self: bool(self.history.diverged))
    initial_loss = property(lambda self: float(self.history.initial_train_loss))
    #: the loss after the last complete epoch (NaN when the first epoch diverged)
    final_train_loss = property(lambda self: float(self.train_loss[-1]) if len(self.train_loss) else math.nan)
    final_val_loss = property(lambda self: float(self.val_loss[-1]) if len(self.val_loss) else math.nan)
    #: diverged, rose above the loss before training, or ended above BOUNCE_FACTOR x its own lowest loss
    unstable = property(lambda self: bool(self.problem()) or not len(self.train_loss))

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
    decrease = lambda run: (math.log(run.initial_loss / run.final_train_loss)  # noqa: E731
                            if run.final_train_loss > 0 else math.inf)

    def verdict(run):
        if run.unstable:
            return "too large"
        if decrease(best) > 0 and decrease(run) >= GOOD_FRACTION * decrease(best):
            return "good"
        return "too small" if run is best or run.learning_rate < best.learning_rate else "too large"
    return [verdict(run) for run in runs]


class LearningRateExplorer(CanvasPanel):
    """Retrain a small network at the chosen learning rate and compare the loss curves.

    X, y : the data (default: the lesson's moons, 200 points), of which ``val_size`` validates; layer_sizes :
    default [n_features, 16, 1]; learning_rate ... mode : the controls' first values (batch_size None: full
    batch); sweep_rates : 4 to 6 rates; keep : earlier runs shown; seed : weights, shuffles, data and split.
    Attributes: ``model`` (the current run's weights), ``initial_weights``, ``current``, ``previous_runs``
    (most recent first), ``sweep_runs`` (with their verdicts), ``sweep_seconds``.
    """

    css_class = traitlets.Unicode("lr-explorer").tag(sync=True)

    learning_rate = traitlets.Float(0.1, min=MIN_RATE, max=MAX_RATE).tag(sync=True)
    epochs = traitlets.Int(150, min=1).tag(sync=True)
    schedule = traitlets.Enum(list(SCHEDULES), "constant").tag(sync=True)
    batch_size = traitlets.Int(0, min=0).tag(sync=True)  # 0: full batch
    mode = traitlets.Enum(["single run", "sweep"], "single run").tag(sync=True)
    REDRAW = ("learning_rate", "epochs", "schedule", "batch_size", "mode")
    HEIGHT = 360

    def __init__(self, X=None, y=None, *, layer_sizes=None, hidden_activation="relu", output_activation="sigmoid",
                 learning_rate=0.1, epochs=150, schedule="constant", batch_size=None, mode="single run",
                 sweep_rates=DEFAULT_SWEEP_RATES, keep=3, val_size=0.3, seed=0):
        if (X is None) != (y is None):
            raise ValueError("give both X and y, or neither (then the lesson's moons)")
        X, y = (np.asarray(X, dtype=np.float64), np.asarray(y)) if X is not None else make_moons(200, 0.2, seed=seed)
        self.seed, self.X_train, self.y_train, self.validation = seed, X, y, None
        if val_size:
            X_train, y_train, X_val, y_val, *_ = train_val_test_split(X, y, val_size, 0.0, seed=seed,
                                                                      stratify=output_activation == "sigmoid")
            self.X_train, self.y_train, self.validation = X_train, y_train, (X_val, y_val)
        layer_sizes = list(layer_sizes or [X.shape[1], 16, 1])
        if layer_sizes[0] != X.shape[1]:
            raise ValueError(f"layer_sizes starts with {layer_sizes[0]} inputs but X has {X.shape[1]} features per "
                             f"example; expected layer_sizes[0] = {X.shape[1]}")
        self.model, self._sweep_model = (MLP(layer_sizes, hidden_activation=hidden_activation,
                                             output_activation=output_activation, seed=seed) for _ in range(2))
        self.initial_weights = self.model.get_weights()
        self.sweep_rates = tuple(sorted({float(rate) for rate in sweep_rates}))
        if not 4 <= len(self.sweep_rates) <= 6 or self.sweep_rates[0] <= 0:
            raise ValueError(f"sweep_rates must be 4 to 6 different positive learning rates; got {sweep_rates}")
        self.current, self.previous_runs = None, deque(maxlen=int(keep))
        self._log: dict = {}  # settings -> {learning rate: Run}: the slider's runs, for the final-loss panel
        self.sweep_runs, self._sweep_key, self.sweep_seconds = [], None, 0.0
        self._lock = threading.RLock()
        batches = {**BATCHES, int(batch_size or 0): BATCHES.get(int(batch_size or 0), str(batch_size))}
        super().__init__(
            learning_rate=learning_rate, epochs=epochs, schedule=schedule, batch_size=batch_size or 0, mode=mode,
            controls_height=60,
            controls=[slider("learning_rate", "learning rate", MIN_RATE, MAX_RATE, 0.1, log=True),
                      slider("epochs", "epochs", 10, max(500, int(epochs)), 10, integer=True),
                      choice("schedule", "schedule", list(SCHEDULES), list(SCHEDULES.values()), menu=True),
                      choice("batch_size", "batch size", list(batches), list(batches.values()), menu=True),
                      choice("mode", "mode", ["single run", "sweep"]), button("forget", "forget earlier runs")])
        self.redraw()

    # --- training ---------------------------------------------------------------------------

    def settings(self) -> tuple:
        """(epochs, schedule name, batch size or None), as the controls say."""
        return self.epochs, self.schedule, self.batch_size or None

    def train_run(self, learning_rate: float, settings=None, model=None) -> Run:
        """Train from the initial weights at ``learning_rate`` with ``settings``; never raises on divergence."""
        epochs, schedule, batch_size = settings or self.settings()
        model = model or self.model
        model.set_weights(self.initial_weights)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DivergenceWarning)  # shown in the picture and the readout instead
            history = train(model, self.X_train, self.y_train, epochs=epochs, batch_size=batch_size,
                            learning_rate=lesson_schedule(schedule, learning_rate, epochs),
                            validation_data=self.validation, seed=self.seed, progress=False,
                            train_metrics="end_of_epoch")  # the loss of the weights themselves, batch or not
        return Run(float(learning_rate), (epochs, schedule, batch_size), history, time.perf_counter() - start)

    def updates(self, settings=None) -> int:
        """How many parameter updates a run with ``settings`` makes: epochs x batches per epoch."""
        epochs, _, batch_size = settings or self.settings()
        return epochs * (math.ceil(len(self.X_train) / batch_size) if batch_size else 1)

    def sweep(self) -> list:
        """Every sweep rate trained with the current settings, each with its ``verdict`` (cached until the
        settings change; a rate the slider has trained with these settings is reused, not trained again)."""
        key = self.settings()
        if self._sweep_key == key:
            return self.sweep_runs
        start, logged = time.perf_counter(), self._log.get(key, {})
        todo = [rate for rate in self.sweep_rates if rate not in logged]
        announce = len(todo) * self.updates(key) > LONG_UPDATES
        trained = {}
        for done, rate in enumerate(todo):
            if announce:
                self.busy = f"sweep: training {len(todo)} runs of {self.updates(key)} parameter updates, {done} done..."
            trained[rate] = self.train_run(rate, key, self._sweep_model)
        # a copy of a logged run: the sweep's verdict must not stick to the slider's own run
        runs = [trained.get(rate) or replace(logged[rate], verdict=None) for rate in self.sweep_rates]
        for run, verdict in zip(runs, classify_runs(runs)):
            run.verdict = verdict
        self.sweep_runs, self._sweep_key, self.sweep_seconds = runs, key, time.perf_counter() - start
        return runs

    def _train(self) -> None:
        """Train what the controls ask for: the slider's run when it is new, and the sweep in sweep mode."""
        rate, settings = self.learning_rate, self.settings()
        if self.current is None or (self.current.learning_rate, self.current.settings) != (rate, settings):
            if self.updates(settings) > LONG_UPDATES:
                self.busy = f"training learning rate {rate:.4g}: {self.updates(settings)} parameter updates..."
            run = self.train_run(rate, settings)
            if self.current is not None:
                self.previous_runs.appendleft(self.current)
            log = self._log.setdefault(settings, {})
            self.current = log[rate] = run
            if len(log) > 40:  # forget the oldest
                del log[next(iter(log))]
        if self.mode == "sweep":
            self.sweep()

    def on_forget(self) -> None:
        """Forget the earlier runs (the faint curves, the final-loss panel's points) but the current one."""
        self.previous_runs.clear()
        self._log = {self.current.settings: {self.current.learning_rate: self.current}}
        self.redraw()

    def redraw(self) -> None:
        with self._lock:  # one change at a time: a message may arrive on another thread while a sweep trains
            super().redraw()

    # --- the picture ------------------------------------------------------------------------

    def draw(self):
        self._train()
        run, sweep = self.current, self.mode == "sweep"
        runs = self.sweep_runs if sweep else [*reversed(self.previous_runs), run]  # the current one on top
        bottom, top = _loss_limits([*runs, run])
        if sweep:
            first = {r.verdict: r for r in reversed(runs)}  # each verdict's first run carries its label
            curves = [item for r in runs for item in _curves(r, VERDICT_COLOURS[r.verdict], None, top, width=1.8,
                                                             label=r.verdict if first[r.verdict] is r else None)]
            ends = [(r, VERDICT_COLOURS[r.verdict]) for r in runs]
            title = f"sweep: {len(runs)} learning rates, the same initial weights"
            final, verdicts = runs, [r.verdict for r in runs]
        else:
            ages = range(len(runs) - 1, 0, -1)  # the oldest first, underneath
            curves = [item for age, r in zip(ages, runs) for item in _curves(r, TRAIN, VAL, top, alpha=max(
                0.5 - 0.12 * age, 0.15), width=1.2, label="earlier runs" if age == 1 else None)]
            curves += _curves(run, TRAIN, VAL, top, width=2.2, label="training loss", val_label="validation loss")
            ends = [(r, "#555") for r in runs[:-1]]
            title = f"learning rate {run.learning_rate:.4g}" + (" (DIVERGED)" if run.diverged else
                                                                 " (unstable: too large)" if run.unstable else "")
            final = sorted(self._log.get(run.settings, {}).values(), key=lambda r: r.learning_rate)
            verdicts = classify_runs(final) if len(final) >= 3 else [None] * len(final)
        crosses = [item for item in curves if item.get("marker") == "x"]
        if crosses:
            crosses[-1]["label"] = "diverged"
        width = max([self.epochs, *(len(r.train_loss) + 1 for r in runs)]) * 1.18 + 1  # room for the labels
        start = line([0, width], [run.initial_loss] * 2, GREY, 1, dash=[2, 3], label="loss before training")
        dots = self._final_losses(final, verdicts, top)
        rows = max(sum(bool(item.get("label")) for item in items) for items in ([start, *curves], dots))
        f = (16 * rows + 16) / PLOT_HEIGHT  # the legend's share of the height, kept free above the top
        limits = (bottom, top * (top / bottom) ** (f / (1 - f)))
        left = axes((60, 28, 380, PLOT_HEIGHT), [start, *curves, *_rate_labels(ends, limits, top)], (0, width),
                    limits, title=title, xlabel="epoch", ylabel="loss (log scale)", ylog=True, legend="upper right")
        right = axes((525, 28, 220, PLOT_HEIGHT), [{**start, "x": [MIN_RATE / 2, MAX_RATE * 2], "label": None}, *dots],
                     (MIN_RATE / 2, MAX_RATE * 2), limits, xlabel="learning rate (log scale)", xlog=True, ylog=True,
                     title="the sweep and the slider's run" if sweep else "your runs with these settings",
                     ylabel="final loss (○ validation)" if self.validation else "final loss", legend="upper right")
        return [left, right], self._readout()

    def _final_losses(self, runs, verdicts, top) -> list:
        """Final training loss (filled) and validation loss (hollow) against the learning rate, a cross at the
        top for a diverged run, the slider's run a black star."""
        stable = [r for r in runs if not r.diverged]
        rates = [r.learning_rate for r in stable]
        items = [line(rates, [min(r.final_train_loss, top) for r in stable], "#bbbbbb", 1)]
        if self.validation is not None and stable:
            items.append(points(rates, [min(r.final_val_loss, top) for r in stable], "white", edge=GREY, size=3))
        for verdict, colour in [(None, "#555"), *VERDICT_COLOURS.items()]:
            group = [r for r, v in zip(runs, verdicts) if v == verdict and not r.diverged]
            if group:
                items.append(points([r.learning_rate for r in group], [min(r.final_train_loss, top) for r in group],
                                    colour, size=4, label=verdict or "your runs"))
        diverged = [r.learning_rate for r in runs if r.diverged]
        if diverged:
            items.append(points(diverged, [top] * len(diverged), DIVERGED, size=6, marker="x", label="diverged"))
        run = self.current
        return items + [points([run.learning_rate], [top if run.diverged else min(run.final_train_loss, top)],
                               "black", size=6, marker="*", label="the slider's run")]

    def _readout(self) -> str:
        run, (epochs, schedule, batch_size) = self.current, self.current.settings
        batch = f"batch size {BATCHES.get(batch_size, batch_size)}" if batch_size else "full batch"
        text = (f"learning rate {run.learning_rate:.4g} · {_schedule_text(schedule, epochs)} · {batch} · "
                f"{epochs} epochs → ")
        if run.diverged:
            text += f"{run.problem()}: the learning rate is too large"
        else:
            text += f"final training loss {run.final_train_loss:.4g}" + (
                f", validation loss {run.final_val_loss:.4g}" if self.validation else "") + (
                f"; {run.problem()}: the learning rate is probably too large" if run.problem() else "")
        text += f" (trained in {run.seconds:.2f} s)"
        if self.mode == "sweep":
            groups = [(v, ", ".join(f"{r.learning_rate:g}" for r in self.sweep_runs if r.verdict == v))
                      for v in VERDICT_COLOURS]
            text += (f" · sweep ({len(self.sweep_runs)} rates, {self.sweep_seconds:.2f} s): "
                     + "; ".join(f"{v}: {rates}" for v, rates in groups if rates))
        return text


def _thin(values, at_most=200):
    """(epochs, values) of a curve, at most ``at_most`` of them (the first and the last kept)."""
    keep = np.unique(np.linspace(0, len(values) - 1, min(len(values), at_most)).round().astype(int))
    return keep + 1, np.asarray(values)[keep]


def _curves(run, colour, val_colour, top, alpha=1.0, width=2.0, label=None, val_label=None) -> list:
    """A run's training (solid) and validation (dashed, if ``val_colour``) loss, a cross where it diverged."""
    items = [line(*_thin(run.train_loss), colour, width, alpha=alpha, label=label)]
    if val_colour and len(run.val_loss):
        items.append(line(*_thin(run.val_loss), val_colour, width, dash=[5, 3], alpha=alpha, label=val_label))
    if run.diverged:
        items.append(points([len(run.train_loss) + 1], [top], DIVERGED, size=6, marker="x", alpha=max(alpha, 0.5)))
    return items


def _rate_labels(ends, limits, top) -> list:
    """Each run's learning rate at the end of its training curve (or its cross), moved apart so none overlap."""
    low, high = (math.log10(limit) for limit in limits)
    gap = 15 / PLOT_HEIGHT * (high - low)  # 15 px
    ends = sorted(((math.log10(top if r.diverged else min(r.final_train_loss, top)), r, colour) for r, colour in ends),
                  key=lambda end: end[0])
    heights = []
    for height, _, _ in ends:  # up from the lowest
        heights.append(max(height, heights[-1] + gap) if heights else height)
    ceiling = high - gap / 2
    for index in reversed(range(len(heights))):  # then down from the top where needed
        heights[index] = ceiling = min(heights[index], ceiling)
        ceiling -= gap
    return [text(f"{r.learning_rate:.3g}", (len(r.train_loss) + 1, 10 ** height), colour, offset=(9, 0))
            for (_, r, colour), height in zip(ends, heights)]


def _loss_limits(runs) -> tuple:
    """(bottom, top) of the loss axes: the curves' lowest points, and at most 3x the loss before training
    (curves that climb higher leave the picture, which is the point; a diverged run's cross sits at the top)."""
    values = np.concatenate([run.train_loss for run in runs] + [run.val_loss for run in runs])
    values = values[np.isfinite(values) & (values > 0)]
    start = max(run.initial_loss for run in runs)
    bottom = max(values.min() * 0.7, 1e-8) if values.size else start / 10
    return float(bottom), float(max(min(3 * start, 1.5 * values.max() if values.size else 3 * start), 10 * bottom))
