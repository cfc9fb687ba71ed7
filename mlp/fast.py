"""The training loop's fast path: the clear forward and backward passes, computed in numpy's fastest form.

The lessons teach the clear code: ``mlp.activations``, ``Dense.forward`` / ``Dense.backward`` and
``MLP._forward_backward``, which make a new array for every intermediate result. ``fit`` runs the same
equations here instead, written for speed, out of the lessons' sight:

- every (m, n) result of a step goes into an array kept from the previous step of the same batch size
  (Z, f(Z), dA of each layer, every dW and db): no new memory to allocate and touch, and the arrays
  stay in the CPU's cache;
- every operation writes into its result (``out=``), so f'(Z) and dZ = dA * f'(Z) need no temporaries;
- with one example (stochastic gradient descent) dW = x^T dz is an outer product: a broadcast multiply,
  the same numbers as the matrix product, 2-3x faster than BLAS is at it;
- sigmoid is computed as 1 / (1 + e^(-z)): one exp and three cheap passes, about 3x faster than the
  clear version's two branches (which never let exp overflow; here e^(-z) overflows to inf for
  z < -709.78, and 1 / (1 + inf) = 0, where the true value is below 1e-308);
- binary cross-entropy with 0/1 labels folds its two halves into one (``sigmoid_cross_entropy``): half
  the numpy calls of the clear version, the same numbers bit for bit;
- measuring the loss (each epoch, on the validation data) runs the forward pass and the loss alone
  (``logits``, ``loss``), without the gradient the clear ``from_logits`` also computes.

The results are the clear path's: bit for bit for ReLU and tanh networks. For sigmoid each value is
within 2 ulps of the exact one, as the clear version's is, and trained weights agree to rounding
(tests/test_fast.py steps and trains both paths and compares). ``Dense.forward`` computes sigmoid with
this form too (``Activation.fast_function``); ``mlp.sigmoid`` stays the clear version.

The fast path covers what ``fit`` trains by default: hidden layers with sigmoid, tanh or ReLU, an output
layer whose loss is fused with it (sigmoid or softmax with cross-entropy), no dropout. Anything else
trains on the clear path (``covers`` says which).
"""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """sigma(z) = 1 / (1 + e^(-z)) for a float array z, into ``out`` (a new array if None)."""
    with np.errstate(over="ignore", under="ignore"):  # e^(-z): inf for z < -709.78, 0 for z > 745
        s = np.negative(z, out=out)  # -z
        np.exp(s, out=s)  # e^(-z)
        s += 1.0  # 1 + e^(-z)
        return np.reciprocal(s, out=s)  # 1 / (1 + e^(-z))


def tanh(z, out=None):
    """tanh(z), numpy's own (already its fastest exact form), into ``out``."""
    return np.tanh(z, out=out)


def relu(z, out=None):
    """max(z, 0), into ``out``."""
    return np.maximum(z, 0.0, out=out)


def times_sigmoid_derivative(dA, a, scratch):
    """dA := dA * sigma'(z), with sigma'(z) = a (1 - a) read off a = sigma(z), in place."""
    np.subtract(1.0, a, out=scratch)  # 1 - a
    scratch *= a  # a (1 - a), the clear version's a * (1.0 - a) bit for bit
    dA *= scratch


def times_tanh_derivative(dA, a, scratch):
    """dA := dA * tanh'(z), with tanh'(z) = 1 - a^2 read off a = tanh(z), in place."""
    np.multiply(a, a, out=scratch)  # a^2
    np.subtract(1.0, scratch, out=scratch)  # 1 - a^2
    dA *= scratch


def times_relu_derivative(dA, a, scratch=None):
    """dA := dA * ReLU'(z), with ReLU'(z) = 1 where a > 0, else 0, in place (needs no scratch array)."""
    np.multiply(dA, a > 0, out=dA)  # True/False multiply as 1/0: an eighth of the memory of a float array


# name: (f into out, dA := dA * f'(z) from a = f(z))
FAST_ACTIVATIONS = {
    "sigmoid": (sigmoid, times_sigmoid_derivative),
    "tanh": (tanh, times_tanh_derivative),
    "relu": (relu, times_relu_derivative),
}
FAST_FUNCTIONS = {"sigmoid": sigmoid}  # where the fast form differs from the clear function


def sigmoid_cross_entropy(Z, Y, gradient=True):
    """``mlp.losses.sigmoid_cross_entropy(Z, Y)`` for labels (every y is 0 or 1): (L, dZ), or L alone if not
    ``gradient``; the same numbers bit for bit, in half the numpy calls. With s = z where y = 0 and s = -z
    where y = 1, the clear version's weights (1 - y) and y are 1 and 0, and its two halves are one:
        L  = (1/m) sum_i softplus(s_i),  softplus(s) = max(s, 0) + ln(1 + e^(-|s|))
        dZ = (1/m) (1 - 2y) sigma(s),    sigma(s) = 1 / (1 + e^(-|s|)) for s >= 0, e^(-|s|) / (1 + e^(-|s|)) else
    Runs inside fit's ``np.errstate``: e^(-|s|) underflows to 0 for |s| > 745, correctly.
    """
    m = Z.shape[0]
    sign = 1.0 - 2.0 * Y  # +1 where y = 0, -1 where y = 1         (m, 1)
    s = sign * Z  # z or -z, exactly
    e = np.abs(s)
    np.negative(e, out=e)
    np.exp(e, out=e)  # e^(-|s|), in (0, 1]
    terms = np.maximum(s, 0.0)
    terms += np.log1p(e)  # softplus(s), each term of the loss
    loss = float(terms.sum() / m)
    if not gradient:
        return loss
    dZ = np.where(s >= 0, 1.0, e)
    dZ /= 1.0 + e  # sigma(s)
    dZ *= sign  # (1 - 2y) sigma(s) = sigma(z) - y
    dZ /= m
    return loss, dZ


def are_labels(*targets) -> bool:
    """Whether every value of the target arrays is 0 or 1 (then ``sigmoid_cross_entropy`` above applies)."""
    return all(bool(np.all((Y == 0.0) | (Y == 1.0))) for Y in targets)


def covers(model) -> bool:
    """Whether the fast path computes ``model``'s training steps (otherwise the clear path does)."""
    hidden, output = model.layers[:-1], model.layers[-1]
    return (model.fused and not getattr(model, "has_dropout", False)
            and all(layer.activation.name in FAST_ACTIVATIONS for layer in hidden)
            and not output.dropout)


class FastPath:
    """``MLP._forward_backward`` with arrays kept from step to step (for one training run).

    Leaves the model as the clear path does: each layer's ``cache`` (X, W, Z, activation), ``A`` and
    ``grads``; the gradients are arrays this object reuses, so the next step overwrites them (``fit``
    gives the model copies when it ends).
    """

    def __init__(self, model, labels=False):
        """``labels``: every target it will see is 0 or 1 (``are_labels``), for the fast binary cross-entropy."""
        self.model = model
        self.layers = model.layers
        binary = labels and model.loss.name == "binary_cross_entropy"
        self.loss_and_gradient = sigmoid_cross_entropy if binary else model.loss.from_logits
        self.loss = (lambda Z, Y: sigmoid_cross_entropy(Z, Y, gradient=False)) if binary else (
            lambda Z, Y: model.loss.from_logits(Z, Y)[0])  # the data loss of the output layer's Z, alone
        self.buffers = {}  # batch size m -> per layer: (Z, A, dA, scratch), each (m, n_out) or None if not needed
        self.grads = [{name: np.empty_like(value) for name, value in layer.params.items()} for layer in self.layers]

    def _arrays(self, m):
        if m not in self.buffers:
            if len(self.buffers) >= 2:  # mini-batches come in two sizes (the last may be smaller): keep few
                self.buffers.clear()
            self.buffers[m] = [self._layer_arrays(m, layer, layer is self.layers[-1]) for layer in self.layers]
        return self.buffers[m]

    def _layer_arrays(self, m, layer, output):
        """(Z, A, dA, scratch) of one layer for batches of m: the output layer needs only Z (its loss takes
        Z and gives dZ), a ReLU layer no scratch. Fewer arrays, less fresh memory to touch (on a full
        batch of 10000 x 512, each one is 40 MB)."""
        def new():
            return np.empty((m, layer.n_out), dtype=self.model.dtype)

        if output:
            return new(), None, None, None
        return new(), new(), new(), (None if layer.activation.name == "relu" else new())

    def forward_backward(self, X, Y, l2=0.0, l1=0.0, dropout_rng=None):
        """(the data loss of the current weights on (X, Y), Z of the output layer); fills every layer's grads."""
        layers, arrays = self.layers, self._arrays(X.shape[0])
        A = X
        for layer, (Z, A_out, _, _) in zip(layers, arrays):
            W, b = layer.params["W"], layer.params["b"]
            layer.cache = (A, W, Z, layer.activation)  # what the clear forward pass keeps
            np.matmul(A, W, out=Z)  # Z = A_prev @ W        (m, n_in) @ (n_in, n_out)
            Z += b
            if layer is layers[-1]:
                layer.A = layer.mask = None  # the fused loss takes Z: no f(Z) at the output
                break
            layer.A, layer.mask = FAST_ACTIVATIONS[layer.activation.name][0](Z, out=A_out), None
            A = A_out
        loss, dZ = self.loss_and_gradient(Z, Y)  # dZ of the output layer, (m, n_outputs)
        for number in range(len(layers) - 1, -1, -1):  # top down
            layer, grads = layers[number], self.grads[number]
            A_prev = layer.cache[0]
            if len(dZ) == 1:  # one example: dW is the outer product, each entry a single product (no sum)
                np.multiply(A_prev.T, dZ, out=grads["W"])  # (n_in, 1) * (1, n_out): 2-3x faster than matmul
            else:
                np.matmul(A_prev.T, dZ, out=grads["W"])  # dW = A_prev^T dZ   (n_in, n_out)
            dZ.sum(axis=0, out=grads["b"])  # db                             (n_out,)
            if l2:
                grads["W"] += l2 * layer.params["W"]  # the L2 penalty's gradient, lambda * W
            if l1:
                grads["W"] += l1 * np.sign(layer.params["W"])  # the L1 penalty's, l1 * sign(W)
            layer.grads = grads
            if number == 0:
                break  # nobody needs dL/dX of the data
            below = layers[number - 1]
            _, A_below, dA, scratch = arrays[number - 1]
            np.matmul(dZ, layer.params["W"].T, out=dA)  # dA_prev = dZ W^T   (m, n_in)
            FAST_ACTIVATIONS[below.activation.name][1](dA, A_below, scratch)  # dZ_prev = dA_prev * f'(Z_prev)
            dZ = dA
        return loss, layers[-1].cache[2]

    def logits(self, X):
        """Z of the output layer for X: the forward pass alone, in new arrays (nothing kept for a backward pass)."""
        A = X
        for layer in self.layers:
            Z = A @ layer.params["W"]  # (m, n_out)
            Z += layer.params["b"]
            if layer is self.layers[-1]:
                return Z
            A = FAST_ACTIVATIONS[layer.activation.name][0](Z, out=Z)

    def release(self):
        """Give every layer its own copy of its gradients, and let the buffers go."""
        for layer in self.layers:
            layer.grads = {name: value.copy() for name, value in layer.grads.items()}
        self.buffers.clear()
