"""Array nodes that the rewrites put into a tree and the printers know how to print.

After the rewrites, a symbol such as ``r`` stands for a whole array whose last axis is the
support, and scalars such as ``beta`` are per-row values that broadcast against it.
Reductions keep the support axis (``keepdims``), so results broadcast against the arrays they
came from.

>>> from sympy import Symbol
>>> LogSumExp(Symbol("x"))
LogSumExp(x)
"""

from __future__ import annotations

import sympy as sp

__all__ = [
    "ArrayNode",
    "ReduceSum",
    "ReduceMax",
    "ReduceMin",
    "LogSumExp",
    "LogSoftmax",
    "Softmax",
    "LogAddExp",
    "SafeLog",
    "RowMax",
    "Tilt",
    "IsPositive",
    "IsSupported",
    "AllOf",
    "AnyOf",
    "LogRatio",
    "XLogY",
    "Quotient",
    "AtLeast",
    "ScaledExp",
    "ExactSum",
    "Weighted",
]


class ArrayNode(sp.Function):
    """Base of the array nodes: never evaluated, printed per backend."""

    @classmethod
    def eval(cls, *args):  # keep the node as written
        return None


class ReduceSum(ArrayNode):
    """``sum`` over the last (support) axis, keeping it."""

    nargs = 1


class ReduceMax(ArrayNode):
    """``max`` over the last (support) axis, keeping it."""

    nargs = 1


class ReduceMin(ArrayNode):
    """``min`` over the last (support) axis, keeping it."""

    nargs = 1


class LogSumExp(ArrayNode):
    """``log sum exp`` over the last axis, shifted by the row maximum; ``-inf`` entries allowed."""

    nargs = 1


class LogSoftmax(ArrayNode):
    """``x - LogSumExp(x)``: the log of a normalized tilt, with the shift shared by both terms."""

    nargs = 1


class Softmax(ArrayNode):
    """``exp(x - LogSumExp(x))``: a normalized tilt, with the shift shared by both terms."""

    nargs = 1


class LogAddExp(ArrayNode):
    """Elementwise ``log(exp(a) + exp(b))`` without overflow."""

    nargs = 2


class SafeLog(ArrayNode):
    """Elementwise ``log`` of a nonnegative array: ``log 0 = -inf``, no warning, no NaN gradient."""

    nargs = 1


class RowMax(ArrayNode):
    """The shift of a reward: its maximum over the support of each row (keeping the axis).

    ``RowMax(r, mask)`` is the maximum of ``r`` over the entries where the boolean array
    expression ``mask`` holds (``True``: every entry).  The shift cancels from every result,
    so it carries no gradient.  It is computed once per function, before anything else, and
    it also tells :class:`Tilt` whether entries outside the support can exceed it.
    """

    nargs = 2


class Tilt(ArrayNode):
    """``exp(x)`` of a shifted exponent ``x <= 0`` on the support, as a weight in a sum.

    ``Tilt(x, m)`` with ``m`` the :class:`RowMax` that shifted ``x``.  Outside the support
    ``x`` may be positive; the tilt is exact there up to half the overflow threshold and
    capped beyond it, so that a zero weight never meets an infinity (``0 * inf``).
    """

    nargs = 2


class IsPositive(ArrayNode):
    """Elementwise ``x > 0`` (a boolean array or a per-row boolean)."""

    nargs = 1


class IsSupported(ArrayNode):
    """Elementwise ``log_x > -inf``: the support of a distribution given by its logarithm."""

    nargs = 1


class AllOf(ArrayNode):
    """Elementwise logical and of boolean arrays."""


class AnyOf(ArrayNode):
    """Elementwise logical or of boolean arrays."""


class LogRatio(ArrayNode):
    """``a - b`` for two log-probabilities, with ``(-inf) - (-inf) = 0`` (both outside the support)."""

    nargs = 2


class XLogY(ArrayNode):
    """``x log y`` with ``0 log y = 0`` (so ``0 log 0 = 0``).  The value is finite there; the
    gradient of ``x log x`` is not (its derivative tends to ``-inf`` at 0), and torch and JAX
    return NaN for it."""

    nargs = 2


class Quotient(ArrayNode):
    """``a / b`` as one division (not ``a * (1/b)``, which rounds twice)."""

    nargs = 2


class AtLeast(ArrayNode):
    """``max(x, bound)`` for a quantity proved to be at least ``bound``: rounding cannot cross it."""

    nargs = 2


class ScaledExp(ArrayNode):
    """``c * exp(y)`` with ``c >= 0``: 0 where ``c`` is 0, also where ``exp(y)`` overflows there."""

    nargs = 2


class ExactSum(ArrayNode):
    """``a_1 + ... + a_k`` rounded once, at the end: the rounding error of each addition is
    carried (Knuth's two-sum) and added back.  A signed sum of large inputs that nearly cancel
    (log-probabilities of size 1e4 whose margin is 50) keeps every digit of the margin."""


class Weighted(ArrayNode):
    """``w x`` for a per-row weight ``w >= 0`` that may be 0 (``alpha``, ``1 - alpha``) and a
    per-row ``x`` built from sums over the support: where ``w`` is 0 the product is 0, also
    where ``x`` overflowed (a capped tilt off the support, divided by a small partition
    function, and perhaps multiplied by 0).  There an infinite ``x`` counts as the largest
    finite number and a NaN as 0, so that the gradient in ``w`` is a number, not NaN."""

    nargs = 2
