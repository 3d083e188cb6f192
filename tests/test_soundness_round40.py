"""Review round 40: a factor whose printed form has no closing delimiter (log a, d/dx f, lim f)
may not be followed by another factor unbracketed.  e^x d/dx(x^2) = 2x e^x was proved and
printed d/dx x^2 e^x = 2x e^x, whose usual reading is false; (log a) e^u < 0 was printed
log a e^u < 0, which reads log(a e^u) < 0."""

from __future__ import annotations

import sympy as sp

from dpo_mixture.render.printer import latex

x, u = sp.symbols("x u", real=True)
a, b = sp.symbols("a b", positive=True)
D = sp.Derivative(x**2, x, evaluate=False)


def test_a_derivative_comes_last_or_is_bracketed():
    assert latex(sp.exp(x) * D) == r"e^{x} \frac{d}{d x} x^{2}"
    assert latex(sp.Max(1, x) * D) == r"\max\left(1, x\right) \frac{d}{d x} x^{2}"
    two = latex(D * sp.Derivative(x**3, x, evaluate=False))
    assert two == r"\left(\frac{d}{d x} x^{2}\right) \frac{d}{d x} x^{3}"


def test_a_log_comes_last_or_is_bracketed():
    assert latex(sp.exp(u) * sp.log(a)) == r"e^{u} \log a"
    assert latex(sp.log(a) * sp.log(b)) == r"\log\left(a\right) \log b"
    assert latex(sp.log(a) * D) == r"\log\left(a\right) \frac{d}{d x} x^{2}"
    assert latex(sp.Abs(u) * sp.log(a)) == r"\left|{u}\right| \log a"


def test_an_inline_numerator_that_is_open_on_the_right_is_bracketed():
    assert latex(sp.log(a) / b, inline=True) == r"\left(\log a\right)/b"
    assert latex(D / b, inline=True) == r"\left(\frac{d}{d x} x^{2}\right)/b"
    assert latex(sp.exp(u) / sp.log(a), inline=True) == r"e^{u}/\log a"
    assert latex(a / b, inline=True) == "a/b"
