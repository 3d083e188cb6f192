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
