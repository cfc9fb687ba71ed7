"""The learning-rate explorer (lesson 7): retrain a small network from the same initial weights at the slider's
learning rate, epochs, decay schedule and batch size. "single run": the training (solid) and validation (dashed)
loss over faint earlier runs, and each run's final loss against its learning rate; "sweep": one rate a decade,
coloured by its verdict (× diverged). The runs are ``mlp.learning_rate_sweep``'s.

    >>> explorer = LearningRateExplorer()       # moons, 200 points, MLP [2, 16, 1]
    >>> explorer.learning_rate = 0.5            # retrains and redraws, as the slider does
"""

import math
import threading
import time
from collections import deque

import numpy as np
import traitlets

from ..learning_rate_sweep import (DEFAULT_SWEEP_RATES, SCHEDULES, LearningRateExperiment, describe_verdicts,
                                   with_verdicts)
from .canvas import CanvasPanel, axes, button, choice, line, points, slider, text

__all__ = ["LearningRateExplorer"]

MIN_RATE, MAX_RATE = 1e-4, 10.0
LONG_UPDATES = 2000  #: training of more parameter updates is announced (``busy``) first (0.3 s or more here)
VERDICT_COLOURS = {"too small": "#0072B2", "good": "#009E73", "too large": "#D55E00"}  # Okabe-Ito
TRAIN, VAL, GREY, DARK, DIVERGED = "#0072B2", "#E69F00", "#999999", "#555", "#D55E00"
BATCHES = {0: "full batch", 32: "32", 8: "8", 1: "1 (stochastic)"}  # the menu; 0: full batch
PLOT_HEIGHT = 270  # both panels, in pixels


class LearningRateExplorer(CanvasPanel):
    """X, y, **experiment: the ``LearningRateExperiment``; learning_rate ... mode: the controls' first values; keep:
    how many earlier runs show (``previous_runs``, newest first). ``current``: the slider's run; ``sweep_runs``."""

    css_class = traitlets.Unicode("lr-explorer").tag(sync=True)
    learning_rate = traitlets.Float(0.1, min=MIN_RATE, max=MAX_RATE).tag(sync=True)
    epochs = traitlets.Int(150, min=1).tag(sync=True)
    schedule = traitlets.Enum(list(SCHEDULES), "constant").tag(sync=True)
    batch_size = traitlets.Enum(list(BATCHES), 0).tag(sync=True)  # 0: full batch
    mode = traitlets.Enum(["single run", "sweep"], "single run").tag(sync=True)
    REDRAW = ("learning_rate", "epochs", "schedule", "batch_size", "mode")
    HEIGHT = 360

    def __init__(self, X=None, y=None, *, learning_rate=0.1, epochs=150, schedule="constant", batch_size=None,
                 mode="single run", keep=3, **experiment):
        self.experiment = LearningRateExperiment(X, y, **experiment)
        self.current, self.previous_runs = None, deque(maxlen=int(keep))
        self._log = {}  # settings -> {learning rate: Run}: the slider's runs, for the final-loss panel
        self.sweep_runs, self._sweep_key, self.sweep_seconds = [], None, 0.0
        self._lock = threading.RLock()
        super().__init__(learning_rate=learning_rate, epochs=epochs, schedule=schedule, batch_size=batch_size or 0,
                         mode=mode, controls_height=60, controls=[
                             slider("learning_rate", "learning rate", MIN_RATE, MAX_RATE, 0.1, log=True),
                             slider("epochs", "epochs", 10, max(500, int(epochs)), 10, integer=True),
                             choice("schedule", "schedule", list(SCHEDULES), list(SCHEDULES.values()), menu=True),
                             choice("batch_size", "batch size", list(BATCHES), list(BATCHES.values()), menu=True),
                             choice("mode", "mode", ["single run", "sweep"]), button("forget", "forget earlier runs")])
        self.redraw()

    def _train(self) -> None:
        """Train the slider's run when it is new, and in sweep mode each sweep rate the slider has not trained."""
        rate, key = self.learning_rate, (self.epochs, self.schedule, self.batch_size or None)  # the run's settings
        updates = self.experiment.updates(self.epochs, key[2])
        if self.current is None or (self.current.learning_rate, self.current.settings) != (rate, key):
            if updates > LONG_UPDATES:
                self.busy = f"training learning rate {rate:.4g}: {updates} parameter updates..."
            if self.current is not None:
                self.previous_runs.appendleft(self.current)
            log = self._log.setdefault(key, {})
            self.current = log[rate] = self.experiment.run(rate, *key)
            if len(log) > 40:  # forget the oldest
                del log[next(iter(log))]
        if self.mode == "sweep" and self._sweep_key != key:
            start, runs = time.perf_counter(), dict(self._log[key])
            todo = [rate for rate in DEFAULT_SWEEP_RATES if rate not in runs]
            for done, rate in enumerate(todo):
                if len(todo) * updates > LONG_UPDATES:
                    self.busy = f"sweep: training {len(todo)} runs of {updates} parameter updates, {done} done..."
                runs[rate] = self.experiment.run(rate, *key, model=self.experiment.sweep_model)
            self.sweep_runs = with_verdicts(runs[rate] for rate in DEFAULT_SWEEP_RATES)  # copies: the slider's stay
            self._sweep_key, self.sweep_seconds = key, time.perf_counter() - start

    def on_forget(self) -> None:
        """Forget the earlier runs (the faint curves, the final-loss panel's points) but the current one."""
        self.previous_runs.clear()
        self._log = {self.current.settings: {self.current.learning_rate: self.current}}
        self.redraw()

    def redraw(self) -> None:
        with self._lock:  # one change at a time: a message may arrive on another thread while a sweep trains
            super().redraw()

    def draw(self):
        self._train()
        run, sweep = self.current, self.mode == "sweep"
        runs = self.sweep_runs if sweep else [*reversed(self.previous_runs), run]  # the current one on top
        bottom, top = _loss_limits([*runs, run])
        if sweep:
            first = {r.verdict: r for r in reversed(runs)}  # each verdict's first run carries its label
            curves = [item for r in runs for item in _curves(r, VERDICT_COLOURS[r.verdict], None, top, width=1.8,
                                                             label=r.verdict if first[r.verdict] is r else None)]
            title = f"sweep: {len(runs)} learning rates, the same initial weights"
            final = runs
        else:
            ages = range(len(runs) - 1, 0, -1)  # the oldest first, underneath
            curves = [item for age, r in zip(ages, runs) for item in _curves(r, TRAIN, VAL, top, alpha=max(
                0.5 - 0.12 * age, 0.15), width=1.2, label="earlier runs" if age == 1 else None)]
            curves += _curves(run, TRAIN, VAL, top, width=2.2, label="training loss", val_label="validation loss")
            title = f"learning rate {run.learning_rate:.4g}" + (" (DIVERGED)" if run.diverged else
                                                                 " (unstable: too large)" if run.unstable else "")
            final = sorted(self._log[run.settings].values(), key=lambda r: r.learning_rate)
            final = with_verdicts(final) if len(final) >= 3 else final
        for cross in [item for item in curves if item.get("marker") == "x"][-1:]:  # the last one carries the label
            cross["label"] = "diverged"
        width = max([self.epochs, *(len(r.train_loss) + 1 for r in runs)]) * 1.18 + 1  # room for the labels
        start = line([0, width], [run.initial_loss] * 2, GREY, 1, dash=[2, 3], label="loss before training")
        dots = self._final_losses(final, top)
        rows = max(sum(bool(item.get("label")) for item in items) for items in ([start, *curves], dots))
        f = (16 * rows + 16) / PLOT_HEIGHT  # the legend's share of the height, kept free above the top
        limits = (bottom, top * (top / bottom) ** (f / (1 - f)))
        labels = _rate_labels(runs if sweep else runs[:-1], limits, top)  # the title names the slider's run
        left = axes((60, 28, 380, PLOT_HEIGHT), [start, *curves, *labels], (0, width), limits, title=title,
                    xlabel="epoch", ylabel="loss (log scale)", ylog=True, legend="upper right")
        right = axes((525, 28, 220, PLOT_HEIGHT), [{**start, "x": [MIN_RATE / 2, MAX_RATE * 2], "label": None}, *dots],
                     (MIN_RATE / 2, MAX_RATE * 2), limits, xlabel="learning rate (log scale)", xlog=True, ylog=True,
                     title="the sweep and the slider's run" if sweep else "your runs with these settings",
                     ylabel="final loss (○ validation)" if self.experiment.validation else "final loss",
                     legend="upper right")
        return [left, right], f"{run} (trained in {run.seconds:.2f} s)" + (
            f" · sweep ({len(runs)} rates, {self.sweep_seconds:.2f} s): {describe_verdicts(runs)}" if sweep else "")

    def _final_losses(self, runs, top) -> list:
        """Final training (filled, by verdict) and validation (hollow) loss against the rate; × diverged, * current."""
        stable = [r for r in runs if not r.diverged]
        rates = [r.learning_rate for r in stable]
        items = [line(rates, [min(r.final_train_loss, top) for r in stable], "#bbbbbb", 1)]
        if self.experiment.validation is not None and stable:
            items.append(points(rates, [min(r.final_val_loss, top) for r in stable], "white", edge=GREY, size=3))
        for verdict, colour in [(None, DARK), *VERDICT_COLOURS.items()]:
            group = [r for r in stable if r.verdict == verdict]
            if group:
                items.append(points([r.learning_rate for r in group], [min(r.final_train_loss, top) for r in group],
                                    colour, size=4, label=verdict or "your runs"))
        diverged = [r.learning_rate for r in runs if r.diverged]
        if diverged:
            items.append(points(diverged, [top] * len(diverged), DIVERGED, size=6, marker="x", label="diverged"))
        run = self.current
        return items + [points([run.learning_rate], [top if run.diverged else min(run.final_train_loss, top)],
                               "black", size=6, marker="*", label="the slider's run")]


def _curves(run, colour, val_colour, top, alpha=1.0, width=2.0, label=None, val_label=None) -> list:
    """A run's training and validation (dashed, if ``val_colour``) loss at 200 epochs at most, × where it diverged."""
    keep = np.unique(np.linspace(0, len(run.train_loss) - 1, min(len(run.train_loss), 200)).round().astype(int))
    items = [line(keep + 1, run.train_loss[keep], colour, width, alpha=alpha, label=label)]
    if val_colour and len(run.val_loss):
        items.append(line(keep + 1, run.val_loss[keep], val_colour, width, dash=[5, 3], alpha=alpha, label=val_label))
    if run.diverged:
        items.append(points([len(run.train_loss) + 1], [top], DIVERGED, size=6, marker="x", alpha=max(alpha, 0.5)))
    return items


def _rate_labels(runs, limits, top) -> list:
    """Each run's learning rate at the end of its curve, moved apart (up, then down from the top) so none overlap."""
    low, high = (math.log10(limit) for limit in limits)
    gap = 15 / PLOT_HEIGHT * (high - low)  # 15 px
    ends = sorted(((math.log10(top if r.diverged else min(r.final_train_loss, top)), r) for r in runs),
                  key=lambda end: end[0])
    heights, ceiling = [], high - gap / 2
    for height, _ in ends:
        heights.append(max(height, heights[-1] + gap) if heights else height)
    for index in reversed(range(len(heights))):
        heights[index] = ceiling = min(heights[index], ceiling)
        ceiling -= gap
    return [text(f"{r.learning_rate:.3g}", (len(r.train_loss) + 1, 10 ** height), VERDICT_COLOURS.get(r.verdict, DARK),
                 offset=(9, 0)) for (_, r), height in zip(ends, heights)]


def _loss_limits(runs) -> tuple:
    """The loss axes' (bottom, top): the curves' lowest point, and at most 3x the loss before training."""
    values = np.concatenate([run.train_loss for run in runs] + [run.val_loss for run in runs])
    values = values[np.isfinite(values) & (values > 0)]
    start = max(run.initial_loss for run in runs)
    bottom = max(values.min() * 0.7, 1e-8) if values.size else start / 10
    return float(bottom), float(max(min(3 * start, 1.5 * values.max() if values.size else 3 * start), 10 * bottom))
