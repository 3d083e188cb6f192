"""Sign analysis: is an expression positive, nonnegative, ...?  Every rule checks its premises.

:func:`sign` walks the tree and answers ``"pos"``, ``"nonneg"``, ``"neg"``, ``"nonpos"``,
``"zero"`` or ``None`` (unknown).  An unknown sign is never taken for a known one.  The rules,
each with the premise it checks (this list is part of the kernel's trusted base):

* a symbol's sign comes from its SymPy assumptions (``positive=True``, ...);
* sums and products combine signs in the usual way; ``x**k`` for an even integer ``k`` is
  nonnegative, a negative power has the sign of its base *only if the base is strictly signed*
  (a base that may vanish makes it undefined); a non-integer power of a positive base is positive;
* ``exp(x)`` is positive; ``log(x)`` has the sign of ``x - 1`` *only if* ``x > 0`` is shown;
* ``c (e^x - e^z)`` has the sign of ``c (x - z)`` (exp is increasing);
* an expression affine in a probability ``a`` (a symbol declared in ``(0, 1)``) is a convex
  combination of its values at ``a = 0`` and ``a = 1``;
* a sum over the whole support of ``w(i) f(i)``, with ``w`` a declared distribution and ``f > 0``,
  is positive (a distribution sums to one, so some ``w(i) > 0``);
* an entry of a *support-defining* definition (a quantity declared positive on the support and
  defined by a nonnegative expression, such as ``p_ref = alpha p_A + (1 - alpha) p_U``) is
  positive, because the support is by definition where that quantity is positive;
* ``max_k f(k)`` and ``min_k f(k)`` have the sign ``f`` has at every output.

What the analysis may rely on is set per theory with :func:`sign_context` (which symbols are
probabilities, which bases are distributions, which definitions define the support).
"""

from __future__ import annotations

import contextvars
import functools
from contextlib import contextmanager
from dataclasses import dataclass

import sympy as sp

from ..model import SupportMax, SupportMin
from ..notation import n
from .facts import at_index

__all__ = [
    "sign",
    "is_positive",
    "is_nonnegative",
    "is_real",
    "defined_everywhere",
    "SignContext",
    "sign_context",
    "current_context",
    "sign_meets",
]

_FLIP = {"pos": "neg", "neg": "pos", "nonneg": "nonpos", "nonpos": "nonneg", "zero": "zero", None: None}


@dataclass(frozen=True)
class SignContext:
    """What the sign rules may assume: probabilities, distributions, support-defining entries.

    ``support`` holds ``(base, index, expr)``: ``base[index] := expr`` defines a quantity that is
    positive exactly on the support.
    """

    probabilities: frozenset = frozenset()
    distributions: frozenset = frozenset()
    support: tuple = ()


def _default_context() -> SignContext:
    from ..notation import DOMAINS, Domain

    return SignContext(
        probabilities=frozenset(q for q, d in DOMAINS.items() if d is Domain.UNIT_INTERVAL),
        distributions=frozenset(
            q for q, d in DOMAINS.items() if d in (Domain.DISTRIBUTION, Domain.SPARSE_DISTRIBUTION)
        ),
    )


_ACTIVE: contextvars.ContextVar[SignContext | None] = contextvars.ContextVar("sign_context", default=None)


def current_context() -> SignContext:
    """The context in force: the innermost :func:`sign_context`, else the declared domains."""
    ctx = _ACTIVE.get()
    return ctx if ctx is not None else _default_context()


@contextmanager
def sign_context(ctx: SignContext):
    """Use ``ctx`` for every :func:`sign` call inside the block."""
    token = _ACTIVE.set(ctx)
    try:
        yield ctx
    finally:
        _ACTIVE.reset(token)


def _from_assumptions(e: sp.Expr) -> str | None:
    if e.is_zero:
        return "zero"
    if e.is_positive:
        return "pos"
    if e.is_negative:
        return "neg"
    if e.is_nonnegative:
        return "nonneg"
    if e.is_nonpositive:
        return "nonpos"
    return None


def _mul(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return None
    if "zero" in (a, b):
        return "zero"
    neg = (a in ("neg", "nonpos")) != (b in ("neg", "nonpos"))
    strict = a in ("pos", "neg") and b in ("pos", "neg")
    if neg:
        return "neg" if strict else "nonpos"
    return "pos" if strict else "nonneg"


def _add(signs: list[str | None]) -> str | None:
    if any(s is None for s in signs):
        return None
    signs = [s for s in signs if s != "zero"]
    if not signs:
        return "zero"
    if all(s in ("pos", "nonneg") for s in signs):
        return "pos" if "pos" in signs else "nonneg"
    if all(s in ("neg", "nonpos") for s in signs):
        return "neg" if "neg" in signs else "nonpos"
    return None


def sign_meets(s: str | None, op: str) -> bool:
    """Whether the sign ``s`` shows ``d op 0`` for ``op`` in ``> >= ==``."""
    if op == ">":
        return s == "pos"
    if op == ">=":
        return s in ("pos", "nonneg", "zero")
    return s == "zero"


def _is_support_entry(e: sp.Expr, ctx: SignContext) -> bool:
    """``e`` is a support-defining expression at one output, e.g. ``alpha p_A(i) + (1 - alpha) p_U(i)``."""
    if not ctx.support:
        return False
    indices = {i.indices[0] for i in e.atoms(sp.Indexed)}
    if len(indices) != 1:
        return False
    (i,) = indices
    for _base, index, expr in ctx.support:
        if sp.expand(e - at_index(expr, index, i)) == 0:  # a bound i in the body renamed first
            return True
    return False


#: What a sum's index may say of itself: its body's sign is read with these assumptions.
_INDEX_LIES = ("negative", "nonpositive", "zero", "even", "odd", "prime", "composite", "noninteger")


def _forward(s: sp.Sum) -> bool:
    """Whether the body's sign carries over to the sum: every range is the support ``1..n`` or
    runs forward over positive integers, and no index says more of itself than that it is a
    positive integer (an even index would make ``(-1)**k`` read as 1).

    >>> k = sp.Symbol("k", integer=True, positive=True)
    >>> _forward(sp.Sum(k, (k, 1, n))), _forward(sp.Sum(1, (k, 3, 1)))
    (True, False)
    """
    for index, lo, hi in s.limits:
        if not (lo == 1 and hi == n or lo.is_Integer and hi.is_Integer and 1 <= lo <= hi + 1):
            return False
        if any(getattr(index, f"is_{a}") for a in _INDEX_LIES):
            return False
    return True


def factor(e: sp.Expr) -> sp.Expr:
    """``sp.factor`` with every exponential of a real number kept whole: SymPy reads
    ``exp(10^8)`` as ``E^(10^8)``, a polynomial in ``E`` of that degree, and factoring it takes
    seconds (minutes for ``exp(10^9)``).  Each such constant is factored as a positive
    symbol, which changes no identity.

    >>> x = sp.Symbol("x")
    >>> factor(sp.exp(10**9) * x - sp.exp(10**9))
    (x - 1)*exp(1000000000)
    """
    constants = {a: sp.Dummy(positive=True) for a in e.atoms(sp.exp) if a.args[0].is_number and a.args[0].is_real}
    constants.update({a: sp.Dummy(positive=True) for a in e.atoms(sp.Pow) if a.base is sp.E and a.exp.is_number})
    if not constants:
        return sp.factor(e)
    back = {d: a for a, d in constants.items()}
    return sp.factor(e.xreplace(constants)).xreplace(back)


def _merge_sums(e: sp.Expr) -> sp.Expr | None:
    """``c1 sum f1 + c2 sum f2`` over one range as ``sum (c1 f1 + c2 f2)``, or None."""
    from .normal_form import separable_summand

    sums = [s for s in e.atoms(sp.Sum)]
    if len(sums) < 2 or len({s.limits for s in sums}) != 1:
        return None
    (index, lo, hi), = sums[0].limits
    try:
        body = separable_summand(e, index)
    except ValueError:
        return None
    return sp.Sum(factor(body), (index, lo, hi))


def _exp_parts(term: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """``(c, x)`` with ``term = c * exp(x)``; ``x = 0`` for a term without exponential."""
    term = sp.powsimp(term, combine="exp")
    coeff, arg = sp.Integer(1), sp.Integer(0)
    for f in sp.Mul.make_args(term):
        if isinstance(f, sp.exp):
            arg += f.args[0]
        else:
            coeff *= f
    return coeff, arg


def _exp_difference(e: sp.Expr) -> str | None:
    """``c e^x - c e^z`` has the sign of ``c (x - z)``."""
    if not (isinstance(e, sp.Add) and len(e.args) == 2 and e.has(sp.exp)):
        return None
    (c1, x1), (c2, x2) = (_exp_parts(a) for a in e.args)
    if sp.expand(c1 + c2) != 0:
        return None
    return _mul(sign(c1), sign(sp.expand(x1 - x2)))


def _affine_in_probability(e: sp.Expr, ctx: SignContext) -> str | None:
    """An expression affine in a probability ``a`` is ``(1 - a) e(0) + a e(1)`` with ``0 < a < 1``."""
    for a in sorted(ctx.probabilities & e.free_symbols, key=str):
        if not e.is_polynomial(a) or sp.degree(e, a) != 1:
            continue
        at0, at1 = sp.expand(e.xreplace({a: 0})), sp.expand(e.xreplace({a: 1}))
        out = _add([sign(at0), sign(at1)])
        if out is not None:
            return out
    return None


def _distribution_weighted(s: sp.Sum, ctx: SignContext) -> bool:
    """``sum_{i=1}^n w(i) f(i)`` with ``w`` a declared distribution and ``f(i) > 0``."""
    (index, lo, hi), = s.limits
    if not (lo == 1 and hi == n):
        return False
    factors = sp.Mul.make_args(s.function)
    for j, f in enumerate(factors):
        if isinstance(f, sp.Indexed) and f.base in ctx.distributions and f.indices == (index,):
            rest = sp.Mul(*(factors[:j] + factors[j + 1 :]))
            return sign(rest) == "pos"
    return False


def sign(e: sp.Expr) -> str | None:
    """The sign of ``e`` as far as the rules above decide it.

    >>> from dpo_mixture.notation import p_A, r, beta, y, support_sum, alpha
    >>> sign((1 - alpha) * support_sum(p_A[y] * sp.exp(r[y] / beta)))
    'pos'
    >>> sign(-beta / 2), sign(r[y]) is None, sign(sp.log(1 - sp.exp(-1 / beta)))
    ('neg', True, 'neg')
    >>> sign(sp.log(1 - 2 * sp.exp(-1 / beta))) is None  # log's argument may be negative: no sign
    True
    """
    return _sign(sp.sympify(e), current_context())


@functools.lru_cache(maxsize=65536)
def _sign(e: sp.Expr, ctx: SignContext) -> str | None:
    """:func:`sign` in a given context (cached: the same question gets the same answer)."""
    if isinstance(e, sp.Sum) and not _forward(e):
        return None  # a reversed range negates (Karr's convention); an odd index misreads the body
    # a sum or a product whose parts' signs decide it strictly needs no question to SymPy's
    # assumptions (which deduce afresh for every new expression); otherwise they are asked first
    structural = None
    if isinstance(e, sp.Add):
        structural = _add([sign(a) for a in e.args])
    elif isinstance(e, sp.Mul):
        structural = "pos"
        for a in e.args:
            structural = _mul(structural, sign(a))
    if structural in ("pos", "neg", "zero"):
        return structural
    known = _from_assumptions(e)
    if known in ("pos", "neg", "zero"):
        return known
    out: str | None = None
    if isinstance(e, sp.Add):
        out = structural
        if out is None:
            grouped = sp.factor_terms(e)  # may expose a product of known signs
            if grouped != e and not isinstance(grouped, sp.Add):
                out = sign(grouped)
        if out is None:
            out = _exp_difference(e)
        if out in (None, "nonneg", "nonpos"):
            out = _affine_in_probability(e, ctx) or out
        if out is None:
            factored = factor(e)
            if factored != e and not isinstance(factored, sp.Add):
                out = sign(factored)
        if out in (None, "nonneg") and _is_support_entry(e, ctx):
            out = "pos"
        if out in (None, "nonneg", "nonpos"):
            merged = _merge_sums(e)
            if merged is not None:
                out = sign(merged) or out
    elif isinstance(e, sp.Mul):
        out = structural
    elif isinstance(e, sp.Pow):
        b, x = e.base, e.exp
        sb = sign(b)
        if x.is_Integer:
            k = int(x)
            if k < 0 and sb not in ("pos", "neg"):
                out = None  # undefined where the base vanishes
            elif k % 2 == 0:
                out = "pos" if sb in ("pos", "neg") else ("nonneg" if k > 0 and is_real(b) else None)
            else:
                out = sb
        elif sb == "pos" and is_real(x):
            out = "pos"
        elif sb in ("nonneg", "zero") and x.is_positive:
            out = "nonneg"
    elif isinstance(e, sp.exp):
        out = "pos" if is_real(e.args[0]) else None
    elif isinstance(e, sp.log):
        if sign(e.args[0]) == "pos":  # the premise: log is defined and real
            out = sign(e.args[0] - 1)
    elif isinstance(e, sp.Sum):
        # the body at an arbitrary output: the index is a fresh positive integer, so that no
        # declaration of its name (a probability used as an index) is read into the body
        body = e.function.xreplace({index: sp.Dummy(str(index), integer=True, positive=True)
                                    for index, _, _ in e.limits})
        s = sign(body)
        (_, lo, hi), = e.limits
        nonempty = (hi - lo + 1).is_positive or (hi == n and lo == 1)
        if s == "pos" and nonempty:
            out = "pos"
        elif s in ("pos", "nonneg", "zero"):
            out = "zero" if s == "zero" else "nonneg"
            if out == "nonneg" and _distribution_weighted(e, ctx):
                out = "pos"
        elif s in ("neg", "nonpos"):
            out = "neg" if (s == "neg" and nonempty) else "nonpos"
    elif isinstance(e, (SupportMax, SupportMin)):
        out = sign(e.args[0].xreplace({e.args[1]: sp.Dummy(positive=True, integer=True)}))
    return out if out is not None else known


def is_real(e: sp.Expr) -> bool:
    """True when ``e`` is real wherever it is defined: its sign is known, or SymPy says so, or
    it is built from real parts by ``+ * exp`` and integer powers.

    >>> from dpo_mixture.notation import r, y, beta
    >>> is_real(sp.exp(r[y] / beta) - r[y]), is_real(sp.sqrt(r[y]))
    (True, False)
    """
    e = sp.sympify(e)
    if e.is_real:
        return True
    if isinstance(e, (sp.Add, sp.Mul)):
        return all(is_real(a) for a in e.args)
    if isinstance(e, sp.Pow):
        return is_real(e.base) and (e.exp.is_Integer or sign(e.base) == "pos" and is_real(e.exp))
    if isinstance(e, sp.exp):
        return is_real(e.args[0])
    if isinstance(e, sp.log):
        return sign(e.args[0]) == "pos"
    if isinstance(e, sp.Sum):
        return is_real(e.function)
    if isinstance(e, (SupportMax, SupportMin, sp.Max, sp.Min)):
        return all(is_real(a) for a in e.args if not a.is_Symbol or not a.is_integer)
    return sign(e) is not None


def is_positive(e: sp.Expr) -> bool:
    """True only when :func:`sign` proves ``e > 0``."""
    return sign(e) == "pos"


def is_nonnegative(e: sp.Expr) -> bool:
    """True only when :func:`sign` proves ``e >= 0``."""
    return sign(e) in ("pos", "nonneg", "zero")


def defined_everywhere(e: sp.Expr) -> bool:
    """True when ``e`` is finite wherever its symbols are defined: no infinity in it, and a
    denominator whose sign is known to be strict (so it never vanishes).

    >>> from dpo_mixture.notation import beta, r, y
    >>> defined_everywhere(1 / beta), defined_everywhere(1 / (beta - 1)), defined_everywhere(r[y] ** -2)
    (True, False, False)
    """
    e = sp.sympify(e)
    if e.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return False
    den = sp.fraction(sp.together(e))[1]
    # a number is nonzero only when its sign is shown: log 4 - 2 log 2 is written as no 0 but is one
    return sign(den) in ("pos", "neg")
