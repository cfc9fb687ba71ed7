"""Exercise of lesson 9: train a network on the moons, end to end."""

import numpy as np

from ... import data
from ..checking import Exercise, Passed
from .predictions import changed_in_place, check_one_at_a_time, check_predictions

TARGET = 0.95
N_TRAIN, N_VALIDATION = 400, 1000  # 1000 held-out points: a 97% classifier fails by chance < 0.1% of the time


def check_train_moons(function, rng):
    """train_moons(X_train, y_train, seed) returns predict(X) -> labels; >= 95% on fresh validation points."""
    seed = int(rng.integers(2**31))
    X, y = data.make_moons(N_TRAIN + N_VALIDATION, noise=0.2, seed=seed)
    given = (X[:N_TRAIN].copy(), y[:N_TRAIN].copy())
    predict = function(*given, seed)
    problem = changed_in_place("train_moons", ("X_train", "y_train"), (X[:N_TRAIN], y[:N_TRAIN]), given) \
        or check_predictions(predict, X[N_TRAIN:], y[N_TRAIN:], TARGET,
                             "train longer, change the learning rate, or add hidden units")
    if isinstance(problem, Passed):
        return check_one_at_a_time(predict, X[N_TRAIN:], "points", STANDARDISE_NEW_POINTS) or problem
    if problem is None or not problem.startswith("accuracy"):
        return problem
    return f"{problem.split(';')[0]}; {UPHILL}" if learns_the_opposite(function, seed) else problem


STANDARDISE_NEW_POINTS = ("scale new points with the training set's mean and standard deviation, never with "
                          "statistics of the points predict is given")


UPHILL = ("your network learns the opposite of the labels it is given: trained on two well-separated blobs it "
          "calls every point of each blob the other blob's label, and the same with the labels swapped. Your "
          "update goes uphill: it must subtract the gradient, theta := theta - learning_rate * dtheta "
          "(and the output layer's error is dZ2 = (A2 - Y) / m, not Y - A2)")


def learns_the_opposite(function, seed) -> bool:
    """Trained on two blobs far apart, and again with the labels swapped, is predict wrong on almost every
    point both times? (Gradient ascent is; an untrained network predicts the same either way, so it cannot
    be wrong both times.)"""
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal([-2.0, 0.0], 0.3, (100, 2)), rng.normal([2.0, 0.0], 0.3, (100, 2))])
    y = np.repeat([0, 1], 100)
    for labels in (y, 1 - y):
        predict = function(X.copy(), labels.copy(), seed)
        if not callable(predict):
            return False
        predicted = np.asarray(predict(X.copy())).reshape(-1)
        if predicted.shape != labels.shape or np.mean(predicted == labels) > 0.1:
            return False
    return True


EXERCISES = [Exercise("09.train_moons", "train_moons", 5, custom=check_train_moons, time_limit=120)]
