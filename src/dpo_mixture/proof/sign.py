"""Sign analysis from declared assumptions: is an expression positive, nonnegative, ...?

SymPy's own assumptions do not look inside sums, and ``1 - alpha`` is positive only because
``alpha`` lies in ``(0, 1)``, which a symbol cannot declare.  :func:`sign` walks the tree with
both rules and answers ``"pos"``, ``"nonneg"``, ``"neg"``, ``"nonpos"``, ``"zero"`` or ``None``
(unknown).  An unknown sign is never taken for a known one.
"""

from __future__ import annotations

import sympy as sp

from ..notation import alpha, n
from ..model import SupportMax, SupportMin

__all__ = ["sign", "is_positive", "is_nonnegative", "defined_everywhere", "KNOWN_POSITIVE"]

#: Expressions positive by a domain that SymPy assumptions cannot express.
KNOWN_POSITIVE: set[sp.Expr] = {1 - alpha}

_FLIP = {"pos": "neg", "neg": "pos", "nonneg": "nonpos", "nonpos": "nonneg", "zero": "zero", None: None}


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


def _is_reference_entry(e: sp.Expr) -> bool:
    """``alpha p_A(i) + (1 - alpha) p_U(i)``: the reference model at an output of its support,
    positive because the support is where the reference model is positive."""
    from ..model import mixture_reference
    from ..notation import p_A, p_U

    indices = {i.indices[0] for i in e.atoms(sp.Indexed) if i.base in (p_A, p_U)}
    return len(indices) == 1 and sp.expand(e - mixture_reference(indices.pop())) == 0


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
    return sp.Sum(sp.factor(body), (index, lo, hi))


def sign(e: sp.Expr) -> str | None:
    """The sign of ``e`` as far as the declared assumptions decide it.

    >>> from dpo_mixture.notation import p_A, r, beta, y, support_sum
    >>> sign((1 - alpha) * support_sum(p_A[y] * sp.exp(r[y] / beta)))
    'nonneg'
    >>> sign(-beta / 2), sign(r[y]) is None
    ('neg', True)
    """
    e = sp.sympify(e)
    if e in KNOWN_POSITIVE:
        return "pos"
    if -e in KNOWN_POSITIVE:
        return "neg"
    known = _from_assumptions(e)
    if known in ("pos", "neg", "zero"):
        return known
    if isinstance(e, sp.Add):
        out = _add([sign(a) for a in e.args])
        if out is None:
            # try grouping: factor_terms may expose a product of known signs
            grouped = sp.factor_terms(e)
            if grouped != e and not isinstance(grouped, sp.Add):
                out = sign(grouped)
        if out is None:
            factored = sp.factor(e)
            if factored != e and not isinstance(factored, sp.Add):
                out = sign(factored)
        if out in (None, "nonneg") and _is_reference_entry(e):
            out = "pos"
        if out in (None, "nonneg", "nonpos"):
            merged = _merge_sums(e)
            if merged is not None:
                out = sign(merged) or out
        return out if out is not None else known
    if isinstance(e, sp.Mul):
        out = "pos"
        for a in e.args:
            out = _mul(out, sign(a))
        return out if out is not None else known
    if isinstance(e, sp.Pow):
        b, x = e.base, e.exp
        sb = sign(b)
        if sb == "pos":
            return "pos"
        if x.is_Integer and int(x) < 0 and sb not in ("pos", "neg"):
            return known  # a negative power is undefined where the base may vanish
        if x.is_Integer and int(x) % 2 == 0:
            return "nonneg" if sb is None or sb in ("nonneg", "nonpos") else "pos"
        if x.is_Integer and sb is not None:
            return sb
        return known
    if isinstance(e, sp.exp):
        return "pos"
    if isinstance(e, sp.Sum):
        s = sign(e.function)
        (_, lo, hi), = e.limits
        nonempty = (hi - lo + 1).is_positive or (hi == n and lo == 1)
        if s in ("pos",) and nonempty:
            return "pos"
        if s in ("pos", "nonneg", "zero"):
            return "nonneg" if s != "zero" else "zero"
        if s in ("neg", "nonpos"):
            return "neg" if (s == "neg" and nonempty) else "nonpos"
        return None
    if isinstance(e, sp.log):
        s = sign(e.args[0] - 1)
        return {"pos": "pos", "zero": "zero", "neg": "neg", "nonneg": "nonneg", "nonpos": "nonpos"}.get(s) if s else known
    if isinstance(e, (SupportMax, SupportMin)):
        return sign(e.args[0].xreplace({e.args[1]: sp.Dummy(positive=True, integer=True)})) or known
    return known


def is_positive(e: sp.Expr) -> bool:
    """True only when :func:`sign` proves ``e > 0``."""
    return sign(e) == "pos"


def is_nonnegative(e: sp.Expr) -> bool:
    """True only when :func:`sign` proves ``e >= 0``."""
    return sign(e) in ("pos", "nonneg", "zero")


def defined_everywhere(e: sp.Expr) -> bool:
    """True when ``e`` is finite wherever its symbols are defined: no infinity in it, and a
    denominator whose sign is known to be strict (so it never vanishes).

    A multiplier in a proof must pass this test, or it could be undefined exactly where the
    hypothesis it multiplies holds.

    >>> from dpo_mixture.notation import beta, r, y
    >>> defined_everywhere(1 / beta), defined_everywhere(1 / (beta - 1)), defined_everywhere(r[y] ** -2)
    (True, False, False)
    """
    e = sp.sympify(e)
    if e.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return False
    den = sp.fraction(sp.together(e))[1]
    return den.is_number and den != 0 or sign(den) in ("pos", "neg")
