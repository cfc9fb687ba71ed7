"""The gradient-descent explorer, driven in plain pytest (ipywidgets' dummy comm fires observers at once)."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mlp.widgets.descent import CURVES, SURFACES, DescentExplorer, _clip_segments, descent_path


@pytest.fixture
def explorer():
    return DescentExplorer()


def plotted_points(explorer, kind):
    x, y = explorer._artists[f"{kind} points"].get_data()
    return np.column_stack([x, y])


def manual_path(gradient, theta0, alpha, beta, steps):
    """v := beta v - alpha grad; theta := theta + v, written out."""
    theta, v = np.array(theta0, dtype=float), np.zeros(len(theta0))
    thetas = [theta.copy()]
    for _ in range(steps):
        v = beta * v - alpha * gradient(theta)
        theta = theta + v
        thetas.append(theta.copy())
    return np.array(thetas)


# --- the paths -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CURVES) + list(SURFACES))
@pytest.mark.parametrize("alpha, beta", [(0.1, 0.0), (0.05, 0.9), (0.5, 0.5)])
def test_the_path_is_gradient_descent_with_momentum(name, alpha, beta):
    function = {**CURVES, **SURFACES}[name]
    path = descent_path(function, alpha, beta, steps=30)
    expected = manual_path(function.gradient, function.start, alpha, beta, 30)
    np.testing.assert_allclose(path.thetas, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(path.losses, [function.value(theta) for theta in expected], rtol=1e-12)
    assert path.diverged_at is None


def test_small_steps_converge_on_the_quadratics():
    for function in (CURVES["quadratic"], SURFACES["round bowl"], SURFACES["elongated bowl"]):
        path = descent_path(function, 0.3, 0.0, steps=200)
        assert path.losses[-1] - function.lowest_loss < 1e-8
        assert np.all(np.diff(path.losses) <= 0)  # below 1 / curvature: the loss never goes up


def test_half_the_inverse_curvature_jumps_to_the_minimum_in_one_step():
    path = descent_path(CURVES["quadratic"], 0.5, 0.0, steps=3)
    assert path.thetas[1, 0] == 3.0


def test_the_largest_curvature_sets_the_stable_learning_rate():
    for function in (CURVES["quadratic"], SURFACES["elongated bowl"], SURFACES["round bowl"]):
        assert descent_path(function, 0.99, 0.0, steps=400).diverged_at is None
        assert descent_path(function, 1.02, 0.0, steps=2000).diverged_at is not None
    valley = SURFACES["valley (Rosenbrock)"]
    assert valley.largest_curvature == pytest.approx(2.0, rel=0.05)


def test_divergence_stops_the_path_without_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for function in [*CURVES.values(), *SURFACES.values()]:
            for alpha, beta in ((3.16, 0.0), (3.16, 0.99), (2.5, 0.5)):
                path = descent_path(function, alpha, beta, steps=200)
                assert path.diverged_at is not None, (function.name, alpha, beta)
                assert path.steps == path.diverged_at
                assert np.all(np.isfinite(path.thetas))
    assert not caught, [str(w.message) for w in caught]


def test_the_two_valleys_have_a_local_and_a_global_minimum():
    curve = CURVES["two valleys"]
    for minimum in curve.minima:
        assert curve.gradient(np.array(minimum)) == pytest.approx(0, abs=1e-12)
    assert curve.value(curve.minima[0]) < curve.value(curve.minima[1])
    stuck = descent_path(curve, 0.05, 0.0, steps=200)
    assert stuck.thetas[-1, 0] == pytest.approx(curve.minima[1][0], abs=1e-4)
    rolled_over = descent_path(curve, 0.05, 0.9, steps=200)  # momentum carries it over the hump
    assert rolled_over.thetas[-1, 0] == pytest.approx(curve.minima[0][0], abs=1e-3)


def test_clipping_keeps_segments_inside_the_box():
    box = (0.0, 1.0, 0.0, 1.0)
    points = np.array([[0.5, 0.5], [2.5, 0.5], [3.0, 3.0], [0.5, 0.5], [0.5, -1e300]])
    segments = _clip_segments(points, box)
    assert len(segments) == 3  # the segment from (2.5, 0.5) to (3, 3) is outside the box
    np.testing.assert_allclose(segments[0], [[0.5, 0.5], [1.0, 0.5]])  # leaves through the right edge
    np.testing.assert_allclose(segments[1], [[1.0, 1.0], [0.5, 0.5]])  # comes back in through the corner
    np.testing.assert_allclose(segments[2], [[0.5, 0.5], [0.5, 0.0]])  # heads off to -1e300: cut at the edge


# --- the widget ----------------------------------------------------------------------------


def test_css_class_and_initial_state(explorer):
    assert "descent-explorer" in explorer.container._dom_classes
    assert "descent-explorer-readout" in explorer.readout._dom_classes
    assert explorer.steps == 10
    assert explorer.curve_path.steps == explorer.surface_path.steps == 10
    assert "learning rate 0.1" in explorer.readout.value and "steps 10" in explorer.readout.value
    assert len(plotted_points(explorer, "1-D")) == 11 and len(plotted_points(explorer, "2-D")) == 11


def test_step_shows_exactly_one_more_update_and_reset_goes_back(explorer):
    explorer.step_button.click()
    assert explorer.steps == 11 and explorer.curve_path.steps == 11 and explorer.surface_path.steps == 11
    assert len(plotted_points(explorer, "2-D")) == 12
    np.testing.assert_array_equal(plotted_points(explorer, "2-D"), explorer.surface_path.thetas)
    assert "steps 11" in explorer.readout.value
    explorer.reset_button.click()
    assert explorer.steps == 0 and explorer.curve_path.steps == 0
    assert len(plotted_points(explorer, "1-D")) == 1


def test_the_learning_rate_changes_the_plotted_path(explorer):
    before = plotted_points(explorer, "1-D").copy()
    explorer.learning_rate_slider.value = 0.9
    after = plotted_points(explorer, "1-D")
    assert before.shape == after.shape and not np.array_equal(before, after)
    np.testing.assert_allclose(after[:, 0], manual_path(CURVES["quadratic"].gradient, (-1.0,), 0.9, 0.0, 10)[:, 0])
    # 0.9 overshoots the minimum at every step; 0.1 never does
    assert np.all(np.diff(np.sign(explorer.curve_path.thetas[:, 0] - 3.0)) != 0)
    assert "overshot 10 times" in explorer.readout.value
    explorer.learning_rate_slider.value = 0.1
    assert "overshot" not in explorer.readout.value.split("2-D")[0]


def test_momentum_changes_the_path(explorer):
    plain = explorer.surface_path.thetas.copy()
    explorer.momentum_slider.value = 0.9
    assert not np.array_equal(plain, explorer.surface_path.thetas)
    expected = manual_path(SURFACES["elongated bowl"].gradient, (-4.5, 2.0), 0.1, 0.9, 10)
    np.testing.assert_allclose(explorer.surface_path.thetas, expected, rtol=1e-12)
    assert "momentum 0.90" in explorer.readout.value


def test_divergence_is_marked_and_the_drawing_stays_on_the_chart(explorer):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        explorer.steps_slider.value = 200
        explorer.learning_rate_slider.value = 1.5
    assert not caught
    assert explorer.curve_path.diverged_at is not None and explorer.surface_path.diverged_at is not None
    assert "diverged at step" in explorer.readout.value
    assert explorer._artists["1-D note"].get_text().startswith("diverged at step")
    assert explorer._artists["2-D note"].get_text().startswith("diverged at step")
    assert explorer._artists["1-D stable"].get_text().startswith("unstable")
    for kind, ax in (("1-D", "ax_curve"), ("2-D", "ax_surface")):
        x0, x1 = explorer._artists[ax].get_xlim()
        y0, y1 = explorer._artists[ax].get_ylim()
        segments = np.array(explorer._artists[f"{kind} segments"].get_segments())
        assert np.all(np.isfinite(segments))
        assert np.all((segments[..., 0] >= x0 - 1e-9) & (segments[..., 0] <= x1 + 1e-9))
        assert np.all((segments[..., 1] >= y0 - 1e-9) & (segments[..., 1] <= y1 + 1e-9))
        exit_x, exit_y = explorer._artists[f"{kind} exit"].get_data()
        assert len(exit_x) == 1  # where the path left the chart
    ticks = explorer._artists["gap diverged"].get_data()[0]
    assert list(ticks) == [explorer.curve_path.diverged_at, explorer.surface_path.diverged_at]


def test_leaving_the_chart_without_diverging_is_marked(explorer):
    explorer.curve_menu.value = "two valleys"
    explorer.momentum_slider.value = 0.9
    explorer.learning_rate_slider.value = 0.3
    explorer.steps_slider.value = 200
    path = explorer.curve_path
    assert path.diverged_at is None
    assert path.thetas[-1, 0] == pytest.approx(CURVES["two valleys"].minima[0][0], abs=1e-3)
    assert len(explorer._artists["1-D exit"].get_data()[0]) == 1
    assert explorer._artists["1-D note"].get_text().startswith("off the chart")
    assert "at the global minimum" in explorer.readout.value


def test_choosing_a_curve_resets_the_start_to_its_default(explorer):
    explorer.start_slider.value = 6.0
    assert explorer.curve_path.thetas[0, 0] == 6.0
    explorer.curve_menu.value = "two valleys"
    assert explorer.start_slider.value == 3.5 and explorer.curve_path.thetas[0, 0] == 3.5
    assert (explorer.start_slider.min, explorer.start_slider.max) == CURVES["two valleys"].window
    assert "two valleys" in explorer._artists["curve title"].get_text()


def test_choosing_a_surface_redraws_its_contours(explorer):
    contours = explorer._artists["contours"]
    explorer.surface_menu.value = "valley (Rosenbrock)"
    assert explorer._artists["contours"] is not contours
    assert explorer._artists["ax_surface"].get_xlim() == (-2.0, 2.0)
    explorer.steps_slider.value = 200
    path = explorer.surface_path
    assert path.losses[-1] < path.losses[0] and path.diverged_at is None


def test_the_readout_is_updated_last(explorer):
    order = []
    explorer.image.observe(lambda change: order.append("image"), names="value")
    explorer.readout.observe(lambda change: order.append("readout"), names="value")
    for action in (explorer.step, lambda: setattr(explorer.learning_rate_slider, "value", 0.5), explorer.reset):
        order.clear()
        action()
        assert order == ["image", "readout"]


def test_snapshot_and_fixed_layout(explorer):
    positions = [ax.get_position().bounds for ax in explorer.figure.axes]
    explorer.surface_menu.value = "round bowl"
    explorer.step(5)
    assert [ax.get_position().bounds for ax in explorer.figure.axes] == positions
    figure = explorer.snapshot()
    try:
        assert len(figure.axes) == 3
        assert figure.axes[1].get_title() == explorer._artists["surface title"].get_text()
    finally:
        plt.close(figure)
    # the snapshot did not disturb the panel's own figure
    explorer.step()
    assert explorer._artists["ax_surface"].figure is explorer.figure
