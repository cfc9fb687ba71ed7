"""What every explorer shares: controls, a picture drawn in the browser, and a readout line (issue 14).

The kernel computes and describes the picture as plain data: axes (a box in pixels, limits, labels) holding
lines, points, pictures (bytes) and texts in data coordinates. ``canvas.js`` draws it at the next display
frame, the readout with it; matplotlib draws the same description as the static picture (``snapshot()``).
A subclass declares its controls and a synced trait of the same name for each value, lists the traits that
redraw in ``REDRAW`` and implements ``draw() -> (axes, readout)``. Outside a front end (plain pytest)
setting a trait redraws at once, so everything can be tested without a browser.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
from pathlib import Path

import anywidget
import numpy as np
import traitlets

WIDTH, HEIGHT = 760, 330  # the canvas, in CSS pixels (fixed: nothing moves when a setting changes)
FONT_POINTS = 9  # matplotlib's text in the static picture: 12.5 px at its 100 dpi, as the canvas's 12 px
READOUT_HEIGHT = 34  # the readout's two lines under the canvas, in pixels (canvas.js: the same)


# --- the controls ------------------------------------------------------------------------------

def slider(name, label, low, high, step, log=False, integer=False) -> dict:
    """A slider over [low, high] with a box to type the value; if ``log``, it moves in steps of ``step``
    in log10 of the value (0.1: 10 steps per decade)."""
    bounds = (math.log10(low), math.log10(high)) if log else (low, high)
    return {"kind": "slider", "name": name, "label": label, "min": bounds[0], "max": bounds[1], "step": step,
            "log": log, "integer": integer}


def choice(name, label, options, labels=None, menu=False) -> dict:
    """One value of ``options``: buttons side by side, or a menu."""
    return {"kind": "select" if menu else "toggle", "name": name, "label": label, "options": list(options),
            "labels": [str(o) for o in (labels or options)]}


def checks(name, label, options, labels=None) -> dict:
    """Any of ``options``, as buttons side by side: the value is the list of those pressed (in their order)."""
    return {**choice(name, label, options, labels), "kind": "checks"}


def button(name, label) -> dict:
    """A button; a click calls the widget's method ``on_<name>``."""
    return {"kind": "button", "name": name, "label": label}


# --- what a picture holds ----------------------------------------------------------------------

def _numbers(values) -> list:
    return [float(v) if math.isfinite(v) else None for v in np.asarray(values, dtype=float).ravel()]


def line(x, y, colour="#333", width=1.5, dash=None, label=None, alpha=1.0) -> dict:
    """A polyline; a value that is not finite breaks it."""
    return {"kind": "line", "x": _numbers(x), "y": _numbers(y), "colour": colour, "width": width,
            "dash": dash or [], "label": label, "alpha": alpha}


def points(x, y, colour="#333", colours=None, size=3.5, marker="o", edge=None, label=None, alpha=1.0) -> dict:
    """Markers ("o", "s", "x", "*"), one colour or one per point."""
    return {"kind": "points", "x": _numbers(x), "y": _numbers(y), "colour": colour, "colours": colours,
            "size": size, "marker": marker, "edge": edge, "label": label, "alpha": alpha}


def image(values, extent, palette="diverging", low=-1.0, high=1.0) -> dict:
    """A picture of ``values`` (rows × columns, the first row at the bottom of ``extent`` = (x0, x1, y0, y1)),
    ``low``..``high`` mapped to 0..255: "diverging" is orange-white-blue, "sequential" white to blue."""
    values = np.clip((np.asarray(values, dtype=float) - low) / (high - low), 0, 1)
    return {"kind": "image", "bytes": np.round(255 * values).astype(np.uint8).tobytes(), "shape": list(values.shape),
            "extent": [float(e) for e in extent], "palette": palette}


def text(words, at, colour="#333", align="left", offset=(0, 0)) -> dict:
    """Text at a point in data coordinates, moved by ``offset`` pixels."""
    return {"kind": "text", "text": str(words), "at": _numbers(at), "colour": colour, "align": align,
            "offset": list(offset)}


def axes(box, items, xlim, ylim, title="", xlabel="", ylabel="", xlog=False, ylog=False, legend=None,
         hide_ticks=False) -> dict:
    """Axes at ``box`` = (left, top, width, height) in pixels of the canvas; ``legend``: "upper right", ..."""
    return {"box": list(box), "items": list(items), "xlim": _numbers(xlim), "ylim": _numbers(ylim), "title": title,
            "xlabel": xlabel, "ylabel": ylabel, "xlog": xlog, "ylog": ylog, "legend": legend, "hide_ticks": hide_ticks}


# --- the widget --------------------------------------------------------------------------------

class StaticPicture:
    """A widget whose output also carries its current picture, ``snapshot()``, for pages where widgets do not
    run (GitHub, nbviewer): never a bare class name there."""

    def static_png(self, dpi: int = 100) -> bytes:
        buffer = io.BytesIO()
        self.snapshot().savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["image/png"] = base64.b64encode(self.static_png()).decode("ascii")
        data["text/plain"] = f"{type(self).__name__}: an interactive widget (run the notebook to use it)"
        return bundle


class CanvasPanel(StaticPicture, anywidget.AnyWidget):
    """Controls, a canvas and a readout; subclasses set ``css_class``, ``controls``, ``REDRAW`` and ``draw()``."""

    _esm = Path(__file__).with_name("canvas.js")
    css_class = traitlets.Unicode("mlp-panel").tag(sync=True)
    controls = traitlets.List(traitlets.Dict()).tag(sync=True)
    controls_height = traitlets.Int(30).tag(sync=True)  # fixed, whatever the controls' values
    figure = traitlets.Dict().tag(sync=True)
    busy = traitlets.Unicode("").tag(sync=True)  # shown in the readout while a long computation runs
    REDRAW: tuple = ()
    WIDTH, HEIGHT = WIDTH, HEIGHT

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.on_msg(self._on_message)
        if self.REDRAW:
            self.observe(lambda change: self.redraw(), names=list(self.REDRAW))

    def draw(self) -> tuple[list, str]:  # pragma: no cover - every panel overrides it
        raise NotImplementedError

    def redraw(self) -> None:
        axes_list, readout = self.draw()
        self.figure = {"width": self.WIDTH, "height": self.HEIGHT, "axes": axes_list, "readout": readout}
        self.busy = ""

    @property
    def readout(self) -> str:
        """The line under the picture, as the page shows it."""
        return self.figure.get("readout", "")

    def _on_message(self, widget, content, buffers) -> None:
        action = content.get("do") if isinstance(content, dict) else None
        if action and any(c["kind"] == "button" and c["name"] == action for c in self.controls):
            getattr(self, f"on_{action}")()

    def snapshot(self):
        """The current picture as a matplotlib figure (the same axes, lines, points and texts)."""
        return render_figure(self.figure)


def render_figure(figure: dict):
    """A figure description (``CanvasPanel.figure``) drawn with matplotlib, at 100 dpi for the same size."""
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    palettes = {"diverging": LinearSegmentedColormap.from_list("d", ["#f59322", "#ffffff", "#0877bd"]),
                "sequential": LinearSegmentedColormap.from_list("s", ["#ffffff", "#084594"])}
    W, H = figure["width"], figure["height"] + READOUT_HEIGHT  # the canvas, then the readout's two lines
    result = Figure(figsize=(W / 100, H / 100), layout="none")
    readout = textwrap.fill(figure.get("readout", ""), width=int(W / 6.6), max_lines=2, placeholder=" …")
    result.text(0.01, 1 - (figure["height"] + 2) / H, readout, fontsize=FONT_POINTS, va="top", linespacing=1.25)
    nan = lambda values: [np.nan if v is None else v for v in values]  # noqa: E731
    for spec in figure["axes"]:
        left, top, width, height = spec["box"]
        ax = result.add_axes((left / W, 1 - (top + height) / H, width / W, height / H))
        for item in spec["items"]:
            style = {"alpha": item.get("alpha", 1.0), "label": item.get("label")}
            if item["kind"] == "line":
                ax.plot(nan(item["x"]), nan(item["y"]), color=item["colour"], lw=item["width"],
                        ls=(0, item["dash"]) if item["dash"] else "-", **style)
            elif item["kind"] == "points":
                ax.scatter(nan(item["x"]), nan(item["y"]), c=item["colours"] or item["colour"], s=(1.6 * item["size"]) ** 2,
                           marker={"s": "s", "x": "x", "*": "*"}.get(item["marker"], "o"),
                           edgecolors=None if item["marker"] == "x" else item["edge"] or "face", zorder=3, **style)
            elif item["kind"] == "image":
                values = np.frombuffer(item["bytes"], np.uint8).reshape(item["shape"])
                ax.imshow(values, cmap=palettes[item["palette"]], vmin=0, vmax=255, origin="lower",
                          extent=item["extent"], aspect="auto")
            elif item["kind"] == "text":
                ax.annotate(item["text"], nan(item["at"]), xytext=(item["offset"][0], -item["offset"][1]),
                            textcoords="offset pixels", color=item["colour"], fontsize=FONT_POINTS,
                            ha=item["align"], va="center", annotation_clip=True)
        ax.set_xscale("log" if spec["xlog"] else "linear")
        ax.set_yscale("log" if spec["ylog"] else "linear")
        for axis, log, (low, high) in ((ax.xaxis, spec["xlog"], spec["xlim"]), (ax.yaxis, spec["ylog"], spec["ylim"])):
            if log:  # as canvas.js: plain numbers at powers of ten, or 1, 2, 5 x them when fewer than 3 (not 2×10⁻¹)
                powers = math.floor(math.log10(max(low, high)) + 1e-9) - math.ceil(math.log10(min(low, high)) - 1e-9) + 1
                axis.set_major_locator(LogLocator(subs=(1.0,) if powers >= 3 else (1.0, 2.0, 5.0)))
                axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
                axis.set_minor_formatter(NullFormatter())
        ax.set_xlim(*spec["xlim"]), ax.set_ylim(*spec["ylim"])
        ax.set_title(spec["title"], fontsize=FONT_POINTS)
        ax.set_xlabel(spec["xlabel"], fontsize=FONT_POINTS), ax.set_ylabel(spec["ylabel"], fontsize=FONT_POINTS)
        ax.tick_params(labelsize=FONT_POINTS)
        if spec["hide_ticks"]:
            ax.set_xticks([]), ax.set_yticks([])
        if spec["legend"] and any(item.get("label") for item in spec["items"]):
            ax.legend(loc=spec["legend"], fontsize=FONT_POINTS)
    return result
