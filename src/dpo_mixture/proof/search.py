"""Counterexample search over concrete instances with exact rational values.

A :class:`Problem` is a conclusion, optional hypotheses and the definitions needed to
evaluate them.  The search draws instances from the declared domains of the free quantities
(:func:`dpo_mixture.proof.theory.domain_of`: the registry, a step's overrides, else the SymPy
assumptions, so ``nonnegative=True`` draws only nonnegative values) with *structured*
generators (large reward gaps, ``beta`` from ``10^-3`` to ``10^6``, ``alpha`` near 0 or 1,
mass concentrated on few outputs, sparse components, support sizes up to 8).  Free outputs
(``y``, ``j``, ...) range over the support: an instance fails when *some* choice of them makes
the hypotheses hold and the conclusion fail.  Outputs outside the support (where a
support-defining quantity vanishes) are dropped.

Each instance is screened in float64; a candidate is confirmed in exact arithmetic or at 60
digits with a margin, and then certified by outward-rounded interval arithmetic
(:mod:`.certify`), so rounding can never refute a true statement.  Values that are complex,
undefined or too large to evaluate make an instance undecidable, never a counterexample.
"""

from __future__ import annotations

import functools
import itertools
import random
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

import mpmath
import numpy as np
import sympy as sp

from ..notation import Domain, n as _n, y as _y
from .certify import certify
from .evaluate import MP_DIGITS, SHARED, EvaluationError, Evaluator, evaluate, is_rational_expression
from .facts import Fact, unfold
from .theory import domain_of, in_domain
from .verdict import Counterexample

__all__ = ["Problem", "SearchResult", "search", "free_quantities", "MARGIN", "output_symbols"]

#: Instances drawn, then screened together, at a time.
BATCH = 20
#: Instances per search that floats cannot screen (overflow) and that are screened at 60 digits.
SLOW_SCREENS = 25
#: Ties at 60 digits that exact numbers fail to break before the search stops asking them.
EXACT_TIES = 3

#: Relative size a violation must exceed at 60 digits to count as confirmed.
MARGIN = sp.Float("1e-40", MP_DIGITS)

R = sp.Rational


@dataclass(frozen=True)
class Problem:
    """``hypotheses => conclusion``, for every instance of the free quantities and every choice
    of the free outputs.  ``support`` is an expression in ``y``; outputs where it vanishes are
    dropped from a drawn instance."""

    conclusion: sp.Basic
    hypotheses: tuple[sp.Basic, ...] = ()
    facts: tuple[Fact, ...] = ()
    support: sp.Expr | None = None
    domains: dict = field(default_factory=dict)

    def __reduce__(self):
        """Sent to another process as text in the report's format (:mod:`.serial`), not as a
        pickle of SymPy objects: unpickling rebuilds every node with evaluation, so that
        ``Ge(K, 1, evaluate=False)`` would arrive as ``True`` and leave nothing to audit."""
        return (_problem_or_none, (self.to_text(),))

    def to_text(self) -> str:
        """The problem as JSON text that :func:`_problem_from_text` reads back node for node."""
        import json

        from .certificate import fact_to_json
        from .serial import dumps

        return json.dumps({
            "conclusion": dumps(self.conclusion),
            "hypotheses": [dumps(h) for h in self.hypotheses],
            "facts": [fact_to_json(f) for f in self.facts],
            "support": None if self.support is None else dumps(self.support),
            "domains": [[dumps(q), d.name] for q, d in self.domains.items()],
        })

    def unfolded(self) -> tuple[sp.Basic, tuple[sp.Basic, ...], sp.Expr | None]:
        from .normal_form import standardize

        c = standardize(unfold(self.conclusion, self.facts))
        h = tuple(standardize(unfold(x, self.facts)) for x in self.hypotheses)
        s = None if self.support is None else unfold(self.support, self.facts)
        return c, h, s

    def defined(self) -> tuple:
        """Where the statement, and every definition it reaches, is defined
        (:func:`~.definedness.defined_where`), unfolded: a counterexample must lie there too."""
        from .definedness import defined_where
        from .normal_form import standardize

        return tuple(d.map(lambda e: standardize(unfold(e, self.facts)))
                     for d in defined_where((self.conclusion, *self.hypotheses), self.facts))


def _problem_or_none(text: str) -> Problem | None:
    """:func:`_problem_from_text` in the second process: ``None`` where the text cannot be read
    back there (an ``I`` or a ``sin`` the format does not hold), so that the job fails cleanly
    and the engine runs it in place, instead of the process dying while it unpickles."""
    try:
        return _problem_from_text(text)
    except ValueError:
        return None


def _problem_from_text(text: str) -> Problem:
    import json

    from ..notation import Domain
    from .certificate import fact_from_json
    from .serial import loads

    data = json.loads(text)
    return Problem(
        loads(data["conclusion"]),
        tuple(loads(h) for h in data["hypotheses"]),
        tuple(fact_from_json(f) for f in data["facts"]),
        None if data["support"] is None else loads(data["support"]),
        {loads(q): Domain[name] for q, name in data["domains"]},
    )


@dataclass(frozen=True)
class SearchResult:
    counterexample: Counterexample | None
    samples: int
    note: str = ""
    #: instances on which every relation could be evaluated
    evaluated: int = 0
    #: evaluations at which the hypotheses were seen to hold (0: the search tested nothing)
    met: int = 0


def _is_output(s: sp.Basic) -> bool:
    return isinstance(s, sp.Symbol) and bool(s.is_integer) and bool(s.is_positive) and s != _n


def output_symbols(exprs) -> list[sp.Symbol]:
    """Free outputs of the support: integer symbols used as indices, and ``y``."""
    out: set = set()
    for e in exprs:
        indices = {i for x in e.atoms(sp.Indexed) for i in x.indices}
        for s in e.free_symbols:
            if _is_output(s) and (s in indices or s == _y):
                out.add(s)
    return sorted(out, key=str)


def free_quantities(exprs) -> tuple[list[sp.Symbol], list[sp.IndexedBase]]:
    """Scalars and functions over the support that an instance must give values to.

    >>> from dpo_mixture.notation import p, r, beta, y, support_sum
    >>> free_quantities([support_sum(p[y] * r[y]) / beta])
    ([beta], [p, r])
    """
    exprs = list(exprs)
    outputs = set(output_symbols(exprs))
    scalars: set = set()
    vectors: set = set()
    for e in exprs:
        for node in sp.preorder_traversal(e):
            if isinstance(node, sp.Indexed):
                vectors.add(node.base)
        for s in e.free_symbols:
            if isinstance(s, sp.Symbol) and s != _n and s not in outputs and not isinstance(s, sp.Dummy):
                scalars.add(s)
            elif isinstance(s, sp.Dummy) and not _is_output(s):
                scalars.add(s)
    vector_labels = {v.label for v in vectors}
    scalars -= vector_labels
    key = lambda s: str(s)  # noqa: E731
    return sorted(scalars, key=key), sorted(vectors, key=key)


# --- drawing ------------------------------------------------------------------------------
_POSITIVE_POOL = [R(1, 100), R(1, 20), R(1, 10), R(1, 4), R(1, 3), R(1, 2), R(1), R(2), R(3), R(5), R(10)]
_WIDE_POOL = [R(1, 1000), R(1, 10**4), R(100), R(1000), R(10**4), R(10**5), R(10**6)]
_UNIT_POOL = [R(1, 2), R(1, 3), R(2, 3), R(1, 10), R(9, 10), R(1, 100), R(99, 100), R(1, 1000), R(999, 1000)]


def _positive(rng: random.Random) -> sp.Rational:
    roll = rng.random()
    if roll < 0.6:
        return rng.choice(_POSITIVE_POOL)
    if roll < 0.8:
        return rng.choice(_WIDE_POOL)
    return R(rng.randint(1, 40), rng.randint(1, 20))


def _draw_scalar(rng: random.Random, domain: Domain | None) -> sp.Rational:
    if domain is Domain.POSITIVE:
        return _positive(rng)
    if domain is Domain.NONNEGATIVE:
        return R(0) if rng.random() < 0.2 else _positive(rng)
    if domain is Domain.NEGATIVE:
        return -_positive(rng)
    if domain is Domain.NONPOSITIVE:
        return R(0) if rng.random() < 0.2 else -_positive(rng)
    if domain is Domain.UNIT_INTERVAL:
        if rng.random() < 0.7:
            return rng.choice(_UNIT_POOL)
        return R(rng.randint(1, 19), 20)
    if domain is Domain.INTEGER:
        return R(rng.randint(-10, 10))
    if domain is Domain.POSITIVE_INTEGER:
        return R(rng.randint(1, 10))
    if rng.random() < 0.15:
        return R(rng.choice([-1, 1]) * rng.choice([100, 1000, 10**4]))
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
    elif mode == "tail" and size > 1:
        w = [0 if zeros else 1] * size
        i, j = rng.sample(range(size), 2)
        w[i], w[j] = rng.choice([9, 19, 99]), 1
    elif mode == "tail":
        w = [1]
    elif mode == "sparse":
        w = [rng.randint(1, 10) if rng.random() < 0.5 else 0 for _ in range(size)]
    else:
        w = [0] * size
        w[rng.randrange(size)] = 1
    if sum(w) == 0:
        w[rng.randrange(size)] = 1
    return w


def _draw_vector(rng: random.Random, domain: Domain | None, size: int) -> list[sp.Rational]:
    if domain in (Domain.REAL_VECTOR, None):
        mode = rng.choice(["small", "gap", "spread", "fractions", "large", "constant"])
        if mode == "constant":  # every output alike: variances vanish, ties everywhere
            return [R(rng.randint(-3, 3))] * size
        if mode == "small":
            return [R(rng.randint(-3, 3)) for _ in range(size)]
        if mode == "gap":
            v = [R(rng.randint(0, 2)) for _ in range(size)]
            v[rng.randrange(size)] = R(rng.choice([5, 10, 20, 50]))
            return v
        if mode == "spread":
            return [R(rng.randint(-10, 10)) for _ in range(size)]
        if mode == "large":
            return [R(rng.randint(-10**4, 10**4)) for _ in range(size)]
        return [R(rng.randint(-8, 8), 4) for _ in range(size)]
    if domain is Domain.POSITIVE_VECTOR:
        return [R(rng.randint(1, 10), rng.choice([1, 2, 4])) for _ in range(size)]
    if domain is Domain.NONNEGATIVE_VECTOR:
        return [R(0) if rng.random() < 0.3 else R(rng.randint(1, 10), rng.choice([1, 2, 4])) for _ in range(size)]
    zeros = domain is Domain.SPARSE_DISTRIBUTION
    return _weights_to_distribution(_draw_weights(rng, size, zeros))


_DISTRIBUTIONS = (Domain.DISTRIBUTION, Domain.SPARSE_DISTRIBUTION)


def _renormalize(values: dict, vectors, overrides) -> dict:
    out = dict(values)
    for v in vectors:
        if domain_of(v, overrides) in _DISTRIBUTIONS:
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


def _sign(v: Any) -> int:
    """-1, 0 or 1 (a rational's from its numerator: no SymPy comparison)."""
    if isinstance(v, sp.Rational):
        return (v.p > 0) - (v.p < 0)
    return bool(v > 0) - bool(v < 0)


_SIGNS = {
    "positive": lambda v: _sign(v) > 0, "nonnegative": lambda v: _sign(v) >= 0, "negative": lambda v: _sign(v) < 0,
    "nonpositive": lambda v: _sign(v) <= 0, "zero": lambda v: _sign(v) == 0, "nonzero": lambda v: _sign(v) != 0,
    "integer": lambda v: (v.q if isinstance(v, sp.Rational) else sp.Rational(v).q) == 1,
}


def respects(symbol: sp.Basic, value) -> bool:
    """``value`` meets every sign and integrality assumption ``symbol`` carries (a domain read
    from the assumptions may say less: a nonnegative integer is drawn as an integer).

    >>> respects(sp.Symbol("j", integer=True, nonnegative=True), -2)
    False
    """
    if isinstance(symbol, sp.IndexedBase):  # an entry of a vector: its label's and its base's
        return respects(symbol.label, value) and all(test(value) for test in _tests_of(symbol))
    if not isinstance(symbol, sp.Symbol):
        return True
    return all(test(value) for test in _tests_of(symbol))


@functools.lru_cache(maxsize=4096)
def _tests_of(symbol: sp.Basic) -> tuple:
    """The tests of :data:`_SIGNS` that ``symbol``'s assumptions ask for (asked once)."""
    return tuple(test for key, test in _SIGNS.items() if getattr(symbol, "is_" + key) is True)


def _valid(values: dict, vectors, overrides) -> bool:
    if not values or values[_n] < 1:
        return False
    if not all(respects(k, v) for k, v in values.items() if isinstance(k, sp.Symbol) and k != _n and not isinstance(v, (list, np.ndarray))):
        return False
    for v in vectors:
        d = domain_of(v, overrides)
        if d in (Domain.DISTRIBUTION, Domain.POSITIVE_VECTOR) and any(_sign(x) <= 0 for x in values[v]):
            return False
    return True


def _assignments(outputs: list, size: int, cap: int = 64):
    """Every choice of the free outputs (at most ``cap`` of them)."""
    if not outputs:
        yield {}
        return
    for count, combo in enumerate(itertools.product(range(1, size + 1), repeat=len(outputs))):
        if count >= cap:
            return
        yield dict(zip(outputs, combo))


#: Candidates that floats flag but exact or certified evaluation clears, after which a search
#: stops confirming further float candidates (each costs a 60-digit evaluation; floats that
#: cancel badly flag nearly every instance of a true statement).
FALSE_ALARMS = 4

#: Support sizes the search draws from (with repeats for weight).
_SIZES = (2, 2, 3, 3, 3, 4, 4, 5, 6, 8)
#: Every this many draws, the drawn instance is also tried cut down to its first output: the
#: kernel's ``n`` is any positive integer, so a single output is an instance too.
SINGLE_OUTPUT_EVERY = 8


class _Compiled:
    """The problem with definitions unfolded, ready to evaluate at instances."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.conclusion, self.hypotheses, self.support = problem.unfolded()
        self._defined: tuple | None = None  # worked out when a candidate is met (see defined)
        self._extra: list = []
        self._extra_draws: random.Random | None = None
        self.met = 0  # evaluations at which every hypothesis held
        #: per instance (by identity), the choices of outputs worth evaluating in 60 digits
        self.hints: dict[int, list] = {}
        exprs = [self.conclusion, *self.hypotheses]
        self.outputs = output_symbols(exprs)
        self.scalars, self.vectors = free_quantities(exprs + ([self.support] if self.support is not None else []))
        # every quantity's domain, worked out once (each draw asks for them all)
        self.overrides = {**problem.domains,
                          **{q: domain_of(q, problem.domains) for q in (*self.scalars, *self.vectors)}}
        self.exact = all(is_rational_expression(r) for r in exprs)
        #: how many more ties at 60 digits exact numbers may try to break before the search
        #: stops trying (where they cannot decide, each attempt only costs)
        self.ties_left = EXACT_TIES
        self.rational_ties = False  # see search()
        self.errors: list[str] = []
        # a hypothesis "s == number" fixes the scalar s: random draws would never meet it
        self.fixed: dict = {}
        for h in self.hypotheses:
            if isinstance(h, sp.Eq):
                for a, b in ((h.lhs, h.rhs), (h.rhs, h.lhs)):
                    if a in self.scalars and b.is_Rational and in_domain(b, domain_of(a, self.overrides)):
                        self.fixed[a] = b

    def draw(self, rng: random.Random) -> dict:
        size = rng.choice(_SIZES)
        values: dict = {_n: size}
        for s in self.scalars:
            values[s] = self.fixed[s] if s in self.fixed else _draw_scalar(rng, domain_of(s, self.overrides))
            if not respects(s, values[s]) and respects(s, abs(values[s])):
                values[s] = abs(values[s])  # a nonnegative integer, say, drawn from the integers
        for v in self.vectors:
            values[v] = _draw_vector(rng, domain_of(v, self.overrides), size)
        return self.fix_support(values)

    def fix_support(self, values: dict) -> dict:
        if self.support is None:
            return values
        try:
            rule = _support_rule(self.support)
            if rule is not None:  # a polynomial (the usual support): integer pairs, no tree walk
                env = {k: _pairs(values[k]) for k in _rule_keys(self.support) if k in values}
                at = rule(env)
                at = [num for num, _ in at] if isinstance(at, list) else at[0]
            else:
                at = Evaluator({**values, _y: np.array(range(1, values[_n] + 1), dtype=object)}, "exact",
                               fractions=True)(self.support)
        except (EvaluationError, ValueError, ZeroDivisionError, TypeError, KeyError, IndexError):
            return {}
        if _n not in values:  # no vector drawn: no output to drop
            return values
        at = list(at) if isinstance(at, (np.ndarray, list)) else [at] * values[_n]
        keep = [i for i, val in enumerate(at) if val != 0]
        if len(keep) == values[_n]:
            return values
        return _restrict(values, keep, self.vectors, self.overrides)

    def _holds(self, rel: sp.Basic, ev: Evaluator, kind: str) -> bool | None:
        """True / False when decided in this number system, None when it cannot tell."""
        if rel in (sp.true, sp.false):
            return bool(rel)
        if isinstance(rel, sp.And):
            results = [self._holds(a, ev, kind) for a in rel.args]
            if any(r is False for r in results):
                return False
            return None if any(r is None for r in results) else True
        if kind == "mp" and ev.exact_twin is not None and is_rational_expression(rel):
            return self._holds(rel, ev.exact_twin, "exact")  # decided exactly, not up to a margin
        try:
            a = ev(rel.lhs)
            b = ev(rel.rhs)
            if kind == "float":
                with np.errstate(all="ignore"):
                    a, b = complex(a), complex(b)
                    if a.imag or b.imag:
                        return None
                    a, b = a.real, b.real
                    if not (np.isfinite(a) and np.isfinite(b)):
                        return None
                    tol = 1e-9 * (1 + abs(a) + abs(b))
                return _compare(rel, a - b, tol, float_mode=True)
            if kind == "exact":
                a, b = sp.sympify(a), sp.sympify(b)
                if not (a.is_Rational and b.is_Rational):
                    # exact numbers decide only between rationals: comparing transcendental values
                    # (exp of a huge rational, say) is numerics again, at a cost without bound
                    return None
                return bool(rel.func(a, b))
            with mpmath.workdps(MP_DIGITS):
                if not (isinstance(a, mpmath.mpf) or isinstance(b, mpmath.mpf)) and (
                    isinstance(a, mpmath.mpc) or isinstance(b, mpmath.mpc)
                ):
                    return None
                if isinstance(a, mpmath.mpc) or isinstance(b, mpmath.mpc):
                    return None
                if not (mpmath.isfinite(a) and mpmath.isfinite(b)):
                    return None
                scale = 1 + abs(a) + abs(b)
                tol = mpmath.mpf(str(MARGIN)) * scale
                return _compare(rel, a - b, tol, float_mode=False)
        except (EvaluationError, ValueError, ZeroDivisionError, OverflowError, FloatingPointError, TypeError, KeyError, IndexError) as exc:
            if len(self.errors) < 3:
                self.errors.append(str(exc) or type(exc).__name__)
            return None

    def counterexample_at(self, values: dict, kind: str, rational_only: bool = False) -> dict | None | bool:
        """The choice of outputs where the hypotheses hold and the conclusion fails (a dict),
        ``False`` when there is none, ``None`` when some choice could not be decided.  With
        ``rational_only``, exact numbers give up on values that cannot be rational."""
        undecided = False
        self._complete(values)
        try:
            base = Evaluator(values, kind, rational_only=rational_only, fractions=True).share()
            if kind == "mp":
                base.exact_twin = Evaluator(values, "exact", fractions=True).share()
        except (EvaluationError, ValueError, TypeError, ZeroDivisionError):
            return None
        hinted = self.hints.get(id(values))
        choices = hinted if hinted is not None else _assignments(self.outputs, values[_n])
        for assignment in choices:
            ev = base
            if assignment:
                ev = base.at(assignment)
                if base.exact_twin is not None:
                    ev.exact_twin = base.exact_twin.at(assignment)
            verdict = self._one(ev, kind)
            if verdict is True:
                return assignment
            if verdict is None:
                undecided = True
        return None if undecided else False

    @property
    def defined(self) -> tuple:
        """:meth:`Problem.defined`: asked only of an instance where the claim fails, so that
        the screening of every instance pays nothing for it."""
        if self._defined is None:
            self._defined = self.problem.defined()
            exprs = [d.relation for d in self._defined] + [e for d in self._defined for _, lo, hi in d.ranges
                                                           for e in (lo, hi)]
            ranged = {s for d in self._defined for s, _, _ in d.ranges}
            scalars, vectors = free_quantities(exprs)
            # what only the side-conditions name (a quantity the unfolded statement lost) is drawn too
            self._extra = [q for q in (*scalars, *vectors)
                           if q not in ranged and q not in self.scalars and q not in self.vectors]
            self.overrides.update({q: domain_of(q, self.problem.domains) for q in self._extra})
        return self._defined

    def _complete(self, values: dict) -> None:
        """Give ``values`` (in place) a value of each quantity that only the side-conditions
        name, once a candidate has made them known (:attr:`defined`): later candidates are
        then judged, and reported, with them."""
        if not self._extra or _n not in values:
            return
        if self._extra_draws is None:
            self._extra_draws = random.Random(len(self._extra))
        for q in self._extra:
            if q not in values:
                if isinstance(q, sp.IndexedBase):
                    values[q] = _draw_vector(self._extra_draws, domain_of(q, self.overrides), values[_n])
                else:
                    values[q] = _draw_scalar(self._extra_draws, domain_of(q, self.overrides))

    def _defined_points(self, values: dict) -> tuple:
        """The side-conditions at every point of their ranges, at ``values`` (for the interval
        check; an end that cannot be read leaves a relation that cannot hold)."""
        ev = Evaluator(values, "exact", fractions=True)
        out: list = []
        for d in self.defined:
            points = d.points(ev)
            out += [sp.false] if points is None else points
        return tuple(out)

    def _one(self, ev: Evaluator, kind: str) -> bool | None:
        for h in self.hypotheses:
            res = self._holds(h, ev, kind)
            if res is not True:
                return False if res is False else None
        self.met += 1
        res = self._holds(self.conclusion, ev, kind)
        if res is not False:
            return None if res is None else False
        # a failure where the statement is undefined (a definition unfolded and simplified
        # away its singularity) is no counterexample
        return True if self._defined_at(ev, kind) else None

    def _defined_at(self, ev: Evaluator, kind: str) -> bool:
        """Whether the side-conditions (:attr:`defined`) hold at every point of their ranges at
        the instance of ``ev``."""
        for d in self.defined:
            points = d.points(ev)
            if points is None or any(self._holds(rel, ev, kind) is not True for rel in points):
                return False
        return True

    def screen_many(self, batch: list[dict]) -> list[bool | None]:
        """:meth:`screen` for many instances, in float64 arrays, one group per support size."""
        out: list[bool | None] = [None] * len(batch)
        self.hints = {}
        groups: dict[int, list[int]] = {}
        for i, values in enumerate(batch):
            groups.setdefault(values[_n], []).append(i)
        for size, members in groups.items():
            try:
                result = self._screen_group(size, [batch[i] for i in members])
            except (EvaluationError, ValueError, TypeError, KeyError, ZeroDivisionError, IndexError) as exc:
                if len(self.errors) < 3 and isinstance(exc, EvaluationError):
                    self.errors.append(str(exc))
                result = [self.screen(batch[i]) for i in members]
            for i, r in zip(members, result):
                out[i] = r
        return out

    def _screen_group(self, size: int, group: list[dict]) -> list[bool | None]:
        from .batch import three_valued

        count = len(group)
        env: dict = {_n: size}
        for s in self.scalars:
            env[s] = np.array([[_float(v[s])] for v in group])
        for vec in self.vectors:
            env[vec] = np.array([[_float(x) for x in v[vec]] for v in group])
        env[SHARED] = ({}, dict(env))  # sums that no output choice changes are computed once
        found = np.zeros(count, bool)
        undecided = np.zeros(count, bool)
        met = np.zeros(count, bool)
        # the choices of outputs floats flag or cannot decide, per instance: only those are
        # evaluated again in 60 digits or exactly (the others hold clearly in floats)
        flagged: list[list] = [[] for _ in range(count)]
        for assignment in _assignments(self.outputs, size):
            local = {**env, **assignment}
            ok = np.ones(count, bool)   # hypotheses all true so far
            unknown = np.zeros(count, bool)
            for h in self.hypotheses:
                t, f = three_valued(h, local, count)
                unknown |= ok & ~t & ~f
                ok &= t
            t, f = three_valued(self.conclusion, local, count)
            found |= ok & f
            met |= ok
            open_ = unknown | (ok & ~t & ~f)
            undecided |= open_
            for i in np.flatnonzero((ok & f) | open_):
                flagged[i].append(assignment)
        self.met += int(met.sum())
        for values, choices in zip(group, flagged):
            self.hints[id(values)] = choices
        return [True if found[i] else (None if undecided[i] else False) for i in range(count)]

    def screen(self, values: dict) -> bool | None:
        self.hints.pop(id(values), None)
        with np.errstate(all="ignore"):
            res = self.counterexample_at(values, "float")
        if res is None:
            return None
        if isinstance(res, dict):
            self.hints[id(values)] = [res]
        return res is not False

    def confirm(self, values: dict, tied: bool = False, certified: bool = True) -> tuple[str, dict] | None:
        """A certified counterexample at ``values`` (how it was certified, and the choice of
        outputs), or None.  ``tied``: the caller has found a tie at 60 digits there already (it
        is not evaluated again before exact numbers try it).  Without ``certified``, a
        violation at 60 digits is not certified by interval arithmetic: the answer is then no
        counterexample until it is confirmed again with it."""
        kind = "exact" if self.exact else "mp"
        found = None if tied and kind == "mp" else self.counterexample_at(values, kind)
        if kind == "exact":
            return ("exact", found) if isinstance(found, dict) else None
        if isinstance(found, dict) and not certified:
            return _UNCERTIFIED, found
        if isinstance(found, dict) and certify(self.conclusion, self.hypotheses + self._defined_points({**values, **found}),
                                               {**values, **found}):
            return f"{MP_DIGITS} digits and certified by interval arithmetic", found
        if found is None and self.ties_left > 0:  # a tie at 60 digits (a variance that is exactly 0, say): exact numbers decide it
            tie = self.counterexample_at(values, "exact", rational_only=self.rational_ties)
            if isinstance(tie, dict):
                return "exact numbers (SymPy)", tie
            if tie is None:  # exact numbers could not decide either (transcendental values): try a few times only
                self.ties_left -= 1
        return None


#: How :meth:`_Compiled.confirm` marks a violation at 60 digits that it was asked not to certify.
_UNCERTIFIED = f"{MP_DIGITS} digits, not yet certified"


def _pairs(value: Any) -> Any:
    """A drawn value (a rational, or a list of them) as a pair ``(numerator, denominator)`` of
    Python integers (a list of pairs for a list)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_pairs(v) for v in value]
    if isinstance(value, sp.Rational):
        return int(value.p), int(value.q)
    value = Fraction(value)
    return value.numerator, value.denominator


def _pair_add(a: tuple, b: tuple) -> tuple:
    return a[0] * b[1] + b[0] * a[1], a[1] * b[1]


def _pair_mul(a: tuple, b: tuple) -> tuple:
    return a[0] * b[0], a[1] * b[1]


def _elementwise(op: Callable) -> Callable:
    """``op`` on two values, each a pair or a list of pairs (one per output)."""
    def apply(a, b):
        if isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                raise ValueError("two vectors of different lengths")
            return [op(x, y) for x, y in zip(a, b)]
        if isinstance(a, list):
            return [op(x, b) for x in a]
        return [op(a, y) for y in b] if isinstance(b, list) else op(a, b)
    return apply


_ADD, _MUL = _elementwise(_pair_add), _elementwise(_pair_mul)


def _pair_power(a: tuple, k: int) -> tuple:
    if k >= 0:
        return a[0] ** k, a[1] ** k
    if a[0] == 0:
        raise ZeroDivisionError("a negative power of zero")
    return a[1] ** -k, a[0] ** -k


@functools.lru_cache(maxsize=1024)
def _support_rule(expr: sp.Basic) -> Callable[[dict], Any] | None:
    """``expr`` as a function of an environment of rationals written as integer pairs
    ``(numerator, denominator)``, never reduced (vectors as lists of pairs, an entry at the
    output ``y`` as the whole list), for a polynomial in rationals, scalars and entries at
    ``y`` with integer powers; ``None`` for anything else.  Its value at an output is zero
    exactly when the numerator of its pair is: the denominators are products of nonzero ones.
    (Only whether the support vanishes is asked, so no common factor is ever divided out.)"""
    if expr.is_Rational:
        value = (int(expr.p), int(expr.q))
        return lambda env: value
    if isinstance(expr, sp.Symbol) and expr != _y:
        return lambda env: env[expr]
    if isinstance(expr, sp.Indexed) and expr.indices == (_y,):
        base = expr.base
        return lambda env: env[base]
    if isinstance(expr, (sp.Add, sp.Mul)):
        parts = [_support_rule(a) for a in expr.args]
        if any(part is None for part in parts):
            return None
        op = _ADD if isinstance(expr, sp.Add) else _MUL

        def combine(env):
            out = parts[0](env)
            for part in parts[1:]:
                out = op(out, part(env))
            return out
        return combine
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer:
        base, k = _support_rule(expr.base), int(expr.exp)
        if base is None or abs(k) > 64:
            return None

        def power(env):
            b = base(env)
            return [_pair_power(x, k) for x in b] if isinstance(b, list) else _pair_power(b, k)
        return power
    return None


@functools.lru_cache(maxsize=1024)
def _rule_keys(expr: sp.Basic) -> tuple:
    """The keys of the environment that :func:`_support_rule` of ``expr`` reads: its symbols
    (the output ``y`` aside) and the vectors of its entries."""
    return tuple({*(s for s in expr.free_symbols if isinstance(s, sp.Symbol) and s != _y),
                  *(i.base for i in expr.atoms(sp.Indexed))})


def _float(value: Any) -> float:
    """The nearest float to a drawn value (a rational's is its numerator over its denominator,
    rounded once by Python's integer division; SymPy's ``float`` goes through mpmath)."""
    if isinstance(value, sp.Rational):
        return int(value.p) / int(value.q)
    return float(value)


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
    if isinstance(rel, (sp.StrictLessThan, sp.LessThan)):
        d = diff
    else:  # > or >=
        d = -diff
    if d > tol:
        return False
    if d < -tol:
        return True
    return None  # inside the band: floats cannot tell 1 + 1e-12 <= 1 from 1 <= 1


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
        if s in comp.fixed:
            continue
        d = domain_of(s, comp.overrides)
        for c in _simpler_rationals(sp.Rational(values[s])):
            if in_domain(c, d) and respects(s, c):
                yield {**values, s: c}
    for v in comp.vectors:
        d = domain_of(v, comp.overrides)
        vec = [sp.Rational(x) for x in values[v]]
        if d in _DISTRIBUTIONS:
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
            big = max(abs(x) for x in vec)
            for scale in (1000, 100, 10, 2):  # the whole vector scaled down, rounded
                if big >= scale:
                    cand = [R(round(x / scale)) if x.q == 1 else R(Fraction(int(x.p), int(x.q) * scale).limit_denominator(4)) for x in vec]
                    if cand != vec and not (d is Domain.POSITIVE_VECTOR and any(c <= 0 for c in cand)):
                        yield {**values, v: cand}
            for i, x in enumerate(vec):
                for c in _simpler_rationals(x) + ([x / 2] if x.q == 1 and abs(x) > 1 else []):
                    if d is Domain.POSITIVE_VECTOR and c <= 0 or d is Domain.NONNEGATIVE_VECTOR and c < 0:
                        continue
                    new = list(vec)
                    new[i] = c
                    yield {**values, v: new}


def _shrink(values: dict, comp: _Compiled, found: tuple[str, dict], budget: int = 400) -> tuple[dict, tuple[str, dict]]:
    """A simpler counterexample than ``values`` (where ``found`` certified one), certified too.

    Each simpler candidate is taken on its 60-digit evaluation alone; only the simplest is
    certified by interval arithmetic, at the end (an interval evaluation costs as much as
    many 60-digit ones).  Should it not certify, the candidates taken before it are tried,
    the simplest first, and ``values`` itself is certified already."""
    first, taken = values, []
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
            again = comp.confirm(cand, certified=False)
            if again:
                values, improved = cand, True
                taken.append((cand, again))
                break
    for cand, again in reversed(taken):
        if again[0] == _UNCERTIFIED:
            again = comp.confirm(cand)
        if again:
            return cand, again
    return first, found


def _to_counterexample(values: dict, comp: _Compiled, how: str, assignment: dict) -> Counterexample:
    named: dict[str, Any] = {}
    # (with what only the side-conditions name, once a candidate made it known)
    for q in (*comp.scalars, *comp.vectors, *(q for q in comp._extra if q in values)):
        if isinstance(q, sp.IndexedBase):
            named[str(q.label)] = tuple(sp.Rational(x) for x in values[q])
        else:
            named[str(q)] = sp.Rational(values[q])
    for o, i in assignment.items():
        named[str(o)] = sp.Integer(i)
    evidence: dict[str, Any] = {}
    rel = comp.conclusion
    env = {**values, **assignment}
    if hasattr(rel, "lhs"):
        kind = "exact" if comp.exact else "mp"
        try:
            for label, side in (("lhs", rel.lhs), ("rhs", rel.rhs)):
                val = evaluate(side, env, kind)
                evidence[label] = val if kind == "exact" else sp.Float(mpmath.nstr(val, 30), 30)
        except (EvaluationError, ValueError, ZeroDivisionError, TypeError):
            evidence = {}
    return Counterexample(named, evidence, how, instance=dict(env))


def search(
    problem: Problem,
    samples: int = 400,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    slow_screens: int = SLOW_SCREENS,
    exact_ties: int = EXACT_TIES,
    false_alarms: int = FALSE_ALARMS,
    rational_ties: bool = False,
    batch: int = BATCH,
) -> SearchResult:
    """Look for an instance where the hypotheses hold and the conclusion fails.

    With ``rational_ties``, exact numbers break a tie at 60 digits only where the values can
    be rational (no exponential or logarithm of a value that cannot lead back to one): the
    audit of a proved step, which ties everywhere, asks that; a search for a counterexample
    keeps exact transcendental values, whose symbols may still cancel (``log a - log a``).

    At most ``slow_screens`` instances that floats cannot screen are screened again at 60
    digits, at most ``exact_ties`` ties at 60 digits are decided in exact numbers, and after
    ``false_alarms`` float candidates that certified evaluation cleared, float candidates are
    no longer confirmed (the audit of a proved step asks for fewer of each than a search for a
    counterexample).  ``batch`` instances are drawn, then screened together in float arrays (one
    array per support size): a search that expects a counterexample early draws few at a time,
    an audit, which expects none, draws all of them at once.  The instances and their order are
    the same either way, and so are the counterexample and the count of instances (``met``
    counts the instances of the last batch after a counterexample too).

    Returns the shrunk, certified counterexample (or ``None``), how many instances were tried,
    and how many could be evaluated at all.

    >>> from dpo_mixture.notation import r, y, n, support_sum
    >>> bad = sp.Gt(support_sum(r[y]), 0)           # "rewards always sum to a positive"
    >>> res = search(Problem(bad), samples=50, seed=1)
    >>> res.counterexample is not None
    True
    """
    comp = _Compiled(problem)
    comp.ties_left = exact_ties
    comp.rational_ties = rational_ties
    rng = random.Random(seed)
    evaluated = 0
    slow = 0
    alarms = 0
    i = 0
    while i < samples:
        drawn = []
        for _ in range(min(batch, samples - i)):
            i += 1
            if progress is not None:
                progress(i, samples)
            values = comp.draw(rng)
            if _valid(values, comp.vectors, comp.overrides):
                drawn.append((i, values))
            if i % SINGLE_OUTPUT_EVERY == 0 and values and values[_n] > 1:
                one = comp.fix_support(_restrict(values, [0], comp.vectors, comp.overrides))
                if _valid(one, comp.vectors, comp.overrides):
                    drawn.append((i, one))
        for (index, values), screened in zip(drawn, comp.screen_many([v for _, v in drawn])):
            if screened is None and slow < slow_screens:
                slow += 1  # floats overflowed or sit on the boundary: decide this one exactly or at 60 digits
                again = comp.counterexample_at(values, "exact" if comp.exact else "mp")
                if again is None and not comp.exact:  # a tie at 60 digits too: exact numbers may decide it
                    found = comp.confirm(values, tied=True)
                    if found:
                        values, (how, assignment) = _shrink(values, comp, found)
                        return SearchResult(_to_counterexample(values, comp, how, assignment), index,
                                            evaluated=evaluated + 1, met=comp.met + 1)
                    continue
                screened = None if again is None else isinstance(again, dict)
            if screened is None:
                continue
            evaluated += 1
            if not screened:
                continue
            if alarms >= false_alarms:
                continue  # floats keep crying wolf on this statement (cancellation): stop paying for it
            found = comp.confirm(values)
            if not found:
                alarms += 1
            if found:
                values, (how, assignment) = _shrink(values, comp, found)
                return SearchResult(_to_counterexample(values, comp, how, assignment), index, evaluated=evaluated,
                                    met=comp.met + 1)
    if evaluated == 0 and samples > 0:
        why = f": {comp.errors[0]}" if comp.errors else ""
        return SearchResult(None, samples, f"the search could evaluate none of {samples} instances{why}", 0)
    met = evaluated if not comp.hypotheses else comp.met
    note = f"no counterexample among {samples} instances"
    if evaluated < samples:
        note += f" ({evaluated} of them could be evaluated)"
    if comp.hypotheses and met == 0 and evaluated:
        note += "; none of them met the hypotheses"
    return SearchResult(None, samples, note, evaluated, met)
