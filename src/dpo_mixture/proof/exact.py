"""Exact, finite numbers: what a statement and a certificate may hold.

The normal form and the sign rules decide with exact arithmetic.  An inexact number (a SymPy
``Float``) would make SymPy round: ``2.0**70 + 1 - 2.0**70`` is ``0``, so a false obligation
could close.  An infinite one (``oo``, or a symbol declared ``extended_real``) makes ``w + 1 > w``
read as ``oo + 1 > oo``.  :func:`number_problem` names the first such node; steps refuse it when
they are built and the kernel refuses it in anything a certificate brings.  The point of a
``Limit`` may be infinite: ``beta -> oo`` is a limit, not a value.

>>> import sympy as sp
>>> number_problem(sp.Float(1) + sp.Symbol("x", real=True))
'the inexact number 1.00000000000000 (a Float): write it exactly, as an Integer or a Rational'
>>> number_problem(sp.Limit(1 / sp.Symbol("b", positive=True), sp.Symbol("b", positive=True), sp.oo))
''
>>> number_problem(sp.Symbol("w", extended_real=True) + 1)
'w may be infinite (its assumptions allow it): declare it real, or use dpo_mixture.declare'
"""

from __future__ import annotations

import sympy as sp

__all__ = ["number_problem"]

_INFINITE = (sp.core.numbers.Infinity, sp.core.numbers.NegativeInfinity, sp.core.numbers.ComplexInfinity,
             sp.core.numbers.NaN)


def number_problem(e) -> str:
    """Why ``e`` holds a number the engine cannot reason about exactly, or ``""``."""
    if not isinstance(e, sp.Basic):
        return ""
    if isinstance(e, sp.Float):
        return f"the inexact number {e} (a Float): write it exactly, as an Integer or a Rational"
    if isinstance(e, _INFINITE):
        return f"{e} is not a finite number; only a limit's point may be infinite"
    if isinstance(e, (sp.Symbol, sp.Indexed)) and (e.is_infinite or (e.is_extended_real and e.is_finite is not True)):
        return f"{e} may be infinite (its assumptions allow it): declare it real, or use dpo_mixture.declare"
    args = e.args
    if isinstance(e, sp.Limit):
        args = args[:2]  # the expression and the variable; the point may be oo
    for a in args:
        found = number_problem(a)
        if found:
            return found
    return ""
