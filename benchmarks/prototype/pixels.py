"""Key press -> new picture on the screen, in Chromium: today's PNG widget against the canvas prototype.

    python -m benchmarks.prototype.pixels [--presses 15]

Serves a scratch notebook with both widgets in Voila (the same widget manager as JupyterLab, without
the notebook around it), presses ArrowLeft on each widget's learning-rate slider, and measures in the
page, from the keydown event to two animation frames after the new picture exists:
  - today's LearningRateExplorer: the Image widget's new PNG (its src changes, then it is decoded);
  - the prototype LearningRateCanvas: the canvas is redrawn from the two loss curves the kernel sent.
Both kernels do the same training (LearningRateExplorer.train_run), one learning-rate step apart.

Then, while playing for a few seconds, frames per second and epochs per second of today's Playground
(its PNG changes) and of the prototype PlaygroundCanvas (its "drawn" events), on the lesson's circles.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from benchmarks.pixels import INSTRUMENT, browser_helpers

ROOT = Path(__file__).resolve().parents[2]

# The page's measurements are make bench's own (benchmarks/pixels.py): PNG widgets and "drawn" events alike.


def scratch_notebook(folder: Path) -> Path:
    path = folder / "pixels.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"import sys\nsys.path.insert(0, {str(ROOT)!r})"),
        nbformat.v4.new_code_cell("from mlp.widgets import LearningRateExplorer\n\nLearningRateExplorer(seed=0)"),
        nbformat.v4.new_code_cell("from benchmarks.prototype.lr_canvas import LearningRateCanvas\n\n"
                                  "LearningRateCanvas(seed=0)"),
        nbformat.v4.new_code_cell("from mlp.widgets import Playground\n\nPlayground(dataset='circles', seed=0)"),
        nbformat.v4.new_code_cell("from benchmarks.prototype.playground_canvas import PlaygroundCanvas\n\n"
                                  "PlaygroundCanvas(dataset='circles', seed=0)"),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


def measure(page, handle, presses: int) -> list[float]:
    handle.focus()
    times = []
    for _ in range(presses):
        page.evaluate("window.__latency = []")
        page.keyboard.press("ArrowLeft")  # down from 0.1: 30 steps stay inside the slider (1e-4 .. 10)
        page.wait_for_function("window.__latency.length > 0", timeout=30_000)
        times.append(page.evaluate("window.__latency[0]"))
        time.sleep(0.3)  # let the kernel and the page settle before the next press
    return times


def playing(page, play, pause, seconds: float) -> tuple[float, float]:
    """(frames per second, epochs per second) over ``seconds`` of play, from the frames the page drew."""
    page.evaluate("window.__frames = []")
    play.click()
    time.sleep(seconds)
    pause.click()
    frames = page.evaluate("window.__frames")
    time.sleep(1.0)
    frames = frames[1:]  # from the first frame on: the start-up is not a frame rate
    span = frames[-1][0] - frames[0][0]
    return (len(frames) - 1) / span * 1000, (frames[-1][1] - frames[0][1]) / span * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=5.0, help="of play, for the frame rates")
    args = parser.parse_args(argv)
    helpers = browser_helpers()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="mlp-pixels-") as folder:
        folder = Path(folder)
        server = helpers.Voila(scratch_notebook(folder), folder)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                                     args=helpers.CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 1600})
                page.add_init_script(INSTRUMENT)
                server.open(page)
                page.locator(".lr-explorer-readout").first.wait_for(timeout=180_000)
                page.locator(".lr-canvas-readout").first.wait_for(timeout=180_000)
                page.wait_for_function("document.querySelector('.lr-canvas-readout').textContent.length > 0",
                                       timeout=180_000)
                time.sleep(2)
                page.evaluate("window.__container = 'lr-explorer'")
                png = measure(page, page.locator(".lr-slider").get_by_role("slider"), args.presses)
                canvas = measure(page, page.locator(".lr-canvas-slider"), args.presses)
                page.locator(".playground-canvas-epoch").first.wait_for(timeout=180_000)
                page.evaluate("window.__container = 'playground'")
                today = playing(page, page.locator(".playground-play").first, page.locator(".playground-pause").first,
                                args.seconds)
                prototype = playing(page, page.locator(".playground-canvas-play"),
                                    page.locator(".playground-canvas-pause"), args.seconds)
                browser.close()
        finally:
            server.stop()
    for name, times in [("learning-rate explorer, PNG (today)", png), ("learning-rate canvas (prototype)", canvas)]:
        print(f"{name:<40} key press to pixels: median {statistics.median(times):6.1f} ms, "
              f"min {min(times):6.1f}, max {max(times):6.1f} (n = {len(times)})")
    for name, (fps, eps) in [("playground, PNG (today)", today), ("playground canvas (prototype)", prototype)]:
        print(f"{name:<40} while playing: {fps:5.1f} frames/s at {eps:6.1f} epochs/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
