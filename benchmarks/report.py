"""The results as text: the machine, one table per run, the targets; written to benchmarks/RESULTS.md.

The hand-written analysis between the ANALYSIS markers of an existing RESULTS.md is kept when
the file is written again, so `make bench` refreshes the numbers without losing the explanations.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
from importlib import metadata

from threadpoolctl import threadpool_info

ANALYSIS_START, ANALYSIS_END = "<!-- ANALYSIS: kept by make bench -->", "<!-- /ANALYSIS -->"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict:
    """What the numbers depend on: CPUs, BLAS and its threads, library versions."""
    blas = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    blas_text = "; ".join(
        f"{pool.get('internal_api')} {pool.get('version')} ({pool.get('architecture')}), "
        f"{pool.get('num_threads')} thread(s), {os.path.basename(pool.get('filepath', ''))}" for pool in blas
    ) or "unknown"
    return {
        "date": datetime.date.today().isoformat(),
        "CPU": f"{_cpu_model()}, {os.cpu_count()} logical CPU(s)",
        "BLAS (numpy)": blas_text,
        "Python": platform.python_version(),
        "numpy": _version("numpy"),
        "scikit-learn": _version("scikit-learn"),
        "PyTorch": _version("torch"),
    }


def _ms(seconds) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1e3:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _accuracy(value) -> str:
    return "-" if value is None else f"{100 * value:.2f}%"


def workload_table(result) -> list[str]:
    """One workload: each system's median time, mlp's speed-up over it, and its test accuracy."""
    w = result.workload
    mlp_time = result.median("mlp")
    lines = [f"### {w.description}", "",
             f"Plain SGD, learning rate {w.learning_rate}, the same initial weights for every system; "
             f"{len(w.X_train)} training and {len(w.X_test)} test examples.", "",
             "| system | median time | mlp is faster by | test accuracy |", "|---|---:|---:|---:|"]
    for name, timing in result.timings.items():
        if timing.skipped is not None:
            lines.append(f"| {name} | skipped: {timing.skipped} | | |")
            continue
        if name == "mlp":
            speedup = "(reference)"
        elif name.startswith("mlp"):
            speedup = f"(variant: {timing.median / mlp_time:.2f}x mlp's time)"
        elif name == "GEMM floor":
            speedup = f"mlp takes {mlp_time / timing.median:.2f}x the floor"
        else:
            speedup = f"{timing.median / mlp_time:.2f}x"
        lines.append(f"| {name} | {_ms(timing.median)} | {speedup} | {_accuracy(timing.accuracy)} |")
    return lines + [""]


def targets_table(targets) -> list[str]:
    lines = ["| target | goal | measured | met |", "|---|---:|---:|:---:|"]
    for target in targets:
        sign = ">=" if target.higher_is_better else "<="
        goal = f"{sign} {target.goal:g}{target.unit if target.unit == 'x' else ' ' + target.unit}"
        met = {True: "yes", False: "**no**", None: "-"}[target.met]
        lines.append(f"| {target.description} | {goal} | {target.measured_text()} | {met} |")
    return lines + [""]


def render(results, targets, repeats, lessons=None, widgets=None, analysis="", imports=None, grading=None,
           matrix_cells=None, pixels=None) -> str:
    lines = ["# Benchmarks: mlp against scikit-learn, PyTorch and the matrix-multiply floor", "",
             "Written by `make bench` (`python -m benchmarks`); medians of "
             f"{repeats} repeats, every system timed in turn within each repeat, so the ratios come "
             "from one run. Times are training only (building the network is not timed).", "",
             "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in machine().items()]
    lines += ["", "## Training", ""]
    for result in results:
        lines += workload_table(result)
    if matrix_cells:
        from .matrix import describe, render as render_matrix

        lines += ["## The speed matrix: `fit` with its defaults against scikit-learn and PyTorch float64", ""]
        lines += describe() + [""] + render_matrix(matrix_cells)
    if imports:
        lines += ["## First cells: imports in a fresh Python (median, interpreter start included)", "",
                  "| first cell | median |", "|---|---:|"]
        lines += [f"| `{label}` | {seconds:.2f} s |" for label, seconds in imports.items()]
        lines += [""]
    if lessons:
        lines += ["## Lessons: executing each notebook top to bottom (fresh kernel)", "",
                  "| lesson | wall time |", "|---|---:|"]
        lines += [f"| {name} | {seconds:.1f} s |" for name, seconds in lessons.items()]
        lines += [f"| all {len(lessons)} | {sum(lessons.values()):.1f} s |", ""]
    if widgets:
        lines += ["## Widgets: kernel time from a control change to the redrawn plot (median)", "",
                  "| widget and control | median |", "|---|---:|"]
        lines += [f"| {label} | {seconds:.3f} s |" for label, seconds in widgets.items()]
        lines += [""]
    if pixels and (pixels[0] or pixels[1]):
        latencies, rates = pixels
        lines += ["## Widgets in the browser: from the learner's action to the new picture on the screen", "",
                  "JupyterLab in headless Chromium, each lesson run top to bottom, then the action repeated on its "
                  "widget (`benchmarks/pixels.py`): median from the keydown or pointerdown event to two animation "
                  "frames after the new picture was decoded.", "",
                  "| widget and action | median |", "|---|---:|"]
        lines += [f"| {label} to pixels | {ms:.0f} ms |" for label, ms in latencies.items()]
        lines += [f"| {label} frames/s | {frames:.1f} (at {epochs:.0f} epochs/s) |"
                  for label, (frames, epochs) in rates.items()]
        lines += [""]
    if grading:
        lines += ["## Grading a class: `python -m mlp.grader grade` on every submission (wall time)", "",
                  "| class | wall time | per submission |", "|---|---:|---:|"]
        lines += [f"| {label} | {seconds:.0f} s | {seconds / int(label.split()[0]):.2f} s |"
                  for label, seconds in grading.items()]
        lines += [""]
    lines += ["## Targets", ""] + targets_table(targets)
    lines += [ANALYSIS_START, analysis.strip("\n"), ANALYSIS_END, ""]
    return "\n".join(lines)


def kept_analysis(path) -> str:
    """The hand-written part of an existing RESULTS.md ("" when there is none)."""
    try:
        text = open(path).read()
    except OSError:
        return ""
    match = re.search(re.escape(ANALYSIS_START) + r"\n?(.*?)" + re.escape(ANALYSIS_END), text, re.S)
    return match.group(1) if match else ""
