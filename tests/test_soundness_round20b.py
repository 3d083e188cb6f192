"""Review round 20, honest entry points: what a user's module or claim could reach, each closed
in general (names that print alike, unchecked statements, definedness of hypotheses and of
derivatives, the printing of maxima, a step's own support)."""

from __future__ import annotations

import pytest
import sympy as sp

from dpo_mixture import Derivation, Differentiate, Step, Verdict, check_claim, declare
from dpo_mixture.model import SupportMax
from dpo_mixture.notation import beta, r, support_sum
from dpo_mixture.proof import Report
from dpo_mixture.render.printer import latex

k = declare.index("k_r20b")


def test_a_module_naming_two_quantities_alike_is_refused():
    """A user's distribution named r beside the package's reward: the paper would show a
    statement about one r, proved about the other."""
    rd = declare.distribution("r")
    d = Derivation("r20b-names", "names", (
        Step("r-pos", "", sp.Gt(support_sum(rd[k] * sp.exp(r[k]), k), 0, evaluate=False), ""),
    ))
    with pytest.raises(ValueError, match="two different quantities are named r"):
        Report.run([d])


def test_a_module_printing_two_quantities_alike_is_refused():
    c = declare.probability("c_r20b", latex=r"\beta")
    d = Derivation("r20b-print", "print", (Step("c-beta", "", sp.Lt(c * beta, beta), ""),))
    with pytest.raises(ValueError, match=r"print as \\beta"):
        Report.run([d])


def test_a_claim_naming_two_quantities_alike_is_refused():
    with pytest.raises(ValueError, match="named beta"):
        check_claim(sp.Lt(declare.probability("beta") * beta, beta))


def test_a_statement_that_no_step_checks_is_refused():
    pi, f = declare.distribution("pi_r20b"), declare.reward("f_r20b")
    false = sp.Ge(support_sum(pi[k] * f[k], k), support_sum(f[k], k))
    linear = sp.Eq(support_sum(pi[k] * (f[k] + 1), k), support_sum(pi[k] * f[k], k) + support_sum(pi[k], k))
    step = Step("split", "", linear, "linearity")
    with pytest.raises(ValueError, match="nothing would check it"):
        Derivation("r20b-stmt", "stmt", (step,), kind="Proposition", statement=(false,))
    assert Derivation("r20b-ok", "ok", (step,), kind="Proposition", statement=(linear,)).statement == (linear,)
    fresh = sp.Eq(sp.Symbol("L_r20b"), support_sum(pi[k] * f[k], k), evaluate=False)  # naming an expression
    assert Derivation("r20b-name", "name", (step,), statement=(fresh,)).statement == (fresh,)


@pytest.mark.parametrize("claim, hypothesis, let", [
    ("p_A > 0", "p_A/p_A == 1", None),                 # 0/0 where p_A vanishes: not an instance
    ("x**2 > 0", "x*(1/x) == 1", {"x": "scalar"}),
    ("x > 0", "exp(log(x)) == x", {"x": "scalar"}),
    ("x > 0", "0*log(x) == 0", {"x": "scalar"}),
])
def test_a_hypothesis_holds_only_where_it_is_defined(claim, hypothesis, let):
    """SymPy simplifies p_A/p_A to 1 while the text is read; the condition recorded then keeps
    the search off the points where the hypothesis is undefined (each claim is true)."""
    assert check_claim(claim, [hypothesis], let=let).verdict is not Verdict.REFUTED


def test_a_claim_is_not_refuted_where_it_is_undefined():
    assert check_claim("x*(1/x)*x**2 > 0", let={"x": "scalar"}).verdict is Verdict.UNDECIDED


x = declare.scalar("x_r20b")


@pytest.mark.parametrize("f, value", [
    ((2 * x - x**2 - 1) ** sp.Rational(3, 2), 0),          # real at x = 1 alone
    ((2 * x - x**2 - 1) ** sp.Rational(3, 2) + 5 * x, 5),
    ((1 - x) ** sp.Rational(3, 2), 0),                     # real on the left of 1 only
])
def test_a_derivative_needs_its_function_defined_around_the_point(f, value):
    step = Step("d", "", sp.Eq(sp.Subs(sp.Derivative(f, x), x, 1), value), "", strategy=Differentiate())
    report = Report.run([Derivation("r20b-d", "d", (step,))])
    outcome = report.result("d").outcome
    assert outcome.verdict is not Verdict.PROVED
    assert "definedness" in outcome.method


def test_a_derivative_defined_everywhere_is_still_proved():
    step = Step("d", "", sp.Eq(sp.Subs(sp.Derivative(x**3 + sp.exp(x), x), x, 1), 3 + sp.E), "",
                strategy=Differentiate())
    assert Report.run([Derivation("r20b-d2", "d", (step,))]).result("d").outcome.verdict is Verdict.PROVED


def test_a_hypothesis_at_a_point_does_not_define_a_derivative_around_it():
    out = check_claim("diff((2*s - s**2 - 1)**(3/2), s) == (3 - 3*s)*(2*s - s**2 - 1)**(1/2)",
                      ["2*s - s**2 - 1 >= 0"], let={"s": "scalar"})
    assert out.verdict is not Verdict.PROVED


def test_the_body_of_a_max_is_bracketed_and_its_power_printed():
    h1, h2 = declare.vector("h1_r20b"), declare.vector("h2_r20b")
    j = declare.index("j_r20b")
    outside, inside = SupportMax(h1[k], k) + h2[k], SupportMax(h1[k] + h2[k], k)
    product, nested = SupportMax(h1[k], k) * SupportMax(h2[j], j), SupportMax(h1[k] * SupportMax(h2[j], j), k)
    assert latex(outside) != latex(inside)
    assert latex(product) != latex(nested)
    assert latex(SupportMax(h1[k], k) ** 2).endswith("^{2}")


def test_a_steps_own_support_neither_crashes_nor_narrows_its_audit():
    q1, q2 = declare.distribution("q1_r20b", zeros=True), declare.distribution("q2_r20b", zeros=True)
    lam = declare.probability("l_lam20b")
    mix = declare.vector("P_r20b", positive=True)
    from dpo_mixture import Definition

    context = (Definition("the mixture", mix[k], lam * q1[k] + (1 - lam) * q2[k]),)
    step = Step("q1-pos", "", sp.Gt(q1[k], 0), "", support=sp.Integer(1), expected=Verdict.REFUTED)
    report = Report.run([Derivation("r20b-support", "support", (step,), context=context)])
    assert report.result("q1-pos").outcome.verdict is Verdict.REFUTED
