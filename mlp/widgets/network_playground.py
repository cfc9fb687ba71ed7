"""The playground drawn in the browser (issue 14): TensorFlow Playground's network view on the course's mlp.

The kernel trains (``mlp.MLP``, the optimisers of ``mlp.optimizers``) and sends one message per frame:
``network_view.encode`` of the network now (every unit over the input plane, the weights, each layer's
gradient size, the dead units, the epoch and the losses) plus the input features over the plane. The
page (network_playground.js) owns the controls and draws everything at display rate. The epoch counter
is drawn from the same message as the pictures, so it always belongs to them.

Settings: the data set, its noise and the share held out for validation; the input features (x1, x2,
x1², x2², x1x2, sin x1, sin x2); the hidden layers; the activation; the learning rate (live, also while
playing); the batch size; L2; the optimiser (SGD, momentum, Adam). Play / Pause / Step / Reset, and a
timeline that scrubs back through the frames kept so far.
"""

from __future__ import annotations

import asyncio
import base64
import time
import warnings
from pathlib import Path

import anywidget
import numpy as np
import traitlets

from ..data import make_dataset
from ..network import MLP
from ..optimizers import Adam, GradientDescent
from ..rng import make_rng
from ..schedules import make_schedule
from ..training import DivergenceWarning
from .network_view import Timeline, encode, grid_points, network_frame, unit_bytes
from .panel import render_png

GRID = 40  # grid points per axis for every picture
FRAME_SECONDS = 1 / 30  # while playing: at most one frame per display frame, as many epochs as fit in it
FEATURES = {
    "x1": lambda X: X[:, 0], "x2": lambda X: X[:, 1], "x1²": lambda X: X[:, 0] ** 2, "x2²": lambda X: X[:, 1] ** 2,
    "x1x2": lambda X: X[:, 0] * X[:, 1], "sin x1": lambda X: np.sin(X[:, 0]), "sin x2": lambda X: np.sin(X[:, 1]),
}
DATASETS = ("circles", "xor", "moons", "spirals")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
OPTIMIZERS = {"SGD": lambda rate: GradientDescent(rate), "momentum": lambda rate: GradientDescent(rate, momentum=0.9),
              "Adam": lambda rate: Adam(rate)}
REBUILD = ("dataset", "noise", "validation_share", "features", "hidden", "activation", "optimizer", "seed")


class NetworkPlayground(anywidget.AnyWidget):
    _esm = Path(__file__).with_name("network_playground.js")

    dataset = traitlets.Unicode("circles").tag(sync=True)
    noise = traitlets.Float(0.1).tag(sync=True)
    validation_share = traitlets.Float(0.5).tag(sync=True)
    features = traitlets.List(traitlets.Unicode(), ["x1", "x2"]).tag(sync=True)
    hidden = traitlets.List(traitlets.Int(), [4, 2]).tag(sync=True)
    activation = traitlets.Unicode("tanh").tag(sync=True)
    learning_rate = traitlets.Float(0.03).tag(sync=True)
    batch_size = traitlets.Int(10).tag(sync=True)
    l2 = traitlets.Float(0.0).tag(sync=True)
    optimizer = traitlets.Unicode("SGD").tag(sync=True)
    seed = traitlets.Int(0).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    choices = traitlets.Dict().tag(sync=True)  # what the menus offer (constant)
    points = traitlets.Bytes(b"").tag(sync=True)  # float32 rows (x1, x2 in 0..1 of the picture, class, validation?)
    frame = traitlets.Dict().tag(sync=True)  # network_view.encode(...) + the input features' pictures
    timeline = traitlets.List(traitlets.Int()).tag(sync=True)  # the epochs one can scrub back to
    message = traitlets.Unicode("").tag(sync=True)

    def __init__(self, n_samples: int = 200, **kwargs):
        super().__init__(**kwargs)
        self.n_samples = int(n_samples)
        self.choices = {"datasets": list(DATASETS), "features": list(FEATURES), "activations": list(ACTIVATIONS),
                        "optimizers": list(OPTIMIZERS)}
        self._timeline = Timeline()
        self._task = None
        self.on_msg(self._on_message)
        self._rebuild()

    # --- settings ------------------------------------------------------------------------

    @traitlets.validate("features")
    def _check_features(self, proposal):
        chosen = [name for name in FEATURES if name in proposal["value"]]  # known ones, in the menu's order
        if not chosen:
            raise traitlets.TraitError(f"choose at least one input feature of {list(FEATURES)}")
        return chosen

    @traitlets.validate("hidden")
    def _check_hidden(self, proposal):
        if len(proposal["value"]) > 6 or any(not 1 <= n <= 8 for n in proposal["value"]):
            raise traitlets.TraitError(f"0 to 6 hidden layers of 1 to 8 units each; got {proposal['value']}")
        return list(proposal["value"])

    @traitlets.observe(*REBUILD)
    def _on_setting(self, change) -> None:
        self.playing = False
        self._rebuild()

    def _rebuild(self) -> None:
        """New data and a new network from the settings (same seeds: the same choice gives the same start)."""
        X, y = make_dataset(self.dataset, self.n_samples, noise=self.noise, seed=self.seed)
        X = (X - X.mean(axis=0)) / X.std(axis=0)
        order = np.random.default_rng(self.seed + 1).permutation(len(X))
        n_val = int(round(self.validation_share * len(X)))
        train, val = order[n_val:], order[:n_val]
        self.X_train, self.y_train, self.X_val, self.y_val = X[train], y[train], X[val], y[val]
        half = np.abs(X).max() * 1.1
        self.extent = (-half, half, -half, half)
        grid = grid_points(self.extent, GRID)
        self._grid_features = self._features(grid)
        scale = np.abs(self._grid_features).max(axis=0)
        self._input_pictures = b"".join(unit_bytes(column / s).tobytes()
                                        for column, s in zip(self._grid_features.T, scale))
        self.model = MLP([len(self.features), *self.hidden, 1], hidden_activation=self.activation,
                         output_activation="sigmoid", seed=self.seed + 2)
        self.initial_weights = self.model.get_weights()
        rows = [np.column_stack([(X_[:, 0] + half) / (2 * half), (X_[:, 1] + half) / (2 * half), y_, np.full(len(y_), v)])
                for X_, y_, v in ((self.X_train, self.y_train, 0.0), (self.X_val, self.y_val, 1.0))]
        self.points = np.vstack(rows).astype(np.float32).tobytes()
        self.reset()

    def _features(self, X) -> np.ndarray:
        return np.column_stack([FEATURES[name](X) for name in self.features])

    # --- training ------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the initial weights, epoch 0 (the settings stay)."""
        self.playing = False
        self.model.set_weights(self.initial_weights)
        self._optimizer = OPTIMIZERS[self.optimizer](self.learning_rate)
        self._shuffle_rng = make_rng(self.seed + 3)
        self.epoch, self.diverged = 0, False
        self._Xf_train, self._Xf_val = self._features(self.X_train), self._features(self.X_val)
        self.train_loss = [float(self.model.loss_value(self._Xf_train, self.y_train))]
        self.val_loss = [float(self.model.loss_value(self._Xf_val, self.y_val))]
        self._timeline.clear()
        self.message = ""
        self._send_frame()

    def _train_epoch(self) -> bool:
        """One epoch at the current learning rate; False (and the guard's message) if the loss diverged."""
        if self.diverged:  # go on from the weights before the divergence (maybe with a smaller rate)
            self.diverged, self.message = False, ""
        self._optimizer.schedule = make_schedule(self.learning_rate)  # read at the epoch boundary: live
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DivergenceWarning)  # said in the panel's message instead
            history = self.model.fit(self._Xf_train, self.y_train, epochs=1, optimizer=self._optimizer,
                                     batch_size=self.batch_size, l2=self.l2, seed=self._shuffle_rng,
                                     validation_data=(self._Xf_val, self.y_val), progress=False,
                                     train_metrics="end_of_epoch",  # the loss of the weights in the picture
                                     first_epoch=self.epoch + 1, reference_loss=self.train_loss[0])
        if history.diverged:  # fit kept the weights of the last good epoch
            self.diverged, self.playing = True, False
            self.message = f"{history.message} Lower the learning rate and Play or Step on, or Reset."
            return False
        self.epoch += 1
        self.train_loss.append(float(history.train_loss[-1]))
        self.val_loss.append(float(history.val_loss[-1]))
        return True

    def step(self, epochs: int = 1) -> None:
        """Train exactly ``epochs`` epochs (Step: one), then send the frame. Stops playing first."""
        self.playing = False
        for _ in range(int(epochs)):
            if not self._train_epoch():
                break
        self._send_frame()

    @traitlets.observe("playing")
    def _on_playing(self, change) -> None:
        if change["new"] and (self._task is None or self._task.done()):
            try:
                loop = asyncio.get_running_loop()  # a kernel handles the page's messages inside its event loop
            except RuntimeError:
                loop = None
            if loop is None:
                self.playing = False
                self.message = "Play needs a running event loop (a notebook kernel has one); use step() here"
                return
            self._task = loop.create_task(self._play())

    async def _play(self) -> None:
        while self.playing and not self.diverged:
            deadline = time.perf_counter() + FRAME_SECONDS
            while self.playing and self._train_epoch():
                await asyncio.sleep(0)  # Pause and the learning rate are handled between epochs
                if time.perf_counter() >= deadline:
                    break
            self._send_frame()
            await asyncio.sleep(max(0.0, deadline - time.perf_counter()))

    # --- what the page gets --------------------------------------------------------------

    def _send_frame(self) -> None:
        frame = encode(network_frame(self.model, self._grid_features, self._Xf_train, self.y_train, epoch=self.epoch,
                                     l2=self.l2, train_loss=self.train_loss, val_loss=self.val_loss))
        frame["inputs"] = self._input_pictures
        frame["grid"] = GRID
        self._timeline.add(frame)
        with self.hold_sync():
            self.timeline = self._timeline.epochs
            self.frame = frame

    def static_png(self, dpi: int = 100) -> bytes:
        """The current frame drawn with matplotlib, for pages where widgets do not run (GitHub, nbviewer):
        the network view's columns of unit pictures, and the output with the points."""
        from matplotlib.colors import LinearSegmentedColormap
        from matplotlib.figure import Figure

        colours = LinearSegmentedColormap.from_list("playground", ["#f59322", "#ffffff", "#0877bd"])
        frame, sizes = self.frame, self.frame["layer_sizes"]
        pictures = [np.frombuffer(frame["inputs"], np.uint8).reshape(-1, GRID, GRID)]
        units, start = np.frombuffer(frame["units"], np.uint8), 0
        for n in sizes[1:-1]:
            pictures.append(units[start:start + n * GRID * GRID].reshape(n, GRID, GRID))
            start += n * GRID * GRID
        figure = Figure(figsize=(2.0 + 1.0 * len(pictures) + 3.2, 4.0), layout="none")
        column_width = 0.8 / (len(pictures) + 3.2)
        for column, stack in enumerate(pictures):
            figure.text(0.04 + column * column_width, 0.95, "inputs" if column == 0 else f"hidden {column}", fontsize=11)
            for row, picture in enumerate(stack):
                ax = figure.add_axes((0.04 + column * column_width, 0.82 - row * 0.105, 0.7 * column_width, 0.095))
                ax.imshow(picture, cmap=colours, vmin=0, vmax=255, origin="lower")
                ax.set_xticks([]), ax.set_yticks([])
        ax = figure.add_axes((0.04 + len(pictures) * column_width + 0.04, 0.08, 3.0 * column_width, 0.82))
        ax.imshow(np.frombuffer(frame["output"], np.uint8).reshape(GRID, GRID), cmap=colours, vmin=-90, vmax=345,
                  origin="lower", extent=(0, 1, 0, 1))  # paler than the units, so the points stand out
        points = np.frombuffer(self.points, np.float32).reshape(-1, 4)
        ax.scatter(points[:, 0], points[:, 1], c=points[:, 2], cmap=colours, vmin=0, vmax=1, s=14,
                   edgecolors="white", linewidths=0.6)
        ax.set_xticks([]), ax.set_yticks([])
        ax.set_title(f"output, epoch {frame['epoch']}: training loss {frame['train_loss'][-1]:.3f}", fontsize=11)
        return render_png(figure, dpi)

    def _repr_mimebundle_(self, **kwargs):
        """The live widget where widgets run; elsewhere its current picture, never a bare class name."""
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["image/png"] = base64.b64encode(self.static_png()).decode("ascii")
        data["text/plain"] = "NetworkPlayground: an interactive widget (run the notebook to use it)"
        return bundle

    def _on_message(self, widget, content, buffers) -> None:
        action = content.get("do") if isinstance(content, dict) else None
        if action == "step":
            self.step()
        elif action == "reset":
            self.reset()
        elif action == "scrub":
            self.playing = False
            self.frame = self._timeline.at(int(content.get("epoch", self.epoch)))
