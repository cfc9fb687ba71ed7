"""The approximation explorer (lesson 2), driven in plain pytest (ipywidgets' dummy comm fires observers at once).
Its computation, mlp.universal_approximation, has its own tests (test_universal_approximation.py)."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
import traitlets

from mlp.universal_approximation import TARGETS, bump_approximation
from mlp.widgets import ApproximationExplorer


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


def test_an_unknown_target_or_bump_count_is_refused():
    with pytest.raises(traitlets.TraitError, match=r"'target' trait .* expected any of \['sine', 'wiggly', 'kink'\]"):
        ApproximationExplorer(target="cosine")
    explorer = ApproximationExplorer()
    with pytest.raises(traitlets.TraitError, match="expected any of"):
        explorer.target = "cosine"
    with pytest.raises(ValueError, match=r"n must be a positive integer; got 0"):
        explorer.bumps = 0


def test_snapshot_is_a_figure_of_the_current_state():
    explorer = ApproximationExplorer(bumps=5)
    figure = explorer.snapshot()
    try:
        (ax,) = figure.axes
        assert "5 bumps" in ax.get_title()
        assert f"{explorer.max_error:.3g}" in ax.get_title()
    finally:
        plt.close(figure)
