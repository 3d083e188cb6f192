"""Review round 29: substitutions and derivatives at the end of a domain (SymPy has built the
function with the domain's assumptions, so a kink is already gone), names that read as maths,
exact integers in the search, and the command line's status on an internal error."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

from dpo_mixture import Derivation, Step, Verdict, check_claim, declare
from dpo_mixture.cli import main
from dpo_mixture.proof import Differentiate, decide
from dpo_mixture.proof.search import Problem, search


def _cube(x):
    return sp.Derivative(x**3, x)


@pytest.mark.parametrize("body", [
    lambda x: sp.Heaviside(x) - sp.Heaviside(-x),  # built as 1 - 0 for x > 0; 0 at x = 0
    lambda x: sp.sign(x),  # built as 1; sign(0) = 0
])
def test_a_substitution_at_the_end_of_a_domain_is_refused_even_with_a_derivative_inside(body):
    """Round 28 still took the end x = 0 of x > 0 when the body held a derivative; the kinks
    were gone before the kernel looked, so [H(x) - H(-x) + d/dx x^3] at 0 = 1 was proved."""
    x = declare.scalar("x_r29", positive=True)
    z = declare.scalar("z_r29")
    for point, value in ((0, 1), ((z - sp.sqrt(2)) ** 2, 1 + 3 * (z - sp.sqrt(2)) ** 4)):
        claim = sp.Eq(sp.Subs(body(x) + _cube(x), x, point), value, evaluate=False)
        outcome = decide(Step("end", "", claim, ""), samples=0, audit=0)
        assert outcome.verdict is not Verdict.PROVED
        assert "lies in its domain" in outcome.method


@pytest.mark.parametrize("kink", [sp.Abs, lambda u: sp.Max(u, -u), lambda u: sp.sqrt(u**2), lambda u: sp.Max(u, 0),
                                  lambda u: sp.Min(u, 0) + u])
def test_a_derivative_at_the_closed_end_of_a_domain_is_not_proved(kink):
    """For u >= 0, SymPy builds |u|, max(u, -u), sqrt(u^2), ... as u, whose slope at 0 is 1; the
    two-sided slope there does not exist."""
    u = declare.scalar("u_r29", nonnegative=True)
    x = declare.scalar("x_r29b", positive=True)
    free = decide(Step("free", "", sp.Eq(sp.Derivative(kink(u), u), 1), "", strategy=Differentiate()), samples=0, audit=0)
    assert free.verdict is not Verdict.PROVED and "not inside the open domain" in free.method
    at_end = sp.Eq(sp.Subs(sp.Derivative(kink(x), x), x, 0), 1)
    assert decide(Step("at0", "", at_end, "", strategy=Differentiate()), samples=0, audit=0).verdict is not Verdict.PROVED


def test_a_derivative_inside_the_domain_is_still_proved():
    u = declare.scalar("u_r29c", nonnegative=True)
    x = declare.scalar("x_r29c", positive=True)
    s = declare.scalar("s_r29c")
    for claim in (sp.Eq(sp.Derivative(x**3, x), 3 * x**2),
                  sp.Eq(sp.Subs(sp.Derivative(sp.exp(2 * s), s), s, 0), 2),
                  sp.Eq(sp.Subs(sp.Derivative(u**3, u), u, 1), 3)):
        step = Step("in", "", claim, "", strategy=Differentiate())
        assert decide(step, samples=0, audit=0).verdict is Verdict.PROVED, claim


def test_the_search_does_not_read_a_collapsed_body_outside_its_variables_assumptions():
    """[H(x) + x] at x = 0 is 1/2; SymPy built the body as x + 1 for x > 0, and the exact search
    refuted the true statement with the value 1."""
    x = declare.scalar("x_r29d", positive=True)
    claim = sp.Eq(sp.Subs(sp.Heaviside(x) + x, x, 0), sp.Rational(1, 2), evaluate=False)
    assert decide(Step("half", "", claim, ""), samples=50, audit=0).verdict is not Verdict.REFUTED
    assert search(Problem(claim), samples=20).counterexample is None


@pytest.mark.parametrize("name", ["w - 1", "w + 1", "a*b", "a,b", "1/2 x"])
def test_a_symbol_named_like_an_expression_is_refused(name):
    """Symbol("w - 1", positive=True) printed as w - 1 > 0 [proved] beside a declared real w;
    and SymPy equates Subs(x, x, v) with Subs(x, x, w + 1) when v is named "w + 1"."""
    from dpo_mixture.proof.verify import name_clash

    w = declare.scalar("w")
    fake = sp.Symbol(name, positive=True)
    why = name_clash([sp.Gt(fake, 0, evaluate=False), w**2])
    assert "not a name" in why or "not named plainly" in why
    assert name_clash([sp.Gt(sp.Symbol("w_1", positive=True), 0, evaluate=False), w**2]) is None


def test_an_integer_tie_in_the_exact_search_is_no_crash():
    """exp(m) >= 1 + m for an integer m ties at m = 0; the exact search handed the integer 0
    to the exponential as a Python int and ended in a traceback (exit 1, read as refuted)."""
    verdict = check_claim("exp(m) >= 1 + m", let={"m": "integer"})
    assert verdict.verdict is not Verdict.REFUTED
    assert check_claim("exp(m) >= 2 + m", let={"m": "integer"}).verdict is Verdict.REFUTED


def test_an_internal_error_exits_4_with_one_line(monkeypatch, capsys):
    """A defect of the package never ends with a verdict's status (1 reads "refuted")."""
    import dpo_mixture.claims as claims

    def broken(*args, **kwargs):
        raise AttributeError("'int' object has no attribute 'is_number'")

    monkeypatch.setattr(claims, "check_claim", broken)
    assert main(["claim", "beta > 0"]) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" in err and "Traceback" not in err


def test_a_failed_build_leaves_no_folder_behind(tmp_path, monkeypatch):
    import dpo_mixture.cli.build as build_cli

    module = tmp_path / "m.py"
    module.write_text("import sympy as sp\nfrom dpo_mixture import Derivation, Step, declare\n"
                      "x = declare.scalar('x')\nDERIVATIONS = [Derivation(id='d', title='t', steps=("
                      "Step('s', 't', sp.Ge(x**2 + 1, x), 'x'),))]\n")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(build_cli, "run_report", broken)
    out = tmp_path / "out" / "nested"
    assert main(["build", str(module), "--out", str(out)]) == 4
    assert not out.exists()


def test_a_users_t_is_an_argument_of_a_compiled_function():
    """numeric.compile read any symbol t as the package's 1/beta: log E[exp(f/t)] was computed
    as log E[exp(f*t)] with an argument beta the user never wrote."""
    from dpo_mixture import numeric
    from dpo_mixture.notation import support_sum

    t = declare.temperature("t")
    pi, f, k = declare.distribution("pi_r29"), declare.reward("f_r29"), declare.index("k_r29")
    fn = numeric.compile(sp.log(support_sum(pi[k] * sp.exp(f[k] / t), k)), name="lse",
                         args=[("pi_r29", "dist"), ("f_r29", "reward"), ("t", "scale")])
    got = float(fn(np.array([0.5, 0.5]), np.array([0.0, 1.0]), 0.1))
    assert got == pytest.approx(float(sp.log((1 + sp.exp(10)) / 2)), rel=1e-14)


def test_a_shift_invariant_expression_of_a_reward_is_computed_shifted():
    """A plain variance of a reward offset by 1e8 came out 0 (or negative): the shift by the
    maximum was taken only for rewards inside an exponential."""
    from dpo_mixture import numeric
    from dpo_mixture.notation import support_sum

    pi, f, k = declare.distribution("pi_r29b"), declare.reward("f_r29b"), declare.index("k_r29b")
    var = numeric.compile(support_sum(pi[k] * f[k] ** 2, k) - support_sum(pi[k] * f[k], k) ** 2,
                          args=[("pi_r29b", "dist"), ("f_r29b", "reward")], name="var")
    p = np.array([0.25, 0.5, 0.25])
    for offset in (0.0, 1e4, 1e8, 1e12):
        assert float(var(p, offset + np.array([0.0, 1.0, 2.0]))) == pytest.approx(0.5, rel=1e-12)
    # a sum of squares is not invariant: it is computed as written
    sq = numeric.compile(support_sum(f[k] ** 2, k), args=[("f_r29b", "reward")], name="sq")
    assert float(sq(np.array([1.0, 2.0]))) == 5.0


def test_eval_refuses_an_alpha_whose_complement_float64_cannot_keep(capsys):
    args = ["eval", "--beta", "1/100", "--r", "0,1", "--p-A", "1,0", "--p-U", "0,1", "--json"]
    assert main([*args, "--alpha", "0.9999999999999999"]) == 2
    err = capsys.readouterr().err
    assert "1 - alpha" in err and err.count("\n") == 1
    assert main([*args, "--alpha", "0.999999"]) == 0
    assert json.loads(capsys.readouterr().out)["instance"]["alpha"] == "999999/1000000"
