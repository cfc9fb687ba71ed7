"""Inverted dropout: units dropped with probability p in training passes only, the kept ones scaled by
1 / (1 - p); seeded; off in forward, predict, the loss and gradient checks."""

import numpy as np
import pytest

import mlp
from mlp import MLP, Dense


def test_a_training_pass_drops_about_p_of_the_units_and_scales_the_rest():
    layer = Dense(4, 2000, "relu", seed=0, dropout=0.25)
    X = np.random.default_rng(1).standard_normal((50, 4))
    whole = layer.forward(X)  # no generator: nothing dropped
    assert layer.mask is None
    thinned = layer.forward(X, dropout_rng=np.random.default_rng(2))
    assert set(np.unique(layer.mask)) == {0.0, 1 / 0.75}
    assert abs((layer.mask == 0).mean() - 0.25) < 0.01
    np.testing.assert_array_equal(thinned, whole * layer.mask)
    assert abs(thinned.mean() / whole.mean() - 1) < 0.02  # the expected output is unchanged


def test_the_backward_pass_of_a_thinned_layer_matches_central_differences():
    layer = Dense(3, 5, "tanh", seed=0, dropout=0.4)
    rng = np.random.default_rng(3)
    X, G = rng.standard_normal((6, 3)), rng.standard_normal((6, 5))

    def loss(X):  # the same mask every time: a generator from the same seed
        return float(np.sum(G * layer.forward(X, dropout_rng=np.random.default_rng(7))))

    loss(X)
    dX = layer.backward(G)
    numeric = np.zeros_like(X)
    for index in np.ndindex(X.shape):
        step = np.zeros_like(X)
        step[index] = 1e-6
        numeric[index] = (loss(X + step) - loss(X - step)) / 2e-6
    np.testing.assert_allclose(dX, numeric, rtol=1e-6, atol=1e-9)


def test_predict_and_gradient_check_see_the_whole_network():
    X, y = mlp.data.make_moons(100, noise=0.2, seed=0)
    with_dropout = MLP([2, 16, 16, 1], seed=0, dropout=0.5)
    without = MLP([2, 16, 16, 1], seed=0)
    without.set_weights(with_dropout.get_weights())
    np.testing.assert_array_equal(with_dropout.forward(X), without.forward(X))
    assert max(mlp.gradient_check(with_dropout, X[:10], y[:10]).values()) < 1e-7


def test_fit_with_dropout_is_reproducible_from_its_seed_and_learns():
    X, y = mlp.data.make_moons(300, noise=0.2, seed=0)

    def trained(seed, batch_size):
        net = MLP([2, 32, 32, 1], seed=0, dropout=[0.2, 0.3])
        net.fit(X, y, epochs=120 if batch_size else 600, learning_rate=0.3, batch_size=batch_size, seed=seed,
                progress=False)
        return net

    for batch_size in (None, 32):  # full batch takes the two-pass path: thinned step, whole measurement
        a, b, c = trained(1, batch_size), trained(1, batch_size), trained(2, batch_size)
        assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
        assert not np.array_equal(a.params["W1"], c.params["W1"])
        assert a.accuracy(X, y) > 0.9


@pytest.mark.parametrize("dropout, said", [(1.0, "in [0, 1)"), (-0.1, "in [0, 1)"), ("0.5", "in [0, 1)"),
                                           ([0.1], "lists 1 rate(s) but the network has 2 hidden layer(s)")])
def test_dropout_must_be_a_fraction_per_hidden_layer(dropout, said):
    with pytest.raises(ValueError) as excinfo:
        MLP([2, 4, 4, 1], dropout=dropout)
    assert said in str(excinfo.value)
