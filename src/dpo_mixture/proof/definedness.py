"""Where an expression is defined: its side-conditions, and whether they are discharged.

A statement that divides, takes a logarithm or a fractional power means something only where

* every denominator is nonzero,
* every logarithm's argument is positive,
* every fractional power's base is nonnegative (positive when the exponent is negative),
* every limit inside it is finite, and its body is defined near the point, and every
  derivative inside it is defined where it is taken.

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

import functools
from dataclasses import dataclass
from typing import Any, Callable

import sympy as sp

from .number_signs import interval_sign

__all__ = ["Condition", "Defined", "conditions", "defined_where"]


@dataclass(frozen=True)
class Condition:
    """``expr op 0`` with ``op`` in ``">"``, ``">="``, ``"!="``; or ``op == "finite"``: ``expr``
    (a limit) has a finite value, which no sign rule shows."""

    expr: sp.Expr
    op: str
    #: ``(variable, point, direction)`` of each limit whose body the condition comes from: it
    #: must hold near the point, and a hypothesis about a free variable of the same name says
    #: nothing about it
    bound: tuple = ()

    def relation(self) -> sp.Basic:
        if self.op == ">":
            return sp.Gt(self.expr, 0, evaluate=False)
        if self.op == ">=":
            return sp.Ge(self.expr, 0, evaluate=False)
        if self.op == "finite":
            return sp.Lt(sp.Abs(self.expr), sp.oo, evaluate=False)
        return sp.Ne(self.expr, 0, evaluate=False)

    def __str__(self) -> str:
        if self.op == "finite":
            return f"{sp.sstr(self.expr)} is finite"
        return f"{sp.sstr(self.expr)} {self.op} 0"


#: The direction of a condition that must hold near a point from both sides (a derivative's).
NEAR = "near"
#: The mark of a condition that holds at every point of a binder's range (read loosely only).
RANGE = "range"


def _all_conditions(expr: sp.Basic, claimed: sp.Basic | None = None, strict: bool = True,
                    definitions: dict | None = None, _opened: frozenset = frozenset()) -> list[Condition]:
    """Every side-condition of ``expr``, trivial ones included.  ``claimed`` is a limit whose
    value the statement itself claims (the limit rule's ``Limit(F, x, x0) = L``): it need not
    be finite beforehand.  ``strict`` (the kernel's reading) asks a positive base of every
    power with a symbolic exponent; otherwise (where a counterexample may lie) a symbolic
    integer exponent asks only a nonzero base, and none when it is nonnegative.
    ``definitions`` (``{quantity: Definition}``): each occurrence of a defined quantity brings
    the conditions of its definition's body, where it occurs (inside ``Subs(f, x, x0)`` at
    ``x0``, under a sum at every term), as if the body stood there."""
    from ..model import RelEntr, SupportMax, SupportMin
    from .normal_form import carry_out, fresh_output, put

    out: list[Condition] = []

    def inner(e: sp.Basic, claimed_here: sp.Basic | None = None) -> list[Condition]:
        return _all_conditions(e, claimed_here, strict, definitions, _opened)

    def opened(e: sp.Basic) -> None:
        """The conditions of the definition behind ``e`` (a defined symbol or entry), once per
        path (a definition that reached itself would never end)."""
        key = e.base if isinstance(e, sp.Indexed) else e
        d = definitions.get(key) if isinstance(key, sp.Basic) else None
        if d is None or key in _opened:
            return
        body = d.at(e.indices[0]) if isinstance(d.target, sp.Indexed) and isinstance(e, sp.Indexed) else d.expr
        out.extend(_all_conditions(body, None, strict, definitions, _opened | {key}))

    def ranged(body: sp.Basic, index: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> None:
        """The conditions of a binder's body, at a fresh output; read loosely, each is marked
        with the range it holds over (``(output, (lo, hi), RANGE)``, outer binders first)."""
        fresh = fresh_output(str(index))
        start = len(out)
        walk(body.xreplace({index: fresh}))
        if not strict:
            out[start:] = [Condition(c.expr, c.op, ((fresh, (lo, hi), RANGE),) + c.bound) for c in out[start:]]

    def walk(e: sp.Basic) -> None:
        if definitions and isinstance(e, (sp.Symbol, sp.Indexed)):
            opened(e)
        if isinstance(e, sp.Subs):  # the body is taken at the point: so are its conditions
            at = dict(zip(e.variables, e.point))
            for c in inner(e.expr):
                near = {var for var, _, direction in c.bound if direction == NEAR}
                # a derivative's stay near (read loosely, the condition at the point is asked)
                keep = {v: x for v, x in at.items() if v not in near or not strict}
                out.append(Condition(put(c.expr, keep), c.op, c.bound))  # (no sum of it capturing the point)
            walk(e.point)
            return
        if isinstance(e, (sp.Derivative,)):
            # a derivative needs its function defined on a neighbourhood, not at one point: the
            # conditions are marked with each variable, which the kernel then discharges for
            # every value of it (a hypothesis, or a Subs point, says nothing about its neighbours)
            found = list(inner(e.expr))
            try:  # the derivative itself must be defined there (that of sqrt(x) is not, at 0)
                done = carry_out(e)
            except Exception:  # noqa: BLE001 - a derivative SymPy cannot carry out: its body's conditions stand
                done = None
            if done is not None and not done.has(sp.Derivative):
                found += inner(done)
            found += _kinks(e.expr, set(e.variables))
            marks = tuple((v, v, NEAR) for v in dict.fromkeys(e.variables))
            out.extend(Condition(c.expr, c.op, c.bound + marks) for c in found)
            return
        if isinstance(e, sp.Limit):
            body, var, point, direction = e.args
            if e is not claimed:  # a limit used as a number: it must be finite, which no sign rule shows
                out.append(Condition(e, "finite"))
            # near the point the body must be defined: its conditions are marked with the limit
            # (the kernel decides, definitions unfolded, which involve the bound variable; only
            # the sign rules discharge those)
            near = (var, point, str(direction))
            for c in inner(body):
                out.append(Condition(c.expr, c.op, c.bound + (near,)))
            walk(point)
            return
        if isinstance(e, sp.Sum) and len(e.limits) == 1:
            (index, lo, hi), = e.limits
            ranged(e.function, index, lo, hi)
            return
        if isinstance(e, (SupportMax, SupportMin)):
            from ..notation import n

            body, index = e.args
            ranged(body, index, sp.Integer(1), n)
            return
        if isinstance(e, sp.Pow):
            b, x = e.base, e.exp
            if x.is_Integer:
                if int(x) < 0:
                    out.append(Condition(b, "!="))
            elif x.is_number and x.is_real:
                out.append(Condition(b, ">" if x.is_negative else ">="))
            elif not strict and x.is_integer:  # (-1)**m is real; 0**m needs m >= 0
                if not x.is_nonnegative:
                    out.append(Condition(b, "!="))
            else:
                out.append(Condition(b, ">"))  # b**x with x symbolic: b > 0
        elif isinstance(e, sp.log):
            out.append(Condition(e.args[0], ">"))
        elif isinstance(e, RelEntr):  # x log(x/c): x >= 0 (0 log 0 = 0) and c > 0
            out.append(Condition(e.args[0], ">="))
            out.append(Condition(e.args[1], ">"))
        for a in e.args:
            if isinstance(a, sp.Basic):
                walk(a)

    walk(sp.sympify(expr))
    return out


def _kinks(body: sp.Basic, variables: set) -> list[Condition]:
    """Where a function with a kink or a jump in ``body`` (``|a|``, ``max(a, b)``, a step) is
    differentiable in ``variables``: its argument is nonzero (``a != b`` for a max or min of
    two); a kink the rules cannot place asks ``0 != 0``, which nothing discharges.

    >>> x = sp.Symbol("x", real=True)
    >>> sorted(str(c) for c in _kinks(sp.Max(x, 0) + sp.Abs(x - 1), {x}))
    ['-x != 0', 'x - 1 != 0']
    """
    out = []
    for node in sp.preorder_traversal(body):
        if not (node.free_symbols & variables):
            continue
        if isinstance(node, (sp.Abs, sp.Heaviside, sp.sign)):
            out.append(Condition(node.args[0], "!="))
        elif isinstance(node, (sp.Max, sp.Min)):
            args = list(node.args)
            out += [Condition(a - b, "!=") for i, a in enumerate(args) for b in args[i + 1:]]
        elif isinstance(node, (sp.floor, sp.ceiling, sp.frac, sp.Piecewise)):
            out.append(Condition(sp.Integer(0), "!="))
    return out


def conditions(expr: sp.Basic, claimed: sp.Basic | None = None, definitions: dict | None = None) -> tuple[Condition, ...]:
    """The side-conditions under which ``expr`` is defined (duplicates removed, order kept);
    ``claimed`` and ``definitions`` as in :func:`_all_conditions`.

    >>> x = sp.Symbol("x", positive=True)
    >>> [str(c) for c in conditions(sp.Subs(sp.log(x), x, 1 - x))], conditions(sp.log(x))
    (['1 - x > 0'], ())
    """
    return tuple(dict.fromkeys(c for c in _all_conditions(expr, claimed, True, definitions) if not _trivial(c)))


def _trivial(c: Condition) -> bool:
    """Shown by the symbols' own assumptions (``beta`` is declared positive), or a true number."""
    e = c.expr
    if c.op == "finite":
        return False
    if e.is_positive or c.op == ">=" and e.is_nonnegative or c.op == "!=" and (e.is_positive or e.is_negative):
        return True
    if e.is_number:  # by its value, never by how it is written (log 4 - 2 log 2 is 0)
        found = interval_sign(e)
        return found == "pos" if c.op == ">" else found in ("pos", "zero") if c.op == ">=" else found in ("pos", "neg")
    return False


@dataclass(frozen=True)
class Defined:
    """A relation that holds wherever a statement is defined, at every point of its
    ``ranges``: ``((symbol, lo, hi), ...)``, outer ranges first (an inner range's ends may
    name an outer symbol)."""

    relation: sp.Basic
    ranges: tuple = ()

    def map(self, fn: Callable[[sp.Basic], sp.Basic]) -> "Defined":
        """``fn`` applied to the relation and to every range's ends (definitions unfolded)."""
        return Defined(fn(self.relation), tuple((s, fn(lo), fn(hi)) for s, lo, hi in self.ranges))

    def points(self, value_of: Callable[[sp.Expr], Any]) -> list[sp.Basic] | None:
        """The relation at every point of its ranges, the ends read by ``value_of`` at an
        instance; ``None`` when an end has no integer value there (or cannot be read), or past
        :data:`MAX_POINTS` relations."""
        from .evaluate import EvaluationError, integer_bound

        out: list = []
        todo = [(self.relation, self.ranges)]
        while todo:
            rel, ranges = todo.pop()
            if not ranges:
                out.append(rel)
                if len(out) > MAX_POINTS:
                    return None
                continue
            (symbol, lo, hi), rest = ranges[0], ranges[1:]
            try:
                first, last = integer_bound(value_of(lo)), integer_bound(value_of(hi))
            except (EvaluationError, ValueError, TypeError, KeyError, IndexError, ZeroDivisionError, OverflowError):
                return None
            if last - first >= MAX_POINTS:
                return None
            for k in range(first, last + 1):
                at = {symbol: sp.Integer(k)}
                todo.append((rel.xreplace(at), tuple((s, a.xreplace(at), b.xreplace(at)) for s, a, b in rest)))
        return out


#: The most points at which one side-condition is asked of an instance.
MAX_POINTS = 10_000


def defined_where(exprs: tuple, facts: tuple = ()) -> tuple[Defined, ...]:
    """What holds wherever ``exprs`` are defined, and the bodies of the definitions (of
    ``facts``) they reach: what a counterexample must meet, besides the hypotheses.

    A definition is unfolded before an instance is evaluated, and SymPy may simplify the result
    where the folded form is undefined: with ``W := 1/x``, ``1/W**2`` unfolds to ``x**2``, which
    is 0 at ``x = 0``, where ``W`` has no value.  The side-conditions of the folded expressions
    and of every definition body reached, required at the instance, keep such a point out.  A
    condition under a sum or a support-wide extremum holds at every point of its range, and one
    on an entry definition's own output at every output of the support; one under a derivative
    is asked at the point (a necessary condition), and one under a limit is left to the
    evaluation (the body need not be defined at the limit point).

    >>> from dpo_mixture.proof.facts import Definition
    >>> x, W = sp.Symbol("x", real=True), sp.Symbol("W", real=True)
    >>> [d.relation for d in defined_where((sp.Gt(1 / W**2, 0),), (Definition("W", W, 1 / x),))]
    [Ne(W, 0), Ne(x, 0)]
    """
    return _defined_where(tuple(exprs), tuple(facts))


@functools.lru_cache(maxsize=4096)
def _defined_where(exprs: tuple, facts: tuple) -> tuple[Defined, ...]:
    from .facts import Definition

    definitions = {(f.target.base if isinstance(f.target, sp.Indexed) else f.target): f
                   for f in facts if isinstance(f, Definition)}
    out: list = []
    for e in exprs:
        for c in dict.fromkeys(_all_conditions(e, None, False, definitions)):
            if _trivial(c) or c.op == "finite" or any(mark[2] not in (RANGE, NEAR) for mark in c.bound):
                continue  # a limit's body need not be defined at its point
            relation = c.relation()
            if c.op == ">=" and any(mark[2] == NEAR for mark in c.bound):
                # a derivative needs its function on both sides of the point: not at an end
                relation = sp.Gt(c.expr, 0, evaluate=False)
            out.append(Defined(relation, tuple((v, *ends) for v, ends, kind in c.bound if kind == RANGE)))
    return tuple(dict.fromkeys(out))
