"""Review round 22: a true statement refuted through the derivative of a kink, and exported code
that computed another function than its docstring states."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from dpo_mixture import Verdict, check_claim, declare, numeric
from dpo_mixture.notation import support_sum

p = declare.distribution("p_r22")
f = declare.vector("f_r22")
k = declare.index("k_r22")


def test_the_derivative_of_a_kink_is_not_evaluated_by_the_search():
    """max(s, s + a s^2, s + 2 a s^2) has slope 1 at s = 0 for every a; SymPy's formal
    derivative weighs three tied branches with Heaviside(0) = 1/2 and gives 3/2."""
    out = check_claim("diff(max(s, s + a*s**2, s + 2*a*s**2), s) == 1", ["s == 0"],
                      let={"s": "scalar", "a": "scalar"})
    assert out.verdict is not Verdict.REFUTED


P, F = np.array([0.25, 0.75]), np.array([1.5, 2.0])


@pytest.mark.parametrize("expr, exact", [
    (sp.sqrt(support_sum(p[k] * f[k] ** 2, k)), math.sqrt(0.25 * 1.5**2 + 0.75 * 2.0**2)),
    (support_sum(p[k] * sp.Rational(2, 3) ** f[k], k), 0.25 * (2 / 3) ** 1.5 + 0.75 * (2 / 3) ** 2),
    (sp.sqrt(2) * support_sum(p[k] * f[k], k), math.sqrt(2) * 1.875),
    (support_sum(p[k] * f[k], k) / sp.sqrt(2 * sp.pi), 1.875 / math.sqrt(2 * math.pi)),
    (sp.pi * support_sum(p[k] * f[k] ** sp.Rational(1, 3), k), math.pi * (0.25 * 1.5 ** (1 / 3) + 0.75 * 2 ** (1 / 3))),
])
@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_fractional_powers_and_constants_are_compiled_as_written(expr, exact, backend):
    """The NumPy code wrote sqrt(x) as x**1/2 (that is, x/2) and sqrt(2) as 1; torch failed on
    torch.sqrt(2)."""
    if backend == "torch":
        torch = pytest.importorskip("torch", reason="the torch extra is not installed")
        args = (torch.tensor(F), torch.tensor(P))
    else:
        args = (F, P)
    got = float(numeric.compile(expr, args=["f_r22", "p_r22"], backend=backend)(*args))
    assert got == pytest.approx(exact, rel=1e-14)


def test_a_complex_constant_is_refused():
    with pytest.raises(ValueError, match="not a real number"):
        numeric.compile(sp.sqrt(-4) * support_sum(p[k] * f[k], k))


@pytest.mark.parametrize("name", ["abs", "len", "max", "numpy", "torch"])
def test_a_compiled_function_may_not_take_a_name_its_code_uses(name):
    with pytest.raises(ValueError, match="name:"):
        numeric.compile(support_sum(p[k] * f[k], k), name=name)


def test_no_relation_says_a_limit_is_finite():
    """L = lim 1/x at 0+ is oo, and oo > 0: the hypothesis L > 0 made L + 1 > L "proved"."""
    from dpo_mixture.proof import Goal, ProofCertificate, check

    x = declare.scalar("x_r22", positive=True)
    limit = sp.Limit(1 / x, x, 0, "+")
    claim = sp.Gt(limit + 1, limit, evaluate=False)
    goal = Goal(claim, (sp.Gt(limit, 0, evaluate=False),))
    judgment = check(goal, ProofCertificate("normal-form", conclusion=claim, hypotheses=goal.hypotheses))
    assert judgment.verdict is not Verdict.PROVED and "finite" in judgment.reason


@pytest.mark.parametrize("x, c", [("w", -1), ("z", 1), ("w", 0)])
def test_a_relative_entropy_term_is_defined_only_where_its_arguments_allow(x, c):
    from dpo_mixture.model import RelEntr
    from dpo_mixture.proof import Goal, ProofCertificate, check

    value = {"w": declare.scalar("w_r22", nonnegative=True), "z": declare.scalar("z_r22")}[x]
    term = RelEntr(value, sp.Integer(c))
    claim = sp.Gt(term + 1, term, evaluate=False)
    judgment = check(Goal(claim), ProofCertificate("normal-form", conclusion=claim))
    assert judgment.verdict is not Verdict.PROVED and "definedness" in judgment.reason


def test_a_placeholder_output_is_read_at_every_output_when_its_values_are_checked():
    """Round 23: the vanishing rule's instances sat at the placeholder j, which a hypothesis
    names (v(j) > 0): the value 1/v(j) was checked defined there, then used at every output,
    where v may vanish.  It "proved" w(y)^2 = 0 from sum p (v w)^2 = 0 and v(j) > 0."""
    from dpo_mixture.notation import n, y
    from dpo_mixture.proof import Goal, Instance, ProofCertificate, check
    from dpo_mixture.proof.kernel import Lemma
    from dpo_mixture.proof.theory import Theory

    v, w, j = declare.vector("v_r23"), declare.vector("w_r23"), declare.index("j_r23")
    t, z = declare.scalar("t_r23"), declare.scalar("z_r23")
    i = sp.Symbol("i", integer=True, positive=True)
    square = sp.Ge(t**2, 0, evaluate=False)
    scaled, zero = sp.Eq((z * t) ** 2, 0, evaluate=False), sp.Eq(t**2, 0, evaluate=False)
    lemmas = {"sq": Lemma("sq", square, (), Theory(), Verdict.PROVED),
              "scaled": Lemma("scaled", scaled, (zero,), Theory(), Verdict.PROVED)}
    h1 = sp.Eq(sp.Sum(p[i] * (v[i] * w[i]) ** 2, (i, 1, n)), 0, evaluate=False)
    h2 = sp.Gt(v[j], 0, evaluate=False)
    claim = sp.Eq(w[y] ** 2, 0, evaluate=False)
    cert = ProofCertificate("vanishing",
                            instances=(Instance("sq", ((t, v[j] * w[j]),), at=j),
                                       Instance("scaled", ((z, 1 / v[j]), (t, v[j] * w[j])), at=j)),
                            data=(("index", j), ("factor", p[j])), conclusion=claim, hypotheses=(h1, h2))
    judgment = check(Goal(claim, (h1, h2)), cert, lemmas)
    assert judgment.verdict is not Verdict.PROVED and "definedness" in judgment.reason


def test_an_argument_may_not_take_a_name_the_generated_code_uses():
    """Round 23: an argument named _t0 was overwritten by the code's own temporary."""
    t0 = sp.Symbol("_t0", real=True)
    with pytest.raises(ValueError, match="args: '_t0'"):
        numeric.compile(t0 + support_sum(p[k] * f[k], k))
    with pytest.raises(ValueError, match="args: '_m0'"):
        numeric.compile(support_sum(p[k] * f[k], k), log_inputs={"p_r22": "_m0"})


@pytest.mark.parametrize("claim", [
    "limit(sigmoid(1/t), t, 0) == 1",       # from the left it tends to 0
    "limit(exp(-1/t), t, 0) == 0",
    "limit(exp(-1/(t - 1)), t, 1) == 0",
])
def test_a_claims_limit_inside_the_domain_is_two_sided(claim):
    assert check_claim(claim, let={"t": "scalar"}).verdict is not Verdict.PROVED


def test_worked_examples_and_the_papers_prose_name_as_the_rest_do(tmp_path):
    import subprocess
    import sys
    import textwrap

    module = tmp_path / "we.py"
    module.write_text(textwrap.dedent("""
        import sympy as sp
        from dpo_mixture import Derivation, Paper, Step, Verdict, WorkedExample, declare, prose
        u = declare.scalar("u_we", positive=True)
        CLAIM = Derivation("claim", "c", (Step("big", "", sp.Gt(u, 1), "", expected=Verdict.REFUTED),))
        def build(instance):
            other = sp.Symbol("u_we", negative=True)
            return Derivation("ex", "ex", (Step("ex-neg", "", sp.Lt(other + 1, 1, evaluate=False), ""),))
        DERIVATIONS = (CLAIM,)
        PAPER = Paper(title="W", authors=("X",), abstract=prose("A."),
                      examples=(WorkedExample("big", build, figure=False),), stem="w")
    """))
    done = subprocess.run([sys.executable, "-m", "dpo_mixture", "check", str(module)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 2 and "named u_we" in done.stderr
