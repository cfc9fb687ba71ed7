"""The explorers' panel (mlp/widgets/canvas.py): the figure it sends, its static picture, its buttons."""

import base64
import io

import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
import numpy as np
import pytest
import traitlets
from PIL import Image

from mlp.widgets.canvas import CanvasPanel, axes, button, choice, image, line, points, render_figure, slider, text


class Parabola(CanvasPanel):
    """y = a x² on [-1, 1], with a log slider for a, a colour choice and a button that doubles a."""

    css_class = traitlets.Unicode("parabola").tag(sync=True)
    a = traitlets.Float(1.0).tag(sync=True)
    colour = traitlets.Unicode("red").tag(sync=True)
    REDRAW = ("a", "colour")

    def __init__(self, **kwargs):
        super().__init__(controls=[slider("a", "a", 0.01, 100, 0.1, log=True), choice("colour", "colour", ["red", "blue"]),
                                   button("double", "double a")], **kwargs)
        self.draws = 0
        self.redraw()

    def on_double(self):
        self.a *= 2

    def draw(self):
        self.draws += 1
        x = np.linspace(-1, 1, 5)
        return [axes((50, 20, 300, 200), [line(x, self.a * x**2, colour=self.colour, label="a x²")], (-1, 1),
                     (0.001, 100), title=f"a = {self.a:g}", ylog=True, legend="upper right")], f"a {self.a:g}"


def test_a_change_of_a_redraw_trait_redraws_and_the_readout_follows():
    panel = Parabola()
    assert panel.readout == "a 1" and panel.draws == 1
    panel.a = 3.0
    (picture,) = panel.figure["axes"]
    assert panel.readout == "a 3" and picture["title"] == "a = 3" and panel.draws == 2
    assert picture["items"][0]["y"] == [3.0, 0.75, 0.0, 0.75, 3.0]
    panel.colour = "blue"
    assert panel.figure["axes"][0]["items"][0]["colour"] == "blue"


def test_a_button_message_calls_its_method_and_nothing_else_does():
    panel = Parabola()
    panel._on_message(panel, {"do": "double"}, [])
    assert panel.a == 2.0 and panel.readout == "a 2"
    for content in ({"do": "draw"}, {"do": "redraw"}, {"do": "a"}, "double", None):  # only declared buttons
        panel._on_message(panel, content, [])
    assert panel.a == 2.0 and panel.draws == 2


def test_controls_describe_what_the_page_draws():
    log = slider("learning_rate", "learning rate", 1e-4, 10, 0.1, log=True)
    assert (log["min"], log["max"], log["step"], log["log"]) == (pytest.approx(-4), pytest.approx(1), 0.1, True)
    menu = choice("mode", "mode", [True, False], ["on", "off"], menu=True)
    assert menu["kind"] == "select" and menu["options"] == [True, False] and menu["labels"] == ["on", "off"]
    assert choice("mode", "mode", ["a", "b"])["kind"] == "toggle"


def test_numbers_that_are_not_finite_become_gaps():
    item = line([0, 1, 2, 3], [1.0, np.nan, np.inf, 2.0])
    assert item["y"] == [1.0, None, None, 2.0]
    assert points([np.nan], [1])["x"] == [None]
    assert text("t", (np.inf, 0))["at"] == [None, 0.0]


def test_an_image_maps_low_to_0_and_high_to_255_row_by_row():
    values = np.array([[-1.0, 0.0, 1.0], [-5.0, 0.5, 5.0]])
    item = image(values, (0, 3, 0, 2))
    assert item["shape"] == [2, 3]
    assert list(item["bytes"]) == [0, 128, 255, 0, 191, 255]
    assert list(image(values, (0, 3, 0, 2), low=0, high=10)["bytes"]) == [0, 0, 26, 0, 13, 128]


def test_the_static_picture_is_the_same_figure_drawn_by_matplotlib():
    panel = Parabola(a=0.5)
    figure = panel.snapshot()
    try:
        (ax,) = figure.axes
        assert ax.get_title() == "a = 0.5" and ax.get_yscale() == "log"
        assert ax.get_xlim() == (-1, 1) and ax.get_ylim() == pytest.approx((0.001, 100))
        np.testing.assert_allclose(ax.lines[0].get_ydata(), 0.5 * np.linspace(-1, 1, 5) ** 2)
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a x²"]
        assert "a 0.5" in [t.get_text() for t in figure.texts]  # the readout
    finally:
        plt.close(figure)


def test_every_kind_of_item_draws_in_the_static_picture():
    values = np.linspace(-1, 1, 12).reshape(3, 4)
    figure = render_figure({"width": 400, "height": 300, "readout": "", "axes": [axes(
        (40, 20, 300, 240), [image(values, (0, 4, 0, 3)), points([1, 2], [1, np.nan], colours=["red", "blue"], marker="*"),
                             text("here", (2, 2), align="center"), line([0, 4], [0, 3], dash=[4, 2])],
        (0, 4), (0, 3), hide_ticks=True)]})
    try:
        (ax,) = figure.axes
        (picture,) = ax.images
        np.testing.assert_array_equal(picture.get_array(), np.round(255 * (values + 1) / 2).astype(np.uint8))
        assert picture.origin == "lower" and ax.texts[0].get_text() == "here"
        assert len(ax.collections) == 1 and ax.get_xticks().size == 0
    finally:
        plt.close(figure)


def test_its_output_carries_its_picture_and_one_line_for_static_pages():
    bundle = Parabola()._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/plain"] == "Parabola: an interactive widget (run the notebook to use it)"
    picture = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
    assert picture.size == (760, 330 + 34)  # the canvas, then two lines of readout


def test_the_static_picture_wraps_a_long_readout_inside_its_width():
    panel = Parabola()
    words = " · ".join(f"setting {k} is {k / 7:.5f}" for k in range(12))  # about 300 characters
    figure = render_figure({**panel.figure, "readout": words})
    try:
        shown = figure.texts[0]
        renderer = FigureCanvasAgg(figure).get_renderer()
        box = shown.get_window_extent(renderer)
        assert shown.get_text().count("\n") == 1, shown.get_text()
        assert shown.get_text().replace("\n", " ").startswith(words[:150])
        assert 0 <= box.x0 and box.x1 <= 760 and box.y0 >= 0, box
    finally:
        plt.close(figure)
