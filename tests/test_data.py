"""Tests for mlp.data: the 2-D data sets, the splits, the Standardizer, one_hot and the digits.

Expectations come from the documented definitions (and from scikit-learn where the
data come from it), never from numbers copied out of a previous run.
"""

import math

import numpy as np
import pytest
import sklearn.datasets
from sklearn.svm import SVC

from mlp import data
from mlp.data import (
    BUMPS,
    DATASETS,
    REGRESSION_DATASETS,
    Standardizer,
    load_digits,
    make_blobs,
    make_circles,
    make_dataset,
    make_gaussian_bumps,
    make_linearly_separable,
    make_moons,
    make_plane,
    make_spirals,
    make_xor,
    one_hot,
    train_val_test_split,
    xor,
)

# (name, generator called with n_samples and seed, the classes it must produce, balanced?)
GENERATORS = [
    ("xor", lambda m, seed: make_xor(m, seed=seed), [0, 1], True),
    ("circles", lambda m, seed: make_circles(m, seed=seed), [0, 1], True),
    ("moons", lambda m, seed: make_moons(m, seed=seed), [0, 1], True),
    ("spirals2", lambda m, seed: make_spirals(m, n_classes=2, seed=seed), [0, 1], True),
    ("spirals3", lambda m, seed: make_spirals(m, n_classes=3, seed=seed), [0, 1, 2], True),
    ("blobs3", lambda m, seed: make_blobs(m, centers=3, seed=seed), [0, 1, 2], True),
    ("blobs4", lambda m, seed: make_blobs(m, centers=4, seed=seed), [0, 1, 2, 3], True),
    ("linear", lambda m, seed: make_linearly_separable(m, seed=seed), [0, 1], False),
] + [
    (f"make_dataset[{name}]", lambda m, seed, name=name: make_dataset(name, m, seed=seed), None, None)
    for name in sorted(DATASETS)
]
GENERATOR_IDS = [entry[0] for entry in GENERATORS]


def _check_format(X, y, m):
    assert isinstance(X, np.ndarray) and isinstance(y, np.ndarray)
    assert X.dtype == np.float64
    assert y.dtype == np.int64
    assert X.shape == (m, 2)
    assert y.shape == (m,)
    assert np.all(np.isfinite(X))


# --- the generators ------------------------------------------------------------------


def test_xor_truth_table():
    X, y = xor()
    _check_format(X, y, 4)
    assert {tuple(row) for row in X} == {(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)}
    for (x1, x2), label in zip(X, y):
        assert label == (int(x1) ^ int(x2))


@pytest.mark.parametrize("name, generate, classes, balanced", GENERATORS, ids=GENERATOR_IDS)
@pytest.mark.parametrize("m", [101, 240])
def test_generator_format_size_and_classes(name, generate, classes, balanced, m):
    X, y = generate(m, 0)
    _check_format(X, y, m)
    if classes is not None:
        assert sorted(np.unique(y).tolist()) == classes
    if balanced:
        counts = np.bincount(y, minlength=len(classes))
        assert counts.max() - counts.min() <= 1, counts  # m / C each, up to rounding


@pytest.mark.parametrize("name, generate, classes, balanced", GENERATORS, ids=GENERATOR_IDS)
def test_generator_same_seed_same_data_different_seed_different_data(name, generate, classes, balanced):
    X1, y1 = generate(120, 7)
    X2, y2 = generate(120, 7)
    X3, y3 = generate(120, 8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name, generate, classes, balanced", GENERATORS, ids=GENERATOR_IDS)
def test_generator_accepts_a_numpy_generator_as_seed(name, generate, classes, balanced):
    X1, y1 = generate(80, np.random.default_rng(3))
    X2, y2 = generate(80, np.random.default_rng(3))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    _check_format(X1, y1, 80)
    # A shared Generator is a stream: two draws from it differ.
    shared = np.random.default_rng(3)
    Xa, _ = generate(80, shared)
    Xb, _ = generate(80, shared)
    assert not np.array_equal(Xa, Xb)


def test_make_dataset_by_name_matches_the_generator():
    cases = {
        "xor": make_xor,
        "circles": make_circles,
        "moons": make_moons,
        "spirals": make_spirals,
        "blobs": make_blobs,
        "linear": make_linearly_separable,
    }
    assert set(cases) == set(DATASETS)
    for name, generator in cases.items():
        X1, y1 = make_dataset(name, 90, seed=5)
        X2, y2 = generator(90, seed=5)
        np.testing.assert_array_equal(X1, X2, err_msg=name)
        np.testing.assert_array_equal(y1, y2, err_msg=name)


def test_make_dataset_noise_maps_to_each_generators_own_setting():
    np.testing.assert_array_equal(make_dataset("moons", 60, noise=0.05, seed=1)[0],
                                  make_moons(60, noise=0.05, seed=1)[0])
    np.testing.assert_array_equal(make_dataset("blobs", 60, noise=0.3, seed=1)[0],
                                  make_blobs(60, cluster_std=0.3, seed=1)[0])
    # "linear" keeps its margin: noise is ignored.
    np.testing.assert_array_equal(make_dataset("linear", 60, noise=0.3, seed=1)[0],
                                  make_linearly_separable(60, seed=1)[0])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("margin", [0.05, 0.2])
def test_make_linearly_separable_is_separable_with_the_margin(seed, margin):
    X, y = make_linearly_separable(200, margin=margin, seed=seed)
    assert set(np.unique(y).tolist()) == {0, 1}
    assert np.all(np.abs(X) <= 1.0)
    # A hard-margin linear SVM finds the widest separating line. The generating line
    # keeps every point at least `margin` away, so the widest one must too.
    svm = SVC(kernel="linear", C=1e8, tol=1e-6).fit(X, y)
    assert svm.score(X, y) == 1.0
    distances = np.abs(svm.decision_function(X)) / np.linalg.norm(svm.coef_[0])
    assert distances.min() >= margin * (1 - 1e-3)


def test_make_linearly_separable_perceptron_converges():
    X, y = make_linearly_separable(150, margin=0.1, seed=11)
    Xb = np.column_stack([X, np.ones(len(X))])
    signs = 2 * y - 1
    w = np.zeros(3)
    # Novikoff: at most (R / margin)^2 mistakes, R <= sqrt(3) here, so a few hundred epochs is plenty.
    for _ in range(1000):
        mistakes = 0
        for x, s in zip(Xb, signs):
            if s * (x @ w) <= 0:
                w += s * x
                mistakes += 1
        if mistakes == 0:
            break
    assert np.all(signs * (Xb @ w) > 0)


def test_circles_class_1_is_the_inner_circle():
    X, y = make_circles(400, noise=0.05, factor=0.5, seed=2)
    radius = np.linalg.norm(X, axis=1)
    assert radius[y == 1].mean() < radius[y == 0].mean()
    # Without noise the radii are exactly 1 (outside) and factor (inside).
    X, y = make_circles(100, noise=0.0, factor=0.3, seed=2)
    radius = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.3)


def test_make_xor_labels_are_the_xor_of_the_nearest_corner():
    X, y = make_xor(200, noise=0.05, seed=4)
    corner = np.rint(X).astype(int)
    assert np.all((corner == 0) | (corner == 1))
    np.testing.assert_array_equal(y, corner[:, 0] ^ corner[:, 1])
    # Every corner gets its share of the points.
    counts = np.bincount(corner[:, 0] * 2 + corner[:, 1], minlength=4)
    np.testing.assert_array_equal(counts, [50, 50, 50, 50])


def test_make_xor_without_noise_is_the_truth_table_repeated():
    X, y = make_xor(8, noise=0.0, seed=0)
    X_table, y_table = xor()
    np.testing.assert_array_equal(X, np.vstack([X_table, X_table]))
    np.testing.assert_array_equal(y, np.concatenate([y_table, y_table]))


def test_make_spirals_radius_in_documented_range():
    X, y = make_spirals(300, n_classes=3, noise=0.3, seed=0)
    radius = np.linalg.norm(X, axis=1)
    assert radius.min() >= 0.05 - 1e-12
    assert radius.max() <= 1.0 + 1e-12


# --- the regression data sets ---------------------------------------------------------------


@pytest.mark.parametrize("name", list(REGRESSION_DATASETS))
def test_regression_sets_are_points_of_the_square_with_a_float_target(name):
    X, y = REGRESSION_DATASETS[name](300, seed=0)
    assert X.shape == (300, 2) and y.shape == (300,) and X.dtype == y.dtype == np.float64
    assert np.abs(X).max() <= 1.0 and X.min(axis=0).max() < -0.9 and X.max(axis=0).min() > 0.9  # fills [-1, 1]^2
    assert np.abs(y).max() <= 1.0 and y.std() > 0.2  # in [-1, 1] without noise, and not constant
    X_again, y_again = REGRESSION_DATASETS[name](300, seed=0)
    X_other, _ = REGRESSION_DATASETS[name](300, seed=1)
    np.testing.assert_array_equal(X, X_again)
    np.testing.assert_array_equal(y, y_again)
    assert not np.array_equal(X, X_other)


def test_the_plane_and_the_bumps_are_their_formulas():
    X, y = make_plane(50, seed=1)
    np.testing.assert_allclose(y, (X[:, 0] + X[:, 1]) / 2, rtol=0, atol=1e-15)
    X, y = make_gaussian_bumps(50, seed=1)
    by_hand = [sum(height * math.exp(-((x1 - c1) ** 2 + (x2 - c2) ** 2) / 0.08) for c1, c2, height in BUMPS)
               for x1, x2 in X]
    np.testing.assert_allclose(y, by_hand, rtol=1e-12, atol=1e-15)
    assert sorted(BUMPS[:, 2]) == [-1, -1, -1, 1, 1, 1]  # three up, three down


@pytest.mark.parametrize("make, target", [(make_plane, lambda X: (X[:, 0] + X[:, 1]) / 2),
                                          (make_gaussian_bumps, lambda X: make_gaussian_bumps(len(X), seed=3)[1])])
def test_regression_noise_is_gaussian_of_the_given_size(make, target):
    X, y = make(20_000, noise=0.3, seed=3)
    residual = y - target(X)  # the same seed: the same points, so the same noise-free target
    assert abs(residual.mean()) < 0.01 and abs(residual.std() - 0.3) < 0.01


def test_regression_sets_refuse_bad_sizes_and_noise():
    with pytest.raises(ValueError, match=r"noise must be a zero or positive number; got -0.1"):
        make_plane(10, noise=-0.1)
    with pytest.raises(ValueError, match=r"n_samples must be a positive integer; got 0"):
        make_gaussian_bumps(0)


# --- train_val_test_split --------------------------------------------------------------


def _labelled_rows(m, proportions, seed=0):
    """X whose first column is the row number (so rows can be traced), y with the given class counts."""
    y = np.repeat(np.arange(len(proportions)), proportions)
    assert len(y) == m
    y = np.random.default_rng(seed).permutation(y)
    X = np.column_stack([np.arange(m, dtype=np.float64), np.random.default_rng(seed + 1).standard_normal(m)])
    return X, y


@pytest.mark.parametrize(
    "m, counts, val_size, test_size",
    [(100, [60, 40], 0.2, 0.2), (101, [50, 31, 20], 0.15, 0.25), (97, [10, 87], 0.3, 0.1),
     (250, [100, 100, 50], 0.2, 0.2)],
)
def test_split_sizes_coverage_and_stratification(m, counts, val_size, test_size):
    X, y = _labelled_rows(m, counts)
    X_before, y_before = X.copy(), y.copy()
    splits = train_val_test_split(X, y, val_size=val_size, test_size=test_size, seed=0)
    X_train, y_train, X_val, y_val, X_test, y_test = splits  # unpacks as a tuple
    assert splits.X_train is X_train and splits.y_test is y_test

    sizes = [len(X_train), len(X_val), len(X_test)]
    assert sum(sizes) == m
    assert [len(y_train), len(y_val), len(y_test)] == sizes
    assert abs(len(X_test) - test_size * m) <= 1
    assert abs(len(X_val) - val_size * m) <= 1

    # Disjoint rows that together are every row of X exactly once, each with its own label.
    rows = np.concatenate([X_train[:, 0], X_val[:, 0], X_test[:, 0]]).astype(int)
    np.testing.assert_array_equal(np.sort(rows), np.arange(m))
    for X_part, y_part in [(X_train, y_train), (X_val, y_val), (X_test, y_test)]:
        np.testing.assert_array_equal(X_part, X[X_part[:, 0].astype(int)])
        np.testing.assert_array_equal(y_part, y[X_part[:, 0].astype(int)])

    # Stratified: each set's class counts are within one example of the overall proportions.
    proportions = np.array(counts) / m
    for y_part in (y_train, y_val, y_test):
        part_counts = np.bincount(y_part, minlength=len(counts))
        assert np.all(np.abs(part_counts - proportions * len(y_part)) <= 1), (part_counts, len(y_part))

    # The caller's arrays are untouched.
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


def test_split_is_reproducible_with_a_seed():
    X, y = _labelled_rows(120, [70, 50])
    a = train_val_test_split(X, y, seed=3)
    b = train_val_test_split(X, y, seed=3)
    c = train_val_test_split(X, y, seed=4)
    for part_a, part_b in zip(a, b):
        np.testing.assert_array_equal(part_a, part_b)
    assert not np.array_equal(a.X_train, c.X_train)
    # A Generator works as a seed too.
    d = train_val_test_split(X, y, seed=np.random.default_rng(9))
    e = train_val_test_split(X, y, seed=np.random.default_rng(9))
    for part_d, part_e in zip(d, e):
        np.testing.assert_array_equal(part_d, part_e)


def test_split_with_no_validation_set():
    X, y = _labelled_rows(50, [25, 25])
    X_train, y_train, X_val, y_val, X_test, y_test = train_val_test_split(X, y, val_size=0, test_size=0.2, seed=0)
    assert X_val.shape == (0, 2)
    assert y_val.shape == (0,)
    assert len(X_test) == 10
    assert len(X_train) == 40
    rows = np.concatenate([X_train[:, 0], X_test[:, 0]]).astype(int)
    np.testing.assert_array_equal(np.sort(rows), np.arange(50))


def test_split_without_stratify_accepts_continuous_targets():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.arange(40.0), rng.standard_normal(40)])
    y = rng.standard_normal(40)  # regression targets: not class labels
    X_train, y_train, X_val, y_val, X_test, y_test = train_val_test_split(X, y, seed=0, stratify=False)
    assert len(X_train) + len(X_val) + len(X_test) == 40
    np.testing.assert_array_equal(y_test, y[X_test[:, 0].astype(int)])


# --- Standardizer ----------------------------------------------------------------------


def _train_and_shifted_test(seed=0):
    rng = np.random.default_rng(seed)
    scale = np.array([1.0, 10.0, 0.1])
    X_train = rng.normal(loc=[5.0, -3.0, 100.0], scale=scale, size=(200, 3))
    # Shifted by 3 standard deviations in every column.
    X_test = rng.normal(loc=np.array([5.0, -3.0, 100.0]) + 3 * scale, scale=scale, size=(50, 3))
    return X_train, X_test


def test_standardizer_train_columns_have_mean_0_and_std_1():
    X_train, _ = _train_and_shifted_test()
    Z = Standardizer().fit_transform(X_train)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-12)


def test_standardizer_uses_the_training_statistics_for_other_sets():
    X_train, X_test = _train_and_shifted_test()
    scaler = Standardizer().fit(X_train)
    Z_test = scaler.transform(X_test)
    expected = (X_test - X_train.mean(axis=0)) / X_train.std(axis=0)
    np.testing.assert_allclose(Z_test, expected, rtol=1e-12)
    # Test data shifted relative to training stay shifted: not re-centred with its own mean.
    assert np.all(Z_test.mean(axis=0) > 2.0)
    # And transform alone does not refit.
    np.testing.assert_allclose(scaler.transform(X_train).mean(axis=0), 0.0, atol=1e-12)


def test_standardizer_constant_column_is_centred_not_divided_by_zero():
    rng = np.random.default_rng(1)
    X = np.column_stack([rng.standard_normal(30), np.full(30, 4.0), np.zeros(30)])
    Z = Standardizer().fit_transform(X)  # RuntimeWarnings are errors in this suite
    assert np.all(np.isfinite(Z))
    np.testing.assert_array_equal(Z[:, 1], 0.0)
    np.testing.assert_array_equal(Z[:, 2], 0.0)
    np.testing.assert_allclose(Z[:, 0].std(), 1.0)
    # A new value in a column that was constant in training is only shifted.
    scaler = Standardizer().fit(X)
    np.testing.assert_allclose(scaler.transform([[0.0, 6.0, -1.0]])[0, 1:], [2.0, -1.0])


def test_standardizer_inverse_transform_round_trips():
    X_train, X_test = _train_and_shifted_test(seed=2)
    scaler = Standardizer().fit(X_train)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X_test)), X_test, rtol=1e-12)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X_train)), X_train, rtol=1e-12)


def test_standardizer_does_not_modify_its_input():
    X_train, X_test = _train_and_shifted_test()
    before = X_train.copy()
    Standardizer().fit(X_train).transform(X_train)
    np.testing.assert_array_equal(X_train, before)


def test_standardizer_transform_before_fit_raises():
    with pytest.raises(RuntimeError, match="fit"):
        Standardizer().transform(np.ones((3, 2)))
    with pytest.raises(RuntimeError):
        Standardizer().inverse_transform(np.ones((3, 2)))


# --- one_hot ---------------------------------------------------------------------------


def test_one_hot():
    Y = one_hot([2, 0, 1, 2])
    assert Y.dtype == np.float64
    expected = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float64)
    np.testing.assert_array_equal(Y, expected)
    assert data.one_hot is one_hot


def test_one_hot_with_more_classes_than_seen():
    Y = one_hot(np.array([0, 1]), n_classes=4)
    np.testing.assert_array_equal(Y, [[1, 0, 0, 0], [0, 1, 0, 0]])


def test_one_hot_rows_sum_to_one_and_argmax_gives_back_the_labels():
    y = np.random.default_rng(0).integers(0, 5, size=50)
    Y = one_hot(y, 5)
    assert Y.shape == (50, 5)
    np.testing.assert_array_equal(Y.sum(axis=1), 1.0)
    np.testing.assert_array_equal(Y.argmax(axis=1), y)


# --- load_digits -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sklearn_digits():
    return sklearn.datasets.load_digits()


def test_load_digits_scaled(sklearn_digits):
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert sorted(np.unique(y).tolist()) == list(range(10))
    np.testing.assert_array_equal(y, sklearn_digits.target)
    # X[i].reshape(8, 8) is the image, scaled by 1/16.
    for i in (0, 1, 500, 1796):
        np.testing.assert_allclose(X[i].reshape(8, 8), sklearn_digits.images[i] / 16.0)


def test_load_digits_unscaled(sklearn_digits):
    X, y = load_digits(scale=False)
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert X.min() == 0.0 and X.max() == 16.0
    np.testing.assert_array_equal(X, np.rint(X))  # whole-number intensities 0..16
    np.testing.assert_array_equal(X[42].reshape(8, 8), sklearn_digits.images[42])
    X_scaled, _ = load_digits(scale=True)
    np.testing.assert_allclose(X_scaled * 16.0, X)
