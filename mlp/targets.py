"""Labels and targets: from what a data set gives (class numbers) to what a loss needs.

A classifier with C classes learns from integer labels y of shape (m,), values 0..C-1.
The softmax output layer compares its (m, C) probabilities with a one-hot matrix Y of
shape (m, C): Y[i, k] = 1 when example i belongs to class k, else 0.
A sigmoid output layer with one unit compares with Y of shape (m, 1), values 0 or 1.
"""

from __future__ import annotations

import numpy as np

from .checks import as_float_array, check_finite, check_positive


def class_labels(y, n_classes: int | None = None, name: str = "y", expected_by: str | None = None) -> np.ndarray:
    """Check that y holds integer class labels 0..n_classes-1 and return them as int64, shape (m,).

    expected_by : what fixes the number of classes, for the message (default "there are C classes").
    """
    if n_classes is not None:
        check_positive(n_classes, "n_classes", integer=True)
    y = as_float_array(y, name)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class labels of shape (m,); got shape {y.shape}")
    if y.size == 0:
        raise ValueError(f"{name} is empty: expected at least one label; got shape {y.shape}")
    check_finite(y, name)
    if not np.all(y == np.round(y)):
        first = y[y != np.round(y)][0]
        raise ValueError(f"{name} must hold whole-number class labels 0, 1, 2, ...; found {first}")
    if y.min() < 0:
        raise ValueError(f"{name} must hold class labels 0, 1, 2, ...; found the negative label {y.min():g}")
    if n_classes is not None and y.max() >= n_classes:
        expected_by = expected_by or f"there are {n_classes} classes"
        raise ValueError(
            f"{name} has labels up to {y.max():g} but {expected_by}; expected labels 0..{n_classes - 1}"
        )
    return y.astype(np.int64)


def one_hot(y, n_classes: int | None = None, name: str = "y", expected_by: str | None = None) -> np.ndarray:
    """One-hot encode class labels.

    Parameters
    ----------
    y : array-like of int, shape (m,), values 0..C-1
    n_classes : C; defaults to max(y) + 1.
    name : what the learner calls y, for error messages.

    Returns
    -------
    Y : ndarray of float64, shape (m, C), with Y[i, y[i]] = 1 and zeros elsewhere.
    """
    labels = class_labels(y, n_classes, name, expected_by)
    if n_classes is None:
        n_classes = int(labels.max()) + 1
    Y = np.zeros((labels.size, n_classes))
    Y[np.arange(labels.size), labels] = 1.0
    return Y


def targets_for(y, n_outputs: int, kind: str, m: int | None = None, names=("X", "y")) -> np.ndarray:
    """Turn labels into the target matrix Y of shape (m, n_outputs) that the output layer is compared with.

    kind : "categorical" (softmax output): y is (m,) labels 0..C-1 or an (m, C) one-hot matrix.
           "binary" (sigmoid output): y is (m,) or (m, n_outputs) with values in [0, 1].
           "regression" (any other output): y is (m,) when n_outputs == 1, else (m, n_outputs).
    m : number of examples y must have (the rows of X), if known.
    names : what the learner calls X and y (e.g. ("X_val", "y_val")), for the messages.
    """
    x_name, y_name = names
    if kind == "categorical":
        array = as_float_array(y, y_name)
        if array.ndim == 2 and array.shape[1] == n_outputs and n_outputs > 1:
            check_finite(array, y_name)
            rows = array.sum(axis=1)
            if array.min() < 0 or not np.allclose(rows, 1.0):
                raise ValueError(
                    f"a one-hot {y_name} must have non-negative rows that each sum to 1; "
                    f"found a row summing to {rows[~np.isclose(rows, 1.0)][0]:g}"
                    if not np.allclose(rows, 1.0) else f"a one-hot {y_name} must not contain negative values"
                )
            Y = array
        elif array.ndim == 2 and array.shape[1] not in (1, n_outputs):
            raise ValueError(
                f"{y_name} has shape {array.shape} but the output layer has {n_outputs} units; expected "
                f"labels of shape (m,) or a one-hot matrix of shape (m, {n_outputs})"
            )
        else:
            Y = one_hot(array, n_outputs, y_name, f"the output layer has {n_outputs} units (one per class)")
    else:
        Y = as_float_array(y, y_name)
        if Y.ndim == 1:
            check_finite(Y, y_name)  # before the reshape, so a position reads "index i"
        if Y.ndim == 1 and n_outputs == 1:
            Y = Y[:, None]
        if Y.ndim != 2 or Y.shape[1] != n_outputs:
            expected = "(m,) or (m, 1)" if n_outputs == 1 else f"(m, {n_outputs})"
            raise ValueError(
                f"{y_name} has shape {Y.shape} but the output layer has {n_outputs} unit(s); "
                f"expected {y_name} of shape {expected}"
            )
        if Y.shape[0] == 0:
            raise ValueError(f"{y_name} is empty: expected at least one label; got shape {Y.shape}")
        check_finite(Y, y_name)
        if kind == "binary" and (Y.min() < 0 or Y.max() > 1):
            bad = Y[(Y < 0) | (Y > 1)][0]
            extra = (
                f"; for {int(Y.max()) + 1} classes use a softmax output layer with "
                f"{int(Y.max()) + 1} units" if bad > 1 and bad == round(bad) else ""
            )
            raise ValueError(
                f"a sigmoid output layer needs labels 0 or 1 (or probabilities in [0, 1]); "
                f"{y_name} contains {bad:g}{extra}"
            )
    if m is not None and Y.shape[0] != m:
        raise ValueError(
            f"{x_name} has {m} examples but {y_name} has {Y.shape[0]} labels; expected one label per example"
        )
    return Y
