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


def collapse_linear_layers_einsum(W1, b1, W2, b2):
    return np.einsum("ij,jk->ik", W1, W2), np.einsum("j,jk->k", b1, W2) + b2


def xor_weights_other():
    # h1 = relu(x1 + x2), h2 = relu(x1 + x2 - 1); output h1 - 2 h2 - 0.5 is > 0 only when exactly one x is 1
    return {"W1": np.array([[1.0, 1.0], [1.0, 1.0]]), "b1": np.array([0.0, -1.0]),
            "W2": np.array([[1.0], [-2.0]]), "b2": np.array([-0.5])}


def init_params_normal(layer_sizes, seed):
    rng = np.random.default_rng(seed)
    params = {}
    for layer, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]), start=1):
        params[f"W{layer}"] = rng.normal(0.0, math.sqrt(2.0 / n_in), size=(n_in, n_out))
        params[f"b{layer}"] = np.zeros(n_out)
    return params


def dense_forward_einsum(X, W, b, activation):
    return activation(np.einsum("mi,io->mo", X, W) + b)


def _sigmoid_by_tanh(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


def two_layer_forward_where(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.where(Z1 > 0, Z1, 0.0)
    return _sigmoid_by_tanh(A1 @ params["W2"] + params["b2"])


def predict_from_logits(X, params):
    A1 = np.maximum(X @ params["W1"] + params["b1"], 0)
    Z2 = A1 @ params["W2"] + params["b2"]
    return np.where(Z2[:, 0] >= 0, 1, 0)  # sigma(z) >= 0.5 exactly when z >= 0


def binary_cross_entropy_where(P, Y):
    P = np.minimum(np.maximum(P, 1e-15), 1 - 1e-15)
    return float(np.mean(np.where(Y == 1, -np.log(P), -np.log(1 - P))))


def binary_cross_entropy_gradient_split(P, Y):
    P = np.clip(P, 1e-15, 1 - 1e-15)
    return (-Y / P + (1 - Y) / (1 - P)) / len(P)


def categorical_cross_entropy_pick(P, Y):
    picked = np.clip(P[np.arange(len(P)), Y.argmax(axis=1)], 1e-15, 1.0)  # the true class's probability
    return float(-np.log(picked).mean())


def softmax_cross_entropy_gradient_logsumexp(Z, Y):
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return (np.exp(log_P) - Y) / Z.shape[0]


def two_layer_backward_einsum(X, Y, params):
    m = X.shape[0]
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.maximum(Z1, 0)
    A2 = _sigmoid_by_tanh(A1 @ params["W2"] + params["b2"])
    dZ2 = (A2 - Y) / m
    dZ1 = np.einsum("mo,ho->mh", dZ2, params["W2"]) * (Z1 > 0)
    return {"dW1": np.einsum("mi,mh->ih", X, dZ1), "db1": dZ1.sum(axis=0),
            "dW2": np.einsum("mh,mo->ho", A1, dZ2), "db2": dZ2.sum(axis=0)}


def numerical_gradient_copies(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        up, down = x.copy(), x.copy()
        up[index] += eps
        down[index] -= eps
        grad[index] = (f(up) - f(down)) / (2 * eps)
    return grad


def train_moons_tanh_momentum(X_train, y_train, seed):
    """Another recipe: 16 tanh units, Xavier initialisation, momentum, 600 full-batch epochs."""
    rng = np.random.default_rng(seed)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    X = (X_train - mean) / std
    Y = y_train.reshape(-1, 1).astype(float)
    r1, r2 = math.sqrt(6 / (2 + 16)), math.sqrt(6 / (16 + 1))
    params = {"W1": rng.uniform(-r1, r1, (2, 16)), "b1": np.zeros(16), "W2": rng.uniform(-r2, r2, (16, 1)),
              "b2": np.zeros(1)}
    velocity = {name: np.zeros_like(value) for name, value in params.items()}

    def forward(X, params):
        A1 = np.tanh(X @ params["W1"] + params["b1"])
        return A1, _sigmoid_by_tanh(A1 @ params["W2"] + params["b2"])

    for _ in range(600):
        A1, A2 = forward(X, params)
        dZ2 = (A2 - Y) / len(X)
        dZ1 = (dZ2 @ params["W2"].T) * (1 - A1**2)
        grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}
        for name in params:
            velocity[name] = 0.9 * velocity[name] - 0.3 * grads[name]
            params[name] = params[name] + velocity[name]

    def predict(X_new):
        return (forward((X_new - mean) / std, params)[1][:, 0] >= 0.5).astype(int)

    return predict


def digits_classifier_full_batch_tanh(X_train, y_train, seed):
    """Another recipe: 64 tanh units, plain gradient descent on mini-batches of 64 built from a permutation."""
    rng = np.random.default_rng(seed)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    X = (X_train - mean) / std
    Y = np.eye(10)[y_train]
    params = {"W1": rng.standard_normal((64, 64)) / 8, "b1": np.zeros(64), "W2": rng.standard_normal((64, 10)) / 8,
              "b2": np.zeros(10)}

    def forward(X):
        A1 = np.tanh(X @ params["W1"] + params["b1"])
        Z2 = A1 @ params["W2"] + params["b2"]
        E = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
        return A1, E / E.sum(axis=1, keepdims=True)

    for _ in range(40):
        order = rng.permutation(len(X))
        for start in range(0, len(X), 64):
            rows = order[start:start + 64]
            A1, P = forward(X[rows])
            dZ2 = (P - Y[rows]) / len(rows)
            dZ1 = (dZ2 @ params["W2"].T) * (1 - A1**2)
            params["W2"] = params["W2"] - 0.2 * (A1.T @ dZ2)
            params["b2"] = params["b2"] - 0.2 * dZ2.sum(axis=0)
            params["W1"] = params["W1"] - 0.2 * (X[rows].T @ dZ1)
            params["b1"] = params["b1"] - 0.2 * dZ1.sum(axis=0)

    def predict(X_new):
        return forward((X_new - mean) / std)[1].argmax(axis=1)

    return predict


ALTERNATIVES = {
    "02.collapse_linear_layers": collapse_linear_layers_einsum, "02.xor_weights": xor_weights_other,
    "04.init_params": init_params_normal, "04.dense_forward": dense_forward_einsum,
    "04.two_layer_forward": two_layer_forward_where, "04.predict": predict_from_logits,
    "05.binary_cross_entropy": binary_cross_entropy_where,
    "05.binary_cross_entropy_gradient": binary_cross_entropy_gradient_split,
    "05.categorical_cross_entropy": categorical_cross_entropy_pick,
    "05.softmax_cross_entropy_gradient": softmax_cross_entropy_gradient_logsumexp,
    "06.two_layer_backward": two_layer_backward_einsum, "06.numerical_gradient": numerical_gradient_copies,
    "09.train_moons": train_moons_tanh_momentum, "10.digits_classifier": digits_classifier_full_batch_tanh,
    "01.dot_product": dot_product_loop, "01.matrix_product": matrix_product_einsum, "01.add_bias": add_bias_loop,
    "01.feature_means": feature_means_sum, "01.product_shape": product_shape_tuple,
    "03.sigmoid": sigmoid_tanh, "03.sigmoid_derivative": sigmoid_derivative_tanh, "03.relu": relu_masking,
    "03.relu_derivative": relu_derivative_where, "03.leaky_relu": leaky_relu_where,
    "03.tanh_derivative": tanh_derivative_cosh, "03.softmax": softmax_logsumexp,
    "06.dense_backward": dense_backward_einsum, "06.relative_error": relative_error_math,
    "07.step_decay": step_decay_loop, "07.inverse_time_decay": inverse_time_decay_float,
    "07.gradient_descent_step": gradient_descent_step_loop, "07.minibatches": minibatches_list,
}


def test_every_exercise_has_another_correct_way():
    """Here for the first 32 exercises; the newer ones have theirs in tests/test_exercises_*.py (tested there)."""
    from banks import newer_alternatives

    elsewhere = newer_alternatives()
    assert not set(ALTERNATIVES) & set(elsewhere)
    assert sorted([*ALTERNATIVES, *elsewhere]) == sorted(EXERCISES)


@pytest.mark.parametrize("exercise_id", sorted(ALTERNATIVES))
def test_another_correct_way_gets_full_marks(exercise_id):
    # (08: seeds on which a near-optimal classifier clears 95% on the noisy moons; see the wrong-answer bank.)
    for seed in ((2, 3, 4) if exercise_id == "09.train_moons" else (0, 1, 2)):
        verdict = run_check(EXERCISES[exercise_id], ALTERNATIVES[exercise_id], seed=seed)
        assert verdict.status == "passed", f"seed {seed}: {verdict.message}"
