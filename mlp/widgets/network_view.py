"""What the playground's network view shows, computed in the kernel and sent to the browser as plain data.

Issue 14's design (docs/widgets-in-the-browser.md): the kernel does what only it can and the page draws.
For a network and a square grid over the input plane, one ``NetworkFrame`` holds

- every hidden unit's output over the grid and the network's output, as one byte per grid point:
  a unit's output on TensorFlow Playground's scale, clip(a, -1, 1) from byte 0 to 255 (0 is 127.5), and
  the output as P(class 1) from 0 to 255 (a regression network's output on the units' scale);
- every weight matrix W_l, (n_in, n_out), for the edges' colour, width and hover value;
- each layer's gradient size ||dW_l|| on the training set: vanishing gradients, live;
- the dead units: ReLU-family units whose output is 0 on every training point (no gradient reaches them);
- the epoch and the losses, sent in the same message as the pictures, so the counter belongs to them.

``encode`` turns a frame into what a widget sends (bytes, numbers and lists: no pickle), and ``Timeline``
keeps frames to scrub back through the epochs.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

RELU_FAMILY = ("relu", "leaky_relu", "elu", "selu")  # units that can die: 0 (or flat) for every input


def grid_points(extent, size: int) -> np.ndarray:
    """(size * size, 2) points of a square grid over extent = (x1 low, x1 high, x2 low, x2 high),
    row-major from the lowest x2, x1 varying fastest (the order of ``np.meshgrid(...).ravel()``)."""
    x1 = np.linspace(extent[0], extent[1], size)
    x2 = np.linspace(extent[2], extent[3], size)
    return np.column_stack([np.tile(x1, size), np.repeat(x2, size)])


def unit_bytes(values) -> np.ndarray:
    """Unit outputs on TensorFlow Playground's colour scale: clip to [-1, 1], then 0 .. 255 as uint8."""
    return np.round(127.5 * (np.clip(values, -1.0, 1.0) + 1.0)).astype(np.uint8)


@dataclass
class NetworkFrame:
    epoch: int
    layer_sizes: list  # [n_features, hidden..., n_outputs]
    units: list  # per hidden layer: (n_units, size * size) uint8 (unit_bytes)
    output: np.ndarray  # (size * size,) uint8: round(255 * P(class 1)) (softmax: 1 - P(class 0)); regression unit_bytes
    weights: list  # per layer: W_l as float32, (n_in, n_out)
    gradient_norms: list  # per layer: ||dW_l|| on the training set
    dead: list  # per hidden layer: (n_units,) bool
    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)


def hidden_outputs(model, X) -> list:
    """Every hidden layer's output A_l for the rows of X (the layers' forward passes, nothing else)."""
    outputs, A = [], X
    for layer in model.layers[:-1]:
        A = layer.forward(A)
        outputs.append(A)
    return outputs


def network_frame(model, grid, X_train, y_train, *, epoch: int = 0, l2: float = 0.0, l1: float = 0.0, train_loss=(),
                  val_loss=()) -> NetworkFrame:
    """The frame of ``model`` now: its units over ``grid`` (already scaled as the network's inputs), its
    gradients (with the penalties l2 and l1) and dead units on the training set. The weights are not
    changed (the layers' caches are)."""
    on_grid = hidden_outputs(model, grid)
    P = model.predict_proba(grid)
    if model.output_activation.name in ("sigmoid", "softmax"):
        output = np.round(255.0 * np.clip(P[:, 0] if P.shape[1] == 1 else 1.0 - P[:, 0], 0.0, 1.0)).astype(np.uint8)
    else:
        output = unit_bytes(P[:, 0])
    _, grads = model.loss_and_gradients(X_train, y_train, l2=l2, l1=l1)
    gradient_norms = [float(np.linalg.norm(grads[f"dW{number}"])) for number in range(1, len(model.layers) + 1)]
    on_data = hidden_outputs(model, X_train)
    dead = [np.all(A <= 0.0, axis=0) if layer.activation.name in RELU_FAMILY else np.zeros(A.shape[1], dtype=bool)
            for layer, A in zip(model.layers[:-1], on_data)]
    return NetworkFrame(epoch=int(epoch), layer_sizes=list(model.layer_sizes),
                        units=[unit_bytes(A).T for A in on_grid],
                        output=output,
                        weights=[layer.W.astype(np.float32) for layer in model.layers],
                        gradient_norms=gradient_norms, dead=dead,
                        train_loss=[float(v) for v in train_loss], val_loss=[float(v) for v in val_loss])


def encode(frame: NetworkFrame) -> dict:
    """The frame as a widget sends it: bytes for the images and weights, numbers and lists for the rest."""
    return {
        "epoch": frame.epoch,
        "layer_sizes": [int(n) for n in frame.layer_sizes],
        "units": b"".join(units.tobytes() for units in frame.units),  # layer by layer, unit by unit
        "output": frame.output.tobytes(),
        "weights": [W.tobytes() for W in frame.weights],  # float32, row-major (n_in, n_out)
        "gradient_norms": [float(g) for g in frame.gradient_norms],
        "dead": [[bool(d) for d in layer] for layer in frame.dead],
        "train_loss": list(frame.train_loss),
        "val_loss": list(frame.val_loss),
    }


class Timeline:
    """Encoded frames by epoch, to scrub back through training; keeps at most ``capacity`` of them,
    dropping every other one (the oldest first) when full, so the whole run stays covered."""

    def __init__(self, capacity: int = 200):
        if capacity < 2:
            raise ValueError(f"a timeline keeps at least 2 frames; got capacity={capacity!r}")
        self.capacity = capacity
        self.frames: OrderedDict = OrderedDict()

    def add(self, encoded: dict) -> None:
        self.frames[encoded["epoch"]] = encoded
        if len(self.frames) > self.capacity:
            epochs = list(self.frames)
            for epoch in epochs[1:-1:2]:  # thin out evenly, keeping the first and the latest
                del self.frames[epoch]

    @property
    def epochs(self) -> list:
        return list(self.frames)

    def at(self, epoch: int) -> dict:
        """The kept frame of the latest epoch at or before ``epoch`` (the first frame if none is)."""
        if not self.frames:
            raise LookupError("the timeline is empty: add a frame first")
        kept = [e for e in self.frames if e <= epoch]
        return self.frames[kept[-1] if kept else next(iter(self.frames))]

    def clear(self) -> None:
        self.frames.clear()
