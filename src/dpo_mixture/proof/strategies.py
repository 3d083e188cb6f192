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
``Monotone``       ``monotone``: exp or log applied to both sides
``Cases``          ``cases``: a nonnegative variable is zero or positive
``Using``          a lemma at chosen values, then another strategy (``Implication``)
``Lemmas``         ``combination`` with one or two library lemmas it finds by itself
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
    "Monotone",
    "Cases",
    "Using",
    "Lemmas",
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
    #: variables a surrounding rule replaced (the positive case of ``Cases``): values that
    #: strategies were given in terms of the old variable are rewritten with it
    renames: tuple[tuple[sp.Basic, sp.Basic], ...] = ()

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
    """The normal form and the sign rules (the same rule as :class:`NormalForm`).

    >>> from dpo_mixture import declare
    >>> from dpo_mixture.proof import decide
    >>> a = declare.probability("a")
    >>> decide(Step("complement", "1 - a is positive", sp.Gt(1 - a, 0), "a < 1", strategy=Signs())).verdict
    <Verdict.PROVED: 'proved'>
    """

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
            roots = [s for s in _stationary_points(sp.diff(g, x), x) if sp.sympify(s).is_real]
        except (NotImplementedError, ValueError, TypeError):
            return None
        if x.is_positive:
            roots = [s for s in roots if sp.sympify(s).is_positive]
        if len(roots) != 1:
            return None
        return context.certificate(step, "convex", self.name, instances=(), variable=x, point=roots[0], equality=self.equality)


def _stationary_points(derivative: sp.Expr, x: sp.Symbol) -> list:
    """Where ``derivative`` vanishes (a proposal: the kernel checks the point it is given).
    A derivative whose numerator is a polynomial in ``x`` is solved by its roots, where the
    denominator does not vanish; anything else goes to ``solve``, many times slower on first
    use (its solution check imports ``sympy.physics.units``)."""
    num, den = sp.fraction(sp.together(derivative))
    if not (num.free_symbols | den.free_symbols) - {x}:
        u = sp.Dummy("u")
        # a polynomial in x, in exp(x) or in log(x): its roots, mapped back to x
        for var, back in ((x, None), (sp.exp(x), sp.log), (sp.log(x), sp.exp)):
            poly = num.xreplace({var: u})
            if poly.has(x) or not poly.is_polynomial(u):
                continue
            found = sp.roots(sp.Poly(poly, u))
            if sum(found.values()) != sp.degree(poly, u):
                break
            points = [root if back is None else back(root) for root in found
                      if back is not sp.log or root.is_positive]
            return [point for point in points if den.xreplace({x: point}) != 0]
    return sp.solve(sp.Eq(derivative, 0), x)


def _lemma_parts(context: Context, ref: str) -> list[sp.Basic]:
    lemma = context.lemmas.get(ref)
    return [] if lemma is None else _parts(standardize(lemma.claim))


def _factor(gap: sp.Expr, g: sp.Expr) -> sp.Expr | None:
    """``gap / g`` as an expression free of logarithms, if there is one (a proposal only: the
    kernel checks the multiple).  Cancelling the fraction usually finds it; ``simplify``, many
    times slower, is the fallback."""
    try:
        ratio = sp.expand_log(gap) / sp.expand_log(g)
        factor = sp.cancel(ratio)
        if factor.has(sp.log) or factor.has(sp.zoo, sp.nan):
            factor = sp.simplify(ratio)
    except (ZeroDivisionError, ValueError, TypeError, sp.PolynomialError):
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
    variable: sp.Symbol | tuple
    value: sp.Expr | tuple
    name = "termwise"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        from ..notation import y

        variables = self.variable if isinstance(self.variable, tuple) else (self.variable,)
        values = self.value if isinstance(self.value, tuple) else (self.value,)

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
                    subs = tuple((v, sp.sympify(w).xreplace({y: at})) for v, w in zip(variables, values))
                    candidates.append(Instance(ref, subs, at))
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
    """An outside result, cited and not proved: the verdict is *assumed*, naming ``reference``.

    >>> from dpo_mixture import declare
    >>> from dpo_mixture.proof import decide
    >>> x = declare.scalar("x")
    >>> outcome = decide(Step("tangent", "e^x >= 1 + x", sp.Ge(sp.exp(x), 1 + x), "convexity",
    ...                       strategy=Cite("any calculus textbook")))
    >>> outcome.verdict, outcome.assumed
    (<Verdict.ASSUMED: 'assumed'>, ('cited: any calculus textbook',))
    """

    reference: str
    name = "cited"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        return context.certificate(step, "cite", self.name, instances=(), reference=self.reference)



@dataclass(frozen=True, repr=False)
class Monotone(Strategy):
    """``lhs op rhs`` from ``f(lhs) op f(rhs)``, ``f`` = ``"exp"`` (both sides real) or ``"log"``
    (both sides positive).  The kernel closes the transformed relation by the sign rules, or
    ``premise`` (another strategy) proves it, for instance a :class:`Certificate` citing a step.

    >>> a, b = sp.symbols("a b", real=True)
    >>> from dpo_mixture.proof import decide
    >>> decide(Step("bt", "", sp.Eq(-sp.log(sp.exp(a) / (sp.exp(a) + sp.exp(b))), sp.log(1 + sp.exp(b - a))), "",
    ...             strategy=Monotone("exp"))).verdict
    <Verdict.PROVED: 'proved'>
    """

    function: str
    premise: Strategy | None = None
    name = "monotone"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        from dataclasses import replace as _replace

        from .kernel import monotone_goal

        claim = context.goal.claim
        if self.function not in ("exp", "log") or not isinstance(claim, (sp.Eq, sp.Le, sp.Ge, sp.Lt, sp.Gt)):
            return None
        data = {"function": self.function}
        if self.premise is not None:
            new = monotone_goal(claim, self.function)
            sub_goal = _replace(context.goal, claim=new, chain=(), conditions=())
            sub = self.premise.propose(_replace(step, claim=new, chain=()), _replace(context, goal=sub_goal))
            if isinstance(sub, (tuple, list)):
                sub = sub[0] if sub else None
            if sub is None:
                return None
            data["premise"] = sub
        return context.certificate(step, "monotone", self.name, instances=() if self.premise is not None else None, **data)


@dataclass(frozen=True, repr=False)
class Cases(Strategy):
    """Split a variable declared nonnegative into ``x = 0`` and ``x > 0``; ``zero`` and
    ``positive`` (strategies) prove the two cases.

    ``z log(z/c) >= z - c`` with ``0 log 0 = 0``: at ``z = 0`` the normal form closes it, for
    ``z > 0`` the library's ``log t <= t - 1`` at ``t = c/z``.

    >>> from dpo_mixture import declare
    >>> from dpo_mixture.derivations.library import t
    >>> from dpo_mixture.model import RelEntr
    >>> from dpo_mixture.proof import decide
    >>> z, c = declare.scalar("z", nonnegative=True), declare.temperature("c")
    >>> s = Step("relentr", "the relative-entropy bound", sp.Ge(RelEntr(z, c) - z + c, 0), "two cases",
    ...          strategy=Cases(z, NormalForm(), Using("lib.log-bound", {t: c / z})), uses=("lib.log-bound",))
    >>> decide(s).verdict
    <Verdict.PROVED: 'proved'>
    """

    variable: sp.Symbol
    zero: Strategy
    positive: Strategy
    name = "cases"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        from dataclasses import replace as _replace

        from .kernel import case_goal

        fresh = sp.Dummy(f"{self.variable}_pos", positive=True)
        data = {"variable": self.variable, "positive_symbol": fresh}
        for value, key, strategy in ((sp.Integer(0), "zero", self.zero), (fresh, "positive", self.positive)):
            sub_goal = case_goal(context.goal, self.variable, value)
            if sub_goal.claim is sp.true:
                continue
            sub_step = _replace(step, claim=sub_goal.claim, hypotheses=sub_goal.hypotheses, chain=())
            renames = (*context.renames, (self.variable, value))
            sub = strategy.propose(sub_step, _replace(context, goal=sub_goal, renames=renames))
            if isinstance(sub, (tuple, list)):
                sub = sub[0] if sub else None
            if sub is None:
                return None
            data[key] = sub
        return context.certificate(step, "cases", self.name, instances=(), **data)


@dataclass(frozen=True, repr=False)
class Using(Strategy):
    """Cite a proved lemma at given values of its variables, then let ``then`` (by default
    :class:`Implication`) combine it with the hypotheses.  The kernel checks the values lie in
    the lemma's domains.

    >>> t = sp.Symbol("t", positive=True)
    >>> c, z = sp.symbols("c z", positive=True)
    >>> Using("lib.log-bound", {t: c / z}).lemma
    'lib.log-bound'
    """

    lemma: str
    values: dict = field(default_factory=dict)
    then: Strategy | None = None
    name = "using"

    def propose(self, step: Step, context: Context) -> ProofCertificate | None:
        from dataclasses import replace as _replace

        renames = dict(context.renames)
        subs = tuple((k, sp.sympify(v).xreplace(renames)) for k, v in self.values.items())
        inner = self.then or Implication()
        cert = inner.propose(step, _replace(context, given=(*context.given, Instance(self.lemma, subs))))
        if isinstance(cert, (tuple, list)):
            cert = cert[0] if cert else None
        return cert



#: Library lemmas the :class:`Lemmas` strategy tries, with the kind of each variable:
#: ``pos`` a distribution positive on the support, ``dist`` any distribution, ``vec`` a real
#: function, ``posvec`` a positive function.
LIBRARY_PATTERNS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("lib.gibbs", (("w", "pos"), ("v", "pos"))),
    ("lib.gibbs-zeros", (("u", "dist"), ("v", "pos"))),
    ("lib.mean-below-max", (("u", "dist"), ("f", "vec"))),
    ("lib.mean-above-min", (("u", "dist"), ("f", "vec"))),
    ("lib.lse-below-max", (("u", "dist"), ("f", "vec"))),
    ("lib.lse-above-min", (("u", "dist"), ("f", "vec"))),
    ("lib.lse-above-mean", (("u", "dist"), ("f", "vec"))),
    ("lib.jensen-exp", (("u", "dist"), ("f", "vec"))),
    ("lib.jensen-log", (("u", "dist"), ("h", "posvec"))),
    ("lib.variance-nonnegative", (("u", "dist"), ("f", "vec"))),
)


def _linear_form(e: sp.Expr, params: set) -> dict | None:
    """``e`` as ``{monomial: coefficient}``: coefficients built from the parameters (the model's
    free scalars) and numbers, monomials from everything else (sums, logs, extrema, ...)."""
    out: dict = {}
    for term in sp.Add.make_args(sp.expand(e)):
        coeff, mono = sp.Integer(1), sp.Integer(1)
        for factor in sp.Mul.make_args(term):
            if factor.is_number or (factor.free_symbols <= params and not factor.has(sp.Sum, sp.Indexed)):
                coeff *= factor
            else:
                mono *= factor
        out[mono] = out.get(mono, sp.Integer(0)) + coeff
    return {m: c for m, c in out.items() if c != 0}


@dataclass(frozen=True, repr=False)
class Lemmas(Strategy):
    """Search the lemma library for one or two instances whose weighted sum gives the claim.

    Variables are taken among the quantities the claim (with its scalar definitions unfolded)
    speaks of: its distributions, its real functions (also scaled by its positive scalars, and
    the bodies of its support-wide max and min), and exponentials of those.  Every relation is
    brought to a linear form in its sums, logarithms and extrema, and the multipliers are
    solved for exactly; the kernel then checks the resulting certificate like any other.
    Give the step the definitions of the quantities it names (``facts``), so that the claim and
    the lemma instances meet in the same sums.

    >>> from dpo_mixture.notation import p, q, y, support_sum
    >>> from dpo_mixture.proof import decide
    >>> s = Step("kl", "Gibbs' inequality", sp.Ge(support_sum(p[y] * sp.log(p[y] / q[y])), 0), "the library",
    ...          strategy=Lemmas())
    >>> outcome = decide(s)
    >>> outcome.verdict, outcome.method.startswith("library lemmas: lib.gibbs")
    (<Verdict.PROVED: 'proved'>, True)
    """

    patterns: tuple = LIBRARY_PATTERNS
    reparametrize: tuple = ()
    name = "library lemmas"

    def propose(self, step: Step, context: Context) -> tuple[ProofCertificate, ...] | None:
        import itertools

        from ..lemmas import catalogue, lemma_records
        from ..model import SupportMax, SupportMin
        from ..notation import y
        from .facts import Definition, unfold
        from .normal_form import normal_form
        from .theory import DISTRIBUTIONS

        goal = context.goal
        if isinstance(goal.claim, sp.And):
            return None
        d, op = relation_parts(goal.claim)
        theory = goal.theory
        raw = [goal.claim, *goal.hypotheses]
        # the surface: every definition unfolded but those that say where the support is
        shallow = tuple(f for f in theory.definitions if f not in theory.support_definitions())
        surface = [unfold(e, shallow) for e in raw]
        symbols = {s for e in surface + raw for s in e.free_symbols if isinstance(s, sp.Symbol)}
        instances = _triggered(raw, surface, theory, y)
        statements = {s.id: s for s in catalogue()}
        statements.update(context.lemmas)
        instances = [i for i in instances if i.lemma in statements]
        if not instances:
            return None
        facts = tuple(step.facts)
        rep = {a: sp.Dummy("u", positive=True) for a in self.reparametrize}
        forward = {a: uu / (1 + uu) for a, uu in rep.items()}
        back = {uu: a / (1 - a) for a, uu in rep.items()}
        params = {s for s in symbols if theory.definition(s) is None and s not in rep} | set(rep.values())

        def prep(e: sp.Expr) -> sp.Expr:
            e = unfold(standardize(e), facts)
            return normal_form(e.xreplace(forward) if forward else e, facts)

        target = prep(d)
        target_atoms = _atoms(target, params)
        known = []
        for inst in instances:
            lemma = statements[inst.lemma]
            rel = _apply(standardize(lemma.claim), dict(inst.subs))
            if rel in (sp.true, sp.false) or lemma.hypotheses:
                continue
            try:
                hd, hop = relation_parts(rel)
                h = prep(hd)
            except Exception:
                continue
            atoms = _atoms(h, params)
            if atoms & target_atoms:
                known.append((inst, h, atoms, hop))
        return self._combinations(step, goal, known, target, target_atoms, op, back)

    def _combinations(self, step, goal, known, target, target_atoms, op, back):
        """Certificates from one or two lemma instances, made one at a time (the kernel may
        accept the first); a group's lemmas are established only once its multipliers solve."""
        import itertools

        from ..lemmas import is_library, lemma_records

        out = 0
        own = [p for h in goal.hypotheses for p in _parts(h)]
        for size in (1, 2):
            for group in itertools.combinations(known, size):
                covered = set().union(*(g[2] for g in group))
                if not target_atoms <= covered:
                    continue
                if size == 2 and not (group[0][2] - target_atoms) <= group[1][2] | set() and (group[1][2] - target_atoms) <= group[0][2]:
                    pass
                solved = _solve_multipliers(target, [g[1] for g in group], covered | target_atoms, op)
                if solved is None:
                    continue
                mults = [sp.cancel(c.xreplace(back)) if back else c for c in solved]
                ok = all(sign(c) in ("pos", "nonneg", "zero") or hop == "==" for c, (_, _, _, hop) in zip(mults, group))
                if not ok:
                    continue
                library = sorted({g[0].lemma for g in group if is_library(g[0].lemma)})
                if library and any(rec.verdict.value != "proved" or rec.hypotheses for rec in lemma_records(library).values()):
                    continue  # only a proved lemma can be cited
                data = [("multipliers", tuple([sp.Integer(0)] * len(own)) + tuple(mults))]
                if self.reparametrize:
                    data.append(("reparametrize", tuple(self.reparametrize)))
                cert = ProofCertificate(
                    "combination", tuple(step.facts), tuple(g[0] for g in group), tuple(data),
                    goal.claim, tuple(goal.hypotheses), proposer=f"{self.name}: {', '.join(g[0].lemma for g in group)}",
                )
                yield cert
                out += 1
                if out >= 3:
                    return


def _atoms(e: sp.Expr, params: set) -> set:
    """What a linear combination cannot produce from numbers and the parameters: sums, extrema,
    logarithms, exponentials and symbols other than the parameters (outermost only)."""
    from ..model import SupportMax, SupportMin

    out: set = set()

    def walk(x: sp.Basic) -> None:
        if isinstance(x, (sp.Sum, SupportMax, SupportMin, sp.log)) or isinstance(x, sp.exp) and not x.free_symbols <= params:
            out.add(x)
            return
        if isinstance(x, sp.Symbol) and x not in params:
            out.add(x)
            return
        for arg in x.args:
            walk(arg)

    walk(e)
    return out


def _names(lemma_id: str) -> dict:
    from ..lemmas import catalogue

    claim = next(s.claim for s in catalogue() if s.id == lemma_id)
    bases = {i.base for i in claim.atoms(sp.Indexed)}
    labels = {b.label for b in bases}
    out = {str(q): q for q in claim.free_symbols if isinstance(q, sp.Symbol) and q not in labels}
    out.update({str(b.label): b for b in bases})
    return out


def _triggered(raw: list, surface: list, theory, y: sp.Symbol) -> list[Instance]:
    """Library instances suggested by the claim's shape:

    * two distributions positive on the support: Gibbs both ways;
    * a support-wide max or min of ``f`` and a distribution ``u``: the mean of ``f`` under ``u``
      against it;
    * a sum ``sum_i u(i) e^{F(i)}`` with ``u`` a distribution: the log-sum-exp bounds and Jensen.
    """
    from ..model import SupportMax, SupportMin
    from ..notation import Domain
    from .theory import DISTRIBUTIONS

    bases = {i.base for e in raw for i in e.atoms(sp.Indexed)}
    pos = sorted((b for b in bases if theory.domain(b) is Domain.DISTRIBUTION), key=str)
    dists = sorted((b for b in bases if theory.domain(b) in DISTRIBUTIONS), key=str)
    out: list[Instance] = []

    def add(lemma_id: str, values: dict) -> None:
        names = _names(lemma_id)
        inst = Instance(lemma_id, tuple((names[k], v) for k, v in values.items() if k in names))
        if inst not in out:
            out.append(inst)

    for a in pos:
        for b in pos:
            if a != b:
                add("lib.gibbs", {"w": a, "v": b})
    for a in dists:
        if theory.domain(a) is Domain.SPARSE_DISTRIBUTION:
            for b in pos:
                add("lib.gibbs-zeros", {"u": a, "v": b})
    for e in raw:
        for node in e.atoms(SupportMax, SupportMin):
            f = sp.Lambda(y, node.args[0].xreplace({node.args[1]: y}))
            for u in dists:
                add("lib.mean-below-max" if isinstance(node, SupportMax) else "lib.mean-above-min", {"u": u, "f": f})
    for e in surface:
        for s in e.atoms(sp.Sum):
            (index, lo, hi), = s.limits
            weights = [x for x in sp.Mul.make_args(s.function)
                       if isinstance(x, sp.Indexed) and x.indices == (index,) and theory.domain(x.base) in DISTRIBUTIONS]
            tilts = [x for x in sp.Mul.make_args(s.function) if isinstance(x, sp.exp)]
            if len(weights) == 1 and len(tilts) == 1 and len(sp.Mul.make_args(s.function)) == 2:
                u, f = weights[0].base, sp.Lambda(y, tilts[0].args[0].xreplace({index: y}))
                for lemma_id in ("lib.lse-below-max", "lib.lse-above-min", "lib.lse-above-mean", "lib.jensen-exp"):
                    add(lemma_id, {"u": u, "f": f})
    return out


def _solve_multipliers(target: sp.Expr, forms: list[sp.Expr], atoms: set, op: str) -> list | None:
    """Multipliers ``c_j`` free of the atoms with ``target - sum_j c_j form_j`` equal to a
    constant ``c_0`` (free of the atoms too) of the sign ``op`` needs.  The atoms are given
    random rational values to get a square linear system; its solution is then checked at one
    more point.  The kernel verifies the final certificate symbolically anyway."""
    import random

    rng = random.Random(1)
    atoms = sorted(atoms, key=sp.default_sort_key)
    unknowns = sp.symbols(f"c0:{len(forms) + 1}")

    def equation():
        point = {a: sp.Rational(rng.randint(2, 97), rng.randint(2, 53)) for a in atoms}
        lhs = target.xreplace(point)
        rhs = unknowns[0] + sum(c * f.xreplace(point) for c, f in zip(unknowns[1:], forms))
        return sp.together(lhs - rhs)

    try:
        eqs = [equation() for _ in unknowns]
        # the unknowns appear linearly in the numerators (no denominator holds them): a linear
        # system, which linsolve solves many times faster than solve
        sol = sp.linsolve([sp.fraction(e)[0] for e in eqs], unknowns)
        if not isinstance(sol, sp.FiniteSet) or len(sol) != 1:
            return None
        values = [sp.cancel(v) for v in next(iter(sol))]
        if any(v.has(*unknowns) for v in values):
            return None
        check = equation().xreplace(dict(zip(unknowns, values)))
        if sp.cancel(check) != 0:
            return None
    except (NotImplementedError, ValueError, TypeError, ZeroDivisionError):
        return None
    rest = sign(values[0])
    if op == "==" and values[0] != 0 or op in (">", ">=") and rest not in ("pos", "nonneg", "zero"):
        return None
    return values[1:]
