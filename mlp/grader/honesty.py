"""Honest-work rules, read from a notebook's source: what each graded function uses.

A graded function may use numpy, Python itself, ``mlp.data`` (data sets) and the learner's own
functions. ``findings(cells, exercises)`` reads the code cells (never runs them) and reports, per
exercise, what else its function reaches, following the learner's own helper functions and
top-level assignments: the course library's implementations (``mlp.activations.sigmoid``, the
grader's references in ``mlp.grader.catalog``), scikit-learn, PyTorch, TensorFlow, JAX, SciPy.

Some things are not allowed anywhere in a graded notebook, because they run or reach code the
learner did not write, or tamper with the grading: ``exec``/``eval``/``compile``, ``__import__``,
``importlib``, ``sys.modules``, ``runpy``, ``subprocess``/``os.system``, ``ctypes``, frame
inspection, ``sys.setprofile``/``settrace``, the grader's internals, and ``%run``/``!`` commands.
Each of those makes every exercise of the notebook not_own_work, with the cell and line named.

The grader runs this on the submitted file in its own process; ``check()`` in a notebook runs it on
the cells the kernel has executed, so the learner hears the same verdict at once.
"""

from __future__ import annotations

import ast
import re

ALLOWED_MLP = ("mlp.data", "mlp.rng", "mlp.grader.check", "mlp.grader.show_example", "mlp.grader.progress")
OTHERS = {"sklearn": "scikit-learn", "torch": "PyTorch", "tensorflow": "TensorFlow", "keras": "Keras",
          "jax": "JAX", "scipy": "SciPy"}
TRICKS = {
    "exec": "exec()", "eval": "eval()", "compile": "compile()", "__import__": "__import__()",
    "importlib": "importlib", "sys.modules": "sys.modules", "runpy": "runpy", "subprocess": "subprocess",
    "os.system": "os.system", "os.popen": "os.popen", "ctypes": "ctypes", "sys._getframe": "sys._getframe",
    "inspect.stack": "inspect.stack", "inspect.currentframe": "inspect.currentframe",
    "inspect.getouterframes": "inspect.getouterframes", "gc.get_objects": "gc.get_objects",
    "gc.get_referrers": "gc.get_referrers", "sys.setprofile": "sys.setprofile", "sys.settrace": "sys.settrace",
    "builtins": "the builtins module", "__builtins__": "__builtins__", "get_ipython": "get_ipython()",
    "pickle": "pickle", "marshal": "marshal",
}
MAGICS = re.compile(r"^\s*(!|%%?(run|load|sx|system|script|bash|sh|python|writefile|%?capture\s+--no))", re.M)


def _within(dotted: str, names) -> bool:
    """Whether ``dotted`` is one of ``names`` or inside one of them ("mlp.data.make_moons" is in "mlp.data")."""
    return any(dotted == name or dotted.startswith(name + ".") for name in names)


def _library(dotted: str) -> str | None:
    """How a dotted name is described when a graded function may not use it; None when it may."""
    root = dotted.split(".")[0]
    if root == "mlp":
        if dotted == "mlp" or _within(dotted, ALLOWED_MLP):
            return None
        return f"{dotted} (the course library's own implementation)"
    if root in OTHERS:
        return f"{dotted} ({OTHERS[root]})"
    return None


def _trick(dotted: str) -> str | None:
    for name, said in TRICKS.items():
        if dotted == name or dotted.startswith(name + "."):
            return said
    if dotted.startswith("mlp.grader.") and not _within(dotted, ALLOWED_MLP):
        return f"the grader's internals ({dotted})"
    return None


def _dotted(node) -> str | None:
    """"np.linalg.norm" for an attribute chain on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


class _Cell:
    def __init__(self, number, source):
        self.number = number
        try:
            self.tree = ast.parse(_without_magics(source))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            self.tree = None


def _without_magics(source: str) -> str:
    return "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


class Notebook:
    """The top-level bindings of a notebook's code cells, in order (the last binding of a name wins)."""

    def __init__(self, sources: list[str]):
        self.sources = sources
        self.cells = [_Cell(number, source) for number, source in enumerate(sources)]
        self.bindings: dict = {}  # name -> ("import", dotted) | ("node", node, cell number)
        self.star_imports: list = []
        self.checked: dict = {}  # exercise id -> name passed to check()
        for cell in self.cells:
            if cell.tree is not None:
                self._bind(cell.tree.body, cell.number)

    def _bind(self, statements, number):
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.bindings[node.name] = ("node", node, number)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.bindings[alias.asname] = ("import", alias.name)
                    else:
                        self.bindings[alias.name.split(".")[0]] = ("import", alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom):
                module = "." * node.level + (node.module or "")
                for alias in node.names:
                    if alias.name == "*":
                        self.star_imports.append(module)
                    else:
                        self.bindings[alias.asname or alias.name] = ("import", f"{module}.{alias.name}")
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            self.bindings[name.id] = ("node", node, number)
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and \
                    isinstance(node.value.func, ast.Name) and node.value.func.id == "check" and \
                    len(node.value.args) >= 2 and isinstance(node.value.args[0], ast.Constant) and \
                    isinstance(node.value.args[1], ast.Name):
                self.checked[str(node.value.args[0].value)] = node.value.args[1].id
            elif isinstance(node, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
                for field in ("body", "orelse", "finalbody", "handlers"):
                    self._bind([n for part in getattr(node, field, []) for n in
                                (part.body if isinstance(part, ast.ExceptHandler) else [part])], number)
                if isinstance(node, ast.For):
                    for name in ast.walk(node.target):
                        if isinstance(name, ast.Name):
                            self.bindings[name.id] = ("node", node, number)

    def tricks(self) -> list[str]:
        """What in the whole notebook runs or reaches code the learner did not write: ["exec() (cell 4, line 2)"]."""
        found = []
        for cell in self.cells:
            for match in MAGICS.finditer(self.sources[cell.number]):
                line = self.sources[cell.number][:match.start()].count("\n") + 1
                found.append(f"the command {match.group(0).strip()[:20]!r} (cell {cell.number}, line {line})")
            if cell.tree is None:
                continue
            for node in ast.walk(cell.tree):
                names = []
                if isinstance(node, (ast.Attribute, ast.Name)):
                    dotted = _dotted(node)
                    if dotted:
                        names.append(self._resolve_name(dotted))
                elif isinstance(node, ast.Import):
                    names += [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names += [f"{node.module or ''}.{alias.name}" for alias in node.names] + [node.module or ""]
                for name in names:
                    said = _trick(name)
                    if said:
                        found.append(f"{said} (cell {cell.number}, line {node.lineno})")
        return sorted(set(found), key=found.index)[:5]

    def _resolve_name(self, dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        binding = self.bindings.get(head)
        if binding and binding[0] == "import":
            return binding[1] + ("." + rest if rest else "")
        return dotted

    def uses(self, name: str) -> list[str]:
        """What the function (or other top-level name) ``name`` uses that is someone else's implementation."""
        found: list = []
        self._uses_of_name(name, found, set())
        found = set(found)  # "mlp.activations (...)" is said by "mlp.activations.sigmoid (...)"
        longest = {f for f in found if not any(g != f and g.startswith(f.split(" ")[0] + ".") for g in found)}
        return sorted(longest)[:4]

    def _uses_of_name(self, name, found, seen):
        if name in seen:
            return
        seen.add(name)
        binding = self.bindings.get(name)
        if binding is None:
            for module in self.star_imports:
                said = _library(module + "." + name)
                if said:
                    found.append(said)
            return
        if binding[0] == "import":
            said = _library(binding[1])
            if said:
                found.append(said)
            return
        self._uses_of_node(binding[1], found, seen)

    def _uses_of_node(self, node, found, seen):
        local = _locally_bound(node)
        for child in ast.walk(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)) and child is not node:
                module = child.module if isinstance(child, ast.ImportFrom) else None
                for alias in child.names:
                    said = _library(f"{module}.{alias.name}" if module else alias.name)
                    if said:
                        found.append(said)
            elif isinstance(child, ast.Attribute) and isinstance(_base(child), ast.Name):
                dotted = _dotted(child)
                head = dotted.split(".")[0]
                if head not in local:
                    resolved = self._resolve_name(dotted)
                    said = _library(resolved)
                    if said:
                        found.append(said)
            elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load) and child.id not in local:
                self._uses_of_name(child.id, found, seen)


def _base(node):
    while isinstance(node, ast.Attribute):
        node = node.value
    return node


def _locally_bound(node) -> set:
    """Names a function binds itself (parameters, assignments, loop variables, its own imports)."""
    names = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        arguments = node.args
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                    *(a for a in (arguments.vararg, arguments.kwarg) if a)]:
            names.add(arg.arg)
    for child in ast.walk(node):
        if child is node:
            continue
        if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
            names.add(child.id)
        elif isinstance(child, ast.arg):
            names.add(child.arg)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(child.name)
        elif isinstance(child, ast.alias):
            names.add((child.asname or child.name).split(".")[0])
    return names


def findings(sources: list[str], exercises) -> dict:
    """{exercise id: what the not_own_work verdict says} for every exercise whose function is not the
    learner's own work (an empty dict when all are)."""
    notebook = Notebook(sources)
    tricks = notebook.tricks()
    result = {}
    for exercise in exercises:
        if tricks:
            result[exercise.id] = (f"this notebook uses {'; '.join(tricks)}: code that runs or reaches code you did "
                                   f"not write, or tampers with grading, is not allowed anywhere in a graded notebook (remove it; in "
                                   f"Jupyter, then restart the kernel and run the notebook again)")
            continue
        used = notebook.uses(notebook.checked.get(exercise.id, exercise.function_name))
        if used:
            result[exercise.id] = not_own_work_message(used)
    return result


def not_own_work_message(used) -> str:
    """What a not_own_work verdict says: what was used, and what to do instead."""
    return (f"your function uses {', '.join(sorted(used)[:4])}: someone else's implementation, not your own work "
            f"(a graded function may use numpy, mlp.data and your own functions); write it yourself with numpy")
