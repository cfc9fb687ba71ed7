"""The learner's side of batch grading: ``python -m mlp.grader.runner READ_FD WRITE_FD``.

Started by ``sandbox`` inside the submission's sandbox, it runs the notebook's code cells one by one
and then calls the learner's functions on the inputs the grader sends, answering each request with
plain data (``wire``). It computes no verdict and knows no reference: the grader does that in its own
process. Requests and replies travel on two private pipes, never on stdout (which goes nowhere), so
a learner's prints, ``\\r`` progress lines or redirected ``sys.stdout`` cannot disturb them.
"""

from __future__ import annotations

import builtins
import linecache
import os
import sys

from . import wire
from .learner import CallTimeout, execute_call, stopped_after


class _NoMagic:
    """``get_ipython()`` during grading: magics (%timeit, !pip ...) do nothing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _read_exactly(fd: int, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def receive(fd: int) -> dict:
    return wire.parse(_read_exactly(fd, wire.unpack_length(_read_exactly(fd, 8))))


def send(fd: int, message: dict) -> None:
    data = wire.pack(message)
    while data:
        data = data[os.write(fd, data):]


def _python_source(source: str) -> str:
    """IPython's syntax (%magics, !commands) turned into Python, when the cell has any."""
    if not any(line.lstrip().startswith(("%", "!")) or line.rstrip().endswith("?") for line in source.splitlines()):
        return source
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    return TransformerManager().transform_cell(source)


def run_cell(namespace: dict, index: int, source: str, time_limit: float) -> dict:
    filename = f"<cell {index}>"
    source = _python_source(source)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)  # for error lines
    try:
        code = compile(source, filename, "exec")
    except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError) as error:
        return {"status": "raised", "type": type(error).__name__}
    try:
        with stopped_after(time_limit):
            exec(code, namespace)
    except CallTimeout:
        return {"status": "timeout"}
    except BaseException as error:  # a failing cell costs only itself (SystemExit and KeyboardInterrupt too)
        return {"status": "raised", "type": type(error).__name__}
    return {"status": "ran"}


def resolve(namespace: dict, exercise_id: str, function_name: str):
    """The function last passed to check() for this exercise, else the notebook's function of that name."""
    from .checks_in_notebook import submitted_functions

    return submitted_functions().get(exercise_id, namespace.get(function_name))


def serve(read_fd: int, write_fd: int) -> None:
    from . import checks_in_notebook

    checks_in_notebook.RECORD_ONLY = True  # check() in a cell only records the function; the grader checks it
    namespace = {"__name__": "__main__", "__builtins__": builtins, "get_ipython": _NoMagic}
    handles: list = []
    send(write_fd, {"status": "ready"})
    while True:
        try:
            request = receive(read_fd)
        except (EOFError, OSError, wire.WireError):
            return
        op = request.get("op")
        if op == "cell":
            reply = run_cell(namespace, int(request["index"]), str(request["source"]), float(request["time_limit"]))
        elif op == "resolve":
            function = resolve(namespace, request["exercise"], request["function_name"])
            reply = {"status": "missing"} if function is None else \
                {"status": "found"} if callable(function) else {"status": "not_callable", "type": type(function).__name__}
        elif op == "call":
            handle = request.get("handle")
            function = resolve(namespace, request["exercise"], request["function_name"]) if handle is None \
                else handles[int(handle)]
            reply = execute_call(function, wire.decode(request["args"]), handles, bool(request["strict_floats"]),
                                 time_limit=float(request["time_limit"]))
        else:
            return
        send(write_fd, reply)


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    read_fd, write_fd = int(argv[0]), int(argv[1])
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # the learner's prints go nowhere; the pipes carry the messages
        os.dup2(devnull, fd)
    os.makedirs(os.environ.get("HOME", "/tmp/home"), exist_ok=True)
    serve(read_fd, write_fd)
    os._exit(0)  # no atexit handlers of the learner's


if __name__ == "__main__":
    main()
