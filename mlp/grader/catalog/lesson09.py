"""Exercise of lesson 9: a digits classifier from the learner's own functions."""

import numpy as np

from ... import data
from ..checking import Exercise, Passed
from .predictions import check_predictions

TARGET = 0.95


def check_digits_classifier(function, rng):
    """digits_classifier(X_train, y_train, seed) returns predict(X) -> digits; >= 95% on held-out digits."""
    seed = int(rng.integers(2**31))
    X, y = data.load_digits()
    split = data.train_val_test_split(X, y, val_size=0.0, test_size=0.25, seed=seed)
    predict = function(split.X_train.copy(), split.y_train.copy(), seed)
    problem = check_predictions(predict, split.X_test, split.y_test, TARGET,
                                "standardise the pixels (with the training set's statistics), train longer or with "
                                "more hidden units")
    if not isinstance(problem, Passed):
        return problem
    return check_one_image_at_a_time(predict, split.X_test) or problem


def check_one_image_at_a_time(predict, X):
    """A digit must not depend on the other images predicted with it (as it does when predict standardises
    the images it is given with their own mean and standard deviation)."""
    together = np.asarray(predict(X.copy())).reshape(-1)
    for rows in (slice(0, 1), slice(1, 4), slice(4, 20)):
        alone = np.asarray(predict(X[rows].copy())).reshape(-1)
        if alone.shape != together[rows].shape or np.any(alone != together[rows]):
            return (f"predict gives other digits for images {rows.start} to {rows.stop - 1} when they come alone "
                    f"than when they come with the other {len(X) - (rows.stop - rows.start)}: transform new images "
                    f"with the training set's mean and standard deviation (from fit_standardizer(X_train)), never "
                    f"with statistics of the images predict is given")
    return None


EXERCISES = [Exercise("09.digits_classifier", "digits_classifier", 6, custom=check_digits_classifier,
                      time_limit=180)]
