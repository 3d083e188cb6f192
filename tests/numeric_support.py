"""Helpers of the numeric tests: optional backends, random instances, a 50-digit reference.

``require("torch")`` skips a test when torch is missing, except in CI (the environment
variable ``CI`` is set), where a missing backend is a failure.
"""

from __future__ import annotations

import functools
import importlib
import os

import mpmath

import numpy as np
import pytest
import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import alpha, beta, k, n, p_A, p_ref, p_U, r, y
from dpo_mixture.numeric.rewrite import unfold
from dpo_mixture.numeric.specs import SCALAR_KINDS, SPECS

DIGITS = 50
_INDEXED = {"p_ref": p_ref, "p_A": p_A, "p_U": p_U, "r": r}
_SCALARS = {"alpha": alpha, "beta": beta}


def require(name: str):
    """Import ``name``; skip if it is missing, unless running in CI."""
    if os.environ.get("CI"):
        module = importlib.import_module(name)
    else:
        module = pytest.importorskip(name)
    if name == "jax":
        module.config.update("jax_enable_x64", True)
    return module


def random_instance(name: str, rng: np.random.Generator, batch: int = 3, size: int = 5) -> dict:
    """Random valid arguments of the numeric function ``name`` (float64 NumPy)."""
    spec = SPECS[name]
    values = {}
    for param, kind in spec.params:
        if kind == "dist":
            values[param] = rng.dirichlet(np.ones(size), batch)
        elif kind == "logdist":
            values[param] = np.log(rng.dirichlet(np.ones(size), batch))
        elif kind == "reward":
            values[param] = rng.normal(scale=2.0, size=(batch, size))
        elif kind in ("logp", "logp_ext"):
            shape = (batch,) if not spec.support_axis else (batch, size)
            values[param] = -rng.exponential(3.0, size=shape)
        elif kind == "unit":
            values[param] = rng.uniform(0.05, 0.95, batch)
        elif kind == "scale":
            values[param] = rng.uniform(0.3, 3.0, batch)
    return values


def _concrete(expr: sp.Expr, size: int) -> sp.Expr:
    """``expr`` on a support of ``size`` outputs: sums expanded, support extrema as Max/Min."""
    expr = unfold(expr).subs(n, size).doit()

    def extremum(cls, fn):
        return lambda e: fn(*(e.args[0].subs(e.args[1], i) for i in range(1, size + 1)))

    expr = expr.replace(lambda e: isinstance(e, model.SupportMax), extremum(model.SupportMax, sp.Max))
    return expr.replace(lambda e: isinstance(e, model.SupportMin), extremum(model.SupportMin, sp.Min))


def concrete_expressions(name: str, size: int) -> list[sp.Expr]:
    """The model expressions of ``name`` on ``size`` outputs (``y`` still free)."""
    return [_concrete(e, size) for e in SPECS[name].expressions()]


def _leaves(name: str, size: int) -> list[tuple[str, int | None, sp.Basic]]:
    """The inputs of the concrete expressions: (parameter, position or None, SymPy leaf)."""
    spec = SPECS[name]
    leaves = []
    for param, kind in spec.params:
        if kind in SCALAR_KINDS:
            leaves.append((param, None, _SCALARS[param]))
        elif kind == "logdist":
            leaves += [(param, i, p_ref[i + 1]) for i in range(size)]
        elif kind in ("logp", "logp_ext"):
            leaves.append((param, None, sp.Symbol(param)))
        else:
            leaves += [(param, i, _INDEXED[param][i + 1]) for i in range(size)]
    return leaves


@functools.lru_cache(maxsize=None)
def _reference_function(name: str, size: int):
    spec = SPECS[name]
    leaves = _leaves(name, size)
    dummies = [sp.Dummy(f"x{i}") for i in range(len(leaves))]
    swap = {leaf: d for (_, _, leaf), d in zip(leaves, dummies)}
    outputs = []
    for expr in concrete_expressions(name, size):
        if spec.per_row or not spec.support_axis or any(kind in ("logp", "logp_ext") for _, kind in spec.params):
            outputs.append(expr.xreplace(swap))
        else:
            outputs.append([expr.subs(y, j + 1).xreplace(swap) for j in range(size)])
    return leaves, sp.lambdify(dummies, outputs, modules="mpmath")


def reference(name: str, values: dict) -> list[np.ndarray]:
    """50-digit mpmath evaluation of the model expressions of ``name`` on every batch row.

    ``values`` holds arrays with one leading batch axis (scalars per row as 1-D arrays).
    Returns one float64 array per output, shaped like the numeric function's output.
    Elementwise functions (DPO's) are evaluated entry by entry.
    """
    spec = SPECS[name]
    first = np.asarray(values[spec.arrays[0]])
    size = first.shape[-1] if spec.support_axis else 1
    elementwise = any(kind in ("logp", "logp_ext") for _, kind in spec.params)
    if elementwise:
        size = 1
    leaves, fn = _reference_function(name, size)
    with mpmath.workdps(DIGITS):
        if elementwise:
            arrays = {
                p: np.asarray(values[p])[..., None] if kind in SCALAR_KINDS and spec.support_axis else values[p]
                for p, kind in spec.params
            }
            shape = np.broadcast_shapes(*(np.shape(a) for a in arrays.values()))
            flat = {p: np.broadcast_to(a, shape).ravel() for p, a in arrays.items()}
            outs = [fn(*(_mp(flat[p][i], k) for p, _, _ in leaves)) for i in range(len(flat[spec.params[0][0]]))]
            return [np.array([float(o[m]) for o in outs]).reshape(shape) for m in range(len(spec.outputs))]
        kinds = dict(spec.params)
        rows = []
        for b in range(first.shape[0]):
            args = []
            for param, pos, _ in leaves:
                v = np.asarray(values[param])[b]
                args.append(_mp(v if pos is None else v[pos], kinds[param]))
            rows.append(fn(*args))
        return [np.array([np.array(row[m], dtype=object).astype(float) for row in rows]) for m in range(len(spec.outputs))]


def _mp(value, kind):
    value = float(value)
    if kind == "logdist":
        return mpmath.exp(mpmath.mpf(value)) if np.isfinite(value) else mpmath.mpf(0)
    return mpmath.mpf(value)
