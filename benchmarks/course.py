"""What a learner waits for: executing each lesson notebook, and a widget's update after a slider change.

Lessons run top to bottom in a fresh kernel of this Python, from their own folder, with progress
bars off (as `make test` and `make notebooks` run them); the stored files are not touched.
Widget updates are kernel-side: setting a control's value, which retrains when needed, redraws
the figure into the PNG image and sets the readout (what the browser's slider move triggers).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lesson_seconds(paths=None, timeout: int = 300, progress=print) -> dict:
    """{lesson file name: wall seconds to execute it}; a failing lesson raises."""
    import tempfile

    import nbformat
    from nbclient import NotebookClient
    from traitlets.config import Config

    os.environ["MLP_PROGRESS"] = "0"
    os.environ.pop("MPLBACKEND", None)  # the inline backend, as in JupyterLab
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) if paths is None else paths
    seconds = {}
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        with tempfile.TemporaryDirectory(prefix="mlp-bench-") as sockets:  # IPC, not TCP: no open port
            config = Config({"KernelManager": {"transport": "ipc", "ip": f"{sockets}/kernel"}})
            client = NotebookClient(notebook, config=config, timeout=timeout, kernel_name="python3",
                                    resources={"metadata": {"path": str(path.parent)}})
            start = time.perf_counter()
            client.execute()
        seconds[path.name] = time.perf_counter() - start
        if progress:
            progress(f"  {path.name}: {seconds[path.name]:.1f} s")
    return seconds


def widget_seconds(repeats: int = 7) -> dict:
    """{what changed: median kernel seconds per change} for one slider of each lesson widget."""
    import matplotlib

    matplotlib.use("Agg")
    os.environ["MLP_PROGRESS"] = "0"
    from mlp.widgets import ActivationExplorer, DescentExplorer, LearningRateExplorer, Playground

    from .timing import change, timed

    results = {}
    explorer = LearningRateExplorer()
    results["learning-rate explorer (lesson 7): learning-rate slider, 200 moons, full batch, retrain + redraw"] = \
        timed(explorer, change(explorer.lr_slider, [0.003, 0.03, 0.3, 3.0, 0.01, 0.1, 1.0]), repeats)[0]
    activations = ActivationExplorer()
    new_depths = [3, 5, 7, 9, 11, 13, 15, 17, 19, 4, 6, 8, 10, 14, 16, 18, 20, 2]  # never a cached one
    results["activation explorer (lesson 3): hidden-layers slider, a new depth (3 stacks computed, redrawn)"] = \
        timed(activations, change(activations.depth_slider, new_depths[:max(repeats, 1)]), repeats)[0]
    descent = DescentExplorer()
    results["descent explorer (lesson 7): learning-rate slider"] = \
        timed(descent, change(descent.learning_rate_slider, [0.05, 0.1, 0.5, 0.9, 1.2]), repeats)[0]
    playground = Playground(n_samples=200)
    results["playground (lesson 8): Step button, one epoch + redraw"] = \
        timed(playground, lambda index: playground.step_button.click(), repeats)[0]
    return results
