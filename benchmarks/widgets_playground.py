"""Kernel time per control change of the Playground, on 200 points (the lessons' size).

Run:  .venv/bin/python benchmarks/widgets_playground.py [--repeats N]

A "change" is what the browser triggers: setting a control's value (or clicking a button),
which rebuilds or trains as needed, redraws the figure into the PNG image and sets the
readout. Printed: the median over the repeats of the wall-clock time and of the process CPU
time (less disturbed by other programs on the machine), and the redraw's share. Also one
Play frame (the epochs trained between two redraws, plus the redraw). The quality bar is
0.2 s per slider change.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("MLP_PROGRESS", "0")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from mlp.widgets.playground import Playground  # noqa: E402
from timing import change, report, timed  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11)
    args = parser.parse_args()
    repeats = args.repeats

    start = time.perf_counter()
    playground = Playground(n_samples=200)
    print(f"construction (data, model, first full draw): {time.perf_counter() - start:.3f} s")
    playground.step(20)
    report("Step button (one epoch, batch 16)", timed(playground, lambda i: playground.step_button.click(), repeats))
    report("Reset button", timed(playground, lambda i: playground.reset_button.click(), repeats,
                                 setup=lambda i: playground.step(3)))
    wall, cpu, _ = timed(playground, change(playground.learning_rate_slider, [0.03, 0.1, 0.3]), repeats)
    print(f"{'learning-rate slider (live: readout only)':<46} median wall {wall:.3f} s  cpu {cpu:.3f} s  "
          f"(no redraw)")
    report("noise slider (rebuild)", timed(playground, change(playground.noise_slider, [0.1, 0.2, 0.3]), repeats))
    report("validation-share slider (rebuild)",
           timed(playground, change(playground.validation_slider, [0.2, 0.3, 0.4]), repeats))
    report("hidden-layers slider (rebuild)", timed(playground, change(playground.layers_slider, [1, 2, 3]), repeats))
    report("units slider (rebuild)", timed(playground, change(playground.units_slider, [4, 6, 8]), repeats))
    report("activation menu (rebuild)",
           timed(playground, change(playground.activation_menu, ["tanh", "relu", "sigmoid"]), repeats))
    report("batch-size menu (rebuild)", timed(playground, change(playground.batch_menu, [8, 16, 32]), repeats))
    report("data menu (rebuild)",
           timed(playground, change(playground.dataset_menu, ["circles", "moons", "xor", "spirals", "blobs"]),
                 repeats))
    playground.dataset_menu.value = "circles"

    def frame(index):  # what the Play task does between two redraws
        deadline = time.perf_counter() + playground.frame_seconds
        for _ in range(playground.max_epochs_per_frame):
            playground._train_epoch()
            if time.perf_counter() >= deadline:
                break
        playground._show()

    for batch in (0, 16, 1):
        playground.batch_menu.value = batch
        label = "full batch" if batch == 0 else f"batch {batch}"
        report(f"one Play frame ({playground.max_epochs_per_frame} epochs max, {label})",
               timed(playground, frame, repeats))


if __name__ == "__main__":
    main()
