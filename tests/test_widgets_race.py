"""The optimiser race, driven in plain pytest (ipywidgets' dummy comm fires observers at once): its paths are
the optimisers' real updates, its controls change the picture and the readout, and the panel keeps its size."""

import io
import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

import mlp
from mlp.widgets import OptimizerRace
from mlp.widgets.race import OPTIMIZERS, SURFACES, race_path


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


def png_size(race):
    return Image.open(io.BytesIO(race.image.value)).size


@pytest.fixture(scope="module")
def race():
    return OptimizerRace(steps=20)


# --- the paths are the real updates -------------------------------------------------------------------


@pytest.mark.parametrize("surface", list(SURFACES))
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_each_path_takes_the_optimisers_own_steps(surface, name):
    function = SURFACES[surface]
    path = race_path(function, OPTIMIZERS[name][0](0.05), steps=8)
    expected = by_hand(name, function.gradient, function.start, 0.05, 8)
    np.testing.assert_allclose(path.thetas, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(path.losses, [function.value(theta) for theta in expected], rtol=1e-12)


def test_the_first_steps_by_hand_on_the_ravine():
    """L = 0.1 x^2 + y^2 from (-4.5, 2): g = (-0.9, 4). GD with alpha = 0.1 goes to (-4.41, 1.6); Adam's first
    step is alpha times the gradient's sign (bias-corrected m / sqrt(v) = g / |g|): (-4.4, 1.9)."""
    function = SURFACES["ravine"]
    gd = race_path(function, OPTIMIZERS["GD"][0](0.1), steps=1)
    adam = race_path(function, OPTIMIZERS["Adam"][0](0.1), steps=1)
    momentum = race_path(function, OPTIMIZERS["momentum"][0](0.1), steps=2)
    np.testing.assert_allclose(gd.thetas[1], [-4.41, 1.6], rtol=1e-12)
    np.testing.assert_allclose(adam.thetas[1], [-4.4, 1.9], rtol=1e-9)
    # second momentum step: v = 0.9 (-0.1 g0) - 0.1 g1 with g1 at (-4.41, 1.6) = (-0.882, 3.2)
    np.testing.assert_allclose(momentum.thetas[2], [-4.41 + 0.9 * 0.09 + 0.0882, 1.6 - 0.9 * 0.4 - 0.32], rtol=1e-12)


def test_the_race_uses_mlps_optimisers():
    assert isinstance(OPTIMIZERS["Nesterov"][0](0.1), mlp.GradientDescent) and OPTIMIZERS["Nesterov"][0](0.1).nesterov
    assert type(OPTIMIZERS["Adam"][0](0.1)) is mlp.Adam and type(OPTIMIZERS["RMSProp"][0](0.1)) is mlp.RMSProp


def test_the_saddle_is_a_saddle_and_the_minima_are_minima():
    saddle = SURFACES["saddle"]
    assert saddle.value((0, 0)) == pytest.approx(0.25) and saddle.lowest_loss == pytest.approx(0.0)
    np.testing.assert_allclose(saddle.gradient(np.zeros(2)), 0.0)
    assert saddle.value((0.1, 0)) > 0.25 > saddle.value((0, 0.1))  # up along theta_1, down along theta_2
    for minimum in saddle.minima:
        np.testing.assert_allclose(saddle.gradient(np.array(minimum)), 0.0)


def test_divergence_stops_a_path_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = race_path(SURFACES["Rosenbrock"], OPTIMIZERS["GD"][0](1.0), steps=100)
        race = OptimizerRace(surface="Rosenbrock", learning_rate=1.0, steps=100)
    assert path.diverged_at is not None and path.diverged_at < 100 and np.all(np.isfinite(path.losses))
    assert f"GD</b>: diverged at step {path.diverged_at}" in race.readout.value


# --- the controls --------------------------------------------------------------------------------------


def test_controls_change_the_picture_and_the_readout(race):
    seen = {(race.image.value, race.readout.value)}
    sizes = {png_size(race)}
    for control, value in [(race.learning_rate_slider, 0.02), (race.steps_slider, 60),
                           (race.surface_menu, "saddle"), (race.surface_menu, "Rosenbrock"),
                           (race.boxes["Adam"], False), (race.boxes["GD"], False)]:
        control.value = value
        state = (race.image.value, race.readout.value)
        assert state not in seen, f"setting {control.description} to {value!r} changed nothing"
        seen.add(state)
        sizes.add(png_size(race))
    assert sizes == {(int(race.figsize[0] * race.dpi), int(race.figsize[1] * race.dpi))}
    assert race.image.layout.width == f"{int(race.figsize[0] * race.dpi)}px"


def test_the_shown_optimisers_are_the_ones_raced():
    race = OptimizerRace(shown=("Adam", "Nesterov"), steps=5)
    assert list(race.paths) == ["Nesterov", "Adam"] and "GD</b>" not in race.readout.value
    race.boxes["GD"].value = True
    assert "GD" in race.paths and "<b>GD</b>" in race.readout.value
    for name in list(OPTIMIZERS):
        race.boxes[name].value = False
    assert race.paths == {} and "no optimiser chosen" in race.readout.value


def test_steps_and_learning_rate_set_the_paths(race):
    race.surface_menu.value, race.learning_rate_slider.value, race.steps_slider.value = "ravine", 0.1, 25
    for name, path in race.paths.items():
        assert len(path.thetas) == 26
        np.testing.assert_allclose(path.thetas, race_path(SURFACES["ravine"], OPTIMIZERS[name][0](0.1), 25).thetas)
    race.steps_slider.value = 0
    assert all(len(path.thetas) == 1 for path in race.paths.values())


def test_the_readout_names_when_a_path_first_gets_close():
    race = OptimizerRace(surface="ravine", learning_rate=0.1, steps=300, shown=("Nesterov",))
    gap = race.paths["Nesterov"].losses - SURFACES["ravine"].lowest_loss
    assert f"first below 0.001 at step {int(np.argmax(gap < 1e-3))}" in race.readout.value


def test_snapshot_is_a_figure_of_the_same_size():
    race = OptimizerRace(surface="saddle", steps=30)
    figure = race.snapshot()
    try:
        assert tuple(figure.get_size_inches()) == race.figsize
        assert len(figure.axes) == 2 and len(figure.axes[1].lines) == len(OPTIMIZERS)
    finally:
        plt.close(figure)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="surface must be one of"):
        OptimizerRace(surface="bowl")
    with pytest.raises(ValueError, match="shown must name"):
        OptimizerRace(shown=("SGD",))


def test_the_module_stays_small():
    import mlp.widgets.race as module

    assert len(open(module.__file__).read().splitlines()) <= 200
    assert math.isfinite(OptimizerRace(steps=1).redraw_seconds)
