"""Declare the quantities of your own derivation once: their domain, their printed name.

Each function makes the SymPy object with the right assumptions and registers its domain, so
the sign rules, the kernel's domain checks and the counterexample search all know it, and its
LaTeX name, so the documents print it.  Nothing needs repeating on every step.

>>> from dpo_mixture import declare
>>> pi = declare.distribution("pi", latex=r"\\pi")
>>> R = declare.reward("R")
>>> b = declare.temperature("b")
>>> a = declare.probability("a")
>>> j = declare.index("j")
>>> pi[j].is_positive, R[j].is_real, b.is_positive, a.is_positive
(True, True, True, True)
>>> from dpo_mixture.notation import DOMAINS
>>> DOMAINS[a].name, DOMAINS[pi].name
('UNIT_INTERVAL', 'DISTRIBUTION')
"""

from __future__ import annotations

import re

import sympy as sp

from .notation import DOMAINS, INDEXED_LATEX, LATEX_NAMES, Domain

__all__ = [
    "distribution",
    "reward",
    "temperature",
    "probability",
    "index",
    "scalar",
    "vector",
]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _check_name(name: str, what: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"{what} name must be an identifier (letters, digits, '_'), not {name!r}")
    return name


def _register(obj: sp.Basic, name: str, domain: Domain | None, latex: str | None, pattern: str | None = None) -> None:
    if domain is not None:
        known = DOMAINS.get(obj)
        if known is not None and known is not domain:
            raise ValueError(f"{name} is already declared as {known.value}, not {domain.value}")
        DOMAINS[obj] = domain
    if latex is not None:
        if not isinstance(latex, str):
            raise ValueError(f"latex must be a string, not {type(latex).__name__}")
        LATEX_NAMES[name] = latex
    if pattern is not None:
        INDEXED_LATEX.setdefault(name, pattern)


def distribution(name: str, *, zeros: bool = False, latex: str | None = None) -> sp.IndexedBase:
    """A distribution over the support: positive at every output (or, with ``zeros=True``,
    nonnegative), summing to one.  Use it as ``pi[y]``."""
    _check_name(name, "distribution")
    base = sp.IndexedBase(name, nonnegative=True) if zeros else sp.IndexedBase(name, positive=True)
    _register(base, name, Domain.SPARSE_DISTRIBUTION if zeros else Domain.DISTRIBUTION, latex, "{name}({i})")
    return base


def reward(name: str, *, latex: str | None = None) -> sp.IndexedBase:
    """A real function over the support (a reward, a score, a log-probability)."""
    _check_name(name, "reward")
    base = sp.IndexedBase(name, real=True)
    _register(base, name, Domain.REAL_VECTOR, latex, "{name}({i})")
    return base


def vector(name: str, *, positive: bool = False, nonnegative: bool = False, latex: str | None = None) -> sp.IndexedBase:
    """A function over the support, real, positive or nonnegative."""
    _check_name(name, "vector")
    if positive:
        base, domain = sp.IndexedBase(name, positive=True), Domain.POSITIVE_VECTOR
    elif nonnegative:
        base, domain = sp.IndexedBase(name, nonnegative=True), Domain.NONNEGATIVE_VECTOR
    else:
        base, domain = sp.IndexedBase(name, real=True), Domain.REAL_VECTOR
    _register(base, name, domain, latex, "{name}({i})")
    return base


def temperature(name: str, *, latex: str | None = None) -> sp.Symbol:
    """A positive scalar (a temperature such as ``beta``, a rate, a scale)."""
    _check_name(name, "temperature")
    sym = sp.Symbol(name, positive=True)
    _register(sym, name, Domain.POSITIVE, latex)
    return sym


def probability(name: str, *, latex: str | None = None) -> sp.Symbol:
    """A scalar in the open interval ``(0, 1)`` (a mixture weight)."""
    _check_name(name, "probability")
    sym = sp.Symbol(name, positive=True)
    _register(sym, name, Domain.UNIT_INTERVAL, latex)
    return sym


def index(name: str, *, latex: str | None = None) -> sp.Symbol:
    """An output of the support, to index functions over it or to sum over
    (``sp.Sum(f[j], (j, 1, n))``, or :func:`dpo_mixture.notation.support_sum`)."""
    _check_name(name, "index")
    sym = sp.Symbol(name, integer=True, positive=True)
    _register(sym, name, Domain.POSITIVE_INTEGER, latex)
    return sym


def scalar(name: str, *, positive: bool = False, nonnegative: bool = False, negative: bool = False,
           integer: bool = False, latex: str | None = None) -> sp.Symbol:
    """A real scalar, with an optional sign or integrality."""
    _check_name(name, "scalar")
    if sum((positive, nonnegative, negative)) > 1:
        raise ValueError("scalar: give at most one of positive, nonnegative, negative")
    assumptions = {"real": True}
    domain = Domain.REAL
    if integer:
        assumptions["integer"] = True
        domain = Domain.POSITIVE_INTEGER if positive else Domain.INTEGER
    if positive:
        assumptions["positive"] = True
        domain = Domain.POSITIVE_INTEGER if integer else Domain.POSITIVE
    elif nonnegative:
        assumptions["nonnegative"] = True
        domain = Domain.NONNEGATIVE
    elif negative:
        assumptions["negative"] = True
        domain = Domain.NEGATIVE
    sym = sp.Symbol(name, **assumptions)
    _register(sym, name, domain, latex)
    return sym
