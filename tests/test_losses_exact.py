"""The losses from logits and their gradients agree with an arbitrary-precision reference (mpmath, 400
digits) to a few ulps, for logits up to 700 in size: confident right answers (where a naive formula
subtracts two numbers near z and keeps only noise), confident wrong ones, ties, zeros, random ones.
(For a soft label 0 < y < 1 the gradient sigma(z) - y is the difference of two numbers near each other
when sigma(z) is near y: it is exact to a few ulps of y, the best a float difference can be.)
"""

import mpmath
import numpy as np
import pytest

from mlp import losses

mpmath.mp.dps = 400
ULPS = 4  # numpy's exp and log are within about 1 ulp; the formulas add at most a couple more


def ulps(actual: float, exact) -> float:
    """|actual - exact| in units of the last place of exact (0 when equal; inf when exact is 0 and actual not)."""
    exact = float(exact)
    if actual == exact:
        return 0.0
    return abs(actual - exact) / np.spacing(abs(exact)) if exact != 0 else float("inf")


def exact_binary(z, y):
    """(loss, dL/dz) of one example: y softplus(-z) + (1 - y) softplus(z), and sigma(z) - y."""
    z, y = mpmath.mpf(z), mpmath.mpf(y)
    softplus = lambda t: mpmath.log1p(mpmath.exp(t))  # noqa: E731
    return (1 - y) * softplus(z) + y * softplus(-z), 1 / (1 + mpmath.exp(-z)) - y


def exact_softmax(z, y):
    z, y = [mpmath.mpf(v) for v in z], [mpmath.mpf(v) for v in y]
    log_sum = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in z))
    return mpmath.fsum(-yk * (zk - log_sum) for zk, yk in zip(z, y)), [mpmath.exp(zk - log_sum) - yk
                                                                       for zk, yk in zip(z, y)]


EXTREME_Z = [0.0, 1e-300, -1e-300, 1e-8, 0.5, 5.0, 20.0, 30.0, 36.7, 37.0, 100.0, 700.0, -5.0, -20.0, -30.0, -36.7,
             -100.0, -700.0]


def binary_cases(rng, count=300):
    cases = [(z, y) for z in EXTREME_Z for y in (0.0, 1.0, 0.5, 0.1)]
    for _ in range(count):
        z = float(rng.uniform(-700, 700) * rng.choice([1e-3, 0.05, 1.0]))
        cases.append((z, float(rng.choice([0.0, 1.0, rng.uniform()]))))
    return cases


def test_binary_cross_entropy_with_logits_is_exact_to_a_few_ulps():
    worst_loss = worst_gradient = 0.0
    for z, y in binary_cases(np.random.default_rng(0)):
        loss, gradient = losses.sigmoid_cross_entropy(np.array([[z]]), np.array([[y]]))
        exact_loss, exact_gradient = exact_binary(z, y)
        worst_loss = max(worst_loss, ulps(loss, exact_loss))
        if y in (0.0, 1.0):
            worst_gradient = max(worst_gradient, ulps(float(gradient[0, 0]), exact_gradient))
        assert ulps(loss, exact_loss) <= ULPS, (z, y, loss, float(exact_loss))
        if y in (0.0, 1.0):
            assert ulps(float(gradient[0, 0]), exact_gradient) <= ULPS, (z, y, float(gradient[0, 0]))
        else:  # sigma(z) - y for a soft label y: as exact as the difference of its two terms can be
            assert abs(float(gradient[0, 0]) - float(exact_gradient)) <= ULPS * np.spacing(max(y, 0.5)), (z, y)
    print(f"binary: worst {worst_loss:g} ulps (loss), {worst_gradient:g} ulps (gradient)")


def test_the_issue_examples_confident_right_answers():
    """z = 20, y = 1: 2.061153620e-09 (not 2.061153026e-09); z = 30 was off by 1.3e-2 before."""
    for z in (20.0, 30.0, 36.0):
        loss = losses.binary_cross_entropy_with_logits(np.array([[z]]), np.array([[1.0]]))
        assert ulps(loss, exact_binary(z, 1.0)[0]) <= ULPS
    assert f"{losses.binary_cross_entropy_with_logits(np.array([[20.0]]), np.array([[1.0]])):.9e}" == "2.061153620e-09"


def test_softmax_cross_entropy_is_exact_to_a_few_ulps():
    rng = np.random.default_rng(1)
    cases = [([30.0, 0.0], [1, 0]), ([700.0, -700.0, 0.0], [1, 0, 0]), ([700.0, -700.0, 0.0], [0, 1, 0]),
             ([0.0, 0.0], [1, 0]), ([5.0, 5.0, -1.0], [0, 1, 0]), ([1e-300, 0.0], [0, 1]), ([-700.0, 700.0], [1, 0])]
    for _ in range(300):
        classes = int(rng.integers(2, 7))
        z = rng.uniform(-700, 700, classes) * rng.choice([1e-3, 0.05, 1.0])
        cases.append((z.tolist(), np.eye(classes)[rng.integers(classes)].tolist()))
    worst_loss = worst_gradient = 0.0
    for z, y in cases:
        loss, gradient = losses.softmax_cross_entropy(np.array([z]), np.array([y], dtype=float))
        exact_loss, exact_gradient = exact_softmax(z, y)
        gradient_ulps = max(ulps(float(g), e) for g, e in zip(gradient[0], exact_gradient))
        worst_loss, worst_gradient = max(worst_loss, ulps(loss, exact_loss)), max(worst_gradient, gradient_ulps)
        assert ulps(loss, exact_loss) <= ULPS and gradient_ulps <= ULPS, (z, y)
    print(f"softmax: worst {worst_loss:g} ulps (loss), {worst_gradient:g} ulps (gradient)")


@pytest.mark.parametrize("m", [2, 17, 64])
def test_the_mean_over_a_batch_is_exact_to_a_few_ulps(m):
    rng = np.random.default_rng(m)
    Z = rng.uniform(-40, 40, (m, 1))
    Y = rng.integers(0, 2, (m, 1)).astype(float)
    loss, gradient = losses.sigmoid_cross_entropy(Z, Y)
    exact = [exact_binary(z, y) for z, y in zip(Z[:, 0], Y[:, 0])]
    assert ulps(loss, mpmath.fsum(e[0] for e in exact) / m) <= ULPS
    assert max(ulps(float(g), e[1] / m) for g, e in zip(gradient[:, 0], exact)) <= ULPS
    Zc = rng.uniform(-300, 300, (m, 4))
    Yc = np.eye(4)[rng.integers(0, 4, m)]
    loss, gradient = losses.softmax_cross_entropy(Zc, Yc)
    exact = [exact_softmax(z, y) for z, y in zip(Zc.tolist(), Yc.tolist())]
    assert ulps(loss, mpmath.fsum(e[0] for e in exact) / m) <= ULPS
    assert max(ulps(float(g), e / m) for row, ex in zip(gradient, exact) for g, e in zip(row, ex[1])) <= ULPS


def test_the_losses_from_probabilities_and_mean_squared_error_are_exact_to_a_few_ulps():
    """Within the clipping range [1e-15, 1 - 1e-15], the formulas from probabilities are exact too."""
    rng = np.random.default_rng(5)
    probabilities = [1e-15, 1e-9, 0.001, 0.3, 0.5, 0.7, 0.999, 1 - 1e-9] + list(rng.uniform(0, 1, 60))
    for p in probabilities:
        for y in (0.0, 1.0):
            P, Y = np.array([[p]]), np.array([[y]])
            exact_loss = -(mpmath.log(p) if y else mpmath.log1p(-mpmath.mpf(p)))
            exact_gradient = (mpmath.mpf(p) - y) / (mpmath.mpf(p) * (1 - mpmath.mpf(p)))
            assert ulps(losses.binary_cross_entropy(P, Y), exact_loss) <= ULPS, (p, y)
            assert ulps(float(losses.binary_cross_entropy_gradient(P, Y)[0, 0]), exact_gradient) <= ULPS, (p, y)
    P = rng.dirichlet(np.ones(4), size=20)
    Y = np.eye(4)[rng.integers(0, 4, 20)]
    exact = mpmath.fsum(-mpmath.log(mpmath.mpf(p)) for p in P[Y == 1]) / 20
    assert ulps(losses.categorical_cross_entropy(P, Y), exact) <= ULPS
    gradient = losses.categorical_cross_entropy_gradient(P, Y)
    assert max(ulps(float(g), -mpmath.mpf(1) / mpmath.mpf(p) / 20) for g, p in zip(gradient[Y == 1], P[Y == 1])) <= ULPS
    A, T = rng.standard_normal((7, 3)) * 1e3, rng.standard_normal((7, 3))
    exact = mpmath.fsum((mpmath.mpf(a) - mpmath.mpf(t)) ** 2 for a, t in zip(A.ravel(), T.ravel())) / A.size
    assert ulps(losses.mean_squared_error(A, T), exact) <= ULPS
