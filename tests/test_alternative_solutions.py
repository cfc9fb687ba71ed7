"""Other correct ways to write an exercise pass its check: masking instead of np.maximum, einsum or loops
instead of @, other stable formulas. (The solution notebooks prove the course's own way; the wrong-answer
banks prove mistakes are caught.)"""

import math

import numpy as np
import pytest

from mlp.grader import EXERCISES, run_check


def dot_product_loop(u, v):
    return float(sum(a * b for a, b in zip(u, v)))


def matrix_product_einsum(A, B):
    return np.einsum("ik,kj->ij", A, B)


def add_bias_loop(Z, b):
    out = np.empty_like(Z)
    for i in range(Z.shape[0]):
        out[i] = Z[i] + b
    return out


def feature_means_sum(X):
    return X.sum(axis=0) / X.shape[0]


def product_shape_tuple(shape_a, shape_b):
    if shape_a[1] != shape_b[0]:
        return None
    return (shape_a[0], shape_b[1])


def sigmoid_tanh(z):
    return 0.5 * (1 + np.tanh(0.5 * z))  # sigma(z) = (1 + tanh(z / 2)) / 2: never overflows


def sigmoid_derivative_tanh(z):
    s = 0.5 * (1 + np.tanh(0.5 * z))
    return s - s * s


def relu_masking(z):
    return z * (z > 0)


def relu_derivative_where(z):
    return np.where(z > 0, 1.0, 0.0)


def leaky_relu_where(z, alpha=0.01):
    return np.where(z > 0, z, alpha * z)


def tanh_derivative_cosh(z):
    return 1 - np.tanh(z) ** 2


def softmax_logsumexp(Z):
    shifted = Z - Z.max(axis=1, keepdims=True)
    return np.exp(shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))


def dense_backward_einsum(dZ, X, W):
    return np.einsum("mo,io->mi", dZ, W), np.einsum("mi,mo->io", X, dZ), np.einsum("mo->o", dZ)


def relative_error_math(analytic, numeric):
    difference = math.sqrt(float(np.sum((analytic - numeric) ** 2)))
    size = math.sqrt(float(np.sum(analytic ** 2))) + math.sqrt(float(np.sum(numeric ** 2)))
    return difference / max(size, 1e-12)


def step_decay_loop(learning_rate, drop, every, epoch):
    rate = learning_rate
    for _ in range(epoch // every):
        rate = rate * drop
    return rate


def inverse_time_decay_float(learning_rate, decay_rate, epoch):
    return float(learning_rate) / (1.0 + float(decay_rate) * float(epoch))


def gradient_descent_step_loop(params, grads, learning_rate):
    updated = {}
    for name in params:
        updated[name] = params[name] - learning_rate * grads["d" + name]
    return updated


def minibatches_list(X, Y, batch_size, rng):
    order = rng.permutation(len(X))
    return [(X[order[i:i + batch_size]], Y[order[i:i + batch_size]]) for i in range(0, len(X), batch_size)]


ALTERNATIVES = {
    "01.dot_product": dot_product_loop, "01.matrix_product": matrix_product_einsum, "01.add_bias": add_bias_loop,
    "01.feature_means": feature_means_sum, "01.product_shape": product_shape_tuple,
    "03.sigmoid": sigmoid_tanh, "03.sigmoid_derivative": sigmoid_derivative_tanh, "03.relu": relu_masking,
    "03.relu_derivative": relu_derivative_where, "03.leaky_relu": leaky_relu_where,
    "03.tanh_derivative": tanh_derivative_cosh, "03.softmax": softmax_logsumexp,
    "06.dense_backward": dense_backward_einsum, "06.relative_error": relative_error_math,
    "07.step_decay": step_decay_loop, "07.inverse_time_decay": inverse_time_decay_float,
    "07.gradient_descent_step": gradient_descent_step_loop, "07.minibatches": minibatches_list,
}


@pytest.mark.parametrize("exercise_id", sorted(ALTERNATIVES))
def test_another_correct_way_gets_full_marks(exercise_id):
    for seed in (0, 1, 2):
        verdict = run_check(EXERCISES[exercise_id], ALTERNATIVES[exercise_id], seed=seed)
        assert verdict.status == "passed", f"seed {seed}: {verdict.message}"
