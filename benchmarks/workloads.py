"""The benchmark workloads: the same data, architecture, epochs, batch size and learning rate for every system.

    moons       200 points, 2-16-1,      full batch,  500 epochs   (what a widget retrains on a slider move)
    digits_32   1347 digits, 64-64-10,   batch 32,     50 epochs   (scikit-learn's bundled 8 x 8 digits)
    digits_256  1347 digits, 64-64-10,   batch 256,    50 epochs
    synthetic   20000 x 784, 784-256-10, batch 128,     5 epochs   (an MNIST-sized problem)

Hidden layers are ReLU; the output is one sigmoid unit (binary) or a softmax (10 classes),
trained with plain SGD at a fixed learning rate: no momentum, no L2, no early stopping.
Every workload also has a test set, so each timing is reported with the accuracy it bought.

``workloads(size="tiny")`` gives the same four problems shrunk to run in a second, for the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import train_test_split

from mlp import MLP
from mlp.data import load_digits, make_moons


@dataclass(frozen=True)
class Workload:
    """One training problem, identical for every system.

    X_train (m, n) and y_train (m,) class labels; layer_sizes [n, hidden..., n_outputs];
    batch_size None for full batch; seed fixes the initial weights that every system starts from
    (mlp's defaults for ``hidden_activation``: He for ReLU layers, Xavier for tanh, sigmoid and the output
    layer; biases 0).
    """

    name: str
    description: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    layer_sizes: tuple
    batch_size: int | None
    epochs: int
    learning_rate: float
    seed: int = 0
    hidden_activation: str = "relu"

    @property
    def output_activation(self) -> str:
        return "sigmoid" if self.layer_sizes[-1] == 1 else "softmax"

    @property
    def batch_sizes(self) -> list[int]:
        """The size of each batch of one epoch, in order (the last one may be smaller)."""
        m = len(self.X_train)
        size = m if self.batch_size is None else min(self.batch_size, m)
        return [min(size, m - start) for start in range(0, m, size)]

    def initial_weights(self) -> dict:
        """{"W1": (n_0, n_1), "b1": (n_1,), ...}: the starting point every system copies."""
        model = MLP(list(self.layer_sizes), self.hidden_activation, self.output_activation, seed=self.seed)
        return model.get_weights()

    def shape_text(self) -> str:
        return "-".join(str(size) for size in self.layer_sizes)


def moons(n_train=200, epochs=500) -> Workload:
    X_train, y_train = make_moons(n_train, noise=0.2, seed=0)
    X_test, y_test = make_moons(1000, noise=0.2, seed=1)
    return Workload("moons", f"moons, {n_train} points, 2-16-1, full batch, {epochs} epochs",
                    X_train, y_train, X_test, y_test, (2, 16, 1), None, epochs, 0.5)


def digits(batch_size, epochs=50, n_train=None) -> Workload:
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    if n_train is not None:
        X_train, y_train = X_train[:n_train], y_train[:n_train]
    return Workload(f"digits_{batch_size}",
                    f"digits, {len(X_train)} images, 64-64-10, batch {batch_size}, {epochs} epochs",
                    X_train, y_train, X_test, y_test, (64, 64, 10), batch_size, epochs, 0.1)


def synthetic(m=20000, n=784, hidden=256, epochs=5, seed=0) -> Workload:
    """Gaussian inputs labelled by a random linear 'teacher' (argmax of X @ T): learnable, MNIST-sized."""
    rng = np.random.default_rng(seed)
    m_test = max(m // 10, 10)
    X = rng.standard_normal((m + m_test, n))
    teacher = rng.standard_normal((n, 10))
    y = (X @ teacher).argmax(axis=1)
    return Workload("synthetic", f"synthetic, {m} x {n}, {n}-{hidden}-10, batch 128, {epochs} epochs",
                    X[:m], y[:m], X[m:], y[m:], (n, hidden, 10), 128, epochs, 0.1)


def workloads(size: str = "full") -> list[Workload]:
    """The four workloads; size "tiny" shrinks each one (for the tests), keeping its shape and batching."""
    if size == "full":
        return [moons(), digits(32), digits(256), synthetic()]
    if size == "tiny":
        return [moons(n_train=40, epochs=5), digits(32, epochs=2, n_train=300), digits(256, epochs=2, n_train=600),
                synthetic(m=300, n=20, hidden=8, epochs=2)]
    raise ValueError(f"size must be 'full' or 'tiny'; got {size!r}")
