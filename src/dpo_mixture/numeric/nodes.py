"""Array nodes that the rewrites put into a tree and the printers know how to print.

After the rewrites, a symbol such as ``r`` stands for a whole array whose last axis is the
support, and scalars such as ``beta`` carry a trailing axis of length one.  Reductions keep
that axis (``keepdims``), so results broadcast against the arrays they came from.

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
    """Elementwise ``log`` of a nonnegative array: ``log 0 = -inf`` and no warning."""

    nargs = 1
