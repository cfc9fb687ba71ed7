"""The systems compared: mlp, scikit-learn, PyTorch (when installed) and the matrix-multiply floor.

Each system follows the same protocol, so the runner can time them side by side:

    system.prepare(workload)   untimed: build the network with the workload's initial weights
    system.train()             timed: every epoch of plain SGD, as the workload specifies
    system.accuracy()          test accuracy of the trained network (None for the floor)
    system.weights()           the trained parameters as {"W1": (n_in, n_out), "b1": ...}

All of them start from the same weights (``Workload.initial_weights``) and take the same
steps: every epoch's shuffle is the permutation mlp's ``fit`` draws (``numpy.random.default_rng(seed)``,
one ``permutation(m)`` per mini-batch epoch, none for a full batch), which PyTorch's loop uses and
scikit-learn is handed in place of its own shuffle. So the trained weights agree to rounding, batch or
mini-batch (tests/test_benchmarks.py checks this), and test accuracies differ only where training is
chaotic enough to amplify rounding.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import sklearn.neural_network._multilayer_perceptron as sklearn_mlp
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_info

from mlp import MLP
from mlp.losses import sigmoid_cross_entropy, softmax_cross_entropy

try:  # PyTorch is an optional extra (pip install torch==2.13.0); skipped with a note otherwise
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None


def blas_threads() -> int:
    """How many threads numpy's BLAS uses (1 under `make test` / `make bench`)."""
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return int(pool["num_threads"])
    return 1


def _layer_count(weights) -> int:
    return len(weights) // 2


class MlpSystem:
    """This course's package: ``MLP.fit`` as a learner calls it, without the progress bar.

    With ``train_metrics=None`` fit gets no train_metrics option: its default, what a learner gets
    ("batch_mean": the mean of the batch losses, as scikit-learn's fit records its ``loss_curve_``).
    "end_of_epoch" also measures the whole training set after every epoch, one more forward pass per
    epoch. dtype "float32" builds a float32 network (its data converted untimed, as PyTorch's tensors are).
    """

    def __init__(self, train_metrics=None, dtype="float64"):
        self.train_metrics, self.dtype = train_metrics, np.dtype(dtype)
        self.name = "mlp" + ("" if train_metrics is None else f", {train_metrics.replace('_', '-')} metrics") + \
            ("" if self.dtype == np.float64 else f" {self.dtype.name}")

    def unavailable(self):
        return None

    def prepare(self, workload):
        self.workload = w = workload
        self.model = MLP(list(w.layer_sizes), w.hidden_activation, w.output_activation, seed=w.seed, dtype=self.dtype)
        self.model.set_weights(w.initial_weights())
        self.X, self.X_test = w.X_train.astype(self.dtype), w.X_test.astype(self.dtype)

    def train(self):
        w = self.workload
        options = {} if self.train_metrics is None else {"train_metrics": self.train_metrics}
        self.history = self.model.fit(self.X, w.y_train, epochs=w.epochs, learning_rate=w.learning_rate,
                                      batch_size=w.batch_size, seed=w.seed, progress=False, **options)

    def accuracy(self):
        return self.model.accuracy(self.X_test, self.workload.y_test)

    def weights(self):
        return {name: value.astype(np.float64) for name, value in self.model.get_weights().items()}


def shuffles(workload):
    """The order of the examples in each epoch, as mlp's fit draws it: None for a full batch (no shuffle)."""
    m = len(workload.X_train)
    if workload.batch_size is None or workload.batch_size >= m:
        return None
    generator = np.random.default_rng(workload.seed)
    return lambda: generator.permutation(m)


@contextlib.contextmanager
def mlp_shuffles(workload):
    """scikit-learn's MLP shuffles its sample indices each epoch with ``sklearn.utils.shuffle``; for the time
    of a fit it gets mlp's permutations instead (the identity for a full batch, which mlp does not shuffle)."""
    next_order = shuffles(workload)
    original = sklearn_mlp.shuffle
    sklearn_mlp.shuffle = lambda indices, random_state=None: (np.arange(len(indices)) if next_order is None
                                                               else next_order())
    try:
        yield
    finally:
        sklearn_mlp.shuffle = original


class SklearnSystem:
    """scikit-learn's MLPClassifier with solver="sgd", momentum 0, alpha 0, a constant learning rate,
    and mlp's order of the examples in each epoch (``mlp_shuffles``).

    Its initial weights are set by a warm start: one untimed epoch creates the fitted
    attributes, then coefs_ and intercepts_ are overwritten with the workload's weights and
    ``fit`` runs every epoch again (warm_start=True keeps them, a new SGD optimiser is made).
    """

    name = "scikit-learn"

    def unavailable(self):
        return None

    def prepare(self, workload):
        self.workload = workload
        w = workload
        m = len(w.X_train)
        self.model = MLPClassifier(
            hidden_layer_sizes=tuple(w.layer_sizes[1:-1]),
            activation={"sigmoid": "logistic"}.get(w.hidden_activation, w.hidden_activation), solver="sgd", alpha=0.0,
            batch_size=m if w.batch_size is None else min(w.batch_size, m), learning_rate="constant",
            learning_rate_init=w.learning_rate, momentum=0.0, nesterovs_momentum=False, max_iter=1,
            shuffle=True, random_state=w.seed, tol=0.0, n_iter_no_change=10**9,
            early_stopping=False, warm_start=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model.fit(w.X_train, w.y_train)  # creates coefs_, the label binariser, ...
        initial = w.initial_weights()
        for index in range(_layer_count(initial)):
            self.model.coefs_[index] = initial[f"W{index + 1}"].copy()
            self.model.intercepts_[index] = initial[f"b{index + 1}"].copy()
        self.model.set_params(max_iter=w.epochs)

    def train(self):
        with warnings.catch_warnings(), mlp_shuffles(self.workload):
            warnings.simplefilter("ignore", ConvergenceWarning)  # it ran max_iter epochs, as asked
            self.model.fit(self.workload.X_train, self.workload.y_train)

    def accuracy(self):
        return float(self.model.score(self.workload.X_test, self.workload.y_test))

    def weights(self):
        weights = {}
        for index, (W, b) in enumerate(zip(self.model.coefs_, self.model.intercepts_), start=1):
            weights[f"W{index}"], weights[f"b{index}"] = W.copy(), b.copy()
        return weights


TORCH_ACTIVATIONS = {} if torch is None else {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}


class TorchSystem:
    """PyTorch on the CPU: nn.Linear and the workload's activation, torch.optim.SGD, the loss on logits, the usual loop.

    Mini-batches are cut from mlp's permutation of each epoch (no DataLoader, which would only add
    overhead). Threads: the same number as numpy's BLAS.
    """

    def __init__(self, dtype="float64"):
        self.dtype_name = dtype
        self.name = "PyTorch" if dtype == "float32" else f"PyTorch {dtype}"

    def unavailable(self):
        if torch is None:
            return "PyTorch is not installed (pip install torch==2.13.0, or make bench installs it)"
        return None

    def prepare(self, workload):
        self.workload = w = workload
        torch.set_num_threads(blas_threads())
        dtype = getattr(torch, self.dtype_name)
        self.X = torch.as_tensor(w.X_train, dtype=dtype)
        self.X_test = torch.as_tensor(w.X_test, dtype=dtype)
        if w.output_activation == "sigmoid":
            self.Y = torch.as_tensor(w.y_train, dtype=dtype)[:, None]
            self.loss = torch.nn.BCEWithLogitsLoss()
        else:
            self.Y = torch.as_tensor(w.y_train, dtype=torch.int64)
            self.loss = torch.nn.CrossEntropyLoss()
        initial = w.initial_weights()
        layers = []
        for index in range(_layer_count(initial)):
            W, b = initial[f"W{index + 1}"], initial[f"b{index + 1}"]
            linear = torch.nn.Linear(*W.shape, dtype=dtype)
            with torch.no_grad():
                linear.weight.copy_(torch.as_tensor(W.T))  # PyTorch stores W as (n_out, n_in)
                linear.bias.copy_(torch.as_tensor(b))
            layers += [linear, TORCH_ACTIVATIONS[w.hidden_activation]()]
        self.model = torch.nn.Sequential(*layers[:-1])  # no activation after the output layer: the loss takes logits
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=w.learning_rate, momentum=0.0)

    def train(self):
        w, next_order = self.workload, shuffles(self.workload)
        for _ in range(w.epochs):
            if next_order is None:
                batches = [(self.X, self.Y)]
            else:
                order = torch.from_numpy(next_order())  # mlp's permutation of this epoch
                batches = ((self.X[rows], self.Y[rows]) for rows in order.split(w.batch_size))
            for X_batch, Y_batch in batches:
                self.optimizer.zero_grad(set_to_none=True)
                self.loss(self.model(X_batch), Y_batch).backward()
                self.optimizer.step()

    def accuracy(self):
        with torch.no_grad():
            scores = self.model(self.X_test)
        if self.workload.output_activation == "sigmoid":
            predicted = (scores[:, 0] >= 0).numpy().astype(np.int64)
        else:
            predicted = scores.argmax(dim=1).numpy()
        return float(np.mean(predicted == self.workload.y_test))

    def weights(self):
        linears = [layer for layer in self.model if isinstance(layer, torch.nn.Linear)]
        weights = {}
        for index, linear in enumerate(linears, start=1):
            weights[f"W{index}"] = linear.weight.detach().numpy().T.astype(np.float64)
            weights[f"b{index}"] = linear.bias.detach().numpy().astype(np.float64)
        return weights


class FlatNumpy:
    """The same training written as one flat numpy loop, no classes (one hidden ReLU layer, as every
    workload has): the same products, the same fused loss and gradient, the same batch loss and
    accuracy recorded. The gap between it and "mlp" is what mlp's layers, optimiser and history cost.
    """

    name = "flat numpy loop"

    def unavailable(self):
        return None

    def prepare(self, workload):
        self.workload = w = workload
        if len(w.layer_sizes) != 3:
            raise ValueError(f"the flat loop has one hidden layer; got layer sizes {w.layer_sizes}")
        initial = w.initial_weights()
        self.W1, self.b1, self.W2, self.b2 = (initial[name].copy() for name in ("W1", "b1", "W2", "b2"))
        n_outputs = w.layer_sizes[-1]
        self.Y = (w.y_train[:, None] == (np.arange(n_outputs) if n_outputs > 1 else 1)).astype(np.float64)
        self.loss_and_dZ = sigmoid_cross_entropy if n_outputs == 1 else softmax_cross_entropy

    def train(self):
        w, X, Y = self.workload, self.workload.X_train, self.Y
        W1, b1, W2, b2, alpha, m = self.W1, self.b1, self.W2, self.b2, w.learning_rate, len(X)
        B = m if w.batch_size is None else w.batch_size
        rng = np.random.default_rng(w.seed)
        self.batch_losses = []
        for _ in range(w.epochs):
            order = np.arange(m) if B >= m else rng.permutation(m)
            loss_sum = correct = 0.0
            for start in range(0, m, B):
                rows = order[start:start + B]
                X_batch, Y_batch = X.take(rows, axis=0), Y.take(rows, axis=0)
                Z1 = X_batch @ W1 + b1
                A1 = np.maximum(Z1, 0.0)
                Z2 = A1 @ W2 + b2
                loss, dZ2 = self.loss_and_dZ(Z2, Y_batch)
                dW2, db2 = A1.T @ dZ2, dZ2.sum(axis=0)
                dZ1 = (dZ2 @ W2.T) * (Z1 > 0.0)
                dW1, db1 = X_batch.T @ dZ1, dZ1.sum(axis=0)
                W1 -= alpha * dW1
                b1 -= alpha * db1
                W2 -= alpha * dW2
                b2 -= alpha * db2
                loss_sum += loss * len(rows)
                if Z2.shape[1] == 1:
                    correct += np.count_nonzero((Z2 >= 0) == (Y_batch >= 0.5))
                else:
                    correct += np.count_nonzero(Z2.argmax(axis=1) == Y_batch.argmax(axis=1))
            self.batch_losses.append(loss_sum / m)

    def accuracy(self):
        Z2 = np.maximum(self.workload.X_test @ self.W1 + self.b1, 0.0) @ self.W2 + self.b2
        predicted = (Z2[:, 0] >= 0).astype(np.int64) if Z2.shape[1] == 1 else Z2.argmax(axis=1)
        return float(np.mean(predicted == self.workload.y_test))

    def weights(self):
        return {"W1": self.W1.copy(), "b1": self.b1.copy(), "W2": self.W2.copy(), "b2": self.b2.copy()}


class GemmFloor:
    """The matrix multiplications one training run needs, and nothing else (numpy, float64).

    Per step, for a batch of B rows and each layer l with W_l (n_{l-1}, n_l):
        forward   A_{l-1} @ W_l          (B, n_{l-1}) @ (n_{l-1}, n_l)
        backward  A_{l-1}.T @ dZ_l        the weight gradient
                  dZ_l @ W_l.T            the gradient passed down (not for the first layer:
                                          nobody needs dL/dX)
    No activation, loss, bias, update or data shuffling: any system's time is above this floor.
    """

    name = "GEMM floor"

    def unavailable(self):
        return None

    def prepare(self, workload):
        self.workload = workload
        rng = np.random.default_rng(0)
        sizes = workload.layer_sizes
        self.W = [rng.standard_normal((n_in, n_out)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.batches = workload.batch_sizes
        self.arrays = {}
        for B in set(self.batches):  # activations and dZ of every layer, for each batch size used
            self.arrays[B] = ([rng.standard_normal((B, n)) for n in sizes[:-1]],
                              [rng.standard_normal((B, n)) for n in sizes[1:]])
        self.multiplications = 0

    def train(self):
        count = 0
        for _ in range(self.workload.epochs):
            for B in self.batches:
                A, dZ = self.arrays[B]
                for l, W in enumerate(self.W):
                    A[l] @ W  # forward
                for l in reversed(range(len(self.W))):
                    A[l].T @ dZ[l]  # dW
                    if l > 0:
                        dZ[l] @ self.W[l].T  # dA of the layer below
                count += 3 * len(self.W) - 1
        self.multiplications = count

    def accuracy(self):
        return None

    def weights(self):
        return None


def all_systems() -> list:
    """Every system, in the order of the table. Unavailable ones say why in ``unavailable()``."""
    return [MlpSystem(), MlpSystem("end_of_epoch"), MlpSystem(dtype="float32"), SklearnSystem(),
            TorchSystem("float64"), TorchSystem("float32"),
            FlatNumpy(), GemmFloor()]
