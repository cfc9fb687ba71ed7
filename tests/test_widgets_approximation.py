"""The approximation explorer (lesson 2), driven in plain pytest (ipywidgets' dummy comm fires observers at once)."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mlp import activations
from mlp.widgets import ApproximationExplorer
from mlp.widgets.approximation import TARGETS, bump, bump_approximation


def test_a_bump_is_three_relus_and_a_hat():
    x = np.linspace(-3, 5, 1601)
    center, width = 1.0, 0.5
    by_relus = (activations.relu(x - center + width) - 2 * activations.relu(x - center)
                + activations.relu(x - center - width)) / width
    hat = np.maximum(0.0, 1 - np.abs(x - center) / width)
    np.testing.assert_allclose(bump(x, center, width), by_relus, atol=1e-12)
    np.testing.assert_allclose(bump(x, center, width), hat, atol=1e-12)
    assert bump(center, center, width) == pytest.approx(1.0)
    assert np.all(bump(x[np.abs(x - center) >= width], center, width) == 0)


@pytest.mark.parametrize("name", list(TARGETS))
def test_the_sum_of_bumps_interpolates_the_target_at_the_knots(name):
    function, interval, _ = TARGETS[name]
    centers, heights, width, approximate = bump_approximation(function, interval, 9)
    np.testing.assert_allclose(approximate(centers), function(centers), atol=1e-12)
    assert width == pytest.approx((interval[1] - interval[0]) / 8)
    between = (centers[:-1] + centers[1:]) / 2  # linear in between: the mean of the two neighbours
    np.testing.assert_allclose(approximate(between), (heights[:-1] + heights[1:]) / 2, atol=1e-12)


def test_twice_the_bumps_cut_the_error_of_a_smooth_target_about_four_times():
    function, interval, _ = TARGETS["sine"]
    x = np.linspace(*interval, 4001)
    errors = [np.abs(function(x) - bump_approximation(function, interval, n)[3](x)).max() for n in (9, 17, 33)]
    assert errors[0] > errors[1] > errors[2]
    for coarse, fine in zip(errors, errors[1:]):
        assert 3.5 < coarse / fine < 4.5


def test_the_slider_redraws_and_the_readout_shows_the_error():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer = ApproximationExplorer(target="wiggly", bumps=2)
        first_error, first_picture = explorer.max_error, explorer.figure
        explorer.bumps = 30
        assert explorer.max_error < first_error / 10
        assert explorer.figure != first_picture
        assert f"{explorer.max_error:.3g}" in explorer.readout
        assert "30 bumps = 90 ReLU units" in explorer.readout
        explorer.target = "kink"
        explorer.show_bumps = False
        assert "30 bumps" in explorer.readout
        for n in (1, 2, 40):
            explorer.bumps = n
            assert np.isfinite(explorer.max_error)


def test_the_picture_holds_the_target_the_sum_and_one_hat_per_bump():
    explorer = ApproximationExplorer(target="sine", bumps=5)
    (picture,) = explorer.figure["axes"]
    lines = [item for item in picture["items"] if item["kind"] == "line"]
    hats = [item for item in lines if len(item["x"]) == 3]
    assert len(hats) == 5 and all(hat["y"][0] == hat["y"][2] == 0 for hat in hats)
    centers, heights, _, approximate = bump_approximation(np.sin, TARGETS["sine"][1], 5)
    np.testing.assert_allclose([hat["y"][1] for hat in hats], heights)
    total = lines[-1]
    np.testing.assert_allclose(total["y"], approximate(np.array(total["x"])), atol=1e-12)
    explorer.show_bumps = False
    assert not [item for item in explorer.figure["axes"][0]["items"] if len(item.get("x", [])) == 3]


def test_one_bump_sits_in_the_middle():
    function, (low, high), _ = TARGETS["sine"]
    centers, heights, width, _ = bump_approximation(function, (low, high), 1)
    assert centers.tolist() == [0.0] and width == pytest.approx(np.pi)


def test_an_unknown_target_is_refused():
    with pytest.raises(ValueError, match="target must be one of"):
        ApproximationExplorer(target="cosine")


def test_snapshot_is_a_figure_of_the_current_state():
    explorer = ApproximationExplorer(bumps=5)
    figure = explorer.snapshot()
    try:
        (ax,) = figure.axes
        assert "5 bumps" in ax.get_title()
        assert f"{explorer.max_error:.3g}" in ax.get_title()
    finally:
        plt.close(figure)
