"""The optimisers' test losses and the paths on them (mlp.loss_surfaces): gradients against central differences,
minima where the gradient vanishes, the paths against closed forms and updates written out by hand."""

import doctest
import warnings

import numpy as np
import pytest

import mlp
import mlp.loss_surfaces
from mlp.loss_surfaces import CURVES, RACE_OPTIMIZERS, RACE_SURFACES, SURFACES, descent_path, optimizer_path

FUNCTIONS = {**CURVES, **SURFACES, **RACE_SURFACES}


def numerical_gradient(function, theta, h=1e-6):
    """Central differences of the loss: (L(θ + h e_i) − L(θ − h e_i)) / 2h."""
    theta = np.asarray(theta, dtype=float)
    return np.array([(function.value(theta + h * e) - function.value(theta - h * e)) / (2 * h)
                     for e in np.eye(len(theta))])


def numerical_hessian(function, theta, h=1e-5):
    """Central differences of the gradient, symmetrised."""
    theta = np.asarray(theta, dtype=float)
    columns = [(function.gradient(theta + h * e) - function.gradient(theta - h * e)) / (2 * h)
               for e in np.eye(len(theta))]
    hessian = np.array(columns).reshape(len(theta), len(theta))
    return (hessian + hessian.T) / 2


def by_hand(name, gradient, theta0, alpha, steps):
    """Each optimiser's update written out with numpy, from the lesson's equations (beta = 0.9 for momentum,
    RMSProp rho = 0.9, Adam beta1 = 0.9, beta2 = 0.999, eps = 1e-8)."""
    theta = np.array(theta0, dtype=float)
    v, s, m, t = np.zeros(2), np.zeros(2), np.zeros(2), 0
    thetas = [theta.copy()]
    for _ in range(steps):
        g = gradient(theta)
        if name == "GD":
            theta = theta - alpha * g
        elif name == "momentum":
            v = 0.9 * v - alpha * g
            theta = theta + v
        elif name == "Nesterov":
            v = 0.9 * v - alpha * g
            theta = theta + 0.9 * v - alpha * g
        elif name == "RMSProp":
            s = 0.9 * s + 0.1 * g**2
            theta = theta - alpha * g / (np.sqrt(s) + 1e-8)
        elif name == "Adam":
            t += 1
            m = 0.9 * m + 0.1 * g
            s = 0.999 * s + 0.001 * g**2
            theta = theta - alpha * (m / (1 - 0.9**t)) / (np.sqrt(s / (1 - 0.999**t)) + 1e-8)
        thetas.append(theta.copy())
    return np.array(thetas)


def momentum_by_hand(gradient, theta0, alpha, beta, steps):
    """v := beta v - alpha grad; theta := theta + v, written out."""
    theta, v = np.array(theta0, dtype=float), np.zeros(len(theta0))
    thetas = [theta.copy()]
    for _ in range(steps):
        v = beta * v - alpha * gradient(theta)
        theta = theta + v
        thetas.append(theta.copy())
    return np.array(thetas)


# --- the losses --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_the_gradient_is_the_losss_slope(name):
    function = FUNCTIONS[name]
    window = np.reshape(function.window, (-1, 2))  # (low, high) per parameter
    points = np.random.default_rng(0).uniform(window[:, 0], window[:, 1], size=(8, len(window)))
    for theta in [*points, function.start, *function.minima]:
        expected = numerical_gradient(function, theta)
        np.testing.assert_allclose(function.gradient(np.array(theta, dtype=float)), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_the_minima_are_minima_and_the_first_is_the_lowest(name):
    function = FUNCTIONS[name]
    for minimum in function.minima:
        np.testing.assert_allclose(function.gradient(np.array(minimum, dtype=float)), 0.0, atol=1e-12)
        assert np.all(np.linalg.eigvalsh(numerical_hessian(function, minimum)) > 1e-3)  # curving up every way
    assert function.lowest_loss == min(function.value(minimum) for minimum in function.minima)
    assert function.lowest_loss == pytest.approx(0.0 if name != "two valleys" else function.value(function.minima[0]))
    grid = np.stack(np.meshgrid(*[np.linspace(low, high, 201) for low, high in np.reshape(function.window, (-1, 2))]))
    assert function.loss(grid).min() >= function.lowest_loss - 1e-12  # nothing in the window lies lower


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_the_largest_curvature_is_the_hessians_largest_eigenvalue_at_the_minimum(name):
    function = FUNCTIONS[name]
    largest = np.linalg.eigvalsh(numerical_hessian(function, function.minima[0])).max()
    assert function.largest_curvature == pytest.approx(largest, rel=1e-6)
    if function.quadratic:  # the same curvature everywhere
        for theta in np.random.default_rng(1).uniform(-4, 4, size=(5, len(function.start))):
            assert np.linalg.eigvalsh(numerical_hessian(function, theta)).max() == pytest.approx(largest, rel=1e-6)


def test_the_two_valleys_have_a_local_and_a_global_minimum():
    curve = CURVES["two valleys"]
    for minimum in curve.minima:  # the roots of θ³ − 4θ + 1 = 0 where L'' > 0
        assert minimum[0] ** 3 - 4 * minimum[0] + 1 == pytest.approx(0, abs=1e-12)
    assert curve.value(curve.minima[0]) < curve.value(curve.minima[1])
    stuck = descent_path(curve, 0.05, 0.0, steps=200)
    assert stuck.thetas[-1, 0] == pytest.approx(curve.minima[1][0], abs=1e-4) and stuck.settled_in == 1
    rolled_over = descent_path(curve, 0.05, 0.9, steps=200)  # momentum carries it over the hump
    assert rolled_over.thetas[-1, 0] == pytest.approx(curve.minima[0][0], abs=1e-3) and rolled_over.settled_in == 0
    assert descent_path(curve, 0.05, 0.0, steps=3).settled_in is None  # still on its way


def test_the_saddle_is_a_saddle():
    saddle = RACE_SURFACES["saddle"]
    assert saddle.value((0, 0)) == pytest.approx(0.25) and saddle.lowest_loss == pytest.approx(0.0)
    np.testing.assert_allclose(saddle.gradient(np.zeros(2)), 0.0)
    assert saddle.value((0.1, 0)) > 0.25 > saddle.value((0, 0.1))  # up along theta_1, down along theta_2
    np.testing.assert_allclose(np.linalg.eigvalsh(numerical_hessian(saddle, (0, 0))), [-1.0, 1.0], atol=1e-6)


def test_the_race_surfaces_are_the_explorers_under_the_lessons_names():
    assert RACE_SURFACES["ravine"].formula == SURFACES["elongated bowl"].formula == "L = 0.1 θ₁² + θ₂²"
    assert RACE_SURFACES["Rosenbrock"].loss is SURFACES["valley (Rosenbrock)"].loss
    assert [f.name for f in RACE_SURFACES.values()] == list(RACE_SURFACES)


# --- the paths ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.1, 0.3, 0.5, 0.75, 0.9, 0.99, 1.0])
@pytest.mark.parametrize("theta0", [-1.0, 6.5])
def test_gradient_descent_on_the_quadratic_is_its_closed_form(alpha, theta0):
    """On (θ − 3)², θ := θ − 2α (θ − 3), so θ_k = 3 + (1 − 2α)^k (θ₀ − 3)."""
    path = descent_path(CURVES["quadratic"], alpha, steps=60, start=(theta0,))
    k = np.arange(61)
    np.testing.assert_allclose(path.thetas[:, 0], 3 + (1 - 2 * alpha) ** k * (theta0 - 3), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(path.losses, ((1 - 2 * alpha) ** k * (theta0 - 3)) ** 2, rtol=1e-10, atol=1e-15)
    assert path.diverged_at is None and path.steps == 60
    short = descent_path(CURVES["quadratic"], alpha, steps=30, start=(theta0,))  # (before θ rounds to 3 exactly)
    assert short.overshoots == (30 if alpha > 0.5 else 0)  # 1 − 2α < 0: each step lands on the other side


def test_past_the_stable_rate_the_closed_form_runs_away_and_the_path_stops():
    """α = 1.1: |1 − 2α| = 1.2, the loss 16 · 1.44^k passes a million times its start (16) at k = 38."""
    path = descent_path(CURVES["quadratic"], 1.1, steps=200)
    k = np.arange(39)
    assert path.diverged_at == 38 == int(np.argmax(16 * 1.44**k > 16e6))
    np.testing.assert_allclose(path.thetas[:, 0], 3 + (-1.2) ** k * -4, rtol=1e-12)


@pytest.mark.parametrize("name", list(CURVES) + list(SURFACES))
@pytest.mark.parametrize("alpha, beta", [(0.1, 0.0), (0.05, 0.9), (0.5, 0.5)])
def test_the_path_is_gradient_descent_with_momentum(name, alpha, beta):
    function = FUNCTIONS[name]
    path = descent_path(function, alpha, beta, steps=30)
    expected = momentum_by_hand(function.gradient, function.start, alpha, beta, 30)
    np.testing.assert_allclose(path.thetas, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(path.losses, [function.value(theta) for theta in expected], rtol=1e-12)
    np.testing.assert_allclose(path.above_lowest, path.losses - function.lowest_loss)
    assert path.diverged_at is None


@pytest.mark.parametrize("surface", list(RACE_SURFACES))
@pytest.mark.parametrize("name", list(RACE_OPTIMIZERS))
def test_each_path_takes_the_optimisers_own_steps(surface, name):
    function = RACE_SURFACES[surface]
    path = optimizer_path(function, RACE_OPTIMIZERS[name](0.05), steps=8)
    expected = by_hand(name, function.gradient, function.start, 0.05, 8)
    np.testing.assert_allclose(path.thetas, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(path.losses, [function.value(theta) for theta in expected], rtol=1e-12)


def test_the_first_steps_by_hand_on_the_ravine():
    """L = 0.1 x^2 + y^2 from (-4.5, 2): g = (-0.9, 4). GD with alpha = 0.1 goes to (-4.41, 1.6); Adam's first
    step is alpha times the gradient's sign (bias-corrected m / sqrt(v) = g / |g|): (-4.4, 1.9)."""
    function = RACE_SURFACES["ravine"]
    gd = optimizer_path(function, RACE_OPTIMIZERS["GD"](0.1), steps=1)
    adam = optimizer_path(function, RACE_OPTIMIZERS["Adam"](0.1), steps=1)
    momentum = optimizer_path(function, RACE_OPTIMIZERS["momentum"](0.1), steps=2)
    np.testing.assert_allclose(gd.thetas[1], [-4.41, 1.6], rtol=1e-12)
    np.testing.assert_allclose(adam.thetas[1], [-4.4, 1.9], rtol=1e-9)
    # second momentum step: v = 0.9 (-0.1 g0) - 0.1 g1 with g1 at (-4.41, 1.6) = (-0.882, 3.2)
    np.testing.assert_allclose(momentum.thetas[2], [-4.41 + 0.9 * 0.09 + 0.0882, 1.6 - 0.9 * 0.4 - 0.32], rtol=1e-12)


def test_the_race_uses_mlps_optimisers():
    nesterov = RACE_OPTIMIZERS["Nesterov"](0.1)
    assert isinstance(nesterov, mlp.GradientDescent) and nesterov.nesterov and nesterov.momentum == 0.9
    assert type(RACE_OPTIMIZERS["Adam"](0.1)) is mlp.Adam and type(RACE_OPTIMIZERS["RMSProp"](0.1)) is mlp.RMSProp
    assert RACE_OPTIMIZERS["GD"](0.3).learning_rate == 0.3 and RACE_OPTIMIZERS["GD"](0.3).momentum == 0.0


def test_small_steps_converge_on_the_quadratics():
    for function in (CURVES["quadratic"], SURFACES["round bowl"], SURFACES["elongated bowl"]):
        path = descent_path(function, 0.3, 0.0, steps=200)
        assert path.above_lowest[-1] < 1e-8
        assert np.all(np.diff(path.losses) <= 0)  # below 1 / curvature: the loss never goes up


def test_half_the_inverse_curvature_jumps_to_the_minimum_in_one_step():
    path = descent_path(CURVES["quadratic"], 0.5, 0.0, steps=3)
    assert path.thetas[1, 0] == 3.0 and path.first_step_within(1e-12) == 1


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_the_stable_learning_rate_is_2_1_plus_beta_over_the_largest_curvature(beta):
    for function in (CURVES["quadratic"], SURFACES["elongated bowl"], SURFACES["round bowl"]):
        limit = function.stable_learning_rate(beta)
        assert limit == pytest.approx(2 * (1 + beta) / 2.0)
        assert descent_path(function, 0.98 * limit, beta, steps=3000).diverged_at is None
        assert descent_path(function, 1.02 * limit, beta, steps=3000).diverged_at is not None


def test_divergence_stops_the_path_without_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for function in [*CURVES.values(), *SURFACES.values()]:
            for alpha, beta in ((3.16, 0.0), (3.16, 0.99), (2.5, 0.5)):
                path = descent_path(function, alpha, beta, steps=200)
                assert path.diverged_at is not None, (function.name, alpha, beta)
                assert path.steps == path.diverged_at and path.settled_in is None
                assert np.all(np.isfinite(path.thetas))
                assert path.overshoots >= 0
    assert not caught, [str(w.message) for w in caught]


def test_overshoots_count_the_steps_that_cross_the_valley_floor():
    """On the ravine 0.1 θ₁² + θ₂² with α = 0.9 each coordinate shrinks by its own factor, 1 − 0.2α = 0.82 and
    1 − 2α = −0.8: the gradients (0.2 θ₁, 2 θ₂) of two steps in a row point against each other while the flipping
    θ₂ term outweighs the θ₁ term (up to step 60), then the path creeps along the floor without crossing it."""
    path = descent_path(SURFACES["elongated bowl"], 0.9, steps=100)
    k = np.arange(101)
    theta1, theta2 = -4.5 * 0.82**k, 2.0 * (-0.8) ** k
    np.testing.assert_allclose(path.thetas, np.column_stack([theta1, theta2]), rtol=1e-10)
    dots = 0.04 * theta1[1:] * theta1[:-1] + 4 * theta2[1:] * theta2[:-1]
    assert path.overshoots == np.sum(dots < 0) == 60


def test_the_first_step_within_a_tolerance():
    path = descent_path(CURVES["quadratic"], 0.1, steps=100)  # loss 16 · 0.64^k
    k = np.arange(101)
    assert path.first_step_within(1e-3) == int(np.argmax(16 * 0.64**k < 1e-3)) == 22
    assert path.first_step_within(100.0) == 0
    assert descent_path(CURVES["quadratic"], 0.01, steps=5).first_step_within(1e-3) is None  # 16 · 0.98^5 is far


def test_bad_input_is_refused():
    bowl = SURFACES["round bowl"]
    with pytest.raises(ValueError, match="steps must be a zero or positive integer; got -1"):
        descent_path(bowl, 0.1, steps=-1)
    with pytest.raises(TypeError, match="steps must be a positive integer; got 2.5"):
        descent_path(bowl, 0.1, steps=2.5)
    expected = r"start must hold 2 value\(s\), one per parameter of 'round bowl'; got \(1\.0,\)"
    with pytest.raises(ValueError, match=expected):
        descent_path(bowl, 0.1, start=(1.0,))
    with pytest.raises(ValueError, match="learning_rate"):
        descent_path(bowl, -0.1)


def test_the_module_docstrings_example_runs():
    assert doctest.testmod(mlp.loss_surfaces).failed == 0


def test_a_path_in_words_says_where_it_is_and_how_it_behaves():
    assert str(descent_path(CURVES["quadratic"], 0.1, steps=0)) == "θ = -1, L − lowest = 16 (the start)"
    assert str(descent_path(CURVES["quadratic"], 0.9, steps=10)).endswith("; overshot 10 times")
    assert str(descent_path(SURFACES["round bowl"], 0.1, steps=1)) == "θ = (-3.2, 2.4), L − lowest = 16"
    wells = CURVES["two valleys"]
    assert str(descent_path(wells, 0.05, steps=200)).endswith("; stuck in a local minimum")
    assert str(descent_path(wells, 0.3, 0.9, steps=200)).endswith("; at the global minimum")
    path = descent_path(CURVES["quadratic"], 1.5, steps=200)
    assert str(path) == f"diverged at step {path.diverged_at} (the loss passed a million times its start)"


def test_stability_in_words_compares_alpha_with_the_stable_limit():
    quadratic, wells = CURVES["quadratic"], CURVES["two valleys"]
    assert quadratic.stability(0.1) == "stable: α < 1" and quadratic.stability(1.0) == "unstable: α ≥ 1"
    assert quadratic.stability(1.5, momentum=0.9) == "stable: α < 1.9"
    limit = wells.stable_learning_rate()
    assert wells.stability(limit * 1.01) == f"unstable near min: α ≥ {limit:.3g}"  # the curvature varies elsewhere
