"""Printers that turn a rewritten tree into NumPy, PyTorch or JAX source.

Each printer subclasses SymPy's own printer for the library and adds one ``_print_<Node>``
method per array node of :mod:`.nodes`.  Where a library has a fused, stable primitive
(``torch.log_softmax``, ``jax.nn.logsumexp``) the node prints as a call to it; otherwise it
prints as a call to a helper of :mod:`.runtime`, which every generated module carries.
SymPy's torch printer imports torch, so it is loaded only when torch code is printed.

>>> from sympy import Symbol
>>> from .nodes import LogSumExp
>>> x = Symbol("x")
>>> printer("numpy").doprint(LogSumExp(x))
'_logsumexp(x)'
>>> printer("torch").doprint(LogSumExp(x))
'torch.logsumexp(x, dim=-1, keepdim=True)'
>>> printer("jax").doprint(LogSumExp(x))
'jax.nn.logsumexp(x, axis=-1, keepdims=True)'
"""

from __future__ import annotations

import functools

from sympy.printing.numpy import JaxPrinter, NumPyPrinter

from .runtime import RUNTIME

__all__ = ["NumpyArrayPrinter", "JaxArrayPrinter", "printer", "RUNTIME", "BACKENDS"]

BACKENDS = ("numpy", "torch", "jax")


class _ArrayPrinting:
    """Shared printing of the array nodes; a subclass names the library calls."""

    _reduce_sum = _reduce_max = _reduce_min = _logsumexp = _log_softmax = _softmax = "{}"
    _logaddexp = _safe_log = "{}"
    _neg_inf = "-math.inf"

    def _node(self, template: str, expr) -> str:
        return template.format(*(self._print(a) for a in expr.args))

    def _print_ReduceSum(self, expr):
        (arg,) = expr.args
        factors = arg.args if arg.is_Mul else ()
        if 2 <= len(factors) <= 3 and not any(f.is_Number for f in factors):
            return "_dot({})".format(", ".join(self._print(f) for f in factors))
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

    def _print_Tilt(self, expr):
        x, shift = expr.args
        return f"_tilt({self._print(x)}, {self._print(shift)}_c)"

    def _print_RowMax(self, expr):  # pragma: no cover - compile.py lifts these out first
        raise TypeError("RowMax is computed once per function, before the expressions")

    def _print_IsPositive(self, expr):
        return f"({self._print(expr.args[0])} > 0)"

    def _print_IsSupported(self, expr):
        return f"({self._print(expr.args[0])} > {self._neg_inf})"

    def _print_AllOf(self, expr):
        return "(" + " & ".join(self._print(a) for a in expr.args) + ")"

    def _print_AnyOf(self, expr):
        return "(" + " | ".join(self._print(a) for a in expr.args) + ")"

    def _print_LogRatio(self, expr):
        return self._node("_log_ratio({}, {})", expr)

    def _print_Quotient(self, expr):
        num, den = (self._print(a) for a in expr.args)
        return f"(({num})/({den}))"

    def _print_ScaledExp(self, expr):
        return self._node("_scaled_exp({}, {})", expr)

    def _print_AtLeast(self, expr):
        return self._node("_at_least({}, {})", expr)

    def _print_XLogY(self, expr):
        return self._node("_xlogy({}, {})", expr)

    def _print_Weighted(self, expr):
        return self._node("_weighted({}, {})", expr)

    def _print_ExactSum(self, expr):
        return "_exact_sum({})".format(", ".join(self._print(a) for a in expr.args))


class NumpyArrayPrinter(_ArrayPrinting, NumPyPrinter):
    """NumPy: reductions over ``axis=-1`` and the helpers of :data:`RUNTIME`."""

    _reduce_sum = "numpy.sum({}, axis=-1, keepdims=True)"
    _reduce_max = "numpy.max({}, axis=-1, keepdims=True)"
    _reduce_min = "numpy.min({}, axis=-1, keepdims=True)"
    _logsumexp = "_logsumexp({})"
    _log_softmax = "_log_softmax({})"
    _softmax = "_softmax({})"
    _logaddexp = "numpy.logaddexp({}, {})"
    _safe_log = "_safe_log({})"
    _neg_inf = "-numpy.inf"


class JaxArrayPrinter(_ArrayPrinting, JaxPrinter):
    """JAX: ``jax.nn`` primitives over ``axis=-1``; traceable under ``jax.jit``."""

    _reduce_sum = "jax.numpy.sum({}, axis=-1, keepdims=True)"
    _reduce_max = "jax.numpy.max({}, axis=-1, keepdims=True)"
    _reduce_min = "jax.numpy.min({}, axis=-1, keepdims=True)"
    _logsumexp = "jax.nn.logsumexp({}, axis=-1, keepdims=True)"
    _log_softmax = "jax.nn.log_softmax({}, axis=-1)"
    _softmax = "jax.nn.softmax({}, axis=-1)"
    _logaddexp = "jax.numpy.logaddexp({}, {})"
    _safe_log = "_safe_log({})"
    _neg_inf = "-jax.numpy.inf"


@functools.lru_cache(maxsize=None)
def torch_printer_class():
    """The PyTorch printer class (SymPy's torch printer imports torch, so it is built on demand)."""
    from sympy.printing.pytorch import TorchPrinter

    class TorchArrayPrinter(_ArrayPrinting, TorchPrinter):
        """PyTorch: fused ``torch.logsumexp``/``log_softmax``/``softmax`` over ``dim=-1``."""

        _reduce_sum = "torch.sum({}, dim=-1, keepdim=True)"
        _reduce_max = "torch.amax({}, dim=-1, keepdim=True)"
        _reduce_min = "torch.amin({}, dim=-1, keepdim=True)"
        _logsumexp = "torch.logsumexp({}, dim=-1, keepdim=True)"
        _log_softmax = "torch.log_softmax({}, dim=-1)"
        _softmax = "torch.softmax({}, dim=-1)"
        _logaddexp = "torch.logaddexp(*_tensors({}, {}))"
        _safe_log = "_safe_log({})"

        def _print_expm1(self, expr):
            return f"torch.expm1({self._print(expr.args[0])})"

        def _print_log1p(self, expr):
            return f"torch.log1p({self._print(expr.args[0])})"

    return TorchArrayPrinter


def printer(backend: str):
    """A fresh printer for ``backend`` ('numpy', 'torch' or 'jax')."""
    if backend == "numpy":
        return NumpyArrayPrinter()
    if backend == "jax":
        return JaxArrayPrinter()
    if backend == "torch":
        return torch_printer_class()()
    raise ValueError(f"backend: unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
