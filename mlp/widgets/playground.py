"""The playground (lesson 9): TensorFlow Playground's network view on the course's mlp, drawn in the browser.

The kernel trains (``mlp.MLP``, one epoch at a time) and sends one message per frame, ``network_view.network_frame``;
the page (playground.js) owns the controls and draws everything at display rate, the epoch counter from the same
message as the pictures. Regression: a continuous target, a linear output and the mean squared error.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from pathlib import Path

import anywidget
import numpy as np
import traitlets

from ..data import DATASETS as CLASSIFICATION_DATASETS
from ..data import REGRESSION_DATASETS
from ..network import MLP
from ..optimizers import Adam, GradientDescent
from ..rng import make_rng
from ..schedules import make_schedule
from ..training import DivergenceWarning
from .canvas import StaticPicture, axes, image, points, render_figure
from .network_view import network_frame, unit_bytes

GRID = 40  # grid points per axis for every picture
FRAME_SECONDS = 1 / 30  # while playing: at most one frame per display frame...
TRAIN_SECONDS = 0.6 * FRAME_SECONDS  # ...with as many epochs as fit in 60% of it (the rest: the frame and messages)
CURVE_POINTS = 300  # the loss curves sent: at most this many points, the first and the latest always among them
TIMELINE_FRAMES = 200  # frames kept to scrub back to; when full, every other one goes (the first and latest stay)
FEATURES = {"x1": lambda X: X[:, 0], "x2": lambda X: X[:, 1], "x1²": lambda X: X[:, 0] ** 2,
            "x2²": lambda X: X[:, 1] ** 2, "x1x2": lambda X: X[:, 0] * X[:, 1], "sin x1": lambda X: np.sin(X[:, 0]),
            "sin x2": lambda X: np.sin(X[:, 1])}
DATASETS = {"classification": ("circles", "xor", "moons", "spirals"), "regression": tuple(REGRESSION_DATASETS)}
OPTIMIZERS = {"SGD": lambda rate: GradientDescent(rate), "momentum": lambda rate: GradientDescent(rate, momentum=0.9),
              "Adam": lambda rate: Adam(rate)}
CHOICES = {"problem": list(DATASETS), "dataset": DATASETS, "features": list(FEATURES), "optimizer": list(OPTIMIZERS),
           "activation": ["tanh", "relu", "sigmoid", "linear"], "regularization": ["none", "L1", "L2"],
           "learning_rate": [0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3], "batch_size": [1, 5, 10, 30, 100],
           "regularization_rate": [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3]}  # what each menu offers
REBUILD = ("problem", "dataset", "noise", "validation_share", "features", "hidden", "activation", "optimizer", "seed")


class Playground(StaticPicture, anywidget.AnyWidget):
    """TensorFlow Playground in a notebook: ``Playground(n_samples=200, dataset="circles", seed=0, ...)``.

    Any synced setting below may be given. Each one in ``REBUILD`` starts a new network from the same seeds (the
    same settings give the same start); the learning rate, batch size and regularisation are read at each epoch
    boundary, also while playing. ``step(n)`` trains n epochs, ``reset()`` goes back to epoch 0.
    """

    _esm = Path(__file__).with_name("playground.js")
    css_class = traitlets.Unicode("playground").tag(sync=True)  # the page's handles: .playground, .playground-step, ...

    problem = traitlets.Enum(CHOICES["problem"], "classification").tag(sync=True)
    dataset = traitlets.Unicode("circles").tag(sync=True)
    noise = traitlets.Float(0.1, min=0.0, max=0.5).tag(sync=True)
    validation_share = traitlets.Float(0.5, min=0.1, max=0.9).tag(sync=True)  # the test points' share
    features = traitlets.List(traitlets.Unicode(), ["x1", "x2"]).tag(sync=True)
    hidden = traitlets.List(traitlets.Int(), [4, 2]).tag(sync=True)  # units per hidden layer
    activation = traitlets.Enum(CHOICES["activation"], "tanh").tag(sync=True)
    optimizer = traitlets.Enum(CHOICES["optimizer"], "SGD").tag(sync=True)
    learning_rate = traitlets.Float(0.03).tag(sync=True)
    batch_size = traitlets.Int(10, min=1).tag(sync=True)
    regularization = traitlets.Enum(CHOICES["regularization"], "none").tag(sync=True)
    regularization_rate = traitlets.Float(0.001, min=0.0).tag(sync=True)
    seed = traitlets.Int(0).tag(sync=True)
    show_test_data = traitlets.Bool(False).tag(sync=True)
    discretize = traitlets.Bool(False).tag(sync=True)  # the output picture thresholded (drawn by the page)
    playing = traitlets.Bool(False).tag(sync=True)
    choices = traitlets.Dict(CHOICES).tag(sync=True)  # constant
    points = traitlets.Bytes(b"").tag(sync=True)  # float32 rows (x1, x2 in 0..1 of the picture, target in -1..1, test?)
    inputs = traitlets.Bytes(b"").tag(sync=True)  # the input features over the plane, GRID x GRID bytes each
    frame = traitlets.Dict().tag(sync=True)  # network_view.network_frame(...)
    timeline = traitlets.List(traitlets.Int()).tag(sync=True)  # the epochs one can scrub back to
    message = traitlets.Unicode("").tag(sync=True)
    _built = False

    def __init__(self, n_samples: int = 200, **settings):
        super().__init__(**settings)
        self.n_samples, self._task, self._built = int(n_samples), None, True
        self.on_msg(self._on_message)
        self._rebuild()

    @traitlets.validate("dataset")
    def _check_dataset(self, proposal):
        if proposal["value"] not in DATASETS[self.problem]:
            raise traitlets.TraitError(f"the {self.problem} data sets are {list(DATASETS[self.problem])}; "
                                       f"got {proposal['value']!r}")
        return proposal["value"]

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
        if change["name"] == "problem" and self.dataset not in DATASETS[self.problem]:
            self.set_trait("dataset", DATASETS[self.problem][0])  # its own change rebuilds
        elif self._built:  # a new network; reset() stops playing
            self._rebuild()

    def _rebuild(self) -> None:
        """New data and a new network from the settings (same seeds: the same choice gives the same start)."""
        def features(X):  # the chosen input features of the points X, a column each: the network's inputs
            return np.column_stack([FEATURES[name](X) for name in self.features])
        generate = {**CLASSIFICATION_DATASETS, **REGRESSION_DATASETS}[self.dataset]  # one of its problem's
        X, y = generate(self.n_samples, noise=self.noise, seed=self.seed)
        X = (X - X.mean(axis=0)) / X.std(axis=0)
        n_test = int(round(self.validation_share * len(X)))  # the held-out points: the first n_test of a shuffle
        test, train = np.split(np.random.default_rng(self.seed + 1).permutation(len(X)), [n_test])
        self.X_train, self.y_train, self.X_val, self.y_val = features(X[train]), y[train], features(X[test]), y[test]
        half = np.abs(X).max() * 1.1
        axis = np.linspace(-half, half, GRID)
        self._grid = features(np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2))  # x1 fastest, lowest x2 first
        target = np.clip(y, -1.0, 1.0) if self.problem == "regression" else 2.0 * y - 1.0  # on the pictures' colours
        with self.hold_sync():  # the points, the input pictures and the new network's frame in one message
            self.inputs = unit_bytes(self._grid / np.abs(self._grid).max(axis=0)).T.tobytes()
            self.points = np.column_stack([(X + half) / (2 * half), target, np.isin(np.arange(len(X)), test)]
                                          ).astype(np.float32).tobytes()
            self.reset()

    @property
    def penalties(self) -> dict:
        """fit's keyword for the chosen regularisation: {"l1": rate}, {"l2": rate} or {}."""
        return {} if self.regularization == "none" else {self.regularization.lower(): self.regularization_rate}

    def reset(self) -> None:
        """Back to the initial weights, epoch 0 (the settings stay)."""
        self.playing = False
        self.model = MLP([len(self.features), *self.hidden, 1], hidden_activation=self.activation,
                         output_activation="linear" if self.problem == "regression" else "sigmoid", seed=self.seed + 2)
        self._optimizer = OPTIMIZERS[self.optimizer](self.learning_rate)
        self._shuffle_rng = make_rng(self.seed + 3)
        self.epoch, self.diverged, self.message = 0, False, ""
        self.train_loss = [float(self.model.loss_value(self.X_train, self.y_train))]
        self.val_loss = [float(self.model.loss_value(self.X_val, self.y_val))]
        self._frames = {}  # epoch -> the frame sent then, for the timeline
        self._send_frame()

    def _train_epoch(self) -> bool:
        """One epoch at the current learning rate; False (and the guard's message) if the loss diverged."""
        if self.diverged:  # go on from the weights before the divergence (maybe with a smaller rate)
            self.diverged, self.message = False, ""
        self._optimizer.schedule = make_schedule(self.learning_rate)  # read at the epoch boundary: live
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DivergenceWarning)  # said in the panel's message instead
            history = self.model.fit(self.X_train, self.y_train, epochs=1, optimizer=self._optimizer,
                                     batch_size=self.batch_size, seed=self._shuffle_rng, **self.penalties,
                                     validation_data=(self.X_val, self.y_val), progress=False,
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
            try:  # a kernel handles the page's messages inside its event loop
                self._task = asyncio.get_running_loop().create_task(self._play())
            except RuntimeError:
                self.playing = False
                self.message = "Play needs a running event loop (a notebook kernel has one); use step() here"

    async def _play(self) -> None:
        while self.playing:
            start = time.perf_counter()
            while self.playing and self._train_epoch():
                await asyncio.sleep(0)  # Pause and the live settings are handled between epochs
                if time.perf_counter() - start >= TRAIN_SECONDS:
                    break
            self._send_frame()
            await asyncio.sleep(max(0.0, start + FRAME_SECONDS - time.perf_counter()))

    def _send_frame(self) -> None:
        kept = np.unique(np.linspace(0, self.epoch, min(self.epoch + 1, CURVE_POINTS)).round().astype(int))
        self._frames[self.epoch] = frame = network_frame(self.model, self._grid, self.X_train, self.y_train,
                                                         epoch=self.epoch, train_loss=np.take(self.train_loss, kept),
                                                         val_loss=np.take(self.val_loss, kept), **self.penalties)
        if len(self._frames) > TIMELINE_FRAMES:  # thin out evenly, keeping the first and the latest
            for epoch in list(self._frames)[1:-1:2]:
                del self._frames[epoch]
        with self.hold_sync():
            self.timeline = list(self._frames)
            self.frame = frame

    def _on_message(self, widget, content, buffers) -> None:
        action = content.get("do") if isinstance(content, dict) else None
        if action in ("step", "reset"):
            getattr(self, action)()
        elif action == "scrub":  # to the latest kept frame at or before the epoch asked for
            self.playing = False
            self.frame = self._frames[max((kept for kept in self._frames if kept <= content["epoch"]), default=0)]

    def snapshot(self):
        """The current frame drawn with matplotlib, for pages where widgets do not run (GitHub, nbviewer): the
        columns of input and unit pictures, and the output (paler, so that the points stand out) with the points."""
        frame, pictures = self.frame, lambda data: np.frombuffer(data, np.uint8).reshape(-1, GRID, GRID)
        columns = np.split(pictures(self.inputs + frame["units"]), np.cumsum(frame["layer_sizes"][:-1]))[:-1]
        units = [axes((30 + 100 * column, 30 + 42 * row, 38, 38), [image(picture, (0, 1, 0, 1), low=0, high=255)],
                      (0, 1), (0, 1), title="" if row else f"hidden {column}" if column else "inputs", hide_ticks=True)
                 for column, stack in enumerate(columns) for row, picture in enumerate(stack)]
        picture, left = pictures(frame["output"])[0], 30 + 100 * len(columns)
        dots = np.frombuffer(self.points, np.float32).reshape(-1, 4)
        dots = dots if self.show_test_data else dots[dots[:, 3] == 0]
        rgb = 255 + np.abs(dots[:, 2:3]) * (np.where(dots[:, 2:3] < 0, [245, 147, 34], [8, 119, 189]) - 255)
        colours = ["#%02x%02x%02x" % tuple(c) for c in rgb.round().astype(int)]  # the targets, as in the page
        output = axes((left, 30, 320, 320), [
            image(np.where(picture >= 128, 255, 0) if self.discretize else picture, (0, 1, 0, 1), low=-90, high=345),
            points(dots[:, 0], dots[:, 1], colours=colours, size=2.4, edge="white")], (0, 1), (0, 1),
            title=f"output, epoch {frame['epoch']}: training loss {frame['train_loss'][-1]:.3f}", hide_ticks=True)
        return render_figure({"width": left + 360, "height": 366, "readout": "", "axes": [*units, output]})
