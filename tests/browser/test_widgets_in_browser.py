"""The course's widgets work end to end in a real browser, in JupyterLab, in Notebook 7 and in Voila.

Each test opens a lesson, runs all its cells, and drives every widget in it as a learner does
(the widgets and their controls are the ones `make bench` measures, benchmarks/pixels.py ACTIONS):
  - an explorer: a key press on its slider (one step, then five), and a mouse click on one of its
    choices; after each the panel paints again (its "drawn" event), its canvas shows other pixels, its
    height stays the same, and the slider's value box shows the new value;
  - the learning-rate explorer also takes a typed value, and its readout names the new rate;
  - the playground: Play, the epoch counter advances; Pause, it stops; Step with the keyboard and
    the mouse moves it by exactly one epoch each.
"""

from __future__ import annotations

import math
import os
import re
import time
import warnings
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing: pip install -e '.[dev]' (or run `make test`)",
                allow_module_level=True)

from benchmarks.pixels import ACTIONS

pytestmark = pytest.mark.browser  # deselect with: pytest -m "not browser"

ROOT = Path(__file__).resolve().parents[2]
# An upper bound from a page action to the widget's answer (Voila runs the cells meanwhile, the other
# tests may take both cores): each wait ends on the page's own signal.
WIDGET_SECONDS = 180
LESSONS = {notebook: [a for a in ACTIONS if a.notebook == notebook] for notebook in dict.fromkeys(a.notebook for a in ACTIONS)}


# ----------------------------------------------------------------------------- the tests

# JupyterLab, and Notebook 7 (built from JupyterLab's parts), which takes its shortcuts (an arrow key moves between
# cells) before the page's controls see the key unless the focused control opts out (canvas.js, playground.js)
@pytest.mark.parametrize("app", ["lab", "notebook7"], ids=["jupyterlab", "notebook_7"])
@pytest.mark.parametrize("notebook", list(LESSONS), ids=lambda n: Path(n).stem[:2])
def test_lesson_widgets_in_a_notebook(notebook, app, request):
    server = request.getfixturevalue(app)(ROOT)  # the lab or notebook7 fixture, then the page (closed first)
    page = request.getfixturevalue("page")
    server.open_notebook(page, ROOT / notebook)
    server.run_all(page)
    drive(page, LESSONS[notebook])


@pytest.mark.parametrize("notebook", list(LESSONS), ids=lambda n: Path(n).stem[:2])
def test_lesson_widgets_in_voila(notebook, voila, page):
    server = voila(ROOT / notebook)
    server.open(page)  # Voila runs every cell as the page loads
    first = page.locator(f".{LESSONS[notebook][0].container}").first
    failed = page.get_by_text("Error displaying widget").first
    first.or_(failed).wait_for(state="visible", timeout=WIDGET_SECONDS * 1000)
    if failed.is_visible():  # seen in CI under full load, never here: the page, not the widget, lost the models
        warnings.warn(f"Voila showed 'Error displaying widget' for {notebook}; loading the page once more. "
                      f"The page's console: {getattr(page, 'console_lines', [])[-12:]}")
        server.open(page)
    drive(page, LESSONS[notebook])


# ----------------------------------------------------------------------------- what a learner does

def drive(page, actions) -> None:
    for action in actions:
        panel = page.locator(f".{action.container}").first
        panel.wait_for(state="visible", timeout=WIDGET_SECONDS * 1000)
        panel.scroll_into_view_if_needed()
        if action.control is None:
            play_then_pause(page, panel)
            continue
        expect(panel.locator(f".{action.container}-readout")).not_to_be_empty(timeout=WIDGET_SECONDS * 1000)
        move_slider(page, panel, action.control)
        choose_with_the_mouse(page, panel)
        if action.container == "lr-explorer":
            type_learning_rate(page, panel)


def repaints(page, panel, act) -> None:
    """``act`` makes the panel paint again ("drawn"), with other pixels than before."""
    handle = panel.element_handle()
    count = page.evaluate("el => { if (el.__drawn === undefined) { el.__drawn = 0; "
                          "el.addEventListener('drawn', () => el.__drawn++); } return el.__drawn; }", handle)
    before, height = panel.locator("canvas").first.evaluate("c => c.toDataURL()"), panel.bounding_box()["height"]
    act()
    page.wait_for_function("([el, n]) => el.__drawn > n", arg=[handle, count], timeout=WIDGET_SECONDS * 1000)
    after = panel.locator("canvas").first.evaluate("c => c.toDataURL()")
    assert after != before, f"{panel} painted the same pixels again"
    assert panel.bounding_box()["height"] == height, f"{panel}'s height changed: {height} px before"


def move_slider(page, panel, name: str) -> None:
    control = panel.locator(f"label.mlp-control-{name.replace('_', '-')}")
    slider, box = control.locator("input[type=range]"), control.locator(".mlp-control-value")
    for keys in (("ArrowRight", "ArrowLeft"), ("PageUp", "PageDown")):  # one step, then a page of steps
        low, high, now = (float(slider.evaluate(f"s => s.{name}")) for name in ("min", "max", "value"))
        shown = box.input_value()
        key = keys[0] if high - now >= now - low else keys[1]  # towards the farther end
        repaints(page, panel, lambda: (slider.focus(), slider.press(key)))
        assert box.input_value() != shown, f"the value box still shows {shown} after {key}"


def choose_with_the_mouse(page, panel) -> None:
    """A click on a choice's button that is not the current one (or, if the panel has none, another menu item)."""
    other = panel.locator("label.mlp-control button[aria-pressed='false']")
    if other.count():
        pressed = other.nth(0).element_handle()  # this button, not whichever is unpressed after the click
        repaints(page, panel, pressed.click)
        assert pressed.get_attribute("aria-pressed") == "true"
        return
    menu = panel.locator("label.mlp-control select").first
    options = menu.locator("option").all_inner_texts()
    current = menu.evaluate("m => m.options[m.selectedIndex].text")
    repaints(page, panel, lambda: menu.select_option(label=next(o for o in options if o != current)))


def type_learning_rate(page, panel) -> None:
    """A value typed into the learning-rate box: the slider moves there, and the readout names it."""
    control = panel.locator("label.mlp-control-learning-rate")
    box, slider = control.locator(".mlp-control-value"), control.locator("input[type=range]")
    value = 0.0123 if not math.isclose(float(box.input_value()), 0.0123, rel_tol=0.01) else 0.456

    def type_value():
        box.click()
        box.press("Control+a")
        box.type(f"{value:g}")
        box.press("Enter")

    repaints(page, panel, type_value)
    readout = panel.locator(".lr-explorer-readout").inner_text()
    assert math.isclose(number_after("learning rate", readout), value, rel_tol=0.02), readout
    assert math.isclose(10 ** float(slider.input_value()), value, rel_tol=0.15), slider.input_value()


def number_after(label: str, text: str) -> float:
    match = re.search(rf"{label}\D*?(-?\d+(?:\.\d*)?(?:e[-+]?\d+)?)", text, re.I)
    assert match, f"no number after {label!r} in {text!r}"
    return float(match.group(1))


def epoch_of(locator) -> int:
    return int(number_after("epoch", locator.inner_text()))


def play_then_pause(page, playground) -> None:
    """Play: the counter advances. Pause: the Play button comes back (the kernel handled it), the counter
    settles, and Step then moves it by exactly one epoch, with the mouse and again with the keyboard:
    nothing else trains."""
    counter = playground.locator(".playground-epoch").first
    counter.wait_for(state="visible")
    start, height = epoch_of(counter), playground.bounding_box()["height"]

    play = playground.locator(".playground-play").first
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

    playground.locator(".playground-pause").first.click()
    expect(play).to_be_enabled(timeout=WIDGET_SECONDS * 1000)  # the kernel has stopped playing
    paused_at = stable_epoch(counter, quiet, timeout=WIDGET_SECONDS)
    assert paused_at > start
    step = playground.locator(".playground-step").first
    for expected, press in ((paused_at + 1, step.click), (paused_at + 2, lambda: step.press("Enter"))):
        press()
        expect(counter).to_have_text(re.compile(rf"epoch {expected}\b"), timeout=WIDGET_SECONDS * 1000)
    assert epoch_of(counter) == paused_at + 2, f"after Pause and two Steps: {counter.inner_text()}"
    assert playground.bounding_box()["height"] == height, f"the playground's height changed: {height} px before"


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
