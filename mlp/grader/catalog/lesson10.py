"""Exercise of lesson 10: a digits classifier from the learner's own functions."""

from ... import data
from ..checking import Exercise, Passed
from .predictions import changed_in_place, check_one_at_a_time, check_predictions

TITLE = "Capstone: handwritten digits"  # the lesson's title, as its notebook says (progress() shows it)

TARGET = 0.95


def check_digits_classifier(function, rng):
    """digits_classifier(X_train, y_train, seed) returns predict(X) -> digits; >= 95% on held-out digits."""
    seed = int(rng.integers(2**31))
    X, y = data.load_digits()
    split = data.train_val_test_split(X, y, val_size=0.0, test_size=0.25, seed=seed)
    given = (split.X_train.copy(), split.y_train.copy())
    predict = function(*given, seed)
    problem = changed_in_place("digits_classifier", ("X_train", "y_train"), (split.X_train, split.y_train), given) \
        or check_predictions(predict, split.X_test, split.y_test, TARGET,
                             "standardise the pixels (with the training set's statistics), train longer or with "
                             "more hidden units")
    if not isinstance(problem, Passed):
        return problem
    return check_one_at_a_time(predict, split.X_test, "images", STANDARDISE_NEW_IMAGES) or problem


STANDARDISE_NEW_IMAGES = ("transform new images with the training set's mean and standard deviation (from "
                          "fit_standardizer(X_train)), never with statistics of the images predict is given")


EXERCISES = [Exercise("10.digits_classifier", "digits_classifier", 6, custom=check_digits_classifier,
                      time_limit=180)]
