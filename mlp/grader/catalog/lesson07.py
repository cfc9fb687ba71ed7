"""Exercises of lesson 7: gradient descent."""

from itertools import islice

import numpy as np

from .. import inputs
from ..checking import Exercise

TITLE = "Gradient descent"  # the lesson's title, as its notebook says (progress() shows it)


def gradient_descent_step(params, grads, learning_rate):
    """theta := theta - alpha dtheta for every parameter, as a new dict (params unchanged)."""
    return {name: value - learning_rate * grads["d" + name] for name, value in params.items()}


def step_inputs(rng, trial):
    m, n = inputs.shape(rng, trial)
    params = {"W1": rng.standard_normal((m, n)), "b1": rng.standard_normal(n)}
    grads = {"dW1": rng.standard_normal((m, n)), "db1": rng.standard_normal(n)}
    return params, grads, float(rng.choice([0.001, 0.1, 0.5, 2.0]))


def step_decay(learning_rate, drop, every, epoch):
    """alpha_t = alpha_0 * drop ** floor(t / every)."""
    return learning_rate * drop ** (epoch // every)


def inverse_time_decay(learning_rate, decay_rate, epoch):
    """alpha_t = alpha_0 / (1 + k t)."""
    return learning_rate / (1 + decay_rate * epoch)


def step_decay_inputs(rng, trial):
    every = int(rng.integers(1, 6))
    return float(rng.choice([0.01, 0.1, 1.0])), float(rng.choice([0.1, 0.5, 0.9])), every, \
        int(rng.integers(0, 4 * every + 3))


def inverse_time_inputs(rng, trial):
    return float(rng.choice([0.01, 0.1, 1.0])), float(rng.uniform(0.01, 2)), int(rng.integers(0, 50))


def check_minibatches(function, rng):
    """Every row exactly once per epoch, rows of X and Y kept together, shuffled by rng, X and Y unchanged."""
    for m, batch_size in [(10, 3), (12, 4), (7, 7), (5, 1), (9, 20)]:
        X = np.arange(m * 2, dtype=float).reshape(m, 2)  # row i is (2i, 2i + 1)
        Y = np.arange(m, dtype=float).reshape(m, 1)  # row i is i
        X_before, Y_before = X.copy(), Y.copy()
        # At most m + 1 batches are read: an endless generator is reported, not followed forever.
        batches = list(islice(function(X, Y, batch_size, np.random.default_rng(int(rng.integers(1000)))), m + 1))
        if len(batches) > m:
            return f"for m = {m} examples minibatches gave more than {m} batches: it must stop after one pass"
        if not np.array_equal(X, X_before) or not np.array_equal(Y, Y_before):
            return "minibatches changed X or Y in place; shuffle a permutation of the row numbers instead"
        sizes = [len(batch[0]) for batch in batches]
        expected = [min(batch_size, m - start) for start in range(0, m, batch_size)]
        if sizes != expected:
            return f"for m = {m} and batch_size = {batch_size} the batch sizes should be {expected}; got {sizes}"
        rows = np.concatenate([np.asarray(batch[1])[:, 0] for batch in batches]).astype(int)
        if sorted(rows.tolist()) != list(range(m)):
            return f"for m = {m}, batch_size = {batch_size} the batches do not hold every example exactly once"
        for X_batch, Y_batch in batches:
            if not np.array_equal(np.asarray(X_batch)[:, 0], 2 * np.asarray(Y_batch)[:, 0]):
                return "a batch's rows of X and Y no longer belong together: index both with the same rows"
    X, Y = np.arange(40.0).reshape(20, 2), np.arange(20.0).reshape(20, 1)
    orders = [np.concatenate([b[1][:, 0] for b in function(X, Y, 5, np.random.default_rng(s))]) for s in (1, 1, 2)]
    if np.array_equal(orders[0], np.arange(20)):
        return "the examples come out in their original order: shuffle them with rng.permutation(m)"
    if not np.array_equal(orders[0], orders[1]):
        return "the same rng seed gave different batches: shuffle with the rng you are given"
    if np.array_equal(orders[0], orders[2]):
        return "different rng seeds gave the same batches: shuffle with the rng you are given"
    return None


EXERCISES = [
    Exercise("07.gradient_descent_step", "gradient_descent_step", 2, gradient_descent_step,
             ({"W1": np.array([[1.0, 2.0]]), "b1": np.array([0.5])},
              {"dW1": np.array([[0.5, -1.0]]), "db1": np.array([2.0])}, 0.1), step_inputs),
    Exercise("07.step_decay", "step_decay", 1, step_decay, (0.1, 0.5, 10, 25), step_decay_inputs),
    Exercise("07.inverse_time_decay", "inverse_time_decay", 1, inverse_time_decay, (0.1, 0.5, 4), inverse_time_inputs),
    Exercise("07.minibatches", "minibatches", 3, custom=check_minibatches),
]
