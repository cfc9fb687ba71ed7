"""Exercises of lesson 4: forward propagation."""

import numpy as np

from ... import activations
from .. import inputs
from ..checking import Exercise
from ..input_functions import InputFunction

TITLE = "Forward propagation"  # the lesson's title, as its notebook says (progress() shows it)


def check_init_params(function, rng):
    """He initialisation: W_l ~ N(0, 2 / n_in), b_l = 0, reproducible from the seed, no global state."""
    sizes = [300, 200, 10]
    params = function(sizes, 7)  # (numpy's global random state is watched by run_check, for every exercise)
    if not isinstance(params, dict):
        return f"init_params should return a dict of arrays; got a {type(params).__name__}"
    expected_keys = ["W1", "b1", "W2", "b2"]
    if sorted(params) != sorted(expected_keys):
        return f"for layer_sizes {sizes} the keys should be {expected_keys}; got {sorted(params)}"
    for number, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        W, b = np.asarray(params[f"W{number}"]), np.asarray(params[f"b{number}"])
        if W.shape != (n_in, n_out):
            return f"W{number} should have shape (n_in, n_out) = {(n_in, n_out)}; got {W.shape}"
        if b.shape != (n_out,):
            return f"b{number} should have shape ({n_out},); got {b.shape}"
        if np.any(b != 0):
            return f"b{number} should start at zero"
        if np.all(W == W.flat[0]):
            return f"every entry of W{number} is the same: the units are symmetric and never become different"
        std, expected = float(W.std()), float(np.sqrt(2 / n_in))
        if not 0.9 * expected < std < 1.1 * expected:
            return (f"W{number} has standard deviation {std:.4f}; He initialisation gives sqrt(2 / n_in) = "
                    f"{expected:.4f} for n_in = {n_in}")
    again = function(sizes, 7)
    if not np.array_equal(np.asarray(again["W1"]), np.asarray(params["W1"])):
        return "init_params gave different weights for the same seed: create the generator from the seed"
    if np.array_equal(np.asarray(function(sizes, 8)["W1"]), np.asarray(params["W1"])):
        return "init_params gave the same weights for different seeds"
    deep = function([4, 3, 3, 2], 0)
    if sorted(deep) != ["W1", "W2", "W3", "b1", "b2", "b3"]:
        return f"for layer_sizes [4, 3, 3, 2] the keys should be W1, b1, W2, b2, W3, b3; got {sorted(deep)}"
    return None


# Activations handed to the learner's dense_forward: numpy formulas that travel by name between processes.
ACTIVATIONS = [InputFunction("tanh"), InputFunction("relu"), InputFunction("sigmoid")]


def dense_forward(X, W, b, activation):
    return activation(X @ W + b)


def dense_inputs(rng, trial):
    m, n_in = inputs.shape(rng, trial)
    n_out = int(rng.integers(1, 6)) if trial != 2 else n_in + 2
    return (inputs.matrix(rng, trial, (m, n_in)), rng.standard_normal((n_in, n_out)), rng.standard_normal(n_out),
            ACTIVATIONS[trial % 3])


def two_layer_forward(X, params):
    A1 = activations.relu(X @ params["W1"] + params["b1"])
    return activations.sigmoid(A1 @ params["W2"] + params["b2"])


def network_inputs(rng, trial):
    m, n0 = inputs.shape(rng, trial)
    n1 = int(rng.integers(1, 6))
    params = {"W1": rng.standard_normal((n0, n1)), "b1": rng.standard_normal(n1),
              "W2": rng.standard_normal((n1, 1)), "b2": rng.standard_normal(1)}
    return inputs.matrix(rng, trial, (m, n0)), params


def predict(X, params):
    return (two_layer_forward(X, params)[:, 0] >= 0.5).astype(np.int64)


EXAMPLE_PARAMS = {"W1": np.array([[1.0, -1.0, 0.5], [2.0, 0.5, -1.0]]), "b1": np.array([0.0, 0.5, 0.1]),
                  "W2": np.array([[1.0], [-2.0], [0.5]]), "b2": np.array([-0.5])}
EXAMPLE_X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 2.0], [0.5, 0.5]])
# The output unit gets z2 = +1000 and -1000 (a naive sigmoid overflows) and exactly 0 (P = 0.5, class 1).
STRESS_PARAMS = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.array([[1000.0], [-1000.0]]), "b2": np.zeros(1)}
STRESS_X = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])

EXERCISES = [
    Exercise("04.init_params", "init_params", 2, custom=check_init_params),
    Exercise("04.dense_forward", "dense_forward", 2, dense_forward,
             (EXAMPLE_X, EXAMPLE_PARAMS["W1"], EXAMPLE_PARAMS["b1"], InputFunction("relu")), dense_inputs),
    Exercise("04.two_layer_forward", "two_layer_forward", 2, two_layer_forward, (EXAMPLE_X, EXAMPLE_PARAMS),
             network_inputs, stress=((STRESS_X, STRESS_PARAMS),)),
    Exercise("04.predict", "predict", 1, predict, (EXAMPLE_X, EXAMPLE_PARAMS), network_inputs,
             stress=((STRESS_X, STRESS_PARAMS),)),
]
