"""Compare a learner's result with the reference and say what went wrong, in the learner's terms.

``diagnose(actual, expected, ...)`` returns None when they agree, else one message naming
the mistake people make with numpy networks: a wrong type or dtype, a wrong shape (and
whether it is the expected result transposed, or the right numbers in another shape),
a broadcast that silently built an (m, m) matrix, NaN/inf, a factor of m, a wrong sign,
else the first differing element with both values. It never prints a whole expected array.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

RTOL, ATOL = 1e-6, 1e-9


def _close(a, b, rtol=RTOL, atol=ATOL) -> bool:
    with np.errstate(all="ignore"):
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=False))


def _describe_expected(expected) -> str:
    if isinstance(expected, dict):
        return f"a dict with the keys {sorted(expected)}"
    if isinstance(expected, tuple):
        return f"a tuple of {len(expected)} values"
    if _is_number(expected):
        return "a number"
    return f"an array of shape {np.shape(expected)}"


def _is_number(value) -> bool:
    return isinstance(value, (Real, np.number)) and not isinstance(value, (bool, np.bool_))


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"


def diagnose(actual, expected, *, what: str = "your result", m: int | None = None,
             rtol: float = RTOL, atol: float = ATOL, names: tuple | None = None) -> str | None:
    """None if ``actual`` matches ``expected``; otherwise what is wrong with ``actual``.

    expected : a number, an array, a tuple/list of them, or a dict of them (by name).
    what : how to call the result in messages (e.g. "dW1").
    names : for a tuple result, the learner's names of its parts (e.g. ("dX", "dW", "db")).
    m : the number of examples in the inputs, to recognise a missing or extra 1/m.
    """
    if expected is None:
        return None if actual is None else f"{what} should be None; got {_describe(actual)}"
    if actual is None:
        return f"{what} is None, but {_describe_expected(expected)} was expected: is a return statement missing?"
    if isinstance(expected, dict):
        return _diagnose_dict(actual, expected, what, m, rtol, atol)
    if isinstance(expected, tuple):
        return _diagnose_tuple(actual, expected, what, m, rtol, atol, names)
    if _is_number(expected):
        return _diagnose_number(actual, expected, what, m, rtol, atol)
    return _diagnose_array(actual, np.asarray(expected), what, m, rtol, atol)


def _diagnose_dict(actual, expected, what, m, rtol, atol):
    if not isinstance(actual, dict):
        return f"{what} should be a dict with the keys {sorted(expected)}; got {_describe(actual)}"
    missing, extra = sorted(set(expected) - set(actual)), sorted(set(actual) - set(expected))
    if missing:
        return f"{what} is missing the key(s) {missing}" + (f" (it has {extra} instead)" if extra else "")
    for key in expected:
        problem = diagnose(actual[key], expected[key], what=key, m=m, rtol=rtol, atol=atol)
        if problem:
            return problem
    return None


def _diagnose_tuple(actual, expected, what, m, rtol, atol, names=None):
    listing = f" ({', '.join(names)})" if names else ""
    if isinstance(actual, list):
        return (f"{what} should be a tuple of {len(expected)} values{listing}, as the notebook says; got a list: "
                f"return them with commas, e.g. return {', '.join(names) if names else 'a, b'}")
    if not isinstance(actual, tuple):
        return f"{what} should be a tuple of {len(expected)} values{listing}; got {_describe(actual)}"
    if len(actual) != len(expected):
        return f"{what} should be a tuple of {len(expected)} values{listing}; got {len(actual)}"
    for position, (a, e) in enumerate(zip(actual, expected)):
        part = f"your {names[position]}" if names else f"{what}[{position}]"
        problem = diagnose(a, e, what=part, m=m, rtol=rtol, atol=atol)
        if problem:
            return problem
    return None


def _diagnose_number(actual, expected, what, m, rtol, atol):
    if isinstance(actual, np.ndarray) and actual.size == 1 and actual.ndim > 0:
        return (f"{what} should be a single number; got an array of shape {actual.shape} "
                f"(use float(...) or sum over every axis)")
    if isinstance(actual, np.ndarray) and actual.ndim == 0:
        return f"{what} should be a single number (a float), as the notebook says; got a 0-d numpy array: use float(...)"
    if not _is_number(actual):
        return f"{what} should be a number; got {_describe(actual)}"
    return _diagnose_array(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), what, m, rtol, atol)


def _diagnose_array(actual, expected, what, m, rtol, atol):
    if not isinstance(actual, np.ndarray) and expected.ndim > 0:
        if isinstance(actual, tuple):
            return (f"{what} should be one numpy array of shape {expected.shape}; got a tuple of {len(actual)} values: "
                    f"return just the array")
        if isinstance(actual, list):
            return f"{what} should be a numpy array; got a list (wrap it in np.array(...))"
        return f"{what} should be a numpy array of shape {expected.shape}; got {_describe(actual)}"
    actual = np.asarray(actual)
    if not (np.issubdtype(actual.dtype, np.number) or actual.dtype == np.bool_):
        return f"{what} should hold numbers; got an array of dtype {actual.dtype}"
    if actual.shape != expected.shape:
        return _diagnose_shape(actual, expected, what, rtol, atol)
    if np.issubdtype(expected.dtype, np.floating) and actual.dtype == np.bool_:
        return (f"{what} holds booleans (True/False); return floating-point numbers (0.0 and 1.0): convert with "
                f".astype(float) (booleans break arithmetic such as 1 - d or -d)")
    if np.issubdtype(expected.dtype, np.floating) and np.issubdtype(actual.dtype, np.integer):
        if not _close(actual.astype(float), expected, rtol, atol):
            return (f"{what} has the integer dtype {actual.dtype}, so fractions were cut off; expected floating-point "
                    f"numbers (dtype float64): check np.zeros(..., dtype=int) or integer inputs")
    actual_f, expected_f = actual.astype(float), expected.astype(float)
    if _close(actual_f, expected_f, rtol, atol):
        return None
    expected_finite = np.isfinite(expected_f)
    bad = ~np.isfinite(actual_f) & expected_finite
    if bad.any():
        index = _index(np.argwhere(bad)[0])
        return (f"{what} contains NaN or inf (first at {index}: {actual_f[tuple(np.argwhere(bad)[0])]}) where a finite "
                f"number is expected; large inputs make naive formulas overflow (exp(1000) is inf): "
                f"use a numerically stable form")
    if m and m > 1:
        if _close(actual_f, expected_f * m, rtol, atol):
            return f"{what} is m = {m} times too large: did you forget to divide by m (average over the examples)?"
        if _close(actual_f * m, expected_f, rtol, atol):
            return f"{what} is m = {m} times too small: it is divided by m once too often"
    sign_is_telling = np.count_nonzero(expected_f) >= 2 or (expected_f.ndim == 0 and expected_f != 0)
    if sign_is_telling and _close(actual_f, -expected_f, rtol, atol):
        return f"{what} has the wrong sign: every value is the negative of the expected one"
    if expected.ndim == 2 and expected.shape[0] == expected.shape[1] and expected.shape[0] > 1 \
            and _close(actual_f, expected_f.T, rtol, atol):
        return f"{what} is the expected result transposed: check which side of the product each matrix goes"
    with np.errstate(all="ignore"):
        differs = ~np.isclose(actual_f, expected_f, rtol=rtol, atol=atol)
    first = tuple(np.argwhere(differs)[0]) if expected.ndim else ()
    count = int(differs.sum())
    where = f" at {_index(first)}" if first else ""
    total = f" ({count} of {differs.size} values differ)" if differs.size > 1 else ""
    e_text, a_text = _distinct(expected_f[first], actual_f[first])
    return f"{what} is not right{where}: expected {e_text}, got {a_text}{total}"


def _distinct(expected: float, actual: float) -> tuple[str, str]:
    """Both numbers with just enough digits to tell them apart (6 to 17 significant ones)."""
    for digits in range(6, 18):
        e_text, a_text = f"{expected:.{digits}g}", f"{actual:.{digits}g}"
        if e_text != a_text:
            break
    return e_text, a_text


def _diagnose_shape(actual, expected, what, rtol, atol):
    shapes = f"expected shape {expected.shape}, got {actual.shape}"
    if actual.shape == expected.T.shape and _close(actual.astype(float).T, expected.astype(float), rtol, atol):
        return f"{what} is the expected result transposed: {shapes}"
    if actual.size == expected.size and _close(actual.astype(float).reshape(expected.shape),
                                                expected.astype(float), rtol, atol):
        return f"{what} has the right numbers in the wrong shape: {shapes} (check reshape, keepdims or the axis)"
    m = expected.shape[0] if expected.ndim else 0
    if m > 1 and actual.shape == (m, m) and expected.shape in ((m,), (m, 1)):
        return (f"{what} has the wrong shape: {shapes}. A result of shape ({m}, {m}) often means an array of shape "
                f"({m},) met one of shape ({m}, 1) and numpy broadcast them into a matrix: check the shapes you combine")
    return f"{what} has the wrong shape: {shapes}"


def _index(index) -> str:
    index = tuple(int(i) for i in index)
    if len(index) == 2:
        return f"row {index[0]}, column {index[1]}"
    if len(index) == 1:
        return f"index {index[0]}"
    return f"index {index}"
