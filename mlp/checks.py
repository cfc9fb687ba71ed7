"""Input checks whose error messages teach.

Learners hit these errors constantly, so every message names what was expected
and what came instead, in the words the lessons use ("examples", "features",
"units", "W1"). Each function returns the input converted to a float64 array
(or the checked value), so callers can write ``X = check_matrix(X, "X")``.
"""

from __future__ import annotations

import difflib
import math
from numbers import Real

import numpy as np


def check_finite(array: np.ndarray, name: str, advice: str = "clean or impute the data first") -> None:
    """Raise ValueError when ``array`` holds NaN or inf, naming the first one (``advice``: what to do)."""
    finite = np.isfinite(array)
    if finite.all():
        return
    bad = np.argwhere(~finite)
    first = tuple(int(i) for i in bad[0])
    value = array[first]
    where = _describe_index(first, array.ndim)
    raise ValueError(
        f"{name} contains {len(bad)} NaN or infinite value(s); the first is {value} at {where}. "
        f"Expected only finite numbers: {advice}."
    )


def _describe_index(index: tuple[int, ...], ndim: int) -> str:
    if ndim == 1:
        return f"index {index[0]}"
    if ndim == 2:
        return f"row {index[0]}, column {index[1]}"
    return f"index {index}"


def as_float_array(values, name: str, dtype=np.float64) -> np.ndarray:
    """Convert ``values`` to a float array (float64 unless ``dtype`` says float32), or raise TypeError naming its type."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers; got a {type(values).__name__}: {values!r}")
    try:
        array = np.asarray(values)
    except ValueError as error:  # ragged nested lists
        raise TypeError(
            f"{name} must be a rectangular array of numbers; numpy could not make one ({error})"
        ) from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.bool_)
    ):
        raise TypeError(
            f"{name} must be an array of numbers; got an array of dtype {array.dtype} "
            f"(first element {array.flat[0]!r})" if array.size else
            f"{name} must be an array of numbers; got an array of dtype {array.dtype}"
        )
    if np.iscomplexobj(array):
        raise TypeError(f"{name} must hold real numbers; got complex dtype {array.dtype}")
    return array.astype(dtype, copy=False)


def check_matrix(
    X, name: str = "X", n_features: int | None = None, expected_by: str = "the network",
    finite: bool = True, dtype=np.float64,
) -> np.ndarray:
    """Check a data matrix: 2-D, rows are examples, at least one, all finite.

    Parameters
    ----------
    X : array-like, shape (m, n)
    name : the name the learner knows the array by, used in messages.
    n_features : expected number of columns n, if known.
    expected_by : what expects ``n_features`` columns, for the message when the count is
        wrong (e.g. "the network (W1 has shape (2, 4))").
    finite : also reject NaN and inf (data); False for values inside a network, where
        the training loop's divergence guard deals with them.
    dtype : float64, or float32 for a float32 network.

    Returns
    -------
    X : ndarray of ``dtype``, shape (m, n)
    """
    X = as_float_array(X, name, dtype)
    n_text = "n" if n_features is None else n_features
    if X.size == 0:
        raise ValueError(f"{name} is empty: expected at least one example (row) of shape (m, {n_text}); "
                         f"got shape {X.shape}")
    if X.ndim == 1 and n_features is not None:
        hint = (
            f"; if this is one example, write {name}.reshape(1, -1); "
            f"if it is {X.shape[0]} examples of one feature, write {name}.reshape(-1, 1)"
        )
        raise ValueError(
            f"{name} must be a 2-D array of shape (m, {n_features}) with one example per row; "
            f"got a 1-D array of shape {X.shape}{hint}"
        )
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (m, {n_text}) with one example per row; "
            f"got a {X.ndim}-D array of shape {X.shape}"
        )
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(
            f"{name} has {X.shape[1]} features per example but {expected_by} expects "
            f"{n_features} features; expected {name} of shape (m, {n_features}), got {X.shape}"
        )
    if finite:
        check_finite(X, name)
    return X


def check_layer_sizes(layer_sizes) -> list[int]:
    """Check [n_features, hidden units..., n_outputs]: at least two positive integers."""
    if not isinstance(layer_sizes, (list, tuple)) or len(layer_sizes) < 2:
        raise ValueError(
            "layer_sizes must be a list [n_features, hidden units..., n_outputs] of at least two "
            f"numbers, e.g. [2, 16, 1]; got {layer_sizes!r}"
        )
    for position, size in enumerate(layer_sizes):
        try:
            check_positive(size, f"layer_sizes[{position}]", integer=True)
        except (TypeError, ValueError) as error:
            raise type(error)(f"{error} (in layer_sizes {list(layer_sizes)!r})") from None
    return [int(size) for size in layer_sizes]


def check_same_length(X: np.ndarray, y: np.ndarray, x_name: str = "X", y_name: str = "y") -> None:
    """Raise ValueError unless X and y hold the same number of examples."""
    if len(X) != len(y):
        raise ValueError(
            f"{x_name} has {len(X)} examples but {y_name} has {len(y)} labels; "
            f"expected one label per example (both of length {len(X)})"
        )


def check_positive(value, name: str, *, integer: bool = False, allow_zero: bool = False) -> float | int:
    """Check that ``value`` is a finite positive number (or integer) and return it."""
    kind = "integer" if integer else "number"
    if isinstance(value, bool) or not isinstance(value, (Real, np.integer, np.floating)):
        raise TypeError(f"{name} must be a positive {kind}; got {type(value).__name__} {value!r}")
    bound = "zero or positive" if allow_zero else "positive"
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite {bound} {kind}; got {value!r}")
    if integer and int(value) != value:
        raise TypeError(f"{name} must be a positive integer; got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a {bound} {kind}; got {value!r}")
    return int(value) if integer else float(value)


def unknown_name_error(kind: str, name, known, aliases=()) -> ValueError:
    """A ValueError for an unknown name that lists the known ones and suggests the closest
    (aliases such as "mse" count for the suggestion but are not listed)."""
    known = sorted(known)
    close = difflib.get_close_matches(str(name), known + sorted(aliases), n=1)
    suggestion = f"; did you mean {close[0]!r}?" if close else ""
    plural = kind + ("es" if kind.endswith("s") else "s")
    return ValueError(f"unknown {kind} {name!r}; known {plural}: {', '.join(known)}{suggestion}")


def check_options(options: dict, allowed, function: str, aliases: dict | None = None) -> None:
    """Raise TypeError for a keyword ``function`` does not take, suggesting the one meant
    (``fit(lr=0.1)``: "did you mean learning_rate?"). ``aliases``: other libraries' names for ours."""
    for name in options:
        if name in allowed:
            continue
        meant = (aliases or {}).get(name) or next(iter(difflib.get_close_matches(name, sorted(allowed), n=1)), None)
        suggestion = f"; did you mean {meant}?" if meant else ""
        raise TypeError(f"{function} got an unexpected keyword argument {name!r}{suggestion} "
                        f"(it takes: {', '.join(sorted(allowed))})")
