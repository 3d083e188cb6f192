"""Review round 31: a name that SymPy prints like another expression (a substitution's point
named E is Euler's number to SymPy), a step's own definitions in the model the kernel reads,
and cyclic definitions."""

from __future__ import annotations

import pytest
import sympy as sp

from dpo_mixture import Definition, Derivation, Step, Verdict, declare
from dpo_mixture.proof.verify import name_clash


@pytest.mark.parametrize("name", ["E", "I", "pi", "oo", "nan", "EulerGamma", "sqrt(2)", "exp(1)", "log(2)", "x*y", "a,b"])
def test_a_name_that_prints_as_another_expression_is_refused(name):
    """Subs(x, x, Symbol("E")) == Subs(x, x, E) in SymPy: [x]_{x=E} + (s+1)^2 = [x]_{x=e} + ...
    was proved, false at E = 0."""
    x, s = declare.scalar("x_r31"), declare.scalar("s_r31")
    fake = sp.Symbol(name, real=True)
    claim = sp.Eq(sp.Subs(x, x, fake) + s**2 + 2 * s + 1, sp.Subs(x, x, sp.E) + (s + 1) ** 2, evaluate=False)
    assert "not named plainly" in (name_clash([claim]) or "")


@pytest.mark.parametrize("name", ["p_theta", r"m_{\mathcal{A}}", "y'", "p*", "L(h)", r"\ell(\theta)", "tau_0", "log2"])
def test_plain_names_are_accepted(name):
    from dpo_mixture.proof.verify import plain_name_problem

    assert plain_name_problem(name) == ""


def test_a_steps_own_definition_is_part_of_the_model_the_kernel_reads():
    """V := s^2 on the step itself: the search read it, the kernel's model did not, so a
    certificate without it read V as a constant inside [.]_{s=1}."""
    from dpo_mixture.proof import decide
    from dpo_mixture.proof.certificate import ProofCertificate
    from dpo_mixture.proof.strategies import Strategy

    s = declare.scalar("s_r31b")
    v = sp.Symbol("V_r31", positive=True)

    class Bare(Strategy):
        name = "bare"

        def propose(self, step, context):
            return ProofCertificate("normal-form", (), (), (), step.claim, tuple(context.goal.hypotheses))

    for claim in (sp.Eq(sp.Subs(v, s, 1), v, evaluate=False),
                  sp.Eq(sp.Subs(sp.exp(-sp.exp(10**8 - v)), s, 1), sp.exp(-sp.exp(10**8 - v)), evaluate=False)):
        step = Step("own", "", claim, "", facts=(Definition("V", v, s**2),), strategy=Bare())
        assert decide(step, samples=20, audit=0).verdict is not Verdict.PROVED


def test_cyclic_definitions_are_refused():
    w, v = sp.Symbol("W_r31", positive=True), sp.Symbol("V_r31c", positive=True)
    with pytest.raises(ValueError, match="cycle"):
        Derivation(id="c", title="t", context=(Definition("W", w, v + 1), Definition("V", v, w)),
                   steps=(Step("c1", "", sp.Eq(w, v + 1, evaluate=False), "x"),))


def test_log_partition_keeps_a_sum_whose_shifted_terms_all_underflow():
    """log p_ref = (-1600, 0), r = (0, -800): shifted by max r every term underflowed, and the
    in-place log-sum-exp took the log of the zeros back: -inf for log Z = -800."""
    import numpy as np

    from dpo_mixture import numeric

    for dtype, big in ((np.float64, 1600.0), (np.float32, 220.0)):
        got = numeric.log_partition(np.array([-big, 0.0], dtype), np.array([0.0, -big / 2], dtype), 1.0)
        assert float(got) == pytest.approx(-big / 2, rel=1e-6)


def test_a_declared_distribution_given_without_a_kind_is_checked_as_one():
    """numeric.compile read a declare.distribution passed by name as summing to one (to shift
    a reward) but never checked it: pi = (1, 2) gave 0 for a formula worth -2."""
    import numpy as np

    from dpo_mixture import numeric
    from dpo_mixture.notation import support_sum

    pi, f, k = declare.distribution("pi_r31"), declare.reward("f_r31"), declare.index("k_r31")
    var = numeric.compile(support_sum(pi[k] * f[k] ** 2, k) - support_sum(pi[k] * f[k], k) ** 2,
                          args=["pi_r31", "f_r31"], name="var")
    with pytest.raises(ValueError, match="sum to 1"):
        var(np.array([1.0, 2.0]), np.array([0.0, 1.0]))
    assert float(var(np.array([0.5, 0.5]), 1e8 + np.array([0.0, 1.0]))) == pytest.approx(0.25, rel=1e-12)


def test_eval_refuses_a_subnormal_number(capsys):
    from dpo_mixture.cli import main

    assert main(["eval", "--alpha", "7e-324", "--beta", "1", "--r", "0,1", "--p-A", "1/2,1/2", "--p-U", "1/2,1/2"]) == 2
    err = capsys.readouterr().err
    assert "normal range" in err and err.count("\n") == 1
