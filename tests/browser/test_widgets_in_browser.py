"""The course's widgets work end to end in a real browser, in JupyterLab and in Voila.

Each test opens a notebook, runs all its cells, and drives a widget as a learner does:
  - learning-rate explorer: move the slider with the keyboard, then type a value into its
    readout; after each, the explorer's readout shows the new learning rate and the plot changed;
  - playground: press Play, the epoch counter advances; press Pause, it stops.

Targets: the lessons (07 has the learning-rate explorer, 08 the playground; the notebooks and
selectors are listed at the top), and a scratch notebook written by ``scratch_notebook`` below
with two small widgets that carry the same CSS handles, which proves the machinery whatever
state the lessons are in. A lesson test skips while the lesson does not contain its widget yet
(neither the widget's CSS class nor its Python class appears in the notebook's code cells or
their outputs).
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing: pip install -e '.[dev]' (or run `make test`)",
                allow_module_level=True)

pytestmark = pytest.mark.browser  # deselect with: pytest -m "not browser"

ROOT = Path(__file__).resolve().parents[2]
SCRATCH = "<scratch>"  # the notebook written by the scratch_notebook fixture


@dataclass(frozen=True)
class LearningRateExplorer:
    notebook: str                            # relative to the repository, or SCRATCH
    container: str = ".lr-explorer"
    slider: str = ".lr-slider"               # an ipywidgets slider, description "learning rate"
    readout: str = ".lr-explorer-readout"    # "learning rate <value> ...", set last on every redraw
    plot: str = "img"                        # the ipywidgets Image inside the container
    markers: tuple[str, ...] = ("lr-explorer", "LearningRateExplorer")


@dataclass(frozen=True)
class Playground:
    notebook: str
    container: str = ".playground"
    play: str = ".playground-play"
    pause: str = ".playground-pause"
    step: str = ".playground-step"           # one epoch
    epoch: str = ".playground-epoch"         # "epoch 12"
    markers: tuple[str, ...] = ("playground", "Playground")


def target(ui, id):
    """A test parameter; a lesson that does not show the widget yet is skipped, saying so."""
    return pytest.param(ui, id=id, marks=pytest.mark.skipif(
        not contains_widget(ROOT / ui.notebook, ui.markers),
        reason=f"{ui.notebook} does not contain the widget yet (none of {list(ui.markers)} "
               f"in its code cells or outputs)"))


def contains_widget(path: Path, markers) -> bool:
    """Whether the notebook's code (or its stored outputs) names the widget's CSS class or Python class."""
    if not path.exists():
        return False
    cells = json.loads(path.read_text()).get("cells", [])
    text = json.dumps([cell for cell in cells if cell.get("cell_type") == "code"])
    return any(re.search(rf"(?<![\w-]){re.escape(marker)}(?![\w-])", text) for marker in markers)


# The lessons, each skipped while it does not show its widget yet.
EXPLORERS = [target(LearningRateExplorer("notebooks/07_gradient_descent.ipynb"), "lesson07")]
PLAYGROUNDS = [target(Playground("notebooks/09_training.ipynb"), "lesson09")]
# An upper bound from a page action to the widget's answer (Voila runs the cells meanwhile, the other
# tests may take both cores): each wait ends on the page's own signal, the readout or the counter.
WIDGET_SECONDS = 180


# ----------------------------------------------------------------------------- the tests

@pytest.mark.parametrize("ui", EXPLORERS)
def test_learning_rate_slider_in_jupyterlab(ui, lab, page):
    server = lab(ROOT)
    server.open_notebook(page, ROOT / ui.notebook)
    server.run_all(page)
    move_learning_rate_slider(page, ui)


@pytest.mark.parametrize("ui", PLAYGROUNDS)
def test_playground_play_and_pause_in_jupyterlab(ui, lab, page):
    server = lab(ROOT)
    server.open_notebook(page, ROOT / ui.notebook)
    server.run_all(page)
    play_then_pause(page, ui)


@pytest.mark.parametrize("ui", EXPLORERS)
def test_learning_rate_slider_in_voila(ui, voila, page):
    voila(ROOT / ui.notebook).open(page)  # Voila runs every cell as the page loads
    move_learning_rate_slider(page, ui)


# The scratch notebook always runs: it proves the machinery whatever state the lessons are in.
# Both widgets are in it, so one page per front end does both.

def test_scratch_widgets_in_jupyterlab(lab, page, scratch_notebook):
    server = lab(scratch_notebook.parent)
    server.open_notebook(page, scratch_notebook)
    server.run_all(page)
    move_learning_rate_slider(page, LearningRateExplorer(SCRATCH))
    play_then_pause(page, Playground(SCRATCH))


def test_scratch_widgets_in_voila(voila, page, scratch_notebook):
    voila(scratch_notebook).open(page)
    move_learning_rate_slider(page, LearningRateExplorer(SCRATCH))
    play_then_pause(page, Playground(SCRATCH))


# ----------------------------------------------------------------------------- what a learner does

def number_after(label: str, text: str) -> float:
    match = re.search(rf"{label}\D*?(-?\d+(?:\.\d*)?(?:e[-+]?\d+)?)", text, re.I)
    assert match, f"no number after {label!r} in {text!r}"
    return float(match.group(1))


def move_learning_rate_slider(page, ui: LearningRateExplorer) -> None:
    explorer = page.locator(ui.container).first
    explorer.wait_for(state="visible", timeout=WIDGET_SECONDS * 1000)
    explorer.scroll_into_view_if_needed()
    slider = explorer.locator(ui.slider).first
    handle = slider.get_by_role("slider")
    slider_readout = slider.locator(".widget-readout")
    readout, plot = explorer.locator(ui.readout).first, explorer.locator(ui.plot).first
    expect(readout).to_contain_text(re.compile("learning rate", re.I), timeout=WIDGET_SECONDS * 1000)

    def changes(action, expected=None):
        before_text, before_src = readout.inner_text(), plot.get_attribute("src")
        action()
        expect(readout).not_to_have_text(before_text, timeout=WIDGET_SECONDS * 1000)
        # The readout is set after the picture: once it shows, the new plot is there.
        after_text = readout.inner_text()
        expect(plot, f"the plot did not change ({before_text!r} -> {after_text!r})").not_to_have_attribute(
            "src", before_src, timeout=5000)
        shown = number_after("learning rate", after_text)
        assert not math.isclose(shown, number_after("learning rate", before_text), rel_tol=1e-9), after_text
        on_slider = float(slider_readout.inner_text())
        assert math.isclose(shown, on_slider, rel_tol=0.02), f"readout {after_text!r}, slider shows {on_slider}"
        if expected is not None:
            assert math.isclose(shown, expected, rel_tol=0.02), f"typed {expected}, readout {after_text!r}"

    def press(up, down):
        low, high, now = (float(handle.get_attribute(f"aria-value{name}")) for name in ("min", "max", "now"))
        handle.focus()
        handle.press(up if high - now >= now - low else down)  # towards the farther end

    changes(lambda: press("ArrowRight", "ArrowLeft"))  # one step
    changes(lambda: press("PageUp", "PageDown"))       # five steps
    value = typed_value(handle, float(slider_readout.inner_text()))

    def type_value():
        slider_readout.click()
        slider_readout.press("Control+a")
        slider_readout.type(f"{value:.3g}")
        slider_readout.press("Enter")

    changes(type_value, expected=float(f"{value:.3g}"))


def typed_value(handle, current: float) -> float:
    """A value inside the slider's range, away from the current one (log sliders count in exponents)."""
    low, high, now = (float(handle.get_attribute(name)) for name in ("aria-valuemin", "aria-valuemax", "aria-valuenow"))
    logarithmic = not math.isclose(now, current, rel_tol=1e-6, abs_tol=1e-9) and math.isclose(
        10 ** now, current, rel_tol=0.02)
    other = (low + now) / 2 if now - low > high - now else (now + high) / 2
    return 10 ** other if logarithmic else other


def epoch_of(locator) -> int:
    return int(number_after("epoch", locator.inner_text()))


def play_then_pause(page, ui: Playground) -> None:
    """Play: the counter advances. Pause: the Play button comes back (the kernel handled it), the counter
    settles, and Step then moves it by exactly one epoch, a second time too: nothing else trains."""
    playground = page.locator(ui.container).first
    playground.wait_for(state="visible", timeout=WIDGET_SECONDS * 1000)
    playground.scroll_into_view_if_needed()
    counter = playground.locator(ui.epoch).first
    counter.wait_for(state="visible")
    start = epoch_of(counter)

    play = playground.locator(ui.play).first
    play.click()
    deadline, seen = time.monotonic() + WIDGET_SECONDS, []
    while time.monotonic() < deadline and len(seen) < 3:
        epoch = epoch_of(counter)
        if epoch > (seen[-1][1] if seen else start):
            seen.append((time.monotonic(), epoch))
        time.sleep(0.05)
    assert len(seen) >= 3, f"Play: the epoch counter went {start} -> {[e for _, e in seen]} in {WIDGET_SECONDS} s"
    # How long an update takes while playing, on this machine now: "settled" means quiet for several.
    interval = (seen[-1][0] - seen[0][0]) / max(1, len(seen) - 1)
    quiet = min(max(1.0, 4 * interval), 10.0)

    playground.locator(ui.pause).first.click()
    expect(play).to_be_enabled(timeout=WIDGET_SECONDS * 1000)  # the kernel has stopped playing
    paused_at = stable_epoch(counter, quiet, timeout=WIDGET_SECONDS)
    assert paused_at > start
    step = playground.locator(ui.step).first
    for expected in (paused_at + 1, paused_at + 2):
        step.click()
        expect(counter).to_have_text(re.compile(rf"epoch {expected}\b"), timeout=WIDGET_SECONDS * 1000)
    assert epoch_of(counter) == paused_at + 2, f"after Pause and two Steps: {counter.inner_text()}"


def stable_epoch(counter, quiet: float, timeout: float) -> int:
    """The counter's value once it has not changed for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    last, since = epoch_of(counter), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        epoch = epoch_of(counter)
        if epoch != last:
            last, since = epoch, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return last
    pytest.fail(f"the epoch counter did not stop within {timeout} s of Pause (at {last})")


# ----------------------------------------------------------------------------- the scratch notebook

SCRATCH_EXPLORER = r'''
import io

import ipywidgets as widgets
from matplotlib.figure import Figure


def loss_curve_png(learning_rate):
    """Gradient descent on f(w) = w**2 from w = 5: the loss after each of 30 steps, as a PNG."""
    w, losses = 5.0, []
    for _ in range(30):
        losses.append(w * w)
        w -= learning_rate * 2 * w
    figure = Figure(figsize=(4, 2.5))
    axes = figure.add_subplot()
    axes.semilogy([max(loss, 1e-12) for loss in losses])
    axes.set_title(f"learning rate {learning_rate:.3g}")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=60)
    return buffer.getvalue()


slider = widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0, step=0.1, description="learning rate")
slider.add_class("lr-slider")
image = widgets.Image(format="png", value=loss_curve_png(slider.value))
readout = widgets.HTML(f"learning rate {slider.value:.3g}")
readout.add_class("lr-explorer-readout")


def redraw(change):
    image.value = loss_curve_png(change["new"])
    readout.value = f"learning rate {change['new']:.3g}"  # last: when it shows, the picture is there


slider.observe(redraw, names="value")
explorer = widgets.VBox([slider, image, readout])
explorer.add_class("lr-explorer")
explorer
'''

SCRATCH_PLAYGROUND = r'''
import asyncio


class ScratchPlayground:
    """Play starts an asyncio task that counts epochs; Pause cancels it."""

    def __init__(self):
        self.epoch, self.task, self.buttons = 0, None, []
        for name, action in (("play", self.play), ("pause", self.pause), ("step", self.step), ("reset", self.reset)):
            button = widgets.Button(description=name.title())
            button.add_class(f"playground-{name}")
            button.on_click(action)
            self.buttons.append(button)
        self.counter = widgets.HTML("epoch 0")
        self.counter.add_class("playground-epoch")
        self.container = widgets.VBox([widgets.HBox(self.buttons), self.counter])
        self.container.add_class("playground")

    def step(self, _=None):
        self.epoch += 1
        self.counter.value = f"epoch {self.epoch}"

    async def run(self):
        while True:
            self.step()
            await asyncio.sleep(0.05)

    def play(self, _=None):
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self.run())
        self.buttons[0].disabled, self.buttons[1].disabled = True, False  # as the lessons' playground

    def pause(self, _=None):
        if self.task is not None:
            self.task.cancel()
            self.task = None
        self.buttons[0].disabled, self.buttons[1].disabled = False, True

    def reset(self, _=None):
        self.pause()
        self.epoch = -1
        self.step()


playground = ScratchPlayground()
playground.container
'''


@pytest.fixture(scope="session")
def scratch_notebook(tmp_path_factory) -> Path:
    """A small notebook with both widgets, carrying the lessons' CSS handles, in a folder of its own."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    notebook.cells = [nbformat.v4.new_markdown_cell("# Scratch notebook for the browser tests"),
                      nbformat.v4.new_code_cell(SCRATCH_EXPLORER.strip()),
                      nbformat.v4.new_code_cell(SCRATCH_PLAYGROUND.strip()),
                      nbformat.v4.new_code_cell("print('all cells ran')")]
    path = tmp_path_factory.mktemp("scratch") / "scratch.ipynb"
    nbformat.write(notebook, path)
    return path
