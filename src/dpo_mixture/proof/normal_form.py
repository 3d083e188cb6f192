"""Targeted normal forms for expressions with sums over the support.

Instead of asking ``simplify(a - b) == 0``, the engine brings both sides to a form in which
equal expressions become identical:

1. logarithms are expanded where SymPy's assumptions make their arguments positive;
2. every sum is split over the terms of its summand, and factors free of the index are pulled
   out (linearity);
3. summation indices are renamed to one canonical bound index (a symbol no statement can
   contain), so ``sum_k f(k)`` and ``sum_y f(y)`` coincide and a bound index never meets a free
   one of the same name;
4. cited identities (such as ``sum_y p(y) = 1``) are applied to the split sums;
5. a support-wide ``max``/``min`` of ``c0 + c1 g(k)`` (``c0``, ``c1`` free of ``k``, ``c1`` of known
   strict sign) becomes ``c0 + c1 max g`` (``c0 + c1 min g`` when ``c1 < 0``).

:func:`standardize` renames every bound index to a fresh symbol and :func:`substitute` replaces
only free occurrences, so a hypothesis about the output ``y`` is never applied inside a sum
over ``y`` (where ``y`` means every output).
"""

from __future__ import annotations

import functools

import sympy as sp

from .facts import Fact, Identity, named_operator, unfold

__all__ = [
    "split_sums",
    "normal_form",
    "difference_is_zero",
    "separable_summand",
    "standardize",
    "substitute",
    "BOUND",
    "fresh_output",
    "binders",
    "carry_out",
    "put",
]

#: The canonical bound index of normal forms.  A ``Dummy``: no user expression contains it.
BOUND = sp.Dummy("i", integer=True, positive=True)
_y = BOUND


def fresh_output(name: str = "i") -> sp.Dummy:
    """A fresh symbol for "an arbitrary output of the support"."""
    return sp.Dummy(name, integer=True, positive=True)


def binders() -> tuple[type, ...]:
    """Node types that bind a variable: sums, support-wide extrema and uniform operators (an
    output index), and limits, substitutions, derivatives, lambdas, integrals and products (a
    variable of their body)."""
    from ..model import SupportMax, SupportMin, _UniformOperator

    return (sp.Sum, SupportMax, SupportMin, _UniformOperator, sp.Limit, sp.Subs, sp.Derivative, sp.Lambda,
            sp.Integral, sp.Product)


#: Bound indices of standardized expressions.  They are ``Dummy`` symbols, so no statement can
#: contain them free.
_POOL = tuple(sp.Dummy(f"b{d}", integer=True, positive=True) for d in range(16))


def reserved() -> frozenset:
    """The normal forms' own symbols: their bound indices.  A statement may not hold them
    free: a forged index would be captured by a renamed sum."""
    return frozenset(_POOL) | {BOUND}


def standardize(expr: sp.Basic) -> sp.Basic:
    """Open the uniform operators into sums and rename every bound index canonically.

    A binder whose body holds no other binder binds ``b0``; one whose body holds binders of
    height at most ``h`` binds ``b(h+1)``.  So a closed sub-expression gets the same names
    wherever it stands, expressions that differ only in the names of bound indices become
    identical, an inner binder never reuses an outer one's name, and a bound index can never
    be taken for a free one.

    >>> from dpo_mixture.notation import p, y, k, support_sum
    >>> e = standardize(support_sum(p[y]) + p[y])
    >>> y in e.free_symbols, standardize(support_sum(p[k], k)) == standardize(support_sum(p[y]))
    (True, True)
    """
    return _standardize(sp.sympify(expr))


@functools.lru_cache(maxsize=8192)
def _standardize(expr: sp.Basic) -> sp.Basic:
    expr = expr.replace(named_operator, lambda e: e.unfold())
    return _renamed(expr)[0]


#: Stand-ins for pool indices while the body they bind is renamed (one per pool index).
_APART = tuple(sp.Dummy(f"s{d}", integer=True, positive=True) for d in range(len(_POOL)))


def _apart(index: sp.Basic, body: sp.Basic) -> tuple[sp.Basic, sp.Basic]:
    """A binder's index and body, the index taken out of the pool first when it is a pool
    index: an expression standardized before and changed since (a definition or a lemma's
    value unfolded under its sums) binds ``b0`` where a binder put inside it would be named
    ``b0`` too.  Its stand-in is fixed, so the renaming stays canonical (and kept)."""
    if index in _POOL:
        stand_in = _APART[_POOL.index(index)]
        if body.has(stand_in):  # (a forged one, bound or free in the body: a fresh one instead)
            stand_in = sp.Dummy(str(index), integer=True, positive=True)
        return stand_in, body.xreplace({index: stand_in})
    return index, body


def _canonical_index(h: int, body: sp.Basic, index: sp.Basic, ends: tuple = ()) -> tuple[sp.Basic, int]:
    """The pool index of a binder whose body has binders of height ``h`` (``b(h+1)``), and its
    height; past the pool symbols free in the body or in the range's ends (a body taken out of a
    standardized expression reads its enclosing binder's index free), the next one that is not,
    so that renaming never captures anything."""
    taken = body.free_symbols - {index}
    for end in ends:
        taken |= end.free_symbols
    for height in range(h + 1, len(_POOL)):
        candidate = _POOL[height]
        # free in the body, or bound by a binder inside it that the renaming did not name
        # (a lambda's, forged): put for the index there, it would be captured
        if candidate not in taken and (candidate == index or not body.has(candidate)):
            return candidate, height
    raise ValueError("sums nested too deeply to be named canonically")


@functools.lru_cache(maxsize=65536)
def _renamed(e: sp.Basic) -> tuple[sp.Basic, int]:
    """``e`` with its bound indices renamed (see :func:`standardize`), and the height of its
    binders (-1 without any).  A sub-expression's renaming depends on it alone, so the answer
    is kept: the model's sums recur in nearly every statement."""
    from ..model import SupportMax, SupportMin

    if not e.args:
        return e, -1
    if isinstance(e, sp.Sum) and len(e.limits) == 1:
        (index, lo, hi), = e.limits
        index, function = _apart(index, e.function)
        body, h = _renamed(function)
        lo, hi = _renamed(lo)[0], _renamed(hi)[0]
        new, height = _canonical_index(h, body, index, (lo, hi))
        return sp.Sum(body.xreplace({index: new}), (new, lo, hi)), height
    if isinstance(e, (SupportMax, SupportMin)):
        index, body = _apart(e.args[1], e.args[0])
        body, h = _renamed(body)
        new, height = _canonical_index(h, body, index)
        return type(e)(body.xreplace({index: new}), new), height
    pairs = [_renamed(a) for a in e.args]
    args = [a for a, _ in pairs]
    height = max((h for _, h in pairs), default=-1)
    if all(a is b for a, b in zip(args, e.args)):
        return e, height
    return (e.func(*args, evaluate=False) if isinstance(e, sp.Rel) else e.func(*args)), height


def substitute(expr: sp.Basic, mapping: dict) -> sp.Basic:
    """Replace free occurrences only: inside a binder whose variable occurs in a key, nothing is
    replaced (the key means something else there), and neither inside one whose variable
    occurs in a value (the value would be captured).  Leaving an occurrence alone is always
    sound: each replaced occurrence equals what replaces it.

    >>> from dpo_mixture.notation import r, y, support_sum
    >>> substitute(r[y] + support_sum(r[y]), {r[y]: 0})
    Sum(r[y], (y, 1, n))
    >>> a, x = sp.symbols("a x", real=True)
    >>> substitute(a + sp.Limit(a / x, x, sp.oo), {a: x})
    x + Limit(a/x, x, oo, dir='-')
    """
    if not mapping:
        return expr
    keys_free = set().union(*(sp.sympify(k).free_symbols for k in mapping))
    keys_free |= set().union(*(sp.sympify(v).free_symbols for v in mapping.values()))
    kinds = binders()

    def walk(e: sp.Basic) -> sp.Basic:
        if e in mapping:
            return mapping[e]
        if not e.args:
            return e
        if isinstance(e, kinds):
            bound = _bound_of(e)
            if bound & keys_free:
                return e
        args = [walk(a) for a in e.args]
        if all(a is b for a, b in zip(args, e.args)):
            return e
        return e.func(*args, evaluate=False) if isinstance(e, sp.Rel) else e.func(*args)

    return walk(sp.sympify(expr))


def _bound_of(e: sp.Basic) -> set:
    """The variables a binder (one of :func:`binders`) binds."""
    from ..model import SupportMax, SupportMin
    from ..notation import y

    if isinstance(e, (sp.Sum, sp.Integral, sp.Product)):
        return {lim[0] for lim in e.limits}
    if isinstance(e, (SupportMax, SupportMin)):
        return {e.args[1]}
    if isinstance(e, sp.Limit):
        return {e.args[1]}
    if isinstance(e, (sp.Subs, sp.Lambda)):
        return set(e.variables)
    if isinstance(e, sp.Derivative):
        return {v for v, _ in e.variable_count}
    return {y}  # the uniform operators bind the output y


@functools.lru_cache(maxsize=8192)
def _expand(expr: sp.Expr) -> sp.Expr:
    """Logarithms, products and powers expanded, to a fixed point (SymPy's ``expand``, whose
    default hints include ``log``).  The same expression is expanded many times over (once per
    pass of a normal form, and again in the next step that meets it), so the answer is kept."""
    return sp.expand(expr)


def _split_one(s: sp.Sum) -> sp.Expr:
    if len(s.limits) != 1:
        return s
    index, lo, hi = s.limits[0]
    body = _expand(split_sums(s.function))
    total = sp.Integer(0)
    rest: dict[sp.Expr, sp.Expr] = {}
    for term in sp.Add.make_args(body):
        const, dep = term.as_independent(index, as_Add=False)
        if dep == 1:
            total += const * (hi - lo + 1)
            continue
        rest[dep] = rest.get(dep, sp.Integer(0)) + const
    for dep, const in rest.items():  # indices are renamed canonically afterwards (standardize)
        total += const * sp.Sum(dep, (index, lo, hi))
    return total


def _linear_extremum(node: sp.Basic) -> sp.Expr:
    """``max_k (c0 + c1 g(k)) = c0 + c1 max_k g(k)`` for ``c0, c1`` free of ``k`` and ``c1 > 0``
    (``c1 min_k g`` for ``c1 < 0``); likewise for ``min``."""
    from ..model import SupportMax, SupportMin
    from .sign import sign

    body, index = node.args
    body = sp.expand(body)
    c0, dep = body.as_independent(index, as_Add=True)
    if dep == 0:
        return body
    dep = sp.factor_terms(dep)
    c1, g = dep.as_independent(index, as_Add=False)
    s = sign(c1)
    if c1 == 1 and c0 == 0:
        return node
    biggest = isinstance(node, SupportMax)
    if s == "pos":
        inner = type(node)(g, index)
    elif s == "neg":
        inner = (SupportMin if biggest else SupportMax)(g, index)
    else:
        return node
    return c0 + c1 * inner


def _pull_extrema(expr: sp.Expr) -> sp.Expr:
    from ..model import SupportMax, SupportMin

    if not expr.has(SupportMax, SupportMin):
        return expr
    return expr.replace(lambda e: isinstance(e, (SupportMax, SupportMin)), _linear_extremum)


def split_sums(expr: sp.Expr) -> sp.Expr:
    """Split every sum by linearity and pull out factors free of its index.

    >>> from dpo_mixture.notation import p, r, beta, k, n, support_sum
    >>> split_sums(support_sum(p[k] * (r[k] / beta + 2), k))
    2*Sum(p[k], (k, 1, n)) + Sum(p[k]*r[k], (k, 1, n))/beta
    """
    return _split_sums(expr) if isinstance(expr, sp.Basic) else expr


@functools.lru_cache(maxsize=8192)
def _split_sums(expr: sp.Basic) -> sp.Basic:
    """:func:`split_sums`, kept: a normal form splits the same sums at every pass."""
    return expr.replace(lambda e: isinstance(e, sp.Sum), _split_one)


def normal_form(expr: sp.Expr, facts: tuple[Fact, ...] | list[Fact] = ()) -> sp.Expr:
    """Unfold definitions, split sums, apply identities; repeat to a fixed point.

    >>> from dpo_mixture.notation import p, y, support_sum
    >>> from dpo_mixture.proof.facts import Identity
    >>> norm = Identity("normalization", support_sum(p[y]), 1)
    >>> normal_form(support_sum(3 * p[y] + 1), [norm])
    n + 3
    """
    from .sign import current_context

    # the sign rules take part (a linear max's factor), so the answer is the context's
    return _normal_form(sp.sympify(expr), tuple(facts), current_context())


@functools.lru_cache(maxsize=8192)
def _normal_form(expr: sp.Expr, facts: tuple, _context) -> sp.Expr:
    identities = [
        (standardize(split_sums(_expand(standardize(f.lhs)))), sp.sympify(f.rhs)) for f in facts if isinstance(f, Identity)
    ]
    expr = standardize(carry_out_subs(unfold(expr, facts)))
    for _ in range(6):
        new = standardize(_expand(_pull_extrema(split_sums(_log_sums(_expand(expr))))))
        for lhs, rhs in identities:
            new = new.xreplace({lhs: rhs}) if not isinstance(lhs, sp.Add) else new.subs(lhs, rhs)
        new = _expand(new)
        if new == expr:
            break
        expr = new
    return expr


def _exponential_terms(total: sp.Add) -> list | None:
    """``[(c, u)]`` with ``total = sum c e^u``, each ``c`` positive and each ``u`` real by
    SymPy's assumptions (a term without an exponential has ``u = 0``); else ``None``."""
    out = []
    for term in total.args:
        factors = sp.Mul.make_args(term)
        powers = [f for f in factors if isinstance(f, sp.exp)]
        c = sp.Mul(*(f for f in factors if not isinstance(f, sp.exp)))
        u = powers[0].args[0] if len(powers) == 1 else sp.Integer(0) if not powers else None
        if u is None or c.is_positive is not True or u.is_real is not True:
            return None
        out.append((c, u))
    return out if any(u != 0 for _, u in out) else None


def _log_sums(expr: sp.Expr) -> sp.Expr:
    """``log(sum c_i e^{u_i}) = u_j + log(sum c_i e^{u_i - u_j})`` (each ``c_i > 0``, each ``u_i``
    real), with ``j`` the term that leaves the least exponents in SymPy's order: the same
    logarithm written from another term (``log(e^z + 1)`` and ``z + log(1 + e^{-z})``) gets the
    same form.

    >>> z = sp.Symbol("z", real=True)
    >>> sp.expand(_log_sums(sp.log(sp.exp(z) + 1)) - _log_sums(sp.log(1 + sp.exp(-z))))
    z
    """
    def canonical(lg: sp.log) -> sp.Expr:
        terms = _exponential_terms(lg.args[0])
        if terms is None:
            return lg
        def shifted(v):
            return tuple(sorted((sp.default_sort_key(sp.expand(u - v)) for _, u in terms)))
        # ties (none for a finite set, but the order must not depend on it) go to no shift
        v = min(dict.fromkeys(u for _, u in terms), key=lambda v: (shifted(v), v != 0))
        if v == 0:
            return lg
        return v + sp.log(sp.Add(*(c * sp.exp(sp.expand(u - v)) for c, u in terms)))

    if not expr.has(sp.log):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.log) and e.args[0].is_Add, canonical)


def carry_out_subs(expr: sp.Basic) -> sp.Basic:
    """Every ``Subs`` carried out: a derivative inside taken, then its point put for its
    variable in the body, innermost first.  Expanding the body first would read the variable's own
    assumptions (``x > 0``: ``log(-x) = log x + i pi``, ``H(x^2 + 2x) = 1``) at a point where
    they fail, the end of the domain included; and SymPy takes two substitutions that differ
    only in their variable's assumptions as equal, so a cached expansion of one would stand for
    the other.  Definitions are unfolded before (a ``W := beta`` inside ``Subs(., beta, 1)``
    takes the point).

    >>> x = sp.Symbol("x", positive=True)
    >>> carry_out_subs(sp.Subs((sp.log(x**2) - 2 * sp.log(-x)) ** 2, x, -1))
    0
    """
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Subs):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Subs), _carried_out)


def _carried_out(s: sp.Subs) -> sp.Expr:
    """One substitution carried out.  A derivative inside is taken first, where every function
    in it is smooth.  A kink (``|x|``, ``max``, ``H``), a substitution inside, or a derivative
    SymPy cannot take raises ``ValueError``: the derivative may not exist at the point, and a
    stand-in for its value would be a constant that the point (a sum's index, an enclosing
    derivative's variable) could not move."""
    from ..model import RelEntr, SupportMax, SupportMin

    body = s.expr
    if body.has(sp.Derivative):
        kinks = (sp.Abs, sp.Max, sp.Min, sp.Heaviside, sp.sign, sp.Piecewise, sp.floor, sp.ceiling, sp.DiracDelta,
                 SupportMax, SupportMin, RelEntr)
        if body.has(*kinks) or body.has(sp.Subs):
            raise ValueError("a derivative of a function with a kink (or of a substitution) is not carried out")
        body = body.replace(lambda d: isinstance(d, sp.Derivative), lambda d: d.doit())
        if body.has(sp.Derivative):
            raise ValueError("a derivative that SymPy cannot carry out")
    # the point goes in for free occurrences only, and a binder of the body never captures
    # what the point holds (at r(k), a sum over k inside is renamed apart first)
    return put(body, dict(zip(s.variables, s.point)))


def put(expr: sp.Basic, mapping: dict) -> sp.Basic:
    """``expr`` with every free occurrence of each key replaced by its value, all at once, and
    no binder of ``expr`` capturing a symbol of a value: such a binder's variable is renamed
    apart first (``[sum_k z r(k)]_{z = r(k)}`` is ``r(k) sum_j r(j)``, never ``sum_k r(k)^2``).

    >>> from dpo_mixture.notation import r, k, support_sum
    >>> z = sp.Symbol("z", real=True)
    >>> put(support_sum(z * r[k], k), {z: r[k]}).free_symbols >= {k}
    True
    """
    from .facts import _bound_indices, _rename_bound

    expr = sp.sympify(expr)
    seen = set().union(*(sp.sympify(v).free_symbols for v in mapping.values())) if mapping else set()
    if seen & _bound_indices(expr):
        expr = _rename_bound(expr, seen)
    return _simultaneous(expr, mapping)


def difference_is_zero(lhs: sp.Expr, rhs: sp.Expr, facts=()) -> tuple[bool, sp.Expr]:
    """Whether ``lhs - rhs`` has normal form 0; also returns the normal form of the difference.

    >>> from dpo_mixture.notation import p, r, beta, y, support_sum
    >>> difference_is_zero(support_sum(p[y] * sp.log(sp.exp(r[y] / beta))),
    ...                    support_sum(p[y] * r[y]) / beta)[0]
    True
    """
    diff = normal_form(sp.sympify(lhs) - sp.sympify(rhs), facts)
    if diff == 0:
        return True, diff
    if _numerator_vanishes(diff):
        return True, sp.Integer(0)
    return False, diff


@functools.lru_cache(maxsize=4096)
def _numerator_vanishes(diff: sp.Expr) -> bool:
    """A rational function with no sums left, brought to one fraction: its numerator expands
    to zero.  Kept per expression (the same difference is asked of again step after step)."""
    num, _den = sp.fraction(sp.together(diff))
    return sp.expand(num) == 0


def separable_summand(expr: sp.Expr, index: sp.Symbol | None = None) -> sp.Expr:
    """``f`` such that ``expr = sum_index f``, for an expression made of constant multiples of
    sums over the same index and range.

    >>> from dpo_mixture.notation import p, r, beta, y, support_sum
    >>> separable_summand(support_sum(p[y] * r[y]) - beta * support_sum(p[y] ** 2))
    -beta*p[y]**2 + p[y]*r[y]
    """
    if index is None:
        from ..notation import y as index
    total = sp.Integer(0)
    limits = None
    for term in sp.Add.make_args(expr):
        sums = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum)]
        if len(sums) != 1 or sums[0].limits[0][0] != index:
            raise ValueError(f"not a multiple of one sum over {index}: {term}")
        if limits is not None and sums[0].limits != limits:
            raise ValueError("the sums run over different ranges")
        limits = sums[0].limits
        coeff = term / sums[0]
        if coeff.has(index):
            raise ValueError(f"the factor {coeff} depends on the index {index}")
        total += coeff * sums[0].function
    return total


def carry_out(expr: sp.Basic) -> sp.Basic:
    """Carry out every derivative and substitution, innermost first, and nothing else: sums
    stay sums (SymPy's ``doit(deep=True)`` would also try to find their closed forms, at a
    cost without bound), and a substitution puts each variable at its point at once.

    >>> from dpo_mixture.notation import r, beta, y, k, support_sum
    >>> carry_out(sp.Derivative(support_sum(sp.exp(r[k] / beta), k), beta))
    Sum(-exp(r[k]/beta)*r[k]/beta**2, (k, 1, n))
    """
    def walk(e: sp.Basic) -> sp.Basic:
        if not e.args or not e.has(sp.Derivative, sp.Subs):
            return e
        args = [walk(a) for a in e.args]
        if any(a is not b for a, b in zip(args, e.args)):
            e = e.func(*args, evaluate=False) if isinstance(e, sp.Rel) else e.func(*args)
        if isinstance(e, sp.Derivative):
            return e.expr.diff(*e.variable_count)
        if isinstance(e, sp.Subs):
            return _simultaneous(e.expr, dict(zip(e.variables, e.point)))
        return e

    return walk(sp.sympify(expr))


def _simultaneous(expr: sp.Basic, mapping: dict) -> sp.Basic:
    """``expr`` with every free occurrence of a key replaced by its value, all at once (a value
    is never substituted again).  Inside a binder of the key the key is left alone; a value
    that would be captured by a binder raises ``ValueError``.

    >>> x, z = sp.symbols("x z", real=True)
    >>> _simultaneous(x + sp.Limit(x * z, z, 1), {x: 2})
    2 + Limit(2*z, z, 1, dir='+')
    >>> _simultaneous(sp.Limit(x * z, z, 1), {x: z})
    Traceback (most recent call last):
    ...
    ValueError: substituting for ['x'] would capture ['z'], bound by Limit
    """
    kinds = binders()
    keys = set(mapping)

    def walk(e: sp.Basic, hidden: frozenset) -> sp.Basic:
        if e in mapping and e not in hidden:
            return mapping[e]
        if not e.args:
            return e
        if isinstance(e, kinds):
            bound = _bound_of(e)
            live = {k for k in keys - hidden if k in e.free_symbols}
            captured = set().union(*(sp.sympify(mapping[k]).free_symbols for k in live)) & bound if live else set()
            if captured:
                raise ValueError(f"substituting for {sorted(map(str, live))} would capture "
                                 f"{sorted(map(str, captured))}, bound by {type(e).__name__}")
            inner = hidden | frozenset(bound & keys)
            if isinstance(e, sp.Derivative) and bound & keys - hidden:
                raise ValueError("a substitution for the variable of a derivative that was not carried out")
            if isinstance(e, sp.Limit):
                body, var, point, direction = e.args
                return sp.Limit(walk(body, inner), var, walk(point, hidden), str(direction))
            if isinstance(e, sp.Subs):
                return sp.Subs(walk(e.expr, inner), e.variables, walk(e.point, hidden))
            args = [walk(a, inner) for a in e.args]
        else:
            args = [walk(a, hidden) for a in e.args]
        if all(a is b for a, b in zip(args, e.args)):
            return e
        return e.func(*args, evaluate=False) if isinstance(e, sp.Rel) else e.func(*args)

    return walk(sp.sympify(expr), frozenset())
