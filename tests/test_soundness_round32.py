"""Review round 32: exponents that add two shifted rewards go to log space (each peaks at its
own maximum, so every term could underflow), names a researcher writes (Q(s,a), p^*_A) are
accepted, and a cycle through a step's own definitions names the step."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from dpo_mixture import Definition, Derivation, Step, declare


def test_a_sum_of_two_shifted_rewards_does_not_underflow():
    """log sum_k e^{f(k) + g(k)} was summed as it stood after shifting f and g by their own
    maxima: -inf for f = (-800, 0), g = (0, -800), where the value is -799.31."""
    from dpo_mixture import numeric
    from dpo_mixture.notation import support_sum

    f, g, k = declare.reward("f_r32"), declare.reward("g_r32"), declare.index("k_r32")
    fn = numeric.compile(sp.log(support_sum(sp.exp(f[k] + g[k]), k)), name="lse2", backend="numpy")
    got = float(fn(np.array([-800.0, 0.0]), np.array([0.0, -800.0])))
    assert got == pytest.approx(-800.0 + float(sp.log(2)), rel=1e-14)
    assert float(fn(np.array([-1e6, 0.0, -1e6]), np.array([1e3, 2e3, 3e3]))) == pytest.approx(2000.0, rel=1e-14)


@pytest.mark.parametrize("name", ["Q(s,a)", "S(x)", "E(x)", "I(X)", "N(x)", "p^*_A", r"\pi^*_{\beta}", "theta^*_t"])
def test_names_a_researcher_writes_are_accepted(name):
    from dpo_mixture.proof.verify import plain_name_problem

    assert plain_name_problem(name) == ""


@pytest.mark.parametrize("name", ["gamma(t)", "O(n)", "Sigmoid(x)", "Sum(x)", "exp(1)", "sqrt(2)"])
def test_names_sympy_prints_for_an_expression_are_refused(name):
    from dpo_mixture.proof.verify import plain_name_problem

    assert "how SymPy prints" in plain_name_problem(name)


def test_a_cycle_through_a_steps_own_definitions_names_the_step():
    w, v = sp.Symbol("W_r32", positive=True), sp.Symbol("V_r32", positive=True)
    x = declare.scalar("x_r32")
    d = Derivation(id="c", title="t", steps=(
        Step("cyc", "", sp.Eq((x + 1) ** 2, x**2 + 2 * x + 1, evaluate=False), "x",
             facts=(Definition("W", w, v + 1), Definition("V", v, w))),))
    with pytest.raises(ValueError, match="step 'cyc'.*cycle"):
        d.check()
