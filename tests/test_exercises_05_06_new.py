"""The new exercises of lessons 5 and 6: 05.kl_divergence, 06.backward_loop, 06.softmax_backward.

For each: the references are right (against definitions computed another way), the worked solutions in
solutions/ pass, typical wrong answers fail with a message that names the mistake (a fragment of the message
is asserted), and correct solutions written differently pass with several seeds.

WRONG and ALTERNATIVES have the format of tests/test_wrong_answers_*.py and tests/test_alternative_solutions.py.
"""

from pathlib import Path

import nbformat
import numpy as np
import pytest

import mlp
from mlp.grader import EXERCISES, run_check
from mlp.grader.catalog import lesson05, lesson06

ROOT = Path(__file__).resolve().parents[1]
NEW = ["05.kl_divergence", "06.backward_loop", "06.softmax_backward"]
SEEDS = [0, 1, 2, 12345]
SEED = 3
NOT_RIGHT = "is not right"
SHAPES = "the columns of A must equal the rows of B"


def _solution(name):
    from banks import solution_namespace

    return solution_namespace(name)


# --- the references are right -------------------------------------------------------------------------


def test_kl_reference_is_cross_entropy_minus_entropy_and_not_negative():
    rng = np.random.default_rng(0)
    P, Q = rng.dirichlet(np.ones(5), size=50), rng.dirichlet(np.ones(5), size=50)
    P[:10] = np.eye(5)[rng.integers(0, 5, 10)]  # one-hot rows: 0 ln 0 counts as 0
    with np.errstate(all="raise"):
        kl = lesson05.kl_divergence(P, Q)
    cross_entropy = -np.sum(P * np.log(Q)) / 50
    entropy = -np.sum(P[P > 0] * np.log(P[P > 0])) / 50
    assert np.isclose(kl, cross_entropy - entropy)
    for i in range(50):
        assert lesson05.kl_divergence(P[i:i + 1], Q[i:i + 1]) >= 0
    assert lesson05.kl_divergence(Q, Q) == pytest.approx(0, abs=1e-15)
    assert not np.isclose(lesson05.kl_divergence(Q[10:], P[10:]), lesson05.kl_divergence(P[10:], Q[10:]))


def test_backward_loop_reference_equals_mlp_gradients():
    X, y = mlp.data.make_blobs(40, centers=3, seed=0)
    for sizes in ([2, 3], [2, 5, 3], [2, 6, 4, 3], [2, 4, 4, 5, 3]):
        model = mlp.MLP(sizes, hidden_activation="relu", output_activation="softmax", seed=1)
        caches, A = [], X
        for l in range(1, len(sizes)):
            Z = A @ model.params[f"W{l}"] + model.params[f"b{l}"]
            caches.append((A, model.params[f"W{l}"], Z))
            A = np.maximum(0, Z)
        dZ = (mlp.activations.softmax(caches[-1][2]) - mlp.one_hot(y, 3)) / len(y)
        ours = lesson06.backward_loop(dZ, caches)
        _, theirs = model.loss_and_gradients(X, y)
        assert sorted(ours) == sorted(theirs)
        for name in theirs:
            assert np.allclose(ours[name], theirs[name]), (sizes, name)


def test_softmax_backward_reference_equals_numerical_gradient_and_the_jacobian():
    rng = np.random.default_rng(0)
    Z, dS = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    S = mlp.activations.softmax(Z)
    numeric = mlp.numerical_gradient(lambda: np.sum(dS * mlp.activations.softmax(Z)), Z)
    reference = lesson06.softmax_backward(S, dS)
    assert mlp.gradcheck.relative_error(reference, numeric) < 1e-8
    for i in range(5):
        J = np.diag(S[i]) - np.outer(S[i], S[i])
        assert np.allclose(reference[i], J.T @ dS[i])


def test_the_random_inputs_are_what_the_exercises_say():
    rng = np.random.default_rng(0)
    for trial in range(8):
        P, Q = lesson05.kl_inputs(rng, trial)
        assert np.allclose(P.sum(axis=1), 1) and np.allclose(Q.sum(axis=1), 1) and (Q > 0).all() and (P >= 0).all()
        dZ, caches = lesson06.loop_inputs(rng, trial)
        assert len(caches) == 1 + trial % 4 and dZ.shape == caches[-1][2].shape
        for (A, W, Z), below in zip(caches[1:], caches[:-1]):
            assert np.array_equal(A, np.maximum(0, below[2])) and A.shape[1] == W.shape[0]
        S, dS = lesson06.softmax_backward_inputs(rng, trial)
        assert S.shape == dS.shape and S.shape[1] >= 2 and np.allclose(S.sum(axis=1), 1)
    assert any((lesson05.kl_inputs(np.random.default_rng(s), 1)[0] == 0).any() for s in range(3))


# --- the worked solutions pass --------------------------------------------------------------------------


S05, S06 = _solution("05_loss_functions"), _solution("06_backpropagation")
SOLUTIONS = {"05.kl_divergence": S05["kl_divergence"], "06.backward_loop": S06["backward_loop"],
             "06.softmax_backward": S06["softmax_backward"]}


@pytest.mark.parametrize("exercise_id", NEW)
def test_the_worked_solution_gets_full_marks(exercise_id):
    for seed in SEEDS:
        verdict = run_check(EXERCISES[exercise_id], SOLUTIONS[exercise_id], seed=seed)
        assert verdict.status == "passed", f"seed {seed}: {verdict.message}"
        assert verdict.score == EXERCISES[exercise_id].points


# --- wrong answers --------------------------------------------------------------------------------------


def _log_p(P):
    return np.log(np.where(P > 0, P, 1.0))


def kl_log_of_zero(P, Q):
    return float(np.sum(P * np.log(P / Q)) / P.shape[0])  # 0 * log(0): divide by zero, then NaN


def kl_swapped(P, Q):
    P = np.clip(P, 1e-15, 1.0)
    return float(np.sum(Q * np.log(Q / P)) / P.shape[0])  # KL(Q || P)


def kl_swapped_unclipped(P, Q):
    return float(np.sum(Q * np.log(Q / P)) / P.shape[0])


def kl_log2(P, Q):
    return float(np.sum(P * (_log_p(P) - np.log(Q))) / P.shape[0] / np.log(2))  # = log2: bits


def kl_summed_not_averaged(P, Q):
    return float(np.sum(P * (_log_p(P) - np.log(Q))))


def kl_mean_over_every_entry(P, Q):
    return float(np.mean(P * (_log_p(P) - np.log(Q))))


def kl_per_row(P, Q):
    return np.sum(P * (_log_p(P) - np.log(Q)), axis=1)


def kl_cross_entropy(P, Q):
    return float(-np.sum(P * np.log(Q)) / P.shape[0])  # forgot to subtract H(P)


def kl_wrong_axis(P, Q):
    return float(np.mean(np.sum(P * (_log_p(P) - np.log(Q)), axis=0)))  # sum over the examples, mean over classes


def _loop(dZ, caches, *, relu_prime=True, transpose=True, own_z=False, first_path_only=False, keepdims=False,
          start=1, pass_down=True):
    grads = {}
    for l in range(len(caches), 0, -1):
        A_prev, W, Z = caches[l - 1]
        grads[f"dW{l - 1 + start}"] = A_prev.T @ dZ
        grads[f"db{l - 1 + start}"] = dZ.sum(axis=0, keepdims=keepdims)
        if l > 1 and pass_down:
            if first_path_only:
                dA_prev = np.outer(dZ[:, 0], W[:, 0])
            else:
                dA_prev = dZ @ W.T if transpose else dZ @ W
            Z_used = Z if own_z else caches[l - 2][2]
            dZ = dA_prev * (Z_used > 0) if relu_prime else dA_prev
    return grads


def loop_without_relu_derivative(dZ, caches):
    return _loop(dZ, caches, relu_prime=False)


def loop_without_transpose(dZ, caches):
    return _loop(dZ, caches, transpose=False)


def loop_relu_at_own_z(dZ, caches):  # off by one layer: relu' of Z_l instead of Z_{l-1}
    return _loop(dZ, caches, own_z=True)


def loop_keys_from_zero(dZ, caches):  # off by one in the names: dW0, db0, ...
    return _loop(dZ, caches, start=0)


def loop_first_path_only(dZ, caches):  # forgot the sum over the paths: only output unit 0
    return _loop(dZ, caches, first_path_only=True)


def loop_db_keepdims(dZ, caches):
    return _loop(dZ, caches, keepdims=True)


def loop_same_dZ_for_every_layer(dZ, caches):
    return _loop(dZ, caches, pass_down=False)


def softmax_backward_diagonal_only(S, dS):  # diag(s) only: forgot the -s s^T term
    return S * dS


def softmax_backward_like_sigmoid(S, dS):
    return dS * S * (1 - S)


def softmax_backward_wrong_axis(S, dS):
    return S * (dS - (dS * S).sum(axis=0, keepdims=True))


def softmax_backward_without_keepdims(S, dS):
    return S * (dS - (dS * S).sum(axis=1))


def softmax_backward_forgot_s(S, dS):
    return dS - (dS * S).sum(axis=1, keepdims=True)


def softmax_backward_jacobian_not_transposed_outer(S, dS):  # s s^T with the row sum of dS, not ds . s
    return S * (dS - dS.sum(axis=1, keepdims=True) * S)


WRONG = [
    ("05.kl_divergence", "log of 0 where P = 0", kl_log_of_zero, "divide by zero encountered in log"),
    ("05.kl_divergence", "arguments swapped", kl_swapped, "the arguments are swapped"),
    ("05.kl_divergence", "arguments swapped, no clip", kl_swapped_unclipped, "divide by zero"),
    ("05.kl_divergence", "log2 (bits)", kl_log2, "np.log2"),
    ("05.kl_divergence", "sum, no mean", kl_summed_not_averaged, "times too large"),
    ("05.kl_divergence", "mean over every entry", kl_mean_over_every_entry, "times too small"),
    ("05.kl_divergence", "one KL per row", kl_per_row, "should be a number"),
    ("05.kl_divergence", "cross-entropy, not KL", kl_cross_entropy, "the cross-entropy H(P, Q)"),
    ("05.kl_divergence", "sum over the wrong axis", kl_wrong_axis, NOT_RIGHT),  # GENERIC
    ("06.backward_loop", "no relu'", loop_without_relu_derivative, "must pass through relu'"),
    ("06.backward_loop", "W not transposed", loop_without_transpose, SHAPES),
    ("06.backward_loop", "relu' at the layer's own Z", loop_relu_at_own_z, "could not be broadcast"),
    ("06.backward_loop", "keys numbered from 0", loop_keys_from_zero, "missing the key(s)"),
    ("06.backward_loop", "one path only", loop_first_path_only, NOT_RIGHT),  # GENERIC
    ("06.backward_loop", "db keepdims", loop_db_keepdims, "shape"),
    ("06.backward_loop", "dZ never passed down", loop_same_dZ_for_every_layer, "has the wrong shape"),
    ("06.softmax_backward", "diag(s) only", softmax_backward_diagonal_only, "diagonal of the Jacobian only"),
    ("06.softmax_backward", "s(1 - s) as for a sigmoid", softmax_backward_like_sigmoid, "s(1 - s) entry by entry"),
    ("06.softmax_backward", "sum over the examples", softmax_backward_wrong_axis, "runs over the examples"),
    ("06.softmax_backward", "no keepdims", softmax_backward_without_keepdims, "could not be broadcast"),
    ("06.softmax_backward", "forgot the factor s", softmax_backward_forgot_s, NOT_RIGHT),  # GENERIC
    ("06.softmax_backward", "row sum of dS times s", softmax_backward_jacobian_not_transposed_outer, NOT_RIGHT),
]


@pytest.mark.parametrize("exercise_id, mistake, function, fragment", WRONG, ids=[f"{e}-{m}" for e, m, _, _ in WRONG])
def test_wrong_answer_fails_naming_the_mistake(exercise_id, mistake, function, fragment):
    verdict = run_check(EXERCISES[exercise_id], function, seed=SEED)
    assert verdict.status == "failed", f"{mistake}: {verdict.status}: {verdict.message}"
    assert verdict.score == 0
    assert fragment in verdict.message, f"{mistake}: {verdict.message}"


def test_each_new_exercise_has_at_least_three_wrong_answers():
    for exercise_id in NEW:
        assert exercise_id in EXERCISES
        assert sum(1 for e, *_ in WRONG if e == exercise_id) >= 3, exercise_id
    assert sorted({e for e, *_ in WRONG}) == sorted(NEW)


# --- correct solutions written differently -----------------------------------------------------------


def kl_divergence_clipped(P, Q):
    """Clipping P at 1e-15 changes each 0-term by at most 1e-15 * 35: well inside the tolerance."""
    P = np.clip(P, 1e-15, 1.0)
    return float(np.mean(np.sum(P * np.log(P / Q), axis=1)))


def kl_divergence_masked_loop(P, Q):
    total = 0.0
    for p_row, q_row in zip(P, Q):
        keep = p_row > 0
        total += np.dot(p_row[keep], np.log(p_row[keep]) - np.log(q_row[keep]))
    return total / len(P)


def backward_loop_recursive(dZ, caches):
    """Recursion from the top, with relu' read off the cached input: A_prev > 0 exactly where Z_{l-1} > 0."""
    *below, (A_prev, W, _) = caches
    l = len(caches)
    grads = {f"dW{l}": np.einsum("ij,ik->jk", A_prev, dZ), f"db{l}": np.einsum("ik->k", dZ)}
    if below:
        grads.update(backward_loop_recursive(np.einsum("ik,jk->ij", dZ, W) * (A_prev > 0), below))
    return grads


def softmax_backward_jacobian_einsum(S, dS):
    """The explicit Jacobian of every row, (m, C, C), then J^T ds with einsum."""
    C = S.shape[1]
    J = np.einsum("ik,kj->ikj", S, np.eye(C)) - np.einsum("ik,ij->ikj", S, S)  # J[i, k, j] = ds_k / dz_j
    return np.einsum("ikj,ik->ij", J, dS)


ALTERNATIVES = {  # one per exercise, as in tests/test_alternative_solutions.py
    "05.kl_divergence": kl_divergence_clipped,
    "06.backward_loop": backward_loop_recursive,
    "06.softmax_backward": softmax_backward_jacobian_einsum,
}
MORE_ALTERNATIVES = [("05.kl_divergence", kl_divergence_masked_loop)]
EVERY_ALTERNATIVE = sorted(ALTERNATIVES.items()) + MORE_ALTERNATIVES


@pytest.mark.parametrize("exercise_id, function", EVERY_ALTERNATIVE, ids=[f.__name__ for _, f in EVERY_ALTERNATIVE])
def test_another_correct_way_gets_full_marks(exercise_id, function):
    for seed in (0, 1, 2):
        verdict = run_check(EXERCISES[exercise_id], function, seed=seed)
        assert verdict.status == "passed", f"seed {seed}: {verdict.message}"


def test_every_new_exercise_has_another_correct_way():
    assert sorted(ALTERNATIVES) == sorted(NEW)


def test_the_new_exercises_are_in_the_solution_notebooks_in_order():
    for lesson, ids in (("05_loss_functions", ["05.kl_divergence"]),
                        ("06_backpropagation", ["06.backward_loop", "06.softmax_backward"])):
        notebook = nbformat.read(ROOT / "solutions" / f"{lesson}.ipynb", as_version=4)
        headings = [cell.source.splitlines()[0] for cell in notebook.cells if cell.cell_type == "markdown"]
        for exercise_id in ids:
            points = EXERCISES[exercise_id].points
            assert f"## {exercise_id} ({points:g} point{'s' if points != 1 else ''})" in headings
