"""The optimiser race, driven in plain pytest: the picture it sends to the browser (and its static copy) shows
exactly the paths of mlp.loss_surfaces (the optimisers' real updates, tested in test_loss_surfaces.py), and its
controls change it."""

import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
import traitlets

from mlp.loss_surfaces import RACE_OPTIMIZERS, RACE_SURFACES, optimizer_path
from mlp.widgets import OptimizerRace
from mlp.widgets.race import COLOURS


def test_divergence_stops_a_path_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = optimizer_path(RACE_SURFACES["Rosenbrock"], RACE_OPTIMIZERS["GD"](1.0), steps=100)
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
    function = RACE_SURFACES["Rosenbrock"]
    contours, *paths = lines(race, 0)
    assert [item["colour"] for item in paths] == [COLOURS[name] for name in RACE_OPTIMIZERS]
    assert len(set(COLOURS.values())) == len(RACE_OPTIMIZERS)  # one colour each
    for (name, make), drawn, gap in zip(RACE_OPTIMIZERS.items(), paths, lines(race, 1)):
        path = optimizer_path(function, make(0.05), 40)
        drawn_xy = np.column_stack([drawn["x"], drawn["y"]])  # 3 significant digits: under half a pixel
        np.testing.assert_allclose(drawn_xy, path.thetas, rtol=5e-3, atol=1e-12)
        assert gap["label"] == name and gap["x"] == list(range(41))
        np.testing.assert_allclose(gap["y"], np.maximum(path.losses - function.lowest_loss, 1e-16), rtol=5e-3)
    assert race.figure["axes"][0]["items"][0]["kind"] == "image"  # the surface under its contour lines
    assert race.figure["axes"][0]["title"] == "Rosenbrock: " + function.formula


@pytest.mark.parametrize("surface", list(RACE_SURFACES))
def test_the_surface_is_drawn_to_scale(surface, race):
    race.surface = surface
    chart = race.figure["axes"][0]
    (x0, x1), (y0, y1), (_, _, width, height) = chart["xlim"], chart["ylim"], chart["box"]
    assert (x1 - x0) / width == pytest.approx((y1 - y0) / height)  # one unit as long across as up
    window = RACE_SURFACES[surface].window
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
    for name, old, new in zip(RACE_OPTIMIZERS, before, heights(race.figure["axes"][1])):
        assert np.abs(new - old).max() >= 3, name  # every loss curve moves by 3 pixels or more


def test_the_shown_optimisers_are_the_ones_raced():
    race = OptimizerRace(shown=("Adam", "Nesterov"), steps=5)
    assert list(race.paths) == ["Nesterov", "Adam"] and "GD" not in race.readout
    assert [item["label"] for item in lines(race, 1)] == ["Nesterov", "Adam"]
    (control,) = [c for c in race.controls if c["name"] == "shown"]
    assert control["kind"] == "checks" and control["options"] == list(RACE_OPTIMIZERS)
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
    gap = race.paths["Nesterov"].losses - RACE_SURFACES["ravine"].lowest_loss
    assert race.readout.endswith(f"Nesterov {gap[-1]:.2g} (step {int(np.argmax(gap < 1e-3))})")


def test_snapshot_is_a_figure_of_the_current_state():
    race = OptimizerRace(surface="saddle", steps=30, shown=("GD", "Adam"))
    figure = race.snapshot()
    try:
        surface, loss = figure.axes
        assert surface.get_title().startswith("saddle") and len(surface.images) == 1
        assert [line.get_label() for line in loss.lines] == ["GD", "Adam"] and loss.get_yscale() == "log"
        assert " ".join(figure.texts[0].get_text().split()) == race.readout  # (wrapped in two lines)
    finally:
        plt.close(figure)


def test_bad_settings_are_refused(race):
    with pytest.raises(traitlets.TraitError, match=r"'surface'.*expected any of \['ravine', 'saddle', 'Rosenbrock'\]"
                                                   r", not the str 'bowl'"):
        OptimizerRace(surface="bowl")
    with pytest.raises(traitlets.TraitError, match=r"'shown'.*expected any of \['GD', .*'Adam'\], not the str 'SGD'"):
        OptimizerRace(shown=("SGD",))
    with pytest.raises(traitlets.TraitError, match="'steps'.*should not be less than 0, but a value of -1"):
        OptimizerRace(steps=-1)
    with pytest.raises(traitlets.TraitError, match="'steps'.*should not be greater than 300"):  # later too
        race.steps = 301
