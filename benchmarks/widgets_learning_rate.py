"""Kernel time per control change of the learning-rate explorer, on the lesson's 200 moons.

Run:  .venv/bin/python benchmarks/widgets_learning_rate.py [--repeats N]

A "change" is what the browser triggers: setting a control's value, which retrains (when
needed), redraws the figure into the PNG image and sets the readout. Printed: the median
over the repeats of the wall-clock time and of the process CPU time (less disturbed by other
programs on the machine), split into training and drawing ("redraw": updating the figure's
artists, drawing it, pasting the legends and fixed texts, encoding the PNG). The quality bar is
0.2 s per slider change for a full-batch run. Trainings expected to take longer than half a
second are announced in the readout first: the sweeps below print those messages.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("MLP_PROGRESS", "0")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from mlp.widgets.learning_rate import LearningRateExplorer  # noqa: E402


def measure(explorer, control, values, repeats):
    """Set ``control`` to each value in turn (cycling) and time every change."""
    wall, cpu, train, draw = [], [], [], []
    for index in range(repeats):
        value = values[index % len(values)]
        if control.value == value:
            value = values[(index + 1) % len(values)]
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        control.value = value
        wall.append(time.perf_counter() - wall_start)
        cpu.append(time.process_time() - cpu_start)
        draw.append(explorer.redraw_seconds)
        train.append(wall[-1] - explorer.redraw_seconds)
    return {name: statistics.median(times) for name, times in
            (("wall", wall), ("cpu", cpu), ("train+other", train), ("redraw", draw))}


def report(label, result):
    print(f"{label:<58} median wall {result['wall']:.3f} s  cpu {result['cpu']:.3f} s  "
          f"(train/other {result['train+other']:.3f} s, redraw {result['redraw']:.3f} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    rates = [0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 0.05, 0.5]

    start = time.perf_counter()
    explorer = LearningRateExplorer()
    print(f"construction (first run and first draw): {time.perf_counter() - start:.3f} s")
    report("single run, full batch, 150 epochs: learning-rate slider",
           measure(explorer, explorer.lr_slider, rates, args.repeats))
    report("single run, full batch: epochs slider (100..200)",
           measure(explorer, explorer.epochs_slider, [100, 150, 200], args.repeats))
    report("single run, full batch: schedule dropdown",
           measure(explorer, explorer.schedule_dropdown, ["step", "exponential", "inverse_time", "constant"],
                   args.repeats))
    for batch in (32, 8, 1):
        explorer.batch_dropdown.value = batch
        report(f"single run, batch size {batch}: learning-rate slider",
               measure(explorer, explorer.lr_slider, rates, max(3, args.repeats // (5 if batch == 1 else 1))))
    explorer.batch_dropdown.value = 0

    explorer.mode_toggle.value = "single run"
    sweeps = []
    for epochs in (150, 160, 170, 180, 190):  # each new setting retrains the whole sweep
        start = time.perf_counter()
        explorer.epochs_slider.value = epochs
        explorer.mode_toggle.value = "sweep" if explorer.mode_toggle.value == "single run" else "sweep"
        sweeps.append((time.perf_counter() - start, explorer.sweep_seconds, explorer.redraw_seconds))
    print(f"{'sweep (6 rates, full batch): a settings change retrains all':<58} median wall "
          f"{statistics.median(s[0] for s in sweeps):.3f} s  (sweep training "
          f"{statistics.median(s[1] for s in sweeps):.3f} s, redraw {statistics.median(s[2] for s in sweeps):.3f} s)")
    report("sweep mode: learning-rate slider (sweep cached)",
           measure(explorer, explorer.lr_slider, rates, args.repeats))
    for batch in (32, 1):
        messages = []
        watch = lambda change: messages.append((time.perf_counter(), change["new"]))  # noqa: E731
        explorer.readout.observe(watch, names="value")
        start = time.perf_counter()
        explorer.batch_dropdown.value = batch
        wall = time.perf_counter() - start
        explorer.readout.unobserve(watch, names="value")
        print(f"{f'sweep, batch size {batch}: training all 6 rates':<58} wall {wall:.3f} s "
              f"(sweep training {explorer.sweep_seconds:.3f} s, redraw {explorer.redraw_seconds:.3f} s)")
        announced = [(moment - start, text) for moment, text in messages[:-1]]
        if announced:
            print(f"    readout while training: {len(announced)} messages, the first after "
                  f"{announced[0][0]:.3f} s: {announced[0][1]!r}")
            print(f"    the last one: {announced[-1][1]!r}")


if __name__ == "__main__":
    main()
