"""Tests for the activation explorer, in plain Python: set widget values, check what is computed and drawn.

Outside a front end, setting a control's ``.value`` runs its callback at once (dummy comm).
The widget pastes two cached bands of pixels into its image, each drawn by a figure of its own;
``snapshot()`` draws the same picture as vectors on one figure, so the plotted data is checked on
the snapshot.
"""

import io
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from PIL import Image  # noqa: E402

import mlp  # noqa: E402
from mlp.activations import ACTIVATIONS, sigmoid_derivative, softmax  # noqa: E402
from mlp.widgets.activations import (  # noqa: E402
    RELU_FAMILY,
    ActivationExplorer,
    derivative_values,
    stack_statistics,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def moons():
    return mlp.data.make_moons(200, noise=0.2, seed=0)


def lines_by_gid(figure):
    return {line.get_gid(): line for ax in figure.axes for line in ax.lines if line.get_gid()}


def test_handles_controls_and_a_first_picture():
    explorer = ActivationExplorer()
    assert "activation-explorer" in explorer.container._dom_classes
    assert "activation-explorer-readout" in explorer.readout._dom_classes
    assert list(explorer.activation_dropdown.options) == list(ACTIVATIONS)  # softmax included
    assert explorer.container.children[-2:] == (explorer.image, explorer.readout)
    assert bytes(explorer.image.value).startswith(PNG_SIGNATURE)
    assert explorer.image.layout.width == "800px" and explorer.image.layout.height == "480px"
    assert explorer.readout.value.startswith("sigmoid: f and f")
    assert "vanishing" in explorer.readout.value


def test_f_and_f_prime_follow_the_activation_and_the_z_range():
    explorer = ActivationExplorer()
    before = bytes(explorer.image.value)
    explorer.z_slider.value = (-2.0, 8.0)
    assert bytes(explorer.image.value) != before
    assert "z in [-2, 8]" in explorer.readout.value
    lines = lines_by_gid(explorer.snapshot())
    z = lines["f"].get_xdata()
    assert z[0] == -2.0 and z[-1] == 8.0
    np.testing.assert_allclose(lines["derivative"].get_ydata(), sigmoid_derivative(z))
    explorer.activation_dropdown.value = "tanh"
    lines = lines_by_gid(explorer.snapshot())
    np.testing.assert_allclose(lines["f"].get_ydata(), np.tanh(lines["f"].get_xdata()))
    np.testing.assert_allclose(lines["derivative"].get_ydata(), 1 - np.tanh(lines["f"].get_xdata()) ** 2)


def test_the_vanishing_gradient_is_visible_for_sigmoid_not_for_relu_or_tanh():
    explorer = ActivationExplorer(depth=12)
    sigmoid_stats = explorer.statistics
    assert len(sigmoid_stats.grad_norms) == 13
    assert sigmoid_stats.ratio < 1e-6 and sigmoid_stats.verdict == "vanishing"
    norms = lines_by_gid(explorer.snapshot())["grad-norms"].get_ydata()
    np.testing.assert_array_equal(norms, sigmoid_stats.grad_norms)
    for name in ("relu", "tanh"):
        explorer.activation_dropdown.value = name
        assert 1e-2 < explorer.statistics.ratio < 1e2, name
        assert "roughly steady" in explorer.readout.value
    # the grey comparison lines: the other two of sigmoid, tanh, relu
    assert set(explorer.references) == {"sigmoid", "relu"}
    explorer.depth_slider.value = 20
    assert len(explorer.statistics.grad_norms) == 21
    assert "20 hidden layers of 32" in explorer.readout.value


def test_the_gradients_match_a_network_built_by_hand(moons):
    X, y = moons
    stats = stack_statistics("sigmoid", X, y, depth=12, width=32, init="xavier", seed=0)
    model = mlp.MLP([2] + [32] * 12 + [1], hidden_activation="sigmoid", init="xavier", seed=0)  # lesson 3's stack
    _, grads = model.loss_and_gradients(X, y)
    expected = [np.linalg.norm(grads[f"dW{number}"]) for number in range(1, 14)]
    np.testing.assert_allclose(stats.grad_norms, expected)


def test_dead_relu_units_are_counted_per_layer(moons):
    X, y = moons
    stats = stack_statistics("relu", X, y, depth=6, width=32, init="xavier", bias=0.0, seed=0)
    model = mlp.MLP([2] + [32] * 6 + [1], hidden_activation="relu", init="xavier", seed=0)
    model.forward(X)
    expected = [np.mean(np.all(layer.activation(layer.cache[2]) == 0, axis=0)) for layer in model.layers[:-1]]
    np.testing.assert_allclose(stats.dead_share, expected)
    assert stats.dead_share[1:].max() > 0  # some units are dead from the start

    explorer = ActivationExplorer(activation="relu")
    explorer.bias_slider.value = -1.0
    dead = explorer.statistics.dead_share
    assert dead.mean() > 0.9
    assert "dead units 9" in explorer.readout.value and "blocked" in explorer.readout.value
    bars = [patch.get_height() for patch in explorer.snapshot().axes[3].patches]
    np.testing.assert_allclose(bars, 100 * dead)


def test_leaky_relu_units_are_switched_off_but_never_dead():
    explorer = ActivationExplorer(activation="leaky_relu", bias=-1.0)
    stats = explorer.statistics
    assert stats.dead_share.max() == 0 and stats.negative_share.mean() > 0.5
    assert "dead units 0%" in explorer.readout.value and "z ≤ 0 for every example" in explorer.readout.value
    assert np.all(stats.grad_norms > 0)  # a small gradient still passes


def test_saturated_units_for_sigmoid_with_a_large_bias():
    explorer = ActivationExplorer(activation="sigmoid", init="uniform", bias=3.0)
    assert explorer.statistics.saturated_share.mean() > 0
    assert "saturated units" in explorer.readout.value


def test_softmax_is_handled_as_a_vector_function():
    z = np.linspace(-6, 6, 13)
    f, df = derivative_values("softmax", z)
    s = softmax(np.column_stack([z, np.zeros_like(z)]))[:, 0]
    np.testing.assert_allclose(f, s)
    np.testing.assert_allclose(df, s * (1 - s))
    explorer = ActivationExplorer()
    explorer.activation_dropdown.value = "softmax"
    assert np.all(np.isfinite(explorer.statistics.grad_norms))
    assert "softmax across its 32 units" in explorer.readout.value
    assert "softmax([z, 0])" in explorer.snapshot().axes[0].get_title()


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_every_activation_at_every_extreme_without_warnings(name, moons):
    X, y = moons
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for init, bias in (("uniform", 3.0), ("xavier", -3.0), ("he", 0.0)):
            stats = stack_statistics(name, X, y, depth=20, init=init, bias=bias)
            assert len(stats.grad_norms) == 21 and stats.verdict
            assert np.all((stats.dead_share >= 0) & (stats.dead_share <= 1))
            if name not in RELU_FAMILY:  # exact zeros only by underflow, where f' is 0 too: saturated
                assert np.all(stats.dead_share <= stats.saturated_share)


def test_only_the_changed_half_is_recomputed():
    explorer = ActivationExplorer()
    stats = explorer.statistics
    stack_band = explorer._band_pixels("stack")
    explorer.z_slider.value = (-3.0, 3.0)
    assert explorer.statistics is stats
    assert explorer._band_pixels("stack") is stack_band  # the deep-stack panels were not redrawn
    functions_band = explorer._band_pixels("functions")
    explorer.init_dropdown.value = "he"
    assert explorer.statistics is not stats
    assert explorer._band_pixels("functions") is functions_band
    assert "he initialisation" in explorer.readout.value


def direct_pixels(explorer):
    """The snapshot's drawing (all four panels on one figure, real legends) at the widget's size and dpi."""
    figure = matplotlib.figure.Figure(figsize=explorer.figsize, dpi=explorer.dpi)
    canvas = FigureCanvasAgg(figure)
    explorer.draw(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(int)


def widget_pixels(explorer):
    return np.asarray(Image.open(io.BytesIO(bytes(explorer.image.value))).convert("RGB")).astype(int)


@pytest.mark.parametrize("activation", ["relu", "softmax", "leaky_relu"])
def test_the_widget_picture_equals_a_direct_drawing(activation):
    """The two bands meet where no panel is, and their reused artists and pasted legends give the
    same pixels as drawing everything afresh (legends are alpha-blended once more: a level or two)."""
    explorer = ActivationExplorer(depth=5, bias=-1.0)
    explorer.activation_dropdown.value = activation  # the bands' artists were built for sigmoid
    explorer.depth_slider.value = 20
    explorer.z_slider.value = (-10.0, 10.0)
    widget, direct = widget_pixels(explorer), direct_pixels(explorer)
    assert widget.shape == direct.shape == (480, 800, 3)
    assert np.abs(widget - direct).max() <= 3


def test_a_change_updates_the_same_artists():
    explorer = ActivationExplorer(activation="relu", depth=8)
    functions, artists = explorer._band_figures["functions"]
    line, axes = artists["f"]["line"], list(functions.axes)
    before = line.get_ydata().copy()
    explorer.activation_dropdown.value = "tanh"
    assert explorer._band_figures["functions"][0] is functions and list(functions.axes) == axes
    assert artists["f"]["line"] is line
    np.testing.assert_allclose(line.get_ydata(), np.tanh(line.get_xdata()))
    assert not np.array_equal(line.get_ydata(), before)
    stack, artists = explorer._band_figures["stack"]
    gradients = artists["gradients"]["line"]
    explorer.bias_slider.value = 1.0
    assert artists["gradients"]["line"] is gradients
    np.testing.assert_array_equal(gradients.get_ydata(), explorer.statistics.grad_norms)
    # the bars follow the depth
    explorer.depth_slider.value = 3
    assert len(stack.axes[1].patches) == 3


def test_constructor_arguments_and_validation():
    X, y = mlp.data.make_blobs(120, centers=3, seed=0)
    explorer = ActivationExplorer(X, y, activation="elu", z_range=(-3, 3), depth=5, width=16, init="he", bias=0.5)
    assert explorer.activation_dropdown.value == "elu" and explorer.z_slider.value == (-3, 3)
    assert len(explorer.statistics.dead_share) == 5
    assert "5 hidden layers of 16" in explorer.readout.value
    with pytest.raises(ValueError, match="z_range"):
        ActivationExplorer(z_range=(2, 1))
    with pytest.raises(ValueError, match="depth"):
        ActivationExplorer(depth=30)
    with pytest.raises(ValueError, match="unknown activation|activation"):
        ActivationExplorer(activation="swish")
    with pytest.raises(ValueError, match="give both X and y"):
        ActivationExplorer(X)
    with pytest.raises(ValueError, match="class labels"):
        ActivationExplorer(X, y + 0.5)
    with pytest.raises(ValueError, match="init must be one of"):
        ActivationExplorer(init="glorot_normal")


def test_snapshot_is_a_static_copy():
    explorer = ActivationExplorer(activation="relu")
    snapshot = explorer.snapshot()
    assert isinstance(snapshot, matplotlib.figure.Figure)
    assert len(snapshot.axes) == 4
    assert tuple(snapshot.get_size_inches()) == explorer.figsize


@pytest.mark.parametrize("name, left, right", [("relu", 0.0, 1.0), ("leaky_relu", 0.01, 1.0)])
def test_a_jump_of_the_derivative_is_a_break_not_a_vertical_segment(name, left, right):
    """As in plot_activation (lesson 3's convention ReLU'(0) = 0): the line stops at 0 and starts again."""
    explorer = ActivationExplorer()
    explorer.activation_dropdown.value = name
    line = lines_by_gid(explorer.snapshot())["derivative"]
    z, values = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    drawn = np.isfinite(values[:-1]) & np.isfinite(values[1:])
    spans_zero = drawn & (np.minimum(values[:-1], values[1:]) <= left + 1e-9) & (np.maximum(values[:-1], values[1:]) >= right - 1e-9)
    assert not spans_zero.any(), f"a segment joins the two sides of the jump at z = {z[:-1][spans_zero]}"
    np.testing.assert_allclose(values[z < 0][np.isfinite(values[z < 0])], left)
    np.testing.assert_allclose(values[z > 0][np.isfinite(values[z > 0])], right)
