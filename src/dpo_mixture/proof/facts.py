"""Facts a step may cite: definitions to unfold and identities to rewrite with.

A step names the facts it uses; the engine applies those and no others, so dropping a needed
fact makes the proof fail instead of passing silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["Definition", "Identity", "Fact", "unfold"]


@dataclass(frozen=True)
class Definition:
    """``target := expr``.

    ``target`` is a scalar symbol, or an indexed entry ``base[index]``: the definition then
    holds for every output and is instantiated at whatever index it is used.

    >>> from dpo_mixture.notation import p_star, p_ref, r, beta, Z, y
    >>> d = Definition("p*", p_star[y], p_ref[y] * sp.exp(r[y] / beta) / Z)
    >>> d.apply(p_star[3] + 1)
    1 + exp(r[3]/beta)*p_ref[3]/Z
    """

    name: str
    target: sp.Expr
    expr: sp.Expr

    @property
    def relation(self) -> sp.Eq:
        return sp.Eq(self.target, self.expr, evaluate=False)

    def apply(self, expr: sp.Expr) -> sp.Expr:
        """Replace every occurrence of the target in ``expr`` by its definition."""
        target = self.target
        if isinstance(target, sp.Indexed):
            base, (index,) = target.base, target.indices

            def query(e: sp.Basic) -> bool:
                return isinstance(e, sp.Indexed) and e.base == base

            def value(e: sp.Indexed) -> sp.Expr:
                return self.expr.xreplace({index: e.indices[0]})

            return expr.replace(query, value)
        return expr.xreplace({target: self.expr})


@dataclass(frozen=True)
class Identity:
    """A known equality ``lhs = rhs`` used as a rewrite rule on normal forms.

    Typical use: the normalization ``sum_y p(y) = 1``.
    """

    name: str
    lhs: sp.Expr
    rhs: sp.Expr

    @property
    def relation(self) -> sp.Eq:
        return sp.Eq(self.lhs, self.rhs, evaluate=False)


Fact = Definition | Identity


def unfold(expr: sp.Expr, facts: tuple[Fact, ...] | list[Fact], rounds: int = 8) -> sp.Expr:
    """Unfold every :class:`Definition` among ``facts`` in ``expr`` until nothing changes.

    >>> from dpo_mixture.notation import Z, p_ref, r, beta, k, support_sum
    >>> dz = Definition("Z", Z, support_sum(p_ref[k] * sp.exp(r[k] / beta), k))
    >>> unfold(2 * Z, [dz])
    2*Sum(exp(r[k]/beta)*p_ref[k], (k, 1, n))
    """
    definitions = [f for f in facts if isinstance(f, Definition)]
    # named operators (uniform means and covariances) stand for sums: open them first
    expr = expr.replace(lambda e: hasattr(e, "unfold") and isinstance(e, sp.Function), lambda e: e.unfold())
    for _ in range(rounds):
        new = expr
        for d in definitions:
            new = d.apply(new)
        if new == expr:
            return expr
        expr = new
    return expr
