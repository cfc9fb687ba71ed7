"""The optimisers take the steps their equations say: against a hand-written version (one float at a time,
in plain Python) and, where PyTorch is installed, against ``torch.optim`` in float64.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import mlp
from mlp import Adam, AdamW, GradientDescent, RMSProp
from mlp.schedules import CosineDecay, Warmup, learning_rates, make_schedule

STEPS = 25


class Parameters:
    """A stand-in for a model: parameters by name and the gradients the test sets before each step."""

    def __init__(self, rng):
        self.params = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal(2), "W2": rng.standard_normal((2, 1))}
        self.grads = {}

    def params_and_grads(self):
        for name, value in self.params.items():
            yield name, value, self.grads[name]


def gradient_sequence(seed=0, steps=STEPS):
    rng = np.random.default_rng(seed)
    shapes = {"W1": (3, 2), "b1": (2,), "W2": (2, 1)}
    return [{name: rng.standard_normal(shape) * rng.choice([1e-3, 1.0, 30.0]) for name, shape in shapes.items()}
            for _ in range(steps)]


def run_mlp(optimizer, grads, rates=None):
    model = Parameters(np.random.default_rng(1))
    for step, gradient in enumerate(grads):
        if rates is not None:
            optimizer.learning_rate = rates[step]
        model.grads = gradient
        optimizer.step(model)
    return model.params


# --- hand-written: every update, one float at a time ------------------------------------------------------


def by_hand(update, grads, rates, **options):
    """Apply ``update(theta, g, state, alpha, t, name, **options) -> theta`` to every entry in plain floats."""
    params = {name: value.astype(float).tolist() for name, value in Parameters(np.random.default_rng(1)).params.items()}
    flat = {name: np.asarray(value, dtype=object).reshape(-1) for name, value in params.items()}
    states = {name: [dict() for _ in range(len(values))] for name, values in flat.items()}
    for t, (gradient, alpha) in enumerate(zip(grads, rates), start=1):
        for name in flat:
            g = np.asarray(gradient[name]).reshape(-1)
            for i in range(len(flat[name])):
                flat[name][i] = update(float(flat[name][i]), float(g[i]), states[name][i], alpha, t, name, **options)
    return {name: np.array(values, dtype=float).reshape(np.shape(params[name])) for name, values in flat.items()}


def sgd_by_hand(theta, g, state, alpha, t, name, momentum=0.0, nesterov=False):
    if not momentum:
        return theta - alpha * g
    v = momentum * state.get("v", 0.0) - alpha * g
    state["v"] = v
    return theta + momentum * v - alpha * g if nesterov else theta + v


def rmsprop_by_hand(theta, g, state, alpha, t, name, rho=0.9, eps=1e-8):
    s = rho * state.get("s", 0.0) + (1 - rho) * g * g
    state["s"] = s
    return theta - alpha * g / (math.sqrt(s) + eps)


def adam_by_hand(theta, g, state, alpha, t, name, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    if weight_decay and name.startswith("W"):
        theta = theta - alpha * weight_decay * theta
    m = beta1 * state.get("m", 0.0) + (1 - beta1) * g
    s = beta2 * state.get("s", 0.0) + (1 - beta2) * g * g
    state["m"], state["s"] = m, s
    m_hat, s_hat = m / (1 - beta1**t), s / (1 - beta2**t)
    return theta - alpha * m_hat / (math.sqrt(s_hat) + eps)


CASES = [
    ("gradient descent", lambda: GradientDescent(0.1), sgd_by_hand, {}),
    ("momentum", lambda: GradientDescent(0.1, momentum=0.9), sgd_by_hand, {"momentum": 0.9}),
    ("nesterov", lambda: GradientDescent(0.1, momentum=0.9, nesterov=True), sgd_by_hand,
     {"momentum": 0.9, "nesterov": True}),
    ("rmsprop", lambda: RMSProp(0.01), rmsprop_by_hand, {}),
    ("adam", lambda: Adam(0.01), adam_by_hand, {}),
    ("adamw", lambda: AdamW(0.01, weight_decay=0.1), adam_by_hand, {"weight_decay": 0.1}),
]


@pytest.mark.parametrize("name, make, update, options", CASES, ids=[case[0] for case in CASES])
@pytest.mark.parametrize("changing_rate", [False, True])
def test_each_optimizer_takes_the_steps_its_equations_say(name, make, update, options, changing_rate):
    grads = gradient_sequence()
    optimizer = make()
    rates = [optimizer.learning_rate * (0.5 + 0.05 * t) if changing_rate else optimizer.learning_rate
             for t in range(STEPS)]
    ours = run_mlp(optimizer, grads, rates)
    expected = by_hand(update, grads, rates, **options)
    for key in ours:
        np.testing.assert_allclose(ours[key], expected[key], rtol=1e-12, atol=1e-15)


def test_adam_bias_correction_makes_the_first_step_alpha_in_size():
    """With m and s starting at 0, the corrected first step is alpha * g / (|g| + eps): about alpha per entry."""
    model = Parameters(np.random.default_rng(1))
    before = {k: v.copy() for k, v in model.params.items()}
    model.grads = {k: np.full_like(v, 1e-4) for k, v in model.params.items()}
    Adam(0.01).step(model)
    for key in before:
        np.testing.assert_allclose(before[key] - model.params[key], 0.01, rtol=1e-3)


def test_adamw_decays_weights_not_biases():
    model = Parameters(np.random.default_rng(1))
    model.grads = {k: np.zeros_like(v) for k, v in model.params.items()}
    before = {k: v.copy() for k, v in model.params.items()}
    AdamW(0.1, weight_decay=0.5).step(model)
    np.testing.assert_allclose(model.params["W1"], before["W1"] * (1 - 0.1 * 0.5))
    np.testing.assert_array_equal(model.params["b1"], before["b1"])


def test_the_options_are_checked():
    for call, said in [(lambda: Adam(beta1=1.0), "beta1 must be a number in [0, 1)"),
                       (lambda: RMSProp(rho=-0.1), "rho must be a number in [0, 1)"),
                       (lambda: GradientDescent(0.1, nesterov=True), "nesterov=True needs momentum > 0"),
                       (lambda: AdamW(weight_decay=-1), "weight_decay must be a zero or positive number"),
                       (lambda: Adam(learning_rate=0), "learning_rate must be a positive number")]:
        with pytest.raises(ValueError, match=None) as excinfo:
            call()
        assert said in str(excinfo.value)


@pytest.mark.parametrize("name", ["sgd", "rmsprop", "adam", "adamw"])
def test_fit_takes_an_optimizer_by_name_and_learns_the_moons(name):
    X, y = mlp.data.make_moons(200, noise=0.2, seed=0)
    net = mlp.MLP([2, 16, 1], seed=0)
    net.fit(X, y, epochs=150, optimizer=name, learning_rate=0.5 if name == "sgd" else 0.01, batch_size=32, seed=0,
            progress=False)
    assert net.accuracy(X, y) > 0.93  # (the moons overlap: about 0.97 is the best; seeds 0-5 give 0.945-0.985)


# --- schedules ------------------------------------------------------------------------------------------------


def test_cosine_decay_and_warmup():
    rates = learning_rates(CosineDecay(0.1, epochs=10, minimum=0.001), 14)
    assert rates[0] == 0.1 and all(a > b for a, b in zip(rates[:9], rates[1:10]))
    assert rates[5] == pytest.approx(0.001 + 0.099 * 0.5) and rates[10:] == [rates[9]] * 4
    warm = learning_rates(make_schedule(0.1, "cosine", epochs=10, warmup=4), 10)
    assert warm[:4] == pytest.approx([CosineDecay(0.1, 10)(t) * (t + 1) / 4 for t in range(4)])
    assert warm[4:] == pytest.approx(learning_rates(CosineDecay(0.1, 10), 10)[4:])
    with pytest.raises(ValueError):
        CosineDecay(0.1, epochs=10, minimum=0.2)
    with pytest.raises(TypeError):
        Warmup(0.1, 3)


# --- PyTorch, where installed ---------------------------------------------------------------------------------


def torch_steps(torch_optimizer, grads, rates, **options):
    torch = pytest.importorskip("torch")
    start = Parameters(np.random.default_rng(1)).params
    tensors = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True) for name, value in start.items()}
    groups = [{"params": [tensors[n] for n in tensors if n.startswith("W")]},
              {"params": [tensors[n] for n in tensors if not n.startswith("W")], "weight_decay": 0.0}]
    optimizer = torch_optimizer(groups, lr=rates[0], **options)
    for gradient, rate in zip(grads, rates):
        for group in optimizer.param_groups:
            group["lr"] = rate
        for name, tensor in tensors.items():
            tensor.grad = torch.tensor(gradient[name], dtype=torch.float64)
        optimizer.step()
    return {name: tensor.detach().numpy() for name, tensor in tensors.items()}


TORCH_CASES = [
    ("SGD", lambda: GradientDescent(0.1), {}),
    ("SGD", lambda: GradientDescent(0.1, momentum=0.9), {"momentum": 0.9}),
    ("SGD", lambda: GradientDescent(0.1, momentum=0.9, nesterov=True), {"momentum": 0.9, "nesterov": True}),
    ("RMSprop", lambda: RMSProp(0.01, rho=0.9), {"alpha": 0.9, "eps": 1e-8}),
    ("Adam", lambda: Adam(0.01), {"eps": 1e-8}),
    ("AdamW", lambda: AdamW(0.01, weight_decay=0.1), {"weight_decay": 0.1, "eps": 1e-8}),
]


@pytest.mark.parametrize("torch_name, make, options", TORCH_CASES,
                         ids=["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"])
def test_with_a_constant_learning_rate_each_optimizer_takes_pytorchs_steps(torch_name, make, options):
    torch = pytest.importorskip("torch")
    grads = gradient_sequence(3)
    optimizer = make()
    rates = [optimizer.learning_rate] * STEPS
    ours = run_mlp(optimizer, grads, rates)
    theirs = torch_steps(getattr(torch.optim, torch_name), grads, rates, **options)
    for key in ours:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-10, atol=1e-13)


def test_momentum_differs_from_pytorchs_once_the_learning_rate_changes():
    """PyTorch keeps b := beta b + g and steps alpha_t b: a new rate rescales the whole history. Here
    v := beta v - alpha_t g: each gradient keeps the rate it came with. Equal for a constant rate."""
    grads = gradient_sequence(4)
    rates = [0.1 * 0.8**t for t in range(STEPS)]
    ours = run_mlp(GradientDescent(0.1, momentum=0.9), grads, rates)

    def pytorch_convention(theta, g, state, alpha, t, name):
        b = 0.9 * state.get("b", 0.0) + g if "b" in state else g  # PyTorch's first step: b = g
        state["b"] = b
        return theta - alpha * b

    theirs = by_hand(pytorch_convention, grads, rates)
    assert not np.allclose(ours["W1"], theirs["W1"], rtol=1e-6)
    constant = [0.1] * STEPS
    np.testing.assert_allclose(run_mlp(GradientDescent(0.1, momentum=0.9), grads, constant)["W1"],
                               by_hand(pytorch_convention, grads, constant)["W1"], rtol=1e-12)
    try:
        import torch
    except ImportError:  # (the hand-written PyTorch convention above is then the evidence)
        return
    np.testing.assert_allclose(torch_steps(torch.optim.SGD, grads, rates, momentum=0.9)["W1"], theirs["W1"],
                               rtol=1e-10)
