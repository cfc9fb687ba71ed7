"""Per-learner feedback files: Markdown (default) or HTML with every learner-influenced text escaped."""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

from .verdict import Verdict

_STATUS = {"passed": "✔ correct", "failed": "✘ incorrect", "not_attempted": "○ not attempted",
           "error": "✘ error", "timeout": "⏱ time limit exceeded", "not_own_work": "✘ not your own work"}


def _markdown_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes, no line breaks, no HTML, no code fences."""
    text = html.escape(str(text), quote=False).replace("|", "\\|").replace("`", "\\`")
    return " ".join(text.split())


def markdown(submission: str, verdicts: list[Verdict]) -> str:
    score = sum(v.score for v in verdicts)
    total = sum(v.max_score for v in verdicts)
    lines = [f"# Feedback: {_markdown_cell(Path(submission).name)}", "",
             f"**Score: {score:g} / {total:g}**", "",
             "| exercise | result | points | what the checker found |", "|---|---|---|---|"]
    for v in verdicts:
        lines.append(f"| {_markdown_cell(v.exercise)} | {_STATUS[v.status]} | {v.score:g}/{v.max_score:g} | "
                     f"{_markdown_cell(v.message)} |")
    return "\n".join(lines) + "\n"


def html_page(submission: str, verdicts: list[Verdict]) -> str:
    score = sum(v.score for v in verdicts)
    total = sum(v.max_score for v in verdicts)
    rows = "\n".join(
        f"<tr><td>{html.escape(v.exercise)}</td><td>{_STATUS[v.status]}</td>"
        f"<td>{v.score:g}/{v.max_score:g}</td><td>{html.escape(v.message)}</td></tr>" for v in verdicts)
    name = html.escape(Path(submission).name)
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Feedback: {name}</title></head><body>\n"
            f"<h1>Feedback: {name}</h1>\n<p><b>Score: {score:g} / {total:g}</b></p>\n"
            f"<table border=\"1\" cellpadding=\"4\">\n<tr><th>exercise</th><th>result</th><th>points</th>"
            f"<th>what the checker found</th></tr>\n{rows}\n</table>\n</body></html>\n")


def write(directory: Path, submission: str, verdicts: list[Verdict], fmt: str, used: set) -> Path:
    """Write one feedback file into ``directory``; names stay unique within a batch (``used``)."""
    directory.mkdir(parents=True, exist_ok=True)
    suffix = ".html" if fmt == "html" else ".md"
    stem, number = Path(submission).stem, 1
    name = f"{stem}{suffix}"
    while name in used:
        number += 1
        name = f"{stem}-{number}{suffix}"
    used.add(name)
    path = directory / name
    write_atomically(path, html_page(submission, verdicts) if fmt == "html" else markdown(submission, verdicts))
    return path


def write_atomically(path: Path, text: str) -> None:
    """Write a new file beside ``path`` and rename it into place: readers see the old file or the whole new one."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
