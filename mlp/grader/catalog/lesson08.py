"""Exercise of lesson 8: train a network on the moons, end to end."""

import numpy as np

from ... import data
from ..checking import Exercise

TARGET = 0.95


def check_train_moons(function, rng):
    """train_moons(X_train, y_train, seed) returns predict(X) -> labels; >= 95% on fresh validation points."""
    seed = int(rng.integers(2**31))
    X, y = data.make_moons(600, noise=0.2, seed=seed)
    X_train, y_train, X_val, y_val = X[:400], y[:400], X[400:], y[400:]
    predict = function(X_train.copy(), y_train.copy(), seed)
    if not callable(predict):
        return f"train_moons should return your predict function; got a {type(predict).__name__}"
    predicted = np.asarray(predict(X_val.copy()))
    if predicted.shape not in ((len(y_val),), (len(y_val), 1)):
        return f"predict(X_val) should return {len(y_val)} labels of shape ({len(y_val)},); got shape {predicted.shape}"
    accuracy = float(np.mean(predicted.reshape(-1) == y_val))
    if accuracy < TARGET:
        return (f"validation accuracy {accuracy:.1%} on 200 new points; the target is {TARGET:.0%}: "
                f"train longer, change the learning rate, or add hidden units")
    return None


EXERCISES = [Exercise("08.train_moons", "train_moons", 5, custom=check_train_moons, time_limit=120)]
