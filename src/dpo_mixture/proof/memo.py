"""Remembered free symbols of sums: the same answer as SymPy's, computed once per sum.

SymPy works out the free symbols of a ``Sum`` (of any ``ExprWithLimits``) anew at every
request, and the way it does so rebuilds the whole body (its ``xreplace`` of the bound index by
itself makes new ``Indexed`` objects, each with its assumptions deduced afresh).  The engine
asks for the free symbols of the same sums again and again: which quantities a statement
mentions, which facts can reach it, which outputs the search must choose.  :func:`install`
makes SymPy remember the answer for each sum it has seen, keyed by the sum itself (structural
equality, so only an identical sum shares an answer), and hand out a fresh copy each time, as
SymPy does (callers may change the set they get).  No answer changes; nothing is trusted that
was not before.

>>> import sympy as sp
>>> x, k, n = sp.symbols("x k n")
>>> install()
>>> s = sp.Sum(x * k, (k, 1, n))
>>> sorted(map(str, s.free_symbols)), s.free_symbols == s.free_symbols
(['n', 'x'], True)
>>> s.free_symbols is s.free_symbols
False
"""

from __future__ import annotations

from sympy.concrete.expr_with_limits import ExprWithLimits

__all__ = ["install", "MAX_REMEMBERED"]

#: Sums remembered at once; past it the memory starts afresh (a bound on memory, not a cache
#: policy: the engine asks about few distinct sums).
MAX_REMEMBERED = 50_000

_sympy_free_symbols = ExprWithLimits.free_symbols.fget
_remembered: dict = {}


def _free_symbols(self) -> set:
    try:
        return set(_remembered[self])
    except KeyError:
        pass
    except TypeError:  # an unhashable part: ask SymPy every time
        return _sympy_free_symbols(self)
    found = _sympy_free_symbols(self)
    if len(_remembered) >= MAX_REMEMBERED:
        _remembered.clear()
    _remembered[self] = frozenset(found)
    return set(found)


def install() -> None:
    """Make SymPy remember the free symbols of every sum (idempotent)."""
    ExprWithLimits.free_symbols = property(_free_symbols, doc=ExprWithLimits.free_symbols.__doc__)
