"""The optimiser race, driven in plain pytest: its paths are the optimisers' real updates, the picture it sends
to the browser (and its static copy) shows exactly those numbers, and its controls change it."""

import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

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
    assert path.diverged_at is not None and path.diverged_at < 100 and np.all(np.isfinite(path.thetas))
    assert path.steps == path.diverged_at  # its last point shows where it was heading
    assert f"GD diverged at step {path.diverged_at}" in race.readout
    (gd,) = [item for item in race.figure["axes"][1]["items"] if item["label"].startswith("GD")]
    assert gd["label"] == f"GD (diverged at step {path.diverged_at})"


# --- the picture and the controls ----------------------------------------------------------------------


def lines(race, chart):
    """The picture's lines in the surface chart (0: the contours first) or the loss chart (1), by colour."""
    return [item for item in race.figure["axes"][chart]["items"] if item["kind"] == "line"]


@pytest.fixture
def race():
    return OptimizerRace(steps=20)


def test_the_picture_shows_each_path_and_its_loss(race):
    race.surface, race.learning_rate, race.steps = "Rosenbrock", 0.05, 40
    function = SURFACES["Rosenbrock"]
    contours, *paths = lines(race, 0)
    assert [item["colour"] for item in paths] == [colour for _, colour in OPTIMIZERS.values()]
    for (name, (make, _)), drawn, gap in zip(OPTIMIZERS.items(), paths, lines(race, 1)):
        path = race_path(function, make(0.05), 40)
        drawn_xy = np.column_stack([drawn["x"], drawn["y"]])  # 3 significant digits: under half a pixel
        np.testing.assert_allclose(drawn_xy, path.thetas, rtol=5e-3, atol=1e-12)
        assert gap["label"] == name and gap["x"] == list(range(41))
        np.testing.assert_allclose(gap["y"], np.maximum(path.losses - function.lowest_loss, 1e-16), rtol=5e-3)
    assert race.figure["axes"][0]["items"][0]["kind"] == "image"  # the surface under its contour lines
    assert race.figure["axes"][0]["title"] == "Rosenbrock: " + function.formula


@pytest.mark.parametrize("surface", list(SURFACES))
def test_the_surface_is_drawn_to_scale(surface, race):
    race.surface = surface
    chart = race.figure["axes"][0]
    (x0, x1), (y0, y1), (_, _, width, height) = chart["xlim"], chart["ylim"], chart["box"]
    assert (x1 - x0) / width == pytest.approx((y1 - y0) / height)  # one unit as long across as up
    window = SURFACES[surface].window
    assert x0 <= window[0] and x1 >= window[1] and y0 <= window[2] and y1 >= window[3]


def test_controls_change_the_picture_and_the_readout(race):
    seen = {(repr(race.figure["axes"]), race.readout)}
    for name, value in [("learning_rate", 0.02), ("steps", 60), ("surface", "saddle"), ("surface", "Rosenbrock"),
                        ("shown", ["GD", "momentum", "Nesterov", "RMSProp"]), ("shown", ["momentum"])]:
        setattr(race, name, value)
        state = (repr(race.figure["axes"]), race.readout)
        assert state not in seen, f"setting {name} to {value!r} changed nothing"
        seen.add(state)
    assert race.readout.startswith("Rosenbrock, α = 0.02, 60 steps.")


def test_one_key_press_on_the_learning_rate_moves_the_paths(race):
    (spec,) = [c for c in race.controls if c["name"] == "learning_rate"]
    assert spec["log"] and spec["step"] >= 0.05

    def heights(chart):  # the loss curves' points, in pixels from the top of the log-scale chart
        (low, high), (_, top, _, height) = np.log10(chart["ylim"]), chart["box"]
        return [top + (high - np.log10(item["y"])) / (high - low) * height for item in chart["items"]]

    before = heights(race.figure["axes"][1])
    race.learning_rate = float(f"{10 ** (math.log10(0.1) + spec['step']):.6g}")  # what the slider sends
    for name, old, new in zip(OPTIMIZERS, before, heights(race.figure["axes"][1])):
        assert np.abs(new - old).max() >= 3, name  # every loss curve moves by 3 pixels or more


def test_the_shown_optimisers_are_the_ones_raced():
    race = OptimizerRace(shown=("Adam", "Nesterov"), steps=5)
    assert list(race.paths) == ["Nesterov", "Adam"] and "GD" not in race.readout
    assert [item["label"] for item in lines(race, 1)] == ["Nesterov", "Adam"]
    (control,) = [c for c in race.controls if c["name"] == "shown"]
    assert control["kind"] == "checks" and control["options"] == list(OPTIMIZERS)
    race.shown = ["GD", "Nesterov", "Adam"]  # what a click on GD sends
    assert list(race.paths) == ["GD", "Nesterov", "Adam"] and "GD " in race.readout
    race.shown = []
    assert race.paths == {} and race.readout.endswith("no optimiser chosen") and lines(race, 1) == []


def test_steps_set_the_paths(race):
    race.steps = 25
    assert all(len(path.thetas) == 26 for path in race.paths.values())
    assert race.figure["axes"][1]["xlim"] == [0, 25]
    race.steps = 0
    assert all(len(path.thetas) == 1 for path in race.paths.values())


def test_the_readout_names_when_a_path_first_gets_close():
    race = OptimizerRace(surface="ravine", learning_rate=0.1, steps=300, shown=("Nesterov",))
    gap = race.paths["Nesterov"].losses - SURFACES["ravine"].lowest_loss
    assert race.readout.endswith(f"Nesterov {gap[-1]:.2g} (step {int(np.argmax(gap < 1e-3))})")


def test_snapshot_is_a_figure_of_the_current_state():
    race = OptimizerRace(surface="saddle", steps=30, shown=("GD", "Adam"))
    figure = race.snapshot()
    try:
        surface, loss = figure.axes
        assert surface.get_title().startswith("saddle") and len(surface.images) == 1
        assert [line.get_label() for line in loss.lines] == ["GD", "Adam"] and loss.get_yscale() == "log"
        assert figure.texts[0].get_text() == race.readout
    finally:
        plt.close(figure)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match=r"surface must be one of \['ravine', 'saddle', 'Rosenbrock'\]; got 'bowl'"):
        OptimizerRace(surface="bowl")
    with pytest.raises(ValueError, match=r"shown must name optimisers among .*; got \['SGD'\]"):
        OptimizerRace(shown=("SGD",))
    with pytest.raises(ValueError, match="steps must be between 0 and max_steps = 300; got -1"):
        OptimizerRace(steps=-1)
