"""IPython startup file for the ``ulp-noise`` run of the notebooks (see the repository's conftest.py).

Every transcendental numpy function (exp, log, tanh, sin, ...) returns its float64 results nudged by
one unit in the last place, up, down or not at all, as another CPU's implementation may round them:
numpy's AVX-512 loops on one machine, Apple's on another. The nudge is a pure function of the value
(the same input always gives the same output, as on a real machine). A stored output that changes
under it depends on the last bits of the arithmetic, which no lesson may print.
"""

import numpy as _np

_MIX = _np.uint64(0x9E3779B97F4A7C15)  # Knuth's multiplicative hash


def _nudged(values):
    values = _np.asarray(values)
    if values.dtype != _np.float64 or values.size == 0:
        return values
    with _np.errstate(over="ignore"):
        choice = (values.view(_np.uint64) * _MIX) >> _np.uint64(62)  # 0..3, from the value's own bits
    nudgeable = _np.isfinite(values) & (values != 0)
    up, down = _np.nextafter(values, _np.inf), _np.nextafter(values, -_np.inf)
    return _np.where(nudgeable & (choice == 1), up, _np.where(nudgeable & (choice == 2), down, values))


def _with_noise(ufunc):
    def noisy(*args, **kwargs):
        result = ufunc(*args, **kwargs)
        if kwargs.get("out") is not None:
            out = kwargs["out"][0] if isinstance(kwargs["out"], tuple) else kwargs["out"]
            out[...] = _nudged(out)
            return result
        if isinstance(result, _np.ndarray):
            return _nudged(result)
        return type(result)(_nudged(result)) if isinstance(result, (float, _np.floating)) else result

    noisy.__name__ = noisy.__qualname__ = ufunc.__name__
    noisy.__doc__ = ufunc.__doc__
    return noisy


for _name in ("exp", "expm1", "log", "log1p", "logaddexp", "tanh", "sin", "cos"):
    setattr(_np, _name, _with_noise(getattr(_np, _name)))
