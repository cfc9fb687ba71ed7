"""The activation explorer (lesson 3), driven in plain pytest: setting a trait redraws at once, so the
picture's data (``explorer.figure``), the readout and the statistics are checked against the computation
(mlp.signal_propagation, tested in test_signal_propagation.py)."""

import json
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
import traitlets

import mlp
from mlp.activations import ACTIVATIONS, sigmoid, sigmoid_derivative, softmax
from mlp.widgets import ActivationExplorer


def panels(explorer):
    """The four axes by name: f, f', gradients, units."""
    return dict(zip(["f", "df", "gradients", "units"], explorer.figure["axes"]))


def curve(panel, colour_index=-1):
    """The panel's widest solid curve (width 2): f, f' or the chosen activation's gradients."""
    return [item for item in panel["items"] if item["kind"] == "line" and item["width"] == 2][colour_index]


def values(item, key):
    return np.array([np.nan if v is None else v for v in item[key]])


def test_controls_and_a_first_picture():
    explorer = ActivationExplorer()
    assert explorer.css_class == "activation-explorer"
    controls = {control["name"]: control for control in explorer.controls}
    assert controls["activation"]["options"] == list(ACTIVATIONS)  # softmax included
    assert (controls["hidden_layers"]["label"], controls["hidden_layers"]["min"], controls["hidden_layers"]["max"]) \
        == ("hidden layers", 2, 20)
    assert set(controls) == set(ActivationExplorer.REDRAW)
    assert len(explorer.figure["axes"]) == 4
    assert explorer.readout.startswith("sigmoid, 12 hidden layers of 32 (xavier, bias 0) → ‖dW1‖ / ‖dW13‖ = ")
    assert "(vanishing)" in explorer.readout


def test_f_and_f_prime_follow_the_activation_and_the_z_range():
    explorer = ActivationExplorer()
    explorer.z_max = 8.0
    f, df = curve(panels(explorer)["f"]), curve(panels(explorer)["df"])
    z = values(f, "x")
    assert z[0] == -8.0 and z[-1] == 8.0 and panels(explorer)["f"]["xlim"] == [-8.0, 8.0]
    np.testing.assert_allclose(values(f, "y"), sigmoid(z))
    np.testing.assert_allclose(values(df, "y"), sigmoid_derivative(values(df, "x")))
    explorer.activation = "tanh"
    f, df = curve(panels(explorer)["f"]), curve(panels(explorer)["df"])
    np.testing.assert_allclose(values(f, "y"), np.tanh(values(f, "x")))
    np.testing.assert_allclose(values(df, "y"), 1 - np.tanh(values(df, "x")) ** 2)
    assert panels(explorer)["f"]["title"] == "f(z) = tanh(z)"


def test_the_flat_band_is_shaded_where_f_prime_is_below_one_percent_of_its_peak():
    explorer = ActivationExplorer(z_max=10)
    (shade,) = [item for item in panels(explorer)["df"]["items"] if item["kind"] == "image"]
    z = np.linspace(-10, 10, 401)
    flat = np.frombuffer(shade["bytes"], np.uint8) > 0
    np.testing.assert_array_equal(flat, sigmoid_derivative(z) < 0.01 * 0.25)
    assert flat[0] and flat[-1] and not flat[200]
    assert any("flat" in (item.get("label") or "") for item in panels(explorer)["f"]["items"])


@pytest.mark.parametrize("name, left, right", [("relu", 0.0, 1.0), ("leaky_relu", 0.01, 1.0)])
def test_a_jump_of_the_derivative_is_a_break_and_its_value_at_0_a_dot(name, left, right):
    """As plot_activation (lesson 3's convention ReLU'(0) = 0): the line stops at 0 and starts again, a filled
    dot at the value mlp uses there, an open one at the other side's limit."""
    explorer = ActivationExplorer(activation=name)
    df = curve(panels(explorer)["df"])
    z, y = values(df, "x"), values(df, "y")
    drawn = np.isfinite(y[:-1]) & np.isfinite(y[1:])
    spans = drawn & (np.minimum(y[:-1], y[1:]) <= left + 1e-9) & (np.maximum(y[:-1], y[1:]) >= right - 1e-9)
    assert not spans.any(), f"a segment joins the two sides of the jump at z = {z[:-1][spans]}"
    np.testing.assert_allclose(y[(z < 0) & np.isfinite(y)], left)
    np.testing.assert_allclose(y[(z > 0) & np.isfinite(y)], right)
    filled, hollow = [item for item in panels(explorer)["df"]["items"] if item["kind"] == "points"]
    assert (filled["x"], filled["y"]) == ([0.0], [left]) and filled["edge"] is None
    assert (hollow["x"], hollow["y"], hollow["colour"]) == ([0.0], [right], "white") and hollow["edge"]
    explorer.activation = "tanh"  # no jump, no dots
    assert all(item["x"] == [] for item in panels(explorer)["df"]["items"] if item["kind"] == "points")


def test_the_vanishing_gradient_is_visible_for_sigmoid_not_for_relu_or_tanh():
    explorer = ActivationExplorer()
    stats = explorer.statistics
    assert len(stats.grad_norms) == 13 and stats.ratio < 1e-6 and stats.verdict == "vanishing"
    gradients = panels(explorer)["gradients"]
    np.testing.assert_array_equal(values(curve(gradients), "y"), stats.grad_norms)
    assert gradients["ylog"] and gradients["title"].endswith("vanishing")
    for name in ("relu", "tanh"):
        explorer.activation = name
        assert 1e-2 < explorer.statistics.ratio < 1e2, name
        assert "roughly steady" in explorer.readout
    assert set(explorer.references) == {"sigmoid", "relu"}  # the grey lines: the other two
    explorer.hidden_layers = 20
    assert len(explorer.statistics.grad_norms) == 21 and "20 hidden layers of 32" in explorer.readout
    assert values(curve(panels(explorer)["gradients"]), "x").tolist() == list(range(1, 22))


def test_the_gradient_panel_names_its_lines_in_a_legend_above_the_data():
    """The issue's overlap ("sigmoid" and "tanh" at the right edge): no text labels, a legend in the top
    half of the log axis, which no line reaches, each grey line with a dash of its own."""
    for name in ("relu", "tanh", "sigmoid", "elu"):
        explorer = ActivationExplorer(activation=name)
        gradients = panels(explorer)["gradients"]
        assert gradients["legend"] == "upper left" and not [i for i in gradients["items"] if i["kind"] == "text"]
        labelled = [item for item in gradients["items"] if item.get("label")]
        assert [item["label"] for item in labelled] == [*explorer.references, name]
        assert len({(item["colour"], tuple(item["dash"])) for item in labelled}) == len(labelled)  # told apart
        low, top = np.log10(gradients["ylim"])
        data = np.log10(np.concatenate([values(item, "y") for item in gradients["items"]]))
        assert np.nanmax(data) < (low + top) / 2


def test_dead_relu_units_are_drawn_as_bars():
    explorer = ActivationExplorer(activation="relu")
    explorer.bias = -1.0
    dead = explorer.statistics.dead_share
    assert dead.mean() > 0.9 and "dead units 9" in explorer.readout and "blocked" in explorer.readout
    units = panels(explorer)["units"]
    bars = values(curve(units), "y").reshape(12, 5)  # per layer: 0, height, height, 0, break
    np.testing.assert_allclose(bars[:, 1], 100 * dead)
    zero = [item for item in panels(explorer)["gradients"]["items"] if item.get("marker") == "x"]
    assert zero[0]["x"] == [k + 1.0 for k in np.flatnonzero(explorer.statistics.grad_norms == 0)]


def test_leaky_relu_units_are_switched_off_but_never_dead():
    explorer = ActivationExplorer(activation="leaky_relu", bias=-1.0)
    stats = explorer.statistics
    assert stats.dead_share.max() == 0 and stats.negative_share.mean() > 0.5
    assert "dead units 0%" in explorer.readout and "z ≤ 0 for every example" in explorer.readout
    assert np.all(stats.grad_norms > 0)  # a small gradient still passes
    units = panels(explorer)["units"]
    assert units["title"].endswith(": none")
    dashed = [item for item in units["items"] if item["dash"]]
    np.testing.assert_allclose(values(dashed[0], "y").reshape(12, 5)[:, 1], 100 * stats.negative_share)


def test_saturated_units_for_sigmoid_with_a_large_bias():
    explorer = ActivationExplorer(activation="sigmoid", init="uniform", bias=3.0)
    assert explorer.statistics.saturated_share.mean() > 0
    assert "saturated units" in explorer.readout and panels(explorer)["units"]["title"].startswith("saturated")


def test_softmax_is_handled_as_a_vector_function():
    explorer = ActivationExplorer(activation="softmax")
    f, df = curve(panels(explorer)["f"]), curve(panels(explorer)["df"])
    s = softmax(np.column_stack([values(f, "x"), np.zeros(len(f["x"]))]))[:, 0]
    np.testing.assert_allclose(values(f, "y"), s)
    np.testing.assert_allclose(values(df, "y"), s * (1 - s))
    assert np.all(np.isfinite(explorer.statistics.grad_norms))
    assert "softmax across its 32 units" in explorer.readout
    assert "softmax([z, 0])" in panels(explorer)["f"]["title"]


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_every_activation_at_every_extreme_without_warnings(name):
    X, y = mlp.data.make_moons(200, noise=0.2, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer = ActivationExplorer(X, y, activation=name, z_max=10, hidden_layers=20, bias=-3.0)
        assert len(json.dumps(explorer.figure, default=len)) < 60_000  # a small message per redraw
        for init, bias in (("uniform", 3.0), ("he", 0.0)):
            explorer.init, explorer.bias = init, bias
            assert len(explorer.statistics.grad_norms) == 21 and explorer.readout.startswith(name)


def test_a_new_z_range_recomputes_no_stack():
    explorer = ActivationExplorer()
    stats = explorer.statistics
    explorer.z_max = 3.0
    assert explorer.statistics is stats
    explorer.init = "he"
    assert explorer.statistics is not stats and "(he, bias 0)" in explorer.readout


def test_constructor_arguments_and_validation():
    X, y = mlp.data.make_blobs(120, centers=3, seed=0)
    explorer = ActivationExplorer(X, y, activation="elu", z_max=3, hidden_layers=5, width=16, init="he", bias=0.5)
    assert (explorer.activation, explorer.z_max, explorer.hidden_layers) == ("elu", 3.0, 5)
    assert len(explorer.statistics.dead_share) == 5 and "5 hidden layers of 16" in explorer.readout
    with pytest.raises(traitlets.TraitError, match=r"'z_max' trait .* not be greater than 10, but a value of 12"):
        ActivationExplorer(z_max=12)
    with pytest.raises(traitlets.TraitError, match=r"'hidden_layers' trait .* not be greater than 20, but .* 30"):
        ActivationExplorer(hidden_layers=30)
    with pytest.raises(traitlets.TraitError, match=r"'bias' trait .* not be less than -3, but a value of -4"):
        explorer.bias = -4  # code is held to the sliders' ranges too
    with pytest.raises(ValueError, match="swish"):
        ActivationExplorer(activation="swish")
    with pytest.raises(ValueError, match=r"got shapes \(120, 2\) and \(\)"):  # X without y
        ActivationExplorer(X)
    with pytest.raises(ValueError, match=r"got shapes \(120, 2\) and \(119,\)"):
        ActivationExplorer(X, y[1:])
    with pytest.raises(ValueError, match="class labels"):
        ActivationExplorer(X, y + 0.5)
    with pytest.raises(traitlets.TraitError, match=r"'init' trait .* expected any of .*'xavier'.*'glorot_normal'"):
        ActivationExplorer(init="glorot_normal")


def test_snapshot_is_a_figure_of_the_current_state():
    explorer = ActivationExplorer()
    explorer.activation, explorer.bias = "relu", -1.0  # a readout too long for one line
    figure = explorer.snapshot()
    try:
        assert [ax.get_title() for ax in figure.axes] == [spec["title"] for spec in explorer.figure["axes"]]
        assert figure.axes[0].get_title() == "f(z) = relu(z)" and figure.axes[2].get_yscale() == "log"
        assert " ".join(figure.texts[0].get_text().split()) == explorer.readout  # (wrapped in two lines)
    finally:
        plt.close(figure)
