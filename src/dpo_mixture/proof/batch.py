"""Screen many instances at once in float64: one array operation per node for the whole batch.

The counterexample search draws instances one by one, but screens them together: instances
with the same support size ``n`` become one batch, in which a scalar is an array of shape
``(B, 1)`` and a function over the support one of shape ``(B, n)``.  A sum binds its index to
all outputs and reduces the last axis.  Floats only *screen*: a candidate is confirmed exactly
or at 60 digits and certified before it counts (:mod:`.search`).

Expressions the batch cannot handle (a sum nested in another sum that uses its index, a node
without a rule) raise :class:`~.evaluate.EvaluationError`; the search then screens those
instances one at a time.

>>> import sympy as sp
>>> from dpo_mixture.notation import p, r, n, beta, y, support_sum
>>> env = {n: 2, beta: np.array([[1.0], [2.0]]), p: np.array([[0.5, 0.5], [0.25, 0.75]]), r: np.array([[0.0, 2.0], [0.0, 2.0]])}
>>> evaluate_batch(support_sum(p[y] * r[y]) / beta, env).ravel().tolist()
[1.0, 0.75]
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np
import sympy as sp

from ..model import SupportMax, SupportMin
from .evaluate import (MAX_TERMS, EvaluationError, _leaves, entry_variable, integer_bound, nested_dependence,
                       outside_assumptions, shared)

__all__ = ["evaluate_batch", "three_valued"]


@functools.lru_cache(maxsize=4096)
def compile_batch(e: sp.Basic) -> Callable[[dict], Any]:
    """``e`` as a function of a batch environment, built once per expression: a tree of
    closures, so evaluating a batch costs no dispatch on node types."""
    if e.is_Number:
        if not e.is_real:
            raise EvaluationError("a complex constant")
        value = float(e)
        return lambda env: value
    if e is sp.pi or e is sp.E:
        value = float(e)
        return lambda env: value
    if isinstance(e, (sp.Symbol, sp.IndexedBase)):
        return lambda env: env[e]
    if isinstance(e, sp.Indexed):
        base, index = e.base, compile_batch(e.indices[0])

        def indexed(env):
            arr, i = env[base], index(env)
            size = arr.shape[-1]
            if isinstance(i, np.ndarray):
                idx = i.astype(int)
                if idx.size and (idx.min() < 1 or idx.max() > size):
                    raise EvaluationError(f"{base} is taken outside the support")
                return arr[:, idx - 1]
            i = int(i)
            if not 1 <= i <= size:
                raise EvaluationError(f"{base} is taken outside the support")
            return arr[:, i - 1 : i]

        return indexed
    if isinstance(e, (sp.Add, sp.Mul)):
        parts = [compile_batch(a) for a in e.args]
        if isinstance(e, sp.Add):
            def add(env):
                out = parts[0](env)
                for f in parts[1:]:
                    out = out + f(env)
                return out
            return add

        def mul(env):
            out = parts[0](env)
            for f in parts[1:]:
                out = out * f(env)
            return out
        return mul
    if isinstance(e, sp.Pow):
        base = compile_batch(e.base)
        if e.exp.is_Integer:
            k = int(e.exp)
            if k >= 0:
                return lambda env: base(env) ** k
            return lambda env: (1.0 / base(env)) ** (-k)
        exponent = compile_batch(e.exp)
        return lambda env: np.power(base(env), exponent(env))
    if isinstance(e, sp.exp):
        arg = compile_batch(e.args[0])
        return lambda env: np.exp(np.minimum(arg(env), 800.0))
    if isinstance(e, sp.log):
        arg = compile_batch(e.args[0])
        return lambda env: np.log(arg(env))
    if isinstance(e, sp.Sum):
        (index, lo, hi), = e.limits
        if nested_dependence(e.function, index):
            raise EvaluationError("a sum nested in a sum that uses its index")
        body, lo_f, hi_f = compile_batch(e.function), compile_batch(lo), compile_batch(hi)

        def total(env):
            lo_v, hi_v = integer_bound(lo_f(env)), integer_bound(hi_f(env))
            if hi_v < lo_v or hi_v - lo_v >= MAX_TERMS:
                raise EvaluationError("a sum over an empty or reversed range, or of too many terms")
            inner = dict(env)
            inner[index] = np.arange(lo_v, hi_v + 1, dtype=float)  # an integer array would wrap (i**20)
            value = body(inner)
            if not isinstance(value, np.ndarray) or value.shape[-1] == 1:
                return value * (hi_v - lo_v + 1)
            return value.sum(axis=-1, keepdims=True)

        leaves = _leaves(e)
        return lambda env: shared(e, leaves, env, lambda: total(env))  # one value per batch, as in evaluate
    if isinstance(e, (SupportMax, SupportMin)):
        from ..notation import n

        inner_body, index = e.args
        if nested_dependence(inner_body, index):
            raise EvaluationError("an extremum nested in a binder that uses its index")
        body, biggest = compile_batch(inner_body), isinstance(e, SupportMax)

        def extremum(env):
            inner = dict(env)
            inner[index] = np.arange(1, int(env[n]) + 1, dtype=float)
            values = body(inner)
            if not isinstance(values, np.ndarray):
                return values
            return values.max(axis=-1, keepdims=True) if biggest else values.min(axis=-1, keepdims=True)

        return extremum
    if isinstance(e, (sp.Max, sp.Min)):
        parts = [compile_batch(a) for a in e.args]
        fn = np.maximum if isinstance(e, sp.Max) else np.minimum

        def pick(env):
            out = parts[0](env)
            for f in parts[1:]:
                out = fn(out, f(env))
            return out

        return pick
    if isinstance(e, sp.Abs):
        arg = compile_batch(e.args[0])
        return lambda env: np.abs(arg(env))
    if isinstance(e, sp.Derivative):
        from .evaluate import carried_out

        return compile_batch(carried_out(e))
    if isinstance(e, sp.Subs):  # every variable takes its point at once, as in evaluate
        entry_variable(e)
        body = compile_batch(e.expr)
        points = [(var, compile_batch(point)) for var, point in zip(e.variables, e.point)]

        def at_point(env):
            inner = dict(env)
            outside = False
            for var, point in points:
                inner[var] = point(env)
                # outside its variable's assumptions the body says nothing (see outside_assumptions)
                outside = outside | outside_assumptions(var, inner[var])
            out = body(inner)
            return np.where(outside, np.nan, out) if np.any(outside) else out

        return at_point
    if isinstance(e, sp.Heaviside):
        arg = compile_batch(e.args[0])
        at0 = float(e.args[1]) if len(e.args) > 1 else 0.5

        def step(env):
            x = arg(env)
            return np.where(x > 0, 1.0, np.where(x < 0, 0.0, at0))

        return step
    from ..model import RelEntr

    if isinstance(e, RelEntr):
        xf, cf = compile_batch(e.args[0]), compile_batch(e.args[1])

        def relentr(env):
            x, c = np.asarray(xf(env), dtype=float), np.asarray(cf(env), dtype=float)
            safe = np.where(x > 0, x, 1.0)
            return np.where(x > 0, x * np.log(safe / c), np.where(x == 0, 0.0, np.nan))

        return relentr
    raise EvaluationError(f"the search cannot evaluate {type(e).__name__}")


def evaluate_batch(expr: sp.Expr, env: dict) -> np.ndarray:
    """Evaluate ``expr`` on a batch: an array of shape ``(B, 1)`` (or ``(B, n)``)."""
    fn = compile_batch(expr)
    with np.errstate(all="ignore"):
        out = fn(env)
    return np.asarray(out, dtype=float)


def three_valued(rel: sp.Basic, env: dict, batch: int) -> tuple[np.ndarray, np.ndarray]:
    """``(true, false)`` masks of shape ``(B,)`` for a relation on a batch; an instance in
    neither could not be decided in floats (non-finite values, or an inequality inside the
    rounding band)."""
    if rel is sp.true or rel is sp.false:
        full = np.full(batch, bool(rel))
        return full, ~full
    if isinstance(rel, sp.And):
        t, f = np.ones(batch, bool), np.zeros(batch, bool)
        for a in rel.args:
            ta, fa = three_valued(a, env, batch)
            t &= ta
            f |= fa
        return t & ~f, f
    with np.errstate(all="ignore"):
        a = np.broadcast_to(evaluate_batch(rel.lhs, env), (batch, 1)).reshape(batch, -1)[:, 0]
        b = np.broadcast_to(evaluate_batch(rel.rhs, env), (batch, 1)).reshape(batch, -1)[:, 0]
        finite = np.isfinite(a) & np.isfinite(b)
        tol = 1e-9 * (1 + np.abs(a) + np.abs(b))
        diff = a - b
        if isinstance(rel, sp.Eq):
            true = np.abs(diff) <= tol
            false = ~true
        else:
            d = diff if isinstance(rel, (sp.StrictLessThan, sp.LessThan)) else -diff
            # inside the rounding band nothing is decided, strict or not: 1 + 1e-12 <= 1 is
            # false, though floats cannot tell (exact numbers or 60 digits decide it)
            false = d > tol
            true = d < -tol
    return true & finite, false & finite
