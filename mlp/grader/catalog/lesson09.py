"""Exercise of lesson 9: a digits classifier from the learner's own functions."""

from ... import data
from ..checking import Exercise
from .predictions import check_predictions

TARGET = 0.95


def check_digits_classifier(function, rng):
    """digits_classifier(X_train, y_train, seed) returns predict(X) -> digits; >= 95% on held-out digits."""
    seed = int(rng.integers(2**31))
    X, y = data.load_digits()
    split = data.train_val_test_split(X, y, val_size=0.0, test_size=0.25, seed=seed)
    predict = function(split.X_train.copy(), split.y_train.copy(), seed)
    return check_predictions(predict, split.X_test, split.y_test, TARGET,
                             "standardise the pixels (with the training set's statistics), train longer or with "
                             "more hidden units")


EXERCISES = [Exercise("09.digits_classifier", "digits_classifier", 6, custom=check_digits_classifier,
                      time_limit=180)]
