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
    (sp.log(v - v**2) / v, -sp.oo),  # v - v^2 is positive near the point (not for every v > 0)
])
def test_a_limit_the_rules_decide(expr, value):
    assert limit_at_zero(expr, v) == value


@pytest.mark.parametrize("expr", [
    sp.Symbol("c_lim", real=True) / v,  # the sign of c decides
    sp.sin(1 / v),  # no rule for an oscillating function
    sp.log(v**2 - v) / v,  # the logarithm's argument is negative near the point
    sp.log(sp.Symbol("c_lim", real=True) - v) / v,  # nor shown positive (the sign of c decides)
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


@pytest.mark.parametrize("claim, let", [
    # review 52a F1: a two-sided limit whose body is undefined at the point itself
    ("limit((exp(x)-1)/x, x, 0) == 1", {"x": "scalar"}),
    ("limit((x-1)/log(x), x, 1) == 1", {"x": "temperature"}),
    ("limit((x-1)/(exp(x-1)-1), x, 1) == 1", {"x": "temperature"}),
    # review 52a F2: a quantity positive near the point only (1 - x as x -> 0+, alpha -> 1-)
    ("limit(log(1-x)/x, x, 0) == -1", {"x": "temperature"}),
    ("limit(log(1-x)/x, x, 0) == -1", {"x": "probability"}),
    ("limit(log(alpha)/(1-alpha), alpha, 1) == -1", {}),
    ("limit(x*log(x)/(1-x), x, 0) == 0", {"x": "temperature"}),
    ("limit(x*log(1-1/x), x, oo) == -1", {"x": "temperature"}),
    # x log x is nonzero near 0+ (the form brought to one fraction without expanding it shows it)
    ("limit((x**x-1)/(x*log(x)), x, 0) == 1", {"x": "temperature"}),
])
def test_a_limit_is_read_near_its_point_only(claim, let):
    from dpo_mixture import Verdict, check_claim

    assert check_claim(claim, let=let).verdict is Verdict.PROVED


@pytest.mark.parametrize("claim, let", [
    ("limit(log(1-x)/x, x, 0) == 1", {"x": "temperature"}),
    ("limit((exp(x)-1)/x, x, 0) == 2", {"x": "scalar"}),
    ("limit(log(x**2)/x, x, 0) == 0", {"x": "scalar"}),    # no limit: -oo from one side, oo from the other
    ("limit(log(1-2*x)/x, x, 0) == -1", {"x": "temperature"}),  # it is -2
])
def test_a_false_limit_near_its_point_is_not_proved(claim, let):
    from dpo_mixture import Verdict, check_claim

    assert check_claim(claim, let=let).verdict is not Verdict.PROVED


def test_near_the_point_each_variable_moves_on_its_own():
    # two limit variables are never tied to one side variable: x - y != 0 holds on the
    # diagonal x = y only when read wrongly (it is zero there)
    from dpo_mixture.proof.definedness import Condition
    from dpo_mixture.proof.kernel import _near_point

    x, y = sp.Symbol("x_np", real=True), sp.Symbol("y_np", real=True)
    c = Condition(x - y, "!=", bound=((x, sp.Integer(0), "+"), (y, sp.Integer(0), "+")))
    for way in _near_point(c)[1:]:
        assert all(len(f.free_symbols) == 2 for f in way), way


@pytest.mark.parametrize("claim", [
    # review 55b F2: a sign shown within a smaller distance than one, or once the numerator is expanded
    "limit(log(1-2*x)/x, x, 0) == -2", "limit(x*log(1-2/x), x, oo) == -2", "limit(log(1-x**2)/x**2, x, 0) == -1",
])
def test_a_limit_is_read_within_a_small_distance_of_its_point(claim):
    from dpo_mixture import Verdict, check_claim

    assert check_claim(claim, let={"x": "temperature"}).verdict is Verdict.PROVED


@pytest.mark.parametrize("claim, let", [
    # review 55b F1: SymPy cancelled log(-beta) - log(-beta) before any condition of it was asked
    ("limit(beta + log(-beta) - log(-beta), beta, 0) == 0", {}),
    ("limit(x + 0*log(-x), x, 0) == 0", {"x": "temperature"}),
    ("limit(x + log(x-2) - log(x-2), x, 0) == 0", {"x": "scalar"}),
])
def test_a_limit_whose_body_lost_a_condition_to_sympy_is_refused(claim, let):
    from dpo_mixture import check_claim

    with pytest.raises(ValueError, match="simplified"):
        check_claim(claim, let=let)
