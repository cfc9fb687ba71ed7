"""Re-execute notebooks in place and store their outputs (what `make notebooks` runs).

    python scripts/execute_notebooks.py                      # every lesson and every solution
    python scripts/execute_notebooks.py notebooks/03_*.ipynb # some of them

Each notebook runs top to bottom in a fresh kernel of this Python, from its own folder,
with progress bars off (MLP_PROGRESS=0, as under nbval) so stored outputs are the same
run after run. Volatile metadata (execution timestamps, widget state) is dropped; the
execution counts stay, because nbval needs them. Prints each notebook's run time and
exits non-zero when one fails or takes longer than the limit.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
TIME_LIMIT = 30.0  # seconds per notebook, on a 2-core machine


def merge_streams(outputs):
    """Consecutive stdout (or stderr) chunks as one output: how prints were flushed varies by run."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream" and previous.get("name") == output.get("name")):
            previous["text"] += output["text"]
        else:
            merged.append(output)
    return merged


def clean(notebook):
    notebook.metadata.pop("widgets", None)
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if "outputs" in cell:
            cell.outputs = merge_streams(cell.outputs)
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("transient", None)
    return notebook


def execute(path: Path, timeout: int) -> float:
    notebook = nbformat.read(path, as_version=4)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mlp-notebook-") as sockets:  # IPC, not TCP: no open port
        # A fresh, empty progress record for each notebook: progress() shows the same table on every run,
        # and the learner's own record (~/.mlp-course) is never touched.
        os.environ["MLP_PROGRESS_RECORD"] = f"{sockets}/progress.json"
        config = Config({"KernelManager": {"transport": "ipc", "ip": f"{sockets}/kernel"}})
        client = NotebookClient(notebook, config=config, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    elapsed = time.monotonic() - start
    nbformat.write(clean(notebook), path)
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    args = parser.parse_args(argv)
    os.environ["MLP_PROGRESS"] = "0"
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as `make test` runs them
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.pop("MPLBACKEND", None)  # the inline backend must stay in charge (see nbval notes)
    paths = args.notebooks or [path for folder in ("notebooks", "solutions")
                               for path in sorted((ROOT / folder).glob("[0-9][0-9]_*.ipynb"))]
    failed, total = [], 0.0
    for path in paths:
        try:
            elapsed = execute(path, args.timeout)
        except Exception as error:  # report and go on with the others
            print(f"FAILED {path}: {type(error).__name__}: {str(error)[-2000:]}", file=sys.stderr)
            failed.append(path)
            continue
        total += elapsed
        flag = "  (over the 30 s limit)" if elapsed > TIME_LIMIT else ""
        print(f"{elapsed:6.1f} s  {path.relative_to(ROOT) if path.is_absolute() else path}{flag}")
        if elapsed > TIME_LIMIT:
            failed.append(path)
    print(f"{total:6.1f} s  total for {len(paths) - len(failed)} notebook(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
