"""Weight initialisers: how W of shape (n_in, n_out) starts. Biases always start at 0.

Each initialiser is ``init(n_in, n_out, rng) -> W`` with ``rng`` a numpy.random.Generator.

- zeros:        W = 0. Fails: every unit of a layer computes the same thing and gets the
                same gradient, so the units stay identical forever (symmetry is never broken).
- uniform:      W ~ U(-1, 1). Breaks symmetry, but its variance 1/3 does not shrink with
                n_in, so wide layers produce large z and saturate sigmoid/tanh.
- small_normal: W ~ N(0, 0.01^2). Breaks symmetry; signals shrink layer after layer in deep nets.
- xavier:       Glorot & Bengio (2010): W ~ U(-r, r) with r = sqrt(6 / (n_in + n_out)),
                so Var(W) = 2 / (n_in + n_out). Keeps variance steady for tanh/sigmoid.
- he:           He et al. (2015): W ~ N(0, 2 / n_in). ReLU zeroes half its inputs, so the
                variance is doubled to compensate.
- lecun:        LeCun (1998): W ~ N(0, 1 / n_in). The one SELU is designed for.
"""

from __future__ import annotations

import numpy as np

from .checks import unknown_name_error


def zeros(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """W = 0, shape (n_in, n_out). For the symmetry lesson: do not train with it."""
    return np.zeros((n_in, n_out))


def uniform(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """W ~ U(-1, 1), shape (n_in, n_out)."""
    return rng.uniform(-1.0, 1.0, size=(n_in, n_out))


def small_normal(n_in: int, n_out: int, rng: np.random.Generator, std: float = 0.01) -> np.ndarray:
    """W ~ N(0, std^2) with std = 0.01, shape (n_in, n_out)."""
    return std * rng.standard_normal((n_in, n_out))


def xavier(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """Glorot/Xavier uniform: W ~ U(-r, r), r = sqrt(6 / (n_in + n_out)), shape (n_in, n_out)."""
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out))


def he(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """He/Kaiming normal: W ~ N(0, 2 / n_in), shape (n_in, n_out)."""
    return np.sqrt(2.0 / n_in) * rng.standard_normal((n_in, n_out))


def lecun(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """LeCun normal: W ~ N(0, 1 / n_in), shape (n_in, n_out)."""
    return np.sqrt(1.0 / n_in) * rng.standard_normal((n_in, n_out))


INITIALIZERS = {
    "zeros": zeros,
    "uniform": uniform,
    "small_normal": small_normal,
    "xavier": xavier,
    "he": he,
    "lecun": lecun,
}

# What "auto" picks for a layer, by its activation.
_AUTO = {"relu": "he", "leaky_relu": "he", "elu": "he", "selu": "lecun"}


def get_initializer(name: str, activation: str = "linear"):
    """The initialiser called ``name``; "auto" picks He for the ReLU family, LeCun for SELU,
    Xavier otherwise. "glorot" and "kaiming" are accepted as aliases."""
    if callable(name):
        return name
    if not isinstance(name, str):
        raise TypeError(f"an initialiser is given by name, e.g. 'he'; got {type(name).__name__} {name!r}")
    key = name.lower()
    if key == "auto":
        key = _AUTO.get(activation, "xavier")
    key = {"glorot": "xavier", "kaiming": "he", "normal": "small_normal"}.get(key, key)
    if key not in INITIALIZERS:
        raise unknown_name_error("initializer", name, list(INITIALIZERS) + ["auto"])
    return INITIALIZERS[key]
