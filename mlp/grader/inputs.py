"""Random inputs for the checks: new shapes and values every trial.

Trial 0 has a single example (m = 1), trial 1 a single feature, trial 2 a non-square
matrix, trial 3 large magnitudes (up to 1000, where naive formulas overflow); later
trials draw shapes and scales at random.
"""

from __future__ import annotations

import numpy as np


def shape(rng: np.random.Generator, trial: int) -> tuple[int, int]:
    """(m, n) for this trial."""
    if trial == 0:
        return 1, int(rng.integers(2, 6))
    if trial == 1:
        return int(rng.integers(2, 7)), 1
    if trial == 2:
        m = int(rng.integers(2, 7))
        return m, m + int(rng.integers(1, 4))
    return int(rng.integers(1, 8)), int(rng.integers(1, 6))


def scale(trial: int) -> float:
    return 1000.0 if trial == 3 else 3.0


def matrix(rng: np.random.Generator, trial: int, size: tuple[int, int] | None = None) -> np.ndarray:
    """A float64 matrix of this trial's shape (or ``size``) with entries of this trial's scale."""
    m, n = size or shape(rng, trial)
    return scale(trial) * rng.standard_normal((m, n))


def with_zeros(rng: np.random.Generator, array: np.ndarray, fraction: float = 0.25) -> np.ndarray:
    """A copy of ``array`` with some entries set to exactly 0 (kinks such as ReLU's live there)."""
    array = array.copy()
    array[rng.random(array.shape) < fraction] = 0.0
    return array


def labels(rng: np.random.Generator, m: int, n_classes: int) -> np.ndarray:
    """m integer labels in 0..n_classes-1."""
    return rng.integers(0, n_classes, m)


def probabilities(rng: np.random.Generator, m: int, n_classes: int, extreme: bool = False) -> np.ndarray:
    """(m, n_classes) rows of probabilities summing to 1 (with exact 0s and 1s when ``extreme``)."""
    if extreme:
        P = np.zeros((m, n_classes))
        P[np.arange(m), rng.integers(0, n_classes, m)] = 1.0
        return P
    scores = rng.standard_normal((m, n_classes)) * 2
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
