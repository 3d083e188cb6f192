"""Review round 30: a substitution reads the model's definitions as abbreviations (a quantity
defined through the substitution's variable is a function of it), the certified search reads
substitutions, the numeric shift reads the kinds that declare gave, eval keeps the rewards'
differences, and a kernel message never spans lines."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from dpo_mixture import Definition, Derivation, Step, Verdict, declare
from dpo_mixture.cli import main
from dpo_mixture.notation import support_sum
from dpo_mixture.proof import decide
from dpo_mixture.proof.certificate import ProofCertificate
from dpo_mixture.proof.kernel import Goal, check
from dpo_mixture.proof.theory import Theory


def _tilted_partition(tag):
    pi, r, k = declare.distribution(f"pi_{tag}"), declare.reward(f"r_{tag}"), declare.index(f"k_{tag}")
    t = declare.scalar(f"t_{tag}", positive=True)
    z = declare.scalar(f"Z_{tag}", positive=True)
    return t, z, Definition("the partition function", z, support_sum(pi[k] * sp.exp(t * r[k]), k))


@pytest.mark.parametrize("body", [lambda t, z: sp.Derivative(sp.log(z), t), lambda t, z: sp.Derivative(z, t)])
def test_a_defined_quantity_is_a_function_of_the_substitutions_variable(body):
    """With Z := sum pi e^{t r} in the context and no facts on the step, the normal form took the
    derivative inside [.]_{t=1} with Z a constant: [d/dt log Z]_{t=1} = 0 was proved, by the
    kernel and in a report that verify re-checked."""
    t, z, definition = _tilted_partition("r30")
    claim = sp.Eq(sp.Subs(body(t, z), t, 1), 0, evaluate=False)
    goal = Goal(claim, theory=Theory.of((definition,)))
    judgment = check(goal, ProofCertificate("normal-form", conclusion=claim))
    assert judgment.verdict is not Verdict.PROVED
    d = Derivation(id="flat", title="t", context=(definition,), steps=(Step("flat", "", claim, "x"),))
    (result,) = d.check()
    assert result.outcome.verdict is Verdict.REFUTED  # the certified search reads the substitution


def test_a_substitution_into_a_defined_quantity_without_a_derivative():
    s, w = declare.scalar("s_r30", positive=True), declare.scalar("W_r30", positive=True)
    definition = Definition("the square", w, s**2)
    for claim in (sp.Eq(sp.Subs(w, s, 1), w, evaluate=False), sp.Eq(sp.Subs(w + s, s, 1), w + 1, evaluate=False)):
        goal = Goal(claim, theory=Theory.of((definition,)))
        assert check(goal, ProofCertificate("normal-form", conclusion=claim)).verdict is not Verdict.PROVED
    true = sp.Eq(sp.Subs(w + s, s, 2), 6, evaluate=False)  # W(2) + 2
    assert check(Goal(true, theory=Theory.of((definition,))),
                 ProofCertificate("normal-form", conclusion=true)).verdict is Verdict.PROVED


def test_a_derived_quantity_nothing_defines_is_not_read_inside_a_substitution():
    """The package's Z is declared derived; with no definition in the model, [dZ/dbeta]_{beta=1}
    read as 0."""
    from dpo_mixture.notation import Z, beta

    claim = sp.Eq(sp.Subs(sp.Derivative(Z, beta), beta, 1), 0, evaluate=False)
    judgment = check(Goal(claim), ProofCertificate("normal-form", conclusion=claim))
    assert judgment.verdict is not Verdict.PROVED and "nothing defines it" in judgment.reason


def test_a_kernel_message_is_one_line():
    from dpo_mixture import check_claim

    verdict = check_claim("limit(diff(log(Z), beta)*beta**2, beta, oo) == -E(p_ref, r)")
    assert verdict.verdict is Verdict.UNDECIDED and "\n" not in verdict.method


def test_the_shift_reads_the_kinds_that_declare_gave():
    """The plain variance was shifted only with explicit ("dist", "reward") kinds: with plain
    names, default args or log weights it was 0 (or -2) at a reward offset of 1e8."""
    from dpo_mixture import numeric

    pi, f, k = declare.distribution("pi_r30b"), declare.reward("f_r30b"), declare.index("k_r30b")
    var = support_sum(pi[k] * f[k] ** 2, k) - support_sum(pi[k] * f[k], k) ** 2
    p, x = np.array([0.25, 0.5, 0.25]), 1e8 + np.array([0.0, 1.0, 2.0])
    for fn, weights in ((numeric.compile(var, args=["pi_r30b", "f_r30b"], name="v1"), p),
                        (numeric.compile(var, name="v2"), None),
                        (numeric.compile(var, args=[("log_pi", "logdist"), ("f_r30b", "reward")], name="v3",
                                         log_inputs={"pi_r30b": "log_pi"}), np.log(p))):
        got = fn(f_r30b=x, pi_r30b=p) if weights is None else fn(weights, x)
        assert float(got) == pytest.approx(0.5, rel=1e-12)


def test_eval_refuses_rewards_whose_differences_float64_cannot_keep(capsys):
    base = ["eval", "--alpha", "1/2", "--p-A", "1,0", "--p-U", "0,1"]
    assert main([*base, "--beta", "1", "--r", "100000000000000000001,100000000000000000000"]) == 2
    err = capsys.readouterr().err
    assert "(r - max r)/beta" in err and err.count("\n") == 1
    assert main([*base, "--beta", "1/4", "--r", "exp(1),sqrt(2)"]) == 0
