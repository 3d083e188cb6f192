"""Review round 21: what a user's module, claim or export could still show wrongly, each closed
in general (a limit's bound variable, derivatives at the end of a domain, statements the
documents present as results, prose, tables of a worked example, exported entries, exits)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import sympy as sp

from dpo_mixture import Definition, Derivation, Differentiate, Step, Verdict, check_claim, declare, numeric, prose
from dpo_mixture.notation import alpha, n, support_sum
from dpo_mixture.proof import Report

k = declare.index("k_r21")
j = declare.index("j_r21")


@pytest.mark.parametrize("claim, hypothesis, let", [
    ("s > 0", "limit(s*log(s), s, 0) == 0", {"s": "scalar"}),          # false at s = -1
    ("alpha > 1/2", "limit(log(alpha - 1/2), alpha, 1) == log(1/2)", None),
    ("beta > 1", "limit(log(beta - 1)/beta, beta, oo) == 0", None),
])
def test_a_limits_bound_variable_lends_no_condition_to_the_free_one(claim, hypothesis, let):
    assert check_claim(claim, [hypothesis], let=let).verdict is not Verdict.PROVED


x = declare.scalar("x_r21", positive=True)
w = declare.scalar("w_r21", nonnegative=True)
t = declare.scalar("t_r21", positive=True)


def _decided(claim):
    step = Step("d", "", claim, "", strategy=Differentiate())
    return Report.run([Derivation("r21-d", "d", (step,))]).result("d").outcome


@pytest.mark.parametrize("claim", [
    sp.Eq(sp.Subs(sp.Derivative(x ** sp.Rational(3, 2), x), x, 0), 0),   # real for x >= 0 only
    sp.Eq(sp.Subs(sp.Derivative(w ** sp.Rational(3, 2), w), w, 0), 0),
    sp.Eq(sp.Derivative(w ** sp.Rational(3, 2), w), sp.Rational(3, 2) * sp.sqrt(w)),  # also at w = 0
])
def test_a_derivative_at_the_end_of_its_domain_needs_the_function_beyond_it(claim):
    assert _decided(claim).verdict is not Verdict.PROVED


def test_a_derivative_at_the_end_of_its_domain_is_not_taken_even_for_a_smooth_function():
    """Round 29: SymPy builds the function with the domain's assumptions (|t| is t for t > 0),
    so no rule can tell a smooth function at the end from a kinked one; a real variable can."""
    claim = sp.Eq(sp.Subs(sp.Derivative(sp.exp(2 * t) + t**2, t), t, 0), 2)
    assert _decided(claim).verdict is not Verdict.PROVED
    s = declare.scalar("s_r21")
    assert _decided(sp.Eq(sp.Subs(sp.Derivative(sp.exp(2 * s) + s**2, s), s, 0), 2)).verdict is Verdict.PROVED


def test_a_statement_needs_a_step_or_a_definition_that_the_engine_checks():
    y_ = declare.index("y")
    step = Step("one", "", sp.Ge(x + 1, 1, evaluate=False), "")
    with pytest.raises(ValueError, match="nothing would check it"):  # a declared quantity is no fresh name
        Derivation("r21-a", "a", (step,), kind="Proposition", statement=(sp.Eq(alpha, 2, evaluate=False),))
    big = declare.scalar("W_r21", positive=True)
    context = (Definition("W is -1", big, sp.Integer(-1)),)
    with pytest.raises(ValueError, match="nothing would check it"):  # a definition against its declaration
        Derivation("r21-b", "b", (step,), kind="Proposition", context=context, statement=(context[0].relation,))
    z = declare.scalar("z_r21")
    under = Step("under", "", sp.Ge(z + 1, 2, evaluate=False), "", hypotheses=(sp.Ge(z, 1, evaluate=False),))
    with pytest.raises(ValueError, match="nothing would check it"):  # shown without its hypothesis
        Derivation("r21-c", "c", (under,), kind="Proposition", statement=(under.claim,))
    shown = Derivation("r21-d", "d", (under,), kind="Proposition", statement=(under.claim,),
                       statement_text=prose("If ", under.hypotheses[0], ", then"))
    assert shown.statement == (under.claim,)
    assert y_ is not None


def test_a_fresh_name_belongs_to_its_statement_alone():
    name = sp.Symbol("L_r21")
    named = Derivation("r21-e", "e", (Step("one", "", sp.Ge(x + 1, 1, evaluate=False), ""),),
                       statement=(sp.Eq(name, x + 1, evaluate=False),))
    other = Derivation("r21-f", "f", (Step("two", "", sp.Gt(name**2 + 1, 0, evaluate=False), ""),))
    with pytest.raises(ValueError, match="used elsewhere"):
        Report.run([named, other])


def test_a_result_whose_statement_is_not_proved_is_not_ok():
    z = declare.scalar("z2_r21")
    claim = sp.Ge(z**2, z)
    d = Derivation("r21-g", "g", (Step("hope", "", claim, "", expected=Verdict.REFUTED),), kind="Theorem",
                   statement=(claim,))
    report = Report.run([d])
    assert all(r.ok for r in report.all_results)  # the step's verdict is the one expected
    assert not report.ok and "Theorem 'r21-g'" in report.unproved_statements[0]


def test_prose_may_not_name_two_quantities_alike():
    from dpo_mixture.notation import beta

    mine = declare.scalar("beta", negative=True)
    d = Derivation("r21-h", "h", (Step("pos", "", sp.Gt(beta, 0, evaluate=False), ""),),
                   intro=prose("Let ", sp.Lt(mine, 0, evaluate=False), " be given."))
    with pytest.raises(ValueError, match="named beta"):
        Report.run([d])


@pytest.mark.parametrize("expr, why", [
    (lambda f, p: support_sum(p[k] * support_sum(p[j] * sp.exp(f[k] - f[j]), j), k), "innermost sum"),
    (lambda f, p: sp.exp(f[1]) / (sp.exp(f[1]) + sp.exp(f[2])), "fixed output"),
    (lambda f, p: n * support_sum(p[k] * f[k], k), "support size"),
])
def test_an_export_refuses_what_its_arrays_cannot_hold(expr, why):
    f, p = declare.vector("f_r21"), declare.distribution("p_r21")
    with pytest.raises(ValueError, match=why):
        numeric.compile(expr(f, p))


def _cli(tmp_path, source: str, *args: str):
    module = tmp_path / "module.py"
    module.write_text(textwrap.dedent(source))
    return subprocess.run([sys.executable, "-m", "dpo_mixture", *args, str(module)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)


@pytest.mark.parametrize("source", ["raise SystemExit(0)\n", "import sys\nsys.exit(3)\n", "DERIVATIONS = 5\n"])
def test_a_module_that_exits_or_misnames_its_derivations_is_one_line_exit_2(tmp_path, source):
    done = _cli(tmp_path, source, "check")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_step_the_second_process_cannot_read_is_searched_here(tmp_path):
    done = _cli(tmp_path, """
        import sympy as sp
        from dpo_mixture import Derivation, Step, Verdict, declare
        x = declare.scalar("x")
        DERIVATIONS = (Derivation("d", "d", (
            Step("imag", "", sp.Eq(sp.exp(sp.I * sp.pi * x), 1), "", expected=Verdict.UNDECIDED),
            Step("false", "", sp.Ge(x**2, x), "", expected=Verdict.REFUTED),
        )),)
    """, "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_a_worked_example_table_shows_what_its_header_names(tmp_path):
    done = _cli(tmp_path, """
        import sympy as sp
        from dpo_mixture import Derivation, Paper, Step, Verdict, WorkedExample, declare, prose
        pi, q = declare.distribution("pi_t"), declare.distribution("q_t")
        y = declare.index("y")
        CLAIM = Derivation("claim", "c", (Step("dominates", "", sp.Ge(pi[y], q[y]), "", expected=Verdict.REFUTED),))
        def build(instance):
            return Derivation("ex", "ex", (Step("ex-pos", "", sp.Gt(pi[y], 0, evaluate=False), ""),),
                              extras={"columns": ((q[y], pi[y], ()),)})
        DERIVATIONS = (CLAIM,)
        PAPER = Paper(title="W", authors=("X",), abstract=prose("A."),
                      examples=(WorkedExample("dominates", build, figure=False),), stem="w")
    """, "build", "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "column headed q_t[y] shows pi_t[y]" in done.stderr
