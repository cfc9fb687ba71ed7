"""The speed matrix: ``fit`` with its defaults against scikit-learn and PyTorch float64, on every cell of

    hidden activation {relu, tanh, sigmoid} x batch size {1, 16, 64, 256, full}
    x hidden layers {16; 64-64; 512} x data {moons, digits, synthetic 10000 x 256}

Every system starts from the same initial weights (mlp's default scheme for the activation, copied into
the others) and takes plain SGD steps with the same learning rate, batch size and number of epochs; only
the shuffling differs. Each cell is run with 3 seeds (initial weights and shuffles), the systems in turn
within a seed; a cell's time is the median over the seeds, its accuracy the mean. The ratio is the other
system's time divided by mlp's: above 1, mlp is faster.

    python -m benchmarks.matrix                   # the whole matrix, about 35 minutes on 2 cores
    python -m benchmarks.matrix --size tiny       # seconds; what the tests run
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from dataclasses import dataclass, field

import numpy as np
from sklearn.model_selection import train_test_split

os.environ.setdefault("MLP_PROGRESS", "0")

from mlp.data import load_digits, make_moons  # noqa: E402

from .systems import MlpSystem, SklearnSystem, TorchSystem  # noqa: E402
from .workloads import Workload  # noqa: E402

ACTIVATIONS = ("relu", "tanh", "sigmoid")
BATCH_SIZES = (1, 16, 64, 256, None)  # None: the full batch
HIDDEN = ((16,), (64, 64), (512,))
SEEDS = (0, 1, 2)
OTHERS = ("scikit-learn", "PyTorch float64")
ACCURACY_POINTS = 1.0  # "equal test accuracy": the mean over the seeds within 1 point of mlp's

# Epochs and learning rate by data set and batch size: enough for most cells to learn their problem well
# past chance in seconds. (Full-batch runs on the synthetic set make only 30 updates: a tanh or sigmoid network
# is still near chance there, the same for every system, since every system takes the same steps.)
EPOCHS = {"moons": {1: 5, 16: 20, 64: 50, 256: 100, None: 300},
          "digits": {1: 2, 16: 10, 64: 20, 256: 50, None: 200},
          "synthetic": {1: 1, 16: 2, 64: 4, 256: 8, None: 30}}
LEARNING_RATE = {1: 0.01, 16: 0.05, 64: 0.1, 256: 0.2, None: 0.5}


@dataclass(frozen=True)
class Data:
    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def datasets(size="full") -> list[Data]:
    """moons (1000 + 1000 points), digits (1347 + 450 images) and synthetic (10000 x 256, 10 classes)."""
    scale = {"full": 1, "tiny": 10}[size]
    X_train, y_train = make_moons(1000 // scale, noise=0.2, seed=0)
    X_test, y_test = make_moons(1000 // scale, noise=0.2, seed=1)
    moons = Data("moons", X_train, y_train, X_test, y_test)
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    digits = Data("digits", X_train[:len(X_train) // scale], y_train[:len(X_train) // scale], X_test, y_test)
    rng = np.random.default_rng(0)
    m, n = 10000 // scale, 256 // scale
    X = rng.standard_normal((m + 2000 // scale, n))
    y = (X @ rng.standard_normal((n, 10))).argmax(axis=1)  # a random linear teacher: learnable
    synthetic = Data("synthetic", X[:m], y[:m], X[m:], y[m:])
    return [moons, digits, synthetic]


def workload(data: Data, hidden, activation, batch_size, seed, epochs_divisor=1) -> Workload:
    n_outputs = 1 if data.name == "moons" else 10
    layer_sizes = (data.X_train.shape[1], *hidden, n_outputs)
    epochs = max(1, EPOCHS[data.name][batch_size] // epochs_divisor)
    return Workload(data.name, f"{data.name}, {'-'.join(map(str, layer_sizes))} {activation}, "
                    f"batch {batch_size or 'full'}, {epochs} epochs", data.X_train, data.y_train, data.X_test,
                    data.y_test, layer_sizes, batch_size, epochs, LEARNING_RATE[batch_size], seed, activation)


@dataclass
class Cell:
    data: str
    hidden: tuple
    activation: str
    batch_size: int | None
    seconds: dict = field(default_factory=dict)  # system name -> [seconds per seed]
    accuracy: dict = field(default_factory=dict)  # system name -> [test accuracy per seed]

    def median(self, system):
        return statistics.median(self.seconds[system]) if self.seconds.get(system) else None

    def mean_accuracy(self, system):
        return statistics.fmean(self.accuracy[system]) if self.accuracy.get(system) else None

    def ratio(self, other):
        """other's median time / mlp's: above 1, mlp is faster."""
        mine, theirs = self.median("mlp"), self.median(other)
        return None if mine is None or theirs is None else theirs / mine

    def accuracy_gap(self, other):
        """mlp's mean test accuracy minus other's, in points."""
        mine, theirs = self.mean_accuracy("mlp"), self.mean_accuracy(other)
        return None if mine is None or theirs is None else 100 * (mine - theirs)


def systems():
    return [MlpSystem(), SklearnSystem(), TorchSystem("float64")]


def run(size="full", seeds=SEEDS, progress=print, select=None) -> list[Cell]:
    """Every cell of the matrix (``select(data, hidden, activation, batch_size)`` may skip some)."""
    chosen = systems()
    available = [system for system in chosen if system.unavailable() is None]
    cells = []
    for data in datasets(size):
        for hidden, activation, batch_size in itertools.product(HIDDEN, ACTIVATIONS, BATCH_SIZES):
            if select is not None and not select(data.name, hidden, activation, batch_size):
                continue
            cell = Cell(data.name, hidden, activation, batch_size)
            started = time.perf_counter()
            for seed in seeds:
                work = workload(data, hidden if size == "full" else hidden[:1], activation, batch_size, seed,
                                1 if size == "full" else 10)
                for system in available:
                    system.prepare(work)  # untimed: the network with the seed's initial weights
                    start = time.perf_counter()
                    system.train()
                    cell.seconds.setdefault(system.name, []).append(time.perf_counter() - start)
                    cell.accuracy.setdefault(system.name, []).append(system.accuracy())
            cells.append(cell)
            if progress:
                ratios = "  ".join(f"{other} {_ratio_text(cell.ratio(other))}" for other in OTHERS)
                progress(f"  {cell_label(cell)}, batch {batch_size or 'full'}: mlp {cell.median('mlp') * 1e3:.0f} ms"
                         f"  {ratios}  ({time.perf_counter() - started:.1f} s)")
    return cells


def cell_label(cell) -> str:
    return f"{cell.data} {'-'.join(map(str, cell.hidden))} {cell.activation}"


def _ratio_text(ratio) -> str:
    return "-" if ratio is None else f"{ratio:.2f}x"


def minimum(cells, other):
    """(the smallest ratio over the matrix, its cell) against ``other``; (None, None) when not measured."""
    measured = [(cell.ratio(other), cell) for cell in cells if cell.ratio(other) is not None]
    return min(measured, key=lambda pair: pair[0]) if measured else (None, None)


def table(cells, other) -> list[str]:
    """Markdown: one row per data set, hidden layers and activation; one column per batch size."""
    columns = [f"batch {size or 'full'}" for size in BATCH_SIZES]
    lines = [f"| {other} time / mlp time | " + " | ".join(columns) + " |",
             "|---|" + "---:|" * len(columns)]
    rows = {}
    for cell in cells:
        rows.setdefault(cell_label(cell), {})[cell.batch_size] = cell
    for label, by_batch in rows.items():
        texts = []
        for size in BATCH_SIZES:
            cell = by_batch.get(size)
            ratio = None if cell is None else cell.ratio(other)
            text = _ratio_text(ratio)
            if ratio is not None and ratio < 1:
                text = f"**{text}**"  # mlp slower: in bold
            gap = None if cell is None else cell.accuracy_gap(other)
            if gap is not None and abs(gap) > ACCURACY_POINTS:
                text += f" (acc {gap:+.1f})"
            texts.append(text)
        lines.append(f"| {label} | " + " | ".join(texts) + " |")
    return lines


def largest_accuracy_gap(cells, other):
    """The largest |mean accuracy of mlp - mean accuracy of other| over the cells, in points (None: not measured)."""
    gaps = [abs(cell.accuracy_gap(other)) for cell in cells if cell.accuracy_gap(other) is not None]
    return max(gaps) if gaps else None


def accuracy_table(cells) -> list[str]:
    """Markdown: mlp's mean test accuracy in every cell (what the times bought)."""
    columns = [f"batch {size or 'full'}" for size in BATCH_SIZES]
    lines = ["| mlp's mean test accuracy | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    rows = {}
    for cell in cells:
        rows.setdefault(cell_label(cell), {})[cell.batch_size] = cell.mean_accuracy("mlp")
    for label, by_batch in rows.items():
        texts = ["-" if by_batch.get(size) is None else f"{100 * by_batch[size]:.1f}%" for size in BATCH_SIZES]
        lines.append(f"| {label} | " + " | ".join(texts) + " |")
    return lines


def accuracy_summary(cells, other) -> str:
    gaps = [(abs(cell.accuracy_gap(other)), cell) for cell in cells if cell.accuracy_gap(other) is not None]
    if not gaps:
        return f"{other}: accuracy not measured"
    worst, cell = max(gaps, key=lambda pair: pair[0])
    within = sum(gap <= ACCURACY_POINTS for gap, _ in gaps)
    return (f"{other}: mean test accuracy within {ACCURACY_POINTS:g} point of mlp's in {within} of {len(gaps)} "
            f"cells; largest gap {worst:.2f} points ({cell_label(cell)}, batch {cell.batch_size or 'full'})")


def describe() -> list[str]:
    """The protocol, in words, for RESULTS.md."""
    return [f"Every cell: hidden activation x hidden layers x data set x batch size; plain SGD from the same initial "
            f"weights (mlp's default scheme for the activation, copied into the others), the same learning rate, "
            f"batch size and epochs; {len(SEEDS)} seeds (initial weights and shuffles). A cell's time is the median "
            f"over the seeds, its accuracy the mean. The ratio is the other system's time over mlp's: above 1, "
            f"`fit` with its defaults is faster; below 1 it is slower (in bold). A test-accuracy gap of more than "
            f"{ACCURACY_POINTS:g} point is shown next to the ratio (mlp's mean minus the other's).",
            "",
            "| data | training / test examples | epochs by batch size 1, 16, 64, 256, full | learning rate by batch size |",
            "|---|---|---|---|",
            "| moons | 1000 / 1000 | " + ", ".join(str(EPOCHS["moons"][b]) for b in BATCH_SIZES) + " | "
            + ", ".join(f"{LEARNING_RATE[b]:g}" for b in BATCH_SIZES) + " |",
            "| digits | 1347 / 450 | " + ", ".join(str(EPOCHS["digits"][b]) for b in BATCH_SIZES) + " | same |",
            "| synthetic 10000 x 256, 10 classes | 10000 / 2000 | "
            + ", ".join(str(EPOCHS["synthetic"][b]) for b in BATCH_SIZES) + " | same |"]


def render(cells) -> list[str]:
    lines = []
    for other in OTHERS:
        ratio, cell = minimum(cells, other)
        if ratio is None:
            lines += [f"{other}: not measured (not installed)", ""]
            continue
        lines += table(cells, other)
        lines += ["", f"Minimum over the matrix: **{ratio:.2f}x** ({cell_label(cell)}, batch {cell.batch_size or 'full'}). "
                  + accuracy_summary(cells, other) + ".", ""]
    return lines + accuracy_table(cells) + [""]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["full", "tiny"], default="full")
    args = parser.parse_args(argv)
    cells = run(args.size)
    print("\n".join(render(cells)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
