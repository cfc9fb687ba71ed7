"""Kernel time per control change of the gradient-descent explorer.

Run:  .venv/bin/python benchmarks/widgets_descent.py [--repeats N]

A "change" is what the browser triggers: setting a control's value (or clicking a button),
which recomputes the two paths (200 steps each) when needed, redraws the figure into the
PNG image and sets the readout. Printed: the median over the repeats of the wall-clock time
and of the process CPU time (less disturbed by other programs on the machine), and the
redraw's share. The quality bar is 0.2 s per slider change.
"""

from __future__ import annotations

import argparse
import time

import matplotlib

matplotlib.use("Agg")

from mlp.widgets.descent import SURFACES, DescentExplorer, descent_path  # noqa: E402
from timing import change, report, timed  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11)
    args = parser.parse_args()
    repeats = args.repeats

    start = time.perf_counter()
    explorer = DescentExplorer()
    print(f"construction (paths, first full draw): {time.perf_counter() - start:.3f} s")
    start = time.perf_counter()
    for _ in range(20):
        descent_path(SURFACES["valley (Rosenbrock)"], 0.1, 0.9, 200)
    print(f"one 200-step path: {(time.perf_counter() - start) / 20 * 1e3:.2f} ms")
    report("Step button", timed(explorer, lambda i: explorer.step_button.click(), repeats))
    report("Reset button", timed(explorer, lambda i: explorer.reset_button.click(), repeats,
                                 setup=lambda i: explorer.step(10)))
    report("steps slider", timed(explorer, change(explorer.steps_slider, [20, 50, 100, 200]), repeats))
    report("learning-rate slider",
           timed(explorer, change(explorer.learning_rate_slider, [0.05, 0.1, 0.5, 0.9, 1.2]), repeats))
    report("momentum slider", timed(explorer, change(explorer.momentum_slider, [0.0, 0.5, 0.9]), repeats))
    report("1-D start slider", timed(explorer, change(explorer.start_slider, [-1.0, 0.0, 6.0]), repeats))
    report("1-D loss menu", timed(explorer, change(explorer.curve_menu, ["quadratic", "two valleys"]), repeats))
    report("2-D loss menu (new contours)",
           timed(explorer, change(explorer.surface_menu, list(SURFACES)), repeats))


if __name__ == "__main__":
    main()
