"""What the playground's network view shows, computed in the kernel and sent to the page as plain data: every
unit's output and the network's over a grid of the input plane (a byte per point), the weights (the edges), each
layer's gradient size ||dW_l|| on the training set (vanishing gradients, live), the dead units, the epoch and losses.
"""

from __future__ import annotations

import numpy as np


def unit_bytes(values) -> np.ndarray:
    """Unit outputs on TensorFlow Playground's colour scale: clip to [-1, 1], then 0 .. 255 as uint8 (0 is 127.5)."""
    return np.round(127.5 * (np.clip(values, -1.0, 1.0) + 1.0)).astype(np.uint8)


def network_frame(model, grid, X_train, y_train, *, epoch: int = 0, l2: float = 0.0, l1: float = 0.0, train_loss=(),
                  val_loss=()) -> dict:
    """The frame of ``model`` (one output unit) now, as a widget sends it: bytes, numbers and lists.

    ``grid``: the grid's points as the network's inputs; ``l2``, ``l1``: the gradients' penalties. The output is
    P(class 1) from 0 to 255, or a regression output as ``unit_bytes``. A dead unit: a ReLU unit that is 0 on every
    training point (no gradient reaches it). The weights are unchanged; the layers' outputs ``A`` are read here.
    """
    P = model.predict_proba(grid)[:, 0]
    units = b"".join(unit_bytes(layer.A).T.tobytes() for layer in model.layers[:-1])  # layer by layer, unit by unit
    output = np.round(255.0 * P) if model.output_activation.name == "sigmoid" else unit_bytes(P)
    _, grads = model.loss_and_gradients(X_train, y_train, l2=l2, l1=l1)  # the layers now keep A on the training set
    return {
        "epoch": int(epoch), "layer_sizes": [int(n) for n in model.layer_sizes],
        "units": units, "output": output.astype(np.uint8).tobytes(),
        "weights": [layer.W.astype(np.float32).tobytes() for layer in model.layers],  # row-major (n_in, n_out)
        "gradient_norms": [float(np.linalg.norm(grads[f"dW{n}"])) for n in range(1, len(model.layers) + 1)],
        "dead": [[bool(layer.activation.name == "relu" and dead) for dead in np.all(layer.A <= 0.0, axis=0)]
                 for layer in model.layers[:-1]],
        "train_loss": [float(v) for v in train_loss], "val_loss": [float(v) for v in val_loss],
    }
