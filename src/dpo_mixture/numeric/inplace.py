"""Straight-line NumPy code that reuses its own temporaries (``out=``) instead of allocating.

NumPy allocates a new array for every operation.  On a block of rows those arrays are large
enough that the allocator returns them to the operating system and faults them back in, which
can cost more than the arithmetic.  :class:`InPlaceEmitter` prints each expression as a
sequence of ufunc calls: an intermediate created within the statement is *fresh*, and the
next elementwise operation of the same shape writes into it.

Shapes are known statically because ``_prepare`` broadcasts every array argument to the full
shape: a value is a full array (``FULL``), a per-row value with the support axis kept
(``ROW``), or a number (``SCALAR``).  An operation may write into a fresh operand only when the
operand already has the result's shape class, and only full arrays are written into.

>>> import sympy as sp
>>> from .printing import NumpyArrayPrinter
>>> r, m, beta = sp.symbols("r m beta")
>>> e = InPlaceEmitter(NumpyArrayPrinter(), {r: FULL, m: ROW, beta: ROW})
>>> e.assign(sp.Symbol("x"), sp.exp(Quotient(r - m, beta)))
>>> print("\\n".join(e.lines))
_t0 = numpy.subtract(r, m)
numpy.divide(_t0, beta, out=_t0)
numpy.exp(_t0, out=_t0)
x = _t0
"""

from __future__ import annotations

import sympy as sp

from .nodes import AtLeast, ExactSum, LogAddExp, LogRatio, LogSoftmax, LogSumExp, Quotient, ReduceSum, SafeLog, ScaledExp, Softmax, Tilt, XLogY

__all__ = ["SCALAR", "ROW", "FULL", "InPlaceEmitter"]

SCALAR, ROW, FULL = 0, 1, 2

#: Elementwise nodes printed as a call ``f(args..., out=...)`` of a runtime helper or ufunc.
_CALLS = {
    sp.exp: "numpy.exp",
    sp.log: "numpy.log",
    SafeLog: "numpy.log",
    LogAddExp: "numpy.logaddexp",
    AtLeast: "numpy.maximum",
    LogRatio: "_log_ratio",
    XLogY: "_xlogy",
    ScaledExp: "_scaled_exp",
    ExactSum: "_exact_sum",
}


#: The same calls in the torch block that runs without autograd (``out=`` takes tensors only:
#: the helpers accept Python numbers too).
_TORCH_NAMES = {
    "numpy.exp": "torch.exp",
    "numpy.log": "torch.log",
    "numpy.logaddexp": "_logaddexp",
    "numpy.maximum": "_at_least",
    "numpy.add": "torch.add",
    "numpy.subtract": "torch.sub",
    "numpy.multiply": "torch.mul",
    "numpy.divide": "torch.div",
    "numpy.negative": "torch.neg",
    "numpy.square": "torch.square",
    "numpy.power": "torch.pow",
}

#: Binary ufuncs whose operands may change places without changing a bit of the result.
_COMMUTATIVE = {"numpy.add", "numpy.multiply"}

#: Elementwise ufuncs and the Python operator they stand for on small (per-row) values.
_OPERATORS = {
    "numpy.add": "({} + {})",
    "numpy.subtract": "({} - {})",
    "numpy.multiply": "({} * {})",
    "numpy.divide": "({} / {})",
    "numpy.negative": "(-{})",
    "numpy.square": "({} ** 2)",
    "numpy.power": "({} ** {})",
}


class InPlaceEmitter:
    """Collects the lines of a block; ``classes`` gives the shape class of the known symbols."""

    def __init__(self, printer, classes: dict, like: str | None = None, library: str = "numpy"):
        self.printer = printer
        self.torch = library == "torch"
        self.classes = {str(k): v for k, v in classes.items()}  # by name: assumptions differ
        self.like = like  # a full-shape argument: new full arrays come from the block's pool
        self.lines: list[str] = []
        self._count = 0
        self._owned: dict[str, str] = {}  # a symbol assigned a fresh full buffer -> that buffer
        self._alias: dict[str, str] = {}  # a value computed in the buffer of another -> that other
        self._last_use: dict[str, int] = {}
        self._once: dict[str, bool] = {}  # read once in the statement of its last use
        self._statement = 0

    def plan(self, statements) -> None:
        """Read ahead the expressions that will be emitted, in order (assignments, then
        results), so that a buffer whose symbol is used for the last time can be reused."""
        for i, e in enumerate(statements):
            for s in e.free_symbols:
                self._last_use[str(s)] = i
                self._once[str(s)] = e.count(s) == 1

    def _dead_after_now(self, name: str) -> bool:
        """Whether ``name`` holds a buffer of the block that nothing reads after this use."""
        return name in self._owned and self._last_use.get(name, -1) <= self._statement and self._once[name]

    def assign(self, symbol: sp.Symbol, expr: sp.Expr) -> None:
        """Emit ``symbol = expr``."""
        code, cls, fresh = self.value(expr)
        self.classes[str(symbol)] = cls
        if fresh and cls == FULL:
            self._owned[str(symbol)] = code
        self.lines.append(f"{symbol} = {code}")
        self._statement += 1

    def result(self, expr: sp.Expr, index: int = 0) -> str:
        """The code of the returned value ``index`` (emitting what it needs first).

        A full-shape result is computed in place from its first buffer on: that buffer is the
        caller's output (``_target(_out, index, ...)``) rather than one of the pool.
        """
        code, cls, fresh = self.value(expr)
        self._statement += 1
        if fresh and cls == FULL and self.like:
            buffer = code
            while buffer in self._alias:  # computed in the buffer of another value
                buffer = self._alias[buffer]
            mine = f"_scratch(_pool, {buffer!r}, {self.like})"
            for i, line in enumerate(self.lines):
                if line.startswith(f"{buffer} = ") and mine in line:
                    self.lines[i] = line.replace(mine, f"_target(_out, {index}, {self.like})")
                    break
        return code

    # -- values ------------------------------------------------------------------------------
    def _fresh_name(self) -> str:
        name = f"_t{self._count}"
        self._count += 1
        return name

    def _class(self, e) -> int:
        if e.is_Number:
            return SCALAR
        if isinstance(e, sp.Symbol):
            return self.classes.get(str(e), FULL)
        return max((self._class(a) for a in e.args), default=SCALAR)

    def value(self, e):
        """``(code, shape class, fresh)`` of ``e``; composite values are held in fresh names."""
        if e.is_Number and not e.is_Integer:  # 1/2 as an operand: bracketed, never x**1/2 or y/1/2
            return f"({self.printer.doprint(e)})", self._class(e), False
        if isinstance(e, sp.Symbol) and self.torch and self._dead_after_now(str(e)):
            return str(e), FULL, True  # torch: a block's buffer read for the last time is reused
        if e.is_Number or isinstance(e, sp.Symbol):
            return self.printer.doprint(e), self._class(e), False
        if e.is_Add:
            terms = list(e.args)
            first = next((t for t in terms if not _negated(t)), None)
            if first is None:
                return self._call("numpy.negative", [_negated(terms[0])], e) if len(terms) == 1 else self._fold(e)
            terms.remove(first)
            acc = self.value(first)
            for t in terms:
                neg = _negated(t)
                acc = self._binary("numpy.subtract" if neg is not None else "numpy.add", acc, self.value(neg if neg is not None else t))
            return acc
        if e.is_Mul:
            coeff, rest = e.as_coeff_Mul()
            factors = list(sp.Mul.make_args(rest))
            acc = self.value(factors[0])
            for f in factors[1:]:
                acc = self._binary("numpy.multiply", acc, self.value(f))
            if coeff == -1:
                return self._unary("numpy.negative", acc)
            if coeff != 1:
                acc = self._binary("numpy.multiply", acc, self.value(coeff))
            return acc
        if isinstance(e, Quotient):
            return self._binary("numpy.divide", self.value(e.args[0]), self.value(e.args[1]))
        if e.is_Pow and e.exp == 2:
            return self._unary("numpy.square", self.value(e.base))
        if e.is_Pow and e.exp.is_Integer and e.exp > 0:
            return self._binary("numpy.power", self.value(e.base), self.value(e.exp))
        if isinstance(e, Tilt):
            x, shift = e.args
            return self._call("_tilt", [x], e, extra=[f"{shift}_c"])
        for node, fn in _CALLS.items():
            if isinstance(e, node):
                return self._call(fn, list(e.args), e)
        if isinstance(e, ReduceSum) and e.args[0].is_Mul:
            coeff, rest = e.args[0].as_coeff_Mul()
            factors = [self.value(f) for f in sp.Mul.make_args(rest)]
            if coeff == 1 and len(factors) >= 2:
                name = self._fresh_name()
                spare = [f[0] for f in factors if f[2] and f[1] == FULL]
                if self.torch and len(factors) == 2 and spare:  # the product into a buffer of the block
                    self.lines.append(f"{name} = _dot_into({spare[0]}, {', '.join(f[0] for f in factors)})")
                    return name, ROW, True
                self.lines.append(f"{name} = _dot({', '.join(f[0] for f in factors)})")
                return name, ROW, True
        if isinstance(e, (LogSoftmax, LogSumExp)) and not self.torch:  # torch: its fused calls
            (x,) = [self.value(a) for a in e.args]
            name = self._fresh_name()
            if isinstance(e, LogSoftmax):
                if x[2] and x[1] == FULL and self.like:  # x's buffer is the block's: computed in it
                    self.lines.append(f"{name} = _log_softmax({x[0]}, out={x[0]}, work={self._new(name + '_w')})")
                    self._alias[name] = x[0]
                    return name, FULL, True
                self.lines.append(f"{name} = _log_softmax({x[0]}, out={self._new(name)})")
                return name, FULL, True
            work = x[0] if x[2] and x[1] == FULL else self._new(name)
            self.lines.append(f"{name} = _logsumexp({x[0]}, work={work})")
            return name, ROW, True
        return self._printed(e)

    def _printed(self, e):
        """A reduction or any other node: its arguments first, then the printer's own form."""
        args = [self.value(a) for a in e.args]
        # a number stays itself (the printer writes 1/2 and sqrt(2) its own way); a computed
        # value stands in as a symbol named by its code
        named = e.func(*(a if a.is_Number or _is_literal(code) else sp.Symbol(code)
                         for (code, _, _), a in zip(args, e.args)))
        name = self._fresh_name()
        self.lines.append(f"{name} = {self.printer.doprint(named)}")
        return name, self._class_of_node(e, args), True

    def _class_of_node(self, e, args) -> int:
        if isinstance(e, (Softmax, LogSoftmax)):
            return FULL
        return ROW if args and max(a[1] for a in args) > SCALAR else SCALAR

    def _fold(self, e):
        name = self._fresh_name()
        self.lines.append(f"{name} = {self.printer.doprint(e)}")
        return name, self._class(e), True

    def _unary(self, fn, a):
        return self._emit(fn, [a], a[1])

    def _binary(self, fn, a, b):
        return self._emit(fn, [a, b], max(a[1], b[1]))

    def _call(self, fn, args, e, extra=()):
        if self.torch and self._class(e) != FULL:  # torch's calls take no Python numbers
            return self._printed(e)
        values = [self.value(a) for a in args]
        return self._emit(fn, values, max(v[1] for v in values), extra)

    def _emit(self, fn, values, cls, extra=()):
        if self.torch and cls == FULL and len(values) == 2 and values[0][1] != FULL:
            # the first operand may be a Python number, which torch's out= calls refuse
            if fn in _COMMUTATIVE:
                values = values[::-1]
            elif fn in _OPERATORS:
                name = self._fresh_name()
                self.lines.append(f"{name} = {_OPERATORS[fn].format(*(v[0] for v in values))}")
                return name, cls, True
        if cls != FULL and fn in _OPERATORS:  # small values: Python operators keep weak scalars
            code = _OPERATORS[fn].format(*(v[0] for v in values))
            if cls == SCALAR:
                return code, cls, False
            name = self._fresh_name()
            self.lines.append(f"{name} = {code}")
            return name, cls, True
        if self.torch:
            fn = _TORCH_NAMES.get(fn, fn)
        args = ", ".join([v[0] for v in values] + list(extra))
        # only full arrays are written into: a per-row value may be a NumPy scalar at run time
        target = next((v[0] for v in values if v[2] and v[1] == cls == FULL), None)
        if target is not None:
            self.lines.append(f"{fn}({args}, out={target})")
            return target, cls, True
        if cls == SCALAR:
            return f"{fn}({args})", cls, False
        name = self._fresh_name()
        out = f", out={self._new(name)}" if cls == FULL and self.like else ""
        self.lines.append(f"{name} = {fn}({args}{out})")
        return name, cls, True

    def _new(self, name: str) -> str:
        """A full-shape buffer for ``name``: the same one on every block of a call."""
        return f"_scratch(_pool, {name!r}, {self.like})" if self.like else "None"


def _negated(term):
    """``x`` for a term ``-x``, else ``None``."""
    coeff, rest = term.as_coeff_Mul()
    if coeff.is_negative:
        return -term
    return None


def _is_literal(code: str) -> bool:
    try:
        float(code)
        return True
    except ValueError:
        return False
