"""Exercises of lesson 1: linear algebra for neural networks."""

import numpy as np

from .. import inputs
from ..checking import Exercise, rows_of_first

TITLE = "Linear algebra for neural networks"  # the lesson's title, as its notebook says (progress() shows it)


def dot_product(u, v):
    return float(sum(a * b for a, b in zip(u, v)))


def vector_pair(rng, trial):
    n = 1 if trial == 0 else int(rng.integers(2, 9))
    return inputs.scale(trial) * rng.standard_normal(n), inputs.scale(trial) * rng.standard_normal(n)


def matrix_product(A, B):
    return A @ B


def matrix_pair(rng, trial):
    m, n = inputs.shape(rng, trial)
    p = 1 if trial == 1 else int(rng.integers(1, 6))
    return inputs.matrix(rng, trial, (m, n)), inputs.matrix(rng, trial, (n, p))


def add_bias(Z, b):
    return Z + b


def bias_inputs(rng, trial):
    Z = inputs.matrix(rng, trial)
    return Z, inputs.scale(trial) * rng.standard_normal(Z.shape[1])


def feature_means(X):
    return X.mean(axis=0)


def product_shape(shape_a, shape_b):
    if shape_a[1] != shape_b[0]:
        return None
    return (shape_a[0], shape_b[1])


def shape_pair(rng, trial):
    m, n, p = (int(k) for k in rng.integers(1, 9, 3))
    other = n if trial % 2 == 0 else n + int(rng.integers(1, 4))
    return (m, n), (other, p)


def shape_hint(args, actual, expected):
    (a, b) = args
    if actual is None and expected is not None:
        return f"shapes {a} and {b} can be multiplied ({a[1]} columns, {b[0]} rows): return the result's shape"
    if expected is None:
        return (f"shapes {a} and {b} cannot be multiplied ({a[1]} columns but {b[0]} rows): "
                f"return None for them")
    if isinstance(actual, (tuple, list)) and tuple(actual) == (a[1], b[0]):
        return "an (m, n) @ (n, p) product has shape (m, p): the outer numbers, not the inner ones"
    return None


EXERCISES = [
    Exercise("01.dot_product", "dot_product", 1, dot_product,
             (np.array([1.0, 2.0, 3.0]), np.array([4.0, -5.0, 6.0])), vector_pair),
    Exercise("01.matrix_product", "matrix_product", 2, matrix_product,
             (np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])),
             matrix_pair),
    Exercise("01.add_bias", "add_bias", 1, add_bias,
             (np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.array([10.0, 20.0, 30.0])), bias_inputs),
    Exercise("01.feature_means", "feature_means", 1, feature_means,
             (np.array([[1.0, 10.0], [3.0, 20.0], [5.0, 60.0]]),), lambda rng, trial: (inputs.matrix(rng, trial),),
             examples_of=rows_of_first),
    Exercise("01.product_shape", "product_shape", 1, product_shape, ((2, 3), (3, 4)), shape_pair, hint=shape_hint),
]
