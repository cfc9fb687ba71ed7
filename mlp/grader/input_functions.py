"""Functions the checks hand to a learner's function as arguments (an activation, a loss surface).

They travel between processes by name and parameters (see ``wire``), so the grader can give a
learner's ``dense_forward`` an activation, or a learner's ``numerical_gradient`` a function to
differentiate, without sending code. Written with numpy alone: a learner's function that calls
them touches nothing of the course library.
"""

from __future__ import annotations

import numpy as np


def _tanh(parameters, z):
    return np.tanh(z)


def _relu(parameters, z):
    return np.maximum(z, 0.0)


def _sigmoid(parameters, z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _square(parameters, x):
    return float(np.sum(x**2))


def _sin_cubic(parameters, x):
    return float(np.sum(parameters["c"] * np.sin(x)) + 0.5 * np.sum(x**3))


FORMULAS = {"tanh": _tanh, "relu": _relu, "sigmoid": _sigmoid, "square": _square, "sin_cubic": _sin_cubic}


class InputFunction:
    """A named function with parameters, e.g. ``InputFunction("relu")`` or
    ``InputFunction("sin_cubic", {"c": c})`` (f(x) = sum(c sin x) + sum(x^3) / 2)."""

    def __init__(self, name: str, parameters: dict | None = None):
        if name not in FORMULAS:
            raise ValueError(f"unknown input function {name!r}; expected one of {sorted(FORMULAS)}")
        self.name = name
        self.parameters = dict(parameters or {})
        self.__name__ = name

    def __call__(self, x):
        return FORMULAS[self.name](self.parameters, x)

    def __repr__(self):
        return self.name

    def __eq__(self, other):
        return isinstance(other, InputFunction) and other.name == self.name and all(
            np.array_equal(self.parameters[k], other.parameters.get(k)) for k in self.parameters)

    __hash__ = None
