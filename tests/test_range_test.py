"""The learning-rate range test: losses against exponentially growing rates, weights left as they were."""

import math

import numpy as np
import pytest

import mlp


@pytest.fixture(scope="module")
def moons():
    return mlp.data.make_moons(400, noise=0.2, seed=0)


def test_the_curve_falls_then_blows_up_and_the_weights_are_put_back(moons):
    X, y = moons
    net = mlp.MLP([2, 32, 1], seed=0)
    before = net.get_weights()
    result = mlp.learning_rate_range_test(net, X, y, start=1e-4, stop=1e4, steps=120, seed=0)
    assert all(np.array_equal(before[k], v) for k, v in net.get_weights().items())
    rates, losses = result.learning_rates, result.losses
    assert len(rates) == len(losses) < 120  # stopped once the loss blew up
    assert all(b > a for a, b in zip(rates, rates[1:]))
    assert min(losses) < 0.6 * losses[0]  # it fell...
    assert max(losses[int(np.argmin(losses)):]) > 2 * min(losses)  # ...then rose
    assert result.suggested == pytest.approx(rates[int(np.argmin(losses))] / 10)


def test_the_suggested_rate_trains_the_network(moons):
    X, y = moons
    net = mlp.MLP([2, 32, 1], seed=0)
    result = mlp.learning_rate_range_test(net, X, y, seed=0)
    assert math.isfinite(result.suggested)
    net.fit(X, y, epochs=100, learning_rate=result.suggested, batch_size=32, seed=0, progress=False)
    assert net.accuracy(X, y) > 0.95


def test_the_same_seed_gives_the_same_curve(moons):
    X, y = moons
    curves = [mlp.learning_rate_range_test(mlp.MLP([2, 8, 1], seed=0), X, y, steps=30, seed=s).losses for s in (1, 1, 2)]
    assert curves[0] == curves[1] and curves[0] != curves[2]


@pytest.mark.parametrize("options, said", [({"start": 0}, "start must be a positive number"),
                                           ({"start": 1.0, "stop": 0.5}, "stop must be larger than start"),
                                           ({"steps": 1}, "steps must be at least 2"),
                                           ({"batch_size": 0}, "batch_size must be a positive integer")])
def test_the_options_are_checked(moons, options, said):
    with pytest.raises(ValueError) as excinfo:
        mlp.learning_rate_range_test(mlp.MLP([2, 4, 1], seed=0), *moons, **options)
    assert said in str(excinfo.value)
