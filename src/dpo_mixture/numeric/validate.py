"""Checks of the arguments of the numeric functions; each failure names the argument.

The checks run as a few row reductions on the array's own device: a sum and a minimum for
probabilities, a maximum and a minimum for rewards and log-probabilities.  Nothing is copied
to the host while the arguments are valid:

* NumPy, CPU tensors and concrete JAX arrays raise a ``ValueError`` naming the argument; only
  then are values read to say which entry is wrong.  JAX reads the flags of all the arguments
  back as one boolean (one wait for the device).
* A tensor on an accelerator is checked by ``torch._assert_async``, which raises at the next
  synchronisation without one of its own (PyTorch's device-side assertion: it ends the CUDA
  context, as ``torch.multinomial`` does on bad probabilities).
* Under ``jax.jit`` values are unknown: only shapes are checked.

Probability rows must sum to 1 within :func:`row_sum_tolerance`, accumulated in at least
float32.  Log-probability rows must log-sum-exp to 0 only for the functions whose result
depends on their scale (SymPy decides which: ``log_policy`` does not, ``log_partition`` does),
since that check costs an exponential per entry.

>>> import numpy as np
>>> row_sum_tolerance(50_257, np.float64) < 1.1e-6
True
>>> describe("alpha", np.array([0.2, 1.5]), "unit")
'alpha: must lie in [0, 1], got 1.5'
"""

from __future__ import annotations

import functools
import math
import sys

import numpy as np

__all__ = ["row_sum_tolerance", "describe", "check_arguments", "check_scalars", "block_check", "depends_on_scale"]


def _finfo(dtype):
    if type(dtype).__module__.startswith("torch"):
        return sys.modules["torch"].finfo(dtype)
    try:
        return np.finfo(dtype)
    except ValueError:  # bfloat16 (ml_dtypes, through JAX): NumPy does not know it as inexact
        return sys.modules["ml_dtypes"].finfo(dtype)


@functools.lru_cache(maxsize=64)
def row_sum_tolerance(n: int, dtype) -> float:
    """Allowed ``|sum(row) - 1|`` for rows of ``n`` entries of ``dtype``.

    ``1e-6 + 2 eps(dtype) + 4 sqrt(n) eps(acc)``: the rounding of each entry to ``dtype``
    (at most half an ulp of the total each way) and a summation of ``n`` terms in ``acc``,
    which is ``dtype`` from float32 up and float32 for the half-precision types.
    """
    info = _finfo(dtype)
    acc = info.eps if info.bits >= 32 else float(np.finfo(np.float32).eps)
    return 1e-6 + 2.0 * float(info.eps) + 4.0 * math.sqrt(max(n, 1)) * float(acc)


def _num(value) -> str:
    """A plain number for a message: 0.8999999999999999, not np.float64(0.8999999999999999)."""
    return repr(float(value))


# --- messages, computed on the host once a check has failed ----------------------------------
def _first(values: np.ndarray, mask: np.ndarray):
    picked = values[mask]
    return _num(picked.flat[0]) if picked.size else None


def describe(name: str, x, kind: str, *, beta=None, normalized: bool = True, dtype=None) -> str | None:
    """The message for a failed check of argument ``name`` (host values), or ``None``.

    ``dtype`` is the dtype the values came in, for the row-sum tolerance (default: ``x``'s).
    """
    x = np.asarray(x)
    dtype = x.dtype if dtype is None else dtype
    x = x.astype(np.float64)
    with np.errstate(all="ignore"):
        return _describe(name, x, kind, beta, normalized, dtype)


def _describe(name, x, kind, beta, normalized, dtype):
    if kind == "dist":
        if not np.all(np.isfinite(x)):
            return f"{name}: probabilities must be finite, found {_first(x, ~np.isfinite(x))}"
        if np.any(x < 0):
            return f"{name}: probabilities must be nonnegative, found {_first(x, x < 0)}"
        sums = np.sum(x, axis=-1)
        tol = row_sum_tolerance(x.shape[-1], dtype)
        bad = np.abs(sums - 1.0) > tol
        if np.any(bad):
            return f"{name}: each row must sum to 1 within {tol:.2g}, a row sums to {_first(sums, bad)}"
    elif kind == "logdist":
        if np.any(np.isnan(x) | (x == np.inf)):
            return f"{name}: log-probabilities must be finite or -inf, found {_first(x, np.isnan(x) | (x == np.inf))}"
        m = np.max(x, axis=-1, keepdims=True)
        if np.any(m == -np.inf):
            return f"{name}: a row is -inf everywhere (a distribution with no mass)"
        if normalized:
            lse = np.log(np.sum(np.exp(x - m), axis=-1)) + m[..., 0]
            tol = row_sum_tolerance(x.shape[-1], dtype)
            bad = np.abs(lse) > tol
            if np.any(bad):
                return (
                    f"{name}: each row must be normalized (log-sum-exp 0 within {tol:.2g}), "
                    f"a row has log-sum-exp {_first(lse, bad)}"
                )
    elif kind == "reward":
        if not np.all(np.isfinite(x)):
            return f"{name}: rewards must be finite, found {_first(x, ~np.isfinite(x))}"
        if beta is not None:
            scaled = x / np.asarray(beta, dtype=np.float64)
            if not np.all(np.isfinite(scaled)):
                return f"{name}: r/beta must be finite, found {_first(x, ~np.isfinite(scaled))}/beta"
            spread = (np.max(x, axis=-1, keepdims=True) - np.min(x, axis=-1, keepdims=True)) / np.asarray(beta)
            if not np.all(np.isfinite(spread)):
                return f"{name}: (max r - min r)/beta must be finite"
    elif kind == "logp":
        if not np.all(np.isfinite(x)):
            return f"{name}: log-probabilities must be finite, found {_first(x, ~np.isfinite(x))}"
    elif kind == "logp_ext":
        bad = np.isnan(x) | (x == np.inf)
        if np.any(bad):
            return f"{name}: log-probabilities must be finite or -inf, found {_first(x, bad)}"
    elif kind == "unit":
        if not np.all(np.isfinite(x)):
            return f"{name}: must be finite, got {_first(x, ~np.isfinite(x))}"
        bad = (x < 0) | (x > 1)
        if np.any(bad):
            return f"{name}: must lie in [0, 1], got {_first(x, bad)}"
    elif kind == "scale":
        if not np.all(np.isfinite(x)):
            return f"{name}: must be finite, got {_first(x, ~np.isfinite(x))}"
        if np.any(x <= 0):
            return f"{name}: must be > 0, got {_first(x, x <= 0)}"
    return None


#: What each kind promises, for the device-side assertion (no values are read there).
PROMISES = {
    "dist": "probabilities must be finite, >= 0 and sum to 1 per row",
    "logdist": "log-probabilities must have no NaN or +inf and some mass per row (normalized where it matters)",
    "reward": "rewards must be finite, also divided by beta",
    "logp": "log-probabilities must be finite",
    "logp_ext": "log-probabilities must be finite or -inf",
    "unit": "must lie in [0, 1]",
    "scale": "must be finite and > 0",
}


# --- the checks, as reductions on the array's device ------------------------------------------
def _flags(kind: str, x, ops, *, beta=None, normalized=True, dtype=None):
    """A 0-d boolean (on the array's device) that holds when ``x`` is a valid ``kind``."""
    if kind == "dist":
        n = x.shape[-1]
        s = ops.row_sum(x)
        return ops.all(abs(s - 1.0) <= row_sum_tolerance(n, dtype)) & (ops.min(x) >= 0)
    if kind == "logdist":
        m = ops.row_max(x)
        ok = ops.all((m < math.inf) & (m > -math.inf))  # NaN fails both comparisons
        if normalized:
            lse = ops.row_logsumexp(x)
            ok = ok & ops.all(abs(lse) <= row_sum_tolerance(x.shape[-1], dtype))
        return ok
    if kind == "reward":  # NaN and infinities make the extremes, their spread or size, non-finite
        scale = 1.0 if beta is None else beta
        norm = ops.row_norm(x)
        if norm is not None and bool(ops.all(norm / scale < _finfo(ops.dtype(x)).max / 4)):
            return True  # |r|/beta <= ||r||/beta, finite with room for the spread: no extremes needed
        bottom, top = ops.row_extremes(x)
        size = ops.maximum(abs(top), abs(bottom)) / scale
        return ops.all((size < math.inf) & ((top - bottom) / scale < math.inf))
    if kind == "logp":
        return ops.all((ops.max(x) < math.inf) & (ops.min(x) > -math.inf))
    if kind == "logp_ext":
        return ops.max(x) < math.inf
    if kind == "unit":
        return (ops.min(x) >= 0) & (ops.max(x) <= 1)
    if kind == "scale":
        return (ops.min(x) > 0) & (ops.max(x) < math.inf)
    return None  # unchecked kinds ("array", "scalar")


_SCALE: dict[tuple[int, str], bool] = {}


def depends_on_scale(spec, param: str) -> bool:
    """Whether the function of ``spec`` (or a built-in's name) changes when the distribution
    ``param`` is scaled by a constant.  SymPy decides, once per function and argument.

    >>> depends_on_scale("log_policy", "log_p_ref"), depends_on_scale("log_partition", "log_p_ref")
    (False, True)
    """
    from .rewrite import scale_invariant
    from .specs import SPECS

    spec = SPECS[spec] if isinstance(spec, str) else spec
    key = (id(spec), param)
    if key not in _SCALE:
        base = next((b for b, log in spec.log_inputs.items() if log == param), param)
        _SCALE[key] = not scale_invariant(spec.expressions(), base)
    return _SCALE[key]


def check_arguments(spec, values: dict, ops) -> None:
    """All checks of ``spec`` on the prepared ``values`` (arrays and aligned scalars).

    Per-row scalars come first, so that a reward is divided only by a valid ``beta``.
    """
    with np.errstate(all="ignore"):
        _require_scalars(spec, values, ops)
        beta = _beta(spec, values)
        for name, kind in spec.params:
            x = values[name]
            if kind in _SCALARS or not ops.concrete(x):
                continue
            flag = _array_flag(spec, name, kind, x, beta, ops)
            if flag is None:
                continue

            def message(name=name, kind=kind, x=x):
                host_beta = ops.to_host(beta) if kind == "reward" and beta is not None else None
                found = describe(name, ops.to_host(x), kind, beta=host_beta,
                                 normalized=_normalized(spec, name, kind), dtype=ops.dtype(x))
                return found or f"{name}: {PROMISES[kind]}"

            ops.require(flag, message, f"{name}: {PROMISES[kind]}")
        ops.settle()


_SCALARS = ("unit", "scale", "scalar")


def _beta(spec, values):
    return values.get("beta") if "beta" in dict(spec.params) else None


def _normalized(spec, name, kind) -> bool:
    return kind != "logdist" or depends_on_scale(spec, name)


def _array_flag(spec, name, kind, x, beta, ops):
    return _flags(kind, x, ops, beta=beta if kind == "reward" else None,
                  normalized=_normalized(spec, name, kind), dtype=ops.dtype(x))


def check_scalars(spec, values: dict, ops) -> None:
    """The checks of the per-row scalars (``alpha``, ``beta``) alone."""
    _require_scalars(spec, values, ops)
    ops.settle()


def _require_scalars(spec, values: dict, ops) -> None:
    """The scalars' checks handed to ``ops`` (which may hold them, to read all flags at once)."""
    for name, kind in spec.params:
        x = values[name]
        if kind not in ("unit", "scale"):
            continue
        if isinstance(x, float):
            message = describe(name, np.float64(x), kind)
            if message:
                raise ValueError(message)
        elif ops.concrete(x) and math.prod(x.shape) > 0:  # one value per row of an empty batch: none to check
            ops.require(_flags(kind, x, ops), lambda name=name, kind=kind, x=x: describe(name, ops.to_host(x), kind)
                        or f"{name}: {PROMISES[kind]}", f"{name}: {PROMISES[kind]}")


def block_check(spec, ops):
    """A check of the array arguments on a block of rows (``check(*values) -> bool``).

    The row reductions are the same as :func:`check_arguments`'s; run block by block, they
    read rows that the computation then finds in cache.
    """
    params = [p for p, _ in spec.params]
    arrays = [(i, name, kind) for i, (name, kind) in enumerate(spec.params) if kind not in _SCALARS]
    where_beta = params.index("beta") if "beta" in params else None

    def check(*values):
        beta = values[where_beta] if where_beta is not None else None
        for i, name, kind in arrays:
            flag = _array_flag(spec, name, kind, values[i], beta, ops)
            if flag is not None and not bool(flag):
                return False
        return True

    return check
