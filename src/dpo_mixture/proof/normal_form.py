"""Targeted normal forms for expressions with sums over the support.

Instead of asking ``simplify(a - b) == 0``, the engine brings both sides to a form in which
equal expressions become identical:

1. logarithms are expanded, which is sound because every probability is declared positive;
2. every sum is split over the terms of its summand, and factors free of the index are pulled
   out (linearity);
3. summation indices are renamed to the canonical ``y``, so ``sum_k f(k)`` and ``sum_y f(y)``
   coincide;
4. cited identities (such as ``sum_y p(y) = 1``) are applied to the split sums.
"""

from __future__ import annotations

import sympy as sp

from ..notation import y as _y
from .facts import Fact, Identity, unfold

__all__ = ["split_sums", "normal_form", "difference_is_zero", "separable_summand"]


def _expand(expr: sp.Expr) -> sp.Expr:
    return sp.expand(sp.expand_log(expr))


def _split_one(s: sp.Sum) -> sp.Expr:
    if len(s.limits) != 1:
        return s
    index, lo, hi = s.limits[0]
    body = _expand(split_sums(s.function))
    total = sp.Integer(0)
    rest: dict[sp.Expr, sp.Expr] = {}
    for term in sp.Add.make_args(body):
        const, dep = term.as_independent(index, as_Add=False)
        if dep == 1:
            total += const * (hi - lo + 1)
            continue
        rest[dep] = rest.get(dep, sp.Integer(0)) + const
    for dep, const in rest.items():
        name = index
        if index != _y and _y not in dep.free_symbols and _y not in (lo.free_symbols | hi.free_symbols):
            dep, name = dep.xreplace({index: _y}), _y
        total += const * sp.Sum(dep, (name, lo, hi))
    return total


def split_sums(expr: sp.Expr) -> sp.Expr:
    """Split every sum by linearity and pull out factors free of its index.

    >>> from dpo_mixture.notation import p, r, beta, k, support_sum
    >>> split_sums(support_sum(p[k] * (r[k] / beta + 2), k))
    2*Sum(p[y], (y, 1, n)) + Sum(p[y]*r[y], (y, 1, n))/beta
    """
    return expr.replace(lambda e: isinstance(e, sp.Sum), _split_one)


def normal_form(expr: sp.Expr, facts: tuple[Fact, ...] | list[Fact] = ()) -> sp.Expr:
    """Unfold definitions, split sums, apply identities; repeat to a fixed point.

    >>> from dpo_mixture.notation import p, support_sum
    >>> from dpo_mixture.proof.facts import Identity
    >>> norm = Identity("normalization", support_sum(p[_y]), 1)
    >>> normal_form(support_sum(3 * p[_y] + 1), [norm])
    n + 3
    """
    identities = [
        (split_sums(_expand(f.lhs)), sp.sympify(f.rhs)) for f in facts if isinstance(f, Identity)
    ]
    expr = unfold(sp.sympify(expr), facts)
    for _ in range(6):
        new = _expand(split_sums(_expand(expr)))
        for lhs, rhs in identities:
            new = new.xreplace({lhs: rhs}) if not isinstance(lhs, sp.Add) else new.subs(lhs, rhs)
        new = _expand(new)
        if new == expr:
            break
        expr = new
    return expr


def difference_is_zero(lhs: sp.Expr, rhs: sp.Expr, facts=()) -> tuple[bool, sp.Expr]:
    """Whether ``lhs - rhs`` has normal form 0; also returns the normal form of the difference.

    >>> from dpo_mixture.notation import p, r, beta, support_sum
    >>> difference_is_zero(support_sum(p[_y] * sp.log(sp.exp(r[_y] / beta))),
    ...                    support_sum(p[_y] * r[_y]) / beta)[0]
    True
    """
    diff = normal_form(sp.sympify(lhs) - sp.sympify(rhs), facts)
    if diff == 0:
        return True, diff
    # Rational functions with no sums left: bring to one fraction and expand the numerator.
    num, _den = sp.fraction(sp.together(diff))
    if sp.expand(num) == 0:
        return True, sp.Integer(0)
    return False, diff


def separable_summand(expr: sp.Expr, index: sp.Symbol = _y) -> sp.Expr:
    """``f`` such that ``expr = sum_index f``, for an expression made of constant multiples of
    sums over the same index and range.

    >>> from dpo_mixture.notation import p, r, beta, support_sum
    >>> separable_summand(support_sum(p[_y] * r[_y]) - beta * support_sum(p[_y] ** 2))
    -beta*p[y]**2 + p[y]*r[y]
    """
    total = sp.Integer(0)
    limits = None
    for term in sp.Add.make_args(expr):
        sums = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum)]
        if len(sums) != 1 or sums[0].limits[0][0] != index:
            raise ValueError(f"not a multiple of one sum over {index}: {term}")
        if limits is not None and sums[0].limits != limits:
            raise ValueError("the sums run over different ranges")
        limits = sums[0].limits
        coeff = term / sums[0]
        if coeff.has(index):
            raise ValueError(f"the factor {coeff} depends on the index {index}")
        total += coeff * sums[0].function
    return total
