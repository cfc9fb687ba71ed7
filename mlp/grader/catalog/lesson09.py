"""Exercises of lesson 9: inverted dropout, forward and backward; train a network on the moons, end to end."""

import numpy as np

from ... import data
from .. import inputs
from ..checking import GLOBAL_RANDOM_STATE_USED, Exercise, Passed
from .predictions import changed_in_place, check_one_at_a_time, check_predictions

TITLE = "Training a network end to end"  # the lesson's title, as its notebook says (progress() shows it)

TARGET = 0.95
N_TRAIN, N_VALIDATION = 400, 1000  # 1000 held-out points: a 97% classifier fails by chance < 0.1% of the time


def check_train_moons(function, rng):
    """train_moons(X_train, y_train, seed) returns predict(X) -> labels; >= 95% on fresh validation points."""
    seed = int(rng.integers(2**31))
    X, y = data.make_moons(N_TRAIN + N_VALIDATION, noise=0.2, seed=seed)
    given = (X[:N_TRAIN].copy(), y[:N_TRAIN].copy())
    predict = function(*given, seed)
    problem = changed_in_place("train_moons", ("X_train", "y_train"), (X[:N_TRAIN], y[:N_TRAIN]), given) \
        or check_predictions(predict, X[N_TRAIN:], y[N_TRAIN:], TARGET,
                             "train longer, change the learning rate, or add hidden units")
    if isinstance(problem, Passed):
        return check_one_at_a_time(predict, X[N_TRAIN:], "points", STANDARDISE_NEW_POINTS) or problem
    if problem is None or not problem.startswith("accuracy"):
        return problem
    return f"{problem.split(';')[0]}; {UPHILL}" if learns_the_opposite(function, seed) else problem


STANDARDISE_NEW_POINTS = ("scale new points with the training set's mean and standard deviation, never with "
                          "statistics of the points predict is given")


UPHILL = ("your network learns the opposite of the labels it is given: trained on two well-separated blobs it "
          "calls every point of each blob the other blob's label, and the same with the labels swapped. Your "
          "update goes uphill: it must subtract the gradient, theta := theta - learning_rate * dtheta "
          "(and the output layer's error is dZ2 = (A2 - Y) / m, not Y - A2)")


def learns_the_opposite(function, seed) -> bool:
    """Trained on two blobs far apart, and again with the labels swapped, is predict wrong on almost every
    point both times? (Gradient ascent is; an untrained network predicts the same either way, so it cannot
    be wrong both times.)"""
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal([-2.0, 0.0], 0.3, (100, 2)), rng.normal([2.0, 0.0], 0.3, (100, 2))])
    y = np.repeat([0, 1], 100)
    for labels in (y, 1 - y):
        predict = function(X.copy(), labels.copy(), seed)
        if not callable(predict):
            return False
        predicted = np.asarray(predict(X.copy())).reshape(-1)
        if predicted.shape != labels.shape or np.mean(predicted == labels) > 0.1:
            return False
    return True


# --- 09.dropout_forward and 09.dropout_backward ------------------------------------------------------
#
# The convention (the task cells of solutions/09_training.ipynb say the same): the mask is boolean, True
# where a unit is kept, drawn as rng.random(A.shape) < keep_prob; the output is A * mask / keep_prob.
# A mask drawn another way from the rng given (rng.binomial, rng.uniform, ...) is accepted when it is random
# in the right way: about keep_prob of the units kept, a new draw for every example, the same mask for the
# same seed and another one for another seed.


def dropout_forward(A, keep_prob, rng):
    """Inverted dropout at training time: (A * mask / keep_prob, mask), mask True where a unit is kept."""
    mask = rng.random(A.shape) < keep_prob  # (m, n) booleans, each True with probability keep_prob
    return A * mask / keep_prob, mask


def dropout_backward(dA, mask, keep_prob):
    """The gradient through inverted dropout: the same mask and the same 1 / keep_prob as forward."""
    return dA * mask / keep_prob


FORWARD_EXAMPLE = (np.array([[1.0, 2.0, 3.0, 4.0], [0.0, 0.5, 1.5, 2.0], [3.0, 2.0, 1.0, 1.0]]), 0.5, 2)
FORWARD_KEEP_PROBS = (0.8, 0.5, 0.9, 0.25, 1.0, 0.6)
LARGE_SHAPE, LARGE_KEEP_PROB = (400, 50), 0.8  # 20000 units: the kept fraction is 0.8 +- 0.003 (one sd)
FRACTION_TOLERANCE = 0.02  # about 7 standard deviations


def _close(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-12)


def _forward_problem(function, A, keep_prob, seed, label):
    """(message or None, the learner's boolean mask or None) for one call of dropout_forward."""
    given = A.copy()
    result = function(given, keep_prob, np.random.default_rng(seed))
    if getattr(function, "used_global_random", False):
        return GLOBAL_RANDOM_STATE_USED, None
    if not np.array_equal(given, A):
        return (f"{label}, your function changed its input A in place; return a new array and leave A as it "
                f"was (write out = A * mask / keep_prob, not A *= mask)"), None
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        got = (f"{len(result)} values" if isinstance(result, (tuple, list)) else
               "a single array" if isinstance(result, np.ndarray) else f"a {type(result).__name__}")
        return f"{label}, dropout_forward should return two arrays, (out, mask); got {got}", None
    out, mask = (np.asarray(part) for part in result)
    for name, value in (("out", out), ("mask", mask)):
        if not (np.issubdtype(value.dtype, np.number) or value.dtype == np.bool_):
            return f"{label}, {name} should be an array of numbers; got dtype {value.dtype}", None
    if mask.shape != A.shape:
        shared = mask.size and mask.shape in ((A.shape[1],), (1, A.shape[1]))
        return (f"{label} (A of shape {A.shape}), mask should have A's shape {A.shape}; got {mask.shape}"
                + (": one mask value per unit, shared by all examples; draw a new one for every example and "
                   "unit, rng.random(A.shape)" if shared else "")), None
    if out.shape != A.shape:
        return f"{label} (A of shape {A.shape}), out should have A's shape {A.shape}; got {out.shape}", None
    values = mask.astype(float)
    if not np.all((values == 0) | (values == 1)):
        scaled = np.all(np.isclose(values, 0) | np.isclose(values, 1 / keep_prob))
        return (f"{label}, mask should hold only True/False (or 1/0): True where a unit is kept"
                + (f"; yours holds 0 and 1 / keep_prob, the mask already scaled: return the boolean mask "
                   f"(rng.random(A.shape) < keep_prob) and apply the 1 / keep_prob to A only" if scaled else
                   f"; got values such as {float(values[(values != 0) & (values != 1)][0]):.4g}")), None
    kept = values.astype(bool)
    if not _close(out.astype(float), A * kept / keep_prob):
        if _close(out.astype(float), A * kept) and keep_prob != 1:
            return (f"{label} (keep_prob = {keep_prob:g}), out is A * mask without the scaling: inverted dropout "
                    f"divides the kept activations by keep_prob, out = A * mask / keep_prob, so that their expected "
                    f"value is A itself and nothing needs rescaling at test time"), None
        if _close(out.astype(float), A * kept * keep_prob) and keep_prob != 1:
            return (f"{label} (keep_prob = {keep_prob:g}), out is A * mask * keep_prob: divide by keep_prob, do not "
                    f"multiply (the kept units must grow, by 1 / keep_prob, to make up for the dropped ones)"), None
        if _close(out.astype(float), A * ~kept / keep_prob) and keep_prob != 1:
            return (f"{label}, your mask is True where a unit is dropped; return the opposite: True where a unit is "
                    f"kept, mask = rng.random(A.shape) < keep_prob"), None
        return (f"{label} (keep_prob = {keep_prob:g}), out is not A * mask / keep_prob for the mask your function "
                f"returned: drop the units where mask is False, and divide the kept ones by keep_prob"), None
    return None, kept


def check_dropout_forward(function, rng):
    """dropout_forward(A, keep_prob, rng) -> (out, mask): shapes, out = A * mask / keep_prob, A unchanged, and a
    mask that is either rng.random(A.shape) < keep_prob or random in the same way (tested statistically)."""
    cases = [(*FORWARD_EXAMPLE, "On the worked example")]
    for trial in range(len(FORWARD_KEEP_PROBS)):
        cases.append((inputs.matrix(rng, trial), FORWARD_KEEP_PROBS[trial], int(rng.integers(2**31)),
                      "On random inputs"))
    drawn_otherwise = False
    for A, keep_prob, seed, label in cases:
        problem, kept = _forward_problem(function, A, keep_prob, seed, label)
        if problem:
            return problem
        drawn_otherwise |= not np.array_equal(kept, np.random.default_rng(seed).random(A.shape) < keep_prob)
    if not drawn_otherwise:
        return Passed(f"right on the worked example and on {len(FORWARD_KEEP_PROBS)} sets of random inputs "
                      f"(out, and the mask rng.random(A.shape) < keep_prob draws)")
    # Another draw than the one the task names: accepted if it is random in the right way.
    A = np.ones(LARGE_SHAPE)
    seed = int(rng.integers(2**31))
    masks = []
    for each_seed in (seed, seed, seed + 1):
        problem, kept = _forward_problem(function, A, LARGE_KEEP_PROB, each_seed, "On a large A of ones")
        if problem:
            return problem
        masks.append(kept)
    fraction = float(masks[0].mean())
    if abs(fraction - (1 - LARGE_KEEP_PROB)) < FRACTION_TOLERANCE:
        return (f"with keep_prob = {LARGE_KEEP_PROB:g} your mask keeps a fraction {fraction:.3f} of the units, "
                f"about 1 - keep_prob: keep_prob is the probability of keeping a unit, not of dropping it; "
                f"mask = rng.random(A.shape) < keep_prob")
    if abs(fraction - LARGE_KEEP_PROB) > FRACTION_TOLERANCE:
        return (f"with keep_prob = {LARGE_KEEP_PROB:g} your mask keeps a fraction {fraction:.3f} of the units; it "
                f"should be close to keep_prob: mask = rng.random(A.shape) < keep_prob")
    if np.all(masks[0] == masks[0][:1]) or np.all(masks[0] == masks[0][:, :1]):
        return ("your mask is the same for every example (or every unit): draw one random number for each entry "
                "of A, rng.random(A.shape)")
    if not np.array_equal(masks[0], masks[1]):
        return "the same rng seed gave different masks: draw the mask from the rng you are given"
    if np.array_equal(masks[0], masks[2]):
        return "different rng seeds gave the same mask: draw the mask from the rng you are given"
    return Passed(f"right on the worked example and on {len(FORWARD_KEEP_PROBS)} sets of random inputs; your mask "
                  f"is not drawn as rng.random(A.shape) < keep_prob, but it is random in the right way (it kept "
                  f"{fraction:.1%} of 20000 units with keep_prob = {LARGE_KEEP_PROB:g})")


def backward_inputs(rng, trial):
    m, n = inputs.shape(rng, trial)
    keep_prob = float(rng.choice([0.5, 0.8, 0.9, 0.25]))
    return inputs.matrix(rng, trial, (m, n)), rng.random((m, n)) < keep_prob, keep_prob


def backward_hint(args, actual, expected):
    """The mistakes of dropout_backward, named: no scaling, keep_prob as a factor, no mask, a new mask."""
    dA, mask, keep_prob = args
    actual = np.asarray(actual)
    if actual.shape != dA.shape or not np.issubdtype(actual.dtype, np.number) or keep_prob == 1:
        return None
    actual = actual.astype(float)
    if _close(actual, dA * mask):
        return ("it is dA * mask without the 1 / keep_prob: forward divided the kept activations by keep_prob, so "
                "their gradients are divided by keep_prob too, dA * mask / keep_prob")
    if _close(actual, dA * mask * keep_prob):
        return "it is multiplied by keep_prob: divide by it instead, dA * mask / keep_prob, as in forward"
    if _close(actual, dA / keep_prob) and not mask.all():
        return ("the mask is not applied: a unit dropped in forward passes no gradient back, dA * mask / keep_prob")
    if _close(actual, dA * ~mask / keep_prob):
        return "the mask is used the wrong way round: it is True where a unit was kept, dA * mask / keep_prob"
    nonzero = dA != 0
    ratio = np.where(nonzero, actual * keep_prob / np.where(nonzero, dA, 1), 0)
    if np.all(np.isclose(ratio, 0) | np.isclose(ratio, 1)):
        return ("the gradient flows through other units than forward kept: use the mask you are given (the one "
                "forward drew), never a new one")
    return None


BACKWARD_EXAMPLE = (np.array([[0.5, 1.0, -2.0], [1.5, 0.25, -0.5]]),
                    np.array([[True, False, True], [False, True, True]]), 0.5)

EXERCISES = [
    Exercise("09.dropout_forward", "dropout_forward", 2, custom=check_dropout_forward),
    Exercise("09.dropout_backward", "dropout_backward", 1, dropout_backward, BACKWARD_EXAMPLE, backward_inputs,
             hint=backward_hint),
    Exercise("09.train_moons", "train_moons", 5, custom=check_train_moons, time_limit=120),
]
