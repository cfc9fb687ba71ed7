"""Plain data between the grader and a learner's process: JSON, with arrays in the ``.npy`` format.

The grader never unpickles anything a learner's process sent: ``decode`` builds only numbers,
strings, lists, tuples, dicts, numpy arrays (``np.load(..., allow_pickle=False)``), random
Generators (from a bit-generator state) and the grader's own input functions. Anything else a
learner's function returns arrives as ``Unsupported("its type name")``; a function it returns
(a ``predict``) arrives as a ``Handle`` the grader can ask the learner's process to call.

Both directions use the same code, and ``check()`` in a notebook sends every argument and result
through ``encode``/``decode`` as well, so an honest function gets the same verdict either way.
"""

from __future__ import annotations

import base64
import io
import json
import struct
from dataclasses import dataclass

import numpy as np

from .input_functions import InputFunction

MAX_MESSAGE_BYTES = 256 * 2**20  # one reply may carry at most 256 MiB
MAX_DEPTH = 20
MAX_ITEMS = 10_000  # items read from an iterator a learner's function returns


@dataclass(frozen=True)
class Handle:
    """A callable the learner's function returned (e.g. ``predict``), kept in the learner's process."""

    number: int
    name: str = "function"


@dataclass(frozen=True)
class Unsupported:
    """A returned value that is not plain data (an object of the learner's own class, a module...)."""

    type_name: str


class Iterated(list):
    """The items a returned iterator (e.g. a generator of mini-batches) yielded, at most MAX_ITEMS."""


class WireError(ValueError):
    """A message that is not well-formed plain data."""


def _npy(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _from_npy(text: str) -> np.ndarray:
    try:
        return np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    except Exception as error:  # not an .npy payload, or an object array (which would need pickle)
        raise WireError(f"not an .npy array ({type(error).__name__})") from None


def encode(value, handles: list | None = None, depth: int = 0):
    """``value`` as JSON-able plain data. Callables go into ``handles`` (when given) as Handles."""
    if depth > MAX_DEPTH:
        return {"unsupported": "a structure nested too deeply"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else {"unsupported": "an integer too large"}
    if isinstance(value, float):
        return value if np.isfinite(value) else {"float": repr(value)}
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject or value.dtype.kind not in "biufc":
            return {"unsupported": f"an array of dtype {value.dtype}"}
        return {"ndarray": _npy(value)}
    if isinstance(value, np.generic):
        if value.dtype.kind not in "biufc":
            return {"unsupported": f"a numpy {value.dtype}"}
        return {"scalar": _npy(np.asarray(value))}
    if isinstance(value, np.random.Generator):
        return {"generator": value.bit_generator.state}
    if isinstance(value, InputFunction):
        return {"input_function": value.name, "parameters": encode(value.parameters, handles, depth + 1)}
    if isinstance(value, tuple):
        return {"tuple": [encode(item, handles, depth + 1) for item in value]}
    if isinstance(value, list):
        return [encode(item, handles, depth + 1) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            return {"unsupported": "a dict whose keys are not all strings"}
        return {"dict": {key: encode(item, handles, depth + 1) for key, item in value.items()}}
    if callable(value) and handles is not None:
        handles.append(value)
        return {"handle": len(handles) - 1, "name": str(getattr(value, "__name__", "function"))[:80]}
    if hasattr(value, "__next__") and hasattr(value, "__iter__"):  # a generator or another iterator
        items = []
        for item in value:
            items.append(encode(item, handles, depth + 1))
            if len(items) >= MAX_ITEMS:
                break
        return {"iterated": items}
    return {"unsupported": type(value).__name__}


def decode(data, depth: int = 0):
    """The value ``encode`` described; never runs or unpickles anything."""
    if depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(item, depth + 1) for item in data]
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise WireError(f"unexpected {type(data).__name__}")
    (tag, payload), *rest = data.items()
    if tag == "ndarray":
        return _from_npy(payload)
    if tag == "scalar":
        return _from_npy(payload)[()]
    if tag == "float":
        return float(payload) if payload in ("inf", "-inf", "nan") else _bad(tag)
    if tag == "tuple":
        return tuple(decode(item, depth + 1) for item in payload)
    if tag == "dict":
        return {str(key): decode(item, depth + 1) for key, item in payload.items()}
    if tag == "iterated":
        return Iterated(decode(item, depth + 1) for item in payload)
    if tag == "handle":
        return Handle(int(payload), str(data.get("name", "function"))[:80])
    if tag == "unsupported":
        return Unsupported(str(payload)[:80])
    if tag == "generator":
        generator = np.random.Generator(np.random.PCG64())
        generator.bit_generator.state = payload
        return generator
    if tag == "input_function":
        return InputFunction(str(payload), decode(data.get("parameters"), depth + 1))
    return _bad(tag)


def _bad(tag):
    raise WireError(f"unknown tag {str(tag)[:40]!r}")


def round_trip(value, handles: list | None = None):
    """``decode(encode(value))``: what the other side of the wire would see."""
    return decode(json.loads(json.dumps(encode(value, handles))))


# Framing: an 8-byte big-endian length, then that many bytes of UTF-8 JSON.

def pack(message: dict) -> bytes:
    body = json.dumps(message, allow_nan=True).encode("utf-8")
    return struct.pack(">Q", len(body)) + body


def unpack_length(header: bytes) -> int:
    (length,) = struct.unpack(">Q", header)
    if length > MAX_MESSAGE_BYTES:
        raise WireError(f"a message of {length} bytes; at most {MAX_MESSAGE_BYTES} are accepted")
    return length


def parse(body: bytes) -> dict:
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise WireError(f"not JSON ({type(error).__name__})") from None
    if not isinstance(message, dict):
        raise WireError("a message must be a JSON object")
    return message
