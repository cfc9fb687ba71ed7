"""python -m mlp.grader: build the exercise notebooks, or grade a class's submissions.

    python -m mlp.grader build [--solutions solutions] [--exercises exercises] [--check]
    python -m mlp.grader grade SUBMISSION.ipynb... [--csv grades.csv] [--feedback DIR]
                               [--jobs N | --scheduler ADDRESS] [--timeout SECONDS]
                               [--submission-timeout SECONDS] [--lesson NN] [--format md|html]

grade writes one CSV row per (submission, exercise):
submission,exercise,score,max_score,status,message (submission: the file name; the path as given where
two submissions share a name) with status one of
passed, failed, not_attempted, error, timeout, not_own_work. Each submission runs in its own sandbox
(see mlp/grader/sandbox.py); the verdicts are computed in the grader's own process. The CSV and the
feedback files are written at the end, each at once (a new file renamed into place), after every
submission's processes are gone. It exits non-zero only for a usage error, never because a learner's
code failed.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from tqdm.auto import tqdm

from . import feedback
from .batch import CELL_TIMEOUT, SUBMISSION_TIMEOUT, _rows_saying, grade_content, lesson_of, read_submission
from .catalog import LESSONS
from .verdict import ERROR

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
    g.add_argument("--jobs", type=_positive_int, default=1, help="submissions graded in parallel on this machine")
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="grade on a Dask distributed cluster (e.g. tcp://host:8786) instead of this machine")
    g.add_argument("--timeout", type=_positive_int, default=CELL_TIMEOUT,
                   help=f"seconds each cell of a submission may run (default {CELL_TIMEOUT})")
    g.add_argument("--submission-timeout", type=_positive_int, default=SUBMISSION_TIMEOUT,
                   help=f"seconds a whole submission may take, every cell and check included "
                        f"(default {SUBMISSION_TIMEOUT})")
    g.add_argument("--lesson", choices=sorted(LESSONS),
                   help="lesson of submissions whose file name does not say (a notebook's metadata never decides)")
    g.add_argument("--no-progress", action="store_true", help="no progress bar")
    return main


def grade_all(paths, lesson=None, timeout=CELL_TIMEOUT, jobs=1, progress=True, scheduler=None,
              submission_timeout=SUBMISSION_TIMEOUT):
    """[(submission, [Verdict, ...]), ...] in the order given.

    The files are read here; a worker (a local process, or a Dask worker) gets a submission's bytes and
    its lesson and returns plain verdicts. A worker that dies costs only the submission it was grading.
    """
    tasks = []  # (content or None, lesson, problem)
    for path in paths:
        _, content, problem = read_submission(path)
        tasks.append((content, lesson_of(Path(path), lesson), problem))
    todo = [i for i, (content, _, problem) in enumerate(tasks) if problem is None]
    results = {i: _rows_saying(tasks[i][1], ERROR, tasks[i][2]) for i, task in enumerate(tasks) if task[2]}
    bar = tqdm(total=len(paths), desc="grading", unit="notebook", disable=not progress, file=sys.stderr)
    bar.update(len(results))
    grade = _grade_on_cluster if scheduler else _grade_here
    for i, verdicts in grade(todo, tasks, timeout, submission_timeout, jobs, scheduler):
        results[i] = verdicts
        bar.update(1)
    bar.close()
    return [(str(path), results[i]) for i, path in enumerate(paths)]


def _grade_here(todo, tasks, timeout, submission_timeout, jobs, scheduler):
    broken = yield from _pool_round(todo, tasks, timeout, submission_timeout, jobs)
    # A killed worker takes every submission in flight with it. Those are graded again one at a time, each
    # in a pool of its own, so that only a submission that kills its worker loses its rows.
    for i in broken:
        if (yield from _pool_round([i], tasks, timeout, submission_timeout, 1)):
            yield i, _rows_saying(tasks[i][1], ERROR, "grading this submission killed the grader's worker process")


def _pool_round(todo, tasks, timeout, submission_timeout, jobs):
    """Yields (i, verdicts) for each submission; returns those whose worker was killed before it finished."""
    broken = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {i: pool.submit(grade_content, tasks[i][0], tasks[i][1], timeout, submission_timeout)
                   for i in todo}
        for i, future in futures.items():
            try:
                yield i, future.result()
            except BrokenProcessPool:
                broken.append(i)
            except Exception as error:
                yield i, _rows_saying(tasks[i][1], ERROR, f"the grader failed on this file ({type(error).__name__})")
    return broken


def _grade_on_cluster(todo, tasks, timeout, submission_timeout, jobs, scheduler):
    from distributed import Client, as_completed

    with Client(scheduler, set_as_default=False) as client:
        futures = {client.submit(grade_content, tasks[i][0], tasks[i][1], timeout, submission_timeout,
                                 pure=False, retries=1): i for i in todo}
        for future in as_completed(futures, loop=client.loop):
            i = futures[future]
            try:
                yield i, future.result()
            except Exception as error:
                yield i, _rows_saying(tasks[i][1], ERROR, f"the grader failed on this file ({type(error).__name__})")


def submission_names(paths) -> list[str]:
    """What the CSV and the feedback call each submission: its file name, or the path as given where names repeat."""
    names = [Path(path).name for path in paths]
    return [name if names.count(name) == 1 else str(path) for name, path in zip(names, paths)]


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if args.command == "build":
        from .build import build, stale

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
    results = grade_all(args.submissions, args.lesson, args.timeout, args.jobs, progress=not args.no_progress,
                        scheduler=args.scheduler, submission_timeout=args.submission_timeout)
    named = list(zip(submission_names([path for path, _ in results]), (verdicts for _, verdicts in results)))
    table = io.StringIO(newline="")
    writer = csv.DictWriter(table, fieldnames=FIELDS)
    writer.writeheader()
    for submission, verdicts in named:
        for verdict in verdicts:
            writer.writerow(verdict.as_row(submission))
    if args.csv:
        feedback.write_atomically(args.csv, table.getvalue())
    else:
        sys.stdout.write(table.getvalue())
    if args.feedback:
        used = set()
        for submission, verdicts in named:
            feedback.write(args.feedback, submission, verdicts, args.format, used)
    scores = [sum(v.score for v in verdicts) for _, verdicts in results]
    print(f"graded {len(results)} submission(s); mean score {sum(scores) / max(len(scores), 1):.2f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
