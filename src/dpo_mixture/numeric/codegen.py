"""Generate the source of each numeric function once per backend, and compile it once.

:func:`function_source` rewrites the expressions of a :class:`~.specs.Spec`
(:func:`~.rewrite.rewrite`), computes each reward shift first, eliminates common
subexpressions with :func:`sympy.cse` (so a shared tilt is computed once) and prints the
result with the backend's printer.  :func:`compiled` executes that source, with the backend's
runtime helpers, the first time a function is asked for and caches the function object;
later calls never touch SymPy.

>>> print(generate_source("log_partition", "numpy").splitlines()[0])
def log_partition(log_p_ref, r, beta):
>>> compiled("log_partition", "numpy") is compiled("log_partition", "numpy")
True
"""

from __future__ import annotations

import builtins
import linecache
import sys
import textwrap
import types

import sympy as sp

from .inplace import FULL, ROW, InPlaceEmitter
from .nodes import AtLeast, Quotient, ReduceSum, RowMax
from .printing import BACKENDS, RUNTIME, printer
from .rewrite import rewrite, unfold
from .specs import ARRAY_KINDS, SPECS, Spec

__all__ = ["generate_source", "function_source", "compiled", "compile_spec", "array_expressions", "docstring"]


def _array_kinds(spec: Spec) -> tuple[set, set]:
    """The expression's arrays that are rewards (shifted where the expression allows) and those
    that are distributions (summing to one): by the argument's kind (``"reward"``, or a plain
    ``"array"`` that ``declare`` made a real vector; ``"dist"`` or ``"logdist"``, which the
    checks hold to it: ``numeric.compile`` gives a ``declare.distribution`` that kind)."""
    inverse = {log: base for base, log in spec.log_inputs.items()}
    declared = {b.name: getattr(b.label, "domain", None) for e in spec.expressions() for b in e.atoms(sp.IndexedBase)}
    rewards, distributions = set(), set()
    for param, kind in spec.params:
        name = inverse.get(param, param)
        domain = declared.get(name)
        if kind == "reward" or kind == "array" and domain == "REAL_VECTOR":
            rewards.add(name)
        if kind in ("dist", "logdist"):
            distributions.add(name)
    return rewards, distributions


def _rewritten(spec: Spec) -> tuple[sp.Expr, ...]:
    rewards, distributions = _array_kinds(spec)
    exprs = rewrite(spec.expressions(), spec.log_inputs, spec.log_ratios, rewards=rewards, distributions=distributions)
    return tuple(
        AtLeast(e, spec.lower_bounds[out]) if out in spec.lower_bounds else e for out, e in zip(spec.outputs, exprs)
    )


def array_expressions(name: str) -> tuple[sp.Expr, ...]:
    """The rewritten (array) expressions of the function ``name``."""
    return _rewritten(SPECS[name])


def spec_docstring(spec: Spec) -> str:
    """The docstring of a generated function: what it is, its formula and its array form."""
    lines = [spec.summary, ""]
    lines.append("Formula:")
    for out, expr in zip(spec.outputs, spec.expressions()):
        lines.append(f"    {out} = {sp.sstr(expr)}")
    unfolded = [unfold(e) for e in spec.expressions()]
    if unfolded != list(spec.expressions()):
        lines.append("with the named quantities unfolded:")
        for out, expr in zip(spec.outputs, unfolded):
            lines.append(f"    {out} = {sp.sstr(expr)}")
    arrays = _rewritten(spec)
    shifts = sorted({node for e in arrays for node in e.atoms(RowMax)}, key=sp.default_sort_key)
    named = {node: sp.Symbol(f"m_{node.args[0]}") for node in shifts}
    lines.append("Array form (last axis = support, reductions keep it):")
    for out, expr in zip(spec.outputs, arrays):
        lines.append(f"    {out} = {sp.sstr(expr.xreplace(named))}")
    for node, sym in named.items():
        where = "every entry" if node.args[1] is sp.true else sp.sstr(node.args[1])
        lines.append(f"where {sym} = max of {node.args[0]} over the support: {where} (it cancels).")
    lines.append("")
    lines.append("Arguments: " + ", ".join(f"{p} ({kind})" for p, kind in spec.params) + ".")
    if spec.support_axis:
        lines.append("Leading axes are the batch, the last axis the support.")
    else:
        lines.append("Elementwise; leading axes are the batch.")
    if spec.scalars:
        lines.append(f"{' and '.join(spec.scalars)}: a scalar or one value per batch row, shape (B,) or (B, 1).")
    return "\n".join(lines)


def docstring(name: str) -> str:
    """The docstring of the built-in function ``name``."""
    return spec_docstring(SPECS[name])


def as_quotients(e: sp.Basic) -> sp.Basic:
    """Every ``a * b**-k`` as divisions: one rounding each, and no product that leaves the range.

    A sum in the numerator is divided by one power of a sum in the denominator before anything
    is multiplied, so that ``alpha (1 - alpha) M_U N_A / Z**2`` is computed as
    ``alpha (1 - alpha) (M_U/Z) (N_A/Z)``: bounded ratios, not a product of small numbers
    (which underflows in float32).

    >>> a, b, c = sp.symbols("a b c")
    >>> as_quotients(a / (b + c))
    Quotient(a, b + c)
    """
    if not e.args:
        return e
    if e.is_Mul or (e.is_Pow and e.exp.is_negative):
        num, den = [], []
        for factor in sp.Mul.make_args(e):
            base, power = factor.as_base_exp()
            if power.is_negative:
                den.append((as_quotients(base), -power))
            else:
                num.append(as_quotients(factor))
        if not den:
            return sp.Mul(*num)
        pairs = []
        for i, (base, power) in enumerate(den):
            while base.has(ReduceSum) and power.is_Integer and power > 0:
                j = next((j for j, f in enumerate(num) if f.has(ReduceSum)), None)
                if j is None:
                    break
                pairs.append(Quotient(num.pop(j), base))
                power -= 1
            den[i] = (base, power)
        rest = sp.Mul(*(b**p for b, p in den if p != 0))
        head = sp.Mul(*num, *pairs)
        return head if rest == 1 else Quotient(head, rest)
    return e.func(*(as_quotients(a) for a in e.args))


def function_source(spec: Spec, backend: str) -> str:
    """Python source of ``def name(...)`` (and its block) for ``backend``, from ``spec``."""
    if backend not in BACKENDS:
        raise ValueError(f"backend: unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    pr = printer(backend)
    exprs = list(_rewritten(spec))
    shifts = sorted({node for e in exprs for node in e.atoms(RowMax)}, key=sp.default_sort_key)
    names = {node: sp.Symbol(f"_m{i}") for i, node in enumerate(shifts)}
    exprs = [as_quotients(e.xreplace(names)) for e in exprs]
    body = []
    for node, sym in names.items():
        reward, mask = node.args
        if mask is sp.true:
            body.append(f"{sym}, {sym}_c = _support_max({pr.doprint(reward)}, None, ())")
            continue
        free = ", ".join(str(s) for s in sorted(mask.free_symbols, key=str))
        body.append(f"{sym}, {sym}_c = _support_max({pr.doprint(reward)}, lambda {free}: {pr.doprint(mask)}, ({free},))")
    temporaries, reduced = sp.cse(exprs, symbols=sp.numbered_symbols("_x"), order="none")
    params = [p for p, _ in spec.params]
    args = ", ".join(params)
    pool = ", _pool=None, _out=None"

    def in_place(library):
        """The block as calls that write into its own temporaries (``out=``)."""
        classes = {sp.Symbol(p): FULL if kind in ARRAY_KINDS else ROW for p, kind in spec.params}
        classes.update({sym: ROW for sym in names.values()})
        like = next(p for p, kind in spec.params if kind in ARRAY_KINDS)
        emitter = InPlaceEmitter(pr, classes, like, library)
        emitter.plan([e for _, e in temporaries] + list(reduced))
        for sym, e in temporaries:
            emitter.assign(sym, e)
        results = [emitter.result(e, i) for i, e in enumerate(reduced)]
        return emitter.lines, results

    def returned(results):
        if spec.per_row:
            results = [f"({code})[..., 0]" for code in results]
        return "return " + (results[0] if len(results) == 1 else "(" + ", ".join(results) + ")")

    blocks = []
    if backend == "numpy":  # NumPy allocates per operation: reuse the block's own temporaries
        lines, results = in_place("numpy")
        blocks.append((f"_{spec.name}({args}{pool})", body + lines + [returned(results)]))
    else:
        lines = [f"{sym} = {pr.doprint(e)}" for sym, e in temporaries]
        blocks.append((f"_{spec.name}({args})", body + lines + [returned([pr.doprint(e) for e in reduced])]))
    if backend == "torch":  # without autograd, the same in-place block: fewer large temporaries
        lines, results = in_place("torch")
        blocks.append((f"_{spec.name}_in_place({args}{pool})", body + lines + [returned(results)]))
    kinds = "".join("a" if kind in ARRAY_KINDS else "s" for _, kind in spec.params)
    doc = spec_docstring(spec).replace("\\", "\\\\").replace('"""', "'''")
    extra = {"torch": f", _{spec.name}_in_place", "numpy": f", outputs={len(spec.outputs)}"}.get(backend, "")
    wrapper = [
        f'"""{doc}\n"""',
        f"return _rows(_{spec.name}, {tuple(params)!r}, ({args},), {kinds!r}, {spec.support_axis}, {spec.per_row}{extra})",
    ]
    return f"def {spec.name}({args}):\n" + textwrap.indent("\n".join(wrapper), "    ") + "\n" + "".join(
        f"\n\ndef {head}:\n" + textwrap.indent("\n".join(lines), "    ") + "\n" for head, lines in blocks
    )


def generate_source(name: str, backend: str) -> str:
    """Python source of the built-in function ``name`` for ``backend``, generated from the model."""
    if backend not in BACKENDS:
        raise ValueError(f"backend: unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    return function_source(SPECS[name], backend)


def compile_spec(spec: Spec, backend: str, source: str | None = None, module: str | None = None):
    """Execute the generated source of ``spec`` with the runtime helpers; returns the function.

    The code runs as a module of its own, registered in ``sys.modules`` (under ``module``), so
    that tools that look functions up by module (``torch.compile``, ``pickle``) find it.
    """
    source = RUNTIME[backend] + "\n\n" + (source or function_source(spec, backend))
    module = module or f"dpo_mixture.numeric._generated.{backend}.{spec.name}"
    filename = f"<{module}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = types.ModuleType(module, spec.summary)
    namespace.__file__ = filename
    exec(builtins.compile(source, filename, "exec"), namespace.__dict__)  # noqa: S102 - our own generated code
    sys.modules[module] = namespace
    return getattr(namespace, spec.name)


_COMPILED: dict[tuple[str, str], object] = {}


def compiled(name: str, backend: str):
    """The compiled built-in function ``name`` for ``backend``, built on first use and cached.

    The cache is a plain dictionary, which ``torch.compile`` reads without tracing SymPy.
    """
    function = _COMPILED.get((name, backend))
    if function is None:
        function = _COMPILED[(name, backend)] = compile_spec(SPECS[name], backend, generate_source(name, backend))
    return function
