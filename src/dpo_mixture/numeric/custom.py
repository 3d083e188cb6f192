"""Your own expressions, compiled by the pipeline that generates the built-in functions.

:func:`compile` takes a SymPy expression written in the package's notation and returns a
function of arrays, generated exactly as :func:`~dpo_mixture.numeric.tpm` is: the rewards are
shifted by their maximum over the support where the expression allows it, sums become
reductions over the last axis, products of exponentials that could overflow go to log space.

Conventions:

* An :class:`~sympy.IndexedBase` (``notation.p_ref``, ``notation.r`` or one of yours) is an
  array whose **last axis is the support**.  Sum over the support with
  ``Sum(f(k), (k, 1, n))`` (``notation.support_sum``, ``notation.n``); an entry at a free index
  (``p_ref[y]``) makes the result one value per support entry, otherwise it is one per row.
* A plain :class:`~sympy.Symbol` (``alpha``, ``beta``) is a **per-row scalar**: a number, or
  one value per batch row, of shape ``(B,)`` or ``(B, 1)``.  Without any indexed array the
  function is elementwise and the symbols named with an array kind are its arrays.
* ``Z``, ``M_A`` and ``M_U`` stand for their definitions (:data:`.rewrite.DEFINITIONS`); any
  other symbol, ``t`` included, is an argument.
* ``args`` fixes the order of the arguments: names, or ``(name, kind)`` pairs whose kinds
  (:data:`~.specs.ARRAY_KINDS`, :data:`~.specs.SCALAR_KINDS`) turn on the argument checks.
* ``log_inputs={"p_ref": "log_p_ref"}`` takes ``log p_ref`` (``-inf`` off the support) as the
  argument ``log_p_ref``.

>>> import numpy as np
>>> from dpo_mixture import model
>>> from dpo_mixture.notation import beta, k, r, support_sum, y
>>> tuned = model.closed_form()  # p*(y), with Z unfolded by the rewrite
>>> mean = support_sum(tuned * r[y])
>>> variance = compile(support_sum(tuned * r[y] ** 2) - mean**2, args=["p_ref", "r", "beta"], name="reward_variance")
>>> float(variance(np.array([0.5, 0.5]), np.array([0.0, 2.0]), 1e9))  # p* = p_ref at large beta
1.0
"""

from __future__ import annotations

import builtins
import itertools
import keyword
from collections.abc import Mapping, Sequence

import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p

from .backend import backend_of
from .codegen import compile_spec, function_source, spec_docstring
from .printing import BACKENDS
from .specs import ARRAY_KINDS, SCALAR_KINDS, Spec

__all__ = ["compile", "Compiled"]

_IDS = itertools.count()


class Compiled:
    """A compiled user expression: call it on arrays; ``source(backend)`` shows its code."""

    def __init__(self, spec: Spec, backend: str):
        self.spec = spec
        self.backend = backend
        self.__name__ = spec.name
        self.__doc__ = spec_docstring(spec)
        self._functions: dict[str, object] = {}
        self._module = f"dpo_mixture.numeric._user{next(_IDS)}"

    def function(self, backend: str):
        """The generated function for ``backend`` (no dispatch, no checks), built once."""
        fn = self._functions.get(backend)
        if fn is None:
            fn = self._functions[backend] = compile_spec(self.spec, backend, module=f"{self._module}.{backend}")
        return fn

    def source(self, backend: str = "numpy") -> str:
        """The generated source of the function for ``backend``."""
        return function_source(self.spec, backend)

    def __call__(self, *args, validate: bool = True, **kwargs):
        from .functions import call

        params = [p for p, _ in self.spec.params]
        if len(args) > len(params):
            raise TypeError(f"{self.spec.name}() takes {len(params)} arguments, got {len(args)}")
        values = dict(zip(params, args))
        for key, value in kwargs.items():
            if key not in params:
                raise TypeError(f"{self.spec.name}() got an unexpected argument {key!r}")
            if key in values:
                raise TypeError(f"{self.spec.name}() got two values for {key!r}")
            values[key] = value
        missing = [p for p in params if p not in values]
        if missing:
            raise TypeError(f"{self.spec.name}() is missing {', '.join(missing)}")
        backend = self.backend if self.backend != "auto" else backend_of(list(values.values())).name
        return call(self.spec, self.function(backend), validate, values)

    def __repr__(self) -> str:
        args = ", ".join(p for p, _ in self.spec.params)
        return f"<compiled {self.spec.name}({args}) backend={self.backend}>"


def _free_indices(expr: sp.Expr) -> set:
    """Symbols used as an index of an entry outside any sum (the output index)."""
    free = expr.free_symbols
    return {i for a in expr.atoms(sp.Indexed) for i in a.indices if isinstance(i, sp.Symbol) and i in free}


#: Names a compiled function may not take: the builtins and modules the generated code calls.
_TAKEN = frozenset(dir(builtins)) | {"numpy", "np", "torch", "jax", "jnp", "math", "lax", "functools"}


#: The elementary functions every backend computes elementwise on arrays (NumPy, torch and
#: JAX each have them); any other function (``erf``, ``gamma``, a pointwise ``Max``, an
#: undefined ``f(x)``) is refused by :func:`compile` instead of failing when called.
ARRAY_FUNCTIONS = frozenset({
    sp.exp, sp.log, sp.Abs, sp.sign, sp.floor, sp.ceiling,
    sp.sin, sp.cos, sp.tan, sp.asin, sp.acos, sp.atan,
    sp.sinh, sp.cosh, sp.tanh, sp.asinh, sp.acosh, sp.atanh,
    expm1, log1p,  # sympy.codegen.cfunctions: e^x - 1 and log(1 + x) without cancellation
})


def _as_number(body: sp.Expr, index: sp.Symbol) -> str | None:
    """Why ``body`` has no array form over ``index``: the index used as a number (``k p(k)``),
    not only to pick entries; an output has a position, not a value, in the arrays."""
    entries = {a: sp.Dummy() for a in body.atoms(sp.Indexed) if index in a.indices}
    if index in body.xreplace(entries).free_symbols:
        return f"the index {index} is used as a number in {sp.sstr(body)[:60]}; only entries taken at it have an array form"
    return None


def _entries_problem(expr: sp.Expr) -> str | None:
    """Why ``expr`` has no array form: the arrays' last axis is the support, so an entry must be
    taken at the index of the innermost sum (or max, min) around it, or, outside every sum, at
    the one free output; a sum runs over the whole support.  A pairwise sum (``f(k) - f(j)``
    under two sums) or an entry at a fixed output (``r[1]``) would be read as something else."""
    from ..model import SupportMax, SupportMin
    from ..notation import n as size
    from .rewrite import unfold

    def walk(e: sp.Basic, inner) -> str | None:
        if isinstance(e, sp.Expr) and e.is_number and e.is_real is not True:
            return f"the constant {sp.sstr(e)} is not a real number"
        if e == size:  # only a sum's range may hold it
            return "the support size n stands outside a sum's range, where it has no argument"
        if isinstance(e, sp.Indexed):
            if len(e.indices) != 1 or not isinstance(e.indices[0], sp.Symbol):
                return f"the entry {e} is not taken at a symbol (a fixed output has no array form)"
            (i,) = e.indices
            if inner is not None and i != inner:
                return f"the entry {e} is taken at {i}, not at the index {inner} of the innermost sum around it"
            return None
        if isinstance(e, sp.Sum):
            if len(e.limits) != 1 or e.limits[0][1:] != (1, size):
                return f"only sums over the support 1..n have an array form, not {sp.sstr(e)[:60]}"
            return _as_number(e.function, e.limits[0][0]) or walk(e.function, e.limits[0][0])
        if isinstance(e, (SupportMax, SupportMin)):
            return _as_number(e.args[0], e.args[1]) or walk(e.args[0], e.args[1])
        if isinstance(e, sp.Basic) and not isinstance(e, sp.Expr):
            return f"{sp.sstr(e)[:60]} is not a number ({type(e).__name__}); a condition has no array form"
        if isinstance(e, (sp.Function, sp.Piecewise, sp.Max, sp.Min)) and type(e) not in ARRAY_FUNCTIONS:
            return (f"{type(e).__name__} ({sp.sstr(e)[:60]}) has no array form in every backend; the functions "
                    f"that do: {', '.join(sorted(f.__name__ for f in ARRAY_FUNCTIONS))}")
        for a in e.args:
            why = walk(a, inner) if isinstance(a, sp.Basic) else None
            if why:
                return why
        return None

    return walk(unfold(expr), None)


def _names(expr: sp.Expr) -> tuple[set, set]:
    """Names of the indexed arrays and of the scalars an expression uses."""
    from .rewrite import unfold

    expr = unfold(expr)
    bases = {a.base.name for a in expr.atoms(sp.Indexed)}
    indices = {i for a in expr.atoms(sp.Indexed) for i in a.indices} | {lim[0] for s in expr.atoms(sp.Sum) for lim in s.limits}
    indices |= {lim[2] for s in expr.atoms(sp.Sum) for lim in s.limits}
    indices |= {e.args[1] for e in expr.atoms(sp.Function) if type(e).__name__ in ("SupportMax", "SupportMin")}
    scalars = {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol) and s not in indices}
    return bases, scalars - bases


def compile(  # noqa: A001 - the natural name, as numeric.compile
    expr,
    args: Sequence | None = None,
    *,
    name: str = "f",
    backend: str = "auto",
    log_inputs: Mapping[str, str] | None = None,
    summary: str | None = None,
) -> Compiled:
    """Compile ``expr`` (one SymPy expression, or a tuple sharing their work) into a function.

    ``args`` lists the arguments in order (names, SymPy objects or ``(name, kind)`` pairs);
    without it they are the indexed arrays, then the scalars, each in alphabetical order.
    ``backend`` is ``"auto"`` (follow the argument types, like the built-in functions) or one
    of ``"numpy"``, ``"torch"``, ``"jax"``.  Bad input is a ``ValueError`` naming the argument.
    The elementwise functions are those of ``numeric.custom.ARRAY_FUNCTIONS`` and the named ones
    that unfold into them (``Sigmoid``, ``LogSigmoid``); any other is refused here.
    """
    exprs = tuple(expr) if isinstance(expr, (tuple, list)) else (expr,)
    if not exprs or not all(isinstance(e, sp.Expr) for e in exprs):
        bad = next((e for e in exprs if not isinstance(e, sp.Expr)), None)
        raise ValueError(f"expr: must be a SymPy expression or a tuple of them, got {type(bad).__name__}")
    if not (isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")):
        raise ValueError(f"name: must be a Python identifier not starting with '_', got {name!r}")
    if name in _TAKEN:
        raise ValueError(f"name: {name!r} is a name the generated code itself uses (a builtin or a module); choose another")
    if backend not in ("auto", *BACKENDS):
        raise ValueError(f"backend: unknown backend {backend!r}; choose auto, {', '.join(BACKENDS)}")
    for e in exprs:
        why = _entries_problem(e)
        if why:
            raise ValueError(f"expr: {why}")
    log_inputs = dict(log_inputs or {})
    bases, scalars = set(), set()
    for e in exprs:
        b, s = _names(e)
        bases |= b
        scalars |= s
    indices = set().union(*(_free_indices(e) for e in exprs))
    if len(indices) > 1:
        raise ValueError(f"expr: entries at {len(indices)} free indices ({', '.join(sorted(map(str, indices)))}); "
                         "one output index at most")
    for base, log_name in log_inputs.items():
        if base not in bases:
            raise ValueError(f"log_inputs: {base!r} is not an indexed array of the expression")
        if not log_name.isidentifier():
            raise ValueError(f"log_inputs: {log_name!r} is not a valid argument name")
    available = {log_inputs.get(b, b) for b in bases} | scalars
    params = _declared_kinds(_params(args, bases, scalars, log_inputs, available), exprs, log_inputs)
    for param, _ in params:  # the generated code's own names (_t0, _pool, numpy ...) stay its own
        if not param.isidentifier() or keyword.iskeyword(param) or param.startswith("_") or param in _TAKEN:
            raise ValueError(f"args: {param!r} cannot name an argument of the generated code (a keyword, a name "
                             "starting with '_', a builtin or a module); rename it")
    if len({param for param, _ in params}) != len(params) or set(log_inputs.values()) & (bases - set(log_inputs)):
        raise ValueError(f"log_inputs: {log_inputs!r} gives an argument the name of another one")
    per_row = not indices
    support = bool(bases)
    if not any(kind in ARRAY_KINDS for _, kind in params):
        raise ValueError("args: needs at least one array argument (an indexed array, or a symbol of an array kind)")
    if bases and any(kind in ARRAY_KINDS and p in scalars for p, kind in params):
        raise ValueError("args: with indexed arrays, plain symbols are per-row scalars; give them a scalar kind")
    spec = Spec(
        name,
        params,
        tuple(f"out{i}" for i in range(len(exprs))) if len(exprs) > 1 else ("out",),
        lambda: exprs,
        summary or f"{name}: compiled from a SymPy expression by dpo_mixture.numeric.compile.",
        per_row=per_row and support,
        support_axis=support,
        log_inputs=log_inputs,
    )
    from .codegen import _rewritten

    arrays = {name for name, kind in spec.params if kind in ARRAY_KINDS}
    for e, out in zip(_rewritten(spec), spec.outputs):
        if not {s.name for s in e.free_symbols if isinstance(s, sp.Symbol)} & arrays:
            raise ValueError(f"expr: {out} reduces to {sp.sstr(e)}, which depends on no array once SymPy has "
                             "cancelled its sums: there is nothing to compute from arrays; use that expression itself")
    return Compiled(spec, backend)


def _declared_kinds(params, exprs, log_inputs) -> tuple[tuple[str, str], ...]:
    """An argument given without a kind takes the one ``declare`` gave its array: a
    ``declare.distribution`` is ``"dist"`` (``"logdist"`` as a log input), so that the rows are
    checked to sum to one, as the numerics then read them."""
    declared = {b.name: getattr(b.label, "domain", None) for e in exprs for b in e.atoms(sp.IndexedBase)}
    inverse = {log: base for base, log in log_inputs.items()}
    out = []
    for param, kind in params:
        name = inverse.get(param, param)
        if kind == "array" and declared.get(name) in ("DISTRIBUTION", "SPARSE_DISTRIBUTION"):
            kind = "logdist" if param in inverse else "dist"
        out.append((param, kind))
    return tuple(out)


def _params(args, bases, scalars, log_inputs, available) -> tuple[tuple[str, str], ...]:
    if args is None:
        arrays = sorted(log_inputs.get(b, b) for b in bases)
        return tuple((a, "array") for a in arrays) + tuple((s, "scalar") for s in sorted(scalars))
    if isinstance(args, (str, bytes)) or not isinstance(args, Sequence):
        raise ValueError(f"args: must be a list of argument names, got {type(args).__name__}")
    params = []
    for item in args:
        kind = None
        if isinstance(item, tuple):
            if len(item) != 2:
                raise ValueError(f"args: {item!r} must be a name or a (name, kind) pair")
            item, kind = item
        label = item.name if isinstance(item, (sp.Symbol, sp.IndexedBase)) else item
        if not isinstance(label, str):
            raise ValueError(f"args: {item!r} is not a name")
        if label not in available:
            raise ValueError(f"args: {label} does not appear in the expression (it uses {', '.join(sorted(available))})")
        is_array = label not in scalars
        if kind is None:
            kind = "array" if is_array else "scalar"
        elif kind not in ARRAY_KINDS and kind not in SCALAR_KINDS:
            raise ValueError(f"args: unknown kind {kind!r} for {label}; choose one of "
                             f"{', '.join(list(ARRAY_KINDS) + list(SCALAR_KINDS))}")
        elif is_array and kind in SCALAR_KINDS:
            raise ValueError(f"args: {label} is an indexed array, not a scalar; give it an array kind")
        params.append((label, kind))
    names = [p for p, _ in params]
    if len(set(names)) != len(names):
        raise ValueError(f"args: a name is given twice: {', '.join(names)}")
    missing = sorted(available - set(names))
    if missing:
        raise ValueError(f"args: the expression uses {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} "
                         "not among the arguments")
    return tuple(params)
