"""Timing helpers shared by the widget benchmarks (run as scripts: python benchmarks/widgets_*.py)."""

from __future__ import annotations

import statistics
import time


def timed(panel, action, repeats, setup=None):
    """Medians of (wall, cpu, redraw) seconds of ``action(index)``; ``setup(index)`` runs untimed before it."""
    wall, cpu, draw = [], [], []
    for index in range(repeats):
        if setup is not None:
            setup(index)
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        action(index)
        wall.append(time.perf_counter() - wall_start)
        cpu.append(time.process_time() - cpu_start)
        draw.append(panel.redraw_seconds)
    return statistics.median(wall), statistics.median(cpu), statistics.median(draw)


def change(control, values):
    """An action that sets ``control`` to the next value that differs from its current one."""
    def action(index):
        value = values[index % len(values)]
        if control.value == value:
            value = values[(index + 1) % len(values)]
        control.value = value
    return action


def report(label, result, width=46):
    wall, cpu, draw = result
    print(f"{label:<{width}} median wall {wall:.3f} s  cpu {cpu:.3f} s  (redraw {draw:.3f} s)")
