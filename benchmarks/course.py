"""What a learner waits for: the first cell's imports, executing each lesson notebook, and a widget's update
after a slider change.

Imports are timed in a fresh Python each time (interpreter start included), as a new kernel runs them.

Lessons run top to bottom in a fresh kernel of this Python, from their own folder, with progress
bars off (as `make test` and `make notebooks` run them); the stored files are not touched.
Widget updates are kernel-side: setting a control's value, which retrains when needed, redraws
the figure into the PNG image and sets the readout (what the browser's slider move triggers).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The first cell of the lessons and of the exercises, without what they import besides mlp.
FIRST_CELLS = {
    "import mlp": "import mlp",
    "from mlp.grader import check, show_example (an exercise's first cell)":
        "import numpy as np\nfrom mlp.grader import check, show_example",
}


def import_seconds(repeats: int = 5) -> dict:
    """{first cell: median wall seconds to run it in a fresh Python}."""
    results = {}
    for label, code in FIRST_CELLS.items():
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
            times.append(time.perf_counter() - start)
        results[label] = statistics.median(times)
    return results


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
    """{what changed: median kernel seconds}: the kernel's share of one slider step (or Step click) of each
    lesson widget, built as its lesson builds it: the computation and the picture it sends to the page."""
    os.environ["MLP_PROGRESS"] = "0"
    from mlp.widgets import (ActivationExplorer, ApproximationExplorer, DescentExplorer, LearningRateExplorer,
                             OptimizerRace, Playground)

    def median_seconds(widget, name, values):
        times = []
        for index in range(repeats):
            value = values[index % len(values)]
            if getattr(widget, name) == value:  # a change, never the value it has
                value = values[(index + 1) % len(values)]
            start = time.perf_counter()
            setattr(widget, name, value)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    playground, steps = Playground(dataset="circles", seed=0), []
    for _ in range(repeats):
        start = time.perf_counter()
        playground.step()
        steps.append(time.perf_counter() - start)
    return {
        "approximation explorer (lesson 2): bumps slider": median_seconds(
            ApproximationExplorer(target="wiggly", bumps=8), "bumps", [9, 10, 11, 12, 13, 14, 15]),
        "activation explorer (lesson 3): hidden-layers slider, a new depth": median_seconds(
            ActivationExplorer(activation="sigmoid", seed=0), "hidden_layers", [3, 5, 7, 9, 11, 13, 15, 17, 19]),
        "learning-rate explorer (lesson 7): learning-rate slider, retrain": median_seconds(
            LearningRateExplorer(seed=0), "learning_rate", [0.003, 0.03, 0.3, 3.0, 0.01, 0.1, 1.0]),
        "descent explorer (lesson 7): learning-rate slider": median_seconds(
            DescentExplorer(), "learning_rate", [0.05, 0.1, 0.5, 0.9, 1.2]),
        "optimiser race (lesson 8): learning-rate slider": median_seconds(
            OptimizerRace(surface="saddle", learning_rate=0.1, steps=100), "learning_rate", [0.05, 0.2, 0.02, 0.3, 0.08]),
        "playground (lesson 9): Step, one epoch": statistics.median(steps),
    }


def grading_seconds(count: int = 300, lessons=("03", "09"), jobs: int = 2, progress=print) -> dict:
    """{what was graded: wall seconds} for a class of ``count`` submissions of each lesson, graded as an
    instructor does (``python -m mlp.grader grade --jobs 2``, in the sandbox mode this machine has): every
    submission its lesson's solution notebook with a line of its own (so every file, and every seed, differs)."""
    import json
    import tempfile

    from mlp.grader.sandbox import mode

    results = {}
    for lesson in lessons:
        solution = next((ROOT / "solutions").glob(f"{lesson}_*.ipynb"))
        notebook = json.loads(solution.read_text())
        with tempfile.TemporaryDirectory(prefix="mlp-bench-class-") as folder:
            paths = []
            for number in range(count):
                notebook["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                          "source": f"learner = {number}"})
                path = Path(folder) / f"learner{number:04d}_{lesson}.ipynb"
                path.write_text(json.dumps(notebook))
                notebook["cells"].pop()
                paths.append(str(path))
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "mlp.grader", "grade", *paths, "--jobs", str(jobs), "--no-progress",
                            "--csv", str(Path(folder) / "grades.csv")], check=True, cwd=ROOT,
                           stderr=subprocess.DEVNULL)
            seconds = time.perf_counter() - start
        label = f"{count} submissions of lesson {lesson}, --jobs {jobs}, {mode()} sandbox"
        results[label] = seconds
        if progress:
            progress(f"  {label}: {seconds:.0f} s ({seconds / count:.2f} s each)")
    return results
