"""The new exercise of lesson 2, 02.relu_bump: typical wrong answers are caught with a message that names
the mistake, and a correct solution written differently gets full marks.

WRONG and ALTERNATIVES have the shapes of the banks in tests/test_wrong_answers_*.py and
tests/test_alternative_solutions.py, so they can be merged there.
"""

import numpy as np
import pytest

from mlp.grader import EXERCISES, run_check


def _relu(z):
    return np.maximum(0, z)


def bump_without_division(x, center, width):
    return _relu(x - center + width) - 2 * _relu(x - center) + _relu(x - center - width)  # peaks at width


def bump_middle_weight_minus_one(x, center, width):
    return (_relu(x - center + width) - _relu(x - center) + _relu(x - center - width)) / width  # never comes down


def bump_ignoring_width(x, center, width):
    return np.maximum(0, 1 - np.abs(x - center))  # always half-width 1


def bump_hidden_units_not_summed(x, center, width):
    return np.column_stack([_relu(x - center + width), -2 * _relu(x - center), _relu(x - center - width)]) / width


def bump_in_place(x, center, width):
    x -= center  # the caller's x is gone
    np.abs(x, out=x)
    return np.maximum(0, 1 - x / width)


def bump_shifted_the_wrong_way(x, center, width):
    return (_relu(x + center + width) - 2 * _relu(x + center) + _relu(x + center - width)) / width


def bump_with_np_max(x, center, width):
    return (np.max(x - center + width, 0) - 2 * np.max(x - center, 0) + np.max(x - center - width, 0)) / width


WRONG = [
    ("02.relu_bump", "no division by the width", bump_without_division,
     "your bump peaks at 0.5 (the width) instead of 1: divide the sum of the three ReLUs by the width"),
    ("02.relu_bump", "-1 on the middle ReLU", bump_middle_weight_minus_one,
     "the middle ReLU, at the centre, needs the weight -2"),
    ("02.relu_bump", "width ignored", bump_ignoring_width, "your result is not right at index 1: expected 0, got 0.25"),
    ("02.relu_bump", "the hidden units, not their sum", bump_hidden_units_not_summed,
     "your result has the wrong shape: expected shape (8,), got (8, 3)"),
    ("02.relu_bump", "x changed in place", bump_in_place, "changed its input x in place"),
    ("02.relu_bump", "x + c instead of x - c", bump_shifted_the_wrong_way, "your result is not right"),
    ("02.relu_bump", "np.max instead of np.maximum", bump_with_np_max, "your result should be a numpy array of shape (8,); got a float"),
]


def relu_bump_by_clipping(x, center, width):
    """max(0, 1 - |x - c| / w), written with clip and without any ReLU."""
    return np.clip(1.0 - np.abs(x - center) / width, 0.0, None)


def relu_bump_by_where(x, center, width):
    """Piece by piece: the rising and the falling side."""
    t = (x - center) / width
    return np.where(np.abs(t) >= 1, 0.0, np.where(t < 0, 1 + t, 1 - t))


ALTERNATIVES = {"02.relu_bump": relu_bump_by_clipping}


@pytest.mark.parametrize("exercise_id, mistake, function, fragment", WRONG, ids=[m for _, m, _, _ in WRONG])
@pytest.mark.parametrize("seed", [0, 1])
def test_wrong_answer_fails_naming_the_mistake(exercise_id, mistake, function, fragment, seed):
    verdict = run_check(EXERCISES[exercise_id], function, seed=seed)
    assert verdict.status == "failed" and verdict.score == 0, f"{mistake}: {verdict.status}: {verdict.message}"
    assert fragment in verdict.message, f"{mistake}: {verdict.message}"


@pytest.mark.parametrize("function", [relu_bump_by_clipping, relu_bump_by_where])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_another_correct_way_gets_full_marks(function, seed):
    verdict = run_check(EXERCISES["02.relu_bump"], function, seed=seed)
    assert verdict.status == "passed" and verdict.score == 2, f"seed {seed}: {verdict.message}"


def test_the_reference_is_the_lessons_bump_network():
    """The reference equals the 1-3-1 ReLU network of lesson 2 (W1 = ones, b1 = (w - c, -c, -c - w), W2 = (1, -2, 1) / w)."""
    import mlp

    exercise = EXERCISES["02.relu_bump"]
    rng = np.random.default_rng(0)
    for _ in range(5):
        center, width = float(rng.normal()), float(rng.uniform(0.1, 3))
        x = center + width * rng.uniform(-3, 3, 50)
        network = mlp.MLP([1, 3, 1], hidden_activation="relu", output_activation="linear", seed=0)
        network.set_weights({"W1": np.ones((1, 3)), "b1": np.array([width - center, -center, -center - width]),
                             "W2": np.array([[1.0], [-2.0], [1.0]]) / width, "b2": np.zeros(1)})
        np.testing.assert_allclose(exercise.reference(x, center, width), network.forward(x[:, None])[:, 0],
                                   atol=1e-12)
        assert exercise.reference(np.array([center]), center, width)[0] == pytest.approx(1.0)


def test_the_random_inputs_hit_the_kinks_and_large_scales():
    exercise = EXERCISES["02.relu_bump"]
    rng = np.random.default_rng(0)
    trials = [exercise.random_inputs(rng, trial) for trial in range(exercise.trials)]
    assert trials[0][0].shape == (1,)
    assert abs(trials[3][1]) > 10 or trials[3][2] > 10  # trial 3 is at the scale of 1000
    with_kinks = [(x, c, w) for x, c, w in trials if len(x) >= 4]
    assert with_kinks
    for x, c, w in with_kinks:
        assert {c - w, c, c + w} <= set(x.tolist())
    assert all(w > 0 for _, _, w in trials)
