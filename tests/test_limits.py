"""The limit rules of the extended reals (proof/limits.py), without SymPy's limit."""

import pytest
import sympy as sp

from dpo_mixture.proof.kernel import KernelError, _limit_by_rules
from dpo_mixture.proof.limits import NoLimit, limit_at_zero

v = sp.Dummy("v", positive=True)


@pytest.mark.parametrize("expr, value", [
    (sp.exp(-1 / v) / v**5, 0),  # 0 * oo of positive factors, through logarithms
    ((1 + v) ** (1 / v), sp.E),  # 1 ** oo, through l'Hopital
    (1 / v - 1 / (v + v**2), 1),  # oo - oo as one quotient
    (sp.log(v) - 1 / v, -sp.oo),
    (v * sp.log(v), 0),
    ((sp.exp(v) - 1) / v, 1),
    (sp.Max(1 / v, 3), sp.oo),
    (sp.Min(sp.log(v), 2), -sp.oo),
    (sp.Abs(sp.log(v)), sp.oo),
    (sp.sqrt(v) * sp.log(v) ** 2, 0),
])
def test_a_limit_the_rules_decide(expr, value):
    assert limit_at_zero(expr, v) == value


@pytest.mark.parametrize("expr", [
    sp.Symbol("c_lim", real=True) / v,  # the sign of c decides
    sp.sin(1 / v),  # no rule for an oscillating function
    sp.log(v - v**2) / v,  # the sign rules do not show the logarithm's argument positive
])
def test_a_limit_the_rules_do_not_decide(expr):
    with pytest.raises(NoLimit):
        limit_at_zero(expr, v)


def test_the_variable_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        limit_at_zero(sp.Symbol("w_lim"), sp.Symbol("w_lim"))


def test_a_two_sided_limit_needs_both_sides_equal():
    x = sp.Symbol("x_lim", real=True)
    assert _limit_by_rules(x**2 + 1, x, sp.Integer(0), "+-") == 1
    with pytest.raises(KernelError, match="two sides"):
        _limit_by_rules(sp.exp(1 / x), x, sp.Integer(0), "+-")
    assert _limit_by_rules(sp.exp(1 / x), x, sp.Integer(0), "-") == 0


def test_a_limit_reads_a_strict_hypothesis_on_both_sides_of_the_claim():
    # review 52a F3: "c < 0" was substituted into the body only (the limit read -g against a
    # claimed c), and "0 < c" / "c > 0" were never read
    from dpo_mixture import Verdict, check_claim

    let = {"c": "scalar", "x": "temperature"}
    for claim, hypothesis in (("limit(x + c, x, 0) == c", "c < 0"), ("limit(exp(c/x) + c, x, 0) == c", "c < 0"),
                              ("limit(exp(-c/x), x, 0) == 0", "0 < c"), ("limit(exp(-c/x), x, 0) == 0", "c > 0")):
        assert check_claim(claim, assume=[hypothesis], let=let).verdict is Verdict.PROVED, (claim, hypothesis)
    # and a false one stays unproved with the hypothesis read
    assert check_claim("limit(exp(-c/x), x, 0) == 1", assume=["c > 0"], let=let).verdict is not Verdict.PROVED
