"""Symbolic strategies: small immutable objects that try to prove one step.

Each strategy's :meth:`Strategy.attempt` returns an :class:`Outcome` with verdict ``PROVED``
when it closes the step, or ``None`` when it cannot; it never returns a refutation (that is the
search's job) and never guesses.  ``method`` names what closed the step, for the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .facts import Fact, unfold
from .normal_form import difference_is_zero, normal_form, separable_summand
from .sign import defined_everywhere, is_nonnegative, is_positive, sign
from .step import Step
from .verdict import Outcome, Verdict

__all__ = [
    "Strategy",
    "NormalForm",
    "Implication",
    "ConvexMinimum",
    "Termwise",
    "Stationarity",
    "TermsVanish",
    "Cite",
    "relation_parts",
]


def relation_parts(rel: sp.Basic) -> tuple[sp.Expr, str]:
    """``(d, op)`` with the relation equivalent to ``d op 0``, ``op`` in ``== > >=``.

    >>> from dpo_mixture.notation import beta
    >>> relation_parts(sp.Le(beta, 2))
    (2 - beta, '>=')
    """
    if isinstance(rel, sp.Eq):
        return rel.lhs - rel.rhs, "=="
    if isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan)):
        return rel.lhs - rel.rhs, ">" if rel.rel_op == ">" else ">="
    if isinstance(rel, (sp.StrictLessThan, sp.LessThan)):
        return rel.rhs - rel.lhs, ">" if rel.rel_op == "<" else ">="
    raise ValueError(f"not a relation this engine decides: {rel}")


def _sign_meets(s: str | None, op: str) -> bool:
    if op == ">":
        return s == "pos"
    if op == ">=":
        return s in ("pos", "nonneg", "zero")
    return s == "zero"


class Strategy:
    """Base class: ``attempt(step)`` returns a ``PROVED`` outcome or ``None``."""

    name = "strategy"

    def attempt(self, step: Step) -> Outcome | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"


def _links(step: Step) -> list[sp.Basic]:
    """The claim, or each link of its display chain, as separate relations."""
    claim = step.claim
    if not step.chain or not hasattr(claim, "lhs"):
        return list(claim.args) if isinstance(claim, sp.And) else [claim]
    # every link is an equality but the last, which carries the claim's own relation
    points = [claim.lhs, *step.chain, claim.rhs]
    links = [sp.Eq(a, b) for a, b in zip(points[:-2], points[1:-1])]
    links.append(claim.func(points[-2], points[-1]))
    return links


def _decide_sign(d: sp.Expr, op: str, facts: tuple[Fact, ...], sign_of=sign) -> bool:
    """Whether ``d op 0`` follows from the signs of its parts, as ``sign_of`` reads them:
    first of the normal form, then of its numerator over a positive denominator."""
    if op == "==":
        return difference_is_zero(d, 0, facts)[0]
    nf = normal_form(d, facts)
    if _sign_meets(sign_of(nf), op):
        return True
    num, den = sp.fraction(sp.together(nf))
    if sign_of(den) == "pos" or sign_of(sp.expand(den)) == "pos":
        return _sign_meets(sign_of(sp.expand(num)), op) or _sign_meets(sign_of(sp.factor(num)), op)
    return False


@dataclass(frozen=True, repr=False)
class NormalForm(Strategy):
    """Bring ``lhs - rhs`` to the sum normal form; an equality holds when it is 0, an
    inequality when the sign analysis decides the sign of the difference.

    >>> from dpo_mixture.notation import p, r, beta, y, support_sum
    >>> s = Step("lin", "linearity", sp.Eq(support_sum(p[y] * (r[y] + beta)),
    ...          support_sum(p[y] * r[y]) + beta * support_sum(p[y])), "split")
    >>> NormalForm().attempt(s).verdict
    <Verdict.PROVED: 'proved'>
    """

    name = "normal form"

    def attempt(self, step: Step) -> Outcome | None:
        # hypotheses of the form ``entry = value`` act as substitutions after unfolding
        subs = {
            h.lhs: h.rhs for h in step.hypotheses
            if isinstance(h, sp.Eq) and isinstance(h.lhs, (sp.Symbol, sp.Indexed))
        }
        for link in _links(step):
            d, op = relation_parts(link)
            if subs:
                d = unfold(d, step.facts).xreplace(subs)
            if not _decide_sign(d, op, step.facts):
                return None
        what = "sum normal form" if any(step.claim.atoms(sp.Sum)) else "normal form"
        if step.facts:
            what += " using " + ", ".join(f.name for f in step.facts)
        return Outcome(Verdict.PROVED, what)


@dataclass(frozen=True, repr=False)
class Implication(Strategy):
    """Prove ``hypotheses => claim`` for inequalities: write the claim's difference over a
    positive denominator and its numerator as a combination of the hypotheses' differences
    with coefficients of known sign.

    >>> a, b, c, d = sp.symbols("a b c d", positive=True)
    >>> s = Step("reciprocate", "add one", sp.Gt(a / (a + b), c / (c + d)), "algebra",
    ...          hypotheses=(sp.Gt(a / b, c / d),))
    >>> Implication().attempt(s).method
    'numerator is a positive combination of the hypotheses'
    """

    name = "implication"

    def attempt(self, step: Step) -> Outcome | None:
        d, op = relation_parts(step.claim)
        d = normal_form(d, step.facts)
        num, den = sp.fraction(sp.together(d))
        num, den = sp.expand(num), sp.expand(den)
        s_den = sign(den)
        if s_den != "pos":
            if sign(-den) == "pos":
                num, den = -num, -den
            else:
                return None
        hyps = []
        for h in step.hypotheses:
            hd, hop = relation_parts(h)
            hn, hden = sp.fraction(sp.together(normal_form(hd, step.facts)))
            hn = sp.expand(hn)
            if hn == 0 or sign(hden) != "pos":
                continue  # a trivial hypothesis says nothing; one of unknown denominator is unusable
            hyps.append((hn, hop))
        if not hyps:
            return None
        # one hypothesis: numerator = positive factor * hypothesis numerator
        for hn, hop in hyps:
            if _combination_ok([(sp.cancel(num / hn), hop)], op):
                return Outcome(Verdict.PROVED, "numerator is a positive combination of the hypotheses")
        # two hypotheses: divide by the first, the remainder must be a multiple of the second
        for i, (h1, op1) in enumerate(hyps):
            for j, (h2, op2) in enumerate(hyps):
                if i == j:
                    continue
                gens = sorted(num.free_symbols | h1.free_symbols | h2.free_symbols, key=str)
                if not gens:
                    continue
                for order in (gens, list(reversed(gens))):
                    try:
                        q1, rem = sp.div(num, h1, *order)
                    except (sp.PolynomialError, sp.GeneratorsNeeded):
                        continue
                    q2 = sp.cancel(rem / h2)
                    if sp.fraction(q2)[1].is_number is False and sign(sp.fraction(q2)[1]) != "pos":
                        continue
                    if _combination_ok([(q1, op1), (q2, op2)], op):
                        return Outcome(Verdict.PROVED, "numerator is a positive combination of the hypotheses")
        return None


def _combination_ok(terms: list[tuple[sp.Expr, str]], op: str) -> bool:
    """Whether ``sum_i c_i h_i`` satisfies ``op`` (``== > >=`` against 0) given ``h_i op_i 0``.

    An equality hypothesis contributes zero whatever its (finite) coefficient; an inequality
    hypothesis needs a nonnegative coefficient and can never yield an equality.

    >>> x = sp.Symbol("x", positive=True)
    >>> _combination_ok([(x, ">")], ">"), _combination_ok([(x, ">")], "=="), _combination_ok([(x, ">=")], ">")
    (True, False, False)
    """
    strict = False
    for c, hop in terms:
        if not defined_everywhere(c):
            return False  # a coefficient with a pole could blow up exactly where h_i = 0
        s = sign(c)
        if s == "zero" or hop == "==":
            continue
        if op == "==" or s not in ("pos", "nonneg"):
            return False
        if hop == ">" and s == "pos":
            strict = True
    return op in ("==", ">=") or strict


@dataclass(frozen=True, repr=False)
class ConvexMinimum(Strategy):
    """Prove ``g(x) >= 0`` (as ``lhs <= rhs`` with ``g = rhs - lhs``) for all positive ``x`` by
    calculus: ``g'`` has one positive root ``x0``, ``g'' > 0`` and ``g(x0) = 0``.  With
    ``equality=True`` it proves the equality case instead: ``g(x) = 0`` forces ``x = x0``.

    >>> x = sp.Symbol("x", positive=True)
    >>> s = Step("log-bound", "log x <= x - 1", sp.Le(sp.log(x), x - 1), "calculus")
    >>> ConvexMinimum(x).attempt(s).method
    "g' = 0 only at x = 1, g'' > 0, g(1) = 0"
    """

    variable: sp.Symbol
    equality: bool = False
    name = "calculus"

    def attempt(self, step: Step) -> Outcome | None:
        x = self.variable
        if self.equality:
            if not step.hypotheses:
                return None
            g, _ = relation_parts(step.hypotheses[0])
            if not is_positive(sp.simplify(sp.diff(g, x, 2))):
                g = -g  # an equality reads the same either way round
        else:
            g, op = relation_parts(step.claim)
            if op == "==":
                return None
        g1 = sp.diff(g, x)
        g2 = sp.diff(g, x, 2)
        roots = [s for s in sp.solve(sp.Eq(g1, 0), x) if sp.sympify(s).is_positive]
        if len(roots) != 1:
            return None
        x0 = roots[0]
        if not is_positive(sp.simplify(g2)):
            return None
        if sp.simplify(g.subs(x, x0)) != 0:
            return None
        if self.equality:
            target = step.claim
            if not (isinstance(target, sp.Eq) and {target.lhs, target.rhs} == {x, x0}):
                return None
        return Outcome(Verdict.PROVED, f"g' = 0 only at {x} = {x0}, g'' > 0, g({x0}) = 0")


def _states(rel: sp.Basic, expr: sp.Expr, op: str) -> bool:
    """Whether the relation ``rel`` says ``expr op 0`` (or something stronger)."""
    if not isinstance(rel, (sp.Eq, sp.Lt, sp.Le, sp.Gt, sp.Ge)):
        return False
    d, hop = relation_parts(rel)
    strong_enough = hop == op or (op == ">=" and hop == ">")
    return strong_enough and sp.simplify(d - expr) == 0


def _known(step: Step) -> list[sp.Basic]:
    """The step's hypotheses and its unconditional lemmas, with conjunctions split."""
    out = list(step.hypotheses) + [claim for hyps, claim in step.lemmas if not hyps]
    return [part for rel in out for part in (rel.args if isinstance(rel, sp.And) else (rel,))]


def _has_lemma(step: Step, expr: sp.Expr, op: str) -> bool:
    """Whether the step knows ``expr op 0``: a hypothesis (from ``given``) or a lemma (``uses``)."""
    return any(_states(h, expr, op) for h in _known(step))


@dataclass(frozen=True, repr=False)
class Termwise(Strategy):
    """Prove ``sum_y a(y) <= sum_y b(y)`` from a lemma ``g(x) >= 0``: ``b - a`` is a
    nonnegative multiple of ``g`` evaluated at ``x = value(y)``.

    The lemma must be among the step's hypotheses (cite the step that proves it with
    ``given``); the strategy never takes it on trust.
    """

    lemma: sp.Expr
    variable: sp.Symbol
    value: sp.Expr
    name = "termwise"

    def attempt(self, step: Step) -> Outcome | None:
        claim = step.claim
        if not isinstance(claim, (sp.LessThan, sp.GreaterThan)):
            return None  # only a non-strict inequality follows from nonnegative terms
        g = self.lemma.xreplace({self.variable: self.value})
        if not (_has_lemma(step, self.lemma, ">=") or _has_lemma(step, g, ">=")):
            return None
        sums = [s for s in (claim.lhs, claim.rhs) if isinstance(s, sp.Sum)]
        if len(sums) != 2 or sums[0].limits != sums[1].limits:
            return None
        big = claim.rhs if isinstance(claim, sp.LessThan) else claim.lhs
        small = claim.lhs if big is claim.rhs else claim.rhs
        diff = big.function - small.function
        factor = sp.simplify(sp.expand_log(diff) / sp.expand_log(g))
        if factor.has(sp.log) or not is_nonnegative(factor):
            return None
        return Outcome(Verdict.PROVED, "termwise: the summand gap is a nonnegative multiple of the lemma")


@dataclass(frozen=True, repr=False)
class TermsVanish(Strategy):
    """From a hypothesis ``sum_y c(y) g(value(y)) = 0`` with ``c > 0`` and ``g >= 0`` (a lemma
    whose only zero is ``x0``), conclude ``value(y) = x0`` at every output, then check that
    this is the claim.

    Both facts about ``g`` must be established and cited with ``uses``: ``g >= 0``, and the
    conditional lemma ``g(x) = 0 => x = x0``.
    """

    lemma: sp.Expr
    variable: sp.Symbol
    value: sp.Expr
    zero: sp.Expr
    name = "vanishing terms"

    def _zero_is_unique(self, step: Step) -> bool:
        x, x0 = self.variable, self.zero
        for hyps, claim in step.lemmas:
            if not (isinstance(claim, sp.Eq) and {claim.lhs, claim.rhs} == {x, x0} and len(hyps) == 1):
                continue
            if _states(hyps[0], self.lemma, "==") or _states(hyps[0], -self.lemma, "=="):
                return True
        return False

    def attempt(self, step: Step) -> Outcome | None:
        if not (_has_lemma(step, self.lemma, ">=") and self._zero_is_unique(step)):
            return None
        g = self.lemma.xreplace({self.variable: self.value})
        for h in step.hypotheses:
            if not (isinstance(h, sp.Eq) and h.rhs == 0 and isinstance(h.lhs, sp.Sum)):
                continue
            factor = sp.simplify(sp.expand_log(h.lhs.function) / sp.expand_log(g))
            if factor.has(sp.log) or not is_positive(factor):
                continue
            d, op = relation_parts(step.claim)
            if op != "==":
                return None
            consequence = sp.together(self.value - self.zero)
            num, den = sp.fraction(consequence)
            if is_positive(den) and (sp.expand(num + d) == 0 or sp.expand(num - d) == 0):
                return Outcome(Verdict.PROVED, "a zero sum of nonnegative terms: every term vanishes")
        return None


@dataclass(frozen=True, repr=False)
class Stationarity(Strategy):
    """Solve the stationarity condition of a separable objective under ``sum_y p(y) = 1``.

    ``objective`` is a sum over the support of terms in the entry ``p(y)``; the Lagrangian adds
    ``multiplier * (sum_y p(y) - 1)``.  The strategy takes the summand from the objective itself,
    solves ``d summand / d p(y) + multiplier = 0`` for ``p(y)``, fixes the multiplier by the
    normalization and compares the result with the claim's right side.
    """

    objective: sp.Expr
    entry: sp.Indexed
    multiplier: sp.Symbol
    name = "stationarity"

    def attempt(self, step: Step) -> Outcome | None:
        from ..notation import n

        index = self.entry.indices[0]
        value = sp.Dummy("P", positive=True)
        summand = separable_summand(self.objective, index).xreplace({self.entry: value})
        sols = sp.solve(sp.Eq(sp.diff(summand, value) + self.multiplier, 0), value)
        if len(sols) != 1:
            return None
        factors = sp.Mul.make_args(sp.expand_power_exp(sp.powsimp(sp.expand(sols[0]), combine="exp")))
        # the multiplier enters only through a factor free of the index; normalization fixes it
        scale = sp.Mul(*[f for f in factors if not f.has(index)])
        shape = sp.Mul(*[f for f in factors if f.has(index)])
        if shape.has(self.multiplier) or not scale.has(self.multiplier):
            return None
        candidate = shape / sp.Sum(shape, (index, 1, n))
        ok, _ = difference_is_zero(candidate, step.claim.rhs, step.facts)
        if not ok:
            return None
        return Outcome(Verdict.PROVED, "stationarity solved, multiplier fixed by normalization")


@dataclass(frozen=True, repr=False)
class Cite(Strategy):
    """An outside fact, cited and not proved: the verdict is ``ASSUMED``."""

    reference: str
    name = "cited"

    def attempt(self, step: Step) -> Outcome | None:
        return Outcome(Verdict.ASSUMED, f"cited: {self.reference}")
