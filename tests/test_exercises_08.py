"""Lesson 8's exercises (optimisers): the references agree with mlp's optimisers and schedules, typical
wrong answers are caught with a message naming the mistake, and other correct ways pass.

WRONG has the same form as the banks in tests/test_wrong_answers_*.py: (exercise id, mistake, function,
a fragment of the message)."""

import math

import numpy as np
import pytest

import mlp
from mlp.grader import EXERCISES, run_check
from mlp.grader.catalog import lesson08


class Model:
    """A dict of parameters with their gradients, shaped like a model for mlp's optimisers."""

    def __init__(self, params):
        self.params = {name: value.copy() for name, value in params.items()}
        self.grads = {}

    def params_and_grads(self):
        for name, value in self.params.items():
            yield name, value, self.grads["d" + name]


def _random_problem(seed):
    rng = np.random.default_rng(seed)
    params = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal(2)}
    gradients = [{"d" + k: rng.standard_normal(v.shape) * 10.0 ** rng.integers(-2, 2, v.shape)
                  for k, v in params.items()} for _ in range(6)]
    return params, gradients


# --- the references are the library's updates -----------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1])
def test_adam_reference_takes_mlp_adams_steps(seed):
    params, gradients = _random_problem(seed)
    model, optimizer = Model(params), mlp.Adam(0.05, beta1=0.8, beta2=0.99, eps=1e-6)
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(value) for k, value in params.items()}
    for t, grads in enumerate(gradients, start=1):
        model.grads = grads
        optimizer.step(model)
        params, m, v = lesson08.adam_step(params, grads, m, v, t, 0.05, 0.8, 0.99, 1e-6)
        for name in params:
            np.testing.assert_allclose(params[name], model.params[name], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("seed", [0, 1])
def test_nesterov_reference_takes_mlp_nesterov_steps(seed):
    params, gradients = _random_problem(seed)
    model, optimizer = Model(params), mlp.GradientDescent(0.05, momentum=0.9, nesterov=True)
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    for grads in gradients:
        model.grads = grads
        optimizer.step(model)
        params, velocity = lesson08.nesterov_step(params, grads, velocity, 0.05, 0.9)
        for name in params:
            np.testing.assert_allclose(params[name], model.params[name], rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(velocity[name], optimizer.velocity[name], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("warmup, epochs, minimum", [(1, 10, 0.0), (5, 50, 0.001), (7, 8, 0.01), (3, 100, 0.0)])
def test_warmup_cosine_reference_is_mlp_schedules(warmup, epochs, minimum):
    schedule = mlp.make_schedule(0.1, "cosine", epochs=epochs, minimum=minimum, warmup=warmup)
    ours = [lesson08.warmup_cosine(t, 0.1, warmup, epochs, minimum) for t in range(epochs)]
    np.testing.assert_allclose(ours, mlp.schedules.learning_rates(schedule, epochs), rtol=1e-13)
    assert ours[0] == pytest.approx(0.1 / warmup)  # the first epoch: 1/w of the starting rate


def test_references_do_not_use_the_library():
    """lesson08 imports only numpy, math and the grader's own helpers: not mlp's optimisers or schedules."""
    import ast

    imported = set()
    for node in ast.walk(ast.parse(open(lesson08.__file__).read())):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    assert imported == {"math", "numpy", "..", "..checking", "..diagnosis"}, imported


# --- wrong answers ----------------------------------------------------------------------------------


def adam_without_bias_correction(params, grads, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    new_m = {k: beta1 * m[k] + (1 - beta1) * grads["d" + k] for k in params}
    new_v = {k: beta2 * v[k] + (1 - beta2) * grads["d" + k] ** 2 for k in params}
    return ({k: p - learning_rate * new_m[k] / (np.sqrt(new_v[k]) + eps) for k, p in params.items()},
            new_m, new_v)


def adam_t_from_zero(params, grads, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    """Counts steps from 0: the correction of the step before (divides by 0 on the first step)."""
    new_m = {k: beta1 * m[k] + (1 - beta1) * grads["d" + k] for k in params}
    new_v = {k: beta2 * v[k] + (1 - beta2) * grads["d" + k] ** 2 for k in params}
    return ({k: p - learning_rate * (new_m[k] / (1 - beta1 ** (t - 1)))
             / (np.sqrt(new_v[k] / (1 - beta2 ** (t - 1))) + eps) for k, p in params.items()}, new_m, new_v)


def adam_t_plus_one(params, grads, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    new_m = {k: beta1 * m[k] + (1 - beta1) * grads["d" + k] for k in params}
    new_v = {k: beta2 * v[k] + (1 - beta2) * grads["d" + k] ** 2 for k in params}
    return ({k: p - learning_rate * (new_m[k] / (1 - beta1 ** (t + 1)))
             / (np.sqrt(new_v[k] / (1 - beta2 ** (t + 1))) + eps) for k, p in params.items()}, new_m, new_v)


def adam_eps_inside_sqrt(params, grads, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    new_m = {k: beta1 * m[k] + (1 - beta1) * grads["d" + k] for k in params}
    new_v = {k: beta2 * v[k] + (1 - beta2) * grads["d" + k] ** 2 for k in params}
    return ({k: p - learning_rate * (new_m[k] / (1 - beta1**t)) / np.sqrt(new_v[k] / (1 - beta2**t) + eps)
             for k, p in params.items()}, new_m, new_v)


def adam_sqrt_of_m(params, grads, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    """Divides by the square root of the wrong running mean (|m_hat| instead of v_hat)."""
    new_m = {k: beta1 * m[k] + (1 - beta1) * grads["d" + k] for k in params}
    new_v = {k: beta2 * v[k] + (1 - beta2) * grads["d" + k] ** 2 for k in params}
    return ({k: p - learning_rate * (new_m[k] / (1 - beta1**t)) / (np.abs(new_m[k] / (1 - beta1**t)) + eps)
             for k, p in params.items()}, new_m, new_v)


def adam_in_place(params, grads, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    for k in params:
        g = grads["d" + k]
        m[k] *= beta1
        m[k] += (1 - beta1) * g
        v[k] *= beta2
        v[k] += (1 - beta2) * g * g
        params[k] -= learning_rate * (m[k] / (1 - beta1**t)) / (np.sqrt(v[k] / (1 - beta2**t)) + eps)
    return params, m, v


def adam_old_state(params, grads, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    """Right step, but returns the state it was given."""
    new_params = lesson08_adam_by_hand(params, grads, m, v, t, learning_rate, beta1, beta2, eps)[0]
    return new_params, m, v


def lesson08_adam_by_hand(params, grads, m, v, t, learning_rate, beta1, beta2, eps):
    new_m = {k: beta1 * m[k] + (1 - beta1) * grads["d" + k] for k in params}
    new_v = {k: beta2 * v[k] + (1 - beta2) * grads["d" + k] ** 2 for k in params}
    return ({k: p - learning_rate * (new_m[k] / (1 - beta1**t)) / (np.sqrt(new_v[k] / (1 - beta2**t)) + eps)
             for k, p in params.items()}, new_m, new_v)


def nesterov_heavy_ball(params, grads, velocity, learning_rate, momentum):
    new_v = {k: momentum * velocity[k] - learning_rate * grads["d" + k] for k in params}
    return {k: p + new_v[k] for k, p in params.items()}, new_v


def nesterov_without_gradient_term(params, grads, velocity, learning_rate, momentum):
    """Steps by momentum * v only, forgetting the - learning_rate * g of the look-ahead step."""
    new_v = {k: momentum * velocity[k] - learning_rate * grads["d" + k] for k in params}
    return {k: p + momentum * new_v[k] for k, p in params.items()}, new_v


def nesterov_velocity_not_decayed(params, grads, velocity, learning_rate, momentum):
    """Right params, but the returned velocity forgot the factor momentum."""
    new_v = {k: velocity[k] - learning_rate * grads["d" + k] for k in params}
    step = {k: momentum * velocity[k] - learning_rate * grads["d" + k] for k in params}
    return {k: p + momentum * step[k] - learning_rate * grads["d" + k] for k, p in params.items()}, new_v


def nesterov_uphill(params, grads, velocity, learning_rate, momentum):
    new_v = {k: momentum * velocity[k] + learning_rate * grads["d" + k] for k in params}
    return {k: p + momentum * new_v[k] + learning_rate * grads["d" + k] for k, p in params.items()}, new_v


def nesterov_in_place(params, grads, velocity, learning_rate, momentum):
    for k in params:
        velocity[k] *= momentum
        velocity[k] -= learning_rate * grads["d" + k]
        params[k] += momentum * velocity[k] - learning_rate * grads["d" + k]
    return params, velocity


def warmup_from_zero(epoch, learning_rate, warmup, epochs, minimum=0.0):
    cosine = minimum + (learning_rate - minimum) * (1 + math.cos(math.pi * epoch / epochs)) / 2
    return cosine * epoch / warmup if epoch < warmup else cosine


def warmup_none(epoch, learning_rate, warmup, epochs, minimum=0.0):
    return minimum + (learning_rate - minimum) * (1 + math.cos(math.pi * epoch / epochs)) / 2


def warmup_of_the_base_rate(epoch, learning_rate, warmup, epochs, minimum=0.0):
    if epoch < warmup:
        return learning_rate * (epoch + 1) / warmup
    return minimum + (learning_rate - minimum) * (1 + math.cos(math.pi * epoch / epochs)) / 2


def cosine_off_by_one(epoch, learning_rate, warmup, epochs, minimum=0.0):
    cosine = minimum + (learning_rate - minimum) * (1 + math.cos(math.pi * epoch / (epochs - 1))) / 2
    return cosine * (epoch + 1) / warmup if epoch < warmup else cosine


def cosine_without_minimum(epoch, learning_rate, warmup, epochs, minimum=0.0):
    cosine = learning_rate * (1 + math.cos(math.pi * epoch / epochs)) / 2
    return cosine * (epoch + 1) / warmup if epoch < warmup else cosine


def cosine_in_degrees(epoch, learning_rate, warmup, epochs, minimum=0.0):
    cosine = minimum + (learning_rate - minimum) * (1 + math.cos(180 * epoch / epochs)) / 2
    return cosine * (epoch + 1) / warmup if epoch < warmup else cosine


WRONG = [
    ("08.adam_step", "no bias correction", adam_without_bias_correction, "without the bias correction"),
    ("08.adam_step", "t counted from 0", adam_t_from_zero, "the step before (t - 1)"),
    ("08.adam_step", "t + 1 in the correction", adam_t_plus_one, "the step after (t + 1)"),
    ("08.adam_step", "eps inside the square root", adam_eps_inside_sqrt, "eps inside the square root"),
    ("08.adam_step", "sqrt of the wrong mean", adam_sqrt_of_m, "your new_params is wrong"),
    ("08.adam_step", "updates in place", adam_in_place, "in place"),
    ("08.adam_step", "returns the old state", adam_old_state, "your new_m is wrong"),
    ("08.nesterov_step", "heavy-ball step", nesterov_heavy_ball, "heavy-ball"),
    ("08.nesterov_step", "no - alpha g in the step", nesterov_without_gradient_term, "your new_params is wrong"),
    ("08.nesterov_step", "velocity not decayed", nesterov_velocity_not_decayed, "your new_velocity is wrong"),
    ("08.nesterov_step", "uphill", nesterov_uphill, "is not right"),
    ("08.nesterov_step", "in place", nesterov_in_place, "in place"),
    ("08.warmup_cosine", "warmup from 0", warmup_from_zero, "(t + 1) / warmup"),
    ("08.warmup_cosine", "no warmup", warmup_none, "full cosine rate"),
    ("08.warmup_cosine", "warmup of the base rate", warmup_of_the_base_rate, "not the starting rate"),
    ("08.warmup_cosine", "cosine off by one", cosine_off_by_one, "divides by epochs - 1"),
    ("08.warmup_cosine", "no minimum", cosine_without_minimum, "is not right"),
    ("08.warmup_cosine", "degrees", cosine_in_degrees, "is not right"),
]


@pytest.mark.parametrize("exercise_id, mistake, function, fragment", WRONG, ids=[f"{e}-{m}" for e, m, _, _ in WRONG])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_wrong_answer_fails_naming_the_mistake(exercise_id, mistake, function, fragment, seed):
    verdict = run_check(EXERCISES[exercise_id], function, seed=seed)
    assert verdict.status == "failed" and verdict.score == 0, f"{mistake}: {verdict}"
    assert fragment in verdict.message, f"{mistake}: {verdict.message}"


def test_every_exercise_of_lesson_8_has_three_caught_wrong_answers():
    for exercise_id in ("08.adam_step", "08.nesterov_step", "08.warmup_cosine"):
        assert sum(entry[0] == exercise_id for entry in WRONG) >= 3


# --- other correct ways -------------------------------------------------------------------------------


def adam_step_loops_over_grads(params, grads, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    """Walks the gradients instead of the parameters, folds the corrections into the step size (as the
    Adam paper's 'efficient' form) and writes eps as eps_hat = eps * sqrt(1 - beta2^t)."""
    step_size = learning_rate * math.sqrt(1 - beta2**t) / (1 - beta1**t)
    eps_hat = eps * math.sqrt(1 - beta2**t)
    new_params, new_m, new_v = dict(), dict(), dict()
    for key, g in grads.items():
        name = key[1:]
        new_m[name] = m[name] * beta1 + g * (1 - beta1)
        new_v[name] = v[name] * beta2 + np.square(g) * (1 - beta2)
        new_params[name] = params[name] - step_size * new_m[name] / (np.sqrt(new_v[name]) + eps_hat)
    return new_params, new_m, new_v


def nesterov_step_look_ahead(params, grads, velocity, learning_rate, momentum):
    """theta + beta^2 v - (1 + beta) alpha g: the same step, expanded."""
    new_params, new_velocity = {}, {}
    for name in params:
        g = grads[f"d{name}"]
        new_params[name] = params[name] + momentum**2 * velocity[name] - (1 + momentum) * learning_rate * g
        new_velocity[name] = np.multiply(momentum, velocity[name]) - np.multiply(learning_rate, g)
    return new_params, new_velocity


def warmup_cosine_numpy(epoch, learning_rate, warmup, epochs, minimum=0.0):
    factor = min(1.0, (epoch + 1) / warmup)
    return float(factor * (minimum + 0.5 * (learning_rate - minimum) * (1 + np.cos(np.pi * epoch / epochs))))


ALTERNATIVES = {"08.adam_step": adam_step_loops_over_grads, "08.nesterov_step": nesterov_step_look_ahead,
                "08.warmup_cosine": warmup_cosine_numpy}


@pytest.mark.parametrize("exercise_id", sorted(ALTERNATIVES))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_another_correct_way_gets_full_marks(exercise_id, seed):
    verdict = run_check(EXERCISES[exercise_id], ALTERNATIVES[exercise_id], seed=seed)
    assert verdict.status == "passed" and verdict.score == EXERCISES[exercise_id].points, verdict.message


def test_the_unfilled_stubs_are_not_attempted():
    def stub(*args):
        raise NotImplementedError("replace this line with your code")

    for exercise_id in ALTERNATIVES:
        assert run_check(EXERCISES[exercise_id], stub, seed=0).status == "not_attempted"
