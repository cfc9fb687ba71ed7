"""The public API, driven with wrong input: wrong shapes, types, NaN/inf, empty and extreme values.

For every call, one argument at a time is replaced by a bad value (the others stay valid). Each call must
either raise a ValueError or TypeError of the course's own (raised by mlp's code, naming what was
expected, not an error from numpy's or Python's internals), or return a finite result. Never a silent
NaN, never a changed input. One exception, on purpose: the values flowing inside a network (an
activation's z, a layer's X, W and b, the logits Z) may carry a NaN or inf given to them into the result,
as IEEE arithmetic does (NaN in, NaN out: nothing made up), because checking every one would slow every
step; the training loop's divergence guard stops a run whose loss is no longer finite. Data and targets
(a network's X and y, a loss's Y, labels) are always checked.
"""

from __future__ import annotations

import copy
import traceback
import warnings
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import mlp
from mlp import MLP, data, losses
from mlp.activations import ACTIVATIONS

MLP_FOLDER = str(Path(mlp.__file__).resolve().parent)

# Bad values for an argument that takes a data array (the valid value's shape is known).
def bad_arrays(valid: np.ndarray) -> dict:
    with_nan, with_inf = valid.astype(float).copy(), valid.astype(float).copy()
    with_nan.flat[0], with_inf.flat[-1] = np.nan, np.inf
    return {"None": None, "a string": "abc", "a ragged list": [[1.0, 2.0], [3.0]], "NaN inside": with_nan,
            "inf inside": with_inf, "empty": valid[:0], "3-D": valid[None], "complex": valid.astype(complex),
            "objects": np.array([object()] * valid.size, dtype=object).reshape(valid.shape)}


BAD_NUMBERS = {"negative": -1.0, "NaN": float("nan"), "inf": float("inf"), "a string": "0.1", "None": None,
               "a list": [0.1], "True": True}
BAD_COUNTS = {**BAD_NUMBERS, "zero": 0, "a fraction": 2.5}


def none_allowed(bad: dict) -> dict:
    """For an argument whose documented default is None (batch_size: the whole set; n_classes: max(y) + 1)."""
    return {name: value for name, value in bad.items() if value is not None}


def valid_problem(seed: int):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((6, 2))
    y = np.array([0, 1, 0, 1, 1, 0])
    return X, y


# (call, argument) pairs whose NaN or inf may flow through into the result (see the docstring).
def propagates(description: str, argument: str) -> bool:
    return (description.startswith("activation") and argument == "z") or \
        (description.startswith("binary_cross_entropy_with_logits") and argument == "Z") or \
        (description == "dense_forward" and argument in ("X", "W", "b"))


def calls(seed: int) -> list:
    """(description, function of the arguments, {argument: (valid value, {bad name: bad value})})."""
    X, y = valid_problem(seed)
    Z = np.random.default_rng(seed).standard_normal((6, 3))
    P = np.full((6, 1), 0.4)
    Y1 = y.reshape(-1, 1).astype(float)
    net = MLP([2, 3, 1], seed=seed)
    entries = []
    for name in sorted(ACTIVATIONS):
        function = ACTIVATIONS[name]
        entries.append((f"activation {name}", lambda z, f=function: f(z), {"z": (Z, bad_arrays(Z))}))
    for loss in ("binary_cross_entropy", "binary_cross_entropy_gradient"):
        entries.append((loss, lambda P, Y, f=getattr(losses, loss): f(P, Y),
                        {"P": (P, {**bad_arrays(P), "logits": P * 10 - 2}), "Y": (Y1, bad_arrays(Y1))}))
    for loss in ("binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits_gradient"):
        entries.append((loss, lambda Z, Y, f=getattr(losses, loss): f(Z, Y),
                        {"Z": (P, bad_arrays(P)), "Y": (Y1, bad_arrays(Y1))}))
    entries += [
        ("dense_forward", lambda X, W, b: mlp.dense_forward(X, W, b, "relu"),
         {"X": (X, bad_arrays(X)), "W": (np.ones((2, 3)), bad_arrays(np.ones((2, 3)))),
          "b": (np.zeros(3), bad_arrays(np.zeros(3)))}),
        ("one_hot", lambda y, n: mlp.one_hot(y, n), {"y": (y, bad_arrays(y)), "n": (2, none_allowed(BAD_COUNTS))}),
        ("MLP.predict", lambda X: net.predict(X), {"X": (X, bad_arrays(X))}),
        ("MLP.loss_value", lambda X, y, l2, l1: net.loss_value(X, y, l2=l2, l1=l1),
         {"X": (X, bad_arrays(X)), "y": (y, bad_arrays(y)), "l2": (0.0, BAD_NUMBERS), "l1": (0.0, BAD_NUMBERS)}),
        ("MLP.loss_and_gradients", lambda X, y, l2, l1: net.loss_and_gradients(X, y, l2=l2, l1=l1)[0],
         {"X": (X, bad_arrays(X)), "y": (y, bad_arrays(y)), "l2": (0.0, BAD_NUMBERS), "l1": (0.0, BAD_NUMBERS)}),
        ("MLP.fit", lambda X, y, epochs, learning_rate, batch_size:
            MLP([2, 3, 1], seed=seed).fit(X, y, epochs=epochs, learning_rate=learning_rate, batch_size=batch_size,
                                         progress=False),
         {"X": (X, bad_arrays(X)), "y": (y, bad_arrays(y)), "epochs": (2, BAD_COUNTS),
          "learning_rate": (0.1, none_allowed(BAD_NUMBERS)), "batch_size": (2, none_allowed(BAD_COUNTS))}),
        ("gradient_check", lambda eps, l2, l1: mlp.gradient_check(net, X, y, eps=eps, l2=l2, l1=l1),
         {"eps": (1e-6, {**BAD_NUMBERS, "zero": 0.0}), "l2": (0.0, BAD_NUMBERS), "l1": (0.0, BAD_NUMBERS)}),
        ("MLP.set_weights", lambda W1: MLP([2, 3, 1], seed=0).set_weights({**net.get_weights(), "W1": W1}),
         {"W1": (np.ones((2, 3)), bad_arrays(np.ones((2, 3))))}),
        ("minibatches", lambda X, batch_size: list(mlp.minibatches(X, Y1, batch_size, np.random.default_rng(0))),
         {"X": (X, {}), "batch_size": (2, none_allowed(BAD_COUNTS))}),
        ("MLP()", lambda sizes: MLP(sizes), {"sizes": ([2, 3, 1], {"None": None, "a string": "2-3-1", "zero": [2, 0, 1],
                                                               "NaN": [2, float("nan"), 1], "one": [2]})}),
        ("make_moons", lambda n, noise: data.make_moons(n, noise=noise, seed=0),
         {"n": (20, BAD_COUNTS), "noise": (0.1, {k: v for k, v in BAD_NUMBERS.items()})}),
        ("make_circles", lambda n, factor: data.make_circles(n, factor=factor, seed=0),
         {"n": (20, BAD_COUNTS), "factor": (0.5, {**BAD_NUMBERS, "above 1": 1.5})}),
        ("make_spirals", lambda n, classes: data.make_spirals(n, n_classes=classes, seed=0),
         {"n": (30, BAD_COUNTS), "classes": (2, BAD_COUNTS)}),
        ("make_blobs", lambda n, centers: data.make_blobs(n, centers=centers, seed=0),
         {"n": (30, BAD_COUNTS), "centers": (3, BAD_COUNTS)}),
        ("train_val_test_split", lambda X, y, val_size: data.train_val_test_split(X, y, val_size=val_size, seed=0),
         {"X": (X, bad_arrays(X)), "y": (y, bad_arrays(y)), "val_size": (0.2, {**BAD_NUMBERS, "above 1": 1.5})}),
        ("Standardizer.fit", lambda X: data.Standardizer().fit(X).transform(X), {"X": (X, bad_arrays(X))}),
        ("Standardizer.transform", lambda X: data.Standardizer().fit(valid_problem(1)[0]).transform(X),
         {"X": (X, bad_arrays(X))}),
        ("make_schedule", lambda rate, name: mlp.make_schedule(rate, name),
         {"rate": (0.1, BAD_NUMBERS), "name": ("step", {"None": None, "unknown": "stepp", "a number": 3})}),
        ("Adam", lambda rate, beta1: mlp.Adam(rate, beta1=beta1), {"rate": (0.01, BAD_NUMBERS),
                                                                  "beta1": (0.9, {**BAD_NUMBERS, "one": 1.0})}),
        ("GradientDescent", lambda rate, momentum: mlp.GradientDescent(rate, momentum),
         {"rate": (0.1, BAD_NUMBERS), "momentum": (0.5, {**BAD_NUMBERS, "one": 1.0})}),
        ("Dense", lambda n_in, n_out: mlp.Dense(n_in, n_out, seed=0), {"n_in": (2, BAD_COUNTS), "n_out": (3, BAD_COUNTS)}),
        ("MLP.fit(optimizer)", lambda optimizer: MLP([2, 3, 1], seed=0).fit(X, y, epochs=1, optimizer=optimizer,
                                                                         progress=False),
         {"optimizer": ("adam", {"unknown": "adan", "a number": 3, "None of the names": "sgdd"})}),
        ("learning_rate_range_test", lambda steps, stop: mlp.learning_rate_range_test(
            MLP([2, 3, 1], seed=0), X, y, steps=steps, stop=stop, batch_size=2, seed=0),
         {"steps": (5, BAD_COUNTS), "stop": (1.0, BAD_NUMBERS)}),
    ]
    return entries


def every_case(seed=0):
    for description, function, arguments in calls(seed):
        for argument, (_, bad_values) in arguments.items():
            for bad_name in bad_values:
                yield description, argument, bad_name


CASES = list(every_case())


def raised_by_mlp(error) -> bool:
    """The innermost frame of the traceback that is mlp's own raised it (not numpy's, not Python's)."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and frames[-1].filename.startswith(MLP_FOLDER)


def finite(value) -> bool:
    if isinstance(value, dict):
        return all(finite(v) for v in value.values())
    if isinstance(value, (tuple, list)):
        return all(finite(v) for v in value)
    if value is None or isinstance(value, (str, mlp.History)) or hasattr(value, "history"):
        return True
    try:
        return bool(np.all(np.isfinite(np.asarray(value, dtype=float))))
    except (TypeError, ValueError):
        return True


def run(description, argument, bad_name, seed=0):
    for name, function, arguments in calls(seed):
        if name == description:
            break
    values = {arg: copy.deepcopy(valid) for arg, (valid, _) in arguments.items()}
    values[argument] = arguments[argument][1][bad_name]
    before = copy.deepcopy(values)
    carrying = propagates(description, argument) and bad_name in ("NaN inside", "inf inside")
    try:
        with warnings.catch_warnings():
            if carrying:  # numpy's own "invalid value" warning for the NaN it was given is fine here
                warnings.simplefilter("ignore", RuntimeWarning)
            result = function(**values)
    except (ValueError, TypeError) as error:
        assert raised_by_mlp(error), (f"{description}({argument}={bad_name}) raised an error of numpy's or "
                                      f"Python's own: {type(error).__name__}: {error}")
        assert len(str(error)) > 20, f"{description}({argument}={bad_name}): a message that explains nothing: {error}"
        outcome = "raised"
    except Exception as error:  # noqa: BLE001 - any other type is a failure of its own
        raise AssertionError(f"{description}({argument}={bad_name}) raised {type(error).__name__}: {error}")
    else:
        assert finite(result) or carrying, \
            f"{description}({argument}={bad_name}) returned a non-finite result without a word"
        outcome = "carried" if carrying and not finite(result) else "returned"
    for arg, value in before.items():
        if isinstance(value, np.ndarray) and value.dtype != object:
            assert np.array_equal(values[arg], value, equal_nan=True), f"{description} changed its input {arg}"
    return outcome


def test_every_bad_input_is_refused_in_mlps_words():
    outcomes = {case: run(*case) for case in CASES}
    counts = {kind: sum(outcome == kind for outcome in outcomes.values()) for kind in ("raised", "returned", "carried")}
    print(f"{len(CASES)} bad calls: {counts['raised']} refused with mlp's own message, {counts['returned']} "
          f"returned a finite result, {counts['carried']} carried a NaN or inf given inside a network")
    # An empty, NaN or string argument is never a valid answer: those must all be refused.
    for case, outcome in outcomes.items():
        never_valid = ("None", "a string", "NaN", "objects", "complex", "a ragged list")
        inside = propagates(*case[:2])  # an empty z gives an empty activation, as it should
        if case[2] in never_valid or (case[2] in ("NaN inside", "empty") and not inside):
            assert outcome == "raised", f"{case} was accepted"


@settings(max_examples=60, deadline=None)
@given(case=st.sampled_from(CASES), seed=st.integers(0, 2**16))
def test_bad_input_with_other_valid_arguments(case, seed):
    """The same, with the valid arguments drawn afresh."""
    run(*case, seed=seed)
