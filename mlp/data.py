"""Data sets and data preparation for the lessons.

Every generator returns ``X`` of shape (m, 2), float64, one example per row, and
``y`` of shape (m,), int64 class labels 0, 1, ... (the regression ones, ``REGRESSION_DATASETS``:
a float64 target); every one takes ``seed`` (an int or a numpy.random.Generator), so the same
seed gives the same points.
scikit-learn's generators are used where it has them (circles, moons, blobs). scikit-learn is
imported inside the functions that use it, not at the top: it takes one to two seconds to import,
and ``import mlp`` (the first cell of every lesson and exercise) should answer at once.

Preparation: ``train_val_test_split`` (stratified), ``Standardizer`` (fitted on the
training set only), ``one_hot``; and the handwritten digits bundled with scikit-learn.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .checks import check_matrix, check_positive, check_same_length, unknown_name_error
from .rng import make_rng, sklearn_seed
from .targets import class_labels, one_hot

__all__ = [
    "xor", "make_xor", "make_circles", "make_moons", "make_spirals", "make_blobs",
    "make_linearly_separable", "make_dataset", "DATASETS", "make_plane", "make_gaussian_bumps", "REGRESSION_DATASETS",
    "load_digits",
    "train_val_test_split", "Splits", "Standardizer", "one_hot",
]


def _check_noise(noise):
    return check_positive(noise, "noise", allow_zero=True)


def xor():
    """The XOR truth table: X (4, 2) with rows (0,0), (0,1), (1,0), (1,1); y = x1 XOR x2 = [0, 1, 1, 0]."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    return X, y


def make_xor(n_samples: int = 200, noise: float = 0.15, seed=None):
    """Noisy XOR: points scattered around the four corners (0,0), (0,1), (1,0), (1,1)
    with Gaussian noise of standard deviation ``noise``; the label is that of the corner."""
    n_samples = check_positive(n_samples, "n_samples", integer=True)
    rng = make_rng(seed)
    X_corners, y_corners = xor()
    corner = np.arange(n_samples) % 4  # balanced: n/4 points per corner
    X = X_corners[corner] + _check_noise(noise) * rng.standard_normal((n_samples, 2))
    return X, y_corners[corner]


def make_circles(n_samples: int = 200, noise: float = 0.1, factor: float = 0.5, seed=None):
    """Two concentric circles (scikit-learn): class 0 outside, class 1 inside, radius ratio ``factor``."""
    n_samples = check_positive(n_samples, "n_samples", integer=True)
    if isinstance(factor, bool) or not isinstance(factor, (int, float, np.integer, np.floating)) \
            or not 0 <= factor < 1:
        raise ValueError(f"factor must be the inner circle's radius over the outer one's, a number in [0, 1); "
                         f"got {factor!r}")
    import sklearn.datasets

    X, y = sklearn.datasets.make_circles(n_samples, noise=_check_noise(noise), factor=factor,
                                         random_state=sklearn_seed(make_rng(seed)))
    return X.astype(np.float64), y.astype(np.int64)


def make_moons(n_samples: int = 200, noise: float = 0.2, seed=None):
    """Two interleaving half circles (scikit-learn)."""
    n_samples = check_positive(n_samples, "n_samples", integer=True)
    import sklearn.datasets

    X, y = sklearn.datasets.make_moons(n_samples, noise=_check_noise(noise),
                                       random_state=sklearn_seed(make_rng(seed)))
    return X.astype(np.float64), y.astype(np.int64)


def make_blobs(n_samples: int = 200, centers: int = 3, cluster_std: float = 1.0, seed=None):
    """Gaussian blobs (scikit-learn): ``centers`` clusters, one class each."""
    n_samples = check_positive(n_samples, "n_samples", integer=True)
    centers = check_positive(centers, "centers", integer=True)
    import sklearn.datasets

    X, y = sklearn.datasets.make_blobs(n_samples, n_features=2, centers=centers, cluster_std=cluster_std,
                                       random_state=sklearn_seed(make_rng(seed)))
    return X.astype(np.float64), y.astype(np.int64)


def make_spirals(n_samples: int = 300, n_classes: int = 2, noise: float = 0.2, turns: float = 1.0, seed=None):
    """Interleaved spiral arms, one per class: no straight line separates any two.

    Arm k has points at radius r in [0.05, 1] and angle
    theta = 2 pi (k / n_classes + turns * r) + noise * N(0, 1); X = r (cos theta, sin theta).
    """
    n_samples = check_positive(n_samples, "n_samples", integer=True)
    n_classes = check_positive(n_classes, "n_classes", integer=True)
    rng = make_rng(seed)
    y = np.arange(n_samples) % n_classes
    r = rng.uniform(0.05, 1.0, n_samples)
    theta = 2 * np.pi * (y / n_classes + turns * r) + _check_noise(noise) * rng.standard_normal(n_samples)
    X = np.column_stack([r * np.cos(theta), r * np.sin(theta)])
    return X, y.astype(np.int64)


def make_linearly_separable(n_samples: int = 200, margin: float = 0.1, seed=None):
    """Points in [-1, 1]^2 on either side of a random straight line, none closer than ``margin``.

    The label is 1 where w . x + b > 0 for the line's (w, b): a single perceptron can
    classify every point correctly.
    """
    n_samples = check_positive(n_samples, "n_samples", integer=True)
    rng = make_rng(seed)
    angle = rng.uniform(0, 2 * np.pi)
    w = np.array([np.cos(angle), np.sin(angle)])  # unit normal of the line
    b = rng.uniform(-0.3, 0.3)
    points = []
    while sum(len(p) for p in points) < n_samples:
        candidates = rng.uniform(-1.0, 1.0, size=(2 * n_samples, 2))
        points.append(candidates[np.abs(candidates @ w + b) >= margin])  # distance to the line >= margin
    X = np.concatenate(points)[:n_samples]
    y = (X @ w + b > 0).astype(np.int64)
    return X, y


DATASETS = {
    "xor": make_xor,
    "circles": make_circles,
    "moons": make_moons,
    "spirals": make_spirals,
    "blobs": make_blobs,
    "linear": make_linearly_separable,
}


def make_dataset(name: str, n_samples: int = 200, noise: float | None = None, seed=None, **options):
    """One of the 2-D data sets by name: "xor", "circles", "moons", "spirals", "blobs", "linear".

    ``noise`` maps to each generator's own noise setting (cluster_std for blobs, margin
    is kept for linear); None keeps the generator's default.
    """
    if name not in DATASETS:
        raise unknown_name_error("data set", name, DATASETS)
    if noise is not None:
        key = {"blobs": "cluster_std", "linear": None}.get(name, "noise")
        if key:
            options[key] = noise
    return DATASETS[name](n_samples, seed=seed, **options)


# --- regression: a continuous target over the square [-1, 1]^2 (TensorFlow Playground's two) ----------

def _regression(target, n_samples, noise, seed):
    """X uniform in [-1, 1]^2, y = target(X) + noise * N(0, 1)."""
    n_samples = check_positive(n_samples, "n_samples", integer=True)
    noise = _check_noise(noise)
    rng = make_rng(seed)
    X = rng.uniform(-1.0, 1.0, (n_samples, 2))
    return X, target(X) + noise * rng.standard_normal(n_samples)


def make_plane(n_samples: int = 200, noise: float = 0.0, seed=None):
    """A tilted plane: y = (x1 + x2) / 2 + noise * N(0, 1), in [-1, 1] without the noise."""
    return _regression(lambda X: (X[:, 0] + X[:, 1]) / 2, n_samples, noise, seed)


BUMPS = np.array([[-0.6, 0.45, 1], [0, 0.45, -1], [0.6, 0.45, 1],  # (centre x1, centre x2, height)
                  [-0.6, -0.45, -1], [0, -0.45, 1], [0.6, -0.45, -1]])


def make_gaussian_bumps(n_samples: int = 200, noise: float = 0.0, seed=None):
    """Six Gaussian bumps of height +1 or -1 in a 3 x 2 checkerboard (``BUMPS``):
    y = sum_k height_k exp(-|x - centre_k|^2 / 0.08) + noise * N(0, 1)."""
    def bumps(X):
        squared_distances = ((X[:, None, :] - BUMPS[:, :2]) ** 2).sum(axis=2)  # (m, 6)
        return (BUMPS[:, 2] * np.exp(-squared_distances / 0.08)).sum(axis=1)

    return _regression(bumps, n_samples, noise, seed)


REGRESSION_DATASETS = {"plane": make_plane, "gaussians": make_gaussian_bumps}


def load_digits(scale: bool = True):
    """The 8 x 8 handwritten digits bundled with scikit-learn (offline, 1797 images).

    Returns
    -------
    X : (1797, 64) float64, pixel intensities, divided by 16 into [0, 1] when ``scale``
        (otherwise the raw 0..16).
    y : (1797,) int64, the digit 0..9. ``X[i].reshape(8, 8)`` is the image.
    """
    import sklearn.datasets

    X, y = sklearn.datasets.load_digits(return_X_y=True)
    X = X.astype(np.float64)
    return (X / 16.0 if scale else X), y.astype(np.int64)


class Splits(NamedTuple):
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def _check_fraction(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a fraction in [0, 1), e.g. 0.2 for 20%; got {type(value).__name__} {value!r}")
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be a fraction in [0, 1), e.g. 0.2 for 20%; got {value!r}")
    return float(value)


def train_val_test_split(X, y, val_size: float = 0.2, test_size: float = 0.2, seed=None,
                         stratify: bool = True) -> Splits:
    """Shuffle and split into training, validation and test sets.

    ``val_size`` and ``test_size`` are fractions of all m examples; the rest trains.
    With ``stratify`` (class labels only) each set keeps the class proportions.
    Returns ``Splits(X_train, y_train, X_val, y_val, X_test, y_test)``, which unpacks as a tuple.
    The test set is for one final measurement: choose everything else on validation.
    """
    X = check_matrix(X, "X")
    y = np.asarray(y)
    check_same_length(X, y)
    val_size, test_size = _check_fraction(val_size, "val_size"), _check_fraction(test_size, "test_size")
    if val_size + test_size >= 1:
        raise ValueError(f"val_size + test_size must leave examples to train on; got {val_size} + {test_size} "
                         f"= {val_size + test_size:g} >= 1")
    from sklearn.model_selection import train_test_split

    rng = make_rng(seed)
    labels = class_labels(y) if stratify else None

    def split(X_part, y_part, labels_part, fraction):
        if fraction == 0:
            return X_part, X_part[:0], y_part, y_part[:0]
        return train_test_split(X_part, y_part, test_size=fraction, random_state=sklearn_seed(rng),
                                stratify=labels_part)

    X_rest, X_test, y_rest, y_test = split(X, y, labels, test_size)
    rest_labels = class_labels(y_rest) if stratify else None
    X_train, X_val, y_train, y_val = split(X_rest, y_rest, rest_labels, val_size / (1 - test_size))
    return Splits(X_train, y_train, X_val, y_val, X_test, y_test)


class Standardizer:
    """Rescale each feature to mean 0 and standard deviation 1: x' = (x - mu) / sigma.

    Fit on the training set only, then transform training, validation and test sets
    with the same mu and sigma, so nothing about the held-out data leaks into training.
    A constant feature (sigma = 0, like the blank border pixels of the digits) is only
    centred (sigma is taken as 1).
    """

    def __init__(self):
        self.mean = None  # (n,)
        self.std = None  # (n,)

    def fit(self, X):
        X = check_matrix(X, "X")
        self.mean = X.mean(axis=0)
        std = X.std(axis=0)
        self.std = np.where(std > 0, std, 1.0)
        return self

    def transform(self, X):
        if self.mean is None:
            raise RuntimeError("fit the Standardizer on the training set before transform: "
                               "scaler = Standardizer().fit(X_train)")
        X = check_matrix(X, "X", n_features=self.mean.size,
                         expected_by="the Standardizer (fitted on the training set)")
        return (X - self.mean) / self.std

    def fit_transform(self, X):
        return self.fit(X).transform(X)

    def inverse_transform(self, X_scaled):
        if self.mean is None:
            raise RuntimeError("the Standardizer has not been fitted")
        return np.asarray(X_scaled, dtype=np.float64) * self.std + self.mean
