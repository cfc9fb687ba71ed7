"""The gradient-descent explorer, driven in plain pytest: the picture it sends to the browser (and its static copy)
shows exactly the paths of mlp.loss_surfaces (tested in test_loss_surfaces.py), and its controls change it."""

import warnings

import matplotlib.pyplot as plt
import math
import numpy as np
import pytest
import traitlets

from mlp.loss_surfaces import CURVES, SURFACES, descent_path
from mlp.widgets.descent import DescentExplorer, exit_point, surface_picture


@pytest.fixture
def explorer():
    return DescentExplorer()


CHARTS = {"1-D": 0, "2-D": 1, "gap": 2}  # the axes of the picture, left to right


def chart(explorer, kind):
    return explorer.figure["axes"][CHARTS[kind]]


def plotted_path(explorer, kind):
    """The (x, y) of the path's points as the picture has them (the points of the path's own colour)."""
    (dots,) = [item for item in chart(explorer, kind)["items"] if item["kind"] == "points" and item["size"] == 2.5]
    return np.column_stack([dots["x"], dots["y"]])


def texts(explorer, kind):
    return [item["text"] for item in chart(explorer, kind)["items"] if item["kind"] == "text"]


def crosses(explorer, kind):
    return [(x, y) for item in chart(explorer, kind)["items"] if item.get("marker") == "x"
            for x, y in zip(item["x"], item["y"])]


def pixels(axes, xy):
    """Data coordinates to the canvas's pixels (linear axes)."""
    left, top, width, height = axes["box"]
    (x0, x1), (y0, y1) = axes["xlim"], axes["ylim"]
    return np.column_stack([left + (xy[:, 0] - x0) / (x1 - x0) * width, top + (y1 - xy[:, 1]) / (y1 - y0) * height])


# --- the picture helpers ----------------------------------------------------------------


def test_the_exit_point_is_where_the_path_first_crosses_the_edge():
    box = (0.0, 1.0, 0.0, 1.0)
    assert exit_point(np.array([[0.5, 0.5], [0.6, 0.2]]), box) is None
    np.testing.assert_allclose(exit_point(np.array([[0.5, 0.5], [0.75, 0.5], [2.5, 0.5], [0.5, 0.5]]), box), [1.0, 0.5])
    np.testing.assert_allclose(exit_point(np.array([[0.5, 0.5], [0.5, -1e300]]), box), [0.5, 0.0])
    np.testing.assert_allclose(exit_point(np.array([[0.5, 0.5], [2.5, 3.5]]), box), [0.5 + 2 / 6, 1.0])  # top first


def test_the_surface_picture_is_the_log_loss_and_its_contour_lines():
    function = SURFACES["valley (Rosenbrock)"]
    picture, lines = surface_picture(function, function.window, cells=40, levels=5)
    values = np.frombuffer(picture["bytes"], np.uint8).reshape(picture["shape"]) / 255
    x = -2 + (np.arange(40) + 0.5) * 4 / 40  # the cells' centres; the first row is the bottom one
    y = -1 + (np.arange(40) + 0.5) * 4 / 40
    height = np.log10(np.maximum(function.loss(np.stack(np.meshgrid(x, y))) - function.lowest_loss, 1e-3))
    expected = (height - height.min()) / (1.6 * (height.max() - height.min()))  # the top is 1 / 1.6 of full blue
    np.testing.assert_allclose(values, expected, atol=0.5 / 255 + 1e-12)
    xy = np.column_stack([lines["x"], lines["y"]]).astype(float)
    on_a_line = xy[~np.isnan(xy).any(axis=1)]
    assert len(on_a_line) > 100 and np.isnan(xy).any(axis=1).sum() >= 5  # pieces, separated by gaps
    levels = np.linspace(height.min(), height.max(), 7)[1:-1]
    heights = np.log10(np.maximum(function.loss(on_a_line.T) - function.lowest_loss, 1e-3))
    distance = np.abs(heights[:, None] - levels[None, :]).min(axis=1)  # each point is on one of the 5 levels
    assert np.median(distance) < 0.02 and distance.max() < 0.35  # (up to the 40-cell grid's interpolation)


# --- the widget ----------------------------------------------------------------------------


def test_the_picture_shows_the_paths(explorer):
    assert explorer.css_class == "descent-explorer" and len(explorer.figure["axes"]) == 3
    assert explorer.curve_path.steps == explorer.surface_path.steps == 10
    path = explorer.curve_path
    np.testing.assert_allclose(plotted_path(explorer, "1-D"), np.column_stack([path.thetas[:, 0], path.losses]),
                               rtol=1e-3)
    np.testing.assert_allclose(plotted_path(explorer, "2-D"), explorer.surface_path.thetas, rtol=1e-3)
    (one, two) = [item for item in chart(explorer, "gap")["items"] if item["kind"] == "line"]
    np.testing.assert_allclose(one["y"], path.losses - 0.0, rtol=1e-3)  # the quadratic's lowest loss is 0
    assert (one["label"], two["label"]) == ("1-D path", "2-D path") and one["x"] == list(range(11))
    assert chart(explorer, "1-D")["title"] == "L(θ) = (θ − 3)²"
    assert chart(explorer, "2-D")["title"] == "L = 0.1 θ₁² + θ₂²"
    assert texts(explorer, "1-D") == ["", "stable: α < 1"]
    assert explorer.readout.startswith("learning rate 0.1 · momentum 0.00 · steps 10 · 1-D: θ = 2.571")


def test_step_and_reset_buttons(explorer):
    explorer._on_message(explorer, {"do": "step"}, [])  # what a click on Step sends
    assert explorer.steps == 11 and explorer.curve_path.steps == 11 and explorer.surface_path.steps == 11
    np.testing.assert_allclose(plotted_path(explorer, "2-D"), explorer.surface_path.thetas, rtol=1e-3)
    assert len(plotted_path(explorer, "2-D")) == 12 and "steps 11" in explorer.readout
    explorer._on_message(explorer, {"do": "reset"}, [])
    assert explorer.steps == 0 and len(plotted_path(explorer, "1-D")) == 1 and "(the start)" in explorer.readout
    explorer.on_step(500)
    assert explorer.steps == explorer.max_steps == 200


def test_the_learning_rate_changes_the_plotted_path(explorer):
    explorer.learning_rate = 0.9
    after = plotted_path(explorer, "1-D")
    np.testing.assert_allclose(after[:, 0], descent_path(CURVES["quadratic"], 0.9, 0.0, 10).thetas[:, 0],
                               rtol=1e-3)
    # 0.9 overshoots the minimum at every step; 0.1 never does
    assert np.all(np.diff(np.sign(explorer.curve_path.thetas[:, 0] - 3.0)) != 0)
    assert "learning rate 0.9 " in explorer.readout and "overshot 10 times" in explorer.readout
    explorer.learning_rate = 0.1
    assert "overshot" not in explorer.readout.split("2-D")[0]


def test_one_key_press_on_the_learning_rate_is_a_change_you_can_see(explorer):
    (spec,) = [c for c in explorer.controls if c["name"] == "learning_rate"]
    assert spec["log"] and spec["step"] >= 0.05  # a key press multiplies alpha by 10 ** step
    for start in (0.1, 0.3, 0.8):  # the lesson's rates
        explorer.learning_rate = start
        before = {kind: pixels(chart(explorer, kind), plotted_path(explorer, kind)) for kind in ("1-D", "2-D")}
        gap_before = explorer.curve_path.losses[-1]
        explorer.learning_rate = float(f"{10 ** (math.log10(start) + spec['step']):.6g}")  # what the slider sends
        for kind in ("1-D", "2-D"):
            moved = np.linalg.norm(pixels(chart(explorer, kind), plotted_path(explorer, kind)) - before[kind], axis=1)
            assert moved.max() >= 3, (start, kind, moved.max())  # at least 3 pixels
        assert abs(math.log10(explorer.curve_path.losses[-1] / gap_before)) > 0.1  # the loss, on the log chart


def test_momentum_changes_the_path(explorer):
    explorer.momentum = 0.9
    expected = descent_path(SURFACES["elongated bowl"], 0.1, 0.9, 10).thetas  # checked by hand in test_loss_surfaces
    np.testing.assert_allclose(explorer.surface_path.thetas, expected, rtol=1e-12)
    np.testing.assert_allclose(plotted_path(explorer, "2-D"), expected, rtol=1e-3, atol=1e-12)
    assert "momentum 0.90" in explorer.readout and texts(explorer, "1-D")[-1] == "stable: α < 1.9"


def test_divergence_is_marked_without_warnings(explorer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer.steps = 200
        explorer.learning_rate = 1.5
        picture = explorer.snapshot()
    plt.close(picture)
    one, two = explorer.curve_path.diverged_at, explorer.surface_path.diverged_at
    assert one is not None and two is not None and "diverged at step" in explorer.readout
    assert texts(explorer, "1-D") == [f"diverged at step {one}", "unstable: α ≥ 1"]
    assert texts(explorer, "2-D")[0] == f"diverged at step {two}"
    assert [x for x, _ in crosses(explorer, "gap")] == [one, two]  # marked at the step the loss ran away
    for kind in ("1-D", "2-D"):
        (x, y), box = crosses(explorer, kind)[0], chart(explorer, kind)
        assert x in box["xlim"] or y in box["ylim"]  # where the path left the chart: on its edge


def test_leaving_the_chart_without_diverging_is_marked(explorer):
    explorer.curve = "two valleys"
    explorer.momentum, explorer.learning_rate, explorer.steps = 0.9, 0.3, 200
    path = explorer.curve_path
    assert path.diverged_at is None
    assert path.thetas[-1, 0] == pytest.approx(CURVES["two valleys"].minima[0][0], abs=1e-3)
    assert len(crosses(explorer, "1-D")) == 1 and texts(explorer, "1-D")[0] == "off the chart (×): overshooting"
    assert "at the global minimum" in explorer.readout


def test_the_readout_tells_a_local_minimum_from_the_global_one(explorer):
    explorer.curve, explorer.learning_rate, explorer.steps = "two valleys", 0.05, 200
    one_d = explorer.readout.split(" · 2-D")[0]
    assert "1-D: θ = 1.861" in one_d and one_d.endswith("; stuck in a local minimum")
    explorer.momentum = 0.9  # carries it over the hump
    one_d = explorer.readout.split(" · 2-D")[0]
    assert "1-D: θ = -2.115" in one_d and one_d.endswith("; at the global minimum")


def test_choosing_a_curve_starts_from_its_own_start(explorer):
    explorer.start = 6.0
    assert explorer.curve_path.thetas[0, 0] == 6.0 and plotted_path(explorer, "1-D")[0, 0] == 6.0
    explorer.curve = "two valleys"
    assert explorer.start == 3.5 and explorer.curve_path.thetas[0, 0] == 3.5
    assert chart(explorer, "1-D")["xlim"] == [-3.5, 4.0] and "θ⁴/16" in chart(explorer, "1-D")["title"]
    explorer.start = 7.5  # the slider reaches the quadratic's window; this curve's ends at 4
    assert explorer.start == 4.0 and explorer.curve_path.thetas[0, 0] == 4.0


def test_choosing_a_surface_redraws_it(explorer):
    bowl = chart(explorer, "2-D")["items"][0]
    explorer.surface = "valley (Rosenbrock)"
    picture = chart(explorer, "2-D")
    assert picture["items"][0]["kind"] == "image" and picture["items"][0]["bytes"] != bowl["bytes"]
    assert picture["xlim"] == [-2.0, 2.0] and picture["ylim"] == [-1.0, 3.0]
    explorer.steps = 200
    path = explorer.surface_path
    assert path.losses[-1] < path.losses[0] and path.diverged_at is None


def test_bad_settings_are_refused(explorer):
    with pytest.raises(traitlets.TraitError, match=r"'curve'.*expected any of \['quadratic', 'two valleys'\].*'cubic'"):
        DescentExplorer(curve="cubic")
    with pytest.raises(traitlets.TraitError, match=r"'surface'.*expected any of \['elongated bowl'.*'bowl'"):
        DescentExplorer(surface="bowl")
    with pytest.raises(traitlets.TraitError, match="'steps'.*should not be greater than 200, but a value of 201"):
        DescentExplorer(steps=201)
    with pytest.raises(traitlets.TraitError, match="'curve'"):  # later too, as a control would
        explorer.curve = "cubic"
    with pytest.raises(ValueError, match="momentum"):
        DescentExplorer(momentum=1.0)


def test_snapshot_is_a_figure_of_the_current_state(explorer):
    explorer.surface = "round bowl"
    explorer.on_step(5)
    figure = explorer.snapshot()
    try:
        assert [ax.get_title() for ax in figure.axes] == ["L(θ) = (θ − 3)²", "L = θ₁² + θ₂²", "loss above the lowest"]
        assert " ".join(figure.texts[0].get_text().split()) == explorer.readout and "steps 15" in explorer.readout
        assert len(figure.axes[1].images) == 1
    finally:
        plt.close(figure)
