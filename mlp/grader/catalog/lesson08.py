"""Exercises of lesson 8: optimisers (Adam, Nesterov momentum, warmup with cosine decay).

The references are written out here with numpy and math only: they never call mlp.optimizers or
mlp.schedules, which a learner may not use either (tests/test_exercises_08.py checks that they agree).
"""


import math

import numpy as np

from .. import inputs
from ..checking import Exercise
from ..diagnosis import diagnose

TITLE = "Optimisers"  # the lesson's title, as its notebook says (progress() shows it)


# --- 08.adam_step --------------------------------------------------------------------------------------


def adam_step(params, grads, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step (t = 1 for the first step), as new dicts: (new_params, new_m, new_v).

    m := beta1 m + (1 - beta1) g;  v := beta2 v + (1 - beta2) g^2;
    m_hat = m / (1 - beta1^t);  v_hat = v / (1 - beta2^t);  theta := theta - alpha m_hat / (sqrt(v_hat) + eps).
    """
    new_params, new_m, new_v = {}, {}, {}
    for name, value in params.items():
        g = grads["d" + name]
        new_m[name] = beta1 * m[name] + (1 - beta1) * g
        new_v[name] = beta2 * v[name] + (1 - beta2) * g * g
        m_hat = new_m[name] / (1 - beta1 ** t)
        v_hat = new_v[name] / (1 - beta2 ** t)
        new_params[name] = value - learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return new_params, new_m, new_v


def adam_inputs(rng, trial):
    rows, columns = inputs.shape(rng, trial)
    scale = inputs.scale(trial)
    params = {"W1": rng.standard_normal((rows, columns)), "b1": rng.standard_normal(columns)}
    # gradients of very different sizes (0.01 to 1000), where eps and the square root matter
    grads = {"d" + name: scale * rng.standard_normal(value.shape) * 10.0 ** rng.integers(-2, 1, value.shape)
             for name, value in params.items()}
    first = trial % 2 == 0  # every other trial: the very first step, from zero state
    m = {name: np.zeros_like(value) if first else rng.standard_normal(value.shape) for name, value in params.items()}
    v = {name: np.zeros_like(value) if first else rng.uniform(0.0, 2.0, value.shape) ** 2
         for name, value in params.items()}
    t = 1 if first else int(rng.integers(2, 40))
    return (params, grads, m, v, t, float(rng.choice([0.001, 0.01, 0.1])), float(rng.choice([0.9, 0.8, 0.5])),
            float(rng.choice([0.999, 0.99, 0.9])), float(rng.choice([1e-8, 1e-4, 0.1])))


ADAM_EXAMPLE = ({"W1": np.array([[1.0, 2.0]]), "b1": np.array([0.5])},
                {"dW1": np.array([[0.5, -1.0]]), "db1": np.array([2.0])},
                {"W1": np.array([[0.1, -0.2]]), "b1": np.array([0.0])},
                {"W1": np.array([[0.001, 0.004]]), "b1": np.array([0.0])},
                2, 0.1, 0.9, 0.999, 1e-8)


def _adam_variants(params, grads, m, v, t, learning_rate, beta1, beta2, eps):
    """What the typical Adam mistakes compute (new params only), by the message that names them."""

    def step(t_used, corrected=True, eps_inside=False):
        out = {}
        with np.errstate(all="ignore"):
            for name, value in params.items():
                g = grads["d" + name]
                m_new, v_new = beta1 * m[name] + (1 - beta1) * g, beta2 * v[name] + (1 - beta2) * g * g
                m_hat = m_new / (1 - beta1 ** t_used) if corrected else m_new
                v_hat = v_new / (1 - beta2 ** t_used) if corrected else v_new
                root = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
                out[name] = value - learning_rate * m_hat / root
        return out

    return {
        "without the bias correction: divide m by 1 - beta1**t and v by 1 - beta2**t (m and v start at 0, so "
        "without it the first steps are far too small or too large)": step(t, corrected=False),
        "with the bias correction of the step before (t - 1): t is the number of this step, 1 on the first "
        "step": step(t - 1),
        "with the bias correction of the step after (t + 1): t is the number of this step, 1 on the first step, "
        "and needs no + 1": step(t + 1),
        "with eps inside the square root: the lesson's formula adds eps after it, sqrt(v_hat) + eps":
            step(t, eps_inside=True),
    }


def _which_part(actual, expected, names):
    """'your new_m: W1 is not right ...': the general diagnosis, naming which dict of the result is wrong."""
    for name, got, wanted in zip(names, actual, expected):
        problem = diagnose(got, wanted)
        if problem:
            return f"your {name} is wrong: {problem}"
    return None


def _same(got, wanted) -> bool:
    return isinstance(got, dict) and set(got) == set(wanted) and all(
        np.shape(got[k]) == np.shape(wanted[k]) and np.allclose(got[k], wanted[k], rtol=1e-9, atol=1e-12)
        for k in wanted)


def adam_hint(args, actual, expected):
    if not (isinstance(actual, tuple) and len(actual) == 3 and isinstance(actual[0], dict)):
        return None
    for mistake, params in _adam_variants(*args).items():
        if _same(actual[0], params) and not _same(params, expected[0]):
            return f"your new_params are those of an Adam step {mistake}"
    return _which_part(actual, expected, ("new_params", "new_m", "new_v"))


# --- 08.nesterov_step ----------------------------------------------------------------------------------


def nesterov_step(params, grads, velocity, learning_rate, momentum):
    """One step of Nesterov momentum in the look-ahead form, as new dicts: (new_params, new_velocity).

    v := beta v - alpha g;   theta := theta + beta v - alpha g   (g: the gradient at the current theta).
    """
    new_params, new_velocity = {}, {}
    for name, value in params.items():
        g = grads["d" + name]
        new_velocity[name] = momentum * velocity[name] - learning_rate * g
        new_params[name] = value + momentum * new_velocity[name] - learning_rate * g
    return new_params, new_velocity


def nesterov_inputs(rng, trial):
    rows, columns = inputs.shape(rng, trial)
    params = {"W1": rng.standard_normal((rows, columns)), "b1": rng.standard_normal(columns)}
    grads = {"d" + name: inputs.scale(trial) * rng.standard_normal(value.shape) for name, value in params.items()}
    velocity = {name: rng.standard_normal(value.shape) for name, value in params.items()}
    return params, grads, velocity, float(rng.choice([0.001, 0.1, 0.5])), float(rng.choice([0.5, 0.9, 0.99]))


NESTEROV_EXAMPLE = ({"W1": np.array([[1.0, 2.0]]), "b1": np.array([0.5])},
                    {"dW1": np.array([[0.5, -1.0]]), "db1": np.array([2.0])},
                    {"W1": np.array([[0.2, 0.0]]), "b1": np.array([-0.1])}, 0.1, 0.9)


def nesterov_hint(args, actual, expected):
    if not (isinstance(actual, tuple) and len(actual) == 2 and isinstance(actual[0], dict)):
        return None
    params, grads, velocity, alpha, beta = args
    heavy_ball = {k: p + beta * velocity[k] - alpha * grads["d" + k] for k, p in params.items()}
    if _same(actual[0], heavy_ball):
        return ("your new_params took the heavy-ball step theta + v (plain momentum); Nesterov's look-ahead step is "
                "theta + momentum * v - learning_rate * g, with the new v")
    return _which_part(actual, expected, ("new_params", "new_velocity"))


# --- 08.warmup_cosine ----------------------------------------------------------------------------------


def warmup_cosine(epoch, learning_rate, warmup, epochs, minimum=0.0):
    """The learning rate of epoch t (0, 1, ..., epochs - 1): cosine decay from learning_rate to minimum over
    `epochs` epochs, multiplied by (t + 1) / warmup during the first `warmup` epochs (mlp.schedules' convention).
    """
    cosine = minimum + (learning_rate - minimum) * (1 + math.cos(math.pi * epoch / epochs)) / 2
    if epoch < warmup:
        return cosine * (epoch + 1) / warmup
    return cosine


def warmup_cosine_inputs(rng, trial):
    epochs = int(rng.integers(6, 120))
    warmup = int(rng.integers(1, max(2, epochs // 3)))
    # half the trials in the warmup, half after it
    epoch = int(rng.integers(0, warmup)) if trial % 2 == 0 else int(rng.integers(warmup, epochs))
    learning_rate = float(rng.choice([0.001, 0.01, 0.1, 1.0]))
    minimum = float(rng.choice([0.0, 0.1 * learning_rate, 0.01 * learning_rate]))
    return epoch, learning_rate, warmup, epochs, minimum


def warmup_hint(args, actual, expected):
    epoch, learning_rate, warmup, epochs, minimum = args
    try:
        actual = float(actual)
    except (TypeError, ValueError):
        return None
    cosine = warmup_cosine(epoch, learning_rate, 0, epochs, minimum)
    if epoch < warmup:
        if math.isclose(actual, cosine * epoch / warmup, rel_tol=1e-9, abs_tol=1e-15):
            return (f"in epoch {epoch} of the warmup your rate is {actual:.6g}: the warmup factor is (t + 1) / warmup, "
                    f"so the first epoch already uses 1/warmup of the rate (t / warmup would make it 0)")
        if math.isclose(actual, cosine, rel_tol=1e-9):
            return (f"in epoch {epoch}, inside the {warmup}-epoch warmup, your rate is the full cosine rate "
                    f"{actual:.6g}: multiply it by (t + 1) / warmup while t < warmup")
        if math.isclose(actual, learning_rate * (epoch + 1) / warmup, rel_tol=1e-9):
            return ("during the warmup multiply the cosine rate of that epoch by (t + 1) / warmup, not the "
                    "starting rate learning_rate")
    for shifted, what in ((epochs - 1, "epochs - 1"), (epochs + 1, "epochs + 1")):
        off = warmup_cosine(epoch, learning_rate, warmup, shifted, minimum)
        if math.isclose(actual, off, rel_tol=1e-9) and not math.isclose(off, float(expected), rel_tol=1e-9):
            return f"your cosine divides by {what}; the formula is cos(pi * t / epochs)"
    return None


EXERCISES = [
    Exercise("08.adam_step", "adam_step", 3, adam_step, ADAM_EXAMPLE, adam_inputs, returns=("new_params", "new_m", "new_v"),
             hint=adam_hint),
    Exercise("08.nesterov_step", "nesterov_step", 2, nesterov_step, NESTEROV_EXAMPLE, nesterov_inputs,
             returns=("new_params", "new_velocity"), hint=nesterov_hint),
    Exercise("08.warmup_cosine", "warmup_cosine", 2, warmup_cosine, (2, 0.1, 5, 50, 0.001), warmup_cosine_inputs,
             hint=warmup_hint),
]
