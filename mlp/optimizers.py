"""Optimisers: how the gradients change the parameters, one step at a time.

With g = dL/dtheta, every update below is applied to each parameter theta on its own:

Gradient descent:  theta := theta - alpha g
Momentum:          v := beta v - alpha g;   theta := theta + v
Nesterov momentum: v := beta v - alpha g;   theta := theta + beta v - alpha g   (the step taken from where
                   momentum is about to carry theta: the "look-ahead" gradient, in Sutskever's form)
RMSProp:           s := rho s + (1 - rho) g^2;   theta := theta - alpha g / (sqrt(s) + eps)
Adam:              t := t + 1;  m := beta1 m + (1 - beta1) g;  s := beta2 s + (1 - beta2) g^2;
                   theta := theta - alpha m_hat / (sqrt(s_hat) + eps),
                   m_hat = m / (1 - beta1^t), s_hat = s / (1 - beta2^t)  (bias correction: m and s start at 0)
AdamW:             Adam, after theta := theta - alpha lambda theta for the weights (decoupled weight decay)

Batch, stochastic and mini-batch gradient descent are the same update; they differ in
how many examples the gradient is computed from (all m, 1, or a batch), which the
training loop decides (``batch_size``). ``step(model)`` updates every parameter the
model yields from ``params_and_grads()`` in place.

Where the conventions differ from PyTorch's (``torch.optim``), the docstrings say so; with a constant
learning rate all of them take PyTorch's steps exactly (tests/test_optimizers.py).
"""

from __future__ import annotations

import numpy as np

from .checks import check_positive
from .schedules import make_schedule


def _fraction(value, name: str, upper_open: bool = True) -> float:
    """A number in [0, 1) (or [0, 1]), else a TypeError/ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number in [0, 1); got {type(value).__name__} {value!r}")
    if not (0 <= value < 1 if upper_open else 0 <= value <= 1):
        raise ValueError(f"{name} must be a number in [0, 1{')' if upper_open else ']'}; got {value!r}")
    return float(value)


class Optimizer:
    """What every optimiser shares: a learning-rate schedule, set at the start of each epoch, and a
    state per parameter (velocity, squared-gradient average...), made on the first step."""

    def __init__(self, learning_rate):
        if not callable(learning_rate):
            check_positive(learning_rate, "learning_rate")
        self.schedule = make_schedule(learning_rate)
        self.state = {}
        self.start_epoch(0)

    def start_epoch(self, epoch: int) -> None:
        """Set the learning rate for epoch ``epoch`` from the schedule."""
        rate = self.schedule(epoch)
        check_positive(rate, f"the learning rate of epoch {epoch}")
        self.learning_rate = float(rate)

    def _state(self, name, param, count=1):
        """The parameter's state arrays (zeros of its shape at first)."""
        if name not in self.state:
            self.state[name] = [np.zeros_like(param) for _ in range(count)]
        return self.state[name]

    def step(self, model) -> None:
        raise NotImplementedError


class GradientDescent(Optimizer):
    """Gradient descent with optional momentum (plain or Nesterov) and a learning-rate schedule.

    Parameters
    ----------
    learning_rate : alpha > 0, or a schedule (callable epoch -> alpha), e.g. ``StepDecay(0.5)``.
    momentum : beta in [0, 1); 0 is plain gradient descent.
    nesterov : take the step from the look-ahead point (needs momentum > 0).

    The training loop calls ``start_epoch(t)`` so a schedule can set alpha_t.

    PyTorch's ``SGD(momentum=beta)`` keeps b := beta b + g and steps theta -= alpha b: its velocity
    holds gradients, ours holds steps (v = -alpha b). With a constant learning rate the two take the
    same steps; when the rate changes (a schedule), PyTorch applies the new rate to the whole history at
    once, while here each gradient keeps the rate it was taken with. (The same holds for Nesterov.)
    """

    def __init__(self, learning_rate=0.1, momentum: float = 0.0, nesterov: bool = False):
        self.momentum = _fraction(momentum, "momentum")
        if nesterov and not self.momentum:
            raise ValueError("nesterov=True needs momentum > 0 (Nesterov's look-ahead is a kind of momentum)")
        self.nesterov = bool(nesterov)
        super().__init__(learning_rate)

    @property
    def velocity(self) -> dict:
        """{parameter name: v}: the velocity of every parameter stepped so far."""
        return {name: arrays[0] for name, arrays in self.state.items()}

    def step(self, model) -> None:
        """Update every parameter of ``model`` in place from its current gradients."""
        alpha, beta = self.learning_rate, self.momentum
        for name, param, grad in model.params_and_grads():
            if not beta:
                param -= alpha * grad  # theta := theta - alpha g
                continue
            (v,) = self._state(name, param)
            v *= beta
            v -= alpha * grad  # v := beta v - alpha g
            if self.nesterov:
                param += beta * v - alpha * grad  # theta := theta + beta v - alpha g
            else:
                param += v  # theta := theta + v

    def __repr__(self):
        return (f"GradientDescent(learning_rate={self.schedule!r}, momentum={self.momentum}"
                f"{', nesterov=True' if self.nesterov else ''})")


class RMSProp(Optimizer):
    """Each parameter's step divided by a running root mean square of its gradients (Hinton, 2012).

    s := rho s + (1 - rho) g^2;   theta := theta - alpha g / (sqrt(s) + eps).
    Defaults as Keras's; PyTorch's ``RMSprop`` is the same update with rho = 0.99 (its ``alpha``).
    """

    def __init__(self, learning_rate=0.001, rho: float = 0.9, eps: float = 1e-8):
        self.rho = _fraction(rho, "rho")
        self.eps = check_positive(eps, "eps")
        super().__init__(learning_rate)

    def step(self, model) -> None:
        alpha, rho, eps = self.learning_rate, self.rho, self.eps
        for name, param, grad in model.params_and_grads():
            (s,) = self._state(name, param)
            s *= rho
            s += (1 - rho) * grad * grad  # s := rho s + (1 - rho) g^2
            param -= alpha * grad / (np.sqrt(s) + eps)  # theta := theta - alpha g / (sqrt(s) + eps)

    def __repr__(self):
        return f"RMSProp(learning_rate={self.schedule!r}, rho={self.rho}, eps={self.eps})"


class Adam(Optimizer):
    """Momentum and RMSProp together, with bias correction (Kingma and Ba, 2014).

    t := t + 1;  m := beta1 m + (1 - beta1) g;  s := beta2 s + (1 - beta2) g^2;
    theta := theta - alpha m_hat / (sqrt(s_hat) + eps),  m_hat = m / (1 - beta1^t),  s_hat = s / (1 - beta2^t).

    m and s start at 0, so early on they underestimate the gradient's mean and square; dividing by
    1 - beta^t undoes exactly that. Defaults as PyTorch's ``Adam``, whose update this is. ``fit``'s l2 adds
    lambda W to the gradient first, as PyTorch's ``Adam(weight_decay=lambda)`` does; for decoupled weight
    decay use ``AdamW``.
    """

    def __init__(self, learning_rate=0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.beta1, self.beta2 = _fraction(beta1, "beta1"), _fraction(beta2, "beta2")
        self.eps = check_positive(eps, "eps")
        self.t = 0  # steps taken
        super().__init__(learning_rate)

    def _decay(self, name, param) -> None:
        """AdamW's weight decay; nothing for Adam."""

    def step(self, model) -> None:
        self.t += 1
        alpha, beta1, beta2, eps = self.learning_rate, self.beta1, self.beta2, self.eps
        correction1, correction2 = 1 - beta1 ** self.t, 1 - beta2 ** self.t
        for name, param, grad in model.params_and_grads():
            self._decay(name, param)
            m, s = self._state(name, param, 2)
            m *= beta1
            m += (1 - beta1) * grad  # m := beta1 m + (1 - beta1) g
            s *= beta2
            s += (1 - beta2) * grad * grad  # s := beta2 s + (1 - beta2) g^2
            m_hat, s_hat = m / correction1, s / correction2
            param -= alpha * m_hat / (np.sqrt(s_hat) + eps)  # theta := theta - alpha m_hat / (sqrt(s_hat) + eps)

    def __repr__(self):
        return (f"{type(self).__name__}(learning_rate={self.schedule!r}, beta1={self.beta1}, beta2={self.beta2}, "
                f"eps={self.eps}{self._extra()})")

    def _extra(self) -> str:
        return ""


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019): before each Adam step,
    W := W - alpha lambda W for every weight matrix (not the biases, as the course's l2).

    With Adam, an L2 penalty's gradient lambda W is divided by sqrt(s_hat) like every gradient, so
    weights with large gradients are barely decayed; AdamW shrinks every weight by the same factor.
    PyTorch's ``AdamW`` decays every parameter, biases included, unless given parameter groups.
    """

    def __init__(self, learning_rate=0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                 weight_decay: float = 0.01):
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
        super().__init__(learning_rate, beta1, beta2, eps)

    def _decay(self, name, param) -> None:
        if self.weight_decay and name.startswith("W"):
            param *= 1 - self.learning_rate * self.weight_decay  # W := W - alpha lambda W

    def _extra(self) -> str:
        return f", weight_decay={self.weight_decay}"


OPTIMIZERS = {"sgd": GradientDescent, "gradient_descent": GradientDescent, "rmsprop": RMSProp, "adam": Adam,
              "adamw": AdamW}
