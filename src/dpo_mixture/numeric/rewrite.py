"""Rewrites that turn the model's SymPy expressions into stable array expressions.

The model writes sums over the support as ``Sum(f(k), (k, 1, n))`` over indexed objects such as
``p_ref[k]``.  An array backend wants whole arrays whose last axis is the support, reductions
over that axis, and no intermediate that overflows or cancels.  The passes below get there;
each works on SymPy expressions, so the model stays the single source of the numeric code.

1. :data:`unfold` replaces the named quantities ``Z``, ``M_A`` and ``M_U`` by their
   definitions from :mod:`dpo_mixture.model` (a :class:`ReplaceOptim`).
2. :func:`shift_rewards`: every reward ``r`` that tilts a sum (``exp(c r[k])`` with ``c > 0``)
   is written ``r = r_shifted + m`` with ``m`` its maximum over the support.  SymPy then decides
   how the expression depends on ``m``: when its derivative in ``m`` is zero the expression is
   the same in ``r_shifted`` and ``m`` disappears; when the derivative is a constant ``c`` the
   expression is its value at ``r_shifted`` plus ``c m`` (``log Z`` gains ``m/beta``).  A large
   reward offset is then never added back and subtracted again, and every tilt is at most 1.
3. :func:`divide_by_whole`: a product that multiplies a ratio by the ratio's denominator is
   distributed, so the part cancels symbolically (``TPM(A) E_A[r]`` no longer divides by
   ``M_A``, which may underflow where ``TPM(A)`` is negligible).
4. :func:`support_mask`: the support, where the shift is taken, is read off the expressions:
   the entries where some denominator or logarithm has a positive term.
5. :class:`ArrayForm`: indexed objects become arrays and sums become reductions over the last
   axis.  A sum whose exponentials are all at most 1 is summed as it stands; other products
   of exponentials go to log space (``log Sum`` is a :class:`~.nodes.LogSumExp`).
6. :data:`log_softmax_opt`, :data:`softmax_opt` recognise ``x - LogSumExp(x)`` and its
   exponential; :data:`fold_constants` evaluates constant logs and exponentials to floats.

>>> from dpo_mixture import model
>>> rewrite(sp.log(model.partition_function()), log_inputs={"p_ref": "log_p_ref"})
(LogSumExp(log_p_ref + (r - RowMax(r, IsSupported(log_p_ref)))/beta) + RowMax(r, IsSupported(log_p_ref))/beta,)
>>> rewrite(sp.log(model.closed_form()), log_inputs={"p_ref": "log_p_ref"})
(LogSoftmax(log_p_ref + (r - RowMax(r, IsSupported(log_p_ref)))/beta),)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p
from sympy.codegen.rewriting import ReplaceOptim, optimize

from .. import model
from ..notation import M_A, M_U, Z, alpha, beta, n, p_A, p_U
from .nodes import (
    AllOf,
    AnyOf,
    ExactSum,
    IsPositive,
    IsSupported,
    LogAddExp,
    LogRatio,
    LogSoftmax,
    LogSumExp,
    ReduceMax,
    ReduceMin,
    ReduceSum,
    RowMax,
    SafeLog,
    ScaledExp,
    Softmax,
    Weighted,
    Tilt,
    XLogY,
)

__all__ = [
    "DEFINITIONS",
    "unfold",
    "one_fraction",
    "Shift",
    "shift_rewards",
    "divide_by_whole",
    "support_mask",
    "ArrayForm",
    "log_softmax_opt",
    "softmax_opt",
    "fold_constants",
    "expm1_opt",
    "log1p_opt",
    "log_expm1_opt",
    "rewrite",
    "scale_invariant",
]

#: Named quantities of the model and the expressions that define them.
DEFINITIONS: dict[sp.Basic, sp.Expr] = {
    Z: model.partition_function(),
    M_A: model.component_moment(p_A),
    M_U: model.component_moment(p_U),
}

#: Scalars that live in ``[0, 1]``, so that ``1 - s`` is nonnegative as well.
UNIT_INTERVAL = (alpha,)

_SHIFTED = "_shifted"
_MAX = "_max"


def _named(e: sp.Basic) -> bool:
    """A named function of the model that unfolds into elementary ones (``Sigmoid``,
    ``LogSigmoid``, ``MeanUnif``, ``CovUnif``); ``RelEntr`` unfolds only where its sign is known."""
    return isinstance(e, sp.Function) and hasattr(e, "unfold") and e.unfold() != e


def _unfold_with(definitions: Mapping[sp.Basic, sp.Expr]) -> ReplaceOptim:
    return ReplaceOptim(lambda e: e in definitions or _named(e),
                        lambda e: definitions[e] if e in definitions else e.unfold())


#: Pass 1: the named quantities by their definitions.
unfold = _unfold_with(DEFINITIONS)
unfold.priority = 40


# --- shared predicates -------------------------------------------------------------------
def _nonnegative(e: sp.Basic) -> bool:
    """Whether ``e`` is nonnegative for every admissible value (a sufficient test)."""
    if e.is_Number:
        return bool(e >= 0)
    if isinstance(e, (sp.Symbol, sp.Indexed)):
        return bool(e.is_nonnegative)
    if isinstance(e, sp.exp):
        return True
    if any(e == 1 - s for s in UNIT_INTERVAL):
        return True
    if e.is_Mul or e.is_Add:
        return all(_nonnegative(a) for a in e.args)
    if e.is_Pow:
        return _nonnegative(e.base)
    if isinstance(e, sp.Sum):
        return _nonnegative(e.function)
    return False


def _exponential(e: sp.Basic) -> bool:
    return e.has(sp.exp, sp.Sum)


def _is_shifted(e: sp.Basic) -> bool:
    return isinstance(e, sp.Indexed) and e.base.name.endswith(_SHIFTED)


def _original_name(shifted: sp.IndexedBase) -> str:
    return shifted.name[: -len(_SHIFTED)]


def _is_tilt(arg: sp.Expr) -> bool:
    """``c * r_shifted[i]`` with ``c > 0`` free of the index: at most 0 on the support."""
    atoms = [a for a in arg.atoms(sp.Indexed) if _is_shifted(a)]
    if len(atoms) != 1 or arg.atoms(sp.Indexed) != set(atoms):
        return False
    coeff = sp.simplify(arg / atoms[0])
    return not coeff.has(sp.Indexed, sp.Sum) and bool(coeff.is_positive)


def _nonpositive(arg: sp.Expr) -> bool:
    """Whether an exponent is at most 0 wherever it matters (a sufficient test)."""
    if arg.is_Number:
        return bool(arg <= 0)
    if _is_tilt(arg):
        return True
    if arg.is_Add:
        return all(_nonpositive(a) for a in arg.args) or _spread_sign(arg) < 0
    if arg.is_Mul:
        coeff, rest = arg.as_independent(sp.Indexed, sp.Sum, model.SupportMax, model.SupportMin, as_Add=False)
        if coeff.is_positive and rest != 1:
            return _nonpositive(rest)
        if coeff.is_negative and rest != 1:
            return _spread_sign(rest) > 0
    return False


def _peaks_at_zero(arg: sp.Expr) -> bool:
    """Whether an exponent holds at most one shifted reward (so it reaches 0 at that reward's
    maximum, or is a constant)."""
    return len({a.base for a in arg.atoms(sp.Indexed) if _is_shifted(a)}) <= 1


def _spread_sign(e: sp.Expr) -> int:
    """``+1`` for ``SupportMax(f) - SupportMin(f)`` (never negative), ``-1`` for its negative."""
    if not (e.is_Add and len(e.args) == 2):
        return 0
    for sign in (1, -1):
        terms = [sign * a for a in e.args]
        top = [a for a in terms if isinstance(a, model.SupportMax)]
        bottom = [-a for a in terms if isinstance(-a, model.SupportMin)]
        if len(top) == 1 and len(bottom) == 1 and top[0].args == bottom[0].args:
            return sign
    return 0


# --- pass 1b: no difference of exponentials where one fraction has none ------------------
_HYPERBOLIC = (sp.sinh, sp.cosh, sp.tanh, sp.coth)


def _constant_and_exp(e: sp.Basic):
    """``(c2, c1, u)`` for ``e = c1 e^u + c2`` with numbers ``c1 = -c2``: ``c1 expm1(u)``.  (With
    another ratio the shift ``log(-c2/c1)`` would have to enter ``expm1``, whose argument SymPy
    folds back: ``expm1(u + log 3)`` is ``3 e^u - 1``.)"""
    if not (e.is_Add and len(e.args) == 2):
        return None
    const, term = (e.args if e.args[0].is_Number else e.args[::-1])
    if not const.is_Number:
        return None
    c1, rest = term.as_coeff_Mul()
    if isinstance(rest, sp.exp) and c1 == -const:
        return const, c1, rest.args[0]
    return None


def _differences(e: sp.Basic) -> int:
    """How many sums of terms in ``e`` subtract a term that holds an exponential (``c e^u - c``,
    which ``expm1`` computes exactly, excepted)."""
    return sum(1 for a in sp.preorder_traversal(e) if a.is_Add and a.has(sp.exp, *_HYPERBOLIC)
               and any(t.could_extract_minus_sign() for t in a.args)
               and not all(t.could_extract_minus_sign() for t in a.args) and _constant_and_exp(a) is None)


def _as_one_fraction(e: sp.Add) -> sp.Expr:
    if sp.count_ops(e) > 60:  # a large expression may not be worth its expansion
        return e
    exps = sp.together(e.replace(lambda a: isinstance(a, _HYPERBOLIC), lambda a: a.rewrite(sp.exp)))
    # a quotient with exponentials above and below overflows to inf/inf where the value is
    # finite ((e^z - 1)/(2 e^z + 2) at z = 800): only one side may hold them
    found = [c for c in (sp.cancel(exps), sp.factor(exps))
             if not all(side.has(sp.exp) for side in sp.fraction(c))]
    best = min(found, key=_differences, default=e)
    return best if _differences(best) < _differences(e) else e


def _as_expm1(e: sp.Add) -> sp.Expr:
    """``c e^u - c`` as ``c expm1(u)``: no cancellation near ``u = 0``."""
    _, c1, u = _constant_and_exp(e)
    return c1 * expm1(u)


def one_fraction(e: sp.Expr) -> sp.Expr:
    """Pass 1b: an elementwise difference that holds exponentials (or hyperbolic functions),
    over one denominator when that removes the difference; ``c e^u - c`` as ``c expm1(u)``; and
    ``log cosh`` as the log of a sum of exponentials.  ``1 - 1/(1 + e^{-z})`` is ``1/(1 + e^z)``:
    no cancellation, and no ``0`` where the value is ``e^{-40}``; so its logarithm meets the
    log-space rules (:class:`ArrayForm`) too.

    >>> z = sp.Symbol("z", real=True)
    >>> one_fraction(1 - 1 / (1 + sp.exp(-z)))
    1/(exp(z) + 1)
    >>> one_fraction(sp.log(sp.cosh(z)))
    log(exp(z)/2 + exp(-z)/2)
    >>> one_fraction(1 - sp.tanh(z)), one_fraction(2 - 2 * sp.exp(z))
    (2/(exp(2*z) + 1), -2*expm1(z))
    """
    # log1p as what it computes, so that the log-space rules see it (log1p(e^z) is a
    # log-sum-exp); the last pass writes it back where it remains.  expm1 stays whole: written
    # out, SymPy would merge its -1 with other constants (expm1(a) + expm1(b) = e^a + e^b - 2)
    e = e.replace(log1p, lambda u: sp.log(1 + u))
    e = e.replace(lambda a: isinstance(a, sp.log) and a.args[0].has(sp.cosh),
                  lambda a: sp.log(a.args[0].replace(sp.cosh, lambda u: (sp.exp(u) + sp.exp(-u)) / 2)))
    e = e.replace(lambda a: a.is_Add and not a.has(sp.Sum) and _differences(a) > 0, _as_one_fraction)
    def spelled_out(a):  # c e^u - c with c != 1; e^u - 1 itself stays, for the log-space rules
        found = None if a.has(sp.Sum) else _constant_and_exp(a)  # (the last pass makes it expm1)
        return found is not None and found[1] != 1

    return e.replace(spelled_out, _as_expm1)


# --- pass 2: one shift per reward ----------------------------------------------------------
class Shift:
    """The shift of one reward ``base``: ``base = shifted + maximum`` on the support.

    ``slope`` maps each rewritten expression to the constant ``c`` of ``f(r) = f(r_shifted)
    + c * maximum`` (zero for the expressions that do not depend on the shift at all).
    """

    def __init__(self, base: sp.IndexedBase):
        self.base = base
        self.shifted = sp.IndexedBase(base.name + _SHIFTED, real=True)
        self.maximum = sp.Symbol(base.name + _MAX, real=True)

    def __repr__(self) -> str:
        return f"Shift({self.base})"


def _tilted_bases(exprs: Iterable[sp.Expr]) -> list[sp.IndexedBase]:
    """Indexed bases that appear in exponents only linearly, with positive coefficients."""
    good: dict[sp.IndexedBase, bool] = {}
    for expr in exprs:
        for power in expr.atoms(sp.exp):
            arg = power.args[0]
            for atom in arg.atoms(sp.Indexed):
                if not any(isinstance(i, sp.Symbol) for i in atom.indices):
                    continue
                coeff = sp.diff(arg, atom)
                linear = not coeff.has(sp.Indexed, sp.Sum)
                good[atom.base] = good.get(atom.base, True) and linear and bool(coeff.is_positive)
    return sorted((b for b, ok in good.items() if ok), key=lambda b: b.name)


def _pull_out_of_extrema(expr: sp.Expr) -> sp.Expr:
    """``SupportMax(f + c) = SupportMax(f) + c`` for ``c`` free of the bound index."""

    def split(e):
        body, index = e.args
        constant, dependent = body.as_independent(index, as_Add=True)
        return constant, dependent, index

    return expr.replace(
        lambda e: isinstance(e, (model.SupportMax, model.SupportMin)) and split(e)[0] != 0,
        lambda e: (lambda c, d, i: type(e)(d, i) + c)(*split(e)),
    )


_CANONICAL = sp.Symbol("_k", integer=True, positive=True)


def _canonical_sums(e: sp.Basic) -> sp.Basic:
    """Sums split over their terms, index-free factors pulled out, bound index renamed."""
    if isinstance(e, sp.Sum):
        (index, low, high), = e.limits
        body = sp.expand(_canonical_sums(e.function))
        terms = []
        for term in sp.Add.make_args(body):
            coeff, rest = term.as_independent(index, as_Add=False)
            if not rest.has(sp.Sum):
                rest, index_ = rest.xreplace({index: _CANONICAL}), _CANONICAL
            else:
                index_ = index
            terms.append(coeff * sp.Sum(rest, (index_, low, high)))
        return sp.Add(*terms)
    if e.args and not isinstance(e, (sp.Indexed, sp.IndexedBase)):
        return e.func(*(_canonical_sums(a) for a in e.args))
    return e


def _is_zero(e: sp.Expr) -> bool:
    """Whether ``e`` (sums treated as unknowns) cancels to zero."""
    e = _canonical_sums(e)
    sums = sorted(e.atoms(sp.Sum), key=sp.default_sort_key)
    e = e.xreplace({s: sp.Dummy(positive=_nonnegative(s.function) or None) for s in sums})
    return sp.cancel(sp.together(e)) == 0


def _unit_sums(e: sp.Expr, distributions: frozenset) -> sp.Expr:
    """Every sum of a distribution's entries over the support replaced by 1."""
    if not distributions:
        return e
    return e.replace(
        lambda x: isinstance(x, sp.Sum) and len(x.limits) == 1 and isinstance(x.function, sp.Indexed)
        and x.function.base.name in distributions and x.function.indices == (x.limits[0][0],)
        and x.limits[0][1:] == (1, n),
        lambda x: sp.S.One,
    )


def _slope(expr: sp.Expr, shift: Shift, distributions: frozenset = frozenset()):
    """``c`` with ``expr(shifted + m) = expr(shifted) + c m``, or ``None`` if there is none.
    The derivative in ``m`` at 0 is that constant for every reward, so it is the derivative at
    every ``m`` too; the entries of each of ``distributions`` sum to one."""
    derivative = _unit_sums(_canonical_sums(sp.diff(expr, shift.maximum).subs(shift.maximum, 0)), distributions)
    if _is_zero(derivative):
        return sp.S.Zero
    if derivative.has(sp.Sum, sp.Indexed):
        return None
    return sp.simplify(derivative)


def _outside_extrema(e: sp.Basic, base: sp.IndexedBase) -> bool:
    """Whether an entry of ``base`` occurs in ``e`` outside every support-wide max and min."""
    if isinstance(e, (model.SupportMax, model.SupportMin)):
        return False
    if isinstance(e, sp.Indexed):
        return e.base == base
    return any(_outside_extrema(a, base) for a in e.args)


def shift_rewards(exprs: Iterable[sp.Expr], rewards: Iterable[str] = (),
                  distributions: Iterable[str] = ()) -> tuple[list[sp.Expr], list[Shift]]:
    """Pass 2: each tilted reward, and each array named in ``rewards``, shifted by its maximum
    over the support, the shift cancelled.

    A reward is shifted only when every expression is invariant under the shift or changes by
    a constant multiple of it; otherwise it is left as it is.  The arrays named in
    ``distributions`` sum to one over the support (a variance is invariant only so).

    >>> from dpo_mixture import model
    >>> (tpm_a,), shifts = shift_rewards([unfold(model.tpm_A())])
    >>> shifts, tpm_a.has(model.r)
    ([Shift(r)], False)
    """
    exprs = list(exprs)
    shifts = []
    distributions = frozenset(distributions)
    # an untilted reward gains from the shift only outside the extrema (max r - min r is exact)
    named = {b for e in exprs for b in e.atoms(sp.IndexedBase) if b.name in set(rewards) and _outside_extrema(e, b)}
    for base in sorted(set(_tilted_bases(exprs)) | named, key=lambda b: b.name):
        shift = Shift(base)

        def substitute(e, shift=shift):
            e = e.replace(
                lambda a: isinstance(a, sp.Indexed) and a.base == shift.base,
                lambda a: shift.shifted[a.indices] + shift.maximum,
            )
            return _pull_out_of_extrema(e)

        moved = [substitute(e) for e in exprs]
        slopes = [_slope(e, shift, distributions) for e in moved]
        if any(s is None for s in slopes):
            continue
        exprs = [e.subs(shift.maximum, 0) + s * shift.maximum for e, s in zip(moved, slopes)]
        shifts.append(shift)
    return exprs, shifts


# --- pass 3: divide by the whole, never by a part ------------------------------------------
def _sum_powers(e: sp.Expr) -> dict[sp.Sum, sp.Expr]:
    out = {}
    for factor in sp.Mul.make_args(e):
        base, power = factor.as_base_exp()
        if isinstance(base, sp.Sum):
            out[base] = out.get(base, 0) + power
    return out


def divide_by_whole(e: sp.Basic) -> sp.Basic:
    """Pass 3: distribute a product over a sum of ratios when that cancels a denominator.

    ``TPM(A) TPM(U) (N_A/M_A - N_U/M_U)`` becomes ``alpha (1 - alpha) (M_U N_A - M_A N_U)/Z^2``:
    no term divides by a component moment alone, which may underflow where it is negligible.

    >>> a, b, c = sp.symbols("a b c", positive=True)
    >>> i, m = sp.symbols("i m", integer=True, positive=True)
    >>> S = sp.Sum(sp.exp(b * i), (i, 1, m))
    >>> divide_by_whole(S * (a / S - c))
    a - c*Sum(exp(b*i), (i, 1, m))
    """
    if not e.args or isinstance(e, (sp.Indexed, sp.IndexedBase, sp.Sum)):
        return e
    if e.is_Mul:
        factors = [divide_by_whole(f) for f in e.args]
        for i, factor in enumerate(factors):
            if not factor.is_Add:
                continue
            rest = sp.Mul(*(factors[:i] + factors[i + 1 :]))
            present = _sum_powers(rest)
            if any(
                p.is_negative and present.get(s, 0).is_positive
                for term in factor.args
                for s, p in _sum_powers(term).items()
            ):
                return sp.Add(*(divide_by_whole(rest * term) for term in factor.args))
        return sp.Mul(*factors)
    return e.func(*(divide_by_whole(a) for a in e.args))


def _pull_factors(e: sp.Basic) -> sp.Basic:
    """Factors free of a sum's index move in front of the sum."""
    if isinstance(e, sp.Sum):
        (index, low, high), = e.limits
        body = _pull_factors(e.function)
        coeff, rest = body.as_independent(index, as_Add=False)
        return coeff * sp.Sum(rest, (index, low, high))
    if e.args and not isinstance(e, (sp.Indexed, sp.IndexedBase)):
        return e.func(*(_pull_factors(a) for a in e.args))
    return e


# --- pass 4: the support --------------------------------------------------------------------
def _has_shifted(e: sp.Basic) -> bool:
    return any(_is_shifted(a) for a in e.atoms(sp.Indexed))


def _weighted_sums(e: sp.Basic, factor_of_product: bool = False) -> list:
    """Every tilted sum with the nonnegative factors it is multiplied by (``alpha S_A`` weighs
    ``p_A`` only where ``alpha > 0``), denominators aside: where each is positive."""
    if not isinstance(e, sp.Basic):
        return []
    if isinstance(e, sp.Sum):
        return [] if factor_of_product or not _has_shifted(e) else [e]
    found = []
    if e.is_Mul:
        sums = [f for f in e.args if isinstance(f, sp.Sum) and _has_shifted(f)]
        if sums:
            weights = [f for f in e.args if not isinstance(f, sp.Sum) and not (f.is_Pow and f.exp.is_negative)
                       and _nonnegative(f)]
            found += [sp.Mul(*weights, s, evaluate=False) for s in sums]
        return found + [w for a in e.args for w in _weighted_sums(a, factor_of_product=True)]
    return [w for a in e.args for w in _weighted_sums(a)]


def _pointwise_weights(e: sp.Basic) -> list:
    """Where the tilts taken at the output (outside every sum) carry weight, for the products
    that the array form computes as a weight times a shifted tilt (a vector weight such as
    ``q[y]``): the entries where that product's factors, denominators aside, are positive, the
    output counted as a support entry.  A tilt without a vector weight is computed in log
    space, uncapped, and needs nothing."""
    if isinstance(e, sp.Sum) or not isinstance(e, sp.Basic):
        return []
    found = []
    if e.is_Mul:
        tilts = [f for f in e.args if isinstance(f, sp.exp) and _has_shifted(f) and not f.has(sp.Sum)]
        weights = [f for f in e.args if isinstance(f, sp.Indexed) and not _is_shifted(f) and _nonnegative(f)]
        if tilts and weights:
            bound = frozenset(i for t in tilts for a in t.atoms(sp.Indexed) if _is_shifted(a) for i in a.indices)
            found.append(_nonzero_where(e, bound))
    return found + [w for a in e.args for w in _pointwise_weights(a)]


def _nonzero_where(e: sp.Expr, bound: frozenset = frozenset()):
    """Where ``e``, a weight of any sign, can be nonzero: ``True`` or a boolean node over the
    support (more entries than needed is safe: the shift then sees them too).  A nonnegative
    vector is nonzero where positive; a signed one, a difference or a square may be nonzero
    anywhere; a denominator restricts nothing."""
    if e.is_Number:
        return sp.true if e != 0 else sp.false
    if isinstance(e, sp.Sum):
        (index, _, _), = e.limits
        return _nonzero_where(e.function, bound | {index})
    if isinstance(e, sp.Indexed):
        if _is_shifted(e) or not e.is_nonnegative or not set(e.indices) <= bound:
            return sp.true
        return IsPositive(e)
    if e in UNIT_INTERVAL or any(e == 1 - s for s in UNIT_INTERVAL):
        return IsPositive(e)
    if e.is_Pow:
        return sp.true if e.exp.is_negative else _nonzero_where(e.base, bound)
    if e.is_Mul or e.is_Add:
        return _combined(e, [_nonzero_where(a, bound) for a in e.args])
    return sp.true


def _combined(e: sp.Expr, parts: list):
    """The masks of a product's factors (all of them) or a sum's terms (any of them)."""
    if e.is_Mul:
        parts = [p for p in parts if p is not sp.true]
        if any(p is sp.false for p in parts):
            return sp.false
        return sp.true if not parts else parts[0] if len(parts) == 1 else AllOf(*parts)
    if any(p is sp.true for p in parts):
        return sp.true
    parts = [p for p in parts if p is not sp.false]
    return sp.false if not parts else parts[0] if len(parts) == 1 else AnyOf(*parts)


def _positivity(e: sp.Expr, bound: frozenset = frozenset()):
    """Where ``e`` (nonnegative) is positive: ``True`` or a boolean node over the support.

    Only entries of a summed index count: a factor at the output ``y`` (free in ``e``) is an
    elementwise value, not a condition on the support.
    """
    if e.is_Number:
        return sp.true if e > 0 else sp.false
    if isinstance(e, sp.Sum):
        (index, _, _), = e.limits
        return _positivity(e.function, bound | {index})
    if isinstance(e, sp.exp):
        return sp.true
    if isinstance(e, sp.Indexed):
        if _is_shifted(e) or not e.is_nonnegative or not set(e.indices) <= bound:
            return sp.true  # signed, or an entry at the output: no condition on the support
        return IsPositive(e)  # arrays of probabilities may hold zeros off the support
    if isinstance(e, sp.Symbol):
        return IsPositive(e) if e in UNIT_INTERVAL or not e.is_positive else sp.true
    if any(e == 1 - s for s in UNIT_INTERVAL):
        return IsPositive(e)
    if e.is_Pow:
        return _positivity(e.base, bound)
    if e.is_Mul or e.is_Add:
        return _combined(e, [_positivity(a, bound) for a in e.args])
    return sp.true


def _simplify_mask(m):
    """Flatten, drop repeats, and absorb: ``a | (a & b) = a``."""
    if not isinstance(m, (AllOf, AnyOf)):
        return m
    kind = type(m)
    args = []
    for a in (_simplify_mask(a) for a in m.args):
        for b in (a.args if isinstance(a, kind) else (a,)):
            if b not in args:
                args.append(b)
    other = AllOf if kind is AnyOf else AnyOf

    def parts(a):
        return set(a.args) if isinstance(a, other) else {a}

    # absorb: a | (a & b) = a, and (a & b) | (a & b & c) = a & b (dually for &)
    args = [a for a in args if not (isinstance(a, other) and any(b != a and parts(b) < parts(a) for b in args))]
    return args[0] if len(args) == 1 else kind(*args)


def support_mask(exprs: Iterable[sp.Expr]):
    """Pass 4: where the shift is taken: the entries where some tilted sum has weight.

    A denominator or a logarithm that holds a tilted sum must stay positive, and a sum in a
    numerator counts wherever its weight is positive: the union of their positive terms marks
    the support.  ``True`` means every entry (as it does for a tilt at the output).

    >>> from dpo_mixture import model
    >>> (tpm_a,), _ = shift_rewards([unfold(model.tpm_A())])
    >>> mask = support_mask([tpm_a])
    >>> type(mask).__name__, sorted(str(term) for term in mask.args)
    ('AnyOf', ['AllOf(IsPositive(1 - alpha), IsPositive(p_U[k]))', 'AllOf(IsPositive(alpha), IsPositive(p_A[k]))'])
    """
    guards, weighted, pointwise = [], [], []
    for expr in exprs:
        # a numerator's sums and the output's weighted tilts count too: where their weight is
        # positive the tilt counts, so the shift must see those entries (else they are capped)
        weighted += _weighted_sums(expr)
        pointwise += _pointwise_weights(expr)
        for node in sp.preorder_traversal(expr):
            if node.is_Pow and node.exp.is_negative and node.base.has(sp.Sum) and _has_shifted(node.base):
                guards.append(node.base)
            elif isinstance(node, sp.log) and node.args[0].has(sp.Sum) and _has_shifted(node.args[0]):
                guards.append(node.args[0])
    masks = []
    for m in [*(_positivity(g) for g in guards), *(_nonzero_where(w) for w in weighted), *pointwise]:
        if m is sp.true:
            return sp.true
        if m not in masks and m is not sp.false:
            masks.append(m)
    if not masks:
        return sp.true
    return masks[0] if len(masks) == 1 else _simplify_mask(AnyOf(*masks))


# --- pass 5: the array form -----------------------------------------------------------------
def _vanishing_weight(f: sp.Basic) -> bool:
    """A per-row factor that may be 0 (``alpha``, ``1 - alpha``, a positive power of one: the
    checks allow ``alpha`` in [0, 1]): a product of it with sums over the support is 0 where
    it is, whatever the sums (:class:`Weighted`)."""
    base, power = f.as_base_exp()
    return power.is_Integer and power > 0 and (base in UNIT_INTERVAL or any(base == 1 - s for s in UNIT_INTERVAL))


def _per_row(e: sp.Expr) -> bool:
    """Whether ``e`` has one value per row: every array entry in it lies inside a sum or an
    extremum over the support."""
    reduced = e.replace(lambda a: isinstance(a, (sp.Sum, model.SupportMax, model.SupportMin)), lambda a: sp.Dummy())
    return not reduced.has(sp.Indexed)


def _signed_sum(e: sp.Add, is_input=lambda a: isinstance(a, (sp.Symbol, sp.Indexed))):
    """``(c, [x_1, -x_2, ...])`` when ``e = c (x_1 - x_2 ...)``, a common factor times a signed
    sum of three or more distinct inputs (``is_input``: symbols and array entries, such as the
    four log-probabilities of DPO's margin); else ``None``.  Such a sum is taken exactly and
    rounded once (:class:`ExactSum`): added one by one, inputs of size 1e4 leave an error of
    1e-12 in a margin of size 50.

    >>> a, b, c, d, beta = sp.symbols("a b c d beta")
    >>> _signed_sum(beta * (a - c) - beta * (b - d))
    (beta, [a, -b, -c, d])
    >>> _signed_sum(beta * a + b) is None, _signed_sum(a - b) is None
    (True, True)
    """
    grouped = sp.factor_terms(sp.expand(e))
    factors = sp.Mul.make_args(grouped)
    sums = [f for f in factors if f.is_Add]
    if len(sums) != 1 or len(sums[0].args) < 3:
        return None
    (inner,) = sums

    def atom(t):
        return t if is_input(t) else -t if t.is_Mul and t.args[0] == -1 and len(t.args) == 2 \
            and is_input(t.args[1]) else None

    atoms = [atom(t) for t in inner.args]
    if None in atoms or len(set(atoms)) != len(atoms):
        return None
    return sp.Mul(*(f for f in factors if f is not inner)), sorted(inner.args, key=lambda t: str(atom(t)))


class ArrayForm:
    """Pass 5: indexed sums to last-axis reductions; exponentials that cannot overflow stay.

    ``log_inputs`` names the inputs that arrive as logarithms: ``{"p_ref": "log_p_ref"}``
    means the caller passes ``log p_ref``, so ``log p_ref[k]`` is that array itself.
    ``shifts`` and ``mask`` come from passes 2 and 4; ``log_ratios`` names arguments whose
    differences are log-ratios (``-inf - -inf`` taken as 0).

    >>> from dpo_mixture.notation import p_ref, r, beta, k, support_sum
    >>> ArrayForm()(support_sum(p_ref[k] * r[k], k))
    ReduceSum(p_ref*r)
    >>> ArrayForm()(support_sum(p_ref[k] * sp.exp(r[k] / beta), k))
    exp(LogSumExp(SafeLog(p_ref) + r/beta))
    """

    def __init__(self, log_inputs=None, shifts=(), mask=sp.true, log_ratios=()):
        self.log_inputs = {name: sp.Symbol(sym) for name, sym in (log_inputs or {}).items()}
        self.log_ratios = {sp.Symbol(s) for s in log_ratios}
        self.rowmax, self.by_max = {}, {}
        mask_array = _simplify_mask(self._mask(mask))
        self.rowmax = {s.base.name: RowMax(sp.Symbol(s.base.name), mask_array) for s in shifts}
        self.by_max = {s.maximum: self.rowmax[s.base.name] for s in shifts}

    def __call__(self, expr: sp.Expr) -> sp.Expr:
        return self.value(expr)

    # -- the support mask as an array expression -------------------------------------------
    def _mask(self, m):
        if m is sp.true or m is True:
            return sp.true
        if isinstance(m, (AllOf, AnyOf)):
            return type(m)(*(self._mask(a) for a in m.args))
        if isinstance(m, IsPositive):
            (x,) = m.args
            if isinstance(x, sp.Indexed) and x.base.name in self.log_inputs:
                return IsSupported(self.log_inputs[x.base.name])
            return IsPositive(self.value(x))
        raise TypeError(f"not a support condition: {m!r}")

    def _plain_input(self, a: sp.Basic) -> bool:
        """An argument read as it is: a symbol, or an array's entry that is neither a shifted
        reward nor an input passed as its logarithm."""
        if isinstance(a, sp.Symbol):
            return a not in self.by_max
        return isinstance(a, sp.Indexed) and not _is_shifted(a) and a.base.name not in self.log_inputs

    # -- which parts may stay as they are ---------------------------------------------------
    def _linear(self, e: sp.Basic) -> bool:
        """No logarithmic input, and no exponential that could overflow or leave every term of
        its sum to underflow: each exponent is one shifted reward (0 at its maximum) or a
        number.  Two shifted rewards added (``f - m_f + g - m_g``) peak apart, and may stay far
        below 0 at every output."""
        if any(a.base.name in self.log_inputs for a in e.atoms(sp.Indexed)):
            return False
        if not all(_nonpositive(p.args[0]) and _peaks_at_zero(p.args[0]) for p in e.atoms(sp.exp)):
            return False
        # a product of exponentials (exp(f - m_f) exp(g - m_g)) is one exponent too
        return all(_peaks_at_zero(sp.Add(*(f.args[0] for f in m.args if isinstance(f, sp.exp))))
                   for m in sp.preorder_traversal(e) if isinstance(m, sp.Mul))

    # -- the value of an expression ----------------------------------------------------------
    def value(self, e: sp.Basic, weighted: bool = False) -> sp.Expr:
        if e.is_Number or isinstance(e, sp.NumberSymbol):
            return e
        if isinstance(e, sp.Symbol):
            return self.by_max.get(e, e)
        if isinstance(e, sp.Indexed):
            name = e.base.name
            if _is_shifted(e):
                original = _original_name(e.base)
                return sp.Symbol(original) - self.rowmax[original]
            if name in self.log_inputs:
                return sp.exp(self.log_inputs[name])
            return sp.Symbol(name)
        if isinstance(e, sp.Sum):
            self._check_limits(e)
            if self._linear(e.function):
                return ReduceSum(self.value(e.function, weighted=True))
            if _nonnegative(e.function) and _exponential(e.function):
                return sp.exp(self.log(e))
            return ReduceSum(self.value(e.function))
        if e.is_Add:
            return self._value_add(e)
        if e.is_Mul:
            weights = [f for f in e.args if _vanishing_weight(f)]
            if weights:
                rest = sp.Mul(*(f for f in e.args if f not in weights))
                if rest.has(sp.Sum) and _per_row(rest):
                    return Weighted(self.value(sp.Mul(*weights)), self.value(rest))
            if self._linear(e):
                return self._value_linear_mul(e, weighted)
            return self._value_mul(e)
        if e.is_Pow:
            if not self._linear(e) and _nonnegative(e.base) and _exponential(e):
                return sp.exp(self.log(e))
            return sp.Pow(self.value(e.base), self.value(e.exp))
        if isinstance(e, sp.exp):
            arg = e.args[0]
            if weighted and _is_tilt(arg):
                (atom,) = [a for a in arg.atoms(sp.Indexed) if _is_shifted(a)]
                return Tilt(self.value(arg), self.rowmax[_original_name(atom.base)])
            return sp.exp(self.value(arg))
        if isinstance(e, sp.log) and _nonnegative(e.args[0]):
            return self.log(e.args[0])
        if isinstance(e, model.SupportMax):
            return ReduceMax(self.value(e.args[0]))
        if isinstance(e, model.SupportMin):
            return ReduceMin(self.value(e.args[0]))
        if isinstance(e, sp.Function):
            return e.func(*(self.value(a) for a in e.args))
        raise TypeError(f"no array form for {e!r}")

    def _value_add(self, e: sp.Add) -> sp.Expr:
        signed = _signed_sum(e, self._plain_input)
        if signed is not None:  # c (x_1 - x_2 - x_3 + x_4): one rounding, not three
            factor, terms = signed
            return self.value(factor) * ExactSum(*(self.value(t) for t in terms))
        terms = list(e.args)
        if self.log_ratios:
            for a in [t for t in terms if t in self.log_ratios]:
                for b in [t for t in terms if -t in self.log_ratios]:
                    if a in terms and b in terms:
                        terms.remove(a)
                        terms.remove(b)
                        return LogRatio(a, -b) + self.value(sp.Add(*terms))
        return sp.Add(*(self.value(a) for a in terms))

    def _value_linear_mul(self, e: sp.Mul, weighted: bool) -> sp.Expr:
        factors = list(e.args)
        weighted = weighted or any(
            isinstance(f, sp.Indexed) and not _is_shifted(f) and _nonnegative(f) for f in factors
        )
        free = [f for f in factors if isinstance(f, sp.exp) and _is_tilt(f.args[0])]
        if free and not weighted and all(_nonnegative(f) for f in factors):
            # A tilt outside a sum may exceed 1 off the support: divide by the sums inside the
            # exponent, and keep a zero coefficient zero where the tilt overflows.
            (tilt,) = free[:1]
            exponent = self.value(tilt.args[0])
            rest = []
            for f in factors:
                base, power = f.as_base_exp()
                if f is tilt:
                    continue
                if isinstance(base, sp.Sum) and power.is_negative:
                    exponent += power * self.log(base)
                else:
                    rest.append(f)
            return ScaledExp(self.value(sp.Mul(*rest)), exponent)
        def vanishing_in(arg):
            """A factor of this product that may be 0 and is the base of a factor of ``arg``: where
            it is 0 the log's argument is 0 (or infinite) with it, and x^k log x tends to 0."""
            bases = (a.as_base_exp()[0] for a in sp.Mul.make_args(arg))
            return next((x for x in bases if x in factors and _nonnegative(x)
                         and (isinstance(x, sp.Indexed) or not x.is_positive)), None)

        logs = [f for f in factors if isinstance(f, sp.log)]
        for lg in logs:  # x log x, x log(x/q), x log(q/x) with x possibly 0: 0 log 0 = 0 (an array's
            x = vanishing_in(lg.args[0])  # entry may be 0 off the support, whatever its declaration
            if x is not None:  # says: the checks allow it)
                factors.remove(x)
                factors.remove(lg)
                return XLogY(self.value(x), self.value(lg.args[0])) * self.value(sp.Mul(*factors), weighted)
        for f in factors:  # x (log x - log q): each term by the rule above
            if f.is_Add and any(isinstance(lg, sp.log) and vanishing_in(lg.args[0]) is not None
                                for t in f.args for lg in sp.Mul.make_args(t)):
                rest = [g for g in factors if g is not f]
                return sp.Add(*(self.value(sp.Mul(t, *rest), weighted) for t in f.args))
        return sp.Mul(*(self.value(f, weighted) for f in factors))

    def _value_mul(self, e: sp.Mul) -> sp.Expr:
        coeff, factors = e.as_coeff_mul()
        positive = [f for f in factors if _nonnegative(f)]
        signed = [f for f in factors if not _nonnegative(f)]
        if len(signed) == 1 and isinstance(signed[0], sp.Sum) and positive:
            # Move the positive factor into the signed sum: numerator and denominator of a
            # ratio of sums then meet in one exponent and share its shift.
            inner = signed[0]
            return coeff * self.value(sp.Sum(sp.Mul(*positive) * inner.function, *inner.limits))
        part = sp.Mul(*positive)
        if _exponential(part) and not self._linear(part):
            head = sp.exp(self.log(part))
        else:
            head = sp.Mul(*(self.value(f) for f in positive))
        return coeff * head * sp.Mul(*(self.value(f) for f in signed))

    # -- the logarithm of a nonnegative expression ---------------------------------------
    def log(self, e: sp.Basic) -> sp.Expr:
        if e.is_Number:
            return sp.log(e)
        if isinstance(e, sp.Indexed):
            name = e.base.name
            if name in self.log_inputs:
                return self.log_inputs[name]
            return SafeLog(sp.Symbol(name))  # arrays may hold zeros off the support
        if isinstance(e, sp.Symbol):
            return sp.log(e) if e.is_positive and e not in UNIT_INTERVAL else SafeLog(e)
        if isinstance(e, sp.exp):
            return self.value(e.args[0])
        if self._linear(e) and e.has(sp.Sum):
            return sp.log(self.value(e))
        if e.is_Mul:
            return sp.Add(*(self.log(a) for a in e.args))
        if e.is_Pow:
            return self.value(e.exp) * self.log(e.base)
        if isinstance(e, sp.Sum):
            self._check_limits(e)
            return LogSumExp(self.log(e.function))
        if e.is_Add and _exponential(e):
            terms = [self.log(a) for a in e.args]
            out = terms[0]
            for term in terms[1:]:
                out = LogAddExp(out, term)
            return out
        return SafeLog(self.value(e))

    @staticmethod
    def _check_limits(e: sp.Sum) -> None:
        (limit,) = e.limits
        if tuple(limit[1:]) != (1, n):
            raise ValueError(f"only sums over the support 1..n have an array form: {e}")


# --- pass 6: fused forms and constants ------------------------------------------------------
def _log_softmax_site(e: sp.Basic):
    """For ``x + c - LogSumExp(x)`` return ``(x, c)``; else ``None``."""
    if not e.is_Add:
        return None
    terms = list(e.args)
    for i, term in enumerate(terms):
        if term.is_Mul and len(term.args) == 2 and term.args[0] == -1 and isinstance(term.args[1], LogSumExp):
            inner = term.args[1].args[0]
            rest = Counter(terms[:i] + terms[i + 1 :])
            needed = Counter(sp.Add.make_args(inner))
            if all(rest[key] >= count for key, count in needed.items()):
                return inner, sp.Add(*(rest - needed).elements())
    return None


#: ``x + c - LogSumExp(x)`` becomes ``LogSoftmax(x) + c``.
log_softmax_opt = ReplaceOptim(
    lambda e: _log_softmax_site(e) is not None,
    lambda e: (lambda site: LogSoftmax(site[0]) + site[1])(_log_softmax_site(e)),
)
log_softmax_opt.priority = 20

#: ``exp(LogSoftmax(x))`` becomes ``Softmax(x)``.
softmax_opt = ReplaceOptim(
    lambda e: isinstance(e, sp.exp) and isinstance(e.args[0], LogSoftmax),
    lambda e: Softmax(e.args[0].args[0]),
)
softmax_opt.priority = 10

def _expm1_site(e: sp.Basic) -> bool:
    return e.is_Add and -1 in e.args and any(isinstance(t, sp.exp) for t in e.args)


def _with_expm1(e: sp.Add) -> sp.Expr:
    terms = list(e.args)
    terms.remove(-1)
    first = next(t for t in terms if isinstance(t, sp.exp))
    terms.remove(first)
    return sp.Add(expm1(first.args[0]), *terms)


#: ``exp(u) - 1`` becomes ``expm1(u)``: no cancellation where ``u`` is small.
expm1_opt = ReplaceOptim(_expm1_site, _with_expm1)
expm1_opt.priority = 5

#: ``log(1 + u)`` becomes ``log1p(u)`` (and so does a guarded log of it, ``1 + u`` being the
#: value whose zero it guards): no rounding of ``1 + u`` where ``u`` is small.
log1p_opt = ReplaceOptim(
    lambda e: isinstance(e, (sp.log, SafeLog)) and e.args[0].is_Add and 1 in e.args[0].args,
    lambda e: log1p(e.args[0] - 1),
)
log1p_opt.priority = 5

#: ``log(expm1(u))`` becomes ``u + log(-expm1(-u))``: equal wherever it is real (``u > 0``), and
#: no overflow of ``expm1(u)`` for large ``u`` (``log(expm1(800))`` is 800, not inf).
def _log_expm1_site(e: sp.Basic):
    """``(c, u)`` for ``log(c expm1(u))`` with a positive number ``c`` (1 included)."""
    if not isinstance(e, (sp.log, SafeLog)):
        return None
    c, rest = e.args[0].as_coeff_Mul()
    return (c, rest.args[0]) if isinstance(rest, expm1) and c > 0 else None


log_expm1_opt = ReplaceOptim(
    lambda e: _log_expm1_site(e) is not None,
    lambda e: (lambda c, u: sp.log(c) + u + sp.log(-expm1(-u)))(*_log_expm1_site(e)),
)
log_expm1_opt.priority = 4

#: Constant logs and exponentials as floats (array libraries reject ``log(2)`` on ints).
fold_constants = ReplaceOptim(
    # constant logs, exponentials, irrational powers and constants (sqrt(2), pi): every backend
    # gets a float, never a function of a Python number (torch.sqrt(2) is an error)
    lambda e: (isinstance(e, (sp.log, sp.exp, sp.Pow, sp.NumberSymbol)) and e.is_number and not e.is_Rational
               and e.is_real is True),
    lambda e: sp.Float(e.evalf(17), 17),
)
fold_constants.priority = 0


def rewrite(exprs, log_inputs: Mapping[str, str] | None = None, log_ratios: Iterable[str] = (),
            rewards: Iterable[str] = (), distributions: Iterable[str] = ()) -> tuple[sp.Expr, ...]:
    """Run all passes on ``exprs`` (one expression or several that share their work).
    ``rewards`` and ``distributions`` name the arrays of those kinds (:func:`shift_rewards`)."""
    if isinstance(exprs, sp.Basic):
        exprs = [exprs]
    exprs = [one_fraction(unfold(e)) for e in exprs]
    exprs, shifts = shift_rewards(exprs, rewards, distributions)
    exprs = [_pull_factors(divide_by_whole(e)) for e in exprs]
    form = ArrayForm(log_inputs, shifts, support_mask(exprs), log_ratios)
    arrays = [form(e) for e in exprs]
    return tuple(optimize(e, [log_softmax_opt, softmax_opt, expm1_opt, log1p_opt, log_expm1_opt, fold_constants])
                 for e in arrays)


def scale_invariant(exprs: Iterable[sp.Expr], base: str) -> bool:
    """Whether the expressions are unchanged when the array ``base`` is scaled by a constant.

    >>> from dpo_mixture import model
    >>> scale_invariant([model.closed_form()], "p_ref"), scale_invariant([sp.log(model.Z)], "p_ref")
    (True, False)
    """
    c = sp.Symbol("_scale", positive=True)
    for expr in exprs:
        moved = unfold(expr).replace(
            lambda a: isinstance(a, sp.Indexed) and a.base.name == base, lambda a: c * a
        )
        if not _is_zero(sp.diff(moved, c).subs(c, 1)):
            return False
    return True
