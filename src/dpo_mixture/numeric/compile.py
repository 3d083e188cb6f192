"""Generate the source of each numeric function once per backend, and compile it once.

:func:`generate_source` rewrites the model expressions of a :class:`~.specs.Spec`
(:func:`~.rewrite.rewrite`), eliminates common subexpressions with :func:`sympy.cse` (so a
shared ``LogSumExp`` is computed once) and prints the result with the backend's printer.
:func:`compiled` executes that source, with the backend's runtime helpers, the first time a
function is asked for and caches the function object; later calls never touch SymPy.

>>> print(generate_source("log_partition", "numpy").splitlines()[0])
def log_partition(log_p_ref, r, beta):
>>> compiled("log_partition", "numpy") is compiled("log_partition", "numpy")
True
"""

from __future__ import annotations

import functools
import linecache
import textwrap

import sympy as sp

from .printing import BACKENDS, PRINTERS, RUNTIME
from .rewrite import rewrite, unfold
from .specs import SPECS

__all__ = ["generate_source", "compiled", "array_expressions", "docstring"]


def array_expressions(name: str) -> tuple[sp.Expr, ...]:
    """The rewritten (array) expressions of the function ``name``."""
    spec = SPECS[name]
    return tuple(rewrite(e, spec.log_inputs) for e in spec.expressions())


def docstring(name: str) -> str:
    """The docstring of a generated function: what it is, its formula and its array form."""
    spec = SPECS[name]
    lines = [spec.summary, ""]
    lines.append("Formula (dpo_mixture.model):")
    for out, expr in zip(spec.outputs, spec.expressions()):
        lines.append(f"    {out} = {sp.sstr(expr)}")
    unfolded = [unfold(e) for e in spec.expressions()]
    if unfolded != list(spec.expressions()):
        lines.append("with the named quantities unfolded:")
        for out, expr in zip(spec.outputs, unfolded):
            lines.append(f"    {out} = {sp.sstr(expr)}")
    lines.append("Array form (last axis = support, reductions keep it):")
    for out, expr in zip(spec.outputs, array_expressions(name)):
        lines.append(f"    {out} = {sp.sstr(expr)}")
    lines.append("")
    lines.append("Arguments: " + ", ".join(f"{p} ({kind})" for p, kind in spec.params) + ".")
    if spec.support_axis:
        lines.append("Leading axes are the batch, the last axis the support; alpha and beta")
        lines.append("broadcast over the batch.")
    return "\n".join(lines)


def generate_source(name: str, backend: str) -> str:
    """Python source of ``def name(...)`` for ``backend``, generated from the model."""
    if backend not in BACKENDS:
        raise ValueError(f"backend: unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    spec = SPECS[name]
    printer = PRINTERS[backend]()
    exprs = list(array_expressions(name))
    temporaries, reduced = sp.cse(exprs, symbols=sp.numbered_symbols("_x"), order="none")
    doc = docstring(name).replace("\\", "\\\\").replace('"""', "'''")
    body = [f'"""{doc}\n"""']
    if spec.support_axis and spec.arrays:
        like = spec.arrays[0]
        body += [f"{s} = _scalar({s}, {like})" for s in spec.scalars]
    body += [f"{sym} = {printer.doprint(e)}" for sym, e in temporaries]
    results = [printer.doprint(e) for e in reduced]
    if spec.per_row:
        results = [f"({code})[..., 0]" for code in results]
    body.append("return " + (results[0] if len(results) == 1 else "(" + ", ".join(results) + ")"))
    args = ", ".join(p for p, _ in spec.params)
    return f"def {name}({args}):\n" + textwrap.indent("\n".join(body), "    ") + "\n"


@functools.lru_cache(maxsize=None)
def compiled(name: str, backend: str):
    """The compiled function ``name`` for ``backend``, built on first use and cached."""
    source = RUNTIME[backend] + "\n\n" + generate_source(name, backend)
    filename = f"<dpo_mixture.numeric:{backend}:{name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict = {"__name__": f"dpo_mixture.numeric._generated_{backend}"}
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace[name]
