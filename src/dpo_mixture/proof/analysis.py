"""Strategies for the results past the seed: certificates, extrema, derivatives and limits.

Like the strategies in :mod:`.strategies`, each one either closes a step (verdict ``PROVED``)
or returns ``None`` and leaves the step to the counterexample search.  None of them trusts the
author: a certificate's multipliers are checked, derivatives are computed, limits are taken.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..model import SupportMax, SupportMin
from .facts import unfold
from .normal_form import difference_is_zero, normal_form
from .sign import defined_everywhere, sign
from .step import Step
from .strategies import Strategy, _decide_sign, relation_parts
from .verdict import Outcome, Verdict

__all__ = ["Certificate", "ExtremumBound", "Differentiate", "LimitOf", "Signs", "exp_sign"]


def _exp_parts(term: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """``(c, x)`` with ``term = c * exp(x)``; ``x = 0`` for a term without exponential."""
    term = sp.powsimp(term, combine="exp")
    coeff, arg = sp.Integer(1), sp.Integer(0)
    for f in sp.Mul.make_args(term):
        if isinstance(f, sp.exp):
            arg += f.args[0]
        else:
            coeff *= f
    return coeff, arg


def exp_sign(e: sp.Expr) -> str | None:
    """:func:`~.sign.sign`, plus monotonicity of ``exp``: ``c (e^x - e^z)`` has the sign of
    ``c (x - z)``.

    >>> u = sp.Symbol("u", nonnegative=True)
    >>> exp_sign(sp.exp(u) - 1), exp_sign(sp.exp(-u) - 1)
    ('nonneg', 'nonpos')
    """
    s = sign(e)
    if s is not None:
        return s
    e = sp.expand(e)
    s = _affine_in_alpha(e)
    if s is not None:
        return s
    if isinstance(e, sp.Add) and len(e.args) == 2:
        (c1, x1), (c2, x2) = (_exp_parts(a) for a in e.args)
        if sp.expand(c1 + c2) == 0:
            s1, s2 = sign(c1), sign(sp.expand(x1 - x2))
            if s1 is not None and s2 is not None:
                from .sign import _mul

                return _mul(s1, s2)
    factored = sp.factor_terms(e)
    if isinstance(factored, sp.Mul):
        out = "pos"
        from .sign import _mul

        for f in factored.args:
            out = _mul(out, exp_sign(f) if isinstance(f, sp.Add) else sign(f))
        return out
    return None


def _affine_in_alpha(e: sp.Expr) -> str | None:
    """An expression affine in ``alpha`` is ``(1 - alpha) e(0) + alpha e(1)`` with
    ``0 < alpha < 1``: a convex combination of its values at the two ends."""
    from ..notation import alpha
    from .sign import _add, _mul

    if not e.has(alpha) or sp.diff(e, alpha, 2) != 0 or not e.is_polynomial(alpha):
        return None
    at0, at1 = sp.expand(e.xreplace({alpha: 0})), sp.expand(e.xreplace({alpha: 1}))
    return _add([_mul("pos", exp_sign(at0)), _mul("pos", exp_sign(at1))])


def _sign_of(c: sp.Expr, facts) -> str | None:
    """The sign of ``c``: as written, else as one fraction of expanded numerator and denominator."""
    from .sign import _mul

    s = exp_sign(c)
    if s is not None:
        return s
    num, den = sp.fraction(sp.together(normal_form(c, facts)))
    s_den = exp_sign(sp.expand(den))
    if s_den not in ("pos", "neg"):
        return None
    return _mul(exp_sign(sp.expand(num)) or exp_sign(sp.factor(num)), s_den)


def _decide(d: sp.Expr, op: str, facts) -> bool:
    """Whether ``d op 0`` follows from the signs of its parts, reading signs with ``exp_sign``."""
    return _decide_sign(d, op, facts, sign_of=exp_sign)


@dataclass(frozen=True, repr=False)
class Signs(Strategy):
    """The normal-form strategy with a stronger sign analysis: ``exp`` is increasing, and an
    expression affine in ``alpha`` is a convex combination of its values at ``alpha = 0, 1``.

    >>> from dpo_mixture.notation import alpha, M_A, M_U
    >>> s = Step("z", "Z > 0", sp.Gt(alpha * M_A + (1 - alpha) * M_U, 0), "convex combination")
    >>> Signs().attempt(s).method
    'normal form; signs of its parts'
    """

    name = "signs"

    def attempt(self, step: Step) -> Outcome | None:
        parts = list(step.claim.args) if isinstance(step.claim, sp.And) else [step.claim]
        for rel in parts:
            d, op = relation_parts(rel)
            if not _decide(d, op, step.facts):
                return None
        return Outcome(Verdict.PROVED, "normal form; signs of its parts")


@dataclass(frozen=True, repr=False)
class Certificate(Strategy):
    """Prove ``hypotheses => claim`` from multipliers the author supplies and the engine checks.

    With the claim read as ``d op 0`` and hypothesis ``i`` as ``h_i op_i 0``, the step gives
    ``c_i``; the engine verifies that every ``c_i`` is nonnegative (any sign for an equality),
    and that the rest ``d - sum c_i h_i`` has a sign that, added to the hypotheses, gives the
    claim.  This is the "divide the inequalities" argument written out.  A conjunction among
    the hypotheses counts as its parts, in order.

    >>> a, b = sp.symbols("a b", positive=True)
    >>> s = Step("half", "a > b implies a/b > 1", sp.Gt(a / b, 1), "divide by b",
    ...          hypotheses=(sp.Gt(a, b),))
    >>> Certificate((1 / b,)).attempt(s).method
    'certificate: weighted sum of the hypotheses'
    """

    multipliers: tuple[sp.Expr, ...]
    name = "certificate"

    def attempt(self, step: Step) -> Outcome | None:
        hyps = [a for h in step.hypotheses for a in (h.args if isinstance(h, sp.And) else (h,))]
        if len(self.multipliers) != len(hyps):
            return None
        parts = list(step.claim.args) if isinstance(step.claim, sp.And) else [step.claim]
        for rel in parts:  # a conjunction: every part from the same multipliers
            if not self._part(rel, hyps, step.facts):
                return None
        return Outcome(Verdict.PROVED, "certificate: weighted sum of the hypotheses")

    def _part(self, rel: sp.Basic, hyps: list, facts) -> bool:
        d, op = relation_parts(rel)
        if op == "==":
            return False
        rest = d
        strict = False
        for c, h in zip(self.multipliers, hyps):
            hd, hop = relation_parts(h)
            if not (defined_everywhere(c) or defined_everywhere(normal_form(c, facts))):
                return False  # a multiplier with a pole could cancel a false claim where h = 0
            sc = _sign_of(c, facts)
            if hop != "==" and sc not in ("pos", "nonneg", "zero"):
                return False
            if hop == ">" and sc == "pos":
                strict = True
            rest = rest - c * hd
        if _decide(rest, "==", facts):
            return op != ">" or strict
        if _decide(rest, ">", facts):
            return True
        return _decide(rest, ">=", facts) and (op != ">" or strict)


@dataclass(frozen=True, repr=False)
class ExtremumBound(Strategy):
    """Prove a pointwise claim about the support-wide max and min of a function ``f``.

    At an output ``y`` of the support, ``max f = f(y) + u`` and ``min f = f(y) - w`` with
    ``u, w >= 0``; the strategy substitutes these and decides every link's sign, using that
    ``exp`` is increasing.

    >>> from dpo_mixture.notation import r, y, k, beta
    >>> top = SupportMax(r[k], k)
    >>> s = Step("tilt-top", "the largest tilt", sp.Le(sp.exp(r[y] / beta), sp.exp(top / beta)), "max")
    >>> ExtremumBound(y).attempt(s).method
    'max f = f(y) + u and min f = f(y) - w with u, w >= 0; exp is increasing'
    """

    index: sp.Symbol
    name = "extremum"

    def attempt(self, step: Step) -> Outcome | None:
        index = self.index
        if not (isinstance(index, sp.Symbol) and index.is_integer and index.is_positive):
            return None  # only an output of the support (a free index), never a chosen value
        claim = step.claim
        parts = list(claim.args) if isinstance(claim, sp.And) else [claim]

        def sub(e: sp.Expr) -> sp.Expr:
            def value(node):
                gap = sp.Dummy("gap", nonnegative=True)
                body = node.args[0].xreplace({node.args[1]: self.index})
                return body + gap if isinstance(node, SupportMax) else body - gap

            return e.replace(lambda x: isinstance(x, (SupportMax, SupportMin)), value)

        for rel in parts:
            d, op = relation_parts(rel)
            if not (d.has(SupportMax) or d.has(SupportMin)):
                return None
            if not _decide(sub(d), op, step.facts):
                return None
        return Outcome(Verdict.PROVED, "max f = f(y) + u and min f = f(y) - w with u, w >= 0; exp is increasing")


@dataclass(frozen=True, repr=False)
class Differentiate(Strategy):
    """Prove ``Derivative(F, x) = G``: differentiate (under finite sums) and compare normal forms.

    >>> from dpo_mixture.notation import p, r, t, support_sum
    >>> F = support_sum(p[_k] * sp.exp(t * r[_k]), _k)
    >>> s = Step("d", "derivative of a moment", sp.Eq(sp.Derivative(F, t), support_sum(p[_k] * r[_k] * sp.exp(t * r[_k]), _k)), "")
    >>> Differentiate().attempt(s).method
    'differentiated under the finite sum; sum normal form'
    """

    name = "differentiation"

    def attempt(self, step: Step) -> Outcome | None:
        claim = step.claim
        if not isinstance(claim, sp.Eq) or not claim.has(sp.Derivative):
            return None
        lhs = unfold_then_diff(claim.lhs, step.facts)
        rhs = unfold_then_diff(claim.rhs, step.facts)
        if lhs.has(sp.Derivative) or rhs.has(sp.Derivative):
            return None
        if _mentions_derived(unfold(claim.lhs, step.facts)):
            return None  # a derived quantity left opaque would be differentiated as a constant
        if not difference_is_zero(lhs, rhs, step.facts)[0]:
            return None
        return Outcome(Verdict.PROVED, "differentiated under the finite sum; sum normal form")


def unfold_then_diff(e: sp.Expr, facts) -> sp.Expr:
    """Unfold definitions inside derivatives, then carry out the differentiation."""
    from .facts import unfold

    return unfold(e, facts).doit(deep=True) if e.has(sp.Derivative) else e


@dataclass(frozen=True, repr=False)
class LimitOf(Strategy):
    """Prove ``Limit(F, x, x0) = L``.

    Definitions are unfolded first.  For ``x -> oo`` the variable becomes ``1/s`` with
    ``s -> 0+``.  A hypothesis ``a < b`` is used by writing ``a = b - g`` with ``g > 0``.  Then

    * *continuity*: when ``F`` is a ratio of finite sums of continuous terms whose denominator
      is positive at the limit point, the limit is the value there (the sum is finite, so the
      limit passes through it);
    * otherwise SymPy's ``limit`` is taken, provided no sum is left in ``F``.

    >>> from dpo_mixture.notation import beta
    >>> g = sp.Symbol("g", positive=True)
    >>> s = Step("l", "decay", sp.Eq(sp.Limit(sp.exp(-g / beta), beta, 0, "+"), 0), "")
    >>> LimitOf().attempt(s).method
    'limit of a function with no sums left'
    """

    name = "limit"

    def attempt(self, step: Step) -> Outcome | None:
        claim = step.claim
        if not (isinstance(claim, sp.Eq) and isinstance(claim.lhs, sp.Limit)):
            return None
        expr, var, point, direction = claim.lhs.args
        if _mentions_derived(unfold(expr, step.facts)):
            return None  # a derived quantity left opaque would be taken as constant in the limit
        e = normal_form(expr, step.facts)
        for h in step.hypotheses:
            if var in h.free_symbols:
                continue  # a hypothesis about the current value says nothing along the limit
            if isinstance(h, sp.StrictLessThan) and isinstance(h.lhs, (sp.Indexed, sp.Symbol)):
                g = sp.Dummy("g", positive=True)
                e = e.xreplace({h.lhs: h.rhs - g})
        e = sp.powsimp(sp.expand(e), combine="exp")
        if point in (sp.oo, -sp.oo):
            s = sp.Dummy("s", positive=True)
            e, var, point, direction = e.xreplace({var: (1 if point == sp.oo else -1) / s}), s, sp.Integer(0), "+"
        num, den = sp.fraction(sp.together(e))
        at_den = normal_form(sp.sympify(den).xreplace({var: point}), step.facts)
        if _continuous(num) and _continuous(den) and not at_den.has(sp.zoo, sp.nan, sp.oo) and sign(at_den) == "pos":
            value = normal_form(sp.sympify(num).xreplace({var: point}), step.facts) / at_den
            if not value.has(sp.zoo, sp.nan) and difference_is_zero(value, claim.rhs, step.facts)[0]:
                return Outcome(Verdict.PROVED, "continuity at the limit point (finite sums, positive denominator)")
        if e.has(sp.Sum):
            return None
        value = sp.limit(e, var, point, direction)
        if value.has(sp.Limit) or not difference_is_zero(value, claim.rhs, step.facts)[0]:
            return None
        return Outcome(Verdict.PROVED, "limit of a function with no sums left")


def _mentions_derived(e: sp.Expr) -> bool:
    """Whether ``e`` still names a derived quantity (Z, M_A, TPM_A, p_theta, ...)."""
    from ..notation import DERIVED

    names = {str(s) for s in e.free_symbols if isinstance(s, sp.Symbol)}
    names |= {str(i.base.label) for i in e.atoms(sp.Indexed)}
    return bool(names & DERIVED)


_CONTINUOUS = (sp.Add, sp.Mul, sp.exp, sp.Sum, sp.Symbol, sp.Indexed, sp.IndexedBase, sp.Number, sp.Tuple, sp.Abs, sp.Max, sp.Min, SupportMax, SupportMin)


def _continuous(e: sp.Expr) -> bool:
    """Whether every node of ``e`` is a function continuous wherever it is defined and finite."""
    for node in sp.preorder_traversal(e):
        if isinstance(node, sp.Pow):
            if not (node.exp.is_Integer or sign(node.base) == "pos"):
                return False
        elif isinstance(node, sp.log):
            if sign(node.args[0]) != "pos":
                return False
        elif not isinstance(node, _CONTINUOUS) and node not in (sp.pi, sp.E):
            return False
    return True


from ..notation import k as _k  # noqa: E402  (doctest convenience)
