"""Printers that turn a rewritten tree into NumPy, PyTorch or JAX source.

Each printer subclasses SymPy's own printer for the library and adds one ``_print_<Node>``
method per array node of :mod:`.nodes`.  Where a library has a fused, stable primitive
(``torch.log_softmax``, ``jax.nn.logsumexp``) the node prints as a call to it; NumPy has none,
so its nodes print as calls to the small helpers in :data:`RUNTIME`, which every generated
module carries.

>>> from sympy import Symbol
>>> from .nodes import LogSumExp
>>> x = Symbol("x")
>>> NumpyArrayPrinter().doprint(LogSumExp(x))
'_logsumexp(x)'
>>> TorchArrayPrinter().doprint(LogSumExp(x))
'torch.logsumexp(x, dim=-1, keepdim=True)'
>>> JaxArrayPrinter().doprint(LogSumExp(x))
'jax.nn.logsumexp(x, axis=-1, keepdims=True)'
"""

from __future__ import annotations

from sympy.printing.numpy import JaxPrinter, NumPyPrinter
from sympy.printing.pytorch import TorchPrinter

__all__ = ["NumpyArrayPrinter", "TorchArrayPrinter", "JaxArrayPrinter", "PRINTERS", "RUNTIME", "BACKENDS"]

BACKENDS = ("numpy", "torch", "jax")


class _ArrayPrinting:
    """Shared printing of the array nodes; a subclass names the library calls."""

    _reduce_sum = _reduce_max = _reduce_min = _logsumexp = _log_softmax = _softmax = "{}"
    _logaddexp = _safe_log = "{}"

    def _node(self, template: str, expr) -> str:
        return template.format(*(self._print(a) for a in expr.args))

    def _print_ReduceSum(self, expr):
        return self._node(self._reduce_sum, expr)

    def _print_ReduceMax(self, expr):
        return self._node(self._reduce_max, expr)

    def _print_ReduceMin(self, expr):
        return self._node(self._reduce_min, expr)

    def _print_LogSumExp(self, expr):
        return self._node(self._logsumexp, expr)

    def _print_LogSoftmax(self, expr):
        return self._node(self._log_softmax, expr)

    def _print_Softmax(self, expr):
        return self._node(self._softmax, expr)

    def _print_LogAddExp(self, expr):
        return self._node(self._logaddexp, expr)

    def _print_SafeLog(self, expr):
        return self._node(self._safe_log, expr)


class NumpyArrayPrinter(_ArrayPrinting, NumPyPrinter):
    """NumPy: reductions over ``axis=-1`` and the stable helpers of :data:`RUNTIME`."""

    _reduce_sum = "numpy.sum({}, axis=-1, keepdims=True)"
    _reduce_max = "numpy.max({}, axis=-1, keepdims=True)"
    _reduce_min = "numpy.min({}, axis=-1, keepdims=True)"
    _logsumexp = "_logsumexp({})"
    _log_softmax = "_log_softmax({})"
    _softmax = "_softmax({})"
    _logaddexp = "numpy.logaddexp({}, {})"
    _safe_log = "_safe_log({})"


class TorchArrayPrinter(_ArrayPrinting, TorchPrinter):
    """PyTorch: fused ``torch.logsumexp``/``log_softmax``/``softmax`` over ``dim=-1``."""

    _reduce_sum = "torch.sum({}, dim=-1, keepdim=True)"
    _reduce_max = "torch.amax({}, dim=-1, keepdim=True)"
    _reduce_min = "torch.amin({}, dim=-1, keepdim=True)"
    _logsumexp = "torch.logsumexp({}, dim=-1, keepdim=True)"
    _log_softmax = "torch.log_softmax({}, dim=-1)"
    _softmax = "torch.softmax({}, dim=-1)"
    _logaddexp = "torch.logaddexp(*_tensors({}, {}))"
    _safe_log = "torch.log({})"


class JaxArrayPrinter(_ArrayPrinting, JaxPrinter):
    """JAX: ``jax.nn`` primitives over ``axis=-1``; traceable under ``jax.jit``."""

    _reduce_sum = "jax.numpy.sum({}, axis=-1, keepdims=True)"
    _reduce_max = "jax.numpy.max({}, axis=-1, keepdims=True)"
    _reduce_min = "jax.numpy.min({}, axis=-1, keepdims=True)"
    _logsumexp = "jax.nn.logsumexp({}, axis=-1, keepdims=True)"
    _log_softmax = "jax.nn.log_softmax({}, axis=-1)"
    _softmax = "jax.nn.softmax({}, axis=-1)"
    _logaddexp = "jax.numpy.logaddexp({}, {})"
    _safe_log = "jax.numpy.log({})"


PRINTERS = {"numpy": NumpyArrayPrinter, "torch": TorchArrayPrinter, "jax": JaxArrayPrinter}

_NUMPY_RUNTIME = '''\
import numpy


def _scalar(value, like):
    """A per-row scalar (alpha, beta) with a trailing axis, in the dtype of ``like``."""
    return numpy.asarray(value, dtype=numpy.result_type(like, 1.0))[..., None]


def _safe_log(x):
    """log with log(0) = -inf and no warning."""
    with numpy.errstate(divide="ignore"):
        return numpy.log(x)


def _row_max(x):
    """Row maximum over the last axis, 0 where a row is all -inf (so x - m stays -inf)."""
    m = numpy.max(x, axis=-1, keepdims=True)
    return numpy.where(numpy.isfinite(m), m, 0.0)


def _logsumexp(x):
    """log(sum(exp(x), -1)), shifted by the row maximum; -inf entries are allowed."""
    m = _row_max(x)
    e = numpy.subtract(x, m)
    numpy.exp(e, out=e)
    s = numpy.sum(e, axis=-1, keepdims=True)
    with numpy.errstate(divide="ignore"):
        return numpy.log(s) + m


def _log_softmax(x):
    """x - logsumexp(x), with one shift shared by both terms."""
    s = numpy.subtract(x, _row_max(x))
    e = numpy.exp(s)
    with numpy.errstate(divide="ignore"):
        s -= numpy.log(numpy.sum(e, axis=-1, keepdims=True))
    return s


def _softmax(x):
    """exp(x - logsumexp(x)), with one shift shared by both terms."""
    e = numpy.subtract(x, _row_max(x))
    numpy.exp(e, out=e)
    e /= numpy.sum(e, axis=-1, keepdims=True)
    return e
'''

_TORCH_RUNTIME = '''\
import torch


def _scalar(value, like):
    """A per-row scalar (alpha, beta) with a trailing axis, on the dtype and device of ``like``."""
    return torch.as_tensor(value, dtype=like.dtype, device=like.device)[..., None]


def _tensors(a, b):
    """Both arguments as tensors (torch.logaddexp takes no Python numbers)."""
    like = a if isinstance(a, torch.Tensor) else b
    return (torch.as_tensor(a, dtype=like.dtype, device=like.device),
            torch.as_tensor(b, dtype=like.dtype, device=like.device))
'''

_JAX_RUNTIME = '''\
import jax
import jax.numpy


def _scalar(value, like):
    """A per-row scalar (alpha, beta) with a trailing axis, in the dtype of ``like``."""
    return jax.numpy.asarray(value, dtype=jax.numpy.result_type(like, 1.0))[..., None]
'''

#: Source of the helpers each generated module starts with, per backend.
RUNTIME = {"numpy": _NUMPY_RUNTIME, "torch": _TORCH_RUNTIME, "jax": _JAX_RUNTIME}
