"""Time every system on every workload side by side, in one run, and check the targets.

Ratios between systems only hold when they are measured in the same run: on a shared machine
the absolute times move 10-15% from one run to the next. So each repeat times every system once,
in turn (interleaved), and the medians over the repeats are compared.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from .systems import all_systems


@dataclass
class Timing:
    """One system on one workload: the training times of each repeat and the test accuracy."""

    system: str
    seconds: list = field(default_factory=list)
    accuracy: float | None = None
    skipped: str | None = None  # why the system did not run

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


@dataclass
class WorkloadResult:
    workload: object
    timings: dict  # system name -> Timing

    def median(self, system: str) -> float | None:
        timing = self.timings.get(system)
        return None if timing is None else timing.median

    def ratio(self, slower: str, faster: str) -> float | None:
        """median(slower) / median(faster): how many times faster ``faster`` is."""
        a, b = self.median(slower), self.median(faster)
        return None if a is None or b is None else a / b


def time_workload(workload, repeats: int, systems=None, progress=print) -> WorkloadResult:
    """Train every system ``repeats`` times on ``workload``, interleaved, from the same initial weights."""
    systems = all_systems() if systems is None else systems
    timings = {}
    for system in systems:
        timings[system.name] = Timing(system.name, skipped=system.unavailable())
    runnable = [system for system in systems if timings[system.name].skipped is None]
    for repeat in range(repeats):
        for system in runnable:
            system.prepare(workload)  # untimed: fresh initial weights every repeat
            start = time.perf_counter()
            system.train()
            timings[system.name].seconds.append(time.perf_counter() - start)
        if progress:
            progress(f"  {workload.name}: repeat {repeat + 1}/{repeats} done")
    for system in runnable:
        timings[system.name].accuracy = system.accuracy()  # of the last repeat (every repeat is identical)
    return WorkloadResult(workload, timings)


@dataclass
class Target:
    """One goal of the benchmark, e.g. "mlp >= 3x faster than scikit-learn on moons"."""

    description: str
    measured: float | None
    goal: float
    higher_is_better: bool = True
    unit: str = "x"

    @property
    def met(self) -> bool | None:
        if self.measured is None:
            return None
        return self.measured >= self.goal if self.higher_is_better else self.measured <= self.goal

    def measured_text(self) -> str:
        if self.measured is None:
            return "not measured"
        return f"{self.measured:.2f}{self.unit}" if self.unit == "x" else f"{self.measured:.3g} {self.unit}"


SPEEDUP_OVER_SKLEARN = {"moons": 3.0, "digits_32": 3.0, "digits_256": 2.0, "synthetic": 1.2}
FLOOR_RATIO = {"digits_32": 2.5, "synthetic": 1.3}
ACCURACY_POINTS = 0.5
WIDGET_SECONDS = 0.2
PIXELS_MS = 100.0                     # a control change to the new picture on the screen (issue 14)
FRAMES_PER_SECOND = 20.0              # the playground while playing (issue 14), at >= 30 epochs/s
IMPORT_SECONDS = {"import mlp": 0.5}  # a fresh Python, interpreter start included
FIRST_CELL_SECONDS = 1.0              # an exercise's first cell: from mlp.grader import check
CLASS_SECONDS = 300.0                 # 300 submissions of one lesson graded on 2 cores (issue 11)


def targets(results, widget_seconds=None, import_seconds=None, grading_seconds=None, matrix_cells=None,
            pixels=None) -> list[Target]:
    """The issues' targets, evaluated on one run's results (``widget_seconds``, ``import_seconds``:
    {label: median seconds}; ``matrix_cells``: the speed matrix's cells; ``pixels``: benchmarks.pixels's
    ({label: median ms}, {label: (frames/s, epochs/s)}))."""
    by_name = {result.workload.name: result for result in results}
    found = []
    for name, goal in SPEEDUP_OVER_SKLEARN.items():
        if name in by_name:
            found.append(Target(f"{name}: mlp faster than scikit-learn", by_name[name].ratio("scikit-learn", "mlp"),
                                goal))
    for mine, theirs in (("mlp", "PyTorch float64"), ("mlp float32", "PyTorch")):  # like with like
        for name, result in by_name.items():
            if all(result.timings.get(system) and result.timings[system].skipped is None for system in (mine, theirs)):
                found.append(Target(f"{name}: {mine} faster than {theirs}", result.ratio(theirs, mine), 1.0))
    for name, goal in FLOOR_RATIO.items():
        if name in by_name:
            found.append(Target(f"{name}: mlp time / GEMM floor", by_name[name].ratio("mlp", "GEMM floor"), goal,
                                higher_is_better=False))
    for name, result in by_name.items():
        if name.startswith("digits"):
            mine, theirs = result.timings["mlp"].accuracy, result.timings["scikit-learn"].accuracy
            gap = None if mine is None or theirs is None else 100 * abs(mine - theirs)
            found.append(Target(f"{name}: test-accuracy gap, mlp vs scikit-learn", gap, ACCURACY_POINTS,
                                higher_is_better=False, unit="points"))
    if matrix_cells:
        from .matrix import ACCURACY_POINTS as MATRIX_POINTS, OTHERS, largest_accuracy_gap, minimum

        for other in OTHERS:
            ratio, _ = minimum(matrix_cells, other)
            if ratio is not None:
                found.append(Target(f"speed matrix: fit's defaults faster than {other} in every cell (minimum)",
                                    ratio, 1.0))
                found.append(Target(f"speed matrix: largest test-accuracy gap, mlp vs {other}",
                                    largest_accuracy_gap(matrix_cells, other), MATRIX_POINTS,
                                    higher_is_better=False, unit="points"))
    for label, seconds in (widget_seconds or {}).items():
        found.append(Target(f"widget: {label}", seconds, WIDGET_SECONDS, higher_is_better=False, unit="s"))
    latencies, rates = pixels or ({}, {})
    for label, ms in latencies.items():
        found.append(Target(f"{label} to pixels", ms, PIXELS_MS, higher_is_better=False, unit="ms"))
    for label, (frames, epochs) in rates.items():
        found.append(Target(f"{label} frames/s (at {epochs:.0f} epochs/s)", frames, FRAMES_PER_SECOND, unit="frames/s"))
    for label, seconds in (import_seconds or {}).items():
        goal = IMPORT_SECONDS.get(label.split(" (")[0], FIRST_CELL_SECONDS)
        found.append(Target(f"first cell: {label}", seconds, goal, higher_is_better=False, unit="s"))
    for label, seconds in (grading_seconds or {}).items():
        found.append(Target(f"grading a class: {label}", seconds, CLASS_SECONDS, higher_is_better=False, unit="s"))
    return found
