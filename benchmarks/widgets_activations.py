"""Kernel time per control change of the activation explorer, on the lesson's 200 moons.

Run:  .venv/bin/python benchmarks/widgets_activations.py [--repeats N]

A "change" is what the browser triggers: setting a control's value, which recomputes the
deep stack's forward and backward pass when needed, redraws the figure into the PNG image
and sets the readout. Printed: the median over the repeats of the wall-clock time and of
the process CPU time (less disturbed by other programs on the machine). The z range redraws
only the f / f' half of the picture, the depth, initialisation and bias only the deep-stack
half; a new activation redraws both ("redraw": updating that half's artists, drawing it, pasting
its legends and fixed texts, encoding the PNG of the whole picture). The quality bar is 0.2 s per
change.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("MLP_PROGRESS", "0")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from mlp.widgets.activations import ActivationExplorer  # noqa: E402


def measure(explorer, control, values, repeats, forget=()):
    """Set ``control`` to each value in turn (cycling) and time every change. ``forget`` names
    the caches emptied before each change ("functions", "stack": the drawn bands; "statistics":
    the deep stacks' forward/backward results), so that the change is measured cold."""
    wall, cpu, draw = [], [], []
    for index in range(repeats):
        value = values[index % len(values)]
        if control.value == value:
            value = values[(index + 1) % len(values)]
        for name in forget:
            if name == "statistics":
                explorer._cache.clear()
            else:
                explorer._bands.pop(name, None)
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        control.value = value
        wall.append(time.perf_counter() - wall_start)
        cpu.append(time.process_time() - cpu_start)
        draw.append(explorer.redraw_seconds)
    return statistics.median(wall), statistics.median(cpu), statistics.median(draw)


def report(label, result):
    wall, cpu, draw = result
    print(f"{label:<62} median wall {wall:.3f} s  cpu {cpu:.3f} s  (redraw {draw:.3f} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    start = time.perf_counter()
    explorer = ActivationExplorer()
    print(f"construction (first stack and first draw): {time.perf_counter() - start:.3f} s")
    names = ["relu", "tanh", "leaky_relu", "softmax", "elu", "gaussian", "sigmoid", "selu", "softplus", "linear"]
    report("activation dropdown, cold (stack computed, both halves drawn)",
           measure(explorer, explorer.activation_dropdown, names, args.repeats,
                   forget=("functions", "stack", "statistics")))
    for name in names:  # see each once, so that the next changes find both halves cached
        explorer.activation_dropdown.value = name
    report("activation dropdown, back to one seen before (cached halves)",
           measure(explorer, explorer.activation_dropdown, names, args.repeats))
    explorer.activation_dropdown.value = "sigmoid"
    report("z range slider, new range (f / f' half drawn)",
           measure(explorer, explorer.z_slider, [(-8.0, 8.0), (-3.0, 3.0), (-5.0, 5.0), (-10.0, 2.0)], args.repeats,
                   forget=("functions",)))
    report("hidden layers slider, new depth (3 stacks computed, lower half drawn)",
           measure(explorer, explorer.depth_slider, list(range(8, 21)), args.repeats,
                   forget=("stack", "statistics")))
    report("initial bias slider, new bias (3 stacks computed, lower half drawn)",
           measure(explorer, explorer.bias_slider, [-2.0, -1.0, -0.5, 0.25, 0.5, 1.0, 2.0], args.repeats,
                   forget=("stack", "statistics")))
    report("initialisation dropdown, new one (3 stacks computed, lower half drawn)",
           measure(explorer, explorer.init_dropdown, ["he", "lecun", "small_normal", "uniform", "xavier"],
                   args.repeats, forget=("stack", "statistics")))

if __name__ == "__main__":
    main()
