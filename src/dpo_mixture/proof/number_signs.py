"""The sign of a number-valued expression, decided by interval arithmetic.

SymPy decides the sign of an expression without symbols (``log(2) - 1/2``) by evaluating it to
two digits and trusting the digits it believes correct.  That belief can be wrong: SymPy gives
``log(1 + 10**-20)`` at low precision as an exact 0, so it finds
``log(1 + 10**-20) - 10**-20 + 10**-40/2`` negative although it is ``+3.3e-61``, and everything
built on that sign (the engine's sign rules, the definedness of ``log`` and ``sqrt``, ``Abs``,
``Max``, comparisons) inherits the error.

:func:`interval_sign` evaluates the expression in outward-rounded interval arithmetic
(:mod:`mpmath.iv`, the evaluator of :mod:`.certify`) at growing precision, and answers only
when the interval lies on one side of zero (or is the point 0).  :func:`install` makes SymPy
ask it for the sign of every number-valued expression (other than a Rational or a Float,
whose sign SymPy reads off exactly) in place of its own two digits; a question the interval
cannot settle (a function it does not evaluate, a cancellation deeper than its precision)
stays undecided instead of being guessed.

>>> import sympy as sp
>>> tiny = sp.Integer(10) ** -20
>>> gap = sp.log(1 + tiny) - tiny + tiny**2 / 2
>>> interval_sign(gap), interval_sign(sp.log(2) - 1), interval_sign(sp.sin(1)) is None
('pos', 'neg', True)
>>> install()
>>> gap.is_positive, (-gap).is_negative
(True, True)
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.core import relational
from sympy.core.expr import Expr

__all__ = ["interval_sign", "install", "PRECISIONS"]

#: Interval precisions tried in turn, in bits: a cancellation deeper than the last stays open.
PRECISIONS = (80, 320, 1280)


@functools.lru_cache(maxsize=8192)
def interval_sign(e: sp.Expr) -> str | None:
    """``'pos'``, ``'neg'`` or ``'zero'`` when interval arithmetic settles the sign of the
    number-valued ``e``, else ``None`` (symbols, or parts the evaluator does not know)."""
    from .certify import evaluate_interval

    if not isinstance(e, sp.Expr) or e.free_symbols:
        return None
    if e.is_Rational:
        return "pos" if e > 0 else "neg" if e < 0 else "zero"
    for bits in PRECISIONS:
        value = evaluate_interval(e, bits)
        if value is None:
            return None
        if value.a > 0:
            return "pos"
        if value.b < 0:
            return "neg"
        if value.a == 0 and value.b == 0:
            return "zero"
    return None


_sympy_sign = Expr._eval_is_extended_positive_negative
_sympy_n2 = relational._n2
_sympy_comparable = Expr.is_comparable.fget


def _confirmed_sign(self, positive):
    if self.is_Number or not self.is_number:
        return _sympy_sign(self, positive)  # a Rational or a Float's sign is read off exactly
    found = interval_sign(self)
    if found is None:
        return None
    return found == ("pos" if positive else "neg")


def _confirmed_difference(a, b):
    if (a.is_Number and b.is_Number) or not (a.is_comparable and b.is_comparable):
        return _sympy_n2(a, b)
    found = interval_sign(a - b)
    return None if found is None else {"pos": sp.S.One, "neg": sp.S.NegativeOne, "zero": sp.S.Zero}[found]


def _comparable(self):
    """SymPy's test, or a real number whose sign the interval settles (SymPy's two digits of
    ``exp(10**-50) - 1 - 10**-50`` have no significance, so ``Max`` of it was an error)."""
    if _sympy_comparable(self):
        return True
    return bool(self.is_number) and not self.is_Number and interval_sign(self) is not None


def install() -> None:
    """Make SymPy's numeric sign decisions (assumptions, comparisons) wait for the interval's
    confirmation (idempotent)."""
    Expr._eval_is_extended_positive_negative = _confirmed_sign
    relational._n2 = _confirmed_difference
    Expr.is_comparable = property(_comparable, doc=Expr.is_comparable.__doc__)
