"""Evaluate an expression with sums over the support at a concrete instance.

One tree walk serves three number systems:

* ``"float"``: numpy float64 arrays, fast, used only to *screen* candidates;
* ``"mp"``: mpmath numbers at 60 significant digits, used to *confirm* a violation with a margin;
* ``"exact"``: SymPy rationals, used when the expression has no transcendental function.

A sum ``Sum(f(y), (y, 1, n))`` is evaluated by binding ``y`` to the whole vector of indices
and reducing, so it costs one array operation instead of a Python loop per term.

Extra node types (for instance the claim language's support-wide ``max``) register an
evaluation rule with :func:`register`.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any, Callable

import mpmath
import numpy as np
import sympy as sp

__all__ = ["Numbers", "Evaluator", "evaluate", "register", "is_rational_expression", "MP_DIGITS", "EvaluationError", "MAX_EXP_ARGUMENT"]

MP_DIGITS = 60
#: Largest |x| for which ``exp(x)`` is evaluated at high precision: beyond it the value has
#: more than ~40 million digits and one multiplication could run for minutes.
MAX_EXP_ARGUMENT = 10**7


class EvaluationError(ValueError):
    """The expression has no (real, finite, computable) value at this instance."""


#: Largest exact rational (in bits of numerator plus denominator) the evaluator will make.
MAX_EXACT_BITS = 200_000


def _guard_exact_power(base: Any, e: int) -> None:
    """Refuse ``base**e`` in exact arithmetic when the result would be too large to compute
    in reasonable time (one big-integer power cannot be interrupted)."""
    values = base if isinstance(base, np.ndarray) else [base]
    for b in values:
        if isinstance(b, (int, Fraction)):
            b = Fraction(b)
            bits = b.numerator.bit_length() + b.denominator.bit_length()
            if bits * abs(e) > MAX_EXACT_BITS:
                raise EvaluationError("an exact power too large to compute")
            continue
        b = sp.sympify(b)
        if b.is_Rational:
            bits = int(b.p).bit_length() + int(b.q).bit_length()
            if bits * abs(e) > MAX_EXACT_BITS:
                raise EvaluationError("an exact power too large to compute")


def _mp_exp(x):
    if abs(x) > MAX_EXP_ARGUMENT:
        raise EvaluationError(f"exp of an argument of size {mpmath.nstr(abs(x), 3)} is beyond the evaluator")
    return mpmath.exp(x)


def _exact_exp(x):
    x = sp.sympify(x)
    if x.is_number and x.is_real and abs(x) > MAX_EXP_ARGUMENT:
        raise EvaluationError("exp argument too large")
    return sp.exp(x)


def _rational_exp(x):
    """``exp(x)`` in exact numbers, where that can still end in a rational: ``x`` rational, or
    a rational combination of logarithms of positive algebraic numbers (``exp(2 log 3) = 9``).
    Exact numbers decide a relation only between rationals, and the exponential of any other
    value is transcendental; building it anyway costs SymPy a numerical evaluation of the whole
    subtree at every node (to bound its size), for nothing."""
    x = sp.sympify(x)
    if x.is_Rational:
        if abs(x) > MAX_EXP_ARGUMENT:
            raise EvaluationError("exp argument too large")
        return sp.exp(x)
    terms = sp.Add.make_args(x)
    bits = 0
    for term in terms:
        coeff, rest = term.as_coeff_Mul()
        if rest is sp.S.One:
            if abs(coeff) > MAX_EXP_ARGUMENT:
                raise EvaluationError("exp argument too large")
            continue
        if not (coeff.is_Rational and isinstance(rest, sp.log) and _positive_algebraic(rest.args[0])):
            raise EvaluationError("exact numbers cannot decide the exponential of a transcendental value")
        bits += abs(coeff) * sum(int(q.p).bit_length() + int(q.q).bit_length() for q in rest.args[0].atoms(sp.Rational))
    if bits > MAX_EXACT_BITS:
        raise EvaluationError("an exact power too large to compute")
    return sp.exp(x)


def _rational_log(x):
    """``log(x)`` in exact numbers, for a positive algebraic ``x`` (a rational, or products of
    rational powers of rationals) or an exponential, whose logarithm SymPy may bring back to a
    rational; the logarithm of any other value is transcendental (see :func:`_rational_exp`)."""
    x = sp.sympify(x)
    if x.is_Rational or _positive_algebraic(x) or isinstance(x, sp.exp):
        return sp.log(x)
    raise EvaluationError("exact numbers cannot decide the logarithm of a transcendental value")


def _positive_algebraic(x: sp.Basic) -> bool:
    """``x`` is a product of rational powers of positive rationals (so positive and algebraic)."""
    for factor in sp.Mul.make_args(x):
        base, e = factor.as_base_exp()
        if not (base.is_Rational and base > 0 and e.is_Rational):
            return False
    return True


class Numbers:
    """The arithmetic of one number system: how to make constants and apply functions.

    With ``rational_only``, exact numbers refuse (:class:`EvaluationError`) an exponential or a
    logarithm that cannot end in a rational: the search asks exact numbers only to decide a
    relation between rationals, and building a transcendental value it cannot use costs
    SymPy a numerical evaluation of the subtree at every node."""

    def __init__(self, kind: str, rational_only: bool = False, fractions: bool = False):
        if kind not in ("float", "mp", "exact"):
            raise ValueError(f"kind must be 'float', 'mp' or 'exact', not {kind!r}")
        self.kind = kind
        self._constants: dict = {}
        #: exact rationals held as Python fractions (many times faster than SymPy's numbers);
        #: any other exact value is a SymPy expression, and the two mix (see :func:`_sympy`)
        self.fractions = fractions and kind == "exact"
        if kind == "float":
            self.exp, self.log = np.exp, np.log
        elif kind == "mp":
            self.exp = np.frompyfunc(_mp_exp, 1, 1)
            self.log = np.frompyfunc(mpmath.log, 1, 1)
        else:
            exp, log = (_rational_exp, _rational_log) if rational_only else (_exact_exp, sp.log)
            if self.fractions:  # SymPy's functions take SymPy numbers
                exp, log = (lambda x, f=exp: f(_sympy(x))), (lambda x, f=log: f(_sympy(x)))
            self.exp = np.frompyfunc(exp, 1, 1)
            self.log = np.frompyfunc(log, 1, 1)

    def const(self, value: Any) -> Any:
        if self.kind == "float":
            return float(value)
        if self.fractions:
            if isinstance(value, (int, Fraction)):
                return Fraction(value)
            v = sp.sympify(value)
            return Fraction(int(v.p), int(v.q)) if v.is_Rational else v
        if self.kind == "mp":
            v = sp.sympify(value)
            if v.is_Rational:
                return mpmath.mpf(int(v.p)) / int(v.q)
            return mpmath.mpf(str(sp.N(v, MP_DIGITS + 5)))
        return sp.sympify(value)

    def constant(self, node: sp.Basic) -> Any:
        """:meth:`const` of a number in an expression, made once per number system (the same
        coefficients are met at every evaluation)."""
        key = (type(node), node)  # 1.0 and 1 are equal, and one exact, the other not
        try:
            return self._constants[key]
        except KeyError:
            value = self.const(node)
            if len(self._constants) >= 4096:
                self._constants.clear()
            self._constants[key] = value
            return value

    def array(self, values: Any) -> np.ndarray:
        if self.kind == "float":
            return np.array([float(v) for v in values], dtype=float)
        return np.array([self.const(v) for v in values], dtype=object)


_RULES: dict[type, Callable[..., Any]] = {}
#: the registered rule each node type resolves to (through its classes), found once per type
_RULE_OF_TYPE: dict[type, Callable[..., Any] | None] = {}


def register(cls: type, rule: Callable[..., Any]) -> None:
    """Teach :func:`evaluate` a new node type: ``rule(node, walk, numbers, env)``."""
    _RULES[cls] = rule
    _RULE_OF_TYPE.clear()


def _rule_of(kind: type) -> Callable[..., Any] | None:
    try:
        return _RULE_OF_TYPE[kind]
    except KeyError:
        rule = next((_RULES[c] for c in kind.__mro__ if c in _RULES), None)
        _RULE_OF_TYPE[kind] = rule
        return rule


def _arrays_first(args: list) -> list:
    """Arrays before scalars in a sum or product: ``array * scalar`` is one numpy operation,
    while ``mpf * array`` first fails inside mpmath (printing the whole array) and only then
    falls back to numpy.  Both operations are commutative, so the order changes no value."""
    return sorted(args, key=lambda v: not isinstance(v, np.ndarray))


def _walk(expr: sp.Basic, numbers: Numbers, env: dict) -> Any:
    if expr in env:
        return env[expr]
    rule = _rule_of(type(expr))
    if rule is not None:
        return rule(expr, lambda e: _walk(e, numbers, env), numbers, env)
    if expr.is_Number or expr is sp.pi or expr is sp.E:
        return numbers.constant(expr)
    if isinstance(expr, sp.Indexed):
        vector = env[expr.base]
        index = _walk(expr.indices[0], numbers, env)
        size = len(vector)
        if isinstance(index, np.ndarray):
            idx = index.astype(int)
            if not np.all(idx == index):  # an entry at 3/2 is no entry (never read at 1)
                raise EvaluationError(f"{expr.base} is taken at an index that is not an integer")
            if idx.size and (idx.min() < 1 or idx.max() > size):
                raise EvaluationError(f"{expr.base} is taken outside the support 1..{size}")
            return vector[idx - 1]
        i = int(index)
        if i != index:
            raise EvaluationError(f"{expr.base} is taken at an index that is not an integer ({index})")
        if not 1 <= i <= size:
            raise EvaluationError(f"{expr.base} is taken outside the support 1..{size}")
        return vector[i - 1]
    if isinstance(expr, sp.Add):
        args = _arrays_first([_walk(a, numbers, env) for a in expr.args])
        out = args[0]
        for a in args[1:]:
            out = out + a
        return out
    if isinstance(expr, sp.Mul):
        args = _arrays_first([_walk(a, numbers, env) for a in expr.args])
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if isinstance(expr, sp.Pow):
        base = _walk(expr.base, numbers, env)
        if expr.exp.is_Integer:
            e = int(expr.exp)
            if numbers.kind == "exact" and abs(e) > 1:
                _guard_exact_power(base, e)
            return base**e if e >= 0 else (numbers.const(1) / base) ** (-e)
        e = _walk(expr.exp, numbers, env)
        if numbers.kind == "exact" and expr.exp.is_integer and isinstance(e, (int, Fraction)) and Fraction(e).denominator == 1:
            k = int(e)  # an integer-valued exponent (2*m for an integer m): an exact integer power
            if abs(k) > 1:
                _guard_exact_power(base, k)
            return base**k if k >= 0 else (numbers.const(1) / base) ** (-k)
        if numbers.kind == "exact" and expr.exp.is_Rational is False:
            raise ValueError("exact evaluation needs a rational exponent")
        if numbers.fractions:  # a fraction's fractional power would be a float: SymPy keeps it exact
            return _sympy(base) ** _sympy(e)
        if isinstance(e, (int, Fraction)) and Fraction(e).denominator == 1 and abs(int(e)) > 1:
            _guard_exact_power(base, int(e))  # n**(n**n) at n = 3 is an integer of 3.6e12 digits
        return base ** e
    if isinstance(expr, sp.exp):
        return numbers.exp(_walk(expr.args[0], numbers, env))
    if isinstance(expr, sp.log):
        return numbers.log(_walk(expr.args[0], numbers, env))
    if isinstance(expr, sp.Sum):
        return shared(expr, _leaves(expr), env, lambda: _sum(expr, numbers, env))
    return _walk_rest(expr, numbers, env)


def shared(expr: sp.Basic, leaves: frozenset, env: dict, compute: Callable[[], Any]) -> Any:
    """``compute()``, the value of the sum ``expr`` in ``env``, taken from the instance's memory
    when every leaf has the instance's own value there (a sum over the instance alone has one
    value for every choice of outputs), and remembered for the next choice."""
    memo = env.get(SHARED)
    if memo is None:
        return compute()
    values, base = memo
    if not all(env.get(q, _ABSENT) is base.get(q, _ABSENT) for q in leaves):
        return compute()
    if expr not in values:
        values[expr] = compute()
    return values[expr]


#: The key under which an environment holds ``(values, base)``: the values of sums computed so
#: far at one instance, and the instance's own environment (see :meth:`Evaluator.share`).
SHARED = object()
_ABSENT = object()


@functools.lru_cache(maxsize=4096)
def _leaves(expr: sp.Basic) -> frozenset:
    """The symbols and vectors ``expr`` depends on: its free symbols (a vector's label among
    them: the same symbol may stand alone, and a substitution may give it a value), with every
    vector it takes an entry of in place of SymPy's ``Indexed`` entries (which may hold a bound
    index).  A leaf bound neither at the instance nor where the sum is met is no difference."""
    bases = {i.base for i in expr.atoms(sp.Indexed)}
    free = {q for q in expr.free_symbols if not isinstance(q, sp.Indexed)}
    return frozenset(free | bases)


#: The most terms of a sum that is evaluated term by term.
MAX_TERMS = 1_000_000


def integer_bound(value: Any) -> int:
    """A sum's bound as an ``int``: only a value that is an integer (a bound of 5/2 is no bound
    of a sum over integers, and is not truncated to one)."""
    try:
        whole = int(value)
    except (TypeError, ValueError, OverflowError):
        raise EvaluationError(f"a sum's bound is not an integer ({value})") from None
    if whole != value:
        raise EvaluationError(f"a sum's bound is not an integer ({value})")
    return whole


def indices(numbers: Numbers, lo: int, hi: int) -> np.ndarray:
    """The integers ``lo..hi`` as an index array of the number system: floats, or exact Python
    integers (fixed-width integers would wrap: ``i**20`` at ``i = 10`` overflows 64 bits)."""
    if numbers.kind == "float":
        return np.arange(lo, hi + 1, dtype=float)
    return np.array(range(lo, hi + 1), dtype=object)


def _sum(expr: sp.Sum, numbers: Numbers, env: dict) -> Any:
    """A finite sum: its index bound to every term at once, then reduced."""
    (index, lo, hi), = expr.limits
    lo_v, hi_v = integer_bound(_walk(lo, numbers, env)), integer_bound(_walk(hi, numbers, env))
    if hi_v < lo_v:  # SymPy reads a reversed range as a negated sum; the engine reads none
        raise EvaluationError("a sum over an empty or reversed range")
    if hi_v - lo_v >= MAX_TERMS:
        raise EvaluationError(f"a sum of more than {MAX_TERMS} terms")
    if nested_dependence(expr.function, index):  # an inner binder uses this index: one output at a time
        terms = [_walk(expr.function, numbers, {**env, index: i}) for i in range(lo_v, hi_v + 1)]
        total = numbers.const(0)
        for t in terms:
            total = total + t
        return total
    inner = dict(env)
    inner[index] = indices(numbers, lo_v, hi_v)
    body = _walk(expr.function, numbers, inner)
    if not isinstance(body, np.ndarray):
        return body * (hi_v - lo_v + 1)
    total = body[0]
    for v in body[1:]:
        total = total + v
    return total if numbers.kind != "float" else float(np.sum(body))


def _walk_rest(expr: sp.Basic, numbers: Numbers, env: dict) -> Any:
    if isinstance(expr, (sp.Max, sp.Min)):
        args = [_walk(a, numbers, env) for a in expr.args]
        pick = max if isinstance(expr, sp.Max) else min
        if any(isinstance(a, np.ndarray) for a in args):
            fn = np.maximum if isinstance(expr, sp.Max) else np.minimum
            out = args[0]
            for a in args[1:]:
                out = fn(out, a)
            return out
        return pick(args)
    if isinstance(expr, sp.Abs):
        return abs(_walk(expr.args[0], numbers, env))
    if isinstance(expr, sp.Derivative):
        return _walk(carried_out(expr), numbers, env)
    if isinstance(expr, sp.Subs):  # every variable takes its point at once (SymPy's doit goes one by one)
        entry_variable(expr)
        inner = dict(env)
        for var, point in zip(expr.variables, expr.point):
            inner[var] = _walk(point, numbers, env)
            if np.any(outside_assumptions(var, inner[var])):
                raise EvaluationError(f"the substitution puts {var} outside what its assumptions say, where SymPy "
                                      "may have simplified the body with them")
        return _walk(expr.expr, numbers, inner)
    if isinstance(expr, sp.Heaviside):
        x = _walk(expr.args[0], numbers, env)
        at0 = numbers.const(expr.args[1] if len(expr.args) > 1 else sp.S.Half)
        if isinstance(x, np.ndarray):
            return np.array([numbers.const(1) if v > 0 else numbers.const(0) if v < 0 else at0 for v in x], dtype=object if numbers.kind != "float" else float)
        return numbers.const(1) if x > 0 else numbers.const(0) if x < 0 else at0
    raise EvaluationError(f"the search cannot evaluate {type(expr).__name__}")


def entry_variable(subs: sp.Subs) -> None:
    """Refuse a substitution for anything but a plain symbol: SymPy replaces the text ``r[y]``
    only, so ``[r(k) + r(y)]_{r(y)=0}`` would be read as ``r(k)`` even where ``k = y``."""
    for var in subs.variables:
        if not isinstance(var, sp.Symbol):
            raise EvaluationError(f"a substitution for {sp.sstr(var)}, which is not a plain symbol, has no reading")


def outside_assumptions(var: sp.Basic, value: Any) -> Any:
    """Where ``value`` breaks a sign or integrality assumption of ``var`` (elementwise for an
    array).  A substitution's body was built with its variable's assumptions (``H(x)`` is ``1``
    for ``x > 0``), so it says nothing about a point outside them, the end ``x = 0`` included.

    >>> outside_assumptions(sp.Symbol("x", positive=True), 0)
    True
    >>> outside_assumptions(sp.Symbol("x", nonnegative=True), 0)
    False
    """
    value = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
    bad = np.zeros(np.shape(value), dtype=bool)
    if getattr(var, "is_positive", None):
        bad |= ~(value > 0)
    elif getattr(var, "is_nonnegative", None):
        bad |= ~(value >= 0)
    if getattr(var, "is_negative", None):
        bad |= ~(value < 0)
    elif getattr(var, "is_nonpositive", None):
        bad |= ~(value <= 0)
    if getattr(var, "is_integer", None):
        if value.dtype.kind == "f":
            bad |= ~(np.floor(value) == value)
        elif value.size:
            bad |= np.vectorize(lambda v: not _integral(v), otypes=[bool])(value)
    return bad if bad.shape else bool(bad)


def _integral(v: Any) -> bool:
    try:
        return bool(v == int(v))
    except (TypeError, ValueError, OverflowError):
        return False


def evaluate(expr: sp.Expr, values: dict, kind: str = "float") -> Any:
    """Evaluate ``expr`` at ``values`` (symbol -> number, base -> sequence, and ``n``).

    >>> from dpo_mixture.notation import p, r, n, beta, y, support_sum
    >>> vals = {n: 2, beta: sp.Rational(1, 2), p: [sp.Rational(1, 4), sp.Rational(3, 4)], r: [0, 1]}
    >>> evaluate(support_sum(p[y] * r[y]) / beta, vals, "exact")
    3/2
    >>> round(evaluate(support_sum(p[y] * sp.exp(r[y])), vals), 6)
    2.288711
    """
    return Evaluator(values, kind)(expr)


_NUMBERS: dict[tuple, Numbers] = {}


def numbers_for(kind: str, rational_only: bool = False, fractions: bool = False) -> Numbers:
    """One :class:`Numbers` per number system (they hold no state)."""
    key = (kind, rational_only, fractions)
    if key not in _NUMBERS:
        _NUMBERS[key] = Numbers(kind, rational_only, fractions)
    return _NUMBERS[key]


def _sympy(value: Any) -> Any:
    """``value`` with every Python fraction made a SymPy rational (arrays element by element)."""
    if isinstance(value, np.ndarray):
        out = np.empty(value.shape, dtype=object)
        for i, v in enumerate(value.flat):
            out.flat[i] = _sympy(v)
        return out
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return sp.Integer(int(value))
    return value


class Evaluator:
    """An instance converted once into one number system; call it on expressions.

    >>> from dpo_mixture.notation import p, n, y, support_sum
    >>> ev = Evaluator({n: 2, p: [sp.Rational(1, 4), sp.Rational(3, 4)]}, "exact")
    >>> ev(support_sum(p[y])), ev.at({y: 2})(p[y])
    (1, 3/4)
    """

    #: an exact evaluator of the same instance, for relations that need no transcendental function
    exact_twin: "Evaluator | None" = None

    def __init__(self, values: dict, kind: str = "float", _env: dict | None = None, rational_only: bool = False,
                 fractions: bool = False):
        self.numbers = numbers_for(kind, rational_only, fractions)
        if _env is not None:
            self.env = _env
            return
        env: dict = {}
        with mpmath.workdps(MP_DIGITS):
            for key, value in values.items():
                if isinstance(key, sp.IndexedBase):
                    env[key] = self.numbers.array(value)
                elif isinstance(value, np.ndarray):
                    env[key] = value
                elif key.is_integer:
                    env[key] = int(value)
                else:
                    env[key] = self.numbers.const(value)
        self.env = env

    def share(self) -> "Evaluator":
        """Let every evaluator :meth:`at` this instance reuse the value of a sum that depends
        on the instance alone (not on the outputs chosen, nor on an outer binder): the search
        evaluates the same statement at every choice of outputs."""
        self.env[SHARED] = ({}, dict(self.env))
        return self

    def at(self, extra: dict) -> "Evaluator":
        """The same instance with some integer symbols (outputs) bound as well."""
        env = dict(self.env)
        env.update({k: (v if isinstance(v, np.ndarray) else int(v)) for k, v in extra.items()})
        ev = Evaluator({}, self.numbers.kind, env)
        ev.numbers = self.numbers
        return ev

    def __call__(self, expr: sp.Expr) -> Any:
        # numpy reports floating-point flags after every array operation, also over Python
        # objects, whose own arithmetic (mpmath's estimates inside SymPy) may set them: the
        # values are checked for finiteness and exactness where they are used, not here
        with mpmath.workdps(MP_DIGITS), np.errstate(all="ignore"):
            value = _walk(expr, self.numbers, dict(self.env))
        return _sympy(value) if self.numbers.fractions else value


@functools.lru_cache(maxsize=4096)
def is_rational_expression(expr: sp.Expr) -> bool:
    """True when ``expr`` needs no transcendental function (exact evaluation is possible).

    >>> from dpo_mixture.notation import beta
    >>> is_rational_expression(1 / beta + 2), is_rational_expression(sp.exp(beta))
    (True, False)
    """
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.exp, sp.log)) or node.is_NumberSymbol:  # pi, E: irrational too
            return False
        if isinstance(node, sp.Pow) and not node.exp.is_integer:  # 2*m for an integer m is fine
            return False
        if isinstance(node, sp.Function) and not _rational_function(node):
            return False  # sin, erf, an undefined f: nothing says its value is rational
    return True


#: Functions that map rationals to rationals.
_RATIONAL_FUNCTIONS: tuple = (sp.Abs, sp.sign, sp.floor, sp.ceiling, sp.Piecewise, sp.Max, sp.Min, sp.Heaviside)


def _rational_function(node: sp.Function) -> bool:
    """Whether ``node`` is rational at rational arguments: one of the functions above, a
    support-wide max or min, or a named function whose unfolded form is rational."""
    from ..model import SupportMax, SupportMin

    if isinstance(node, (*_RATIONAL_FUNCTIONS, SupportMax, SupportMin)):
        return True
    from .facts import named_operator

    if named_operator(node):
        unfolded = node.unfold()
        return unfolded != node and is_rational_expression(unfolded)
    return False


@functools.lru_cache(maxsize=1024)
def carried_out(expr: sp.Derivative) -> sp.Expr:
    """A derivative carried out symbolically (under finite sums), so that it can be evaluated.

    A substitution inside it puts every variable at its point at once:

    >>> x, z = sp.symbols("x z", real=True)
    >>> carried_out(sp.Derivative(sp.Subs(x**2 * z, (x, z), (z, 1)), z))
    2*z
    """
    from ..model import RelEntr, SupportMax, SupportMin
    from .normal_form import carry_out

    if expr.expr.has(sp.Abs, sp.Max, sp.Min, sp.Heaviside, sp.sign, SupportMax, SupportMin, RelEntr):
        # SymPy's formal derivative of a kink weighs the branches with Heaviside(0) = 1/2, which
        # is no derivative where three branches meet (nor a one-sided one): no value is better
        raise EvaluationError("the search cannot evaluate the derivative of a function with a kink")
    out = carry_out(expr)
    if out.has(sp.Derivative):
        raise EvaluationError("the search cannot evaluate this Derivative")
    return out


@functools.lru_cache(maxsize=4096)
def nested_dependence(body: sp.Basic, index: sp.Symbol) -> bool:
    """Whether ``body`` holds a sum or extremum whose own body uses ``index``: then ``index``
    cannot be bound to the vector of all outputs at once (the inner binder would pair outputs
    elementwise)."""
    from ..model import SupportMax, SupportMin

    for node in sp.preorder_traversal(body):
        if isinstance(node, (sp.Sum, SupportMax, SupportMin)) and index in node.free_symbols:
            return True
        # through another binder: a substitution at r(index) (or a limit, a lambda) whose body
        # holds a sum puts the index into that sum as surely as writing it there
        if isinstance(node, (sp.Subs, sp.Limit, sp.Lambda, sp.Derivative, sp.Integral, sp.Product)) \
                and index in node.free_symbols and node.has(sp.Sum, SupportMax, SupportMin):
            return True
    return False


def _extremum_rule(node: sp.Basic, walk: Callable, numbers: Numbers, env: dict) -> Any:
    """``max``/``min`` over the support: bind the index to every output, then reduce."""
    from ..notation import n

    body, index = node.args
    missing = object()
    saved = env.get(index, missing)
    try:
        if nested_dependence(body, index):
            values = []
            for i in range(1, int(env[n]) + 1):
                env[index] = i
                values.append(walk(body))
            values = np.array(values, dtype=float if numbers.kind == "float" else object)
        else:
            env[index] = indices(numbers, 1, int(env[n]))
            values = walk(body)
    finally:
        if saved is missing:
            env.pop(index, None)
        else:
            env[index] = saved
    if not isinstance(values, np.ndarray):
        return values
    from ..model import SupportMax

    if numbers.kind == "float":
        return float(np.max(values) if isinstance(node, SupportMax) else np.min(values))
    pick = max if isinstance(node, SupportMax) else min
    return pick(values)


def _relentr_rule(node: sp.Basic, walk: Callable, numbers: Numbers, env: dict) -> Any:
    """``x log(x/c)`` with ``0 log 0 = 0``; undefined for ``x < 0``."""
    x, c = walk(node.args[0]), walk(node.args[1])

    def one(a, b):
        if a == 0:
            return numbers.const(0)
        if a < 0:
            raise EvaluationError("x log(x/c) at a negative x")
        return a * numbers.log(a / b)

    if isinstance(x, np.ndarray) or isinstance(c, np.ndarray):
        x, c = np.broadcast_arrays(np.asarray(x, dtype=object), np.asarray(c, dtype=object))
        return np.array([one(a, b) for a, b in zip(x, c)], dtype=float if numbers.kind == "float" else object)
    return one(x, c)


def _register_model_nodes() -> None:
    from ..model import RelEntr, SupportMax, SupportMin

    register(SupportMax, _extremum_rule)
    register(SupportMin, _extremum_rule)
    register(RelEntr, _relentr_rule)


_register_model_nodes()

