"""What a learner sees: a control change to the new picture on the screen, in JupyterLab and Chromium.

    python -m benchmarks.pixels            # every lesson widget; also run by `make bench`
    python -m benchmarks.pixels lr-explorer playground     # only these panels (their CSS classes)

Each lesson that has a widget is opened in JupyterLab (the browser-test fixtures' server, Debian's
headless chromium driven by Playwright) and run top to bottom. Then a learner's action is repeated on
the lesson's own widget, and the page measures, from the keydown (or pointerdown) event to two
animation frames after the widget has painted its new picture (its "drawn" event):

- a key press on a slider (learning rate, hidden layers, bumps), one step each time, never back
  to a value it had (a cached picture would flatter);
- a click on the playground's Step button (one epoch);
- and, while the playground plays for a few seconds, the pictures drawn per second and the epochs
  trained per second.

These are the issue 14 numbers ("... to pixels", "... frames/s"): kernel time (benchmarks/course.py)
plus everything between the kernel and the screen.
"""

from __future__ import annotations

import importlib.util
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

INSTRUMENT = """
window.__container = null; window.__latency = []; window.__t0 = null; window.__frames = [];
const start = () => { window.__t0 = performance.now(); };
document.addEventListener("keydown", start, true);
document.addEventListener("pointerdown", start, true);
const done = () => {
  const t0 = window.__t0;
  if (t0 === null) return;
  window.__t0 = null;
  requestAnimationFrame(() => requestAnimationFrame(() => window.__latency.push(performance.now() - t0)));
};
// Every widget draws in the browser and says when its picture is painted, with its epoch if any.
document.addEventListener("drawn", (event) => {
  if (!window.__container || !event.target.closest("." + window.__container)) return;
  if (event.detail && event.detail.epoch !== undefined) window.__frames.push([performance.now(), event.detail.epoch]);
  done();
}, true);
"""


@dataclass(frozen=True)
class Action:
    label: str  # the row's name in RESULTS.md
    notebook: str
    container: str  # the panel's CSS class
    control: str | None = None  # the slider's value name (label.mlp-control-NAME); None: the Step button
    key: str = "ArrowLeft"
    presses: int = 8


ACTIONS = [
    Action("learning-rate explorer (lesson 7): learning-rate slider, one key press", "notebooks/07_gradient_descent.ipynb",
           "lr-explorer", "learning_rate"),
    Action("descent explorer (lesson 7): learning-rate slider, one key press", "notebooks/07_gradient_descent.ipynb",
           "descent-explorer", "learning_rate"),
    Action("activation explorer (lesson 3): hidden-layers slider, one key press", "notebooks/03_activation_functions.ipynb",
           "activation-explorer", "hidden_layers", presses=6),
    Action("approximation explorer (lesson 2): bumps slider, one key press", "notebooks/02_why_nonlinearity.ipynb",
           "approximation-explorer", "bumps", key="ArrowRight"),
    Action("optimiser race (lesson 8): learning-rate slider, one key press", "notebooks/08_optimizers.ipynb",
           "optimizer-race", "learning_rate"),
    Action("playground (lesson 9): Step button, one click", "notebooks/09_training.ipynb", "playground"),
]
PLAY_LABEL = "playground (lesson 9) while playing"


def browser_helpers():
    spec = importlib.util.spec_from_file_location("browser_conftest", ROOT / "tests" / "browser" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _latencies(page, action: Action) -> list[float]:
    page.evaluate(f"window.__container = {action.container!r}")
    panel = page.locator(f".{action.container}").first
    panel.scroll_into_view_if_needed()
    if action.control is not None:
        panel.locator(f"label.mlp-control-{action.control.replace('_', '-')} input[type=range]").focus()
        act = lambda: page.keyboard.press(action.key)  # noqa: E731
    else:
        button = panel.locator(".playground-step")
        act = button.click
    times = []
    for _ in range(action.presses):
        page.evaluate("window.__latency = []")
        act()
        page.wait_for_function("window.__latency.length > 0", timeout=60_000)
        times.append(page.evaluate("window.__latency[0]"))
        time.sleep(0.3)  # the kernel and the page settle before the next action
    return times


def _playing(page, seconds: float) -> tuple[float, float]:
    """(pictures per second, epochs per second) over ``seconds`` of Play, from the first picture on."""
    page.evaluate("window.__container = 'playground'; window.__frames = []")
    panel = page.locator(".playground").first
    panel.locator(".playground-play").click()
    time.sleep(seconds)
    panel.locator(".playground-pause").click()
    frames = page.evaluate("window.__frames")[1:]
    time.sleep(1.0)
    if len(frames) < 2:
        return 0.0, 0.0
    span = (frames[-1][0] - frames[0][0]) / 1000
    return (len(frames) - 1) / span, (frames[-1][1] - frames[0][1]) / span


def pixel_numbers(play_seconds: float = 5.0, progress=print, only=()) -> tuple[dict, dict]:
    """({action: median ms from input to pixels}, {"...": (frames/s, epochs/s)}); empty without chromium.
    ``only``: the panels (CSS classes, e.g. "lr-explorer") to measure; all of them if empty."""
    actions = [action for action in ACTIONS if not only or action.container in only]
    chromium = shutil.which("chromium")
    if chromium is None:
        progress("  chromium is not installed: no browser numbers (apt-get install chromium)")
        return {}, {}
    helpers = browser_helpers()
    from playwright.sync_api import sync_playwright

    latencies, rates = {}, {}
    with tempfile.TemporaryDirectory(prefix="mlp-pixels-") as folder, sync_playwright() as playwright:
        server = helpers.JupyterLab(ROOT, Path(folder))
        try:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=helpers.CHROMIUM_ARGS)
            for notebook in dict.fromkeys(action.notebook for action in actions):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.add_init_script(INSTRUMENT)
                server.open_notebook(page, ROOT / notebook)
                server.run_all(page)
                for action in (a for a in actions if a.notebook == notebook):
                    times = _latencies(page, action)
                    latencies[action.label] = statistics.median(times)
                    progress(f"  {action.label}: median {statistics.median(times):.0f} ms "
                             f"(min {min(times):.0f}, max {max(times):.0f}, n = {len(times)})")
                    if action.container == "playground":
                        rates[PLAY_LABEL] = _playing(page, play_seconds)
                        progress(f"  {PLAY_LABEL}: {rates[PLAY_LABEL][0]:.1f} pictures/s at "
                                 f"{rates[PLAY_LABEL][1]:.0f} epochs/s")
                page.close()
                server.delete_sessions()
            browser.close()
        finally:
            server.stop()
    return latencies, rates


if __name__ == "__main__":
    import sys
    unknown = set(sys.argv[1:]) - {action.container for action in ACTIONS}
    if unknown:
        sys.exit(f"no panel {sorted(unknown)}; choose from {sorted({action.container for action in ACTIONS})}")
    pixel_numbers(only=sys.argv[1:])
