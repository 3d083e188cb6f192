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

import functools

import sympy as sp

__all__ = ["number_problem", "assumption_problem", "beyond_domain"]

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


@functools.cache
def _canonical() -> dict:
    from ..notation import Domain

    return {
        Domain.REAL: {"real": True}, Domain.POSITIVE: {"positive": True}, Domain.NONNEGATIVE: {"nonnegative": True},
        Domain.NEGATIVE: {"negative": True}, Domain.NONPOSITIVE: {"nonpositive": True},
        Domain.UNIT_INTERVAL: {"positive": True}, Domain.INTEGER: {"integer": True},
        Domain.POSITIVE_INTEGER: {"integer": True, "positive": True}, Domain.REAL_VECTOR: {"real": True},
        Domain.DISTRIBUTION: {"positive": True}, Domain.SPARSE_DISTRIBUTION: {"nonnegative": True},
        Domain.POSITIVE_VECTOR: {"positive": True}, Domain.NONNEGATIVE_VECTOR: {"nonnegative": True},
    }


def beyond_domain(obj: sp.Basic, dom=None) -> list[str]:
    """The assumptions ``obj`` (a symbol, or a vector's label) holds that a symbol of its
    domain (``dom``, else the one read from its declaration or its own assumptions) would not:
    ``Symbol('z', rational=True)`` is a real ``z`` that the sign rules would also read as
    rational, though no domain, no search and no reader knows it.

    >>> beyond_domain(sp.Symbol("z", rational=True))
    ['algebraic', 'rational']
    >>> beyond_domain(sp.Symbol("t", positive=True))
    []
    """
    from .theory import domain_of

    return list(_beyond(obj, dom if dom is not None else domain_of(obj)))


@functools.lru_cache(maxsize=4096)
def _beyond(obj: sp.Basic, dom) -> tuple:
    """:func:`beyond_domain` for a known domain (a symbol's assumptions are part of it, so the
    answer may be remembered: every statement and certificate asks it of every symbol)."""
    canonical = sp.Symbol("canonical", **_canonical().get(dom, {}))
    return tuple(sorted(k for k, v in obj.assumptions0.items()  # (extended_positive and its kin follow from the rest)
                        if v is True and canonical.assumptions0.get(k) is not True and not k.startswith("extended_")))


def assumption_problem(e) -> str:
    """Why a quantity of ``e`` carries SymPy assumptions its domain does not give (``nonzero``,
    ``irrational``, ``even``, an integer label on a vector ...), or ``""``.  The sign rules and
    SymPy's own simplifications read every assumption, while the domains, the counterexample
    search and the documents know only the domain: such a quantity could make a rule read
    something no one else sees."""
    from .theory import domain_of

    if not isinstance(e, sp.Basic):
        return ""
    seen = set()
    for node in sp.preorder_traversal(e):
        if isinstance(node, sp.IndexedBase):
            quantities = [(node, node), (node.label, node)]
        elif isinstance(node, sp.Symbol):  # a Dummy too: a bound polar Dummy splits logarithms
            quantities = [(node, node)]
        else:
            continue
        for q, owner in quantities:
            if (q, owner) in seen:
                continue
            seen.add((q, owner))
            extra = beyond_domain(q, domain_of(owner))
            if extra:
                return (f"{q} carries assumptions ({', '.join(extra)}) beyond its domain; the engine reasons "
                        "from domains only: declare it with dpo_mixture.declare, or drop them")
    return ""
