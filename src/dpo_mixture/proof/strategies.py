"""Strategies: small immutable objects that *propose* a proof; only the kernel checks it.

A strategy's :meth:`Strategy.propose` returns a
:class:`~dpo_mixture.proof.certificate.ProofCertificate` (which kernel rule, with which facts,
lemma instances and parameters) or ``None``.  It may search, guess, call ``solve`` or
``simplify``: none of that is trusted, because :func:`dpo_mixture.proof.kernel.check` re-derives
every obligation from the original step.  A strategy written by a user is treated the same
way: it can propose, and a wrong proposal is rejected.

The strategies here and the rules they propose:

=================  =====================================================================
``NormalForm``     ``normal-form``: sum normal form and sign rules on each link (default)
``Signs``          ``normal-form`` (kept for old modules; the sign rules are one set now)
``Implication``    ``combination``: finds multipliers for the hypotheses and cited claims
``Certificate``    ``combination`` with the author's multipliers
``ConvexMinimum``  ``convex``: the critical point from ``solve``
``Termwise``       ``termwise``: a cited lemma at every output of a sum
``TermsVanish``    ``vanishing``: a zero sum of nonnegative terms
``Stationarity``   ``derivative``: the Lagrangian's derivative at the candidate
``ExtremumBound``  ``extremum``
``Differentiate``  ``derivative``
``LimitOf``        ``limit``
``Cite``           ``cite``: an outside result, verdict *assumed*
=================  =====================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import sympy as sp

from .certificate import Instance, ProofCertificate
from .kernel import Goal, Lemma, _apply, _parts, relation_parts
from .normal_form import separable_summand, standardize
from .sign import defined_everywhere, is_nonnegative, sign
from .step import Step

__all__ = [
    "Strategy",
    "Context",
    "NormalForm",
    "Signs",
    "Implication",
    "Certificate",
    "ConvexMinimum",
    "Termwise",
    "TermsVanish",
    "Stationarity",
    "ExtremumBound",
    "Differentiate",
    "LimitOf",
    "Cite",
    "relation_parts",
]


@dataclass(frozen=True)
class Context:
    """What a strategy may look at: the goal (with every hypothesis it holds under), the
    established lemmas, and the step's citations as lemma instances."""

    goal: Goal
    lemmas: Mapping[str, Lemma] = field(default_factory=dict)
    given: tuple[Instance, ...] = ()
    uses: tuple[str, ...] = ()

    def certificate(self, step: Step, rule: str, proposer: str, instances=None, **data) -> ProofCertificate:
        return ProofCertificate(
            rule=rule,
            facts=tuple(step.facts),
            instances=tuple(self.given if instances is None else instances),
            data=tuple(data.items()),
            conclusion=self.goal.claim,
            hypotheses=tuple(self.goal.hypotheses),
            proposer=proposer,
        )

    def cited_claims(self) -> list[sp.Basic]:
        """The claims of the ``given`` citations at their instances (not checked: a preview)."""
        out = []
        for inst in self.given:
            lemma = self.lemmas.get(inst.lemma)
            if lemma is None:
                continue
            out.extend(_parts(_apply(standardize(lemma.claim), inst.mapping())))
        return out


class Strategy:
    """Base class.  Subclasses implement ``propose(step, context)``."""

    name = "strategy"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:  # pragma: no cover
        return None

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"


@dataclass(frozen=True, repr=False)
class NormalForm(Strategy):
    """Bring ``lhs - rhs`` to the sum normal form; an equality holds when it is 0, an
    inequality when the sign rules decide the sign of the difference.

    >>> from dpo_mixture.notation import p, r, beta, y, support_sum
    >>> from dpo_mixture.proof import decide
    >>> s = Step("lin", "linearity", sp.Eq(support_sum(p[y] * (r[y] + beta)),
    ...          support_sum(p[y] * r[y]) + beta * support_sum(p[y])), "split")
    >>> decide(s).verdict
    <Verdict.PROVED: 'proved'>
    """

    expand: bool = True
    reparametrize: tuple = ()
    name = "normal form"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        data = {"expand": self.expand}
        if self.reparametrize:
            data["reparametrize"] = tuple(self.reparametrize)
        return context.certificate(step, "normal-form", self.name, instances=(), **data)


@dataclass(frozen=True, repr=False)
class Signs(NormalForm):
    """The normal form and the sign rules (the same rule as :class:`NormalForm`)."""

    name = "signs"


def _combination_ok(terms: list[tuple[sp.Expr, str]], op: str) -> bool:
    """A quick screen of multipliers (the kernel decides): finite, signed as the hypotheses need."""
    strict = False
    for c, hop in terms:
        if not defined_everywhere(c):
            return False
        s = sign(c)
        if s == "zero" or hop == "==":
            continue
        if op == "==" or s not in ("pos", "nonneg"):
            return False
        if hop == ">" and s == "pos":
            strict = True
    return op in ("==", ">=") or strict


@dataclass(frozen=True, repr=False)
class Implication(Strategy):
    """Find multipliers that write the claim's difference (over a positive denominator) as a
    combination of the hypotheses' and cited claims' differences.

    >>> from dpo_mixture.proof import decide
    >>> a, b, c, d = sp.symbols("a b c d", positive=True)
    >>> s = Step("reciprocate", "add one", sp.Gt(a / (a + b), c / (c + d)), "algebra",
    ...          hypotheses=(sp.Gt(a / b, c / d),), strategy=Implication())
    >>> decide(s).verdict
    <Verdict.PROVED: 'proved'>
    """

    reparametrize: tuple = ()
    name = "implication"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        from .facts import unfold
        from .normal_form import normal_form

        goal = context.goal
        known = [p for h in goal.hypotheses for p in _parts(h)] + context.cited_claims()
        if not known or isinstance(goal.claim, sp.And):
            return None
        # alpha = u/(1 + u): the kernel makes the same change of variable (see its combination rule)
        rep = {a: sp.Dummy("u", positive=True) for a in self.reparametrize}
        forward = {a: u / (1 + u) for a, u in rep.items()}
        back = {u: a / (1 - a) for a, u in rep.items()}

        def prep(e: sp.Expr) -> sp.Expr:
            e = unfold(standardize(e), step.facts)
            return normal_form(e.xreplace(forward) if forward else e, step.facts)

        d, op = relation_parts(goal.claim)
        d = prep(d)
        num, den = sp.fraction(sp.together(d))
        num, den = sp.expand(num), sp.expand(den)
        if sign(den) != "pos":
            if sign(-den) != "pos":
                return None
            num, den = -num, -den
        prepared = []
        for h in known:
            try:
                hd, hop = relation_parts(h)
            except Exception:
                prepared.append(None)
                continue
            hn, hden = sp.fraction(sp.together(prep(hd)))
            hn = sp.expand(hn)
            if hn == 0 or sign(hden) != "pos":
                prepared.append(None)
                continue
            prepared.append((hn, hden, hop))

        def certificate(coeffs: dict[int, sp.Expr]) -> ProofCertificate:
            mults = [sp.Integer(0)] * len(known)
            for i, q in coeffs.items():
                _, hden, _ = prepared[i]
                c = sp.cancel(q * hden / den)
                mults[i] = sp.cancel(c.xreplace(back)) if back else c
            data = {"multipliers": tuple(mults)}
            if self.reparametrize:
                data["reparametrize"] = tuple(self.reparametrize)
            return context.certificate(step, "combination", self.name, **data)

        usable = [i for i, p in enumerate(prepared) if p is not None]
        for i in usable:
            hn, _, hop = prepared[i]
            q = sp.cancel(num / hn)
            if _combination_ok([(q, hop)], op):
                return certificate({i: q})
        for i in usable:
            for j in usable:
                if i == j:
                    continue
                (h1, _, op1), (h2, _, op2) = prepared[i], prepared[j]
                gens = sorted(num.free_symbols | h1.free_symbols | h2.free_symbols, key=str)
                for order in (gens, list(reversed(gens))):
                    if not order:
                        continue
                    try:
                        q1, rem = sp.div(num, h1, *order)
                    except (sp.PolynomialError, sp.GeneratorsNeeded):
                        continue
                    q2 = sp.cancel(rem / h2)
                    if _combination_ok([(q1, op1), (q2, op2)], op):
                        return certificate({i: q1, j: q2})
        return None


@dataclass(frozen=True, repr=False)
class Certificate(Strategy):
    """The author's multipliers, one per hypothesis (the step's own, then those its citations
    pass on, then the cited claims; a conjunction counts as its parts): the kernel checks that
    every multiplier is finite and signed as needed and that the rest has the right sign.

    >>> from dpo_mixture.proof import decide
    >>> a, b = sp.symbols("a b", positive=True)
    >>> s = Step("half", "a > b implies a/b > 1", sp.Gt(a / b, 1), "divide by b",
    ...          hypotheses=(sp.Gt(a, b),), strategy=Certificate((1 / b,)))
    >>> decide(s).verdict
    <Verdict.PROVED: 'proved'>
    """

    multipliers: tuple[sp.Expr, ...]
    name = "certificate"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        return context.certificate(step, "combination", self.name, multipliers=tuple(self.multipliers))


@dataclass(frozen=True, repr=False)
class ConvexMinimum(Strategy):
    """``g(x) >= 0`` (the claim ``lhs <= rhs`` with ``g = rhs - lhs``) by calculus: ``g'`` has
    a root ``x0`` in the domain, ``g'' > 0`` there and ``g(x0) >= 0``.  With ``equality=True``:
    the hypothesis ``g(x) = 0`` forces ``x = x0``.

    >>> from dpo_mixture.proof import decide
    >>> x = sp.Symbol("x", positive=True)
    >>> decide(Step("log-bound", "log x <= x - 1", sp.Le(sp.log(x), x - 1), "calculus",
    ...             strategy=ConvexMinimum(x))).verdict
    <Verdict.PROVED: 'proved'>
    """

    variable: sp.Symbol
    equality: bool = False
    name = "calculus"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        x = self.variable
        goal = context.goal
        if self.equality:
            if not goal.hypotheses or not isinstance(goal.claim, sp.Eq):
                return None
            g, _ = relation_parts(goal.hypotheses[0])
        else:
            if isinstance(goal.claim, sp.And):
                return None
            g, op = relation_parts(goal.claim)
            if op == "==":
                return None
        try:
            roots = [s for s in sp.solve(sp.Eq(sp.diff(g, x), 0), x) if sp.sympify(s).is_real]
        except (NotImplementedError, ValueError, TypeError):
            return None
        if x.is_positive:
            roots = [s for s in roots if sp.sympify(s).is_positive]
        if len(roots) != 1:
            return None
        return context.certificate(step, "convex", self.name, instances=(), variable=x, point=roots[0], equality=self.equality)


def _lemma_parts(context: Context, ref: str) -> list[sp.Basic]:
    lemma = context.lemmas.get(ref)
    return [] if lemma is None else _parts(standardize(lemma.claim))


def _factor(gap: sp.Expr, g: sp.Expr) -> sp.Expr | None:
    try:
        factor = sp.simplify(sp.expand_log(gap) / sp.expand_log(g))
    except (ZeroDivisionError, ValueError, TypeError):
        return None
    if factor.has(sp.log) or factor.has(sp.zoo, sp.nan):
        return None
    return factor


@dataclass(frozen=True, repr=False)
class Termwise(Strategy):
    """``sum_y a(y) <= sum_y b(y)`` from a lemma ``g(x) >= 0`` taken at ``x = value(y)`` at every
    output: ``b - a`` is a nonnegative multiple of it.

    The lemma must be a proved step cited with ``uses`` (for a lemma in a variable such as
    ``log t <= t - 1``) or ``given`` (for a statement about every output, such as a bound on
    ``r(y)``).
    """

    lemma: sp.Expr
    variable: sp.Symbol
    value: sp.Expr
    name = "termwise"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        from ..notation import y

        claim = standardize(context.goal.claim)
        if not isinstance(claim, (sp.LessThan, sp.GreaterThan, sp.StrictLessThan, sp.StrictGreaterThan)):
            return None
        sums = [s for s in (claim.lhs, claim.rhs) if isinstance(s, sp.Sum)]
        if len(sums) != 2 or sums[0].limits[0][1:] != sums[1].limits[0][1:]:
            return None
        at = sp.Dummy("at", integer=True, positive=True)
        a, b = (s.function.xreplace({s.limits[0][0]: at}) for s in sums)
        d, _ = relation_parts(claim.func(a, b, evaluate=False))
        candidates = []
        for ref in step.uses:
            for part in _lemma_parts(context, ref):
                hd, _ = relation_parts(part)
                if sp.expand(hd - self.lemma) == 0:
                    candidates.append(Instance(ref, ((self.variable, self.value.xreplace({y: at})),), at))
        for ref in step.given:
            lemma = context.lemmas.get(ref)
            if lemma is not None and y in lemma.claim.free_symbols:
                candidates.append(Instance(ref, ((y, at),), at))
        fixed = [i for i in context.given if i.lemma not in {c.lemma for c in candidates}]
        hyps = [p for h in context.goal.hypotheses for p in _parts(h)]
        fixed_parts = Context(context.goal, context.lemmas, tuple(fixed)).cited_claims()
        for inst in candidates:
            parts = _parts(_apply(standardize(context.lemmas[inst.lemma].claim), {k: v for k, v in inst.subs}))
            for j, part in enumerate(parts):
                g, _ = relation_parts(part)
                factor = _factor(d, g)
                if factor is None or not is_nonnegative(factor):
                    continue
                mults = [sp.Integer(0)] * (len(hyps) + len(fixed_parts) + len(parts))
                mults[len(hyps) + len(fixed_parts) + j] = factor
                return context.certificate(step, "termwise", self.name, instances=(*fixed, inst),
                                           index=at, multipliers=tuple(mults))
        return None


@dataclass(frozen=True, repr=False)
class TermsVanish(Strategy):
    """From a hypothesis ``sum_y c(y) g(value(y)) = 0`` with ``c > 0``, the lemma ``g >= 0`` and
    the lemma ``g(x) = 0 => x = zero`` (both cited with ``uses``), conclude the claim at every
    output."""

    lemma: sp.Expr
    variable: sp.Symbol
    value: sp.Expr
    zero: sp.Expr
    name = "vanishing terms"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        from ..notation import y

        at = sp.Dummy("at", integer=True, positive=True)
        value = self.value.xreplace({y: at})
        nonneg = equality = None
        for ref in step.uses:
            lemma = context.lemmas.get(ref)
            if lemma is None:
                continue
            if lemma.hypotheses:
                if isinstance(lemma.claim, sp.Eq) and {lemma.claim.lhs, lemma.claim.rhs} == {self.variable, self.zero}:
                    equality = Instance(ref, ((self.variable, value),), at)
            else:
                for part in _lemma_parts(context, ref):
                    hd, hop = relation_parts(part)
                    if hop == ">=" and sp.expand(hd - self.lemma) == 0:
                        nonneg = Instance(ref, ((self.variable, value),), at)
        hyp = next((h for h in context.goal.hypotheses if isinstance(h, sp.Eq) and isinstance(h.lhs, sp.Sum)), None)
        if nonneg is None or equality is None or hyp is None:
            return None
        idx = hyp.lhs.limits[0][0]
        factor = _factor(hyp.lhs.function.xreplace({idx: at}), self.lemma.xreplace({self.variable: value}))
        if factor is None:
            return None
        return context.certificate(step, "vanishing", self.name, instances=(nonneg, equality), index=at, factor=factor)


@dataclass(frozen=True, repr=False)
class Stationarity(Strategy):
    """A stationarity condition of a separable objective, checked as a derivative identity:
    the claim ``Eq(Subs(Derivative(summand, V), V, candidate), value)`` says that the objective's
    derivative in the entry, at the candidate, takes the same value at every output, so the
    Lagrangian with multiplier ``-value`` is stationary there (the kernel's ``derivative`` rule).

    ``objective`` and ``entry`` say where the summand comes from; the claim itself is what the
    kernel checks, so nothing here is trusted.
    """

    objective: sp.Expr
    entry: sp.Indexed
    multiplier: sp.Symbol
    name = "stationarity"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        if not context.goal.claim.has(sp.Derivative):
            return None
        return context.certificate(step, "derivative", self.name, instances=())


@dataclass(frozen=True, repr=False)
class ExtremumBound(Strategy):
    """A claim about the support-wide max and min of a function, at an output ``index``: the
    kernel writes ``max f = f(index) + u`` and ``min f = f(index) - w`` with ``u, w >= 0``.

    >>> from dpo_mixture.model import SupportMax
    >>> from dpo_mixture.notation import r, y, k, beta
    >>> from dpo_mixture.proof import decide
    >>> s = Step("tilt-top", "the largest tilt", sp.Le(sp.exp(r[y] / beta), sp.exp(SupportMax(r[k], k) / beta)),
    ...          "max", strategy=ExtremumBound(y))
    >>> decide(s).verdict
    <Verdict.PROVED: 'proved'>
    """

    index: sp.Symbol
    name = "extremum"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        return context.certificate(step, "extremum", self.name, instances=(), index=self.index)


@dataclass(frozen=True, repr=False)
class Differentiate(Strategy):
    """``Derivative(F, x) = G``: the kernel unfolds every definition, differentiates under the
    finite sums and compares normal forms.

    >>> from dpo_mixture.notation import p, r, t, k, support_sum
    >>> from dpo_mixture.proof import decide
    >>> F = support_sum(p[k] * sp.exp(t * r[k]), k)
    >>> s = Step("d", "derivative of a moment", sp.Eq(sp.Derivative(F, t), support_sum(p[k] * r[k] * sp.exp(t * r[k]), k)), "",
    ...          strategy=Differentiate())
    >>> decide(s).verdict
    <Verdict.PROVED: 'proved'>
    """

    name = "differentiation"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        return context.certificate(step, "derivative", self.name, instances=())


@dataclass(frozen=True, repr=False)
class LimitOf(Strategy):
    """``Limit(F, x, x0) = L``: the kernel unfolds every definition, may use hypotheses
    ``a < b`` as ``a = b - g`` with ``g > 0``, then takes the limit by continuity or SymPy.

    >>> from dpo_mixture.notation import beta
    >>> from dpo_mixture.proof import decide
    >>> g = sp.Symbol("g", positive=True)
    >>> decide(Step("l", "decay", sp.Eq(sp.Limit(sp.exp(-g / beta), beta, 0, "+"), 0), "", strategy=LimitOf())).verdict
    <Verdict.PROVED: 'proved'>
    """

    name = "limit"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        return context.certificate(step, "limit", self.name, instances=())


@dataclass(frozen=True, repr=False)
class Cite(Strategy):
    """An outside result, cited and not proved: the verdict is *assumed*, naming ``reference``."""

    reference: str
    name = "cited"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        return context.certificate(step, "cite", self.name, instances=(), reference=self.reference)

