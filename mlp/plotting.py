"""Plots for the lessons: activations, training curves, decision boundaries, network diagrams.

Every function takes an optional ``ax`` (a matplotlib Axes to draw on; a new figure
is made when it is None) and returns ``(fig, ax)``. Nothing here calls ``plt.show()``:
Jupyter shows the figure by itself; in a script call ``plt.show()`` or ``fig.savefig(...)``.

    >>> fig, ax = plot_activation("relu")
    >>> fig, ax = plot_loss_curves(history, log=True)
    >>> fig, ax = plot_decision_boundary(model, X, y)
    >>> fig, ax = plot_network(model)
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Circle

from .activations import get_activation
from .checks import check_layer_sizes, check_matrix, check_positive, check_same_length
from .network import MLP
from .schedules import learning_rates
from .targets import class_labels


def _figure_and_axes(ax, figsize=None):
    """(fig, ax): a new figure with one Axes when ax is None, else ax and its figure."""
    if ax is None:
        return plt.subplots(figsize=figsize, layout="constrained")
    return ax.figure, ax


# --- activation functions ------------------------------------------------------------


def plot_activation(name, z_min=-5.0, z_max=5.0, ax=None, n_points=401):
    """Plot an activation f(z) and its derivative f'(z) for z in [z_min, z_max].

    Softmax is not elementwise (it maps a vector to a vector), so for "softmax" the plot
    shows s(z) = softmax([z, 0])[0], the first of two outputs, and its derivative along
    that input, ds/dz = s (1 - s): the diagonal entry of softmax's Jacobian.

    Where a curve jumps (the derivative of ReLU, leaky ReLU and SELU at z = 0), the line
    is broken: each side is drawn up to the jump, with no vertical segment, a filled dot
    marks the value the function takes there (ReLU'(0) = 0, the convention of
    ``mlp.activations``) and an open dot the other side's limit.

    Parameters
    ----------
    name : activation name, e.g. "relu" (see ``mlp.activations``); ValueError if unknown.
    z_min, z_max : the range of z, z_min < z_max.
    ax : matplotlib Axes to draw on, or None for a new figure.
    n_points : number of z values.

    Returns
    -------
    fig, ax
    """
    activation = get_activation(name)
    if not z_min < z_max:
        raise ValueError(f"z_min must be smaller than z_max; got z_min={z_min!r}, z_max={z_max!r}")
    n_points = check_positive(n_points, "n_points", integer=True)
    z = np.linspace(z_min, z_max, n_points)  # (n_points,)
    if activation.elementwise:
        f_of, df_of = activation.function, activation.derivative
        title = activation.name
    else:
        def f_of(z):
            return activation.function(np.column_stack([z, np.zeros_like(z)]))[:, 0]  # first component s

        def df_of(z):
            return activation.derivative(np.column_stack([z, np.zeros_like(z)]))[:, 0, 0]  # ds_0/dz_0 = s (1 - s)

        title = f"{activation.name}: first component of {activation.name}([z, 0])"
    f, df = f_of(z), df_of(z)

    fig, ax = _figure_and_axes(ax)
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.axvline(0.0, color="black", linewidth=0.8)
    for values, function, style in [(f, f_of, dict(label="f(z)", linewidth=2)),
                                    (df, df_of, dict(label="f'(z)", linewidth=2, linestyle="--"))]:
        jumps = _jumps(function, z, values)
        xs, ys = _broken_at(z, values, function, jumps)
        (line,) = ax.plot(xs, ys, **style)
        for c in jumps:  # the value the function takes at a jump: a filled dot; the other side: an open one
            value, left, right = (float(v) for v in function(np.array([c, np.nextafter(c, -np.inf),
                                                                       np.nextafter(c, np.inf)])))
            other = right if abs(value - left) <= abs(value - right) else left
            ax.plot([c], [other], "o", markersize=6, markerfacecolor="white", color=line.get_color(),
                    zorder=4, label="_open")
            ax.plot([c], [value], "o", markersize=6, color=line.get_color(), zorder=5, label="_value")
    ax.set(title=title, xlabel="z")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return fig, ax


def _jumps(function, z, values, tolerance=1e-6):
    """The points of (z[0], z[-1]) where ``function`` jumps, found by bisecting every grid interval.

    Halving an interval again and again keeps the half whose end values differ more. Where the
    function is continuous, the difference shrinks with the interval; at a jump it stays the size
    of the jump, down to two neighbouring floats. A location within 1e-9 of a round number (0)
    is reported as that number.
    """
    a, b = z[:-1].copy(), z[1:].copy()
    fa, fb = values[:-1].copy(), values[1:].copy()
    threshold = tolerance * max(1.0, float(np.nanmax(np.abs(values))))
    candidates = np.abs(fb - fa) > threshold
    a, b, fa, fb = a[candidates], b[candidates], fa[candidates], fb[candidates]
    for _ in range(200):  # 200 halvings shrink any interval of the grid to two neighbouring floats
        if a.size == 0:
            break
        middle = a + (b - a) / 2
        fm = function(middle)
        left = np.abs(fm - fa) >= np.abs(fb - fm)  # the jump (if any) is in the left half
        b, fb = np.where(left, middle, b), np.where(left, fm, fb)
        a, fa = np.where(left, a, middle), np.where(left, fa, fm)
    jumps = []
    for low, high, f_low, f_high in zip(a, b, fa, fb):
        if abs(f_high - f_low) > threshold:
            rounded = round((low + high) / 2, 9) + 0.0  # + 0.0 turns -0.0 into 0.0
            jumps.append(rounded if low <= rounded <= high else float(low))
    return sorted(set(jumps))


def _broken_at(z, values, function, jumps):
    """The points of a curve with a break at every jump c: ..., (c, left limit), NaN, (c, right limit), ..."""
    xs, ys = [z], [values]
    for c in jumps:
        keep = xs[-1] != c
        x, y = xs.pop()[keep], ys.pop()[keep]
        k = np.searchsorted(x, c)
        left, right = function(np.array([np.nextafter(c, -np.inf), np.nextafter(c, np.inf)]))
        xs += [x[:k], np.array([c, c, c]), x[k:]]
        ys += [y[:k], np.array([left, np.nan, right]), y[k:]]
    return np.concatenate(xs), np.concatenate(ys)


# --- training curves -----------------------------------------------------------------


def plot_loss_curves(history, ax=None, metric="loss", log=False):
    """Plot the training (and validation, if measured) loss or accuracy against the epoch.

    If training diverged, the last complete epoch is marked with a red x.

    Parameters
    ----------
    history : the ``mlp.History`` returned by ``model.fit``.
    ax : matplotlib Axes to draw on, or None for a new figure.
    metric : "loss" or "accuracy" (classifiers only).
    log : use a logarithmic y-axis, to see small losses keep decreasing.

    Returns
    -------
    fig, ax
    """
    if metric not in ("loss", "accuracy"):
        raise ValueError(f"metric must be 'loss' or 'accuracy'; got {metric!r}")
    if not history.epoch:
        raise ValueError(f"the history has no epochs to plot ({history.message or 'not trained'})")
    train, val = getattr(history, f"train_{metric}"), getattr(history, f"val_{metric}")
    if train[0] is None:
        raise ValueError("this history has no accuracy: the network is a regression network "
                         "(its accuracies are None); plot metric='loss' instead")

    fig, ax = _figure_and_axes(ax)
    ax.plot(history.epoch, train, label=f"training {metric}")
    if val:
        ax.plot(history.epoch, val, label=f"validation {metric}")
    title = f"{metric.capitalize()} per epoch"
    if history.diverged:
        ax.plot(history.epoch[-1], train[-1], "x", color="red", markersize=12, markeredgewidth=3,
                label="last epoch before divergence")
        title += " (diverged)"
    if log:
        ax.set_yscale("log")
    ax.set(title=title, xlabel="epoch", ylabel=metric)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return fig, ax


def plot_learning_rates(schedule, epochs, ax=None):
    """Plot the learning rate alpha_t of a schedule for the epochs t = 0, ..., epochs - 1.

    The learning rate is constant during an epoch, so the curve is drawn as steps.

    Parameters
    ----------
    schedule : a callable epoch -> learning rate, e.g. ``mlp.StepDecay(0.5, every=10)``.
    epochs : number of epochs to show.
    ax : matplotlib Axes to draw on, or None for a new figure.

    Returns
    -------
    fig, ax
    """
    if not callable(schedule):
        raise TypeError(f"schedule must be a callable epoch -> learning rate, e.g. mlp.StepDecay(0.5); "
                        f"got {type(schedule).__name__} {schedule!r}")
    epochs = check_positive(epochs, "epochs", integer=True)
    rates = learning_rates(schedule, epochs)
    fig, ax = _figure_and_axes(ax)
    ax.plot(range(epochs), rates, drawstyle="steps-post", linewidth=2)
    ax.set(title=getattr(schedule, "__name__", repr(schedule)), xlabel="epoch t",
           ylabel="learning rate $\\alpha_t$")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    return fig, ax


# --- decision boundary ---------------------------------------------------------------


def _n_classes(model):
    """The number of classes of a classifier: 2 for 1 sigmoid unit, C for C softmax units."""
    name = model.output_activation.name
    if name == "sigmoid" and model.n_outputs == 1:
        return 2
    if name == "softmax":
        return model.n_outputs
    raise ValueError(f"a decision boundary needs a classifier with 1 sigmoid unit or a softmax output; this "
                     f"network's output is {model.n_outputs} {name!r} unit(s)")


def _check_points(X, y, n_classes, x_name, y_name):
    """Check 2-D points X of shape (m, 2) and their class labels y of shape (m,)."""
    X = check_matrix(X, x_name)
    if X.shape[1] != 2:
        raise ValueError(f"a decision boundary is drawn in the plane, so {x_name} must have shape (m, 2), "
                         f"2 features per example; got shape {X.shape}")
    y = class_labels(y, name=y_name)
    if y.max() >= n_classes:
        raise ValueError(f"{y_name} contains the label {y.max()} but the model tells apart {n_classes} classes; "
                         f"expected labels 0..{n_classes - 1}")
    check_same_length(X, y, x_name, y_name)
    return X, y


def _class_colors(n_classes):
    """One colour per class: red and blue (the ends of "RdBu") for 2, else the "tab10" colours."""
    if n_classes == 2:
        cmap = matplotlib.colormaps["RdBu"]
        return [cmap(0.1), cmap(0.9)]
    cmap = matplotlib.colormaps["tab10" if n_classes <= 10 else "tab20"]
    return [cmap(k % cmap.N) for k in range(n_classes)]


def plot_decision_boundary(model, X, y, ax=None, resolution=200, padding=0.5, X_val=None, y_val=None):
    """Colour the plane by the model's prediction and draw the labelled points on top.

    Binary (1 sigmoid unit): a heatmap of P(class 1) with the decision boundary P = 0.5.
    Multiclass (softmax): one colour per predicted class. Training points are circles,
    validation points triangles, each coloured by its true label.

    Parameters
    ----------
    model : a trained classifier ``mlp.MLP`` with 2 input features.
    X : (m, 2) points; y : (m,) class labels.
    ax : matplotlib Axes to draw on, or None for a new figure.
    resolution : number of grid points along each axis.
    padding : margin around the data, in the units of X.
    X_val, y_val : optional validation points and labels.

    Returns
    -------
    fig, ax
    """
    n_classes = _n_classes(model)
    X, y = _check_points(X, y, n_classes, "X", "y")
    if (X_val is None) != (y_val is None):
        raise ValueError("give both X_val and y_val, or neither")
    resolution = check_positive(resolution, "resolution", integer=True)

    if X_val is not None:
        X_val, y_val = _check_points(X_val, y_val, n_classes, "X_val", "y_val")
    # A grid of resolution x resolution points covering all the points drawn, plus the padding.
    shown = X if X_val is None else np.vstack([X, X_val])
    x0 = np.linspace(shown[:, 0].min() - padding, shown[:, 0].max() + padding, resolution)
    x1 = np.linspace(shown[:, 1].min() - padding, shown[:, 1].max() + padding, resolution)
    grid_x0, grid_x1 = np.meshgrid(x0, x1)  # each (resolution, resolution)
    grid = np.column_stack([grid_x0.ravel(), grid_x1.ravel()])  # (resolution**2, 2)
    colors = _class_colors(n_classes)

    fig, ax = _figure_and_axes(ax, figsize=(6.5, 5) if n_classes == 2 else (5.5, 5))
    if n_classes == 2:
        P = model.predict_proba(grid)[:, 0].reshape(grid_x0.shape)  # P(class 1)
        heatmap = ax.contourf(grid_x0, grid_x1, P, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.45)
        ax.contour(grid_x0, grid_x1, P, levels=[0.5], colors="black", linewidths=2)
        fig.colorbar(heatmap, ax=ax, label="P(class 1)")
    else:
        classes = model.predict(grid).reshape(grid_x0.shape)
        ax.contourf(grid_x0, grid_x1, classes, levels=np.arange(n_classes + 1) - 0.5, colors=colors, alpha=0.4)

    point_colors = [colors[label] for label in y]
    ax.scatter(X[:, 0], X[:, 1], c=point_colors, edgecolors="black", s=30, label="training")
    if X_val is not None:
        ax.scatter(X_val[:, 0], X_val[:, 1], c=[colors[label] for label in y_val], marker="^",
                   edgecolors="black", s=50, label="validation")
        legend = ax.legend()
        for handle in legend.legend_handles:  # the markers' shapes matter here, not their colours
            handle.set_facecolor("white")
    ax.set(title="Decision boundary" if n_classes == 2 else "Predicted class",
           xlabel="$x_1$", ylabel="$x_2$")
    return fig, ax


# --- network diagram -----------------------------------------------------------------

_LAYER_SPACING = 4.0  # horizontal distance between layers, in units of the vertical unit spacing
_RADIUS = 0.3


def _unit_positions(n_units, max_units_shown):
    """Heights of the circles drawn for a layer, centred on 0, and of the gap (None if all are drawn).

    With more units than max_units_shown, the top half and the bottom half are drawn
    and a gap is left in the middle for a "⋮".
    """
    shown = min(n_units, max_units_shown)
    truncated = n_units > max_units_shown
    slots = shown + truncated  # one extra slot for the gap
    heights = (slots - 1) / 2 - np.arange(slots)  # top to bottom, spacing 1
    if not truncated:
        return heights, None
    gap = (shown + 1) // 2  # the slot after the top half
    return np.delete(heights, gap), heights[gap]


def plot_network(layer_sizes_or_model, ax=None, max_units_shown=10):
    """Draw a network: a column of units per layer, the connections, and every shape.

    Above each layer: its name, "input", "hidden 1", ..., "output". The input layer is
    drawn in grey: it only holds the data and computes nothing, so it is not counted when
    a network's layers are counted. Under each layer: its activation matrix and shape, for
    m examples ("X (m, 2)" for the input, "A1 (m, 16)" and the activation for the others),
    and its size ("2 features", "16 units"); above each connection: the shapes of its
    weights and biases ("W1 (2, 16)", "b1 (16,)").

    Parameters
    ----------
    layer_sizes_or_model : a list of layer sizes such as [2, 16, 1], or an ``mlp.MLP``
        (its activations are then shown too).
    ax : matplotlib Axes to draw on, or None for a new figure.
    max_units_shown : at most this many units are drawn per layer; larger layers show
        a "⋮" and their true size.

    Returns
    -------
    fig, ax
    """
    if isinstance(layer_sizes_or_model, MLP):
        sizes = layer_sizes_or_model.layer_sizes
        activations = [layer.activation.name for layer in layer_sizes_or_model.layers]
    else:
        sizes = check_layer_sizes(layer_sizes_or_model)
        activations = None
    max_units_shown = check_positive(max_units_shown, "max_units_shown", integer=True)
    positions = [_unit_positions(n, max_units_shown) for n in sizes]
    top = max(heights.max() for heights, gap in positions) + _RADIUS
    bottom = min(heights.min() for heights, gap in positions) - _RADIUS

    width, height = (len(sizes) - 1) * _LAYER_SPACING + 3, top - bottom + 3.5
    fig, ax = _figure_and_axes(ax, figsize=(0.45 * width, 0.45 * height))
    fills = ["#d9d9d9"] + ["#9ecae1"] * (len(sizes) - 2) + ["#fdae6b"]  # input, hidden, output

    for number, (n_units, (heights, gap)) in enumerate(zip(sizes, positions)):
        x = number * _LAYER_SPACING
        for h in heights:
            ax.add_patch(Circle((x, h), _RADIUS, facecolor=fills[number], edgecolor="black", zorder=3))
        if gap is not None:
            ax.text(x, gap, "⋮", ha="center", va="center", fontsize=14, zorder=3)
            size = f"{n_units} {'features' if number == 0 else 'units'}"
            ax.text(x + 1.5 * _RADIUS, gap, size, ha="left", va="center", fontsize=9, zorder=3,
                    bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"))
        name = "input" if number == 0 else "output" if number == len(sizes) - 1 else f"hidden {number}"
        ax.text(x, top + 0.4, name, ha="center", va="bottom", fontsize=10, fontweight="bold",
                color="dimgray" if number == 0 else "black")
        label = "X" if number == 0 else f"A{number}"
        label += f" (m, {n_units})"
        if activations and number > 0:
            label += f"\n{activations[number - 1]}"
        what = "feature" if number == 0 else "unit"
        label += f"\n{n_units} {what}{'s' if n_units > 1 else ''}"
        ax.text(x, bottom - 0.4, label, ha="center", va="top", fontsize=10)

    for number, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        x_in, x_out = (number - 1) * _LAYER_SPACING, number * _LAYER_SPACING
        heights_in, heights_out = positions[number - 1][0], positions[number][0]
        segments = [[(x_in, h_in), (x_out, h_out)] for h_in in heights_in for h_out in heights_out]
        ax.add_collection(LineCollection(segments, colors="gray", linewidths=0.5, alpha=0.6, zorder=1))
        ax.text((x_in + x_out) / 2, top + 0.4, f"W{number} ({n_in}, {n_out})\nb{number} ({n_out},)",
                ha="center", va="bottom", fontsize=10)

    ax.set_xlim(-1.5, (len(sizes) - 1) * _LAYER_SPACING + 1.5)
    ax.set_ylim(bottom - 2.0, top + 1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax
