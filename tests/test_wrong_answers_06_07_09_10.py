"""Wrong-answer bank for the graded exercises of lessons 6, 7, 8 and 9.

For every exercise: the mistakes learners really make; each one must fail its check (or time out, for an
endless loop) with a message that names the mistake (a specific fragment of the message is asserted), and a
reference-quality implementation must pass with several seeds. For 06 and 07 the references below are
written the way the solution notebooks write them; for 08 and 09, whose graded function trains a network
built from the notebook's own helper functions, the reference is the code of solutions/09_training.ipynb and
solutions/10_capstone_digits.ipynb itself.

Mistakes whose message can only say "not right ... expected x, got y" or "accuracy ... below the target"
(the checker cannot know *why* the numbers differ) are asserted with that generic fragment and marked
GENERIC below; the wrong trainers of 08 and 09 train for a few epochs at most, so they fail fast.
"""

import dataclasses
from pathlib import Path

import nbformat
import numpy as np
import pytest

from mlp.grader import EXERCISES, run_check

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [0, 1, 2, 12345]
SEED = 3
NOT_RIGHT = "is not right"
SHAPES = "the columns of A must equal the rows of B"  # the message of a matmul with mismatched shapes


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _solution(name):
    """The functions of solutions/<name>.ipynb (every code cell except the check and show_example lines)."""
    namespace = {}
    for cell in nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4).cells:
        if cell.cell_type == "code" and not cell.source.startswith(("check(", "show_example(")):
            exec(compile(cell.source, f"solutions/{name}.ipynb", "exec"), namespace)
    return namespace


S09 = _solution("09_training")
S10 = _solution("10_capstone_digits")


# --- reference-quality implementations (as in solutions/) -------------------------------------------


def dense_backward(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def _forward_06(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.maximum(0, Z1)
    A2 = 1 / (1 + np.exp(-(A1 @ params["W2"] + params["b2"])))
    return Z1, A1, A2


def two_layer_backward(X, Y, params):
    m = X.shape[0]
    Z1, A1, A2 = _forward_06(X, params)
    dZ2 = (A2 - Y) / m
    dA1, dW2, db2 = dense_backward(dZ2, A1, params["W2"])
    dZ1 = dA1 * (Z1 > 0)
    _, dW1, db1 = dense_backward(dZ1, X, params["W1"])
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        x_plus, x_minus = x.copy(), x.copy()
        x_plus[index] += eps
        x_minus[index] -= eps
        grad[index] = (f(x_plus) - f(x_minus)) / (2 * eps)
    return grad


def gradient_descent_step(params, grads, learning_rate):
    return {name: value - learning_rate * grads["d" + name] for name, value in params.items()}


def step_decay(learning_rate, drop, every, epoch):
    return learning_rate * drop ** (epoch // every)


def inverse_time_decay(learning_rate, decay_rate, epoch):
    return learning_rate / (1 + decay_rate * epoch)


def minibatches(X, Y, batch_size, rng):
    order = rng.permutation(X.shape[0])
    for start in range(0, X.shape[0], batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], Y[rows]


CORRECT = {
    "06.dense_backward": dense_backward,
    "06.two_layer_backward": two_layer_backward,
    "06.numerical_gradient": numerical_gradient,
    "06.relative_error": lambda analytic, numeric: float(
        np.linalg.norm(analytic - numeric) / max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12)),
    "07.gradient_descent_step": gradient_descent_step,
    "07.step_decay": step_decay,
    "07.inverse_time_decay": inverse_time_decay,
    "07.minibatches": minibatches,
    "09.train_moons": S09["train_moons"],
    "10.digits_classifier": S10["digits_classifier"],
}

# 08: with noise 0.2 the moons overlap, so even a near-Bayes-optimal classifier scores below 95% on 200
# validation points for about 3% of the seeds (the solution, like an SVC trained on the same 400 points, for
# about 7 to 10%; run_check seeds 0 and 1 are two of them). These seeds give the solution 100%, 98%, 99%.
SEEDS_FOR = {"09.train_moons": [2, 3, 4], "10.digits_classifier": [0, 1, 2]}


# --- 06.dense_backward -------------------------------------------------------------------------------


def dense_dW_transposed(dZ, X, W):
    return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)


def dense_db_keepdims(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0, keepdims=True)


def dense_db_wrong_axis(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=1)


def dense_dX_without_transpose(dZ, X, W):
    return dZ @ W, X.T @ dZ, dZ.sum(axis=0)


def dense_no_db(dZ, X, W):
    return dZ @ W.T, X.T @ dZ


def dense_wrong_order(dZ, X, W):
    return X.T @ dZ, dZ @ W.T, dZ.sum(axis=0)


def dense_db_mean(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)


def dense_dW_divided_by_m(dZ, X, W):
    return dZ @ W.T, X.T @ dZ / X.shape[0], dZ.sum(axis=0)


# --- 06.two_layer_backward ---------------------------------------------------------------------------


def _two_layer(X, Y, params, *, scale=True, sign=1, relu_prime=True, sigmoid_prime=False, keys="d",
               keepdims=False, w2_transposed=True):
    m = X.shape[0]
    Z1, A1, A2 = _forward_06(X, params)
    dZ2 = sign * (A2 - Y) / (m if scale else 1)
    if sigmoid_prime:  # multiplies by sigma'(Z2) although (A2 - Y) already includes it
        dZ2 = dZ2 * A2 * (1 - A2)
    dA1 = dZ2 @ (params["W2"].T if w2_transposed else params["W2"])
    dZ1 = dA1 * (Z1 > 0) if relu_prime else dA1
    grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0, keepdims=keepdims),
             "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0, keepdims=keepdims)}
    return {keys + name: value for name, value in grads.items()}


def backward_no_1_over_m(X, Y, params):
    return _two_layer(X, Y, params, scale=False)


def backward_y_minus_a(X, Y, params):
    return _two_layer(X, Y, params, sign=-1)


def backward_keys_without_d(X, Y, params):
    return _two_layer(X, Y, params, keys="")


def backward_db_keepdims(X, Y, params):
    return _two_layer(X, Y, params, keepdims=True)


def backward_w2_not_transposed(X, Y, params):
    return _two_layer(X, Y, params, w2_transposed=False)


def backward_no_relu_derivative(X, Y, params):
    return _two_layer(X, Y, params, relu_prime=False)


def backward_extra_sigmoid_derivative(X, Y, params):
    return _two_layer(X, Y, params, sigmoid_prime=True)


# --- 06.numerical_gradient ---------------------------------------------------------------------------


def numgrad_in_place(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        x[index] += eps
        f_plus = f(x)
        x[index] -= 2 * eps
        f_minus = f(x)  # and x[index] is left at x - eps
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def numgrad_flat(f, x, eps=1e-6):
    grad = np.zeros(x.size)
    for k, index in enumerate(np.ndindex(x.shape)):
        x_plus, x_minus = x.copy(), x.copy()
        x_plus[index] += eps
        x_minus[index] -= eps
        grad[k] = (f(x_plus) - f(x_minus)) / (2 * eps)
    return grad


def numgrad_list(f, x, eps=1e-6):
    return [numerical_gradient(f, x, eps)[index] for index in np.ndindex(x.shape)]


def numgrad_one_sided(f, x, eps=1e-6):
    grad, f_x = np.zeros(x.shape), f(x)
    for index in np.ndindex(x.shape):
        x_plus = x.copy()
        x_plus[index] += eps
        grad[index] = (f(x_plus) - f_x) / eps
    return grad


def numgrad_divides_by_eps(f, x, eps=1e-6):
    return 2 * numerical_gradient(f, x, eps)


def numgrad_all_entries_at_once(f, x, eps=1e-6):
    return np.full(x.shape, (f(x + eps) - f(x - eps)) / (2 * eps))


def numgrad_forgets_to_advance(f, x, eps=1e-6):
    grad, i = np.zeros(x.shape), 0
    while i < x.size:
        index = np.unravel_index(i, x.shape)
        x_plus, x_minus = x.copy(), x.copy()
        x_plus[index] += eps
        x_minus[index] -= eps
        grad[index] = (f(x_plus) - f(x_minus)) / (2 * eps)  # and no i += 1
    return grad


# --- 07.gradient_descent_step ------------------------------------------------------------------------


def step_in_place(params, grads, learning_rate):
    for name in params:
        params[name] -= learning_rate * grads["d" + name]
    return params


def step_shallow_copy(params, grads, learning_rate):
    new = dict(params)  # a new dict, but the same arrays
    for name in new:
        new[name] -= learning_rate * grads["d" + name]
    return new


def step_four_names(params, grads, learning_rate):
    return {name: params[name] - learning_rate * grads["d" + name] for name in ["W1", "b1", "W2", "b2"]}


def step_keys_of_grads(params, grads, learning_rate):
    return {name: params[name[1:]] - learning_rate * grad for name, grad in grads.items()}


def step_same_key(params, grads, learning_rate):
    return {name: value - learning_rate * grads[name] for name, value in params.items()}


def step_a_list(params, grads, learning_rate):
    return [value - learning_rate * grads["d" + name] for name, value in params.items()]


def step_plus(params, grads, learning_rate):
    return {name: value + learning_rate * grads["d" + name] for name, value in params.items()}


def step_no_learning_rate(params, grads, learning_rate):
    return {name: value - grads["d" + name] for name, value in params.items()}


# --- 07.step_decay -----------------------------------------------------------------------------------


def decay_precedence(learning_rate, drop, every, epoch):
    return learning_rate * drop ** epoch // every


def decay_an_array(learning_rate, drop, every, epoch):
    return np.array([learning_rate * drop ** (epoch // every)])


def decay_no_floor(learning_rate, drop, every, epoch):
    return learning_rate * drop ** (epoch / every)


def decay_off_by_one(learning_rate, drop, every, epoch):
    return learning_rate * drop ** ((epoch + 1) // every)


def decay_hard_coded(learning_rate, drop, every, epoch):
    return 0.025


def decay_exponential(learning_rate, drop, every, epoch):
    return learning_rate * drop ** epoch


# --- 07.inverse_time_decay ---------------------------------------------------------------------------


def inverse_missing_parentheses(learning_rate, decay_rate, epoch):
    return learning_rate / 1 + decay_rate * epoch


def inverse_without_one(learning_rate, decay_rate, epoch):
    return learning_rate / (decay_rate * epoch)


def inverse_exponential(learning_rate, decay_rate, epoch):
    return learning_rate * decay_rate ** epoch


def inverse_hard_coded(learning_rate, decay_rate, epoch):
    return 0.1 / 3


def inverse_an_array(learning_rate, decay_rate, epoch):
    return np.array([learning_rate / (1 + decay_rate * epoch)])


# --- 07.minibatches ----------------------------------------------------------------------------------


def batches_in_order(X, Y, batch_size, rng):
    for start in range(0, X.shape[0], batch_size):
        yield X[start:start + batch_size], Y[start:start + batch_size]


def batches_global_random(X, Y, batch_size, rng):
    order = np.random.permutation(X.shape[0])
    for start in range(0, X.shape[0], batch_size):
        yield X[order[start:start + batch_size]], Y[order[start:start + batch_size]]


def batches_own_generator(X, Y, batch_size, rng):
    order = np.random.default_rng(0).permutation(X.shape[0])
    for start in range(0, X.shape[0], batch_size):
        yield X[order[start:start + batch_size]], Y[order[start:start + batch_size]]


def batches_shuffle_in_place(X, Y, batch_size, rng):
    rng.shuffle(X)
    rng.shuffle(Y)
    for start in range(0, X.shape[0], batch_size):
        yield X[start:start + batch_size], Y[start:start + batch_size]


def batches_two_permutations(X, Y, batch_size, rng):
    rows_X, rows_Y = rng.permutation(X.shape[0]), rng.permutation(X.shape[0])
    for start in range(0, X.shape[0], batch_size):
        yield X[rows_X[start:start + batch_size]], Y[rows_Y[start:start + batch_size]]


def batches_drop_last(X, Y, batch_size, rng):
    order = rng.permutation(X.shape[0])
    for k in range(X.shape[0] // batch_size):  # floor: the last, smaller batch is lost
        rows = order[k * batch_size:(k + 1) * batch_size]
        yield X[rows], Y[rows]


def batches_with_replacement(X, Y, batch_size, rng):
    m = X.shape[0]
    for start in range(0, m, batch_size):
        rows = rng.integers(0, m, min(batch_size, m - start))
        yield X[rows], Y[rows]


def batches_never_advance(X, Y, batch_size, rng):
    order, start = rng.permutation(X.shape[0]), 0
    while start < X.shape[0]:
        rows = order[start:start + batch_size]
        yield X[rows], Y[rows]  # and no start += batch_size


# --- 09.train_moons (each wrong trainer takes a few milliseconds) -------------------------------------


def _moons_network(X, y, seed, epochs, sign=-1):
    """The solution's helpers, trained for only a few epochs (sign=+1: gradient ascent)."""
    rng = np.random.default_rng(seed)
    Y = y.reshape(-1, 1).astype(float)
    params = S09["init_params"](X.shape[1], 32, 1, rng)
    for _ in range(epochs):
        A2, cache = S09["forward"](X, params)
        grads = S09["backward"](X, Y, params, cache)
        params = {name: value + sign * 0.5 * grads["d" + name] for name, value in params.items()}
    return params


def moons_untrained(X_train, y_train, seed):
    params = _moons_network(X_train, y_train, seed, epochs=0)
    return lambda X: (S09["forward"](X, params)[0][:, 0] >= 0.5).astype(int)


def moons_returns_labels(X_train, y_train, seed):
    params = _moons_network(X_train, y_train, seed, epochs=50)
    return (S09["forward"](X_train, params)[0][:, 0] >= 0.5).astype(int)  # predict(X_train), not predict


def moons_returns_probabilities(X_train, y_train, seed):
    params = _moons_network(X_train, y_train, seed, epochs=50)
    return lambda X: S09["forward"](X, params)[0]  # A2, (k, 1) probabilities


def moons_always_one_class(X_train, y_train, seed):
    return lambda X: np.ones(len(X), dtype=int)


def moons_gradient_ascent(X_train, y_train, seed):
    params = _moons_network(X_train, y_train, seed, epochs=100, sign=+1)
    return lambda X: (S09["forward"](X, params)[0][:, 0] >= 0.5).astype(int)


def moons_labels_not_a_column(X_train, y_train, seed):
    params = S09["init_params"](2, 32, 1, np.random.default_rng(seed))
    for _ in range(5):
        A2, cache = S09["forward"](X_train, params)
        grads = S09["backward"](X_train, y_train, params, cache)  # y (m,): A2 - y is an (m, m) matrix
        params = {name: value - 0.5 * grads["d" + name] for name, value in params.items()}
    return lambda X: (S09["forward"](X, params)[0][:, 0] >= 0.5).astype(int)


def moons_linear_model(X_train, y_train, seed):
    w, b = np.zeros(2), 0.0  # logistic regression: no hidden layer, a straight boundary
    for _ in range(300):
        a = _sigmoid(X_train @ w + b)
        w, b = w - 0.5 * X_train.T @ (a - y_train) / len(y_train), b - 0.5 * np.mean(a - y_train)
    return lambda X: (X @ w + b >= 0).astype(int)


# --- 10.digits_classifier (each wrong trainer takes well under a second) -----------------------------


def _digits_params(seed):
    return S10["init_params"](64, 100, 10, np.random.default_rng(seed))


def digits_untrained(X_train, y_train, seed):
    params = _digits_params(seed)
    return lambda X: S10["forward"](X, params)[0].argmax(axis=1)


def digits_probabilities(X_train, y_train, seed):
    params = _digits_params(seed)
    return lambda X: S10["forward"](X, params)[0]


def digits_argmax_over_examples(X_train, y_train, seed):
    params = _digits_params(seed)
    return lambda X: S10["forward"](X, params)[0].argmax(axis=0)


def digits_column(X_train, y_train, seed):
    params = _digits_params(seed)
    return lambda X: S10["forward"](X, params)[0].argmax(axis=1).reshape(-1, 1)


def digits_returns_labels(X_train, y_train, seed):
    params = _digits_params(seed)
    return S10["forward"](X_train, params)[0].argmax(axis=1)


def digits_one_class(X_train, y_train, seed):
    most_common = np.bincount(y_train).argmax()
    return lambda X: np.full(len(X), most_common)


def _digits_trained(X, Y, seed, epochs):
    rng = np.random.default_rng(seed)
    params = _digits_params(seed)
    for _ in range(epochs):
        for X_batch, Y_batch in S10["minibatches"](X, Y, 32, rng):
            P, cache = S10["forward"](X_batch, params)
            grads = S10["backward"](X_batch, Y_batch, params, cache, 1e-3)
            params = {name: value - 0.1 * grads["d" + name] for name, value in params.items()}
    return params


def digits_predict_not_standardised(X_train, y_train, seed):
    mean, std = S10["fit_standardizer"](X_train)
    params = _digits_trained((X_train - mean) / std, S10["one_hot"](y_train, 10), seed, epochs=5)
    return lambda X: S10["forward"](X, params)[0].argmax(axis=1)  # raw pixels: forgot (X - mean) / std


def digits_labels_not_one_hot(X_train, y_train, seed):
    mean, std = S10["fit_standardizer"](X_train)
    params = _digits_trained((X_train - mean) / std, y_train.reshape(-1, 1), seed, epochs=2)  # P - y
    return lambda X: S10["forward"]((X - mean) / std, params)[0].argmax(axis=1)


def digits_predict_own_statistics(X_train, y_train, seed):
    mean, std = S10["fit_standardizer"](X_train)
    params = _digits_trained((X_train - mean) / std, S10["one_hot"](y_train, 10), seed, epochs=10)

    def predict(X):  # the images' own mean and std: fine on a large batch, wrong for one image
        own_mean, own_std = S10["fit_standardizer"](X)
        return S10["forward"]((X - own_mean) / own_std, params)[0].argmax(axis=1)

    return predict


def moons_predict_own_statistics(X_train, y_train, seed):
    """The solution, but predict scales new points with their own mean and std."""
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    params = _moons_network((X_train - mean) / std, y_train, seed, epochs=1000)

    def predict(X):
        return (S09["forward"]((X - X.mean(axis=0)) / X.std(axis=0), params)[0][:, 0] >= 0.5).astype(int)

    return predict


def moons_standardises_in_place(X_train, y_train, seed):
    """The solution, after standardising the caller's X_train in place."""
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    X_train -= mean
    X_train /= std
    params = _moons_network(X_train, y_train, seed, epochs=1000)
    return lambda X: (S09["forward"]((X - mean) / std, params)[0][:, 0] >= 0.5).astype(int)


def digits_one_hot_in_place(X_train, y_train, seed):
    """A classifier that rescales the caller's X_train in place (and otherwise works)."""
    predict = S10["digits_classifier"](X_train, y_train, seed)
    X_train *= 2.0
    return predict


ACCURACY_09 = "the target is 95%: train longer"
ACCURACY_10 = "the target is 95%: standardise the pixels"


def relerr_no_guard(analytic, numeric):
    return float(np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric)))


def relerr_relative_to_analytic_only(analytic, numeric):
    return float(np.linalg.norm(analytic - numeric) / max(np.linalg.norm(analytic), 1e-12))


def relerr_absolute(analytic, numeric):
    return float(np.linalg.norm(analytic - numeric))


def relerr_elementwise(analytic, numeric):
    return np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-12)


WRONG = [
    # 06.dense_backward
    ("06.dense_backward", "dW = dZ.T @ X", dense_dW_transposed, "your dW is the expected result transposed"),
    ("06.dense_backward", "db with keepdims", dense_db_keepdims, "your db has the right numbers in the wrong shape"),
    ("06.dense_backward", "db summed over axis 1", dense_db_wrong_axis, "your db has the wrong shape"),
    ("06.dense_backward", "dX = dZ @ W", dense_dX_without_transpose, SHAPES),
    ("06.dense_backward", "no db", dense_no_db, "should be a tuple of 3 values (dX, dW, db); got 2"),
    ("06.dense_backward", "(dW, dX, db)", dense_wrong_order, "your dX has the wrong shape"),
    ("06.dense_backward", "db = mean", dense_db_mean, "your db is m = 3 times too small"),
    ("06.dense_backward", "dW / m", dense_dW_divided_by_m, "your dW is m = 3 times too small"),
    # 06.two_layer_backward
    ("06.two_layer_backward", "no 1/m", backward_no_1_over_m, "forget to divide by m"),
    ("06.two_layer_backward", "Y - A2", backward_y_minus_a, "wrong sign"),
    ("06.two_layer_backward", "keys W1, b1, ...", backward_keys_without_d, "missing the key(s) ['dW1'"),
    ("06.two_layer_backward", "db with keepdims", backward_db_keepdims, "db1 has the right numbers in the wrong shape"),
    ("06.two_layer_backward", "dZ2 @ W2", backward_w2_not_transposed, SHAPES),
    ("06.two_layer_backward", "no relu' (GENERIC)", backward_no_relu_derivative, "dW1 " + NOT_RIGHT),
    ("06.two_layer_backward", "times sigma'(Z2) (GENERIC)", backward_extra_sigmoid_derivative, "dW1 " + NOT_RIGHT),
    # 06.numerical_gradient
    ("06.numerical_gradient", "nudges x in place", numgrad_in_place, "changed its input x in place"),
    ("06.numerical_gradient", "flattened", numgrad_flat, "right numbers in the wrong shape"),
    ("06.numerical_gradient", "a list", numgrad_list, "should be a numpy array; got a list"),
    ("06.numerical_gradient", "one-sided difference (GENERIC)", numgrad_one_sided, "expected 2, got 2.000001"),
    ("06.numerical_gradient", "divides by eps (GENERIC)", numgrad_divides_by_eps, "expected 2, got 4"),
    ("06.numerical_gradient", "all entries at once (GENERIC)", numgrad_all_entries_at_once, NOT_RIGHT),
    # 07.gradient_descent_step
    ("07.gradient_descent_step", "-= in place", step_in_place, "changed its input params in place"),
    ("07.gradient_descent_step", "dict(params) then -=", step_shallow_copy, "changed its input params in place"),
    ("07.gradient_descent_step", "names W1, b1, W2, b2", step_four_names, "raised KeyError: 'W2'"),
    ("07.gradient_descent_step", "keys of grads", step_keys_of_grads, "missing the key(s) ['W1', 'b1']"),
    ("07.gradient_descent_step", "grads[name]", step_same_key, "raised KeyError: 'W1'"),
    ("07.gradient_descent_step", "a list", step_a_list, "should be a dict with the keys ['W1', 'b1']"),
    ("07.gradient_descent_step", "+ instead of - (GENERIC)", step_plus, "expected 0.95, got 1.05"),
    ("07.gradient_descent_step", "no learning rate (GENERIC)", step_no_learning_rate, "expected 0.95, got 0.5"),
    # 07.step_decay
    ("07.step_decay", "drop ** epoch // every", decay_precedence, "expected 0.025, got 0"),
    ("07.step_decay", "an array", decay_an_array, "should be a single number"),
    ("07.step_decay", "no floor (GENERIC)", decay_no_floor, "expected 0.025, got 0.0176777"),
    ("07.step_decay", "epoch + 1 (GENERIC)", decay_off_by_one, "On random inputs: your result " + NOT_RIGHT),
    ("07.step_decay", "hard-coded example (GENERIC)", decay_hard_coded, "On random inputs: your result " + NOT_RIGHT),
    ("07.step_decay", "exponential (GENERIC)", decay_exponential, "expected 0.025"),
    # 07.inverse_time_decay
    ("07.inverse_time_decay", "an array", inverse_an_array, "should be a single number"),
    ("07.inverse_time_decay", "no parentheses (GENERIC)", inverse_missing_parentheses, "expected 0.0333333, got 2.1"),
    ("07.inverse_time_decay", "no 1 + (GENERIC)", inverse_without_one, "expected 0.0333333, got 0.05"),
    ("07.inverse_time_decay", "exponential (GENERIC)", inverse_exponential, "expected 0.0333333"),
    ("07.inverse_time_decay", "hard-coded example (GENERIC)", inverse_hard_coded, "On random inputs: your result "
     + NOT_RIGHT),
    # 07.minibatches
    ("07.minibatches", "no shuffle", batches_in_order, "original order"),
    ("07.minibatches", "np.random.permutation", batches_global_random, "the same rng seed gave different batches"),
    ("07.minibatches", "own default_rng(0)", batches_own_generator, "different rng seeds gave the same batches"),
    ("07.minibatches", "rng.shuffle(X)", batches_shuffle_in_place, "changed X or Y in place"),
    ("07.minibatches", "X and Y shuffled apart", batches_two_permutations, "no longer belong together"),
    ("07.minibatches", "last batch dropped", batches_drop_last, "the batch sizes should be [3, 3, 3, 1]; got [3, 3, 3]"),
    ("07.minibatches", "with replacement", batches_with_replacement, "every example exactly once"),
    # 09.train_moons
    ("09.train_moons", "returns predict(X_train)", moons_returns_labels, "should return your predict function"),
    # the (m, m) broadcast surfaces later as a failing matmul; custom checks do not add the matmul hint
    ("09.train_moons", "y not a column", moons_labels_not_a_column, "your function raised ValueError: matmul"),
    ("09.train_moons", "untrained (GENERIC)", moons_untrained, ACCURACY_09),
    ("09.train_moons", "gradient ascent", moons_gradient_ascent, "Your update goes uphill"),
    ("09.train_moons", "no hidden layer (GENERIC)", moons_linear_model, ACCURACY_09),
    # the two below do not name their mistake: the message says "train longer" (see the report)
    ("09.train_moons", "predict returns probabilities", moons_returns_probabilities, "return class labels, not probabilities"),
    ("09.train_moons", "always one class", moons_always_one_class, "for every point"),
    # 10.digits_classifier
    ("06.relative_error", "no guard against 0/0", relerr_no_guard, "guard it"),
    ("06.relative_error", "divided by ||analytic|| only", relerr_relative_to_analytic_only, "is not right"),
    ("06.relative_error", "absolute, not relative", relerr_absolute, "is not right"),
    ("06.relative_error", "one error per entry", relerr_elementwise, "should be a number"),
    ("07.minibatches", "batch start never advances", batches_never_advance, "must stop after one pass"),
    ("10.digits_classifier", "predict returns probabilities", digits_probabilities, "got shape (450, 10)"),
    ("10.digits_classifier", "argmax over the examples", digits_argmax_over_examples, "got shape (10,)"),
    ("10.digits_classifier", "digits as a column (shape accepted), untrained", digits_column, ACCURACY_10),
    ("10.digits_classifier", "returns predict(X_train)", digits_returns_labels, "should return your predict function"),
    ("10.digits_classifier", "predict forgets to standardise", digits_predict_not_standardised, ACCURACY_10),
    ("10.digits_classifier", "untrained (GENERIC)", digits_untrained, ACCURACY_10),
    ("10.digits_classifier", "predict standardises with the images' own statistics", digits_predict_own_statistics,
     "when they come alone"),
    ("10.digits_classifier", "always one class", digits_one_class, "for every point"),
    ("10.digits_classifier", "changes X_train in place", digits_one_hot_in_place, "changed its input X_train in place"),
    ("09.train_moons", "predict scales points with their own statistics", moons_predict_own_statistics,
     "when they come alone"),
    ("09.train_moons", "standardises X_train in place", moons_standardises_in_place,
     "changed its input X_train in place"),
    ("10.digits_classifier", "integer labels, not one-hot (GENERIC)", digits_labels_not_one_hot, ACCURACY_10),
]

# Endless loops: the check stops them at the exercise's time limit (10 s); here a copy of the exercise with a
# shorter limit keeps the test fast. (An endless generator in 07.minibatches also fills memory while the check
# collects its batches with list(...), about 0.2 GB per second: see the report.)

TIMEOUTS = [
    ("06.numerical_gradient", "loop index never advances", numgrad_forgets_to_advance, 1.0),

]


@pytest.mark.parametrize("exercise_id", sorted(CORRECT))
def test_reference_quality_implementation_passes(exercise_id):
    for seed in SEEDS_FOR.get(exercise_id, SEEDS):
        verdict = run_check(EXERCISES[exercise_id], CORRECT[exercise_id], seed=seed)
        assert verdict.status == "passed", f"seed {seed}: {verdict.message}"
        assert verdict.score == EXERCISES[exercise_id].points


@pytest.mark.parametrize("exercise_id, mistake, function, fragment", WRONG,
                         ids=[f"{e}-{m}" for e, m, _, _ in WRONG])
def test_wrong_answer_fails_naming_the_mistake(exercise_id, mistake, function, fragment):
    verdict = run_check(EXERCISES[exercise_id], function, seed=SEED)
    assert verdict.status == "failed", f"{mistake}: {verdict.status}: {verdict.message}"
    assert verdict.score == 0
    assert fragment in verdict.message, f"{mistake}: {verdict.message}"


@pytest.mark.parametrize("exercise_id, mistake, function, seconds", TIMEOUTS,
                         ids=[f"{e}-{m}" for e, m, _, _ in TIMEOUTS])
def test_endless_loop_times_out(exercise_id, mistake, function, seconds):
    exercise = dataclasses.replace(EXERCISES[exercise_id], time_limit=seconds)
    verdict = run_check(exercise, function, seed=SEED)
    assert verdict.status == "timeout", f"{mistake}: {verdict.status}: {verdict.message}"
    assert verdict.score == 0
    assert "endless loop" in verdict.message


def test_every_exercise_of_the_lessons_has_at_least_three_wrong_answers():
    from banks import banked_in_newer_files  # the newer exercises' banks are in tests/test_exercises_*.py

    ids = [exercise_id for exercise_id in EXERCISES if exercise_id[:2] in {"06", "07", "09", "10"}
           and exercise_id not in banked_in_newer_files()]
    assert sorted(ids) == sorted(CORRECT)
    for exercise_id in ids:
        count = sum(1 for e, *_ in WRONG if e == exercise_id)
        assert count >= 3, f"{exercise_id} has {count} wrong answers"
