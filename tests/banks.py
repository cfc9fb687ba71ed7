"""Where every exercise's wrong answers and alternative solution live, for the tests that count them.

The first 32 exercises have theirs in tests/test_wrong_answers_*.py and tests/test_alternative_solutions.py;
the newer ones keep both next to each other in tests/test_exercises_*.py (``WRONG``, ``ALTERNATIVES``).
"""

import importlib.util
from functools import cache
from pathlib import Path

import nbformat

TESTS = Path(__file__).resolve().parent


def solution_namespace(name: str) -> dict:
    """The functions of solutions/<name>.ipynb (every code cell except the check and show_example lines)."""
    namespace = {}
    for cell in nbformat.read(TESTS.parent / "solutions" / f"{name}.ipynb", as_version=4).cells:
        if cell.cell_type == "code" and not cell.source.startswith(("check(", "show_example(")):
            exec(compile(cell.source, f"solutions/{name}.ipynb", "exec"), namespace)
    return namespace


@cache
def load(path: Path):
    spec = importlib.util.spec_from_file_location(f"bank_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def newer_banks() -> list:
    return [load(path) for path in sorted(TESTS.glob("test_exercises_*.py"))]


def wrong_answer_banks() -> list:
    return [load(path) for path in sorted(TESTS.glob("test_wrong_answers_*.py"))] + newer_banks()


def banked_in_newer_files() -> set:
    """The exercise ids whose wrong answers are in a tests/test_exercises_*.py file."""
    return {entry[0] for module in newer_banks() for entry in module.WRONG}


def newer_alternatives() -> dict:
    alternatives = {}
    for module in newer_banks():
        assert not set(alternatives) & set(module.ALTERNATIVES), "an exercise has alternatives in two files"
        alternatives.update(module.ALTERNATIVES)
    return alternatives
