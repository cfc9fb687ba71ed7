"""What every explorer widget shares: a fixed-size figure shown as a PNG, and a readout line.

A widget redraws by rendering its matplotlib figure to PNG bytes and swapping them into an
``ipywidgets.Image`` of fixed size: no flicker, no jumping layout. The readout ``HTML`` line
is updated last, so "the readout shows the new value" means "the new picture is there"
(browser tests wait on it). Where widgets do not run (GitHub, nbviewer, nbconvert's HTML), the
widget's output shows its current picture instead (``_repr_mimebundle_``); ``snapshot()`` returns
the current figure, for tests and for a figure of one's own.

Redrawing fast (the bar: a new picture within 0.2 s of a slider change). A panel that redraws
often keeps its figure's axes and artists and only updates them (``set_data``, limits, texts,
visibility); ``figure.clear()`` and plotting again rebuild every axis, tick and legend. Text is
then the slowest thing left to draw, so the helpers here keep drawn text as pixels:
``LegendStamps`` draws each distinct legend once and pastes it; ``freeze_texts`` keeps the texts
that never change (axis labels, fixed tick labels and titles) from a layout's first draw, to be
hidden and pasted afterwards; ``pin_label`` stops matplotlib from placing an axis label again at
every draw. ``encode_png`` encodes with quick compression.

Outside a running front end (plain pytest) ipywidgets use a dummy comm: setting ``.value``
fires the observers at once, so every callback can be tested without a browser.
"""

from __future__ import annotations

import base64
import io
import math
import time
from collections import OrderedDict

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox
from PIL import Image


def render_png(figure: Figure, dpi: int = 80) -> bytes:
    """The figure as PNG bytes (rendered with Agg, whatever the notebook's backend)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def fixed_figure(figsize, dpi, **options) -> Figure:
    """A figure with an Agg canvas and no layout engine, whatever rcParams say: its axes stay
    where they are put, and nothing moves between redraws."""
    figure = Figure(figsize=figsize, dpi=dpi, **options)
    figure.set_layout_engine(None)
    if figure.get_layout_engine() is not None:  # rcParams ask for one
        figure.set_layout_engine("none")
    FigureCanvasAgg(figure)
    return figure


def encode_png(pixels) -> bytes:
    """RGBA (or RGB) pixels, an array or a canvas's ``buffer_rgba()``, as PNG bytes.

    Compression level 1: the PNG only travels to the browser, and level 1 encodes about twice
    as fast as the default for a file a few per cent larger.
    """
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(pixels)).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


class Stamp:
    """Pixels pasted over a figure's drawing, their top-left corner at (``row``, ``column``).

    RGBA pixels with transparency (a legend) are alpha-blended over what is there; ``opaque``
    ones (a rectangle of an earlier drawing) replace it. An empty stamp pastes nothing.
    """

    def __init__(self, pixels=None, row: int = 0, column: int = 0, opaque: bool = False):
        self.pixels, self.row, self.column, self.opaque = pixels, int(row), int(column), opaque
        self.visible = pixels is not None

    def paste(self, target: np.ndarray) -> None:
        """Paste into ``target``, an (height, width, 3 or 4) uint8 array of an opaque picture."""
        if not self.visible:
            return
        height, width = self.pixels.shape[:2]
        region = target[self.row:self.row + height, self.column:self.column + width]
        pixels = self.pixels[:region.shape[0], :region.shape[1]]
        if self.opaque:
            region[...] = pixels[..., :region.shape[2]]
            return
        alpha = pixels[..., 3:4].astype(np.uint16)  # straight (not premultiplied) alpha, as Agg draws
        region[..., :3] = (pixels[..., :3] * alpha + region[..., :3] * (255 - alpha) + 127) // 255


def pin_label(axis) -> None:
    """Keep ``axis``'s label where the last draw put it.

    Matplotlib places an axis label at every draw, away from the tick labels' bounding boxes
    (a few ms per axis). Where the tick labels never change size (x tick labels are always one
    line high; fixed y ticks), pinning the label after the first draw gives the same picture.
    Only for a figure always drawn at the same dpi (the widgets' own figures, not snapshots).
    """
    x, y = axis.label.get_position()
    axis.set_label_coords(x, y, transform=axis.label.get_transform())


def tick_labels_shown(axis) -> list:
    """The tick labels ``axis`` drew at the last draw (those of the ticks inside the view)."""
    low, high = sorted(axis.get_view_interval())
    slack = 1e-9 * (abs(low) + abs(high))
    return [tick.label1 for tick in axis.get_major_ticks()
            if low - slack <= tick.get_loc() <= high + slack and tick.label1.get_visible() and tick.label1.get_text()]


def freeze_texts(figure: Figure, groups, pad: int = 1) -> list:
    """Opaque stamps of the texts of ``figure``'s last draw, one per group (a list of Text):
    the rectangle around the group, ``pad`` pixels wider on every side.

    Text is the slowest thing matplotlib draws. Texts that never change, on the bare figure
    background outside every axes (axis labels, fixed tick labels, a fixed title) can be drawn
    once: freeze them after the first draw, hide them, and paste the stamps over every later
    drawing. Nothing else may ever be drawn inside their rectangles.
    """
    renderer = figure.canvas.get_renderer()
    pixels = np.asarray(figure.canvas.buffer_rgba())
    height, width = pixels.shape[:2]
    stamps = []
    for texts in groups:
        boxes = [text.get_window_extent(renderer) for text in texts if text.get_visible() and text.get_text()]
        if not boxes:
            continue
        box = Bbox.union(boxes)
        top, bottom = max(height - math.ceil(box.y1) - pad, 0), min(height - math.floor(box.y0) + pad, height)
        left, right = max(math.floor(box.x0) - pad, 0), min(math.ceil(box.x1) + pad, width)
        stamps.append(Stamp(pixels[top:bottom, left:right].copy(), top, left, opaque=True))
    return stamps


def _look(handle):
    """What a legend entry looks like, as a hashable key (None when unknown: then it is never cached)."""
    if isinstance(handle, Line2D):
        return ("line", handle.get_label(), to_rgba(handle.get_color()), handle.get_alpha(), handle.get_linestyle(),
                handle.get_linewidth(), str(handle.get_marker()), handle.get_markersize(),
                str(handle.get_markerfacecolor()), str(handle.get_markeredgecolor()), handle.get_markeredgewidth())
    if isinstance(handle, Patch):
        return ("patch", handle.get_label(), tuple(handle.get_facecolor()), tuple(handle.get_edgecolor()),
                handle.get_linewidth(), handle.get_linestyle(), handle.get_hatch(), handle.get_fill(),
                handle.get_alpha())
    return None


class LegendStamps:
    """Legends drawn once and afterwards pasted as pixels.

    A legend costs about as much to draw as all the curves under it: its text is laid out and
    rasterised at every draw. Its pixels depend only on its entries, its options and the axes'
    place, so each distinct legend is drawn once, alone, on a transparent figure of the same size
    and dpi with an axes at the same place, and then alpha-blended (a ``Stamp``, pasted after
    the figure is drawn: legends are on top of everything in their axes) at exactly the pixels
    where it would have been drawn. ``loc="best"``, which depends on the data, is resolved first
    on the real axes and then drawn as that place.

    Snapshots draw real legends (``legend_or_stamp`` with ``stamps=None``): they are vectors.
    """

    def __init__(self, figsize, dpi, capacity: int = 64):
        self.figsize, self.dpi, self.capacity = tuple(figsize), dpi, capacity
        self._figure = fixed_figure(self.figsize, dpi, facecolor="none")
        self._canvas = self._figure.canvas
        self._axes: dict = {}  # axes position -> the transparent figure's axes at that place
        self._cache: OrderedDict = OrderedDict()
        self.drawn = 0  # how many legends were drawn (the others were pasted from the cache)

    @staticmethod
    def slot() -> Stamp:
        """A place for one legend at a time (empty until ``paste``)."""
        return Stamp()

    def paste(self, slot: Stamp, ax, handles, **options) -> None:
        """Put ``ax.legend(handles=handles, **options)`` in ``slot`` (nothing when ``handles`` is empty)."""
        if not handles:
            slot.visible = False
            return
        if options.get("loc", "best") == "best":
            options = {**options, "loc": self._best_place(ax, handles, options)}
        looks = tuple(_look(handle) for handle in handles)
        key = (tuple(np.round(ax.get_position().bounds, 6)), looks, repr(sorted(options.items())))
        stamp = self._cache.get(key)
        if stamp is None:
            stamp = self._draw(ax, handles, options)
            if None not in looks:
                self._cache[key] = stamp
                if len(self._cache) > self.capacity:
                    self._cache.popitem(last=False)  # the oldest
        else:
            self._cache.move_to_end(key)
        slot.pixels, slot.row, slot.column = stamp
        slot.visible = True

    @staticmethod
    def _best_place(ax, handles, options):
        """The lower-left corner (axes fraction) matplotlib's loc="best" picks for this legend on ``ax``."""
        legend = ax.legend(handles=handles, **options)
        try:
            box = legend.get_window_extent()
            corner = ax.transAxes.inverted().transform((box.x0, box.y0))
        finally:
            legend.remove()
        return (float(corner[0]), float(corner[1]))

    def _draw(self, ax, handles, options):
        position = tuple(ax.get_position().bounds)
        for other in self._axes.values():
            other.set_visible(False)
        target = self._axes.get(position)
        if target is None:
            target = self._axes[position] = self._figure.add_axes(position)
            target.set_axis_off()
        target.set_visible(True)
        if target.get_legend() is not None:
            target.get_legend().remove()
        target.legend(handles=handles, **options)
        self._canvas.draw()
        self.drawn += 1
        pixels = np.asarray(self._canvas.buffer_rgba())
        alpha = pixels[..., 3]
        rows, columns = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
        if not rows.size:
            return np.zeros((1, 1, 4), dtype=np.uint8), 0, 0
        top, bottom, left, right = rows[0], rows[-1] + 1, columns[0], columns[-1] + 1
        return pixels[top:bottom, left:right].copy(), int(top), int(left)


def legend_slot(artists):
    """Where a pasted legend goes in ``artists`` (a panel's dict with "stamps" and "legends"); None for a
    snapshot, which draws real legends."""
    if artists["stamps"] is None:
        return None
    slot = artists["stamps"].slot()
    artists["legends"].append(slot)
    return slot


def legend_or_stamp(stamps, slot, ax, handles, **options) -> None:
    """A real legend on ``ax`` (``stamps`` None: snapshots) or its pixels in ``slot``."""
    if stamps is None:
        if handles:
            ax.legend(handles=handles, **options)
    else:
        stamps.paste(slot, ax, handles, **options)


class Panel:
    """Controls on top, a fixed-size picture, a readout line at the bottom.

    Subclasses build ``self.controls`` (a list of widgets), implement ``draw(figure)`` and
    call ``self.refresh(readout_text)`` after each change.
    """

    #: the figure's size in inches; the image is shown at figsize * dpi pixels
    figsize = (10.0, 4.0)
    dpi = 80

    def __init__(self, css_class: str):
        width, height = (int(s * self.dpi) for s in self.figsize)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{width}px", height=f"{height}px"))
        self.readout = widgets.HTML(value="", layout=widgets.Layout(min_height="1.6em"))
        self.readout.add_class(f"{css_class}-readout")
        self.figure = Figure(figsize=self.figsize, layout="constrained")
        self.redraw_seconds = 0.0
        self.container = widgets.VBox([])
        self.container.add_class(css_class)

    def assemble(self, controls) -> None:
        """Lay out the controls above the picture and the readout below it."""
        self.container.children = [*controls, self.image, self.readout]

    def draw(self, figure: Figure) -> None:  # pragma: no cover - every panel overrides it
        raise NotImplementedError

    def refresh(self, readout: str) -> None:
        """Redraw the figure into the image, then (last) set the readout."""
        start = time.perf_counter()
        self.figure.clear()
        self.draw(self.figure)
        self.image.value = render_png(self.figure, self.dpi)
        self.redraw_seconds = time.perf_counter() - start
        self.readout.value = readout

    def snapshot(self) -> Figure:
        """A static copy of the current picture, for the page under the panel."""
        import matplotlib.pyplot as plt

        figure = plt.figure(figsize=self.figsize, layout="constrained")
        self.draw(figure)
        return figure

    def static_png(self, dpi: int = 100) -> bytes:
        """The current picture as PNG bytes, drawn like ``snapshot()`` but outside pyplot (nothing else shows)."""
        figure = Figure(figsize=self.figsize, layout="constrained")
        self.draw(figure)
        return render_png(figure, dpi)

    def _repr_mimebundle_(self, **kwargs):
        """The live widget where widgets run; elsewhere its current picture, never a raw ``VBox(...)`` line.

        A notebook stores every form of an output. JupyterLab, Notebook 7, Voila and VS Code show the live
        widget; GitHub, nbviewer and nbconvert's HTML cannot, and pick the richest form they can show: the
        picture. A plain-text reader gets one sentence saying what is there.
        """
        bundle = self.container._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["image/png"] = base64.b64encode(self.static_png()).decode("ascii")
        data["text/plain"] = f"{type(self).__name__}: an interactive widget (run the notebook to use it)"
        return bundle


__all__ = ["Panel", "LegendStamps", "Stamp", "encode_png", "fixed_figure", "freeze_texts", "legend_or_stamp",
           "pin_label", "render_png", "tick_labels_shown"]
