"""LaTeX in the seed's notation, by subclassing SymPy's :class:`~sympy.printing.latex.LatexPrinter`.

Nothing here edits printed strings: each kind of node has its own ``_print_<Class>`` method.

>>> from dpo_mixture.notation import p_ref, r, beta, y, Z, TPM_A, alpha
>>> latex(p_ref[y] * sp.exp(r[y] / beta) / Z)
'\\\\frac{p_{\\\\mathrm{ref}}(y|x) e^{r(y;x)/\\\\beta}}{Z(x)}'
>>> latex(sp.Ge(TPM_A, alpha))
'\\\\TPM(\\\\mathcal{A};x) \\\\geq \\\\alpha(x)'
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter

from ..notation import INDEXED_LATEX, LATEX_NAMES, n

__all__ = ["NotationPrinter", "latex", "MACROS"]

#: Operator names the documents declare: ``\\supp`` prints "supp" upright, and so on.
#: The paper declares them with ``\\DeclareMathOperator``, the blog page with ``\\newcommand``.
MACROS: dict[str, str] = {"supp": "supp", "TPM": "TPM", "unif": "unif", "card": "card", "KL": "KL"}


class NotationPrinter(LatexPrinter):
    """Prints symbols, entries over the support and sums the way the seed writes them."""

    printmethod = "_latex"
    _default_settings = {**LatexPrinter._default_settings, "mul_symbol": None}

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
            rank = 1 if base.name in ("alpha", "beta", "lambda", "t") else 1.5
        elif isinstance(base, sp.Add):
            rank = 2
        elif isinstance(base, sp.Indexed):
            rank = 3
        elif isinstance(base, sp.Sum):
            rank = 4
        elif isinstance(base, sp.exp):
            rank = 6
        else:
            rank = 5
        return (rank, sp.default_sort_key(f))

    def _print_product(self, factors: list[sp.Expr]) -> str:
        factors = sorted(factors, key=self._factor_rank)
        parts = []
        for i, f in enumerate(factors):
            tex = self._print(f)
            if len(factors) > 1 and self._needs_mul_brackets(f, first=(i == 0), last=(i == len(factors) - 1)):
                tex = r"\left(%s\right)" % tex
            parts.append(tex)
        return " ".join(parts)

    def _print_Mul(self, expr: sp.Mul) -> str:
        # Order factors as the seed does: numbers, scalars, entries over the support, sums,
        # then the exponential tilt, so p_ref(y|x) e^{r(y;x)/beta} reads left to right.
        coeff, rest = expr.as_coeff_Mul()
        if coeff.is_negative:
            return "- " + self._print(sp.Mul(-coeff, rest))
        num, den = sp.fraction(expr, exact=True)
        num_f = [] if num == 1 else list(sp.Mul.make_args(num))
        den_f = [] if den == 1 else list(sp.Mul.make_args(den))
        num_tex = self._print_product(num_f) if num_f else "1"
        if not den_f:
            return num_tex
        return r"\frac{%s}{%s}" % (num_tex, self._print_product(den_f))

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
            if isinstance(den, (sp.Add, sp.Mul)):
                den_tex = r"\left(%s\right)" % den_tex
            if isinstance(num, sp.Add):
                sign = ""
                if sp.Add.make_args(num)[0].could_extract_minus_sign():
                    sign, num = "-", -num
                inner = r"%s\left(%s\right)/%s" % (sign, self._print(num), den_tex)
            else:
                inner = "%s/%s" % (self._print(num), den_tex)
        else:
            inner = self._print(arg)
        tex = "e^{%s}" % inner
        return tex if exp is None else r"\left(%s\right)^{%s}" % (tex, exp)

    def _print_log(self, expr: sp.log, exp: str | None = None) -> str:
        arg = expr.args[0]
        inner = self._print(arg)
        if isinstance(arg, (sp.Symbol, sp.Indexed)) and not isinstance(arg, sp.Mul):
            tex = r"\log %s" % inner
        else:
            tex = r"\log\left(%s\right)" % inner
        return tex if exp is None else r"\log^{%s}\left(%s\right)" % (exp, inner)


def latex(expr: sp.Basic, **settings) -> str:
    """Print ``expr`` as LaTeX in the project's notation."""
    return NotationPrinter(settings).doprint(expr)
