"""The Playground: TensorFlow Playground in a notebook, on the course's own ``mlp.MLP``.

Pick a data set, its noise and how much of it is held out for validation, the network
(hidden layers, units per layer, activation), the learning rate and the batch size; then
Play, Pause, Step (exactly one epoch) or Reset (back to the initial weights, epoch 0).
The picture shows the decision boundary as a heatmap with the training points (circles)
and the validation points (triangles), and the training and validation loss curves.

As in TensorFlow Playground, the learning rate changes live: it is read at the start of
every epoch, also while playing. Every other setting rebuilds the data and the network
(same seeds, so the same choice always gives the same start) and resets to epoch 0.

    >>> from mlp.widgets.playground import Playground
    >>> playground = Playground(dataset="circles")
    >>> playground            # the panel (on a static page, its picture); playground.snapshot() is a figure

Play runs as an asyncio task in the kernel's event loop: it trains one epoch at a time
and yields between epochs, so Pause (and the learning-rate slider) are handled while it
trains. ``step()`` is the synchronous equivalent of the Step button.

The network sees standardised inputs (mean 0 and standard deviation 1 on the training
set, ``mlp.data.Standardizer``); the picture is in the data's own coordinates.
"""

from __future__ import annotations

import asyncio
import io
import threading
import time
import warnings

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from ..data import Standardizer, make_dataset, train_val_test_split
from ..network import MLP
from ..optimizers import GradientDescent
from ..rng import make_rng
from ..schedules import Constant
from ..training import DivergenceWarning
from .panel import Panel

__all__ = ["Playground", "DATASETS", "ACTIVATIONS", "BATCH_SIZES"]

#: the data sets offered, in the order of the menu
DATASETS = ("xor", "circles", "moons", "spirals", "blobs")
#: hidden-layer activations offered (TensorFlow Playground's four, plus leaky ReLU)
ACTIVATIONS = ("tanh", "relu", "leaky_relu", "sigmoid", "linear")
#: batch sizes offered; 0 means the whole training set (batch gradient descent)
BATCH_SIZES = (("1 (SGD)", 1), ("4", 4), ("8", 8), ("16", 16), ("32", 32), ("64", 64), ("full batch", 0))

_GRID = 60  # decision-boundary grid points per axis
_SHADE = 0.6  # how strongly a confident prediction colours the background (0 = white)
# Axes positions in figure fractions for the 10 x 4 inch figure: a square map, the loss curves.
_MAP_RECT = (0.075, 0.12, 0.31, 0.7875)
_LOSS_RECT = (0.48, 0.12, 0.505, 0.7875)


def _class_colors(n_classes: int) -> np.ndarray:
    """(n_classes, 3) RGB: red and blue (the ends of "RdBu", as mlp.plotting) for 2, else "tab10"."""
    if n_classes == 2:
        cmap = matplotlib.colormaps["RdBu"]
        return np.array([cmap(0.1)[:3], cmap(0.9)[:3]])
    cmap = matplotlib.colormaps["tab10"]
    return np.array([cmap(k % cmap.N)[:3] for k in range(n_classes)])


_PLAIN = FuncFormatter(lambda value, _: f"{value:g}")


def _no_layout_engine(figure: Figure) -> None:
    """Fixed axes positions: no layout engine, so savefig draws once, and nothing ever moves."""
    figure.set_layout_engine(None)  # None, not "none": "none" keeps a placeholder that still costs a layout draw
    if figure.get_layout_engine() is not None:  # rcParams ask for one
        figure.set_layout_engine("none")


def _blob_spread(noise: float) -> float:
    """The blobs' cluster_std for a noise setting: 0.5 (tight) at noise 0, 2.5 at noise 0.5."""
    return 0.5 + 4.0 * noise


class Playground(Panel):
    """TensorFlow Playground for ``mlp.MLP``: train a small network on a 2-D data set and watch it.

    Parameters
    ----------
    dataset : "xor", "circles", "moons", "spirals" or "blobs".
    noise : the data's noise, 0 to 0.5 (the standard deviation of the jitter; for blobs the
        cluster spread cluster_std = 0.5 + 4 * noise).
    validation_fraction : the share of the points held out for validation, 0.1 to 0.5.
    hidden_layers : number of hidden layers, 0 (logistic / softmax regression) to 4.
    units : units in every hidden layer, 1 to 16.
    activation : the hidden layers' activation, one of ACTIVATIONS.
    learning_rate : 1e-4 to 10 (log slider); changes live, also while playing.
    batch_size : 1, 4, 8, 16, 32, 64, or 0 / None for the full training set.
    classes : the number of classes for blobs (2 to 5); the other data sets have 2.
        Two classes get one sigmoid output unit, three or more a softmax layer.
    n_samples : points in the data set (training + validation).
    seed : every random thing (data, split, initial weights, shuffling) derives from it.
    frame_seconds : while playing, the picture is redrawn about this often.
    max_epochs_per_frame : while playing, at most this many epochs between two redraws.

    Attributes
    ----------
    model, optimizer : the ``mlp.MLP`` being trained and its ``GradientDescent``.
    epoch : epochs trained since the last reset; ``train_loss``, ``val_loss`` : per epoch,
        index 0 is the loss of the initial weights.
    initial_weights : the weights at epoch 0 (Reset restores them).
    diverged, message : set when training diverged (then play stops; the message is in the readout).
    """

    figsize = (10.0, 4.0)
    dpi = 80

    def __init__(self, dataset: str = "circles", noise: float = 0.1, validation_fraction: float = 0.3,
                 hidden_layers: int = 2, units: int = 6, activation: str = "tanh", learning_rate: float = 0.1,
                 batch_size: int | None = 16, classes: int = 3, n_samples: int = 200, seed: int = 0,
                 frame_seconds: float = 0.15, max_epochs_per_frame: int = 10):
        super().__init__("playground")
        if dataset not in DATASETS:
            raise ValueError(f"dataset must be one of {', '.join(DATASETS)}; got {dataset!r}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")
        batch_values = [value for _, value in BATCH_SIZES]
        batch_size = 0 if batch_size is None else int(batch_size)
        if batch_size not in batch_values:
            raise ValueError(f"batch_size must be one of {batch_values[:-1]} or None (full batch); got {batch_size!r}")
        self.n_samples = int(n_samples)
        self.seed = int(seed)
        self.frame_seconds = float(frame_seconds)
        self.max_epochs_per_frame = int(max_epochs_per_frame)

        style = {"description_width": "initial"}
        self.dataset_menu = widgets.Dropdown(options=list(DATASETS), value=dataset, description="data",
                                             style=style, layout=widgets.Layout(width="150px"))
        self.classes_slider = widgets.IntSlider(value=int(classes), min=2, max=5, description="classes",
                                                continuous_update=False, style=style,
                                                layout=widgets.Layout(width="190px"))
        self.noise_slider = widgets.FloatSlider(value=float(noise), min=0.0, max=0.5, step=0.05, description="noise",
                                                readout_format=".2f", continuous_update=False, style=style,
                                                layout=widgets.Layout(width="210px"))
        self.validation_slider = widgets.FloatSlider(value=float(validation_fraction), min=0.1, max=0.5, step=0.05,
                                                     description="validation share", readout_format=".0%",
                                                     continuous_update=False, style=style,
                                                     layout=widgets.Layout(width="260px"))
        self.layers_slider = widgets.IntSlider(value=int(hidden_layers), min=0, max=4, description="hidden layers",
                                               continuous_update=False, style=style,
                                               layout=widgets.Layout(width="230px"))
        self.units_slider = widgets.IntSlider(value=int(units), min=1, max=16, description="units per layer",
                                              continuous_update=False, style=style,
                                              layout=widgets.Layout(width="250px"))
        self.activation_menu = widgets.Dropdown(options=list(ACTIVATIONS), value=activation, description="activation",
                                                style=style, layout=widgets.Layout(width="190px"))
        self.batch_menu = widgets.Dropdown(options=list(BATCH_SIZES), value=batch_size, description="batch size",
                                           style=style, layout=widgets.Layout(width="180px"))
        self.learning_rate_slider = widgets.FloatLogSlider(value=float(learning_rate), base=10, min=-4, max=1,
                                                           step=0.1, description="learning rate",
                                                           readout_format=".4g", continuous_update=False,
                                                           style=style, layout=widgets.Layout(width="330px"))
        self.play_button = widgets.Button(description="Play", icon="play", tooltip="train continuously",
                                          layout=widgets.Layout(width="80px"))
        self.pause_button = widgets.Button(description="Pause", icon="pause", tooltip="stop after this epoch",
                                           disabled=True, layout=widgets.Layout(width="85px"))
        self.step_button = widgets.Button(description="Step", icon="step-forward", tooltip="train one epoch",
                                          layout=widgets.Layout(width="80px"))
        self.reset_button = widgets.Button(description="Reset", icon="undo",
                                           tooltip="back to the initial weights, epoch 0",
                                           layout=widgets.Layout(width="85px"))
        for button, name in ((self.play_button, "play"), (self.pause_button, "pause"),
                             (self.step_button, "step"), (self.reset_button, "reset")):
            button.add_class(f"playground-{name}")
        self.epoch_label = widgets.Label(value="epoch 0", layout=widgets.Layout(width="110px"))
        self.epoch_label.add_class("playground-epoch")

        self.play_button.on_click(lambda _: self.play())
        self.pause_button.on_click(lambda _: self.pause())
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        for control in (self.dataset_menu, self.classes_slider, self.noise_slider, self.validation_slider,
                        self.layers_slider, self.units_slider, self.activation_menu, self.batch_menu):
            control.observe(self._on_setting, names="value")
        self.learning_rate_slider.observe(self._on_learning_rate, names="value")

        row = widgets.Layout(flex_flow="row wrap", align_items="center")
        self.assemble([
            widgets.HBox([self.dataset_menu, self.classes_slider, self.noise_slider, self.validation_slider],
                         layout=row),
            widgets.HBox([self.layers_slider, self.units_slider, self.activation_menu, self.batch_menu], layout=row),
            widgets.HBox([self.learning_rate_slider, self.play_button, self.pause_button, self.step_button,
                          self.reset_button, self.epoch_label], layout=row),
        ])

        self._task: asyncio.Task | None = None
        # Training and drawing hold this lock: widget messages may be handled on another thread
        # (ipykernel 7 subshells) than the one whose event loop runs the Play task.
        self._lock = threading.RLock()
        self.playing = False
        self._artists = None  # what draw() made on self.figure, for the fast update while playing
        with self._lock:
            self._build()
            self.refresh(self._readout())

    # --- settings ------------------------------------------------------------------------

    @property
    def learning_rate(self) -> float:
        """The learning rate requested by the slider (used from the next epoch on)."""
        return float(self.learning_rate_slider.value)

    @property
    def batch_size(self) -> int | None:
        """The batch size, None for the full training set."""
        return self.batch_menu.value or None

    @property
    def n_classes(self) -> int:
        return self.classes_slider.value if self.dataset_menu.value == "blobs" else 2

    def _on_setting(self, change) -> None:
        self._stop()
        with self._lock:
            self._build()
            self.refresh(self._readout())

    def _on_learning_rate(self, change) -> None:
        # Nothing to rebuild: the training reads the slider at the next epoch boundary (live,
        # also while playing). The picture does not depend on it; the readout shows it.
        if not self.playing:
            self.readout.value = self._readout()

    # --- building the data and the model ---------------------------------------------------

    def _build(self) -> None:
        """New data, split and network from the current settings (fixed seeds); epoch 0."""
        self._stop()
        name, noise = self.dataset_menu.value, float(self.noise_slider.value)
        self.classes_slider.disabled = name != "blobs"
        self.units_slider.disabled = self.layers_slider.value == 0
        options = {"centers": self.classes_slider.value} if name == "blobs" else {}
        if name == "blobs":
            noise = _blob_spread(noise)
        X, y = make_dataset(name, self.n_samples, noise=noise, seed=self.seed, **options)
        splits = train_val_test_split(X, y, val_size=float(self.validation_slider.value), test_size=0.0,
                                      seed=self.seed + 1)
        self.X_train, self.y_train, self.X_val, self.y_val = splits[:4]
        self.scaler = Standardizer().fit(self.X_train)
        self._Xs_train = self.scaler.transform(self.X_train)
        self._Xs_val = self.scaler.transform(self.X_val)

        n_classes = self.n_classes
        hidden = [self.units_slider.value] * self.layers_slider.value
        output = (1, "sigmoid") if n_classes == 2 else (n_classes, "softmax")
        self.model = MLP([2, *hidden, output[0]], hidden_activation=self.activation_menu.value,
                         output_activation=output[1], seed=self.seed + 2)
        self.initial_weights = self.model.get_weights()

        # The decision-boundary grid: a square around all points, in the data's coordinates.
        shown = np.vstack([self.X_train, self.X_val])
        low, high = shown.min(axis=0), shown.max(axis=0)
        center, half = (low + high) / 2, (high - low).max() / 2 * 1.15 + 0.1
        self.extent = (center[0] - half, center[0] + half, center[1] - half, center[1] + half)
        g0 = np.linspace(self.extent[0], self.extent[1], _GRID)
        g1 = np.linspace(self.extent[2], self.extent[3], _GRID)
        grid = np.column_stack([np.tile(g0, _GRID), np.repeat(g1, _GRID)])  # row-major: x1 varies fastest
        self._grid_scaled = self.scaler.transform(grid)
        self._colors = _class_colors(n_classes)
        self._restart()

    def _restart(self) -> None:
        """Initial weights, a fresh optimiser and shuffle, empty curves: epoch 0."""
        self.model.set_weights(self.initial_weights)
        self.optimizer = GradientDescent(self.learning_rate)
        self._shuffle_rng = make_rng(self.seed + 3)
        self.epoch = 0
        self.diverged = False
        self.message = ""
        self.epoch_learning_rates = []
        self.train_loss, self.val_loss, self.train_accuracy, self.val_accuracy = [], [], [], []
        with np.errstate(all="ignore"):
            self._record_initial()
        self.epoch_label.value = "epoch 0"

    def _record_initial(self) -> None:
        """The losses and accuracies of the initial weights: the curves' epoch 0."""
        for X, y, losses, accuracies in ((self._Xs_train, self.y_train, self.train_loss, self.train_accuracy),
                                         (self._Xs_val, self.y_val, self.val_loss, self.val_accuracy)):
            losses.append(float(self.model.loss_value(X, y)))
            accuracies.append(self.model.accuracy(X, y))

    # --- training --------------------------------------------------------------------------

    def _train_epoch(self) -> bool:
        """Train exactly one epoch with the slider's current learning rate; False if it diverged."""
        if self.diverged:  # continue from the weights before the divergence (maybe with a smaller rate)
            self.diverged, self.message = False, ""
        rate = self.learning_rate  # read at the step boundary: the live learning rate
        self.optimizer.schedule = Constant(rate)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DivergenceWarning)  # reported in the readout instead
            history = self.model.fit(self._Xs_train, self.y_train, epochs=1, optimizer=self.optimizer,
                                     batch_size=self.batch_size, validation_data=(self._Xs_val, self.y_val),
                                     seed=self._shuffle_rng, progress=False,
                                     train_metrics="end_of_epoch",  # the loss of the weights in the picture
                                     first_epoch=self.epoch + 1, reference_loss=self.train_loss[0])
        if history.diverged:  # fit kept the weights of the last good epoch
            self.diverged = True
            self.message = f"{history.message} Lower the learning rate and Play or Step on, or Reset."
            return False
        loss = history.train_loss[0]
        self.epoch += 1
        self.epoch_learning_rates.append(rate)
        self.train_loss.append(float(loss))
        self.val_loss.append(float(history.val_loss[0]))
        self.train_accuracy.append(history.train_accuracy[0])
        self.val_accuracy.append(history.val_accuracy[0])
        return True

    def step(self, epochs: int = 1) -> None:
        """Train exactly ``epochs`` epochs (Step button: one), then redraw. Stops playing first."""
        self._stop()
        with self._lock:
            for _ in range(int(epochs)):
                if not self._train_epoch():
                    break
            self._show()

    def reset(self) -> None:
        """Back to the initial weights (bit for bit), epoch 0; the settings stay."""
        self._stop()
        with self._lock:
            self._restart()
            self.refresh(self._readout())

    def play(self):
        """Start training continuously as an asyncio task in the running event loop; returns the task."""
        if self._task is not None and not self._task.done():
            return self._task
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    loop = asyncio.get_event_loop()
            except RuntimeError:
                self.readout.value = "Play needs a running event loop (a notebook kernel has one); use Step here."
                return None
        self.playing = True
        self._set_buttons()
        self._task = loop.create_task(self._run())
        return self._task

    def pause(self) -> None:
        """Stop playing (the epoch in progress is never cut: the task only stops between epochs)."""
        was_playing = self.playing
        self._stop()
        if was_playing:
            with self._lock:
                self._show()

    def _stop(self) -> None:
        """Stop the Play task, if any: it ends at its next step boundary."""
        self.playing = False
        task, self._task = self._task, None
        if task is not None and not task.done():
            loop = task.get_loop()
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is loop:
                if task is not asyncio.current_task():
                    task.cancel()
            elif not loop.is_closed():
                loop.call_soon_threadsafe(task.cancel)
        self._set_buttons()

    def _set_buttons(self) -> None:
        self.play_button.disabled = self.playing
        self.pause_button.disabled = not self.playing

    async def _run(self) -> None:
        """Epochs until paused or diverged; yields to the event loop after every epoch."""
        try:
            while self.playing:
                deadline = time.perf_counter() + self.frame_seconds
                for _ in range(self.max_epochs_per_frame):
                    with self._lock:
                        ok = self.playing and self._train_epoch()
                    if not self.playing:
                        break
                    if not ok:  # diverged: stop, and show the message
                        self.playing = False
                        self._set_buttons()
                        break
                    await asyncio.sleep(0)  # handle widget messages: Pause, the learning rate
                    if not self.playing or time.perf_counter() >= deadline:
                        break
                if not self.playing and not self.diverged:
                    break  # paused: pause() redraws
                with self._lock:
                    self._show()
                if self.playing:
                    await asyncio.sleep(max(0.01, deadline - time.perf_counter()))
        finally:
            if self._task is asyncio.current_task():
                self._task = None
                self.playing = False
                self._set_buttons()

    # --- drawing ---------------------------------------------------------------------------

    def _show(self) -> None:
        """Update the picture, the epoch counter and (last) the readout."""
        self.epoch_label.value = f"epoch {self.epoch}"
        self.refresh(self._readout())

    def refresh(self, readout: str) -> None:
        """Redraw, then (last) set the readout. Reuses the figure's artists when only the numbers changed."""
        if self._artists is None:
            super().refresh(readout)
            return
        start = time.perf_counter()
        self._update(self._artists)
        buffer = io.BytesIO()  # as render_png, with quicker compression (the PNG is only sent to the browser)
        self.figure.savefig(buffer, format="png", dpi=self.dpi, pil_kwargs={"compress_level": 1})
        self.image.value = buffer.getvalue()
        self.redraw_seconds = time.perf_counter() - start
        self.readout.value = readout

    def _probabilities(self) -> np.ndarray:
        """(GRID*GRID, n_classes) class probabilities on the grid."""
        with np.errstate(all="ignore"):
            P = self.model.predict_proba(self._grid_scaled)
        if P.shape[1] == 1:
            P = np.hstack([1.0 - P, P])
        return np.nan_to_num(P, nan=1.0 / P.shape[1])

    def _heatmap_rgb(self) -> np.ndarray:
        """(GRID, GRID, 3): the mixed class colours, paler where the network is unsure."""
        P = self._probabilities()
        n = P.shape[1]
        confidence = (P.max(axis=1) - 1.0 / n) / (1.0 - 1.0 / n)  # 0 at chance, 1 when certain
        mix = P @ self._colors
        rgb = 1.0 - (_SHADE * confidence)[:, None] * (1.0 - mix)
        return np.clip(rgb, 0.0, 1.0).reshape(_GRID, _GRID, 3)

    def _boundary(self, ax):
        """The decision boundary P(class 1) = 0.5 (binary only), as a contour line."""
        if self.n_classes != 2:
            return None
        P = self._probabilities()[:, 1].reshape(_GRID, _GRID)
        if not (P.min() < 0.5 < P.max()):
            return None
        x0 = np.linspace(self.extent[0], self.extent[1], _GRID)
        x1 = np.linspace(self.extent[2], self.extent[3], _GRID)
        return ax.contour(x0, x1, P, levels=[0.5], colors="black", linewidths=1.2)

    def draw(self, figure: Figure) -> None:
        # Fixed axes positions (no layout engine): nothing moves between frames, and no
        # layout pass doubles the cost of every redraw.
        _no_layout_engine(figure)
        ax_map = figure.add_axes(_MAP_RECT)
        ax_loss = figure.add_axes(_LOSS_RECT)
        artists = {"ax_map": ax_map, "ax_loss": ax_loss}
        artists["heatmap"] = ax_map.imshow(np.ones((_GRID, _GRID, 3)), origin="lower", extent=self.extent,
                                           interpolation="bilinear")
        artists["boundary"] = None
        artists["train_points"] = ax_map.scatter(self.X_train[:, 0], self.X_train[:, 1], s=22, edgecolors="black",
                                                 linewidths=0.6)
        artists["val_points"] = ax_map.scatter(self.X_val[:, 0], self.X_val[:, 1], marker="^", s=34,
                                               edgecolors="black", linewidths=0.6)
        ax_map.set(xlabel="x1", ylabel="x2")
        ax_map.set_aspect("equal")
        artists["map_title"] = ax_map.set_title("", fontsize=11)
        (artists["train_line"],) = ax_loss.plot([], [], color="tab:blue", label="training loss")
        (artists["val_line"],) = ax_loss.plot([], [], color="tab:orange", linestyle="--", label="validation loss")
        ax_loss.set_yscale("log")
        ax_loss.yaxis.set_major_formatter(_PLAIN)  # plain numbers, no mathtext: clearer and faster
        ax_loss.yaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
        ax_loss.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax_loss.set(xlabel="epoch", ylabel="cross-entropy loss (log scale)")
        artists["loss_title"] = ax_loss.set_title("", fontsize=11)
        ax_loss.grid(True, alpha=0.3)
        handles = [artists["train_line"], artists["val_line"],
                   Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="black",
                          label="training points"),
                   Line2D([], [], marker="^", linestyle="", markerfacecolor="white", markeredgecolor="black",
                          label="validation points")]
        ax_loss.legend(handles=handles, loc="upper right", fontsize=9, framealpha=0.85)
        artists["diverged_text"] = ax_loss.text(0.5, 0.5, "", transform=ax_loss.transAxes, ha="center", va="center",
                                                color="#b00", fontsize=12, fontweight="bold")
        self._update(artists)
        if figure is self.figure:
            self._artists = artists

    def _update(self, artists: dict) -> None:
        """Put the current state into the artists: heatmap, boundary, points, curves, limits, titles.

        Used for every redraw after the first, also after a rebuild: reusing the axes (their
        ticks, labels and legends) is most of the time saved.
        """
        ax_map = artists["ax_map"]
        heatmap = artists["heatmap"]
        heatmap.set_data(self._heatmap_rgb())
        heatmap.set_extent(self.extent)
        ax_map.set(xlim=self.extent[:2], ylim=self.extent[2:])
        if artists["boundary"] is not None:
            artists["boundary"].remove()
        artists["boundary"] = self._boundary(ax_map)
        for points, X, y in ((artists["train_points"], self.X_train, self.y_train),
                             (artists["val_points"], self.X_val, self.y_val)):
            if points.get_offsets().shape != X.shape or not np.array_equal(points.get_offsets(), X):
                points.set_offsets(X)
            points.set_facecolor(self._colors[y])
        artists["map_title"].set_text(self._map_title())
        epochs = np.arange(len(self.train_loss))
        artists["train_line"].set_data(epochs, self.train_loss)
        artists["val_line"].set_data(epochs, self.val_loss)
        artists["loss_title"].set_text(self._loss_title())
        artists["loss_title"].set_color("#b00" if self.diverged else "black")
        artists["diverged_text"].set_text(f"diverged in epoch {self.epoch + 1}\n(see the message below)"
                                          if self.diverged else "")
        self._set_loss_limits(artists["ax_loss"])

    def _set_loss_limits(self, ax) -> None:
        values = np.array(self.train_loss + self.val_loss)
        values = values[np.isfinite(values) & (values > 0)]
        low, high = (values.min(), values.max()) if values.size else (0.1, 1.0)
        low, high = low / 1.3, high * 1.3
        ax.set_ylim(low, high)
        # label 0.2 and 0.5 between the powers of ten unless the curves span many decades
        ax.yaxis.set_minor_formatter(_PLAIN if high / low < 300 else NullFormatter())
        ax.set_xlim(0, max(10, self.epoch * 1.05))

    def _map_title(self) -> str:
        kind = "P(class 1)" if self.n_classes == 2 else "predicted class"
        return f"{self.dataset_menu.value}: {kind}, epoch {self.epoch}"

    def _loss_title(self) -> str:
        text = f"loss: training {self.train_loss[-1]:.3g}, validation {self.val_loss[-1]:.3g}"
        return text + ("  (diverged)" if self.diverged else "")

    def _readout(self) -> str:
        """One short line (the network and batch size are in the controls above)."""
        accuracy = ""
        if self.train_accuracy[-1] is not None:
            accuracy = f" · accuracy: training {self.train_accuracy[-1]:.0%}, validation {self.val_accuracy[-1]:.0%}"
        state = "playing" if self.playing else "paused"
        text = (f"epoch {self.epoch} ({state}) · learning rate {self.learning_rate:.4g} · "
                f"loss: training {self.train_loss[-1]:.4g}, validation {self.val_loss[-1]:.4g}{accuracy}")
        if self.diverged:
            text += f'<br><span style="color:#b00">{self.message}</span>'
        return text
