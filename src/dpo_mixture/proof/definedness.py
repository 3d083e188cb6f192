"""Where an expression is defined: its side-conditions, and whether they are discharged.

A statement that divides, takes a logarithm or a fractional power means something only where

* every denominator is nonzero,
* every logarithm's argument is positive,
* every fractional power's base is nonnegative (positive when the exponent is negative).

:func:`conditions` lists these side-conditions of an expression, each as a relation ``d op 0``
(``op`` in ``> >= !=``), including those inside sums and extrema, where they must hold at every
output (the bound index becomes a fresh symbol for an arbitrary output).  The kernel proves
every condition before it proves anything else; a condition it cannot prove makes the step
undecided and names the condition, so a claim that is not real-valued everywhere in its domain
is never proved.

>>> from dpo_mixture.notation import p_A, y, beta
>>> [str(c) for c in conditions(sp.log(p_A[y]) / beta)]
['p_A[y] > 0']
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["Condition", "conditions"]


@dataclass(frozen=True)
class Condition:
    """``expr op 0`` with ``op`` in ``">"``, ``">="``, ``"!="``."""

    expr: sp.Expr
    op: str

    def relation(self) -> sp.Basic:
        if self.op == ">":
            return sp.Gt(self.expr, 0, evaluate=False)
        if self.op == ">=":
            return sp.Ge(self.expr, 0, evaluate=False)
        return sp.Ne(self.expr, 0, evaluate=False)

    def __str__(self) -> str:
        return f"{sp.sstr(self.expr)} {self.op} 0"


def _all_conditions(expr: sp.Basic) -> list[Condition]:
    """Every side-condition of ``expr``, trivial ones included."""
    from ..model import SupportMax, SupportMin
    from .normal_form import fresh_output

    out: list[Condition] = []

    def walk(e: sp.Basic) -> None:
        if isinstance(e, sp.Subs):  # the body is taken at the point: so are its conditions
            at = dict(zip(e.variables, e.point))
            out.extend(Condition(c.expr.xreplace(at), c.op) for c in _all_conditions(e.expr))
            walk(e.point)
            return
        if isinstance(e, (sp.Derivative,)):
            walk(e.expr)
            return
        if isinstance(e, sp.Limit):
            return  # the limit's own value is what is claimed; its argument need not be defined at the point
        if isinstance(e, sp.Sum) and len(e.limits) == 1:
            (index, lo, hi), = e.limits
            walk(e.function.xreplace({index: fresh_output(str(index))}))
            return
        if isinstance(e, (SupportMax, SupportMin)):
            body, index = e.args
            walk(body.xreplace({index: fresh_output(str(index))}))
            return
        if isinstance(e, sp.Pow):
            b, x = e.base, e.exp
            if x.is_Integer:
                if int(x) < 0:
                    out.append(Condition(b, "!="))
            elif x.is_number and x.is_real:
                out.append(Condition(b, ">" if x.is_negative else ">="))
            else:
                out.append(Condition(b, ">"))  # b**x with x symbolic: b > 0
        elif isinstance(e, sp.log):
            out.append(Condition(e.args[0], ">"))
        for a in e.args:
            if isinstance(a, sp.Basic):
                walk(a)

    walk(sp.sympify(expr))
    return out


def conditions(expr: sp.Basic) -> tuple[Condition, ...]:
    """The side-conditions under which ``expr`` is defined (duplicates removed, order kept).

    >>> x = sp.Symbol("x", positive=True)
    >>> [str(c) for c in conditions(sp.Subs(sp.log(x), x, 1 - x))], conditions(sp.log(x))
    (['1 - x > 0'], ())
    """
    return tuple(dict.fromkeys(c for c in _all_conditions(expr) if not _trivial(c)))


def _trivial(c: Condition) -> bool:
    """Shown by the symbols' own assumptions (``beta`` is declared positive), or a true number."""
    e = c.expr
    if e.is_positive or c.op == ">=" and e.is_nonnegative or c.op == "!=" and (e.is_positive or e.is_negative):
        return True
    if e.is_number:
        if not e.is_real:
            return False
        return bool(e > 0) if c.op == ">" else bool(e >= 0) if c.op == ">=" else bool(e != 0)
    return False
