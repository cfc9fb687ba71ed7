"""Exercise of lesson 8: train a network on the moons, end to end."""

from ... import data
from ..checking import Exercise
from .predictions import check_predictions

TARGET = 0.95
N_TRAIN, N_VALIDATION = 400, 1000  # 1000 held-out points: a 97% classifier fails by chance < 0.1% of the time


def check_train_moons(function, rng):
    """train_moons(X_train, y_train, seed) returns predict(X) -> labels; >= 95% on fresh validation points."""
    seed = int(rng.integers(2**31))
    X, y = data.make_moons(N_TRAIN + N_VALIDATION, noise=0.2, seed=seed)
    predict = function(X[:N_TRAIN].copy(), y[:N_TRAIN].copy(), seed)
    return check_predictions(predict, X[N_TRAIN:], y[N_TRAIN:], TARGET,
                             "train longer, change the learning rate, or add hidden units")


EXERCISES = [Exercise("08.train_moons", "train_moons", 5, custom=check_train_moons, time_limit=120)]
