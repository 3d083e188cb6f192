"""Limits from the rules of the extended reals, without SymPy's ``limit``.

The kernel's limit rule needs ``lim_{v -> 0+} F`` for an expression ``F`` in a positive
variable ``v`` (a limit at another point, from either side or at infinity, is moved there
first).  SymPy's ``limit`` cannot be trusted for this: SymPy 1.14 returns ``0`` for limits that
are ``log 2`` or ``2 log 2`` (it drops a factor ``log(1 + exp(-exp(-1/v)))``), and no sampling
of the function near the point tells a wrong answer from a right one.  This module works the
limit out node by node, each step a theorem about limits:

* a quantity free of ``v`` is its own limit (the caller checks it is finite and defined);
* sums, products, integer powers, ``exp``, ``log``, ``Abs``, ``Max`` and ``Min`` of arguments
  with limits in the extended reals have the limit the arithmetic of the extended reals gives,
  where that arithmetic is determinate (``c * oo`` needs the sign of ``c``; ``1/g`` with
  ``g -> 0`` needs the sign of ``g`` near the point, from the sign rules);
* a power ``b^q`` that is not an integer power is ``exp(q log b)`` for a base shown positive;
* an indeterminate form (``0 * oo``, ``oo - oo``, ``0/0``, ``oo/oo``) is a quotient ``f/g``
  with ``f, g -> 0`` or ``|g| -> oo``, and l'Hopital's rule replaces it by ``f'/g'`` (SymPy's
  ``diff``, which the kernel trusts anyway), a bounded number of times.  l'Hopital's rule
  needs ``g' != 0`` near the point: ``f`` and ``g`` are built only from sums, products, powers
  of positive bases, ``exp`` and ``log`` (logarithmico-exponential functions, Hardy's field),
  and such a function is either identically zero or of one sign near the point; ``g'`` is not
  identically zero, since ``g`` is not constant.

A sign asked of an expression in ``v`` (a logarithm's argument, a base, a denominator) is asked
for every ``v > 0`` or, failing that, for every ``v`` in ``(0, d)`` for a small ``d``: near the point is all a
limit needs (``log(1 - v)`` is defined there).

Where no rule applies the limit is not shown (:class:`NoLimit`), and the kernel's verdict is
undecided.

>>> v = sp.Dummy("v", positive=True)
>>> limit_at_zero(sp.exp(-1 / v), v), limit_at_zero(v * sp.log(v), v), limit_at_zero((sp.exp(v) - 1) / v, v)
(0, 0, 1)
>>> limit_at_zero(v * sp.log(sp.exp(v) + 2) + v ** v * sp.log(1 + sp.exp(-sp.exp(-1 / v))), v)
log(2)
"""

from __future__ import annotations

from typing import Callable

import sympy as sp

from .sign import sign

__all__ = ["limit_at_zero", "NoLimit", "MAX_LHOPITAL"]

#: How many times one limit may apply l'Hopital's rule (along any one path of the work).
MAX_LHOPITAL = 4
#: The distances from the point within which a sign may be shown instead of everywhere.
RADII = (sp.Integer(1), sp.Rational(1, 2), sp.Rational(1, 10))
#: The largest expression (in operations) l'Hopital's rule differentiates.
MAX_OPERATIONS = 400

_INFINITE = (sp.oo, -sp.oo)


class NoLimit(Exception):
    """The rules do not show the limit (the reason is the message)."""


def _finite(x: sp.Expr) -> bool:
    return x not in _INFINITE


def _sign_of(x: sp.Expr) -> int:
    """+1 or -1 for a value (finite or infinite) of known nonzero sign, else 0."""
    if x is sp.oo:
        return 1
    if x is -sp.oo:
        return -1
    s = sign(x)
    return 1 if s == "pos" else -1 if s == "neg" else 0


def _exp_of(g: sp.Expr) -> sp.Expr:
    """``lim exp(G)`` from ``lim G``."""
    return sp.oo if g is sp.oo else sp.Integer(0) if g is -sp.oo else sp.exp(g)


def _infinity(s: int) -> sp.Expr:
    return sp.oo if s > 0 else -sp.oo


def limit_at_zero(e: sp.Expr, v: sp.Symbol, constant: Callable[[sp.Expr], sp.Expr | None] | None = None) -> sp.Expr:
    """``lim_{v -> 0+} e`` by the rules above: a finite value free of ``v``, ``oo`` or
    ``-oo``.  ``v`` must be a positive symbol (the sign rules read ``v > 0``).  ``constant``
    gives the value of a part free of ``v`` or ``None`` where it is not shown finite and
    defined (default: the part itself, unless it holds an infinity).  Raises :class:`NoLimit`
    where the rules do not decide."""
    if not v.is_positive:
        raise ValueError("the variable of limit_at_zero must be a positive symbol")
    if constant is None:
        def constant(x):
            return None if x.has(sp.oo, -sp.oo, sp.zoo, sp.nan) else x
    return _Limits(v, constant).of(sp.sympify(e), MAX_LHOPITAL)


def _near_sign(x: sp.Expr, v: sp.Symbol) -> str | None:
    """The sign of ``x`` near ``v = 0+``: for every ``v > 0``, or else for every ``v`` in
    ``(0, d)`` for one of the :data:`RADII` ``d`` (``v = d w/(1 + w)``, ``w > 0``, the form
    brought to one fraction by SymPy's ``cancel``), which is all a limit at ``0+`` looks at
    (``1 - v`` is positive there, ``1 - 2 v`` for ``v < 1/2``)."""
    s = sign(x)
    if s in ("pos", "neg") or not x.has(v):
        return s
    w = sp.Dummy("w", positive=True)
    for radius in RADII:
        moved = x.xreplace({v: radius * w / (1 + w)})
        for form in (sp.together, sp.cancel):  # one fraction, its numerator as it stands or expanded
            near = sign(form(moved))
            if near in ("pos", "neg"):
                return near
    return s


class _Limits:
    def __init__(self, v: sp.Symbol, constant: Callable) -> None:
        self.v = v
        self.constant = constant

    def of(self, e: sp.Expr, depth: int) -> sp.Expr:
        v = self.v
        if not e.has(v):
            value = self.constant(e)
            if value is None:
                raise NoLimit(f"{e} is not shown finite and defined")
            return value
        if e == v:
            return sp.Integer(0)
        if isinstance(e, sp.Add):
            return self._add(e, depth)
        if isinstance(e, sp.Mul):
            return self._mul(e, depth)
        if isinstance(e, sp.Pow):
            return self._pow(e, depth)
        if isinstance(e, sp.exp):
            return _exp_of(self.of(e.args[0], depth))
        if isinstance(e, sp.log):
            if _near_sign(e.args[0], self.v) != "pos":
                raise NoLimit(f"the argument of {e} is not shown positive")
            g = self.of(e.args[0], depth)
            if g is sp.oo:
                return sp.oo
            if g == 0:
                return -sp.oo
            if g is -sp.oo or _sign_of(g) <= 0:
                raise NoLimit(f"the limit of the argument of {e} is not shown positive")
            return sp.log(g)
        if isinstance(e, sp.Abs):
            g = self.of(e.args[0], depth)
            return sp.oo if not _finite(g) else sp.Abs(g)
        if isinstance(e, (sp.Max, sp.Min)):
            values = [self.of(a, depth) for a in e.args]
            top, bottom = (sp.oo, -sp.oo) if isinstance(e, sp.Max) else (-sp.oo, sp.oo)
            if top in values:
                return top
            values = [x for x in values if x != bottom]
            return bottom if not values else e.func(*values)
        raise NoLimit(f"no limit rule for {type(e).__name__}")

    def _add(self, e: sp.Add, depth: int) -> sp.Expr:
        values = [self.of(a, depth) for a in e.args]
        infinite = {x for x in values if not _finite(x)}
        if not infinite:
            return sp.Add(*values)
        if len(infinite) == 1:
            return infinite.pop()
        num, den = sp.fraction(sp.together(e))  # oo - oo: one quotient
        if den == 1 or not den.has(self.v):
            raise NoLimit(f"{e} is oo - oo")
        return self._quotient(num, den, depth)

    def _mul(self, e: sp.Mul, depth: int) -> sp.Expr:
        num, den = sp.fraction(e)
        if den != 1 and den.has(self.v):
            return self._quotient(num, den, depth)
        values = [self.of(a, depth) for a in e.args]
        if all(_finite(x) for x in values):
            return sp.Mul(*values)
        if any(x == 0 for x in values):  # 0 * oo
            if all(_near_sign(a, self.v) == "pos" for a in e.args):  # exp of a sum of logarithms
                try:
                    return _exp_of(self._add(sp.Add(*(sp.expand_log(sp.log(a)) for a in e.args), evaluate=False), depth))
                except NoLimit:
                    pass
            zero = sp.Mul(*(a for a, x in zip(e.args, values) if _finite(x)))
            big = sp.Mul(*(a for a, x in zip(e.args, values) if not _finite(x)))
            return self._either(zero, 1 / big, big, 1 / zero, depth)
        signs = [_sign_of(x) for x in values]
        if 0 in signs:
            raise NoLimit(f"the sign of a factor of {e} at the point is not shown")
        total = 1
        for s in signs:
            total *= s
        return _infinity(total)

    def _pow(self, e: sp.Pow, depth: int) -> sp.Expr:
        base, q = e.args
        if q.is_Integer:
            b = self.of(base, depth)
            if q > 0:
                if _finite(b):
                    return b ** q
                return _infinity(1 if q % 2 == 0 else _sign_of(b))
            if not _finite(b):
                return sp.Integer(0)
            if b == 0:
                if q % 2 == 0:
                    return sp.oo
                s = {"pos": 1, "neg": -1}.get(_near_sign(base, self.v), 0)
                if s == 0:
                    raise NoLimit(f"the sign of {base} near the point is not shown")
                return _infinity(s)
            if _sign_of(b) == 0:
                raise NoLimit(f"the limit of {base} is not shown nonzero")
            return b ** q
        if _near_sign(base, self.v) != "pos":
            raise NoLimit(f"the base of {e} is not shown positive")
        return _exp_of(self.of(q * sp.log(base), depth))  # (SymPy would fold exp(q log b) back)

    def _either(self, f1, g1, f2, g2, depth: int) -> sp.Expr:
        try:
            return self._quotient(f1, g1, depth)
        except NoLimit:
            return self._quotient(f2, g2, depth)

    def _quotient(self, f: sp.Expr, g: sp.Expr, depth: int) -> sp.Expr:
        """``lim f/g``."""
        lf, lg = self.of(f, depth), self.of(g, depth)
        if _finite(lg) and lg != 0:
            s = _sign_of(lg)
            if _finite(lf):
                if s == 0:
                    raise NoLimit(f"the limit of {g} is not shown nonzero")
                return lf / lg
            if s == 0:
                raise NoLimit(f"the sign of the limit of {g} is not shown")
            return _infinity(_sign_of(lf) * s)
        if lg == 0 and lf != 0:
            near = {"pos": 1, "neg": -1}.get(_near_sign(g, self.v), 0)
            s = _sign_of(lf) * near
            if s == 0:
                raise NoLimit(f"the sign of {f}/{g} near the point is not shown")
            return _infinity(s)
        if not _finite(lg) and _finite(lf):
            return sp.Integer(0)
        return self._lhopital(f, g, depth)

    def _lhopital(self, f: sp.Expr, g: sp.Expr, depth: int) -> sp.Expr:
        if depth <= 0:
            raise NoLimit("l'Hopital's rule applied as often as allowed")
        for side in (f, g):
            if not _exp_log(side, self.v):
                raise NoLimit(f"l'Hopital's rule needs a logarithmico-exponential function, not {side}")
            if sp.count_ops(side) > MAX_OPERATIONS:
                raise NoLimit("the quotient is too large for l'Hopital's rule")
        df, dg = sp.diff(f, self.v), sp.diff(g, self.v)
        if dg == 0:
            raise NoLimit(f"{g} does not vary")
        ratio = sp.powsimp(sp.expand(df / dg), combine="exp")
        num, den = sp.fraction(sp.together(ratio))
        num, den = sp.powsimp(sp.expand(num), combine="exp"), sp.powsimp(sp.expand(den), combine="exp")
        return self._quotient(num, den, depth - 1)


def _exp_log(e: sp.Expr, v: sp.Symbol) -> bool:
    """Whether every node of ``e`` that involves ``v`` is a sum, a product, a power of a base
    shown positive (or an integer power), ``exp`` or ``log`` (of an argument shown positive)."""
    for node in sp.preorder_traversal(e):
        if not node.has(v) or node == v:
            continue
        if isinstance(node, (sp.Add, sp.Mul, sp.exp)):
            continue
        if isinstance(node, sp.Pow) and (node.exp.is_Integer or _near_sign(node.base, v) == "pos"):
            continue
        if isinstance(node, sp.log) and _near_sign(node.args[0], v) == "pos":
            continue
        return False
    return True
