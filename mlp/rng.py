"""Random number generators: every random thing in the course takes a seed or a Generator.

Nothing here touches numpy's global state (``np.random.seed``): two models built with
the same seed get bit-identical weights whatever else ran before.
"""

from __future__ import annotations

import numpy as np


def make_rng(seed=None) -> np.random.Generator:
    """A numpy.random.Generator from a seed.

    seed : None (fresh entropy from the OS, not reproducible), an int, or a Generator
           (returned as is, so callers can share one stream).
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed < 0:
        raise ValueError(f"seed must be a non-negative int; got {seed}")
    if seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise TypeError(
        f"seed must be a non-negative int, a numpy.random.Generator or None; got {type(seed).__name__} {seed!r}"
    )


def sklearn_seed(rng: np.random.Generator) -> int:
    """An int seed drawn from ``rng``, for scikit-learn functions that take ``random_state``."""
    return int(rng.integers(2**31 - 1))
