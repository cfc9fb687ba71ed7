"""The package is layered: each module imports only modules below it, never upward."""

import ast
from pathlib import Path

import mlp

PACKAGE = Path(mlp.__file__).parent

# Bottom to top. A module may import only modules listed before it.
LAYERS = [
    "rng", "checks", "fast", "activations", "initializers", "targets", "losses", "layers",
    "schedules", "optimizers", "training", "network", "gradcheck", "range_test", "data",
    # the computations the lessons' widgets show (the widgets only draw them)
    "universal_approximation", "signal_propagation", "loss_surfaces", "learning_rate_sweep", "plotting",
]


def sibling_imports(path):
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("mlp"):
            found.add((node.module.split(".") + [""])[1] or "__init__")
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names if alias.name.startswith("mlp."))
    return found


def test_every_module_is_in_the_layer_list():
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert modules <= set(LAYERS), f"add {sorted(modules - set(LAYERS))} to LAYERS"


def test_no_module_imports_upward_or_in_a_cycle():
    for name in LAYERS:
        path = PACKAGE / f"{name}.py"
        if not path.exists():
            continue
        below = set(LAYERS[:LAYERS.index(name)])
        upward = sibling_imports(path) - below
        assert not upward, f"mlp/{name}.py imports {sorted(upward)}, which are not below it in {LAYERS}"


def test_no_global_numpy_random_state():
    """Only np.random.default_rng and np.random.Generator: never the global np.random.* functions."""
    allowed = {"default_rng", "Generator"}
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                    and node.value.attr == "random" and isinstance(node.value.value, ast.Name)
                    and node.value.value.id in ("np", "numpy")):
                assert node.attr in allowed, f"{path.name}:{node.lineno} uses the global np.random.{node.attr}"


def test_the_core_never_imports_the_grader_or_the_widgets():
    """grader/ and widgets/ sit on top of the core modules; neither sits under the other."""
    for name in LAYERS:
        path = PACKAGE / f"{name}.py"
        if path.exists():
            assert not sibling_imports(path) & {"grader", "widgets"}, f"mlp/{name}.py imports upward"
    for upper, other in (("grader", "widgets"), ("widgets", "grader")):
        for path in (PACKAGE / upper).rglob("*.py"):
            text = path.read_text()
            assert f"from ..{other}" not in text and f"mlp.{other}" not in text, f"{path} imports mlp.{other}"


def test_the_first_cells_import_no_heavy_library():
    """`import mlp` and an exercise's first line load neither scikit-learn, scipy nor pyplot.

    Together they took 2-6 s to import; the functions that need them import them when called.
    (How long the imports take is measured by `make bench`, not here.)
    """
    import subprocess
    import sys

    heavy = ["sklearn", "scipy", "matplotlib.pyplot"]
    for first_cell in ("import mlp", "import mlp.grader; from mlp.grader import check, show_example"):
        code = f"import sys\n{first_cell}\nprint([m for m in {heavy!r} if m in sys.modules])"
        loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        assert loaded.strip() == "[]", f"{first_cell!r} imports {loaded.strip()}"


def test_plotting_is_imported_on_first_use():
    import subprocess
    import sys

    code = ("import sys, mlp\nassert 'mlp.plotting' not in sys.modules\n"
            "assert callable(mlp.plotting.plot_network) and 'matplotlib.pyplot' in sys.modules\n"
            "from mlp import plotting\nassert plotting is mlp.plotting\n"
            "try:\n    mlp.no_such_module\nexcept AttributeError as error:\n    print(error)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "module 'mlp' has no attribute 'no_such_module'" in result.stdout


WIDGET_LINES = 1500  # issue 14: the widgets draw what the package computes, no more


def test_the_widgets_fit_their_line_budget():
    files = sorted((PACKAGE / "widgets").glob("*.py")) + sorted((PACKAGE / "widgets").glob("*.js"))
    counts = {path.name: len(path.read_text().splitlines()) for path in files}
    assert sum(counts.values()) <= WIDGET_LINES, (
        f"mlp/widgets has {sum(counts.values())} lines of Python and JavaScript, over the budget of {WIDGET_LINES}: "
        f"{dict(sorted(counts.items(), key=lambda item: -item[1]))}; a computation belongs in the package below")
