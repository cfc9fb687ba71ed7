"""Initialisers: distributions as documented, determinism, and why zeros fail (symmetry)."""

import numpy as np
import pytest

import mlp
from mlp import data, initializers
from mlp.initializers import INITIALIZERS, get_initializer


@pytest.mark.parametrize("name", list(INITIALIZERS))
def test_shape_dtype_and_determinism(name):
    init = INITIALIZERS[name]
    W = init(5, 3, np.random.default_rng(0))
    assert W.shape == (5, 3) and W.dtype == np.float64
    np.testing.assert_array_equal(W, init(5, 3, np.random.default_rng(0)))


@pytest.mark.parametrize("name, n_in, n_out, expected_std", [
    ("uniform", 400, 300, np.sqrt(1 / 3)),  # Var U(-1, 1) = 1/3
    ("small_normal", 400, 300, 0.01),
    ("xavier", 400, 300, np.sqrt(2 / (400 + 300))),
    ("he", 400, 300, np.sqrt(2 / 400)),
    ("lecun", 400, 300, np.sqrt(1 / 400)),
])
def test_standard_deviations_match_the_formulas(name, n_in, n_out, expected_std):
    W = INITIALIZERS[name](n_in, n_out, np.random.default_rng(1))
    assert abs(W.mean()) < 0.01 * expected_std * 10
    assert W.std() == pytest.approx(expected_std, rel=0.01)  # 120000 samples: ~0.2% sampling error


def test_xavier_bound_and_uniform_range():
    W = initializers.xavier(10, 20, np.random.default_rng(0))
    assert np.abs(W).max() <= np.sqrt(6 / 30)
    U = initializers.uniform(50, 50, np.random.default_rng(0))
    assert U.min() >= -1 and U.max() <= 1 and U.min() < -0.99 and U.max() > 0.99


def test_auto_picks_by_activation():
    assert get_initializer("auto", "relu") is initializers.he
    assert get_initializer("auto", "tanh") is initializers.xavier
    assert get_initializer("auto", "selu") is initializers.lecun
    assert get_initializer("glorot") is initializers.xavier and get_initializer("kaiming") is initializers.he


def test_zeros_never_break_symmetry():
    """Every hidden unit starts equal, gets the same gradient, and stays equal: one unit's worth of network."""
    X, y = data.make_circles(100, seed=0)
    model = mlp.MLP([2, 8, 1], "tanh", "sigmoid", init="zeros", seed=0)
    model.fit(X, y, epochs=200, learning_rate=1.0)
    W1, W2 = model.params["W1"], model.params["W2"]
    assert np.all(W1 == W1[:, :1]) and np.all(W2 == W2[0])  # all columns / rows identical
    assert model.accuracy(X, y) < 0.7  # circles need several different units
    rescued = mlp.MLP([2, 8, 1], "tanh", "sigmoid", init="xavier", seed=0)
    rescued.fit(X, y, epochs=200, learning_rate=1.0)
    assert rescued.accuracy(X, y) > 0.9


def test_biases_start_at_zero():
    model = mlp.MLP([3, 4, 2], init="uniform", seed=0)
    assert not model.params["b1"].any() and not model.params["b2"].any()
