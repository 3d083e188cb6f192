"""LaTeX in the seed's notation, by subclassing SymPy's :class:`~sympy.printing.latex.LatexPrinter`.

Nothing here edits printed strings: each kind of node has its own ``_print_<Class>`` method.  The
one exception is the bar: whatever SymPy prints as ``|`` is written ``\\vert`` (the same TeX),
since Markdown engines read a bare bar as a table cell's edge, even inside maths.

>>> from dpo_mixture.notation import p_ref, r, beta, y, Z, TPM_A, alpha
>>> latex(p_ref[y] * sp.exp(r[y] / beta) / Z)
'\\\\frac{p_{\\\\mathrm{ref}}(y \\\\mid x) e^{r(y;x)/\\\\beta}}{Z(x)}'
>>> latex(sp.Ge(TPM_A, alpha))
'\\\\TPM(\\\\mathcal{A};x) \\\\geq \\\\alpha(x)'
"""

from __future__ import annotations

import inspect
import re

import sympy as sp
from sympy.printing.conventions import requires_partial
from sympy.printing.latex import LatexPrinter

from ..notation import INDEXED_LATEX, LATEX_NAMES, n

__all__ = ["NotationPrinter", "latex", "MACROS", "PARAMETERS"]

#: Operator names the documents declare: ``\\supp`` prints "supp" upright, and so on.
#: The paper declares them with ``\\DeclareMathOperator``, the blog page with ``\\newcommand``.
MACROS: dict[str, str] = {"supp": "supp", "TPM": "TPM", "unif": "unif", "card": "card", "KL": "KL"}

#: Scalar parameters: printed first in a product, and so are sums of them, as in ``(1 - alpha) M_U``.
PARAMETERS: frozenset[str] = frozenset({"alpha", "beta", "lambda", "t", "n"})
#: Counts print before every other factor: ``n \alpha (1 - \alpha)``.
COUNTS: frozenset[str] = frozenset({"n"})

_CHAINABLE = (sp.StrictLessThan, sp.LessThan)


def _takes_exponent(method) -> bool:
    try:
        return "exp" in inspect.signature(method).parameters
    except (TypeError, ValueError):  # no signature to read: let SymPy call it as it does
        return True


def _EXTREMA() -> tuple:
    from ..model import SupportMax, SupportMin

    return (SupportMax, SupportMin)


class NotationPrinter(LatexPrinter):
    """Prints symbols, entries over the support and sums the way the seed writes them."""

    printmethod = "_latex"
    #: ``inline``: fractions as ``a/b``, for maths inside a sentence or a table cell.
    _default_settings = {**LatexPrinter._default_settings, "mul_symbol": None, "inline": False}

    def _print(self, expr, **kwargs) -> str:
        # SymPy prints a power of a function as ``f(x)^{2}`` by handing the exponent to the
        # function's own ``_latex``; one that takes no exponent (a named operator of this package
        # or of a user's module) is printed whole and bracketed: (log sigma(x))^2, never
        # log sigma(x)^2, which reads as the log of the square
        method = getattr(expr, self.printmethod, None)
        if "exp" in kwargs and method is not None and not _takes_exponent(method):
            exp = kwargs.pop("exp")
            return r"\left(%s\right)^{%s}" % (super()._print(expr, **kwargs), exp)
        return super()._print(expr, **kwargs)

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        if expr.name in LATEX_NAMES:
            return LATEX_NAMES[expr.name]
        return super()._print_Symbol(expr, style=style)

    def _print_IndexedBase(self, expr: sp.IndexedBase) -> str:
        name = str(expr.label)
        return LATEX_NAMES.get(name, super()._print_IndexedBase(expr))

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        name = str(expr.base.label)
        index = ", ".join(self._print(i) for i in expr.indices)
        pattern = INDEXED_LATEX.get(name, "{name}({i})")
        return pattern.format(name=self._print(expr.base), i=index)

    def _factor_rank(self, f: sp.Expr) -> tuple:
        base = f.base if isinstance(f, sp.Pow) else f
        if base.is_Number:
            rank = 0
        elif isinstance(base, sp.Symbol):
            rank = 0.5 if base.name in COUNTS else 1 if base.name in PARAMETERS else 1.5
        elif isinstance(base, sp.Add) and all(s.name in PARAMETERS for s in base.free_symbols):
            rank = 1.2  # (1 - alpha) before the quantity it weights
        elif isinstance(base, sp.Indexed):
            rank = 1.8  # p(y) (...): a function value before a bracket
        elif isinstance(base, sp.Add):
            rank = 2
        elif isinstance(base, sp.Sum):
            rank = 4
        elif isinstance(base, sp.exp):
            rank = 6
        elif isinstance(base, _open_right()):
            rank = 7  # log a, d/dx f, lim f, log sigma(u): nothing may follow them unbracketed, so they come last
        else:
            rank = 5
        return (rank, sp.default_sort_key(f))

    def _print_product(self, factors: list[sp.Expr]) -> str:
        factors = sorted(factors, key=self._factor_rank)
        out = ""
        for i, f in enumerate(factors):
            tex = self._print(f)
            if isinstance(f, sp.log) and i < len(factors) - 1:
                tex = self._print_log(f, bracket=True)  # log(p/q) e^{...}, not log p/q e^{...}
            last = i == len(factors) - 1
            opened = not last and isinstance(f, _EXTREMA() + _open_right()) and not isinstance(f, sp.log)
            if len(factors) > 1 and (self._needs_mul_brackets(f, first=(i == 0), last=last) or opened
                                     or isinstance(f, sp.Subs)):
                # (max f) g, as (sum f) g; (log sigma(u)) e^{u}; and an evaluation among other
                # factors is bracketed whole: a (u^2|_{u=b}), whose bar could reach back over a
                tex = r"\left(%s\right)" % tex
            if i:
                # a one-letter factor before a function value: t\,r(y;x), never "tr(y;x)"
                lone = len(prev) == 1 and prev.isalpha()
                if _STARTS_NUMBER.match(tex):
                    # 8 \cdot 2^{u}, 2 \cdot 3: digits side by side read as one number ("82^u")
                    out += r" \cdot "
                elif tex.startswith(_OPENING) and _ends_in_name(factors[i - 1], prev, self._print):
                    # s \cdot (u + 3): "s (u + 3)" reads as s applied to u + 3, as \sigma(u) is
                    out += r" \cdot "
                else:
                    out += r"\, " if lone and isinstance(f, (sp.Indexed, sp.Function)) else " "
            out += tex
            prev = tex
        return out

    def _print_Mul(self, expr: sp.Mul) -> str:
        # Order factors as the seed does: numbers, scalars, entries over the support, sums,
        # then the exponential tilt, so p_ref(y|x) e^{r(y;x)/beta} reads left to right.
        coeff, rest = expr.as_coeff_Mul()
        if coeff.is_negative:
            positive = sp.Mul(-coeff, rest)
            tex = self._print(positive)
            if isinstance(positive, (sp.Add, sp.Subs)):  # -(x - 1), kept unevaluated: never "- x - 1"
                tex = r"\left(%s\right)" % tex  # and -(u^2|_{u=b}): the bar's reach is the bracket
            return "- " + tex
        num, den = sp.fraction(expr, exact=True)
        num_f = [] if num == 1 else list(sp.Mul.make_args(num))
        den_f = [] if den == 1 else list(sp.Mul.make_args(den))
        num_tex = self._print_product(num_f) if num_f else "1"
        if not den_f:
            return num_tex
        den_tex = self._print_product(den_f)
        if self._settings["inline"]:
            # a/b in running text: brackets around a sum or a product, none around one factor
            if len(num_f) == 1 and isinstance(num_f[0], sp.Add) or _open_numerator(num_f):
                num_tex = r"\left(%s\right)" % num_tex
            if len(den_f) > 1 or isinstance(den_f[0], (sp.Add, sp.Subs)):  # a/(u^2|_{u=b})
                den_tex = r"\left(%s\right)" % den_tex
            return f"{num_tex}/{den_tex}"
        return r"\frac{%s}{%s}" % (num_tex, den_tex)

    def _print_Rational(self, expr: sp.Rational) -> str:
        if self._settings["inline"] and expr.q != 1:
            sign = "- " if expr.p < 0 else ""
            return f"{sign}{abs(expr.p)}/{expr.q}"
        return super()._print_Rational(expr)

    def _as_ordered_terms(self, expr: sp.Basic, order: str | None = None) -> list:
        try:
            terms = super()._as_ordered_terms(expr, order=order)
        except OverflowError:  # SymPy orders numbers by their value: e^{e^{e^{e^{10}}}} has none in floats
            terms = sorted(sp.Add.make_args(expr), key=sp.default_sort_key) if isinstance(expr, sp.Add) else [expr]
        if not isinstance(expr, sp.Add):
            return terms
        if sp.Add(*expr.args).args != expr.args:
            # built with evaluate=False, e.g. (a + c) - (b + c): keep the author's order
            return list(expr.args)
        # a positive term first: "a - b", not "-b + a"
        first = next((i for i, term in enumerate(terms) if not term.could_extract_minus_sign()), 0)
        return terms[first:first + 1] + terms[:first] + terms[first + 1:]

    def _print_Heaviside(self, expr: sp.Heaviside, exp: str | None = None) -> str:
        # the indicator 1[a >= b] for Heaviside(a - b, 1), which is 1 exactly where a >= b
        arg = expr.args[0]
        at_zero = expr.args[1] if len(expr.args) > 1 else None
        rel = r"\geq" if at_zero == 1 else ">" if at_zero == 0 else None
        if rel is None:
            return super()._print_Heaviside(expr, exp)
        terms = self._as_ordered_terms(arg) if isinstance(arg, sp.Add) else [arg]
        if len(terms) == 2 and terms[1].could_extract_minus_sign():
            inside = f"{self._print(terms[0])} {rel} {self._print(-terms[1])}"
        else:
            inside = f"{self._print(arg)} {rel} 0"
        tex = r"\mathbf{1}\left[%s\right]" % inside
        return tex if exp is None else r"%s^{%s}" % (tex, exp)

    def _print_Subs(self, expr: sp.Subs) -> str:
        # "evaluated at" as \right\vert: no bare bar, which Markdown would read as a table cell.
        # The opening \left. prints nothing, so a body that is not one closed value (nor a
        # derivative, evaluated as calculus writes it) is bracketed: (a + u^2)|_{u=b}, never
        # "a + u^2|_{u=b}", which reads as a + b^2
        body, variables, points = expr.args
        at = ", ".join(f"{self._print(v)} = {self._print(p)}" for v, p in zip(variables, points))
        tex = self._print(body)
        # a derivative is evaluated as it is written everywhere: d/du f(u) |_{u=b}
        if not closed_value(body) and not isinstance(body, sp.Derivative):
            tex = r"\left(%s\right)" % tex
        return r"\left. %s \right\vert_{%s}" % (tex, at)

    def _print_Pow(self, expr: sp.Pow) -> str:
        # an evaluation raised to a power is bracketed whole: u^2|_{u=b}^{2} reads as an
        # evaluation between two limits
        e = expr.exp
        root = e.is_Rational and abs(e.p) == 1 and e.q != 1  # \sqrt{...}: closed
        if isinstance(expr.base, sp.Subs) and not root and not (e.is_Rational and e.is_negative):
            return r"\left(%s\right)^{%s}" % (self._print(expr.base), self._print(e))
        return super()._print_Pow(expr)

    def _print_Abs(self, expr: sp.Abs, exp: str | None = None) -> str:
        # \lvert ... \rvert, never a bare bar: Markdown engines (kramdown) split a paragraph into
        # table cells at a bar, even inside inline maths
        tex = r"\left\lvert %s \right\rvert" % self._print(expr.args[0])
        return tex if exp is None else r"%s^{%s}" % (tex, exp)

    _print_Determinant = _print_Abs  # (the same bars around the one argument)

    def doprint(self, expr) -> str:
        # any bar SymPy prints elsewhere (\middle| of a set, \| of a norm) as the same TeX
        # written with a command: a bare | would split a Markdown paragraph into table cells
        return _no_bare_bar(super().doprint(expr))

    def _print_And(self, expr: sp.And) -> str:
        # 0 < x and x < 1 print as the chain 0 < x < 1; separate chains are set apart
        return r",\quad ".join(self._print_chain(c) for c in chains(expr))

    def _print_chain(self, links: list) -> str:
        out = self._print(links[0].lhs)
        for rel in links:
            out += f" {self._relation_symbol(rel)} {self._print(rel.rhs)}"
        return out

    def _relation_symbol(self, rel: sp.Basic) -> str:
        return {"==": "=", "<": "<", "<=": r"\leq", ">": ">", ">=": r"\geq", "!=": r"\neq"}[rel.rel_op]

    def _print_Function(self, expr: sp.Function, exp: str | None = None) -> str:
        # a function the author names (g, h) prints as g(t), not g{\left(t \right)}
        if isinstance(type(expr), sp.core.function.UndefinedFunction):
            tex = "%s(%s)" % (self._print(sp.Symbol(expr.func.__name__)), ", ".join(self._print(a) for a in expr.args))
            return tex if exp is None else "%s^{%s}" % (tex, exp)
        return super()._print_Function(expr, exp=exp)

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        # g'(t) and g''(t) for a named function of one variable
        f = expr.expr
        if isinstance(type(f), sp.core.function.UndefinedFunction) and len(f.args) == 1 and len(expr.variables) <= 2 \
                and set(expr.variables) == {f.args[0]}:
            primes = "'" * len(expr.variables)
            return "%s%s(%s)" % (self._print(sp.Symbol(f.func.__name__)), primes, self._print(f.args[0]))
        if not f.is_Mul:
            return super()._print_Derivative(expr)
        # the derivative of a product is bracketed whole: d/db (b^2 e^b), which a reader cannot
        # take for (d/db b^2) e^b (the operator as SymPy writes it)
        d = r"\partial" if requires_partial(f) else self._settings["diff_operator_latex"]
        below = "".join(r"%s %s" % (d, self._print(x)) if k == 1
                        else r"%s %s^{%s}" % (d, self.parenthesize_super(self._print(x)), self._print(k))
                        for x, k in reversed(expr.variable_count))
        order = sum(k for _, k in expr.variable_count)
        above = d if order == 1 else r"%s^{%s}" % (d, self._print(order))
        return r"\frac{%s}{%s} \left(%s\right)" % (above, below, self._print(f))

    def _print_Sum(self, expr: sp.Sum) -> str:
        # Sums over the whole support print as \sum_{y}; other ranges keep their limits.
        (index, lo, hi), = expr.limits
        if lo == 1 and hi == n:
            head = r"\sum_{%s}" % self._print(index)
        else:
            head = r"\sum_{%s=%s}^{%s}" % (self._print(index), self._print(lo), self._print(hi))
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = r"\left(%s\right)" % body
        return f"{head} {body}"

    def _print_exp(self, expr: sp.exp, exp: str | None = None) -> str:
        # e^{r/beta} and e^{-(a - b)/beta} with an inline fraction, as in the seed
        arg = expr.args[0]
        num, den = sp.fraction(arg)
        if den != 1 and len(sp.Add.make_args(num)) <= 3 and len(str(num)) < 60:
            den_tex = self._print(den)
            if isinstance(den, (sp.Add, sp.Mul, sp.Subs)):  # u/(u|_{u=2}): a bar would reach back over u/
                den_tex = r"\left(%s\right)" % den_tex
            if isinstance(num, sp.Add):
                sign = ""
                if num.could_extract_minus_sign():
                    sign, num = "-", -num
                inner = r"%s\left(%s\right)/%s" % (sign, self._print(num), den_tex)
            elif _open_numerator(sp.Mul.make_args(num)):
                # (log a)/b, as _print_Mul writes it inline: log a/b would read log(a/b)
                sign = ""
                if num.could_extract_minus_sign():
                    sign, num = "- ", -num
                inner = r"%s\left(%s\right)/%s" % (sign, self._print(num), den_tex)
            else:
                inner = "%s/%s" % (self._print(num), den_tex)
        else:
            inner = self._print(arg)
        tex = "e^{%s}" % inner
        return tex if exp is None else r"\left(%s\right)^{%s}" % (tex, exp)

    def _print_log(self, expr: sp.log, exp: str | None = None, bracket: bool = False) -> str:
        arg = expr.args[0]
        inner = self._print(arg)
        # with a factor after it (``bracket``), every argument is bracketed: log a e^u would
        # read as log(a e^u)
        plain = isinstance(arg, (sp.Symbol, sp.Indexed, sp.Function)) and not bracket
        if plain or (inner.startswith(r"\frac") and not bracket):
            tex = r"\log %s" % inner  # log p(y), log p/q: a fraction needs no brackets
        else:
            tex = r"\log\left(%s\right)" % inner
        return tex if exp is None else r"\log^{%s}\left(%s\right)" % (exp, inner)


#: Factors whose printed form has no closing delimiter: whatever follows reads as their argument.
#: The package's ``LogSigmoid`` (``\\log\\sigma(u)``) and ``RelEntr`` (``x \\log\\frac{x}{c}``) end in an
#: open ``\\log`` too (see :func:`_open_right`).
_OPEN_RIGHT = (sp.log, sp.Derivative, sp.Limit)


def _open_right() -> tuple:
    """:data:`_OPEN_RIGHT` and the package's functions that print an open ``\\log``."""
    from ..model import LogSigmoid, RelEntr

    return _OPEN_RIGHT + (LogSigmoid, RelEntr)


def closed_value(e: sp.Basic) -> bool:
    """Whether the print of ``e`` is one closed value, which a mark after it (the bar of an
    evaluation, a log's argument after ``x``) cannot be read into: a name, an entry, a
    nonnegative number, a function value that ends in its own bracket (``\\sigma(u)``,
    ``\\lvert u \\rvert``).  A sum, a product, a power, a sign, an operator with an open end
    (``\\log u``, ``\\sum_y``, ``\\frac{d}{du}``, ``\\max_y``) is not."""
    if isinstance(e, (sp.Symbol, sp.Indexed, sp.NumberSymbol)):
        return True
    if e.is_Number:
        return bool(e.is_Integer and e.is_nonnegative)
    if isinstance(e, (sp.Abs, sp.core.function.AppliedUndef)):
        return True
    if isinstance(e, sp.Derivative):  # g'(t) is closed; \frac{d}{dt} (...) is an open operator
        tex = latex(e).strip()
        return not tex.startswith(r"\frac") and tex.endswith(")")
    if isinstance(e, sp.Function) and not isinstance(e, _open_right() + _EXTREMA() + (sp.exp,)):
        tex = latex(e)
        return bool(re.search(r"(?:\\right\)|\\right\]|\\right\\rvert|\))$", tex.strip()))
    return False


def _no_bare_bar(tex: str) -> str:
    r"""``tex`` with each bar written as a command: ``\left|`` as ``\left\lvert``, ``\right|`` as
    ``\right\rvert``, ``\|`` as ``\Vert``, any other ``|`` as ``\vert`` (the same TeX)."""
    if "|" not in tex:
        return tex
    tex = tex.replace(r"\left|", r"\left\lvert ").replace(r"\right|", r"\right\rvert ")
    tex = tex.replace(r"\|", r"\Vert ")
    return tex.replace("|", r"\vert ")

#: A print that starts with a digit (``2^{u}``, ``3``, ``\frac{1}{2}``) or a sign: after another
#: factor, the two would read as one number (``8 2^{u}`` as 82^u, ``2 \frac{1}{2}`` as two and a
#: half) or as a difference (``a - b`` for a times -b).
_STARTS_NUMBER = re.compile(r"\s*(?:\d|\\frac\s*\{\s*\d|\.\d|-)")
#: A print that starts with a bracket: after a name it reads as that name's argument list.
_OPENING = (r"\left(", r"\left[", r"\left\{", "(", "[")


def _open_numerator(factors) -> bool:
    """Whether an inline numerator of these factors needs brackets before ``/``: ``(log a)/b``,
    ``(max_y g(y))/x``, as ``log a/b`` would read ``log(a/b)`` (a factor with no closing
    delimiter, or an operator whose reach has no visible end)."""
    return any(isinstance(f, _open_right() + (sp.Sum, sp.Product, sp.Integral, sp.Subs) + _EXTREMA()) for f in factors)


#: A print that ends in a closing delimiter: a bracket or a bar.
_CLOSED_END = re.compile(r"(?:[)\]|]|\\[rl]?[vV]ert)\s*$")


def _ends_in_name(f: sp.Expr, tex: str, print_) -> bool:
    r"""Whether the factor ``f``, printed ``tex``, ends in a name that a bracket after it would
    read as applied to: a scalar (``s``, ``\sigma``, ``x_{1}``, ``\hat{s}``), a power of one
    (``\Gamma^{2}``, as SymPy prints ``gamma(u)**2``), a constant (``\pi``), or any print that
    ends in a letter or a prime.  A closed value (``p(y)``, ``\alpha(x)``, ``(a + b)``, ``|a|``)
    or a number (``2``, ``2^{u}``, ``\sqrt{2}``) is none."""
    if _CLOSED_END.search(tex):
        return False
    base = f.base if isinstance(f, sp.Pow) else f
    if isinstance(base, (sp.Symbol, sp.NumberSymbol)):
        return not _CLOSED_END.search(print_(base))  # \alpha(x)^{2} is closed
    return bool(re.search(r"[A-Za-z']\s*$", tex))


def chains(expr: sp.Basic) -> list[list[sp.Basic]]:
    """The parts of a conjunction, with inequalities joined into chains ``a < b < c``.

    ``>`` and ``>=`` are read as ``<`` and ``<=`` with the sides swapped; a chain continues
    where one inequality ends with the term the next begins with.

    >>> u = sp.Symbol("u")
    >>> [[str(r) for r in c] for c in chains(sp.And(sp.Gt(1, u), sp.Lt(0, u), sp.Eq(u, 2)))]
    [['0 < u', 'u < 1'], ['Eq(u, 2)']]
    """
    parts = list(expr.args) if isinstance(expr, sp.And) else [expr]
    parts = [_as_less(p) for p in parts]
    ineqs = [p for p in parts if isinstance(p, _CHAINABLE)]
    out: list[list[sp.Basic]] = []
    used: set[int] = set()
    for i, rel in enumerate(ineqs):
        if i in used or any(j not in used and j != i and o.rhs == rel.lhs for j, o in enumerate(ineqs)):
            continue  # not the start of a chain
        used.add(i)
        chain = [rel]
        while True:
            nxt = next((j for j, o in enumerate(ineqs) if j not in used and o.lhs == chain[-1].rhs), None)
            if nxt is None:
                break
            used.add(nxt)
            chain.append(ineqs[nxt])
        out.append(chain)
    out.extend([rel] for i, rel in enumerate(ineqs) if i not in used)  # cycles, if any
    out.extend([p] for p in parts if not isinstance(p, _CHAINABLE))
    return out


def _as_less(rel: sp.Basic) -> sp.Basic:
    if isinstance(rel, sp.StrictGreaterThan):
        return sp.Lt(rel.rhs, rel.lhs, evaluate=False)
    if isinstance(rel, sp.GreaterThan):
        return sp.Le(rel.rhs, rel.lhs, evaluate=False)
    return rel


def latex(expr: sp.Basic, **settings) -> str:
    """Print ``expr`` as LaTeX in the project's notation (``inline=True`` for running text).

    >>> from dpo_mixture.notation import alpha, Z
    >>> latex(alpha / Z), latex(alpha / Z, inline=True)
    ('\\\\frac{\\\\alpha(x)}{Z(x)}', '\\\\alpha(x)/Z(x)')
    """
    return NotationPrinter(settings).doprint(expr)
