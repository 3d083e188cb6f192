"""Rewrites that turn the model's SymPy expressions into array expressions.

The model writes sums over the support as ``Sum(f(k), (k, 1, n))`` over indexed objects such as
``p_ref[k]``.  An array backend wants something else: whole arrays whose last axis is the
support, reductions over that axis, and every product of exponentials kept in log space.  The
rules below get there in four passes, each a SymPy codegen :class:`Optimization`:

1. :data:`unfold` replaces the named quantities ``Z``, ``M_A``, ``M_U`` and ``t`` by their
   definitions from :mod:`dpo_mixture.model` (a :class:`ReplaceOptim`).
2. :class:`LogSpace` walks the tree from the top.  Indexed objects become array symbols and a
   ``Sum`` over the support index becomes a reduction over the last axis.  Any nonnegative
   factor that holds an exponential or a sum is computed as ``exp`` of its logarithm, where
   ``log Sum(...)`` is a :class:`~.nodes.LogSumExp` and the log of a sum of such terms is a
   :class:`~.nodes.LogAddExp`.  A positive factor that multiplies a signed sum moves inside
   it, so a ratio such as ``Sum(p r e^{r/beta}) / Sum(p e^{r/beta})`` shares one shift.
3. :data:`log_softmax_opt` and :data:`softmax_opt` (:class:`ReplaceOptim`) recognise
   ``x - LogSumExp(x)`` and its exponential: the numerator and the normaliser then share one
   shift, computed once.
4. :data:`fold_constants` evaluates constant logs and exponentials to floats.

>>> from dpo_mixture import model
>>> rewrite(sp.log(model.partition_function()), log_inputs={"p_ref": "log_p_ref"})
LogSumExp(log_p_ref + r/beta)
>>> rewrite(sp.log(model.closed_form()), log_inputs={"p_ref": "log_p_ref"})
LogSoftmax(log_p_ref + r/beta)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import sympy as sp
from sympy.codegen.rewriting import Optimization, ReplaceOptim, optimize

from .. import model
from ..notation import M_A, M_U, Z, alpha, k, n, p_A, p_U, t, beta
from .nodes import LogAddExp, LogSoftmax, LogSumExp, ReduceMax, ReduceMin, ReduceSum, SafeLog, Softmax

__all__ = [
    "DEFINITIONS",
    "unfold",
    "LogSpace",
    "log_softmax_opt",
    "softmax_opt",
    "fold_constants",
    "rewrite",
]

#: Named quantities of the model and the expressions that define them.
DEFINITIONS: dict[sp.Basic, sp.Expr] = {
    Z: model.partition_function(),
    M_A: model.component_moment(p_A),
    M_U: model.component_moment(p_U),
    t: 1 / beta,
}

#: Scalars that live in ``[0, 1]``, so that ``1 - s`` is nonnegative as well.
UNIT_INTERVAL = (alpha,)


def _unfold_with(definitions: Mapping[sp.Basic, sp.Expr]) -> ReplaceOptim:
    return ReplaceOptim(lambda e: e in definitions, lambda e: definitions[e])


#: Pass 1: the named quantities by their definitions.
unfold = _unfold_with(DEFINITIONS)
unfold.priority = 40


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


class LogSpace(Optimization):
    """Pass 2: indexed sums to last-axis reductions, positive products to log space.

    ``log_inputs`` names the inputs that arrive as logarithms: ``{"p_ref": "log_p_ref"}``
    means the caller passes ``log p_ref``, so ``log p_ref[k]`` is that array itself.

    >>> from dpo_mixture.notation import p_ref, r, beta, k, support_sum
    >>> LogSpace()(support_sum(p_ref[k] * r[k], k))
    ReduceSum(p_ref*r)
    >>> LogSpace()(support_sum(p_ref[k] * sp.exp(r[k] / beta), k))
    exp(LogSumExp(SafeLog(p_ref) + r/beta))
    """

    def __init__(self, log_inputs: Mapping[str, str] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.log_inputs = {name: sp.Symbol(sym) for name, sym in (log_inputs or {}).items()}

    def __call__(self, expr: sp.Expr) -> sp.Expr:
        return self.value(expr)

    # -- the value of an expression ------------------------------------------------------
    def value(self, e: sp.Basic) -> sp.Expr:
        if e.is_Number or isinstance(e, sp.NumberSymbol):
            return e
        if isinstance(e, sp.Symbol):
            return e
        if isinstance(e, sp.Indexed):
            name = e.base.name
            if name in self.log_inputs:
                return sp.exp(self.log_inputs[name])
            return sp.Symbol(name)
        if isinstance(e, sp.Sum):
            self._check_limits(e)
            if _nonnegative(e.function) and _exponential(e.function):
                return sp.exp(self.log(e))
            return ReduceSum(self.value(e.function))
        if e.is_Add:
            return sp.Add(*(self.value(a) for a in e.args))
        if e.is_Mul:
            return self._value_mul(e)
        if e.is_Pow:
            if _nonnegative(e.base) and _exponential(e):
                return sp.exp(self.log(e))
            return sp.Pow(self.value(e.base), self.value(e.exp))
        if isinstance(e, sp.log) and _nonnegative(e.args[0]):
            return self.log(e.args[0])
        if isinstance(e, model.SupportMax):
            return ReduceMax(self.value(e.args[0]))
        if isinstance(e, model.SupportMin):
            return ReduceMin(self.value(e.args[0]))
        if isinstance(e, sp.Function):
            return e.func(*(self.value(a) for a in e.args))
        raise TypeError(f"no array form for {e!r}")

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
        if _exponential(part):
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
            return SafeLog(sp.Symbol(name))
        if isinstance(e, sp.Symbol):
            return sp.log(e) if e.is_positive and e not in UNIT_INTERVAL else SafeLog(e)
        if isinstance(e, sp.exp):
            return self.value(e.args[0])
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


#: Pass 3a: ``x + c - LogSumExp(x)`` becomes ``LogSoftmax(x) + c``.
log_softmax_opt = ReplaceOptim(
    lambda e: _log_softmax_site(e) is not None,
    lambda e: (lambda site: LogSoftmax(site[0]) + site[1])(_log_softmax_site(e)),
)
log_softmax_opt.priority = 20

#: Pass 3b: ``exp(LogSoftmax(x))`` becomes ``Softmax(x)``.
softmax_opt = ReplaceOptim(
    lambda e: isinstance(e, sp.exp) and isinstance(e.args[0], LogSoftmax),
    lambda e: Softmax(e.args[0].args[0]),
)
softmax_opt.priority = 10

#: Pass 4: constant logs and exponentials as floats (array libraries reject ``log(2)`` on ints).
fold_constants = ReplaceOptim(
    lambda e: isinstance(e, (sp.log, sp.exp)) and e.is_number,
    lambda e: sp.Float(e.evalf(17), 17),
)
fold_constants.priority = 0


def rewrite(expr: sp.Expr, log_inputs: Mapping[str, str] | None = None) -> sp.Expr:
    """Run all passes on ``expr``: the array expression the printers print."""
    space = LogSpace(log_inputs)
    space.priority = 30
    return optimize(expr, [unfold, space, log_softmax_opt, softmax_opt, fold_constants])
