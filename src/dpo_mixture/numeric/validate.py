"""Checks of the arguments of the numeric functions; each failure is a ``ValueError``.

The message names the argument and the problem.  Probabilities must be finite and
nonnegative, and each row (last axis) must sum to 1 within :func:`row_sum_tolerance`;
log-probabilities of a distribution must log-sum-exp to 0 within the same tolerance.  The
values are inspected on the host (a GPU tensor is copied), and not at all under ``jax.jit``
(tracers carry no values; the shapes are still checked).

>>> import numpy as np
>>> row_sum_tolerance(50_257, np.float64) < 1.1e-6
True
>>> check_scalar("alpha", np.array(1.5), "unit")
Traceback (most recent call last):
...
ValueError: alpha: must lie in [0, 1], got 1.5
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["row_sum_tolerance", "check_shapes", "check_array", "check_scalar", "check_arguments"]


def row_sum_tolerance(n: int, dtype) -> float:
    """Allowed ``|sum(row) - 1|`` for rows of ``n`` entries: ``1e-6 + 4 sqrt(n) eps(dtype)``."""
    return 1e-6 + 4.0 * math.sqrt(max(n, 1)) * float(np.finfo(dtype).eps)


def _first(values: np.ndarray, mask: np.ndarray):
    return values[mask].flat[0] if values[mask].size else None


def check_shapes(shapes: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    """The broadcast shape of all arguments, or a ``ValueError`` naming them."""
    try:
        return np.broadcast_shapes(*shapes.values())
    except ValueError:
        listed = ", ".join(f"{name} {shape}" for name, shape in shapes.items())
        raise ValueError(f"shapes do not broadcast: {listed}") from None


def check_array(name: str, x: np.ndarray, kind: str) -> None:
    """Check one array argument of ``kind`` ('dist', 'logdist', 'reward' or 'logp')."""
    x = np.asarray(x)
    if kind == "dist":
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{name}: probabilities must be finite, found {_first(x, ~np.isfinite(x))}")
        if np.any(x < 0):
            raise ValueError(f"{name}: probabilities must be nonnegative, found {_first(x, x < 0)}")
        if x.ndim == 0:
            raise ValueError(f"{name}: needs a support axis, got a scalar")
        sums = np.sum(x, axis=-1, dtype=np.float64)
        tol = row_sum_tolerance(x.shape[-1], x.dtype)
        bad = np.abs(sums - 1.0) > tol
        if np.any(bad):
            raise ValueError(f"{name}: each row must sum to 1 within {tol:.2g}, a row sums to {_first(sums, bad)!r}")
    elif kind == "logdist":
        if np.any(np.isnan(x)) or np.any(x == np.inf):
            raise ValueError(f"{name}: log-probabilities must be finite or -inf, found {_first(x, np.isnan(x) | (x == np.inf))}")
        if x.ndim == 0:
            raise ValueError(f"{name}: needs a support axis, got a scalar")
        m = np.max(x, axis=-1, keepdims=True)
        if np.any(m == -np.inf):
            raise ValueError(f"{name}: a row is -inf everywhere (a distribution with no mass)")
        with np.errstate(under="ignore"):
            lse = (np.log(np.sum(np.exp(x - m), axis=-1, dtype=np.float64)) + m[..., 0])
        tol = row_sum_tolerance(x.shape[-1], x.dtype)
        bad = np.abs(lse) > tol
        if np.any(bad):
            raise ValueError(
                f"{name}: each row must be normalized (log-sum-exp 0 within {tol:.2g}), "
                f"a row has log-sum-exp {_first(lse, bad)!r}"
            )
    elif kind in ("reward", "logp"):
        what = "rewards" if kind == "reward" else "log-probabilities"
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{name}: {what} must be finite, found {_first(x, ~np.isfinite(x))}")
    else:  # pragma: no cover - a spec error
        raise AssertionError(kind)


def check_scalar(name: str, x: np.ndarray, kind: str) -> None:
    """Check a per-row scalar: 'unit' (alpha, in [0, 1]) or 'scale' (beta, finite and > 0)."""
    x = np.asarray(x)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name}: must be finite, got {_first(x, ~np.isfinite(x))}")
    if kind == "unit":
        bad = (x < 0) | (x > 1)
        if np.any(bad):
            raise ValueError(f"{name}: must lie in [0, 1], got {_first(x, bad)}")
    elif kind == "scale":
        bad = x <= 0
        if np.any(bad):
            raise ValueError(f"{name}: must be > 0, got {_first(x, bad)}")
    else:  # pragma: no cover - a spec error
        raise AssertionError(kind)


def check_arguments(spec, values: dict, backend) -> None:
    """All checks of :mod:`.specs` ``spec`` on the converted ``values``."""
    from .specs import SCALAR_KINDS

    shapes = {}
    for name, kind in spec.params:
        shape = backend.shape(values[name])
        if kind in SCALAR_KINDS and spec.support_axis:
            shape = shape + (1,)
        shapes[name] = shape
    check_shapes(shapes)
    for name, kind in spec.params:
        x = values[name]
        if not backend.concrete(x):
            continue
        host = backend.to_numpy(x)
        if kind in SCALAR_KINDS:
            check_scalar(name, host, kind)
        else:
            check_array(name, host, kind)
