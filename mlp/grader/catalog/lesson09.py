"""Exercise of lesson 9: a digits classifier from the learner's own functions."""

import numpy as np

from ... import data
from ..checking import Exercise

TARGET = 0.95


def check_digits_classifier(function, rng):
    """digits_classifier(X_train, y_train, seed) returns predict(X) -> digits; >= 95% on held-out digits."""
    seed = int(rng.integers(2**31))
    X, y = data.load_digits()
    split = data.train_val_test_split(X, y, val_size=0.0, test_size=0.25, seed=seed)
    predict = function(split.X_train.copy(), split.y_train.copy(), seed)
    if not callable(predict):
        return f"digits_classifier should return your predict function; got a {type(predict).__name__}"
    predicted = np.asarray(predict(split.X_test.copy()))
    m = len(split.y_test)
    if predicted.shape != (m,):
        return f"predict(X_test) should return {m} digits of shape ({m},); got shape {predicted.shape}"
    accuracy = float(np.mean(predicted == split.y_test))
    if accuracy < TARGET:
        return (f"test accuracy {accuracy:.1%} on {m} held-out digits; the target is {TARGET:.0%}: standardise "
                f"the pixels, train longer or with more hidden units")
    return None


EXERCISES = [Exercise("09.digits_classifier", "digits_classifier", 6, custom=check_digits_classifier,
                      time_limit=180)]
