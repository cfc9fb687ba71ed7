"""The learning-rate explorer: retrain a small network and compare the loss curves.

Controls: a log-scale learning-rate slider (1e-4 to 10), the number of epochs, a decay
schedule, the batch size, and a mode toggle:

- **single run**: one run at the slider's learning rate. Its training (solid) and validation
  (dashed) loss curves are drawn over faint copies of the previous few runs, each labelled with
  its learning rate; the right panel collects the final loss of every run made with the same
  settings, against its learning rate.
- **sweep**: several learning rates spread on a log scale (one per decade, 1e-4 to 10, by
  default), all from the same initial weights, side by side, plus final loss against learning
  rate. Each is labelled and coloured by the rule of ``classify_runs`` (below): blue "too
  small", green "good", vermilion "too large"; a diverged run is marked with a cross.
  The slider's own run is the black star. The sweep is trained once per setting of the other
  controls (moving the slider does not retrain it), and a rate the slider has already been at
  with the same settings is taken from there. It is not cut short: at batch size 1 it takes
  several seconds (six runs of thousands of updates each), so the readout announces it before
  it starts and counts the runs as they finish; so does a single run expected to take longer
  than half a second. The picture and the final readout follow when all is done.

Every run starts from the same initial weights (the model is built once from ``seed`` and
reset with ``set_weights``) and shuffles its mini-batches with the same seed, so two runs
differ only in what the controls say. Divergence is caught by the training loop's guard:
the DivergenceWarning is silenced here and the run is marked "diverged" in the picture and
the readout instead (no exception, no NaN warnings).

The schedules decay to about a tenth of the starting rate over the run, whatever the number
of epochs: step halves alpha every quarter of the run, exponential multiplies it by
0.1 ** (1 / epochs) each epoch, 1/t uses decay_rate = 9 / epochs.

    >>> explorer = LearningRateExplorer()            # moons, 200 points, MLP [2, 16, 1]
    >>> explorer                                     # shows the controls and the picture
    >>> explorer.snapshot()                          # the current picture as a figure
"""

from __future__ import annotations

import html
import math
import threading
import time
import warnings
from collections import deque
from dataclasses import dataclass, replace

import ipywidgets as widgets
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from ..data import make_moons, train_val_test_split
from ..network import MLP
from ..schedules import Constant, ExponentialDecay, InverseTimeDecay, StepDecay
from ..training import DivergenceWarning, History, train
from .panel import (LegendStamps, Panel, encode_png, fixed_figure, freeze_texts, legend_or_stamp, legend_slot,
                    pin_label, tick_labels_shown)

__all__ = ["LearningRateExplorer", "Run", "classify_runs", "lesson_schedule", "DEFAULT_SWEEP_RATES",
           "GOOD_FRACTION", "BOUNCE_FACTOR"]

#: one learning rate per decade over the slider's whole range
DEFAULT_SWEEP_RATES = (1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0)
MIN_RATE, MAX_RATE = 1e-4, 10.0

#: a stable run is "good" when it achieved at least this share of the best run's decrease of ln(loss)
GOOD_FRACTION = 0.8
#: a run whose final loss is more than this many times its own lowest loss went back up: "too large"
BOUNCE_FACTOR = 1.5

# Okabe-Ito colours, readable with every common colour-vision deficiency.
VERDICT_COLORS = {"too small": "#0072B2", "good": "#009E73", "too large": "#D55E00"}
VERDICT_MARKERS = {"too small": "v", "good": "o", "too large": "^"}
TRAIN_COLOR, VAL_COLOR, NEUTRAL_COLOR = "#0072B2", "#E69F00", "#555555"
DIVERGED_COLOR, START_COLOR = "#D55E00", "#999999"
HEADROOM = 1.4  # loss axes reach this factor above the highest mark, so divergence crosses sit inside
#: training expected to take longer than this (seconds) is announced in the readout before it starts
LONG_SECONDS = 0.5
#: the time estimate counts an epoch as (parameter updates + this many): the per-epoch losses and shuffle
EPOCH_OVERHEAD = 3

SCHEDULE_OPTIONS = [("constant", "constant"), ("step decay", "step"), ("exponential decay", "exponential"),
                    ("1/t decay", "inverse_time")]
# 0 stands for "full batch" (a Dropdown treats the value None as "nothing selected")
BATCH_OPTIONS = [("full batch", 0), ("32", 32), ("8", 8), ("1 (stochastic)", 1)]


def lesson_schedule(name: str, learning_rate: float, epochs: int):
    """The schedule called ``name``, tuned to decay to about a tenth of ``learning_rate`` over ``epochs``.

    constant: alpha_t = alpha_0; step: halve every ceil(epochs / 4) epochs; exponential:
    alpha_t = alpha_0 * (0.1 ** (1 / epochs)) ** t; inverse_time: alpha_t = alpha_0 / (1 + (9 / epochs) t).
    """
    if name == "constant":
        return Constant(learning_rate)
    if name == "step":
        return StepDecay(learning_rate, drop=0.5, every=max(1, math.ceil(epochs / 4)))
    if name == "exponential":
        return ExponentialDecay(learning_rate, decay_rate=0.1 ** (1.0 / epochs))
    if name == "inverse_time":
        return InverseTimeDecay(learning_rate, decay_rate=9.0 / epochs)
    raise ValueError(f"unknown schedule {name!r}; choose one of {[value for _, value in SCHEDULE_OPTIONS]}")


def _schedule_text(name: str, epochs: int) -> str:
    schedule = lesson_schedule(name, 1.0, epochs)
    if name == "constant":
        return "constant α"
    if name == "step":
        return f"step decay: α halves every {schedule.every} epochs"
    if name == "exponential":
        return f"exponential decay: α·{schedule.decay_rate:.4f}^t"
    return f"1/t decay: α / (1 + {schedule.decay_rate:.3g} t)"


def _seconds_text(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds >= 9.5 else f"{seconds:.1f} s"


def _batch_text(batch_size) -> str:
    return "full batch" if not batch_size else ("batch size 1 (stochastic)" if batch_size == 1
                                                else f"batch size {batch_size}")


@dataclass
class Run:
    """One training run: its learning rate, settings (epochs, schedule, batch size), History and time."""

    learning_rate: float
    settings: tuple
    history: History
    seconds: float
    verdict: str | None = None

    @property
    def train_loss(self) -> np.ndarray:
        return np.asarray(self.history.train_loss, dtype=np.float64)

    @property
    def val_loss(self) -> np.ndarray:
        return np.asarray(self.history.val_loss, dtype=np.float64)

    @property
    def diverged(self) -> bool:
        return bool(self.history.diverged)

    @property
    def initial_loss(self) -> float:
        return float(self.history.initial_train_loss)

    @property
    def final_train_loss(self) -> float:
        """The training loss after the last complete epoch (NaN when the first epoch diverged)."""
        return float(self.train_loss[-1]) if len(self.train_loss) else math.nan

    @property
    def final_val_loss(self) -> float:
        return float(self.val_loss[-1]) if len(self.val_loss) else math.nan

    @property
    def unstable(self) -> bool:
        """Diverged, rose above the loss before training, or ended above BOUNCE_FACTOR x its own minimum."""
        losses = self.train_loss
        if self.diverged or not len(losses):
            return True
        return bool(losses.max() > self.initial_loss or losses[-1] > BOUNCE_FACTOR * losses.min())

    def problem(self) -> str:
        """What went wrong, in words ("" for a stable run)."""
        losses = self.train_loss
        if self.diverged:
            return f"diverged in epoch {len(losses) + 1}"
        if not len(losses):
            return ""
        if losses.max() > self.initial_loss:
            return (f"the loss rose above its starting value {self.initial_loss:.3g} "
                    f"(up to {losses.max():.3g} in epoch {int(losses.argmax()) + 1})")
        if losses[-1] > BOUNCE_FACTOR * losses.min():
            return f"the loss went back up from its lowest {losses.min():.3g} to {losses[-1]:.3g}"
        return ""


def classify_runs(runs) -> list[str]:
    """Label each run of a sweep "too small", "good" or "too large". The rule:

    1. A run is **too large** if it is unstable: it diverged (the training loop's guard
       stopped it), its training loss ever rose above the loss before training, or its
       final loss is more than BOUNCE_FACTOR (1.5) times its own lowest loss.
    2. Among the stable runs, the best is the one with the lowest final training loss, and
       a stable run is **good** if it achieved at least GOOD_FRACTION (80 %) of the best run's
       decrease on the log scale of the plots: ln(L0 / L_final) >= 0.8 ln(L0 / L_best), with L0
       the loss before training (the same for every run).
    3. Every other stable run is **too small** if its learning rate is below the best run's,
       **too large** if above (it was stable but got stuck, e.g. with dead ReLU units).

    All runs must start from the same weights (then they share L0).
    """
    runs = list(runs)
    stable = [run for run in runs if not run.unstable]
    if not stable:
        return ["too large"] * len(runs)
    best = min(stable, key=lambda run: run.final_train_loss)
    initial = best.initial_loss
    best_decrease = _log_decrease(initial, best.final_train_loss)
    verdicts = []
    for run in runs:
        if run.unstable:
            verdicts.append("too large")
        elif best_decrease > 0 and _log_decrease(initial, run.final_train_loss) >= GOOD_FRACTION * best_decrease:
            verdicts.append("good")
        elif run is best:
            verdicts.append("good" if best_decrease > 0 else "too small")
        else:
            verdicts.append("too small" if run.learning_rate < best.learning_rate else "too large")
    return verdicts


def _log_decrease(initial: float, final: float) -> float:
    """ln(L0 / L): how far the loss came down, on the log scale the plots use."""
    if not (initial > 0 and final > 0):
        return math.inf if initial > 0 and final == 0 else 0.0
    return math.log(initial / final)


def _is_classification(y) -> bool:
    y = np.asarray(y)
    if y.ndim != 1:
        return False
    if y.dtype.kind in "iub":
        return True
    return y.dtype.kind == "f" and bool(np.all(np.isin(y, (0.0, 1.0))))


class LearningRateExplorer(Panel):
    """Retrain a small network at the chosen learning rate and compare the loss curves.

    Parameters
    ----------
    X, y : the training data (all of it, or only the training part when X_val, y_val are given).
        Default: the lesson's moons, 200 points, noise 0.2 (seed ``seed``).
    X_val, y_val : validation data; by default ``val_size`` of (X, y) is split off (stratified
        for class labels).
    layer_sizes : e.g. [2, 16, 1]; default [n_features, 16, n_outputs].
    hidden_activation : for the hidden layers (default "relu").
    output_activation : "auto": sigmoid for two classes (one unit), softmax for more, linear for
        real-valued y (regression); or a name.
    learning_rate, epochs, schedule, batch_size, mode : the controls' starting values
        (batch_size None = full batch; mode "single run" or "sweep").
    sweep_rates : the learning rates of the sweep, 4 to 6 of them (default one per decade, 1e-4 to 10).
    keep : how many previous runs stay on screen as faint curves.
    seed : the initial weights, the mini-batch shuffles and (by default) the data and the split.

    Attributes
    ----------
    model : the network, with the weights the current run ended with.
    initial_weights : what every run starts from.
    current : the current Run; previous_runs : the faint ones (most recent first);
    sweep_runs : the sweep's Runs with their ``verdict``; sweep_seconds : how long the sweep took.
    figure : the widget's own figure, kept from one redraw to the next; its legends, fixed texts and
        the sweep's small multiples are pasted as pixels, so use ``snapshot()`` for a picture to keep.
    redraw_seconds : how long the last picture took (updating, drawing, pasting, PNG encoding).
    """

    figsize = (11.0, 4.3)

    def __init__(self, X=None, y=None, *, X_val=None, y_val=None, layer_sizes=None, hidden_activation="relu",
                 output_activation="auto", learning_rate=0.1, epochs=150, schedule="constant", batch_size=None,
                 mode="single run", sweep_rates=DEFAULT_SWEEP_RATES, keep=3, val_size=0.3, seed=0):
        super().__init__("lr-explorer")
        # No layout engine (a layout pass would double every draw): the axes sit at fixed places,
        # so the picture never moves between redraws. Drawn with Agg at the image's own dpi.
        self.figure = fixed_figure(self.figsize, self.dpi)
        self._stamps = LegendStamps(self.figsize, self.dpi)
        self._artists = None  # what the widget's figure shows, built once per layout (see refresh)
        self._sweep_figure = None  # the small multiples' own figure, see _sweep_pixels
        self._pixels_key = None
        self._lock = threading.RLock()
        if (X is None) != (y is None):
            raise ValueError("give both X and y, or neither (for the lesson's moons)")
        if X is None:
            X, y = make_moons(200, noise=0.2, seed=seed)
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D array (m, n_features); got shape {X.shape}")
        y = np.asarray(y)
        classification = _is_classification(y)
        if (X_val is None) != (y_val is None):
            raise ValueError("give both X_val and y_val, or neither (then val_size of X is used)")
        if X_val is None and val_size:
            split = train_val_test_split(X, y, val_size=val_size, test_size=0.0, seed=seed, stratify=classification)
            X, y, X_val, y_val = split.X_train, split.y_train, split.X_val, split.y_val
        self.X_train, self.y_train = X, y
        self.validation = None if X_val is None else (np.asarray(X_val, dtype=np.float64), np.asarray(y_val))

        n_classes = int(np.max(y)) + 1 if classification else 0
        if output_activation == "auto":
            output_activation = ("softmax" if n_classes > 2 else "sigmoid") if classification else "linear"
        if layer_sizes is None:
            n_outputs = n_classes if output_activation == "softmax" else (1 if y.ndim == 1 else y.shape[1])
            layer_sizes = [X.shape[1], 16, n_outputs]
        layer_sizes = list(layer_sizes)
        if layer_sizes[0] != X.shape[1]:
            raise ValueError(f"layer_sizes starts with {layer_sizes[0]} inputs but X has {X.shape[1]} features per "
                             f"example; expected layer_sizes[0] = {X.shape[1]}")
        self.seed = seed
        self.model = MLP(layer_sizes, hidden_activation=hidden_activation, output_activation=output_activation,
                         seed=seed)
        self._sweep_model = MLP(layer_sizes, hidden_activation=hidden_activation,
                                output_activation=output_activation, seed=seed)
        self.initial_weights = self.model.get_weights()

        sweep_rates = sorted({float(rate) for rate in sweep_rates})
        if not 4 <= len(sweep_rates) <= 6 or any(not 0 < rate for rate in sweep_rates):
            raise ValueError(f"sweep_rates must be 4 to 6 different positive learning rates; got {sweep_rates}")
        self.sweep_rates = tuple(sweep_rates)
        if not MIN_RATE <= learning_rate <= MAX_RATE:
            raise ValueError(f"learning_rate must be between {MIN_RATE:g} and {MAX_RATE:g}; got {learning_rate!r}")

        # --- controls ---
        self.lr_slider = widgets.FloatLogSlider(
            value=learning_rate, base=10, min=math.log10(MIN_RATE), max=math.log10(MAX_RATE), step=0.1,
            description="learning rate", readout_format=".4g", continuous_update=False,
            style={"description_width": "initial"}, layout=widgets.Layout(width="440px"))
        self.lr_slider.add_class("lr-slider")
        self.epochs_slider = widgets.IntSlider(
            value=epochs, min=10, max=max(500, epochs), step=10, description="epochs", continuous_update=False,
            layout=widgets.Layout(width="400px"))
        batch_options = list(BATCH_OPTIONS)
        if batch_size and batch_size not in dict((v, k) for k, v in batch_options):
            batch_options.append((str(batch_size), int(batch_size)))
        self.schedule_dropdown = widgets.Dropdown(options=SCHEDULE_OPTIONS, value=schedule, description="schedule",
                                                  layout=widgets.Layout(width="260px"))
        self.batch_dropdown = widgets.Dropdown(options=batch_options, value=int(batch_size or 0),
                                               description="batch size", layout=widgets.Layout(width="260px"))
        self.mode_toggle = widgets.ToggleButtons(options=["single run", "sweep"], value=mode, description="mode",
                                                 style={"button_width": "90px"})
        self.forget_button = widgets.Button(description="forget earlier runs", layout=widgets.Layout(width="160px"))
        for control in (self.lr_slider, self.epochs_slider, self.schedule_dropdown, self.batch_dropdown,
                        self.mode_toggle):
            control.observe(self._on_change, names="value")
        self.forget_button.on_click(self._on_forget)
        self.assemble([
            widgets.HBox([self.lr_slider, self.epochs_slider]),
            widgets.HBox([self.schedule_dropdown, self.batch_dropdown, self.forget_button]),
            self.mode_toggle,
        ])

        # --- state ---
        self.keep = int(keep)
        self.current: Run | None = None
        self.previous_runs: deque = deque(maxlen=self.keep)
        self._log: dict = {}  # settings -> {learning rate: Run}, for "final loss vs learning rate"
        self.sweep_runs: list = []
        self._sweep_key = None
        self.sweep_seconds = 0.0
        self._update_seconds: dict = {}  # batch size -> seconds per parameter update, see estimate_seconds
        self.updates = 0
        self.update()

    # --- training -------------------------------------------------------------------

    def settings(self) -> tuple:
        """(epochs, schedule name, batch size or None) as the controls say."""
        return (int(self.epochs_slider.value), self.schedule_dropdown.value, self.batch_dropdown.value or None)

    def train_run(self, learning_rate: float, settings=None, model=None) -> Run:
        """Train from the initial weights at ``learning_rate`` with ``settings``; never raises on divergence."""
        epochs, schedule, batch_size = settings or self.settings()
        model = model or self.model
        model.set_weights(self.initial_weights)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DivergenceWarning)  # shown in the readout instead
            history = train(model, self.X_train, self.y_train, epochs=epochs,
                            learning_rate=lesson_schedule(schedule, learning_rate, epochs), batch_size=batch_size,
                            validation_data=self.validation, seed=self.seed, progress=False,
                            train_metrics="end_of_epoch")  # the curves of the weights themselves, batch or not
        return Run(float(learning_rate), (epochs, schedule, batch_size), history, time.perf_counter() - start)

    def sweep(self) -> list:
        """Train every sweep rate with the current settings (cached until the settings change).

        A rate the slider has already been at with these settings is not trained again: every run
        starts from the same weights with the same shuffles, so it would give the same curves. When
        the sweep is expected to take longer than LONG_SECONDS, the readout says so before it
        starts and counts the runs as they finish (the final readout replaces it)."""
        key = self.settings()
        if self._sweep_key != key:
            start = time.perf_counter()
            logged = self._log.get(key, {})
            todo = [rate for rate in self.sweep_rates if rate not in logged]
            announce = self.estimate_seconds(key, runs=len(todo)) > LONG_SECONDS
            trained = {}
            for done, rate in enumerate(todo):
                if announce:
                    left = self.estimate_seconds(key, runs=len(todo) - done)
                    progress = f": {done} of {len(todo)} done, about {_seconds_text(left)} left" if done else \
                        f", {key[0]} epochs each (about {_seconds_text(left)})"
                    self.readout.value = f"training {len(todo)} runs at {_batch_text(key[2])}{progress}..."
                trained[rate] = run = self.train_run(rate, key, self._sweep_model)
                self._note_time(run)
            # a copy of a logged run: the sweep's verdict must not stick to the slider's own run
            runs = [trained[rate] if rate in trained else replace(logged[rate], verdict=None)
                    for rate in self.sweep_rates]
            for run, verdict in zip(runs, classify_runs(runs)):
                run.verdict = verdict
            self.sweep_runs, self._sweep_key = runs, key
            self.sweep_seconds = time.perf_counter() - start
        return self.sweep_runs

    def _updates_per_epoch(self, batch_size) -> int:
        m = len(self.X_train)
        return 1 if not batch_size or batch_size >= m else math.ceil(m / batch_size)

    def _note_time(self, run) -> None:
        """Remember how long a parameter update took in ``run`` (for ``estimate_seconds``); not from
        a run that diverged: cut short, its start-up costs weigh too much."""
        epochs, batch_size = len(run.train_loss), run.settings[2]
        if not run.diverged and epochs >= 3 and run.seconds > 0:
            self._update_seconds.pop(batch_size, None)  # the most recent last
            self._update_seconds[batch_size] = run.seconds / (epochs * (self._updates_per_epoch(batch_size)
                                                                        + EPOCH_OVERHEAD))

    def estimate_seconds(self, settings=None, runs: int = 1) -> float:
        """About how long ``runs`` runs with ``settings`` will take (0.0 before any run was timed).

        From the last run with the same batch size, scaled by the number of epochs; for a new batch
        size, from the last run of any, as epochs x (parameter updates per epoch + EPOCH_OVERHEAD)."""
        epochs, _, batch_size = settings or self.settings()
        if not self._update_seconds:
            return 0.0
        per_update = self._update_seconds.get(batch_size, next(reversed(self._update_seconds.values())))
        return runs * epochs * (self._updates_per_epoch(batch_size) + EPOCH_OVERHEAD) * per_update

    # --- callbacks ------------------------------------------------------------------

    def _on_change(self, change=None) -> None:
        # one change at a time: widget messages may be handled on another thread (ipykernel 7
        # subshells) while a long sweep trains, and the figure is shared
        with self._lock:
            self.update()

    def _on_forget(self, button=None) -> None:
        with self._lock:
            self.previous_runs.clear()
            self._log = {self.current.settings: {self.current.learning_rate: self.current}}
            self.updates += 1
            self.refresh(self.readout_text())

    def update(self) -> None:
        """Retrain what the controls ask for (nothing when only the mode changed), redraw, then the readout."""
        learning_rate, settings = float(self.lr_slider.value), self.settings()
        current = self.current
        if current is None or current.learning_rate != learning_rate or current.settings != settings:
            estimate = self.estimate_seconds(settings)
            if estimate > LONG_SECONDS:  # say what is going on before the kernel is busy for a while
                self.readout.value = (f"training learning rate {learning_rate:.4g} at {_batch_text(settings[2])}, "
                                      f"{settings[0]} epochs (about {_seconds_text(estimate)})...")
            run = self.train_run(learning_rate, settings)
            self._note_time(run)
            if current is not None:
                self.previous_runs.appendleft(current)
            self.current = run
            log = self._log.setdefault(settings, {})
            log[learning_rate] = run
            if len(log) > 40:  # keep the log small: forget the oldest
                del log[next(iter(log))]
        if self.mode_toggle.value == "sweep":
            self.sweep()
        self.updates += 1
        self.refresh(self.readout_text())

    # --- text -----------------------------------------------------------------------

    def readout_text(self) -> str:
        run = self.current
        epochs, schedule, batch_size = run.settings
        parts = [f"learning rate {run.learning_rate:.4g}", _schedule_text(schedule, epochs),
                 _batch_text(batch_size), f"{epochs} epochs"]
        if run.diverged:
            result = f"<b>diverged</b>: {html.escape(run.history.message)}"
        else:
            result = f"final training loss {run.final_train_loss:.4g}"
            if self.validation is not None:
                result += f", validation loss {run.final_val_loss:.4g}"
            problem = run.problem()
            if problem:
                result += f"; <b>{html.escape(problem)}</b>: the learning rate is probably too large"
        text = " · ".join(html.escape(part) for part in parts) + f" → {result} · trained in {run.seconds:.3f} s"
        if self.mode_toggle.value == "sweep":
            groups = {verdict: [f"{r.learning_rate:g}" for r in self.sweep_runs if r.verdict == verdict]
                      for verdict in VERDICT_COLORS}
            summary = "; ".join(f"{verdict}: {', '.join(rates)}" for verdict, rates in groups.items() if rates)
            text += (f"<br>sweep of {len(self.sweep_runs)} learning rates in {self.sweep_seconds:.2f} s: "
                     f"{html.escape(summary)}")
        return f"{text} · update {self.updates}"

    # --- drawing --------------------------------------------------------------------
    #
    # The widget's figure and its artists are built once per layout ("single run" or "sweep")
    # and afterwards only updated (set_data, limits, texts, visibility): rebuilding the axes,
    # their ticks and legends at every change cost most of the redraw. Then the picture is drawn
    # and pixels are pasted over it: the legends (LegendStamps), and the texts that never change
    # (x labels, the final-loss panel's fixed tick labels, fixed titles), drawn at the layout's
    # first draw only. The sweep's small multiples live in a figure of their own, drawn once
    # per sweep and pasted behind the final-loss panel. ``draw(figure)`` (snapshots) builds the
    # same artists on a new figure, all of them drawn: real legends, the small multiples as vectors.

    def refresh(self, readout: str) -> None:
        """Update the picture (rebuilding it only when the layout changed), then (last) the readout."""
        start = time.perf_counter()
        mode = self.mode_toggle.value
        artists = self._artists
        if artists is None or artists["mode"] != mode or artists["rate_limits"] != self._rate_limits(mode):
            self.figure.clear()
            artists = self._artists = self._build(self.figure, mode, live=True)
        self._update(artists)
        canvas = self.figure.canvas
        canvas.draw()
        pixels = np.asarray(canvas.buffer_rgba()).copy()  # the canvas keeps the figure's own drawing
        if artists["frozen"] is None:  # the layout's first draw
            self._freeze(artists)
        for stamp in (*artists["legends"], *artists["frozen"]):
            stamp.paste(pixels)
        if mode == "sweep":
            self._paste_sweep_pixels(pixels)
        self.image.value = encode_png(pixels)
        self.redraw_seconds = time.perf_counter() - start
        self.readout.value = readout

    def _freeze(self, artists) -> None:
        """After the layout's first draw: pin the x labels, and keep the texts that never change as
        pixels (drawing text is the slowest part of a redraw), hidden in the figure from now on."""
        right = artists["ax2"]
        for ax in self.figure.axes:  # x tick labels never change height
            pin_label(ax.xaxis)
        static = [[right.xaxis.label], tick_labels_shown(right.xaxis)]  # fixed: the rate axis never moves
        if artists["mode"] == "sweep":
            static.append([artists["note"]])
        else:
            static += [[artists["ax"].xaxis.label], [right.title]]
        artists["frozen"] = freeze_texts(self.figure, static)
        for texts in static:
            for text in texts:
                text.set_visible(False)
        right.tick_params(axis="x", labelbottom=False)

    def _rate_limits(self, mode) -> tuple:
        """The final-loss panel's learning-rate axis: the slider's range and every rate shown, with room."""
        if mode == "sweep":
            rates = self.sweep_rates
        else:
            rates = list(self._log.get(self.current.settings, {})) if self.current is not None else []
        return (min([MIN_RATE, *rates]) / 2, max([MAX_RATE, *rates]) * 2)

    def draw(self, figure) -> None:
        """The current picture on ``figure`` (a snapshot): built from scratch, every artist a vector."""
        figure.set_layout_engine("none")  # fixed places: the same picture as the widget's
        self._update(self._build(figure, self.mode_toggle.value, live=False))

    def _build(self, figure, mode, live):
        artists = {"mode": mode, "figure": figure, "stamps": self._stamps if live else None, "legends": [],
                   "frozen": None, "rate_limits": self._rate_limits(mode)}
        if mode == "sweep":
            outer = self._sweep_grid(figure)
            if not live:  # the widget pastes the small multiples' pixels instead
                artists["small"] = self._build_sweep_curves(figure, outer)
            artists["note"] = figure.text(0.5, 0.012, self._sweep_note(), ha="center", va="bottom", fontsize=7.5,
                                          color="#333333")
            ax = figure.add_subplot(outer[1])
            artists["ax2"] = ax
            artists["final"] = self._build_final_losses(ax, artists)
            return artists
        grid = figure.add_gridspec(1, 2, width_ratios=[1.7, 1.0], left=0.06, right=0.985, bottom=0.12, top=0.88,
                                   wspace=0.16)
        ax = figure.add_subplot(grid[0])
        artists["ax"] = ax
        # the faint earlier runs, the oldest first (underneath), then their labels, then the current run
        artists["earlier"] = [(age, self._build_curves(ax, TRAIN_COLOR, VAL_COLOR, max(0.5 - 0.12 * age, 0.15), 1.3,
                                                       f"earlier{age}")) for age in range(self.keep, 0, -1)]
        artists["rate_labels"] = [ax.text(0, 1, "", fontsize=8, color=NEUTRAL_COLOR, va="center", clip_on=False,
                                          visible=False) for _ in range(self.keep)]
        artists["current"] = self._build_curves(ax, TRAIN_COLOR, VAL_COLOR, 1.0, 2.0, "current")
        artists["start"] = ax.axhline(1.0, color=START_COLOR, linestyle=":", linewidth=1)
        _log_scale(ax.yaxis, 0.1, 1.0)
        ax.xaxis.set_major_locator(MaxNLocator(6, integer=True))
        ax.set_title("", fontsize=10, y=1.0)  # an explicit y: no search for overlapping tick labels at every draw
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss (log scale)")
        ax.grid(True, alpha=0.25)
        artists["legend"] = legend_slot(artists)
        ax2 = figure.add_subplot(grid[1])
        artists["ax2"] = ax2
        artists["final"] = self._build_final_losses(ax2, artists)
        ax2.set_title("final loss vs learning rate, all your runs\n(these settings; coloured once there are 3)",
                      fontsize=9, y=1.0)
        return artists

    def _update(self, artists) -> None:
        if artists["mode"] == "sweep":
            self._update_sweep(artists)
        else:
            self._update_single(artists)

    def _loss_limits(self, runs):
        """(bottom, top) for log-scale loss axes: every curve's low points, and the top cut at
        3x the loss before training (curves that climb higher leave the picture, which is the point)."""
        values = [values for run in runs for values in (run.train_loss, run.val_loss) if len(values)]
        finite = np.concatenate(values) if values else np.array([1.0])
        finite = finite[np.isfinite(finite) & (finite > 0)]
        start = max(run.initial_loss for run in runs)
        bottom = max(float(finite.min()) * 0.7 if finite.size else start / 10, 1e-8)
        top = max(3.0 * start, bottom * 10)
        if finite.size and finite.max() < top:
            top = max(float(finite.max()) * 1.5, bottom * 10)
        return bottom, top

    @staticmethod
    def _build_curves(ax, color_train, color_val, alpha, width, gid):
        """A run's training (solid) and validation (dashed) loss and a cross where it diverged, empty
        for now. ``gid`` names the lines ("<gid>-train", "<gid>-val", "<gid>-diverged") for tests."""
        (train,) = ax.plot([], [], color=color_train, alpha=alpha, linewidth=width, gid=f"{gid}-train")
        (val,) = ax.plot([], [], color=color_val, alpha=alpha, linewidth=width, linestyle="--", gid=f"{gid}-val")
        (cross,) = ax.plot([], [], marker="X", markersize=11 if alpha == 1 else 8, color=DIVERGED_COLOR,
                           alpha=max(alpha, 0.5), clip_on=False, zorder=5, linestyle="none", gid=f"{gid}-diverged")
        return train, val, cross

    @staticmethod
    def _set_curves(curves, run, top, color=None) -> None:
        """Show ``run`` in the lines of ``_build_curves`` (hide them for None)."""
        train, val, cross = curves
        if run is None:
            for line in curves:
                line.set_visible(False)
            return
        epochs = np.arange(1, len(run.train_loss) + 1)
        train.set_data(epochs, run.train_loss)
        train.set_visible(True)
        val.set_data(epochs, run.val_loss)
        val.set_visible(len(run.val_loss) > 0)
        cross.set_data([len(epochs) + 1], [top])
        cross.set_visible(run.diverged)
        if color is not None:
            train.set_color(color)
            val.set_color(color)

    def _update_single(self, artists) -> None:
        ax = artists["ax"]
        runs = [self.current, *self.previous_runs]
        bottom, top = self._loss_limits(runs)
        epochs, schedule, batch_size = self.current.settings
        longest = max(len(run.train_loss) for run in runs) or 1
        for age, curves in artists["earlier"]:
            self._set_curves(curves, self.previous_runs[age - 1] if age <= len(self.previous_runs) else None, top)
        # each earlier run's learning rate at the end of its training curve, nudged apart so none overlap
        ends = sorted((float(np.clip(run.train_loss[-1], bottom, top)), len(run.train_loss), run.learning_rate)
                      for run in self.previous_runs if len(run.train_loss))
        span = math.log(top / bottom)
        heights = _spread([math.log(loss / bottom) / span for loss, _, _ in ends], gap=0.065, top=1.0)
        labels = artists["rate_labels"]
        for index, text in enumerate(labels):
            if index < len(ends):
                (_, epoch, rate), height = ends[index], heights[index]
                text.set_text(f"{rate:.3g}")
                text.set_position((epoch + 1, bottom * math.exp(height * span)))
                text.set_visible(True)
            else:
                text.set_text("")
                text.set_visible(False)
        self._set_curves(artists["current"], self.current, top)
        artists["start"].set_ydata([self.current.initial_loss] * 2)
        _set_log_limits(ax.yaxis, bottom, top * HEADROOM)
        ax.set_xlim(0, max(longest, epochs) * 1.08 + 1)
        title = f"learning rate {self.current.learning_rate:.4g}: {_schedule_text(schedule, epochs)}, " \
                f"{_batch_text(batch_size)}"
        if self.current.diverged:
            title += " (DIVERGED)"
        elif self.current.unstable:
            title += " (unstable: too large)"
        ax.title.set_text(title)
        ax.title.set_color(DIVERGED_COLOR if self.current.unstable else "black")
        handles = [Line2D([], [], color=TRAIN_COLOR, linewidth=2, label="training loss")]
        if self.validation is not None:
            handles.append(Line2D([], [], color=VAL_COLOR, linewidth=2, linestyle="--", label="validation loss"))
        if self.previous_runs:
            handles.append(Line2D([], [], color=TRAIN_COLOR, alpha=0.3, linewidth=1.3,
                                  label="earlier runs, labelled by learning rate"))
        handles.append(Line2D([], [], color=START_COLOR, linestyle=":", label="loss before training"))
        if any(run.diverged for run in runs):
            handles.append(Line2D([], [], color=DIVERGED_COLOR, marker="X", linestyle="none", markersize=9,
                                  label="diverged (training stopped)"))
        legend_or_stamp(artists["stamps"], artists["legend"], ax, handles, fontsize=8, loc="upper right",
                        framealpha=0.9)

        # right: final loss vs learning rate, every run made with these settings
        logged = sorted(self._log.get(self.current.settings, {}).values(), key=lambda run: run.learning_rate)
        verdicts = classify_runs(logged) if len(logged) >= 3 else [None] * len(logged)
        self._update_final_losses(artists, logged, verdicts, top)

    def _build_final_losses(self, ax, artists):
        """The final-loss panel's artists, empty for now: one line per group of markers."""
        final = {}
        (final["path"],) = ax.plot([], [], color="#bbbbbb", linewidth=1, zorder=1)
        final["groups"] = {}
        for verdict in (None, *VERDICT_COLORS):  # one artist per group: fewer artists draw faster
            color = VERDICT_COLORS.get(verdict, NEUTRAL_COLOR)
            (train,) = ax.plot([], [], linestyle="none", marker=VERDICT_MARKERS.get(verdict, "o"), markersize=8,
                               color=color, zorder=3, clip_on=False, gid=f"final-{verdict or 'run'}")
            (val,) = ax.plot([], [], linestyle="none", marker="o", markersize=6, markerfacecolor="none",
                             markeredgecolor=color, zorder=2, clip_on=False)
            final["groups"][verdict] = (train, val)
        (final["diverged"],) = ax.plot([], [], marker="X", markersize=12, color=DIVERGED_COLOR, clip_on=False,
                                       linestyle="none", zorder=4, gid="final-diverged")
        (final["star"],) = ax.plot([], [], marker="*", markersize=16, color="black", markerfacecolor="none",
                                   markeredgewidth=1.3, linestyle="none", zorder=5, clip_on=False)
        final["start"] = ax.axhline(1.0, color=START_COLOR, linestyle=":", linewidth=1)
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0,)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.xaxis.set_minor_locator(NullLocator())
        _log_scale(ax.yaxis, 0.1, 1.0)
        ax.set_xlabel("learning rate α (log scale)")
        ax.set_ylabel("final loss (log scale)")
        ax.grid(True, alpha=0.25)
        final["legend"] = legend_slot(artists)
        return final

    def _update_final_losses(self, artists, runs, verdicts, top) -> None:
        """Final training loss (filled) and validation loss (hollow) against the learning rate."""
        ax, final = artists["ax2"], artists["final"]
        finals = [(run.learning_rate, run.final_train_loss) for run in runs if not run.diverged]
        rates, losses = zip(*finals) if finals else ((), ())
        final["path"].set_data(rates, np.minimum(losses, top) if finals else [])
        final["path"].set_visible(bool(finals))
        for verdict, (train, val) in final["groups"].items():
            stable = [run for run, v in zip(runs, verdicts) if v == verdict and not run.diverged]
            group_rates = [run.learning_rate for run in stable]
            train.set_data(group_rates, [min(run.final_train_loss, top) for run in stable])
            train.set_visible(bool(stable))
            val.set_data(group_rates, [min(run.final_val_loss, top) for run in stable])
            val.set_visible(bool(stable) and self.validation is not None)
        diverged = [run.learning_rate for run in runs if run.diverged]
        final["diverged"].set_data(diverged, [top] * len(diverged))
        final["diverged"].set_visible(bool(diverged))
        current = self.current
        final["star"].set_data([current.learning_rate], [top if current.diverged else min(current.final_train_loss,
                                                                                           top)])
        final["start"].set_ydata([current.initial_loss] * 2)
        ax.set_xlim(*artists["rate_limits"])
        bottom = min([loss for _, loss in finals] + [current.initial_loss]) * 0.6
        _set_log_limits(ax.yaxis, max(bottom, 1e-8), top * HEADROOM)
        handles = [Line2D([], [], color=VERDICT_COLORS[v], marker=VERDICT_MARKERS[v], linestyle="none", label=v)
                   for v in VERDICT_COLORS if v in verdicts]
        if diverged:
            handles.append(Line2D([], [], color=DIVERGED_COLOR, marker="X", linestyle="none", label="diverged"))
        if self.validation is not None:
            handles.append(Line2D([], [], color=NEUTRAL_COLOR, marker="o", markerfacecolor="none", linestyle="none",
                                  label="validation"))
        handles.append(Line2D([], [], color="black", marker="*", markerfacecolor="none", markersize=11,
                              linestyle="none", label=f"slider {current.learning_rate:.3g}"))
        legend_or_stamp(artists["stamps"], final["legend"], ax, handles, fontsize=7.5, loc="upper left", ncol=2,
                        framealpha=0.9, handletextpad=0.3, columnspacing=0.8)

    def _sweep_grid(self, figure):
        return figure.add_gridspec(1, 2, width_ratios=[1.55, 1.0], left=0.06, right=0.985, bottom=0.17, top=0.9,
                                   wspace=0.16)

    @staticmethod
    def _sweep_note() -> str:
        # two explicit lines: wrap=True would measure every word at every draw
        return (f"Left: training (solid) and validation (dashed) loss; dotted: the loss before training. Rule: too "
                f"large = diverged (✕), rose above its start, or ended >{BOUNCE_FACTOR:g}x its lowest loss;\n"
                f"good = at least {GOOD_FRACTION:.0%} of the best stable run's decrease of log(loss); the other "
                f"stable runs are too small (left of the best) or too large (right of it).")

    def _update_sweep(self, artists) -> None:
        runs = self.sweep_runs
        bottom, top = self._loss_limits(runs)
        if "small" in artists:  # a snapshot: the small multiples are its own axes
            self._update_sweep_curves(artists["small"], runs, bottom, top)
        self._update_final_losses(artists, runs, [run.verdict for run in runs], top)
        epochs, schedule, batch_size = runs[0].settings
        artists["ax2"].set_title(f"sweep: {len(runs)} learning rates, same initial weights\n"
                                 f"{_schedule_text(schedule, epochs)}, {_batch_text(batch_size)}, {epochs} epochs",
                                 fontsize=9, y=1.0)

    def _sweep_pixels(self) -> np.ndarray:
        """The sweep's small multiples: RGBA pixels of the left part of the figure. They change only
        with the sweep, not with the slider: drawn once per sweep, in a figure of their own whose
        artists are kept and updated from one sweep to the next."""
        if self._sweep_figure is None:
            figure = fixed_figure(self.figsize, self.dpi)
            self._sweep_figure = (figure, self._build_sweep_curves(figure, self._sweep_grid(figure)), [])
        figure, small, frozen = self._sweep_figure
        if self._pixels_key != self._sweep_key:
            self._update_sweep_curves(small, self.sweep_runs, *self._loss_limits(self.sweep_runs))
            figure.canvas.draw()
            if not frozen:  # the first draw: pin the labels that never move, keep the "epoch" labels as pixels
                for ax, _, _ in small:
                    pin_label(ax.xaxis)  # x tick labels never change height
                    if not ax.yaxis.label.get_text():
                        pin_label(ax.yaxis)  # no label to place
                epoch_labels = [[ax.xaxis.label] for ax, _, _ in small if ax.xaxis.label.get_text()]
                frozen += freeze_texts(figure, epoch_labels)
                for (label,) in epoch_labels:
                    label.set_visible(False)
            pixels = np.asarray(figure.canvas.buffer_rgba()).copy()
            for stamp in frozen:
                stamp.paste(pixels)
            # up to a fifth into the gap before the final-loss panel (only white is pasted beyond the
            # small multiples' tick labels: the paste is under the live drawing anyway)
            outer = self._sweep_grid(figure)
            left, right = outer[0].get_position(figure).x1, outer[1].get_position(figure).x0
            self._pixels = pixels[:, :int((left + 0.2 * (right - left)) * pixels.shape[1])].copy()
            self._pixels_key = self._sweep_key
        return self._pixels

    def _paste_sweep_pixels(self, pixels) -> None:
        """The small multiples behind everything else: pasted only where the picture is still the
        white background (a long label of the final-loss panel stays on top, as if they were drawn first)."""
        small = self._sweep_pixels()
        region = pixels[:, :small.shape[1]]
        np.copyto(region, small, where=(region == 255).all(axis=2, keepdims=True))

    def _build_sweep_curves(self, figure, outer):
        """One small panel per sweep rate (empty for now): training (solid) and validation (dashed) loss."""
        n = len(self.sweep_rates)
        n_columns = math.ceil(n / 2)
        inner = outer[0].subgridspec(2, n_columns, hspace=0.42, wspace=0.06)
        panels = []
        for index in range(n):
            row, column = divmod(index, n_columns)
            ax = figure.add_subplot(inner[row, column])
            curves = self._build_curves(ax, NEUTRAL_COLOR, NEUTRAL_COLOR, 1.0, 1.6, f"sweep{index}")
            start = ax.axhline(1.0, color=START_COLOR, linestyle=":", linewidth=1)
            _log_scale(ax.yaxis, 0.1, 1.0)
            ax.xaxis.set_major_locator(MaxNLocator(3, integer=True))
            ax.set_title("", fontsize=9, y=1.0)
            ax.tick_params(labelsize=7.5)
            if column:
                ax.tick_params(labelleft=False)
            else:
                ax.set_ylabel("loss (log)", fontsize=8)
            if row == 0 and index + n_columns < n:
                ax.tick_params(labelbottom=False)
            else:
                ax.set_xlabel("epoch", fontsize=8)
            ax.grid(True, alpha=0.25)
            panels.append((ax, curves, start))
        return panels

    def _update_sweep_curves(self, panels, runs, bottom, top) -> None:
        epochs = runs[0].settings[0]
        for (ax, curves, start), run in zip(panels, runs):
            color = VERDICT_COLORS[run.verdict]
            self._set_curves(curves, run, top, color=color)
            start.set_ydata([run.initial_loss] * 2)
            _set_log_limits(ax.yaxis, bottom, top * HEADROOM)
            ax.set_xlim(0, epochs * 1.08 + 1)
            label = "DIVERGED" if run.diverged else run.verdict
            ax.title.set_text(f"α = {run.learning_rate:g}: {label}")
            ax.title.set_color(color)
            ax.title.set_fontweight("normal" if run.verdict == "good" else "bold")
            for spine in ax.spines.values():  # the good runs framed in their colour
                spine.set_color(color if run.verdict == "good" else "black")
                spine.set_linewidth(1.8 if run.verdict == "good" else 0.8)


def _spread(heights, gap, top):
    """Label heights (sorted ascending, in axes fractions) moved apart by at least ``gap``, none above ``top``."""
    placed = []
    for height in heights:
        placed.append(max(height, placed[-1] + gap) if placed else height)
    for index in range(len(placed) - 1, -1, -1):  # then push down from the top where needed
        ceiling = top if index == len(placed) - 1 else placed[index + 1] - gap
        placed[index] = min(placed[index], ceiling)
    return placed


def _log_scale(axis, bottom, top) -> None:
    """A log-scale axis with plain tick labels (0.2, 0.5, 1, 2): no mathtext, which is slow to render."""
    axis.axes.set_yscale("log") if axis.axis_name == "y" else axis.axes.set_xscale("log")
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.3g}"))
    axis.set_minor_locator(NullLocator())
    _set_log_limits(axis, bottom, top)


def _set_log_limits(axis, bottom, top) -> None:
    """New limits for an axis made by ``_log_scale``, with ticks at 1, 2, 5 (or 1, 3, or 1) per decade."""
    (axis.axes.set_ylim if axis.axis_name == "y" else axis.axes.set_xlim)(bottom, top)
    decades = math.log10(top / bottom)
    subs = (1.0, 2.0, 5.0) if decades < 1.6 else ((1.0, 3.0) if decades < 3 else (1.0,))
    axis.set_major_locator(LogLocator(base=10, subs=subs, numticks=8))
