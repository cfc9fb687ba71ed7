"""Exercises 09.dropout_forward and 09.dropout_backward: the worked solutions and other correct ways pass, the
typical mistakes fail with a message that names them.

``WRONG`` and ``ALTERNATIVES`` have the shapes of the banks in test_wrong_answers_*.py and
test_alternative_solutions.py: (exercise id, mistake, function, fragment of the message) and
{exercise id: function}.
"""

from pathlib import Path

import nbformat
import numpy as np
import pytest

from mlp.grader import EXERCISES, run_check

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [0, 1, 2, 12345]
SEED = 3
NOT_RIGHT = "is not right"


def _solution_functions():
    """dropout_forward and dropout_backward as solutions/09_training.ipynb writes them."""
    namespace = {"np": np}
    for cell in nbformat.read(ROOT / "solutions" / "09_training.ipynb", as_version=4).cells:
        if cell.cell_type == "code" and cell.source.startswith(("def dropout_forward", "def dropout_backward")):
            exec(compile(cell.source, "solutions/09_training.ipynb", "exec"), namespace)
    return {"09.dropout_forward": namespace["dropout_forward"], "09.dropout_backward": namespace["dropout_backward"]}


CORRECT = _solution_functions()


# --- other correct ways ----------------------------------------------------------------------------------


def forward_binomial(A, keep_prob, rng):
    """Another draw from the rng (not the numbers rng.random gives): accepted as random in the right way."""
    mask = rng.binomial(1, keep_prob, size=A.shape)  # 0/1 integers
    return np.where(mask == 1, A / keep_prob, 0.0), mask


def forward_uniform_float_mask(A, keep_prob, rng):
    """rng.uniform draws the same numbers as rng.random; a float mask of 0.0 and 1.0."""
    mask = (rng.uniform(0.0, 1.0, size=A.shape) < keep_prob).astype(float)
    out = A.copy()
    out *= mask
    out /= keep_prob
    return out, mask


def backward_where(dA, mask, keep_prob):
    return np.where(mask, dA / keep_prob, 0.0)


ALTERNATIVES = {"09.dropout_forward": forward_binomial, "09.dropout_backward": backward_where}


# --- wrong answers: dropout_forward --------------------------------------------------------------------------


def forward_no_scaling(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return A * mask, mask


def forward_scaled_by_p(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return A * mask * keep_prob, mask


def forward_drop_probability_as_keep(A, keep_prob, rng):
    mask = rng.random(A.shape) < 1 - keep_prob  # keeps with probability 1 - keep_prob
    return A * mask / keep_prob, mask


def forward_in_place(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    A *= mask
    A /= keep_prob
    return A, mask


def forward_global_random(A, keep_prob, rng):
    mask = np.random.random(A.shape) < keep_prob
    return A * mask / keep_prob, mask


def forward_own_generator(A, keep_prob, rng):
    mask = np.random.default_rng(0).random(A.shape) < keep_prob  # ignores the rng it is given
    return A * mask / keep_prob, mask


def forward_one_mask_per_unit(A, keep_prob, rng):
    mask = rng.random(A.shape[1]) < keep_prob  # shared by every example
    return A * mask / keep_prob, mask


def forward_scaled_mask(A, keep_prob, rng):
    mask = (rng.random(A.shape) < keep_prob) / keep_prob  # the library's convention, not this exercise's
    return A * mask, mask


def forward_mask_of_dropped_units(A, keep_prob, rng):
    dropped = rng.random(A.shape) >= keep_prob
    return A * ~dropped / keep_prob, dropped


def forward_only_out(A, keep_prob, rng):
    return A * (rng.random(A.shape) < keep_prob) / keep_prob


# --- wrong answers: dropout_backward -------------------------------------------------------------------------


def backward_no_scaling(dA, mask, keep_prob):
    return dA * mask


def backward_scaled_by_p(dA, mask, keep_prob):
    return dA * mask * keep_prob


def backward_new_mask(dA, mask, keep_prob):
    new_mask = np.random.default_rng(1).random(dA.shape) < keep_prob  # not the units forward kept
    return dA * new_mask / keep_prob


def backward_new_mask_global(dA, mask, keep_prob):
    return dA * (np.random.random(dA.shape) < keep_prob) / keep_prob


def backward_in_place(dA, mask, keep_prob):
    dA *= mask
    dA /= keep_prob
    return dA


def backward_no_mask(dA, mask, keep_prob):
    return dA / keep_prob


def backward_mask_inverted(dA, mask, keep_prob):
    return dA * ~mask / keep_prob


WRONG = [
    ("09.dropout_forward", "no 1/p scaling", forward_no_scaling, "without the scaling"),
    ("09.dropout_forward", "scaled by p instead of 1/p", forward_scaled_by_p, "divide by keep_prob, do not multiply"),
    ("09.dropout_forward", "drop probability used as keep probability", forward_drop_probability_as_keep,
     "keep_prob is the probability of keeping a unit, not of dropping it"),
    ("09.dropout_forward", "changes A in place", forward_in_place, "changed its input A in place"),
    ("09.dropout_forward", "np.random global state", forward_global_random, "numpy's global random state"),
    ("09.dropout_forward", "a generator of its own, not rng", forward_own_generator,
     "different rng seeds gave the same mask"),
    ("09.dropout_forward", "one mask per unit for all examples", forward_one_mask_per_unit,
     "shared by all examples"),
    ("09.dropout_forward", "returns the mask already scaled", forward_scaled_mask, "the mask already scaled"),
    ("09.dropout_forward", "mask of the dropped units", forward_mask_of_dropped_units,
     "True where a unit is dropped"),
    ("09.dropout_forward", "returns out only", forward_only_out, "should return two arrays, (out, mask)"),
    ("09.dropout_backward", "no 1/p scaling", backward_no_scaling, "without the 1 / keep_prob"),
    ("09.dropout_backward", "scaled by p instead of 1/p", backward_scaled_by_p, "multiplied by keep_prob"),
    ("09.dropout_backward", "a new mask drawn in backward", backward_new_mask, "never a new one"),
    # numpy's global state is whatever earlier code left it: when the new mask happens to keep every unit of the
    # worked example, the answer is exactly dA / keep_prob, and the check rightly says the mask is not applied
    ("09.dropout_backward", "a new mask from np.random", backward_new_mask_global,
     ("never a new one", "the mask is not applied")),
    ("09.dropout_backward", "changes dA in place", backward_in_place, "changed its input dA in place"),
    ("09.dropout_backward", "mask not applied", backward_no_mask, "the mask is not applied"),
    ("09.dropout_backward", "mask the wrong way round", backward_mask_inverted, "the wrong way round"),
]


@pytest.mark.parametrize("exercise_id", sorted(CORRECT))
def test_worked_solution_passes(exercise_id):
    for seed in SEEDS:
        verdict = run_check(EXERCISES[exercise_id], CORRECT[exercise_id], seed=seed)
        assert verdict.status == "passed", f"seed {seed}: {verdict.message}"
        assert verdict.score == EXERCISES[exercise_id].points


def test_worked_solution_draws_the_mask_the_task_names():
    verdict = run_check(EXERCISES["09.dropout_forward"], CORRECT["09.dropout_forward"], seed=SEED)
    assert "the mask rng.random(A.shape) < keep_prob draws" in verdict.message


@pytest.mark.parametrize("exercise_id", sorted(ALTERNATIVES))
def test_another_correct_way_gets_full_marks(exercise_id):
    for seed in (0, 1, 2):
        verdict = run_check(EXERCISES[exercise_id], ALTERNATIVES[exercise_id], seed=seed)
        assert verdict.status == "passed", f"seed {seed}: {verdict.message}"
        assert verdict.score == EXERCISES[exercise_id].points


def test_a_float_mask_from_rng_uniform_is_the_same_draw():
    verdict = run_check(EXERCISES["09.dropout_forward"], forward_uniform_float_mask, seed=SEED)
    assert verdict.status == "passed", verdict.message
    assert "the mask rng.random(A.shape) < keep_prob draws" in verdict.message


def test_a_mask_drawn_otherwise_is_accepted_by_its_statistics():
    verdict = run_check(EXERCISES["09.dropout_forward"], forward_binomial, seed=SEED)
    assert "random in the right way" in verdict.message


@pytest.mark.parametrize("exercise_id, mistake, function, fragment", WRONG,
                         ids=[f"{e}-{m}" for e, m, _, _ in WRONG])
def test_wrong_answer_fails_naming_the_mistake(exercise_id, mistake, function, fragment):
    verdict = run_check(EXERCISES[exercise_id], function, seed=SEED)
    assert verdict.status == "failed", f"{mistake}: {verdict.status}: {verdict.message}"
    assert verdict.score == 0
    fragments = fragment if isinstance(fragment, tuple) else (fragment,)  # a tuple: any of these diagnoses
    assert any(part in verdict.message for part in fragments), f"{mistake}: {verdict.message}"


def test_each_new_exercise_has_at_least_three_wrong_answers():
    for exercise_id in CORRECT:
        assert sum(1 for e, *_ in WRONG if e == exercise_id) >= 3


def test_the_unfilled_stubs_are_not_attempted():
    def stub(*args):
        raise NotImplementedError()

    for exercise_id in CORRECT:
        assert run_check(EXERCISES[exercise_id], stub, seed=SEED).status == "not_attempted"


def test_the_reference_keeps_about_keep_prob_and_has_expectation_A():
    """The catalog's reference: E[out] = A (inverted dropout), measured on 200000 units."""
    reference = EXERCISES["09.dropout_backward"].reference
    from mlp.grader.catalog.lesson09 import dropout_forward

    A = np.full((1000, 200), 2.0)
    out, mask = dropout_forward(A, 0.8, np.random.default_rng(0))
    assert mask.dtype == bool and abs(mask.mean() - 0.8) < 0.005
    assert abs(out.mean() - 2.0) < 0.02
    assert np.array_equal(reference(np.ones_like(A), mask, 0.8), mask / 0.8)
