"""`make bench`: time mlp against scikit-learn, PyTorch and the GEMM floor; write benchmarks/RESULTS.md.

    python -m benchmarks                     # everything: 4 workloads, the lessons, the widgets (kernel, browser)
    python -m benchmarks --quick             # the four training workloads only (no matrix, lessons, widgets)
    python -m benchmarks --size tiny --repeats 1 --output /tmp/R.md   # seconds; what the tests run
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("MLP_PROGRESS", "0")

from . import report  # noqa: E402
from .runner import targets, time_workload  # noqa: E402
from .workloads import workloads  # noqa: E402

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "RESULTS.md"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--size", choices=["full", "tiny"], default="full")
    parser.add_argument("--quick", action="store_true", help="skip the lessons and the widgets")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1; got {args.repeats}")

    results = []
    for workload in workloads(args.size):
        print(f"{workload.description}", flush=True)
        results.append(time_workload(workload, args.repeats, progress=lambda text: print(text, flush=True)))
    lessons = widgets = imports = grading = matrix_cells = pixels = None
    if not args.quick:
        from . import matrix

        print("the speed matrix: fit's defaults against scikit-learn and PyTorch float64:", flush=True)
        matrix_cells = matrix.run(args.size, progress=lambda text: print(text, flush=True))
        from .course import grading_seconds, import_seconds, lesson_seconds, widget_seconds

        print("first cells, imports in a fresh Python:", flush=True)
        imports = import_seconds(args.repeats)

        print("lessons, executed top to bottom:", flush=True)
        lessons = lesson_seconds(progress=lambda text: print(text, flush=True))
        print("widgets:", flush=True)
        widgets = widget_seconds()
        print("widgets in the browser (JupyterLab, chromium): the learner's action to pixels:", flush=True)
        from .pixels import pixel_numbers

        pixels = pixel_numbers(progress=lambda text: print(text, flush=True))
        print("grading a class:", flush=True)
        grading = grading_seconds(progress=lambda text: print(text, flush=True))
    found = targets(results, widgets, imports, grading, matrix_cells, pixels)
    text = report.render(results, found, args.repeats, lessons, widgets, report.kept_analysis(args.output), imports,
                         grading, matrix_cells, pixels)
    args.output.write_text(text)
    print()
    for result in results:
        print("\n".join(report.workload_table(result)))
    print("\n".join(report.targets_table(found)))
    print(f"written: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
