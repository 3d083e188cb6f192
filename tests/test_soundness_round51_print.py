"""Review round 51 (51d F1, F8, F2): products and exponents that printed as another formula.

Each test here failed on the code before its fix (a7a3da4)."""

from __future__ import annotations

import re

import pytest
import sympy as sp

from dpo_mixture import declare
from dpo_mixture.model import Sigmoid
from dpo_mixture.notation import alpha, beta, lam, n, p_ref, r, y
from dpo_mixture.proof.verify import name_clash
from dpo_mixture.render.printer import latex

u = sp.Symbol("u_r51", real=True)
a, b, c = sp.symbols("a_r51 b_r51 c_r51", positive=True)
U = latex(u)


# --- F8: a number times a power of a number ---------------------------------------------------

@pytest.mark.parametrize("expr, shown", [
    (8 * 2**u, r"8 \cdot 2^{%s}" % U),  # was "8 2^{u}", typeset 82^u
    (2 * 3**u, r"2 \cdot 3^{%s}" % U),
    (5 * 2**(u + 1), r"5 \cdot 2^{%s + 1}" % U),
    (2 * 10**(-u), r"2 \cdot 10^{- %s}" % U),
    (-2 * 3**u, r"- 2 \cdot 3^{%s}" % U),
    (sp.Mul(2, sp.Pow(3, 2, evaluate=False), evaluate=False), r"2 \cdot 3^{2}"),
    (sp.Rational(3, 2) * 2**u, r"\frac{3 \cdot 2^{%s}}{2}" % U),  # in a fraction's numerator too
])
def test_a_number_before_a_factor_printed_with_a_digit_first_is_set_apart(expr, shown):
    assert latex(expr) == shown


def test_an_inline_numerator_sets_digits_apart_too():
    assert latex(sp.Rational(3, 2) * 2**u, inline=True) == r"3 \cdot 2^{%s}/2" % U


@pytest.mark.parametrize("expr", [
    8 * 2**u, 3 * 7**(u + 2) * u, sp.Rational(5, 3) * 10**u, 2 * 3**u * 5**u,
    sp.Mul(4, sp.Pow(2, 3, evaluate=False), sp.Pow(5, u), evaluate=False),
])
def test_no_product_prints_two_numbers_side_by_side(expr):
    for tex in (latex(expr), latex(expr, inline=True)):
        assert not re.search(r"\d\}* +\d", tex), tex


# --- F1: a name before a bracket ---------------------------------------------------------------

def test_a_scalar_times_a_bracket_never_prints_like_a_function_applied():
    s = sp.Symbol("sigma")
    claim = sp.Eq(s * (u + 3) - s * (u + 2) + Sigmoid(u), s * (u + 2) - s * (u + 1) + Sigmoid(u))
    tex = latex(claim)
    assert r"\sigma \left(" not in tex and r"\sigma \cdot \left(%s + 3\right)" % U in tex
    assert r"\sigma\left(%s\right)" % U in tex  # the sigmoid itself is applied


@pytest.mark.parametrize("expr, shown", [
    (sp.Symbol("sigma") * (u + 3), r"\sigma \cdot \left(%s + 3\right)" % U),
    (sp.Symbol("Gamma") ** 2 * (u + 1), r"\Gamma^{2} \cdot \left(%s + 1\right)" % U),  # as gamma(u + 1)**2 prints
    (sp.Symbol("zeta") * (u + 1) ** 2, r"\zeta \cdot \left(%s + 1\right)^{2}" % U),
    (a * (u + 1), r"%s \cdot \left(%s + 1\right)" % (latex(a), U)),
    (-sp.Symbol("W") * (u + 1), r"- W \cdot \left(%s + 1\right)" % U),
    (beta * (r[y] - 1), r"\beta \cdot \left(r(y;x) - 1\right)"),
])
def test_a_name_before_a_bracket_is_set_apart_by_a_dot(expr, shown):
    assert latex(expr) == shown


@pytest.mark.parametrize("expr, shown", [
    (sp.Mul(2, u + 1, evaluate=False), r"2 \left(%s + 1\right)" % U),                   # a number is no function
    (2**u * (u + 1), r"2^{%s} \left(%s + 1\right)" % (U, U)),
    (n * alpha * (1 - alpha), r"n \alpha(x) \left(1 - \alpha(x)\right)"),  # a closed value
    (p_ref[y] * (r[y] - 1), r"p_{\mathrm{ref}}(y \mid x) \left(r(y;x) - 1\right)"),
])
def test_only_a_name_before_a_bracket_gets_the_dot(expr, shown):
    assert latex(expr) == shown  # a number or a closed value before a bracket keeps its print
    assert latex(sp.Symbol("s_r51") * (u + 1)) == r"s_{r51} \cdot \left(%s + 1\right)" % U


@pytest.mark.parametrize("name", ["sigma", "Gamma", "zeta", "sin", "exp", "erf", "log", "ln", "max"])
def test_a_scalar_named_like_a_function_is_refused(name):
    s = sp.Symbol(name)
    why = name_clash([sp.Eq(s * (u + 3) - s * (u + 2), s * (u + 2) - s * (u + 1))])
    assert why is not None and "function" in why, why


def test_a_scalar_printed_as_an_upright_function_name_is_refused():
    log_ = declare.scalar("L_r51", latex=r"\operatorname{log}")
    why = name_clash([log_ * (u**2 + 3)])
    assert why is not None and "function" in why, why


@pytest.mark.parametrize("name, beside", [("theta", sp.Heaviside), ("W", sp.LambertW)])
def test_a_letter_is_refused_beside_a_function_printed_with_it(name, beside):
    s = sp.Symbol(name)
    assert name_clash([s * (u + 1)]) is None  # a common name alone
    why = name_clash([s * (u + 1) + beside(u)])
    assert why is not None and "function" in why, why


def test_the_package_names_are_not_refused_as_function_names_a_scalar_sigma_is():
    assert name_clash([beta * (u + 1), lam * (u + 2), n * alpha, Sigmoid(u)]) is None
    assert name_clash([beta * (u + 1), lam * (u + 2), sp.Symbol("sigma") * (u + 1)]) is not None


# --- F2: an exponent's inline fraction with a log in its numerator ------------------------------

@pytest.mark.parametrize("expr, shown", [
    (sp.exp(sp.log(a) / b), r"e^{\left(\log a_{r51}\right)/b_{r51}}"),  # was e^{\log a/b}: log(a/b)
    (sp.exp(-sp.log(a) / b), r"e^{- \left(\log a_{r51}\right)/b_{r51}}"),
    (sp.exp(u * sp.log(a) / b), r"e^{\left(%s \log a_{r51}\right)/b_{r51}}" % U),
    (sp.exp(sp.log(a * c) / b), r"e^{\left(\log\left(a_{r51} c_{r51}\right)\right)/b_{r51}}"),
])
def test_an_exponent_brackets_a_log_before_its_slash(expr, shown):
    assert latex(expr) == shown


def test_an_exponent_reads_as_the_inline_rule_of_a_product_says():
    # the same rule in and out of an exponent: (log a)/b
    inline = latex(sp.log(a) / b, inline=True)
    assert latex(sp.exp(sp.log(a) / b)) == "e^{%s}" % inline
    shown = latex(sp.exp(sp.log(a) / b) * sp.exp(sp.log(c) / b))
    assert not re.search(r"\\log [a-z_{}0-9]+/", shown), shown


def test_only_an_exponent_with_an_open_numerator_gets_brackets():
    assert latex(sp.exp(-u / b)) == r"e^{- %s/b_{r51}}" % U
    assert latex(p_ref[y] * sp.exp(r[y] / beta)) == r"p_{\mathrm{ref}}(y \mid x) e^{r(y;x)/\beta}"
    assert latex(sp.exp(-sp.log(u**2 + 1) / b)) == r"e^{- \left(\log\left(%s^{2} + 1\right)\right)/b_{r51}}" % U
