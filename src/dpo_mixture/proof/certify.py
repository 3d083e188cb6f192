"""Certify a counterexample with interval arithmetic: rounding cannot fake a violation.

The search confirms a violation in exact rationals when the claim has no transcendental
function, and otherwise at 60 digits with a margin.  For the latter this module re-evaluates
the unfolded hypotheses and conclusion at the instance in outward-rounded interval arithmetic
(:mod:`mpmath.iv`): a counterexample stands only when every hypothesis *certainly* holds and
the conclusion *certainly* fails, so a true identity can never be refuted by rounding.

>>> import sympy as sp
>>> from dpo_mixture.notation import beta, r, n, y
>>> certify(sp.Gt(sp.exp(r[y] / beta), 1), (), {beta: 1, r: [sp.Integer(-1), sp.Integer(2)], n: 2, y: 1})
True
>>> same = sp.Eq(sp.exp(2 * beta), sp.exp(beta) ** 2, evaluate=False)  # no interval proves "=="
>>> certify(sp.Gt(beta, 1), (same,), {beta: sp.Rational(1, 3), n: 2})
False
"""

from __future__ import annotations

from typing import Any

import mpmath
import sympy as sp

from ..model import SupportMax, SupportMin
from ..notation import n as _n
from .evaluate import MAX_EXP_ARGUMENT, MAX_TERMS, is_rational_expression

__all__ = ["certify", "evaluate_interval", "PRECISION_BITS"]

#: Working precision of the intervals, in bits (outward rounding keeps every result rigorous).
PRECISION_BITS = 256

_iv = mpmath.iv


class _Unknown(Exception):
    """The instance cannot be evaluated (a logarithm of zero, an undefined value)."""


def _const(value: sp.Basic) -> Any:
    value = sp.Rational(value)
    return _iv.mpf(int(value.p)) / int(value.q)


def _within_assumptions(var: sp.Basic, value: Any) -> bool:
    """Whether the interval ``value`` lies where ``var``'s sign and integrality assumptions hold
    (a substitution's body was built with them; see :func:`.evaluate.outside_assumptions`)."""
    checks = []
    if getattr(var, "is_positive", None):
        checks.append(value > 0)
    elif getattr(var, "is_nonnegative", None):
        checks.append(value >= 0)
    if getattr(var, "is_negative", None):
        checks.append(value < 0)
    elif getattr(var, "is_nonpositive", None):
        checks.append(value <= 0)
    if getattr(var, "is_integer", None):
        checks.append(value.a == value.b and value.a == int(value.a))
    return all(c is True for c in checks)


def _integer(value: Any) -> int:
    """A sum's bound, an interval that is one integer; anything else is not known."""
    try:
        if value.a == value.b and value.a == int(value.a):
            return int(value.a)
    except (AttributeError, TypeError, ValueError, OverflowError):
        pass
    raise _Unknown


def _walk(e: sp.Basic, env: dict) -> Any:
    if e in env:
        value = env[e]  # an output, the support size or an integer scalar is kept as an int for
        return _const(value) if isinstance(value, int) else value  # indexing; as a number it is exact
    if e.is_Rational:
        return _const(e)
    if e.is_Float:  # a binary number: exactly representable, rounded outward past the precision
        return _iv.mpf(mpmath.mpf(e._mpf_))
    if e is sp.E:
        return _iv.e
    if e is sp.pi:
        return _iv.pi
    if isinstance(e, sp.Indexed):
        index = _integer(_walk(e.indices[0], env))  # an entry at 3/2 is no entry
        vector = env[e.base]
        if not 1 <= index <= len(vector):
            raise _Unknown
        return vector[index - 1]
    if isinstance(e, sp.Add):
        out = _walk(e.args[0], env)
        for a in e.args[1:]:
            out = out + _walk(a, env)
        return out
    if isinstance(e, sp.Mul):
        out = _walk(e.args[0], env)
        for a in e.args[1:]:
            out = out * _walk(a, env)
        return out
    if isinstance(e, sp.Pow):
        base = _walk(e.base, env)
        if e.exp.is_Integer:
            k = int(e.exp)
            if k < 0:
                if (base > 0) is not True and (base < 0) is not True:
                    raise _Unknown
                return 1 / base ** (-k)
            return base**k
        if (base > 0) is not True:
            raise _Unknown
        x = _walk(e.exp, env) * _iv.log(base)
        if (abs(x) < MAX_EXP_ARGUMENT) is not True:
            raise _Unknown
        return _iv.exp(x)
    if isinstance(e, sp.exp):
        x = _walk(e.args[0], env)
        if (abs(x) < MAX_EXP_ARGUMENT) is not True:
            raise _Unknown
        return _iv.exp(x)
    if isinstance(e, sp.log):
        arg = _walk(e.args[0], env)
        if (arg > 0) is not True:
            raise _Unknown
        return _iv.log(arg)
    if isinstance(e, sp.Sum):
        (index, lo, hi), = e.limits
        lo_v, hi_v = _integer(_walk(lo, env)), _integer(_walk(hi, env))
        if hi_v < lo_v or hi_v - lo_v >= MAX_TERMS:
            raise _Unknown
        terms = [_walk(e.function, {**env, index: i}) for i in range(lo_v, hi_v + 1)]
        total = _const(0)
        for t in terms:
            total = total + t
        return total
    if isinstance(e, (SupportMax, SupportMin, sp.Max, sp.Min)):
        if isinstance(e, (SupportMax, SupportMin)):
            body, index = e.args
            values = [_walk(body, {**env, index: i}) for i in range(1, env[_n] + 1)]
            biggest = isinstance(e, SupportMax)
        else:
            values = [_walk(a, env) for a in e.args]
            biggest = isinstance(e, sp.Max)
        lows = [_iv.mpf(v.a) for v in values]
        highs = [_iv.mpf(v.b) for v in values]
        pick = max if biggest else min
        lo_, hi_ = pick(lows, key=lambda v: v.a), pick(highs, key=lambda v: v.b)
        return _iv.mpf([lo_.a, hi_.b])
    from ..model import RelEntr

    if isinstance(e, sp.Subs):  # every variable at its point at once, inside its assumptions
        from .evaluate import EvaluationError, entry_variable

        try:
            entry_variable(e)
        except EvaluationError:
            raise _Unknown from None
        inner = dict(env)
        for var, point in zip(e.variables, e.point):
            value = _walk(point, env)
            if not _within_assumptions(var, value):
                raise _Unknown
            inner[var] = value
        return _walk(e.expr, inner)
    if isinstance(e, sp.Derivative):
        from .evaluate import EvaluationError, carried_out

        try:
            return _walk(carried_out(e), env)
        except EvaluationError:
            raise _Unknown from None
    if isinstance(e, RelEntr):
        x, c = _walk(e.args[0], env), _walk(e.args[1], env)
        if x.a == 0 and x.b == 0:
            return _const(0)
        if (x > 0) is True and (c > 0) is True:
            return x * _iv.log(x / c)
        raise _Unknown
    if isinstance(e, sp.Heaviside):
        x = _walk(e.args[0], env)
        if (x > 0) is True:
            return _const(1)
        if (x < 0) is True:
            return _const(0)
        if len(e.args) > 1 and x.a == 0 and x.b == 0:
            return _const(e.args[1])
        raise _Unknown
    if isinstance(e, sp.Abs):
        v = _walk(e.args[0], env)
        if (v >= 0) is True:
            return v
        if (v <= 0) is True:
            return -v
        raise _Unknown
    raise _Unknown


def evaluate_interval(e: sp.Expr, bits: int = PRECISION_BITS) -> Any:
    """An interval that holds the value of the number-valued ``e``, computed at ``bits`` bits,
    or ``None`` where ``e`` cannot be evaluated (an unknown function, a logarithm of an
    interval that reaches 0, an exponent too large)."""
    for s in e.atoms(sp.Sum):  # a sum is added term by term: refuse a long one, never hang on it
        if any(not (lo.is_Integer and hi.is_Integer) or int(hi) - int(lo) >= MAX_SUM_TERMS for _, lo, hi in s.limits):
            return None
    previous = _iv.prec
    _iv.prec = bits
    try:
        return _walk(e, {})
    except (_Unknown, KeyError, TypeError, ValueError, ArithmeticError):
        return None
    finally:
        _iv.prec = previous


#: Most terms a sum may have for :func:`evaluate_interval` to add it up.
MAX_SUM_TERMS = 10_000


def _relation(rel: sp.Basic, env: dict) -> bool | None:
    """True: certainly holds; False: certainly fails; None: cannot tell."""
    if rel in (sp.true, sp.false):
        return bool(rel)
    if isinstance(rel, sp.And):
        results = [_relation(a, env) for a in rel.args]
        if any(r is False for r in results):
            return False
        return True if all(r is True for r in results) else None
    if is_rational_expression(rel) and "__exact__" in env:
        try:  # no transcendental function: decide it exactly
            from .evaluate import evaluate

            a, b = (sp.sympify(evaluate(side, env["__exact__"], "exact")) for side in (rel.lhs, rel.rhs))
            if a.is_real and b.is_real:
                return bool(rel.func(a, b))
        except (ValueError, ZeroDivisionError, TypeError, KeyError, IndexError):
            return None
        return None
    try:
        a, b = _walk(rel.lhs, env), _walk(rel.rhs, env)
    except (_Unknown, ZeroDivisionError, ValueError, KeyError, TypeError, OverflowError, IndexError):
        return None
    if isinstance(rel, sp.Eq):
        if (a < b) is True or (a > b) is True:
            return False
        # ``==`` on intervals compares endpoints: only two equal points prove an equality
        points = a.a == a.b and b.a == b.b
        return True if points and a.a == b.a else None
    if isinstance(rel, sp.Ne):  # a definedness condition: apart certainly, or the same point
        if (a < b) is True or (a > b) is True:
            return True
        return False if a.a == a.b and b.a == b.b and a.a == b.a else None
    op = {sp.StrictLessThan: "<", sp.LessThan: "<=", sp.StrictGreaterThan: ">", sp.GreaterThan: ">="}[type(rel)]
    holds = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    fails = {"<": a >= b, "<=": a > b, ">": a <= b, ">=": a < b}[op]
    if holds is True:
        return True
    if fails is True:
        return False
    return None


def certify(conclusion: sp.Basic, hypotheses: tuple, values: dict, bits: int = PRECISION_BITS) -> bool:
    """Whether interval arithmetic proves that ``values`` satisfies every hypothesis and
    violates ``conclusion`` (all given with the definitions already unfolded, every free
    output bound in ``values`` to an integer)."""
    previous = _iv.prec
    _iv.prec = bits
    try:
        env: dict = {"__exact__": values}
        for key, value in values.items():
            if isinstance(key, sp.IndexedBase):
                env[key] = [_const(v) for v in value]
            elif key == _n or getattr(key, "is_integer", False):
                env[key] = int(value)
            else:
                env[key] = _const(value)
        if any(_relation(h, env) is not True for h in hypotheses):
            return False
        return _relation(conclusion, env) is False
    finally:
        _iv.prec = previous
