"""python -m mlp.grader: build the exercise notebooks, or grade a class's submissions.

    python -m mlp.grader build [--solutions solutions] [--exercises exercises] [--check]
    python -m mlp.grader grade SUBMISSION.ipynb... [--csv grades.csv] [--feedback DIR]
                               [--jobs N] [--timeout SECONDS] [--lesson NN] [--format md|html]

grade writes one CSV row per (submission, exercise):
submission,exercise,score,max_score,status,message (submission: the file name; the path as given where
two submissions share a name) with status one of
passed, failed, not_attempted, error, timeout. It exits non-zero only for a usage
error, never because a learner's code failed.
"""

from __future__ import annotations

import argparse
import csv
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tqdm.auto import tqdm

from . import feedback
from .batch import CELL_TIMEOUT, grade_submission
from .build import build, stale
from .catalog import LESSONS

FIELDS = ["submission", "exercise", "score", "max_score", "status", "message"]


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {text}")
    return value


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m mlp.grader", description=__doc__.split("\n\n")[0])
    commands = main.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="generate exercises/ from solutions/")
    b.add_argument("--solutions", type=Path, default=Path("solutions"))
    b.add_argument("--exercises", type=Path, default=Path("exercises"))
    b.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if exercises/ is not what build would generate")
    g = commands.add_parser("grade", help="grade submitted notebooks")
    g.add_argument("submissions", nargs="+", type=Path)
    g.add_argument("--csv", type=Path, help="write the grades here (default: standard output)")
    g.add_argument("--feedback", type=Path, help="write one feedback file per submission into this folder")
    g.add_argument("--format", choices=["md", "html"], default="md", help="feedback format (default md)")
    g.add_argument("--jobs", type=_positive_int, default=1, help="submissions graded in parallel")
    g.add_argument("--timeout", type=_positive_int, default=CELL_TIMEOUT,
                   help=f"seconds each cell of a submission may run (default {CELL_TIMEOUT})")
    g.add_argument("--lesson", choices=sorted(LESSONS),
                   help="lesson of submissions whose file name does not say (a notebook's metadata never decides)")
    g.add_argument("--no-progress", action="store_true", help="no progress bar")
    return main


def grade_all(paths, lesson=None, timeout=CELL_TIMEOUT, jobs=1, progress=True):
    """[(submission, [Verdict, ...]), ...] in the order given."""
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(grade_submission, path, lesson, timeout) for path in paths]
        bar = tqdm(total=len(futures), desc="grading", unit="notebook", disable=not progress, file=sys.stderr)
        results = []
        for path, future in zip(paths, futures):
            results.append((str(path), future.result()))
            bar.update(1)
        bar.close()
    return results


def submission_names(paths) -> list[str]:
    """What the CSV and the feedback call each submission: its file name, or the path as given where names repeat."""
    names = [Path(path).name for path in paths]
    return [name if names.count(name) == 1 else str(path) for name, path in zip(names, paths)]


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if args.command == "build":
        if not args.solutions.is_dir():
            print(f"error: no solutions folder {args.solutions}", file=sys.stderr)
            return 2
        if args.check:
            problems = stale(args.solutions, args.exercises)
            for problem in problems:
                print(f"exercises/{problem}: run `python -m mlp.grader build`", file=sys.stderr)
            if not problems:
                print(f"{args.exercises} is up to date with {args.solutions}")
            return 1 if problems else 0
        for path in build(args.solutions, args.exercises):
            print(f"wrote {path}")
        return 0
    results = grade_all(args.submissions, args.lesson, args.timeout, args.jobs, progress=not args.no_progress)
    named = list(zip(submission_names([path for path, _ in results]), (verdicts for _, verdicts in results)))
    out = open(args.csv, "w", newline="", encoding="utf-8") if args.csv else sys.stdout
    try:
        writer = csv.DictWriter(out, fieldnames=FIELDS)
        writer.writeheader()
        for submission, verdicts in named:
            for verdict in verdicts:
                writer.writerow(verdict.as_row(submission))
    finally:
        if args.csv:
            out.close()
    if args.feedback:
        used = set()
        for submission, verdicts in named:
            feedback.write(args.feedback, submission, verdicts, args.format, used)
    scores = [sum(v.score for v in verdicts) for _, verdicts in results]
    print(f"graded {len(results)} submission(s); mean score {sum(scores) / max(len(scores), 1):.2f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
