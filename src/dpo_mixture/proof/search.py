"""Counterexample search over concrete instances with exact rational values.

A :class:`Problem` is a conclusion, optional hypotheses and the definitions needed to
evaluate them.  The search draws instances from the domains of the free quantities
(:data:`dpo_mixture.notation.DOMAINS`) with *structured* generators (large reward gaps, small
``beta``, ``alpha`` near 0 or 1, mass concentrated on few outputs, sparse components, support
sizes up to 8), screens each in float64, confirms a candidate in exact arithmetic or at 60
digits with a margin, and shrinks it toward a small support and simple rationals.

Floats only ever *screen*: a candidate that is not confirmed is discarded, so rounding cannot
refute a true statement.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

import mpmath
import numpy as np
import sympy as sp

from ..notation import DOMAINS, Domain, n as _n, y as _y
from .evaluate import MP_DIGITS, evaluate, is_rational_expression
from .facts import Fact, unfold
from .verdict import Counterexample

__all__ = ["Problem", "SearchResult", "search", "free_quantities", "MARGIN"]

#: Relative size a violation must exceed at 60 digits to count as confirmed.
MARGIN = sp.Float("1e-40", MP_DIGITS)

R = sp.Rational


@dataclass(frozen=True)
class Problem:
    """``hypotheses => conclusion``, for every instance of the free quantities.

    A relation whose sides still contain the output ``y`` (outside any sum) is read as
    "for every ``y`` in the support".  ``support`` is an expression in ``y``; outputs where
    it vanishes are dropped from a drawn instance (the support is where ``p_ref > 0``).
    """

    conclusion: sp.Basic
    hypotheses: tuple[sp.Basic, ...] = ()
    facts: tuple[Fact, ...] = ()
    support: sp.Expr | None = None
    domains: dict = field(default_factory=dict)

    def unfolded(self) -> tuple[sp.Basic, tuple[sp.Basic, ...], sp.Expr | None]:
        c = unfold(self.conclusion, self.facts)
        h = tuple(unfold(x, self.facts) for x in self.hypotheses)
        s = None if self.support is None else unfold(self.support, self.facts)
        return c, h, s


@dataclass(frozen=True)
class SearchResult:
    counterexample: Counterexample | None
    samples: int
    note: str = ""


def free_quantities(exprs) -> tuple[list[sp.Symbol], list[sp.IndexedBase]]:
    """Scalars and functions over the support that an instance must give values to.

    >>> from dpo_mixture.notation import p, r, beta, y, support_sum
    >>> free_quantities([support_sum(p[y] * r[y]) / beta])
    ([beta], [p, r])
    """
    scalars: set = set()
    vectors: set = set()
    for e in exprs:
        for node in sp.preorder_traversal(e):
            if isinstance(node, sp.Indexed):
                vectors.add(node.base)
        for s in e.free_symbols:
            if isinstance(s, sp.Symbol) and s not in (_n, _y) and not s.is_integer:
                scalars.add(s)
    vector_labels = {v.label for v in vectors}
    scalars -= vector_labels
    key = lambda s: str(s)  # noqa: E731
    return sorted(scalars, key=key), sorted(vectors, key=key)


def _domain(q: sp.Basic, overrides: dict) -> Domain:
    if q in overrides:
        return overrides[q]
    if q in DOMAINS:
        return DOMAINS[q]
    if isinstance(q, sp.IndexedBase):
        if q.label.is_positive:
            return Domain.POSITIVE_VECTOR
        return Domain.REAL_VECTOR
    if q.is_positive:
        return Domain.POSITIVE
    return Domain.REAL


# --- drawing ------------------------------------------------------------------------------
_POSITIVE_POOL = [R(1, 100), R(1, 20), R(1, 10), R(1, 4), R(1, 3), R(1, 2), R(1), R(2), R(3), R(5), R(10)]
_UNIT_POOL = [R(1, 2), R(1, 3), R(2, 3), R(1, 10), R(9, 10), R(1, 100), R(99, 100), R(1, 1000), R(999, 1000)]


def _draw_scalar(rng: random.Random, domain: Domain) -> sp.Rational:
    if domain is Domain.POSITIVE:
        if rng.random() < 0.7:
            return rng.choice(_POSITIVE_POOL)
        return R(rng.randint(1, 40), rng.randint(1, 20))
    if domain is Domain.UNIT_INTERVAL:
        if rng.random() < 0.7:
            return rng.choice(_UNIT_POOL)
        return R(rng.randint(1, 19), 20)
    return R(rng.randint(-10, 10), rng.choice([1, 1, 2, 4]))


def _weights_to_distribution(weights: list[int]) -> list[sp.Rational]:
    total = sum(weights)
    return [R(w, total) for w in weights]


def _draw_weights(rng: random.Random, size: int, zeros: bool) -> list[int]:
    mode = rng.choice(["uniform", "concentrated", "tail", "sparse", "point"] if zeros else ["uniform", "concentrated", "tail"])
    if mode == "uniform":
        w = [rng.randint(1, 10) for _ in range(size)]
    elif mode == "concentrated":
        w = [1] * size
        w[rng.randrange(size)] = rng.choice([10, 100, 1000])
    elif mode == "tail":
        # most mass on one output, a small but real amount on one other, (near) nothing elsewhere
        w = [0 if zeros else 1] * size
        i, j = rng.sample(range(size), 2)
        w[i], w[j] = rng.choice([9, 19, 99]), 1
    elif mode == "sparse":
        w = [rng.randint(1, 10) if rng.random() < 0.5 else 0 for _ in range(size)]
    else:
        w = [0] * size
        w[rng.randrange(size)] = 1
    if sum(w) == 0:
        w[rng.randrange(size)] = 1
    return w


def _draw_vector(rng: random.Random, domain: Domain, size: int) -> list[sp.Rational]:
    if domain is Domain.REAL_VECTOR:
        mode = rng.choice(["small", "gap", "spread", "fractions"])
        if mode == "small":
            return [R(rng.randint(-3, 3)) for _ in range(size)]
        if mode == "gap":
            v = [R(rng.randint(0, 2)) for _ in range(size)]
            v[rng.randrange(size)] = R(rng.choice([5, 10, 20, 50]))
            return v
        if mode == "spread":
            return [R(rng.randint(-10, 10)) for _ in range(size)]
        return [R(rng.randint(-8, 8), 4) for _ in range(size)]
    if domain is Domain.POSITIVE_VECTOR:
        return [R(rng.randint(1, 10), rng.choice([1, 2, 4])) for _ in range(size)]
    zeros = domain is Domain.SPARSE_DISTRIBUTION
    return _weights_to_distribution(_draw_weights(rng, size, zeros))


def _renormalize(values: dict, vectors, overrides) -> dict:
    out = dict(values)
    for v in vectors:
        if _domain(v, overrides) in (Domain.DISTRIBUTION, Domain.SPARSE_DISTRIBUTION):
            total = sum(out[v])
            if total == 0:
                return {}
            out[v] = [x / total for x in out[v]]
    return out


def _restrict(values: dict, keep: list[int], vectors, overrides) -> dict:
    out = dict(values)
    for v in vectors:
        out[v] = [out[v][i] for i in keep]
    out[_n] = len(keep)
    return _renormalize(out, vectors, overrides)


def _valid(values: dict, vectors, overrides) -> bool:
    if not values or values[_n] < 2:
        return False
    for v in vectors:
        d = _domain(v, overrides)
        if d is Domain.DISTRIBUTION and any(x <= 0 for x in values[v]):
            return False
    return True


class _Compiled:
    """The problem with definitions unfolded, ready to evaluate at instances."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.conclusion, self.hypotheses, self.support = problem.unfolded()
        self.scalars, self.vectors = free_quantities([self.conclusion, *self.hypotheses] + ([self.support] if self.support is not None else []))
        self.overrides = problem.domains
        relations = [self.conclusion, *self.hypotheses]
        self.exact = all(is_rational_expression(r) for r in relations)

    # -- instance handling
    def draw(self, rng: random.Random) -> dict:
        size = rng.choice([2, 2, 3, 3, 3, 4, 4, 5, 6, 8])
        values: dict = {_n: size}
        for s in self.scalars:
            values[s] = _draw_scalar(rng, _domain(s, self.overrides))
        for v in self.vectors:
            values[v] = _draw_vector(rng, _domain(v, self.overrides), size)
        return self.fix_support(values)

    def fix_support(self, values: dict) -> dict:
        if self.support is None:
            return values
        keep = []
        for i in range(values[_n]):
            env = dict(values)
            val = evaluate(self.support.xreplace({_y: i + 1}), env, "exact")
            if val != 0:
                keep.append(i)
        if len(keep) == values[_n]:
            return values
        return _restrict(values, keep, self.vectors, self.overrides)

    # -- relations
    def _holds(self, rel: sp.Basic, values: dict, kind: str) -> bool | None:
        """True / False when decided in this number system, None when it cannot tell."""
        if rel in (sp.true, sp.false):
            return bool(rel)
        if isinstance(rel, sp.And):
            results = [self._holds(a, values, kind) for a in rel.args]
            if any(r is False for r in results):
                return False
            return None if any(r is None for r in results) else True
        lhs, rhs = rel.lhs, rel.rhs
        if _y in (lhs - rhs).free_symbols:  # "for every output y": decide it at each one
            outcomes = []
            for i in range(1, values[_n] + 1):
                outcomes.append(self._holds(rel.xreplace({_y: i}), values, kind))
            if any(o is False for o in outcomes):
                return False
            return None if any(o is None for o in outcomes) else True
        try:
            a = evaluate(lhs, values, kind)
            b = evaluate(rhs, values, kind)
        except (ValueError, ZeroDivisionError, OverflowError, FloatingPointError):
            return None
        if kind == "float":
            with np.errstate(all="ignore"):
                if not (np.isfinite(a) and np.isfinite(b)):
                    return None
                tol = 1e-9 * (1 + abs(a) + abs(b))
            return _compare(rel, a - b, tol, float_mode=True)
        if kind == "exact":
            return bool(rel.func(a, b))
        with mpmath.workdps(MP_DIGITS):
            scale = 1 + abs(a) + abs(b)
            tol = mpmath.mpf(str(MARGIN)) * scale
            return _compare(rel, a - b, tol, float_mode=False)

    def counterexample_at(self, values: dict, kind: str) -> bool | None:
        """True when the hypotheses hold and the conclusion fails, decided in ``kind``."""
        for h in self.hypotheses:
            res = self._holds(h, values, kind)
            if res is not True:
                return False if res is False else None
        res = self._holds(self.conclusion, values, kind)
        if res is None:
            return None
        return not res

    def screen(self, values: dict) -> bool:
        with np.errstate(all="ignore"):
            res = self.counterexample_at(values, "float")
        return res is not False

    def confirm(self, values: dict) -> str | None:
        kind = "exact" if self.exact else "mp"
        if self.counterexample_at(values, kind) is True:
            return "exact" if kind == "exact" else f"{MP_DIGITS} digits, margin {MARGIN:.0e}"
        return None


def _compare(rel: sp.Basic, diff: Any, tol: Any, float_mode: bool) -> bool | None:
    """Decide ``diff REL 0`` with a band of width ``tol`` in which nothing is decided."""
    if isinstance(rel, sp.Eq):
        if abs(diff) > tol:
            return False
        return True if float_mode else None
    if isinstance(rel, sp.Ne):
        if abs(diff) > tol:
            return True
        return None
    # lhs - rhs = diff
    if isinstance(rel, (sp.StrictLessThan, sp.LessThan)):
        d = diff
    else:  # > or >=
        d = -diff
    # now the relation reads d < 0 (strict) or d <= 0
    if d > tol:
        return False
    if d < -tol:
        return True
    strict = isinstance(rel, (sp.StrictLessThan, sp.StrictGreaterThan))
    if float_mode:
        return not strict or None
    return None


def _complexity(values: dict) -> tuple:
    size = values[_n]
    bits = 0
    for key, v in values.items():
        for x in (v if isinstance(v, (list, tuple)) else [v]):
            x = sp.Rational(x)
            bits += abs(int(x.p)).bit_length() + int(x.q).bit_length()
    return (size, bits)


def _simpler_rationals(x: sp.Rational) -> list[sp.Rational]:
    out = []
    for d in (1, 2, 4, 10, 100):
        f = Fraction(int(x.p), int(x.q)).limit_denominator(d)
        out.append(R(f.numerator, f.denominator))
    return [c for c in dict.fromkeys(out) if c != x]


def _shrink_candidates(values: dict, comp: _Compiled):
    size = values[_n]
    if size > 2:
        for i in range(size):
            keep = [j for j in range(size) if j != i]
            yield _restrict(values, keep, comp.vectors, comp.overrides)
    for s in comp.scalars:
        d = _domain(s, comp.overrides)
        for c in _simpler_rationals(sp.Rational(values[s])):
            if d is Domain.UNIT_INTERVAL and not 0 < c < 1 or d is Domain.POSITIVE and not c > 0:
                continue  # a simpler value must stay in the quantity's domain
            yield {**values, s: c}
    for v in comp.vectors:
        d = _domain(v, comp.overrides)
        vec = [sp.Rational(x) for x in values[v]]
        if d in (Domain.DISTRIBUTION, Domain.SPARSE_DISTRIBUTION):
            for denom in (2, 4, 10, 100):
                w = [Fraction(int(x.p), int(x.q)).limit_denominator(denom) for x in vec]
                if d is Domain.DISTRIBUTION and any(f <= 0 for f in w):
                    continue
                if sum(w) == 0:
                    continue
                cand = [R(f.numerator, f.denominator) for f in w]
                tot = sum(cand)
                cand = [c / tot for c in cand]
                if cand != vec:
                    yield {**values, v: cand}
        else:
            for i, x in enumerate(vec):
                for c in _simpler_rationals(x) + ([x / 2] if x.q == 1 and abs(x) > 1 else []):
                    new = list(vec)
                    new[i] = c
                    yield {**values, v: new}


def _shrink(values: dict, comp: _Compiled, budget: int = 400) -> tuple[dict, str]:
    confirmation = comp.confirm(values) or ""
    tries = 0
    improved = True
    while improved and tries < budget:
        improved = False
        for cand in _shrink_candidates(values, comp):
            tries += 1
            if tries >= budget:
                break
            cand = comp.fix_support(cand) if cand else cand
            if not _valid(cand, comp.vectors, comp.overrides):
                continue
            if _complexity(cand) >= _complexity(values):
                continue
            if not comp.screen(cand):
                continue
            how = comp.confirm(cand)
            if how:
                values, confirmation, improved = cand, how, True
                break
    return values, confirmation


def _to_counterexample(values: dict, comp: _Compiled, how: str) -> Counterexample:
    named: dict[str, Any] = {}
    for s in comp.scalars:
        named[s.name] = sp.Rational(values[s])
    for v in comp.vectors:
        named[str(v.label)] = tuple(sp.Rational(x) for x in values[v])
    evidence: dict[str, Any] = {}
    rel = comp.conclusion
    if hasattr(rel, "lhs") and _y not in (rel.lhs - rel.rhs).free_symbols:
        kind = "exact" if comp.exact else "mp"
        for label, side in (("lhs", rel.lhs), ("rhs", rel.rhs)):
            val = evaluate(side, values, kind)
            evidence[label] = val if kind == "exact" else sp.Float(mpmath.nstr(val, 30), 30)
    return Counterexample(named, evidence, how, instance=dict(values))


def search(
    problem: Problem,
    samples: int = 400,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> SearchResult:
    """Look for an instance where the hypotheses hold and the conclusion fails.

    Returns the shrunk, confirmed counterexample (or ``None``) and how many instances were
    tried.

    >>> from dpo_mixture.notation import r, y, n, support_sum
    >>> bad = sp.Gt(support_sum(r[y]), 0)           # "rewards always sum to a positive"
    >>> res = search(Problem(bad), samples=50, seed=1)
    >>> res.counterexample is not None
    True
    """
    comp = _Compiled(problem)
    rng = random.Random(seed)
    for i in range(1, samples + 1):
        if progress is not None:
            progress(i, samples)
        values = comp.draw(rng)
        if not _valid(values, comp.vectors, comp.overrides):
            continue
        if not comp.screen(values):
            continue
        how = comp.confirm(values)
        if how:
            values, how = _shrink(values, comp)
            return SearchResult(_to_counterexample(values, comp, how), i)
    return SearchResult(None, samples, f"no counterexample among {samples} instances")
