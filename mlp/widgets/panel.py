"""What every explorer widget shares: a fixed-size figure shown as a PNG, and a readout line.

A widget redraws by rendering its matplotlib figure to PNG bytes and swapping them into an
``ipywidgets.Image`` of fixed size: no flicker, no jumping layout. The readout ``HTML`` line
is updated last, so "the readout shows the new value" means "the new picture is there"
(browser tests wait on it). ``snapshot()`` returns the current figure for a static copy
under the panel, which GitHub and nbviewer show where widgets do not run.

Outside a running front end (plain pytest) ipywidgets use a dummy comm: setting ``.value``
fires the observers at once, so every callback can be tested without a browser.
"""

from __future__ import annotations

import io
import time

import ipywidgets as widgets
from matplotlib.figure import Figure


def render_png(figure: Figure, dpi: int = 80) -> bytes:
    """The figure as PNG bytes (rendered with Agg, whatever the notebook's backend)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


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

    def _repr_mimebundle_(self, **kwargs):
        return self.container._repr_mimebundle_(**kwargs)


__all__ = ["Panel", "render_png"]
