"""Checking a learner's trained classifier: its predict function on held-out points."""

import numpy as np

from ..checking import Passed
from ..wire import Unsupported


def check_predictions(predict, X, y, target: float, advice: str) -> str | None:
    """Passed("accuracy ...") if predict(X) gets at least ``target`` accuracy on (X, y); else what is wrong.

    predict(X) must return one class label per row of X: shape (m,) (or (m, 1)), whole numbers.
    """
    if not callable(predict):
        kind = predict.type_name if isinstance(predict, Unsupported) else type(predict).__name__
        return f"your function should return your predict function; got a {kind}"
    predicted = np.asarray(predict(X.copy()))
    m = len(y)
    if predicted.shape not in ((m,), (m, 1)):
        hint = " (probabilities? take the most probable class)" if predicted.ndim == 2 else ""
        return f"predict(X) should return {m} labels of shape ({m},); got shape {predicted.shape}{hint}"
    predicted = predicted.reshape(-1)
    if not np.issubdtype(predicted.dtype, np.number) and predicted.dtype != np.bool_:
        return f"predict(X) should return numbers (class labels); got dtype {predicted.dtype}"
    if np.any(predicted != np.round(predicted)):
        return ("predict(X) returned fractions such as "
                f"{float(predicted[predicted != np.round(predicted)][0]):.3g}: return class labels, not probabilities")
    if np.unique(predicted).size == 1 and np.unique(y).size > 1:
        return f"predict(X) says {predicted[0]:g} for every point: the network has not learned to tell the classes apart"
    accuracy = float(np.mean(predicted == y))
    if accuracy < target:
        return f"accuracy {accuracy:.1%} on {m} held-out points; the target is {target:.0%}: {advice}"
    return Passed(f"accuracy {accuracy:.1%} on {m} held-out points (the target is {target:.0%})")


def changed_in_place(function_name: str, names, before, after) -> str | None:
    """What to say when the learner's training function changed its X_train or y_train in place."""
    changed = [name for name, old, new in zip(names, before, after) if not np.array_equal(old, new)]
    if not changed:
        return None
    return (f"{function_name} changed its input {' and '.join(changed)} in place; leave the caller's data as it was "
            f"and put what you compute in new arrays (X = (X_train - mean) / std, not X_train -= mean)")


def check_one_at_a_time(predict, X, things: str, advice: str) -> str | None:
    """A label must not depend on the other inputs predicted with it (as it does when predict standardises
    the inputs it is given with their own mean and standard deviation)."""
    together = np.asarray(predict(X.copy())).reshape(-1)
    for rows in (slice(0, 1), slice(1, 4), slice(4, 20)):
        alone = np.asarray(predict(X[rows].copy())).reshape(-1)
        if alone.shape != together[rows].shape or np.any(alone != together[rows]):
            return (f"predict gives other labels for {things} {rows.start} to {rows.stop - 1} when they come alone "
                    f"than when they come with the other {len(X) - (rows.stop - rows.start)}: {advice}")
    return None
