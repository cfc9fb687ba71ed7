"""The multilayer perceptron: a stack of dense layers, its loss, forward and backward.

For ``MLP([2, 4, 1])`` and m examples (X is (m, 2)):

    Z1 = X  @ W1 + b1    (m, 4)    W1 (2, 4), b1 (4,)
    A1 = relu(Z1)        (m, 4)
    Z2 = A1 @ W2 + b2    (m, 1)    W2 (4, 1), b2 (1,)
    A2 = sigmoid(Z2)     (m, 1)    the predicted probability of class 1
    L  = binary cross-entropy of A2 against y

Backward runs the chain rule from L to every parameter. With a sigmoid output and
binary cross-entropy (or softmax and categorical cross-entropy) the output layer's
gradient is the fused dZ2 = (A2 - Y) / m, exact for any Z2.
"""

from __future__ import annotations

import inspect

import numpy as np

from .activations import get_activation
from .checks import as_float_array, check_finite, check_layer_sizes, check_matrix, check_options, check_positive
from .layers import Dense
from .losses import get_loss
from .rng import make_rng
from .targets import targets_for
from .training import train

# train()'s keyword options, and what other libraries call some of them (for "did you mean ...?").
TRAIN_OPTIONS = [name for name in inspect.signature(train).parameters if name not in ("model", "X", "y")]
OTHER_LIBRARIES_NAMES = {"lr": "learning_rate", "learning_rate_init": "learning_rate", "n_epochs": "epochs",
                         "max_iter": "epochs", "num_epochs": "epochs", "alpha": "l2", "weight_decay": "l2",
                         "batch": "batch_size", "random_state": "seed", "verbose": "progress"}

_DEFAULT_LOSS = {"sigmoid": "binary_cross_entropy", "softmax": "categorical_cross_entropy"}


def _float_dtype(dtype) -> np.dtype:
    try:
        checked = np.dtype(dtype)
    except TypeError:
        checked = None
    if checked not in (np.float64, np.float32):
        raise ValueError(f"dtype must be 'float64' or 'float32'; got {dtype!r}")
    return checked


class MLP:
    """A fully connected network of any depth.

    Parameters
    ----------
    layer_sizes : [n_features, hidden units..., n_outputs], e.g. [2, 16, 1].
    hidden_activation : one name for every hidden layer (e.g. "relu"), or a list with
        one name per hidden layer.
    output_activation : "sigmoid" (binary), "softmax" (C classes), "linear" (regression), ...
    loss : a loss name, or "auto": binary cross-entropy for sigmoid, categorical
        cross-entropy for softmax, mean squared error otherwise.
    init : weight initialiser name, or "auto" (He for ReLU-like layers, Xavier otherwise).
    seed : int or numpy.random.Generator; the same seed gives bit-identical weights.
    dtype : "float64" (default) or "float32": the network computes in float32 (half the memory,
        about twice as fast on large matrices, 7 significant digits; gradient checks need float64).
    dropout : the fraction p of each hidden layer's units dropped at random in every training step
        (inverted dropout: the kept ones are scaled by 1 / (1 - p)); one number, or a list with one per
        hidden layer. Only ``fit`` drops units, with the generator of its ``seed``; ``forward``,
        ``predict``, the loss and gradient checks see the whole network.

    Attributes
    ----------
    layers : list of Dense; ``params`` {"W1": ..., "b1": ...}; ``grads`` {"dW1": ..., "db1": ...}.
    """

    def __init__(self, layer_sizes, hidden_activation="relu", output_activation="sigmoid",
                 loss="auto", init="auto", seed=None, dtype="float64", dropout=0.0):
        sizes = check_layer_sizes(layer_sizes)
        self.dtype = _float_dtype(dtype)
        n_hidden = len(sizes) - 2
        if isinstance(hidden_activation, (list, tuple)):
            if len(hidden_activation) != n_hidden:
                raise ValueError(
                    f"hidden_activation lists {len(hidden_activation)} activation(s) but the network has "
                    f"{n_hidden} hidden layer(s); expected one activation per hidden layer"
                )
            hidden = list(hidden_activation)
        else:
            hidden = [hidden_activation] * n_hidden
        activations = [get_activation(name) for name in hidden + [output_activation]]
        self.output_activation = activations[-1]
        if self.output_activation.name == "softmax" and sizes[-1] < 2:
            raise ValueError(
                f"a softmax output layer needs one unit per class, at least 2; got {sizes[-1]}. "
                f"For two classes use 1 sigmoid unit or 2 softmax units"
            )
        self.loss = get_loss(_DEFAULT_LOSS.get(self.output_activation.name, "mean_squared_error")
                             if loss == "auto" else loss)
        if self.loss.fused_activation and self.loss.fused_activation != self.output_activation.name:
            raise ValueError(
                f"{self.loss.name} needs a {self.loss.fused_activation} output layer (its outputs must be "
                f"probabilities); got output_activation {self.output_activation.name!r}"
            )
        # The fused gradient dZ = (A - Y) / m applies when the loss matches the output.
        self.fused = self.loss.fused_activation == self.output_activation.name
        rates = list(dropout) if isinstance(dropout, (list, tuple)) else [dropout] * n_hidden
        if len(rates) != n_hidden:
            raise ValueError(f"dropout lists {len(rates)} rate(s) but the network has {n_hidden} hidden layer(s); "
                             f"expected one rate per hidden layer")
        rng = make_rng(seed)
        self.layers = [
            Dense(n_in, n_out, activation, init, rng, number=number, dtype=self.dtype, dropout=rate)
            for number, (n_in, n_out, activation, rate) in enumerate(
                zip(sizes[:-1], sizes[1:], activations, rates + [0.0]), start=1)
        ]

    # --- structure -------------------------------------------------------------------

    @property
    def layer_sizes(self) -> list[int]:
        return [self.layers[0].n_in] + [layer.n_out for layer in self.layers]

    @property
    def n_features(self) -> int:
        return self.layers[0].n_in

    @property
    def n_outputs(self) -> int:
        return self.layers[-1].n_out

    @property
    def params(self) -> dict:
        """{"W1": W1, "b1": b1, "W2": ...}: the layers' own arrays (not copies)."""
        return {f"{name}{number}": value
                for number, layer in enumerate(self.layers, start=1)
                for name, value in layer.params.items()}

    @property
    def grads(self) -> dict:
        """{"dW1": dW1, "db1": db1, ...} from the last backward pass; same shapes as params."""
        return {f"d{name}{number}": value
                for number, layer in enumerate(self.layers, start=1)
                for name, value in layer.grads.items()}

    def params_and_grads(self):
        """Yield (name, parameter, gradient) for every parameter, e.g. ("W1", W1, dW1)."""
        for layer in self.layers:
            for key, name in layer.param_names.items():  # key "W", name "W1"
                yield name, layer.params[key], layer.grads[key]

    @property
    def n_params(self) -> int:
        """The number of trainable numbers: sum over layers of n_in * n_out + n_out."""
        return sum(value.size for value in self.params.values())

    def get_weights(self) -> dict:
        """A copy of every parameter, by name."""
        return {name: value.copy() for name, value in self.params.items()}

    def set_weights(self, weights: dict) -> None:
        """Overwrite the parameters (in place) with copies of ``weights``, checking names and shapes."""
        params = self.params
        if set(weights) != set(params):
            raise ValueError(f"weights must have the keys {sorted(params)}; got {sorted(weights)}")
        new = {name: as_float_array(value, name) for name, value in weights.items()}
        for name, value in new.items():  # check everything before changing anything
            if value.shape != params[name].shape:
                raise ValueError(f"{name} must have shape {params[name].shape}; got {value.shape}")
            check_finite(value, name, "weights must be numbers (a diverged training run leaves NaN; start again "
                                      "from fresh weights with a smaller learning rate)")
        for name, value in new.items():
            params[name][...] = value

    # --- forward and loss ------------------------------------------------------------

    def _check_X(self, X, name="X"):
        W1 = self.layers[0].W
        return check_matrix(X, name, n_features=self.n_features,
                            expected_by=f"the network (W1 has shape {W1.shape})", dtype=self.dtype)

    def targets(self, y, m: int | None = None, names=("X", "y")) -> np.ndarray:
        """The target matrix Y (m, n_outputs) for labels y: one-hot for softmax, a column for sigmoid.

        m : the number of examples y must have; names : what the learner calls X and y, for messages.
        """
        kind = {"sigmoid": "binary", "softmax": "categorical"}.get(self.output_activation.name, "regression")
        return targets_for(y, self.n_outputs, kind, m, names).astype(self.dtype, copy=False)

    def forward(self, X) -> np.ndarray:
        """The network's output for X (m, n_features): shape (m, n_outputs).

        Each layer keeps what its backward pass needs (its input and Z).
        """
        return self._forward(self._check_X(X))

    @property
    def has_dropout(self) -> bool:
        return any(layer.dropout for layer in self.layers)

    def _forward(self, X, activate_output=True, dropout_rng=None):
        """Every layer in turn; ``activate_output=False`` stops at Z of the output layer.
        ``dropout_rng``: a training pass, in which the hidden layers drop units (see ``dropout``)."""
        A = X
        for layer in self.layers[:-1]:
            A = layer.forward(A, dropout_rng=dropout_rng)  # (m, n_out of this layer)
        return self.layers[-1].forward(A, activate_output)  # (m, n_outputs)

    def _loss_of_output(self, Y, l2, l1=0.0):
        """The loss of the last forward pass against Y, from the output layer's cache, plus the penalties."""
        output_layer = self.layers[-1]
        if self.fused:
            Z = output_layer.cache[2]
            value = self.loss.with_logits(Z, Y)  # exact even where A rounds to 0 or 1
        else:
            value = self.loss.function(self._output(), Y)
        return value + self._penalty(l2, l1)

    def _penalty(self, l2, l1=0.0):
        """(l2 / 2) * sum of every squared weight + l1 * sum of every |weight| (not the biases); 0 when both are 0."""
        penalty = 0.0
        if l2:
            penalty += 0.5 * l2 * sum(float(np.sum(layer.W * layer.W)) for layer in self.layers)
        if l1:
            penalty += l1 * sum(float(np.sum(np.abs(layer.W))) for layer in self.layers)
        return penalty

    def _output(self):
        X, W, Z, activation = self.layers[-1].cache
        return activation(Z)

    def loss_value(self, X, y, l2: float = 0.0, l1: float = 0.0) -> float:
        """The loss on (X, y), plus (l2 / 2) * sum of squared weights and l1 * sum of |weights|."""
        check_positive(l2, "l2", allow_zero=True)
        check_positive(l1, "l1", allow_zero=True)
        X = self._check_X(X)
        Y = self.targets(y, len(X))
        self._forward(X)
        return self._loss_of_output(Y, l2, l1)

    # --- backward --------------------------------------------------------------------

    def backward(self, y, l2: float = 0.0, l1: float = 0.0) -> dict:
        """Gradients of the loss for the examples of the last ``forward`` call.

        Returns ``grads``: {"dW1": (n_0, n_1), "db1": (n_1,), ...}, each the same shape as
        its parameter. The penalties' gradients l2 * W and l1 * sign(W) are added to each dW.
        """
        check_positive(l2, "l2", allow_zero=True)
        check_positive(l1, "l1", allow_zero=True)
        if self.layers[-1].cache is None:
            raise RuntimeError("backward() needs a forward() first: call model.forward(X) before model.backward(y)")
        m = self.layers[-1].cache[2].shape[0]
        return self._backward(self.targets(y, m), l2, l1)

    def _backward(self, Y, l2=0.0, l1=0.0):
        """The backward pass of the last forward pass against Y (m, n_outputs): fills ``grads``."""
        output_layer = self.layers[-1]
        Z = output_layer.cache[2]  # (m, n_outputs)
        if self.fused:
            dZ = self.loss.from_logits(Z, Y)[1]  # (A - Y) / m
        else:
            dZ = output_layer.activation.backward(self.loss.gradient(self._output(), Y), Z)
        self._backward_from_output_dZ(dZ, l2, l1)
        return self.grads

    def _backward_from_output_dZ(self, dZ, l2, l1=0.0):
        """The chain rule from dZ of the output layer down to W1: every dW and db."""
        dA = self.layers[-1].backward_from_dZ(dZ, need_dX=len(self.layers) > 1)
        for number in range(len(self.layers) - 1, 0, -1):  # the hidden layers, top down
            dA = self.layers[number - 1].backward(dA, need_dX=number > 1)  # dX of layer 1 is not needed
        for layer in self.layers:
            if l2:
                layer.grads["W"] = layer.grads["W"] + l2 * layer.W  # the L2 penalty's gradient, lambda * W
            if l1:
                layer.grads["W"] = layer.grads["W"] + l1 * np.sign(layer.W)  # the L1 penalty's, l1 * sign(W)

    def _forward_backward(self, X, Y, l2=0.0, l1=0.0, dropout_rng=None):
        """One training step's two passes on a batch (X, Y already checked).

        Fills ``grads`` and returns (the data loss of the current weights, without the penalties;
        Z of the output layer, (m, n_outputs)). With a fused loss the output layer stops at Z:
        the loss and dZ = (A - Y) / m both come from Z in one call.
        """
        if self.fused:
            Z = self._forward(X, activate_output=False, dropout_rng=dropout_rng)
            loss, dZ = self.loss.from_logits(Z, Y)
        else:
            A = self._forward(X, dropout_rng=dropout_rng)
            Z = self.layers[-1].cache[2]
            loss = self.loss.function(A, Y)
            dZ = self.layers[-1].activation.backward(self.loss.gradient(A, Y), Z)
        self._backward_from_output_dZ(dZ, l2, l1)
        return loss, Z

    def loss_and_gradients(self, X, y, l2: float = 0.0, l1: float = 0.0):
        """One forward and one backward pass: (loss with the penalties, grads)."""
        check_positive(l2, "l2", allow_zero=True)
        check_positive(l1, "l1", allow_zero=True)
        X = self._check_X(X)
        Y = self.targets(y, len(X))
        loss, _ = self._forward_backward(X, Y, l2, l1)
        return loss + self._penalty(l2, l1), self.grads

    def classes_from_output_Z(self, Z) -> np.ndarray:
        """Predicted classes (m,) from Z of the output layer: z >= 0 (P >= 0.5) for one sigmoid unit,
        the largest score (the most probable class) for softmax. Both activations keep the order of z,
        so deciding on Z is the same as deciding on P, without rounding P first."""
        if self.output_activation.name == "softmax":
            return Z.argmax(axis=1)
        classes = (Z >= 0).astype(np.int64)
        return classes[:, 0] if self.n_outputs == 1 else classes

    # --- predictions -----------------------------------------------------------------

    def predict_proba(self, X) -> np.ndarray:
        """Output probabilities: (m, 1) P(class 1) for a sigmoid output, (m, C) for softmax."""
        return self.forward(X)

    def predict(self, X) -> np.ndarray:
        """Predicted classes (m,): P >= 0.5 for one sigmoid unit, the most probable class for
        softmax; the raw output (m, n_outputs) for regression."""
        if self.output_activation.name in ("sigmoid", "softmax"):
            return self.classes_from_output_Z(self._forward(self._check_X(X), activate_output=False))
        output = self.forward(X)
        return output[:, 0] if self.n_outputs == 1 else output

    def accuracy(self, X, y) -> float:
        """The fraction of examples whose predicted class equals the label."""
        if self.output_activation.name not in ("sigmoid", "softmax"):
            raise ValueError(f"accuracy needs a classifier (sigmoid or softmax output); this network's output is "
                             f"{self.output_activation.name!r}")
        X = self._check_X(X)
        Y = self.targets(y, len(X))
        if self.output_activation.name == "softmax":
            labels = Y.argmax(axis=1)
        else:
            labels = (Y >= 0.5).astype(np.int64)
            labels = labels[:, 0] if self.n_outputs == 1 else labels
        return float(np.mean(self.predict(X) == labels))

    score = accuracy

    def fit(self, X, y, **options):
        """Train on (X, y); see ``mlp.training.train`` for the options. Returns the History.

        Calling fit again continues from the current weights, but with a new optimiser (momentum
        starts from 0), the schedule from epoch 0 and a new shuffle: pass the same ``optimizer``
        to keep its velocity.
        """
        check_options(options, TRAIN_OPTIONS, "fit()", OTHER_LIBRARIES_NAMES)
        return train(self, X, y, **options)

    # --- display ---------------------------------------------------------------------

    def summary(self) -> str:
        """One line per layer with every shape, for m examples."""
        lines = [f"{'layer':<7}{'W':<14}{'b':<10}{'activation':<12}{'output':<12}params"]
        for number, layer in enumerate(self.layers, start=1):
            lines.append(
                f"{number:<7}{str(layer.W.shape):<14}{str(layer.b.shape):<10}{layer.activation.name:<12}"
                f"{f'(m, {layer.n_out})':<12}{layer.W.size + layer.b.size}"
            )
        lines.append(f"loss: {self.loss.name}; total parameters: {self.n_params}")
        return "\n".join(lines)

    def __repr__(self):
        hidden = [layer.activation.name for layer in self.layers[:-1]]
        hidden_text = hidden[0] if len(set(hidden)) == 1 else hidden
        if not hidden:
            hidden_text = "relu"
        return (f"MLP({self.layer_sizes}, hidden_activation={hidden_text!r}, "
                f"output_activation={self.output_activation.name!r}, loss={self.loss.name!r}"
                f"{', dtype=' + repr(self.dtype.name) if self.dtype != np.float64 else ''})")

