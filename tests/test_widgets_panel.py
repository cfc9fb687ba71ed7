"""Tests for the helpers that make the widgets redraw fast: pasted legends, frozen texts, pinned labels.

Each is checked against what matplotlib draws without it: the same pixels (legends are
alpha-blended once more: a level or two of rounding).
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from mlp.widgets.panel import LegendStamps, Stamp, freeze_texts, pin_label, tick_labels_shown  # noqa: E402

SIZE, DPI = (6.0, 3.0), 80


def figure_with_curves():
    figure = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.12, 0.18, 0.83, 0.72))
    x = np.linspace(0, 10, 200)
    ax.plot(x, np.sin(x), color="tab:blue", label="sin")
    ax.plot(x, 0.5 * np.cos(x), color="tab:orange", linestyle="--", label="cos / 2")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("two curves")
    return figure, ax


def pixels(figure):
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba()).astype(int)


def test_a_stamp_is_copied_or_blended():
    target = np.full((4, 5, 4), 200, dtype=np.uint8)
    Stamp(np.zeros((2, 2, 4), dtype=np.uint8), row=1, column=3, opaque=True).paste(target)
    assert (target[1:3, 3:5] == 0).all() and (target[0] == 200).all() and (target[1:3, :3] == 200).all()
    half = np.zeros((1, 1, 4), dtype=np.uint8)
    half[..., 3] = 255 // 2  # black at alpha 0.5 over 200: 100
    Stamp(half, row=0, column=0).paste(target)
    assert abs(int(target[0, 0, 0]) - 100) <= 1 and target[0, 0, 3] == 200
    Stamp().paste(target)  # an empty stamp pastes nothing
    Stamp(np.zeros((3, 3, 4), dtype=np.uint8), row=3, column=4, opaque=True).paste(target)  # clipped at the edge
    assert (target[3, 4] == 0).all()


@pytest.mark.parametrize("loc", ["upper right", "best"])
def test_a_pasted_legend_looks_like_the_real_one(loc):
    figure, ax = figure_with_curves()
    ax.legend(loc=loc, fontsize=8)
    expected = pixels(figure)
    ax.get_legend().remove()
    stamps = LegendStamps(SIZE, DPI)
    slot = stamps.slot()
    stamps.paste(slot, ax, ax.get_lines(), loc=loc, fontsize=8)
    drawn = pixels(figure).astype(np.uint8)
    slot.paste(drawn)
    assert np.abs(drawn.astype(int) - expected).max() <= 3
    assert ax.get_legend() is None  # "best" was resolved on the axes without leaving a legend there
    # the same legend again is pasted from the cache; another one is drawn
    stamps.paste(slot, ax, ax.get_lines(), loc=loc, fontsize=8)
    assert stamps.drawn == 1
    stamps.paste(slot, ax, [Line2D([], [], color="k", label="other")], loc=loc, fontsize=8)
    assert stamps.drawn == 2 and slot.visible
    stamps.paste(slot, ax, [], loc=loc)
    assert not slot.visible


def test_frozen_texts_and_pinned_labels_give_the_same_picture():
    figure, ax = figure_with_curves()
    expected = pixels(figure)
    pin_label(ax.xaxis)
    static = [[ax.xaxis.label], [ax.title], tick_labels_shown(ax.xaxis)]
    assert [label.get_text() for label in static[2]] == ["0", "2", "4", "6", "8", "10"]
    frozen = freeze_texts(figure, static)
    assert len(frozen) == 3
    for texts in static:
        for text in texts:
            text.set_visible(False)
    ax.tick_params(axis="x", labelbottom=False)
    ax.lines[0].set_ydata(np.sin(np.linspace(0, 10, 200)))  # the same data: nothing else changes
    drawn = pixels(figure)
    assert np.abs(drawn - expected).max() > 100  # the texts are gone from the drawing...
    drawn = drawn.astype(np.uint8)
    for stamp in frozen:
        stamp.paste(drawn)
    np.testing.assert_array_equal(drawn, expected)  # ...and back from their pixels


# --- where widgets do not run: the widget's output is its picture ------------------------------------

def _widgets():
    from mlp.widgets import ActivationExplorer, DescentExplorer, LearningRateExplorer, Playground

    return [ActivationExplorer(), DescentExplorer(), LearningRateExplorer(seed=0), Playground(seed=0)]


def test_a_widget_output_carries_its_picture_and_no_raw_vbox_line():
    """GitHub, nbviewer and nbconvert show the richest form they can: the PNG, not ``VBox(children=...)``."""
    import base64
    import io

    from PIL import Image

    for widget in _widgets():
        data = widget._repr_mimebundle_()
        data = data[0] if isinstance(data, tuple) else data
        assert "application/vnd.jupyter.widget-view+json" in data  # the live widget where widgets run
        assert "VBox" not in data["text/plain"] and type(widget).__name__ in data["text/plain"]
        picture = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
        assert picture.size == tuple(round(100 * s) for s in widget.figsize)
        spread = np.asarray(picture.convert("L")).std()
        assert spread > 10, f"{type(widget).__name__}'s static picture is blank"


def test_nbconvert_html_shows_the_picture_of_a_widget_cell():
    import nbformat
    from nbconvert import HTMLExporter

    from mlp.widgets import DescentExplorer

    data = DescentExplorer()._repr_mimebundle_()
    data = data[0] if isinstance(data, tuple) else data
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "DescentExplorer()", outputs=[nbformat.v4.new_output("execute_result", data=data, execution_count=1)])])
    html, _ = HTMLExporter().from_notebook_node(notebook)
    assert "data:image/png;base64," + data["image/png"][:40] in html
    assert "VBox(" not in html
