"""Tests for mlp.plotting: each plot draws the right data, checks its input and reuses a given Axes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

import mlp  # noqa: E402
from mlp.activations import (  # noqa: E402
    SELU_ALPHA,
    SELU_SCALE,
    relu,
    sigmoid,
    sigmoid_derivative,
)
from mlp.plotting import (  # noqa: E402
    plot_activation,
    plot_decision_boundary,
    plot_learning_rates,
    plot_loss_curves,
    plot_network,
)
from mlp.schedules import StepDecay, learning_rates  # noqa: E402


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X, X_val = rng.normal(size=(40, 2)), rng.normal(size=(15, 2))
    return X, (X[:, 0] > 0).astype(int), X_val, (X_val[:, 0] > 0).astype(int)


@pytest.fixture(scope="module")
def trained(data):
    """A tiny trained binary classifier and its History (with validation curves)."""
    X, y, X_val, y_val = data
    model = mlp.MLP([2, 4, 1], seed=0)
    history = model.fit(X, y, epochs=5, learning_rate=0.1, progress=False, validation_data=(X_val, y_val))
    return model, history


def lines_by_label(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def contour_sets(ax):
    return [c for c in ax.collections if isinstance(c, ContourSet)]


# --- plot_activation ------------------------------------------------------------------


def test_activation_plots_function_and_derivative():
    fig, ax = plot_activation("relu", z_min=-3.0, z_max=2.0, n_points=51)
    lines = lines_by_label(ax)
    z = lines["f(z)"].get_xdata()
    np.testing.assert_allclose(z, np.linspace(-3.0, 2.0, 51))
    np.testing.assert_array_equal(lines["f(z)"].get_ydata(), relu(z))  # continuous: drawn as it is
    # The derivative jumps at 0: drawn in two pieces, each the derivative on its own side.
    z_prime, slope = lines["f'(z)"].get_xdata(), lines["f'(z)"].get_ydata()
    drawn = ~np.isnan(slope)
    np.testing.assert_array_equal(slope[drawn & (z_prime < 0)], 0.0)
    np.testing.assert_array_equal(slope[drawn & (z_prime > 0)], 1.0)
    away = np.abs(z) > 1e-9
    assert set(z[away]) <= set(z_prime[drawn])  # every grid point except 0 is on the line
    assert ax.get_title() == "relu"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["f(z)", "f'(z)"]


def segments(line):
    """The straight pieces matplotlib draws for a line: consecutive points, both without NaN."""
    xy = np.column_stack([line.get_xdata(), line.get_ydata()]).astype(float)
    both = ~np.isnan(xy[:-1]).any(axis=1) & ~np.isnan(xy[1:]).any(axis=1)
    return xy[:-1][both], xy[1:][both]


@pytest.mark.parametrize("name, at_zero, other_side", [
    ("relu", 0.0, 1.0),                      # the convention ReLU'(0) = 0; 1 on the right
    ("leaky_relu", 0.01, 1.0),               # LeakyReLU'(0) = alpha
    ("selu", SELU_SCALE * SELU_ALPHA, SELU_SCALE),  # SELU'(0) takes the left branch, lambda alpha
])
@pytest.mark.parametrize("n_points", [401, 400])  # with z = 0 on the grid, and without
def test_a_derivative_that_jumps_has_no_vertical_segment_and_a_dot_at_zero(name, at_zero, other_side, n_points):
    fig, ax = plot_activation(name, z_min=-4.0, z_max=4.0, n_points=n_points)
    line = lines_by_label(ax)["f'(z)"]
    start, end = segments(line)
    # No piece of the line crosses z = 0: both ends of every segment are on the same side (or at 0 itself),
    crossing = (np.minimum(start[:, 0], end[:, 0]) < 0) & (np.maximum(start[:, 0], end[:, 0]) > 0)
    assert not crossing.any(), f"segments across the jump: {np.column_stack([start, end])[crossing]}"
    # and none joins the two values of the jump (the vertical segment at 0 of a plain ax.plot).
    jump = abs(other_side - at_zero)
    steep = np.abs(end[:, 1] - start[:, 1]) > jump / 2
    assert not steep.any(), f"segments spanning the jump: {np.column_stack([start, end])[steep]}"
    # Each side reaches z = 0: the left piece ends at (0, left limit), the right one starts at (0, right limit).
    ends_at_zero = {round(float(y), 12) for x, y in np.vstack([start, end]) if x == 0.0}
    assert ends_at_zero == {round(at_zero, 12), round(other_side, 12)}
    # The value at 0 is a filled dot in the line's colour; the other side's limit an open one.
    dots = [other for other in ax.get_lines() if other.get_marker() == "o"]
    filled = [dot for dot in dots if dot.get_markerfacecolor() != "white"]
    hollow = [dot for dot in dots if dot.get_markerfacecolor() == "white"]
    assert len(filled) == 1 and len(hollow) == 1
    np.testing.assert_allclose(filled[0].get_xydata(), [[0.0, at_zero]], rtol=1e-12, atol=0)
    np.testing.assert_allclose(hollow[0].get_xydata(), [[0.0, other_side]], rtol=1e-12, atol=0)
    assert filled[0].get_color() == line.get_color()
    np.testing.assert_allclose(float(mlp.get_activation(name).derivative(0.0)), at_zero, rtol=1e-12)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "elu", "softplus", "gaussian", "softmax", "linear"])
def test_continuous_curves_are_drawn_unbroken_without_dots(name):
    fig, ax = plot_activation(name, z_min=-4.0, z_max=4.0, n_points=101)
    lines = lines_by_label(ax)
    for label in ("f(z)", "f'(z)"):
        y = lines[label].get_ydata()
        assert len(y) == 101 and not np.isnan(y).any(), label
    assert not [line for line in ax.get_lines() if line.get_marker() == "o"]


def test_a_jump_between_grid_points_is_found_where_it_is():
    """The search is not told where the jumps are: a made-up step at z = 0.3 is found at 0.3."""
    from mlp.plotting import _broken_at, _jumps

    def step(z):
        return np.where(np.asarray(z) >= 0.3, 2.0, -1.0)

    z = np.linspace(-1.0, 1.0, 8)  # 0.3 is not a grid point
    (c,) = _jumps(step, z, step(z))
    assert c == 0.3
    x, y = _broken_at(z, step(z), step, [c])
    assert np.isnan(y).sum() == 1 and len(x) == len(z) + 3
    k = int(np.flatnonzero(np.isnan(y))[0])
    assert (x[k - 1], y[k - 1], x[k + 1], y[k + 1]) == (0.3, -1.0, 0.3, 2.0)
    np.testing.assert_array_equal(np.sort(x[~np.isnan(y)]), np.sort(np.append(z, [0.3, 0.3])))


def test_softmax_plots_its_first_component_against_a_zero():
    fig, ax = plot_activation("softmax")
    lines = lines_by_label(ax)
    z = lines["f(z)"].get_xdata()
    # softmax([z, 0])[0] = e^z / (e^z + 1) = sigmoid(z), and its diagonal derivative is s (1 - s).
    np.testing.assert_allclose(lines["f(z)"].get_ydata(), sigmoid(z), atol=1e-15)
    np.testing.assert_allclose(lines["f'(z)"].get_ydata(), sigmoid_derivative(z), atol=1e-15)
    assert "softmax([z, 0])" in ax.get_title()


def test_activation_rejects_unknown_name_and_empty_range():
    with pytest.raises(ValueError, match="unknown activation 'relux'.*did you mean 'relu'"):
        plot_activation("relux")
    with pytest.raises(ValueError, match="z_min must be smaller than z_max"):
        plot_activation("tanh", z_min=1.0, z_max=1.0)


# --- plot_loss_curves -----------------------------------------------------------------


def test_loss_curves_show_training_and_validation_loss(trained):
    model, history = trained
    fig, ax = plot_loss_curves(history)
    lines = ax.get_lines()
    assert len(lines) == 2
    train, val = lines
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(train.get_ydata(), history.train_loss)
    np.testing.assert_array_equal(val.get_ydata(), history.val_loss)
    assert "diverged" not in ax.get_title()
    assert ax.get_yscale() == "linear"


def test_accuracy_curves_and_log_scale(trained):
    model, history = trained
    fig, ax = plot_loss_curves(history, metric="accuracy", log=True)
    lines = lines_by_label(ax)
    np.testing.assert_array_equal(lines["training accuracy"].get_ydata(), history.train_accuracy)
    np.testing.assert_array_equal(lines["validation accuracy"].get_ydata(), history.val_accuracy)
    assert ax.get_yscale() == "log"


def test_loss_curves_without_validation_data(data):
    X, y, _, _ = data
    history = mlp.MLP([2, 4, 1], seed=0).fit(X, y, epochs=3, progress=False)
    fig, ax = plot_loss_curves(history)
    assert [line.get_label() for line in ax.get_lines()] == ["training loss"]


def test_diverged_run_is_marked_at_its_last_epoch(data):
    X, _, _, _ = data
    model = mlp.MLP([2, 16, 1], output_activation="linear", seed=0)
    with pytest.warns(mlp.DivergenceWarning):
        history = model.fit(X, 3 * X[:, 0] + 1, epochs=200, learning_rate=0.5, progress=False)
    assert history.diverged
    fig, ax = plot_loss_curves(history, log=True)
    assert "diverged" in ax.get_title()
    marker = [line for line in ax.get_lines() if line.get_marker() == "x"]
    assert len(marker) == 1
    assert marker[0].get_xdata() == [history.epoch[-1]]
    assert marker[0].get_ydata() == [history.train_loss[-1]]
    with pytest.raises(ValueError, match="no accuracy.*regression"):
        plot_loss_curves(history, metric="accuracy")


def test_loss_curves_reject_bad_input(trained):
    with pytest.raises(ValueError, match="no epochs"):
        plot_loss_curves(mlp.History())
    with pytest.raises(ValueError, match="metric must be 'loss' or 'accuracy'; got 'acc'"):
        plot_loss_curves(trained[1], metric="acc")


# --- plot_decision_boundary -----------------------------------------------------------


def test_decision_boundary_binary(data):
    X, y, X_val, y_val = data
    model = mlp.MLP([2, 1], seed=0)
    model.set_weights({"W1": [[1.0], [0.0]], "b1": [0.0]})  # P(class 1) = sigmoid(x_1)
    fig, ax = plot_decision_boundary(model, X, y, padding=0.5, X_val=X_val, y_val=y_val)

    train_points, val_points = scatters(ax)
    np.testing.assert_array_equal(train_points.get_offsets(), X)
    np.testing.assert_array_equal(val_points.get_offsets(), X_val)
    # Points are coloured by label: class 1 blue, class 0 red.
    colors = train_points.get_facecolors()
    assert np.all(colors[y == 1, 2] > colors[y == 1, 0]) and np.all(colors[y == 0, 0] > colors[y == 0, 2])

    # The grid covers the data plus the padding.
    np.testing.assert_allclose(ax.get_xlim(), [X[:, 0].min() - 0.5, X[:, 0].max() + 0.5])
    np.testing.assert_allclose(ax.get_ylim(), [X[:, 1].min() - 0.5, X[:, 1].max() + 0.5])
    heatmap, boundary = contour_sets(ax)
    np.testing.assert_allclose(heatmap.levels, np.linspace(0, 1, 11))
    # The 0.5 contour of sigmoid(x_1) is the vertical line x_1 = 0.
    assert list(boundary.levels) == [0.5]
    vertices = np.concatenate([path.vertices for path in boundary.get_paths()])
    np.testing.assert_allclose(vertices[:, 0], 0.0, atol=1e-3)  # up to linear interpolation

    colorbar_axes = fig.axes[1]
    assert colorbar_axes.get_ylabel() == "P(class 1)"


def test_decision_boundary_multiclass_uses_one_level_per_class():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 2)), np.arange(30) % 3
    model = mlp.MLP([2, 8, 3], output_activation="softmax", seed=0)
    fig, ax = plot_decision_boundary(model, X, y, resolution=30)
    (regions,) = contour_sets(ax)
    np.testing.assert_allclose(regions.levels, [-0.5, 0.5, 1.5, 2.5])
    (points,) = scatters(ax)
    assert len(points.get_offsets()) == 30
    # Points of the same class share a colour; the three classes have three colours.
    colors = points.get_facecolors()
    assert len({tuple(color) for color in colors}) == 3
    np.testing.assert_array_equal(colors[0], colors[3])
    assert len(fig.axes) == 1  # no colorbar for classes


def test_decision_boundary_rejects_bad_input(data, trained):
    X, y, X_val, y_val = data
    model = trained[0]
    with pytest.raises(ValueError, match=r"must have shape \(m, 2\).*got shape \(40, 3\)"):
        plot_decision_boundary(model, np.ones((40, 3)), y)
    with pytest.raises(ValueError, match=r"1-D array of shape \(40,\)"):
        plot_decision_boundary(model, X[:, 0], y)
    with pytest.raises(ValueError, match="X has 40 examples but y has 39 labels"):
        plot_decision_boundary(model, X, y[:-1])
    with pytest.raises(ValueError, match=r"y_val contains the label 2 .* 2 classes; expected labels 0..1"):
        plot_decision_boundary(model, X, y, X_val=X_val, y_val=y_val + 1)
    with pytest.raises(ValueError, match="both X_val and y_val"):
        plot_decision_boundary(model, X, y, X_val=X_val)
    regression = mlp.MLP([2, 4, 1], output_activation="linear", seed=0)
    with pytest.raises(ValueError, match="needs a classifier"):
        plot_decision_boundary(regression, X, y)


# --- plot_network ---------------------------------------------------------------------


def test_network_from_layer_sizes():
    fig, ax = plot_network([2, 16, 1], max_units_shown=10)
    circles = [patch for patch in ax.patches if isinstance(patch, Circle)]
    assert len(circles) == 2 + 10 + 1
    texts = [text.get_text() for text in ax.texts]
    assert "W1 (2, 16)\nb1 (16,)" in texts and "W2 (16, 1)\nb2 (1,)" in texts
    assert "X (m, 2)\n2 features" in texts and "A1 (m, 16)\n16 units" in texts and "A2 (m, 1)\n1 unit" in texts
    assert texts.count("⋮") == 1 and "16 units" in texts
    # The "⋮" sits between the top and the bottom half of the hidden layer's 10 circles.
    (dots,) = [text for text in ax.texts if text.get_text() == "⋮"]
    x, y = dots.get_position()
    hidden = sorted(circle.center[1] for circle in circles if circle.center[0] == x)
    assert len(hidden) == 10 and hidden[4] < y < hidden[5]
    assert not ax.axison
    assert ax.get_aspect() == 1.0


def test_network_names_its_layers_above_them_and_gives_their_sizes_below():
    fig, ax = plot_network([2, 16, 8, 1])
    circles = [patch for patch in ax.patches if isinstance(patch, Circle)]
    columns = sorted({circle.center[0] for circle in circles})
    top = max(circle.center[1] for circle in circles)
    bottom = min(circle.center[1] for circle in circles)
    by_text = {text.get_text(): text for text in ax.texts}
    names = ["input", "hidden 1", "hidden 2", "output"]
    sizes = ["X (m, 2)\n2 features", "A1 (m, 16)\n16 units", "A2 (m, 8)\n8 units", "A3 (m, 1)\n1 unit"]
    for number, (name, size) in enumerate(zip(names, sizes)):
        x, y = by_text[name].get_position()
        assert x == columns[number] and y > top  # the name above its own column of units
        x, y = by_text[size].get_position()
        assert x == columns[number] and y < bottom  # the shape and the size below it
    # The input layer only holds the data: grey, like its units; the layers that compute are black.
    assert by_text["input"].get_color() == "dimgray" and by_text["hidden 1"].get_color() == "black"
    assert "16 units" in by_text and "⋮" in by_text  # the truncated hidden layer still says its size
    fig, ax = plot_network([3, 4])  # no hidden layer: the one layer that computes is the output
    texts = [text.get_text() for text in ax.texts]
    assert {"input", "output"} <= set(texts) and not any("hidden" in text for text in texts)
    fig, ax = plot_network([30, 2], max_units_shown=10)
    assert "30 features" in [text.get_text() for text in ax.texts]


@pytest.mark.parametrize("sizes", [[2, 16, 1], [3, 4], [64, 100, 10], [784, 512, 512, 10], [2, 8, 8, 8, 1]])
def test_network_labels_fit_without_overlapping(sizes):
    """Every label inside the Axes, none on top of another (lesson 10 draws [64, 100, 10])."""
    fig, ax = plot_network(mlp.MLP(sizes, seed=0) if len(sizes) > 2 else sizes)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    boxes = [(text.get_text(), text.get_window_extent(renderer)) for text in ax.texts]
    for label, box in boxes:
        assert inside.x0 - 1 <= box.x0 and box.x1 <= inside.x1 + 1, label
        assert inside.y0 - 1 <= box.y0 and box.y1 <= inside.y1 + 1, label
    for i, (label, box) in enumerate(boxes):
        for other, other_box in boxes[i + 1:]:
            assert not box.overlaps(other_box), (label, other)


def test_network_labels_keep_the_figure_size():
    """Lessons store "<Figure size 495x634.5 with 1 Axes>" as text, which nbval compares."""
    for sizes, inches in [([2, 16, 1], (4.95, 6.345)), ([2, 4, 1], (4.95, 3.195)), ([3, 4], (3.15, 3.195))]:
        fig, ax = plot_network(sizes)
        np.testing.assert_allclose(fig.get_size_inches(), inches)


def test_network_from_model_shows_activations():
    model = mlp.MLP([3, 5, 4, 2], hidden_activation="tanh", output_activation="softmax", seed=0)
    fig, ax = plot_network(model)
    circles = [patch for patch in ax.patches if isinstance(patch, Circle)]
    assert len(circles) == 3 + 5 + 4 + 2
    texts = [text.get_text() for text in ax.texts]
    assert "A1 (m, 5)\ntanh\n5 units" in texts and "A3 (m, 2)\nsoftmax\n2 units" in texts
    assert "X (m, 3)\n3 features" in texts
    assert "W3 (4, 2)\nb3 (2,)" in texts
    assert "⋮" not in texts


def test_network_rejects_bad_sizes():
    with pytest.raises(ValueError, match="layer_sizes must be a list"):
        plot_network([2])
    with pytest.raises(ValueError, match=r"layer_sizes\[1\] must be a positive integer"):
        plot_network([2, 0, 1])


# --- plot_learning_rates --------------------------------------------------------------


def test_learning_rates_plot_the_schedule():
    schedule = StepDecay(0.5, drop=0.5, every=10)
    fig, ax = plot_learning_rates(schedule, 25)
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), np.arange(25))
    np.testing.assert_array_equal(line.get_ydata(), learning_rates(schedule, 25))
    assert line.get_ydata()[10] == 0.25
    assert "StepDecay" in ax.get_title()


def test_learning_rates_reject_a_number():
    with pytest.raises(TypeError, match="schedule must be a callable"):
        plot_learning_rates(0.1, 10)


# --- drawing on a given Axes ----------------------------------------------------------


@pytest.mark.parametrize("draw", [
    lambda ax, model, history, data: plot_activation("tanh", ax=ax),
    lambda ax, model, history, data: plot_loss_curves(history, ax=ax),
    lambda ax, model, history, data: plot_decision_boundary(model, data[0], data[1], ax=ax, resolution=20),
    lambda ax, model, history, data: plot_network(model, ax=ax),
    lambda ax, model, history, data: plot_learning_rates(StepDecay(0.1), 5, ax=ax),
], ids=["activation", "loss_curves", "decision_boundary", "network", "learning_rates"])
def test_draws_on_the_given_axes(draw, trained, data):
    fig, (left, right) = plt.subplots(1, 2)
    returned_fig, returned_ax = draw(right, *trained, data)
    assert returned_fig is fig and returned_ax is right
    assert right.has_data() and not left.has_data()
    assert len(plt.get_fignums()) == 1  # no extra figure
