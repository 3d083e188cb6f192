"""A second adversarial review: false statements it once got reported as proved (and the
documents it once got to show as proved).  Each case is false or undefined; none may come back
proved, through any entry point.  A satisfiable hypothesis the search never meets (``s**2 = 2``,
whose solutions are irrational) hides a case from the audit, so the kernel alone must refuse it."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest
import sympy as sp

from dpo_mixture import declare
from dpo_mixture.notation import DeclaredSymbol, Domain, beta, n, p_A, r, support_sum, y
from dpo_mixture.proof import (
    Certificate, ConvexMinimum, Definition, Derivation, Differentiate, ExtremumBound, Identity, LimitOf, Report,
    Step, Verdict, decide,
)
from dpo_mixture.proof.normal_form import _POOL

a = sp.Symbol("a", real=True)
x = sp.Symbol("x", real=True)
s = sp.Symbol("s", real=True)
BLIND = (sp.Eq(s**2, 2),)


def outcome(step, context=()):
    return decide(step, context=context)


def results(*steps, context=()):
    report = Report.run([Derivation("round2", "round two", tuple(steps), context=context)], parallel=False)
    return {res.step.id: res for res in report.all_results}


# --- F01: substitution never enters a binder whose variable it would capture --------------------
@pytest.mark.parametrize("claim", [
    sp.Eq(sp.Limit(a / x, x, sp.oo), sp.Limit(sp.Integer(1), x, sp.oo)),       # 0 = 1 under a = x
    sp.Eq(sp.Subs(a * x, x, 1), sp.Subs(x**2, x, 1)),                          # a = 1 under a = x
    sp.Eq(sp.Derivative(a * x, x), sp.Derivative(x**2, x)),                    # a = 2x under a = x
])
def test_a_hypothesis_is_not_substituted_into_a_bound_variable(claim):
    out = outcome(Step("capture", "", claim, "", hypotheses=(sp.Eq(a, x),) + BLIND, search_samples=20))
    assert out.verdict is not Verdict.PROVED, out.method


def test_a_lemma_instance_does_not_capture_a_limit_variable():
    res = results(
        Step("lemma", "", sp.Eq(sp.Limit(a / x, x, sp.oo), 0), "", strategy=LimitOf(), search_samples=10),
        Step("bad", "", sp.Eq(sp.Limit(sp.Integer(1), x, sp.oo), 0), "", given=("lemma",), instantiate={a: x},
             strategy=Certificate((1,)), search_samples=10),
    )
    assert res["lemma"].outcome.verdict is Verdict.PROVED  # the lemma itself is true
    assert res["bad"].outcome.verdict is not Verdict.PROVED


def test_the_claim_command_does_not_capture_a_limit_variable():
    from dpo_mixture import check_claim

    res = check_claim("limit(alpha/beta, beta, oo) == limit(beta/beta, beta, oo)", assume=["alpha == beta"], samples=20)
    assert res.verdict is not Verdict.PROVED


# --- F02: only a mixture of nonnegative vectors may say where the support is ------------------
def test_a_positivity_declaration_the_definition_misses_is_not_an_axiom():
    R = declare.reward("R_round2")
    w = declare.vector("w_round2", positive=True)
    ctx = (Definition("w := R^2 + R^4", w[y], R[y] ** 2 + R[y] ** 4),)
    out = outcome(Step("sq", "", sp.Gt(R[y] ** 2 + R[y] ** 4, 0, evaluate=False), "", search_samples=30), ctx)
    assert out.verdict is Verdict.REFUTED  # R(y) = 0 is an output like any other


# --- F03: verify ties what a report shows to what it checks -------------------------------------
@pytest.fixture(scope="module")
def small_report():
    step = Step("b", "", sp.Gt(beta + 1, 1, evaluate=False), "", search_samples=10)
    return Report.run([Derivation("d", "d", (step,))], parallel=False).to_json()


def _forged(base, sid, claim, theory=()):
    from dpo_mixture.proof.certificate import fact_to_json
    from dpo_mixture.proof.serial import dumps
    from dpo_mixture.render.printer import latex

    step = copy.deepcopy(base["steps"][0])
    step["id"] = sid
    step["goal"]["claim"] = step["certificate"]["conclusion"] = dumps(claim)
    step["goal"]["theory"] = step["certificate"]["facts"] = [fact_to_json(d) for d in theory]
    step["statement"] = latex(claim)
    return step


def test_verify_refuses_a_hidden_model_definition(small_report):
    from dpo_mixture.proof.verify import verify_report

    forged = _forged(small_report, "beta-one", sp.Eq(beta, 1), (Definition("beta := 1", beta, sp.Integer(1)),))
    (res,) = verify_report(dict(small_report, steps=[forged]))
    assert not res.ok and "model" in res.detail


def test_verify_refuses_a_symbol_that_prints_like_the_packages_but_means_more(small_report):
    from dpo_mixture.proof.verify import verify_report

    r_pos = sp.IndexedBase(DeclaredSymbol("r", "REAL_VECTOR", positive=True))
    forged = _forged(small_report, "r-positive", sp.Gt(r_pos[y], 0, evaluate=False))
    (res,) = verify_report(dict(small_report, steps=[forged]))
    assert not res.ok and "not the package's r" in res.detail


def test_a_report_cannot_print_the_packages_names_its_own_way(small_report):
    from dpo_mixture.proof.verify import verify_report

    with pytest.raises(ValueError, match="prints 'beta'"):
        verify_report(dict(small_report, notation={"beta": {"latex": "1"}}))


def test_a_declared_quantity_carries_no_sign_its_declaration_does_not_give(small_report):
    from dpo_mixture.proof.serial import dumps
    from dpo_mixture.proof.verify import verify_report

    R = sp.IndexedBase(DeclaredSymbol("R_forged", "REAL_VECTOR", positive=True))
    forged = _forged(small_report, "R-positive", sp.Gt(R[y], 0, evaluate=False))
    data = dict(small_report, steps=[forged], declarations=[[dumps(R), "REAL_VECTOR"]])
    (res,) = verify_report(data)
    assert not res.ok and "does not give" in res.detail


def test_the_packages_report_verifies_in_a_fresh_interpreter(tmp_path):
    from dpo_mixture.derivations import all_derivations

    path = tmp_path / "report.json"
    path.write_text(json.dumps(Report.run(all_derivations()[:1]).to_json()))
    done = subprocess.run([sys.executable, "-m", "dpo_mixture", "verify", str(path)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 failed" in done.stdout


# --- F04: a user's function class in the model is as opaque as in a statement ------------------
class _Sq(sp.Function):
    """x**2 numerically, with a wrong derivative."""

    is_real = True

    def fdiff(self, argindex=1):
        return sp.Integer(0)


def test_a_function_class_in_the_model_keeps_none_of_its_rules():
    W = sp.Symbol("W_round2", real=True)
    ctx = (Definition("W := Sq(x)", W, _Sq(x)),)
    out = outcome(Step("dW", "", sp.Eq(sp.Derivative(W, x), 0), "", strategy=Differentiate(), search_samples=10), ctx)
    assert out.verdict is not Verdict.PROVED


# --- F05: a display chain is checked whatever the rule ------------------------------------------
@pytest.mark.parametrize("claim, chain, strategy", [
    (sp.Gt(beta + 1, 1, evaluate=False), (sp.Integer(42),), Certificate(())),
    (sp.Le(sp.log(sp.Symbol("x", positive=True)), sp.Symbol("x", positive=True) - 1), (sp.Integer(-5),),
     ConvexMinimum(sp.Symbol("x", positive=True))),
])
def test_a_false_link_of_a_display_chain_is_never_shown_proved(claim, chain, strategy):
    out = outcome(Step("chain", "", claim, "", chain=chain, strategy=strategy, search_samples=10))
    assert out.verdict is not Verdict.PROVED


# --- F06: a definition defines a symbol or every entry, nothing in between ----------------------
def test_a_definition_of_one_entry_is_refused_with_a_clear_error():
    w = sp.IndexedBase("w_round2")
    with pytest.raises(ValueError, match="target must be a symbol or an entry"):
        Definition("w(1) := 5", w[1], sp.Integer(5))


# --- F07: a step's definition of a model variable is not free; a blind audit says so -----------
def test_a_step_cannot_fix_a_variable_the_model_speaks_of():
    t = sp.Symbol("t_round2", positive=True)
    W = sp.Symbol("W_round2b", positive=True)
    model = (Definition("W := t + 1", W, t + 1),)
    step = Step("W2", "", sp.Eq(W, 2), "", facts=model + (Definition("t := 1", t, sp.Integer(1)),), hypotheses=BLIND,
                search_samples=20)
    out = outcome(step, model)
    assert out.verdict is not Verdict.PROVED and any("t := 1" in a for a in out.assumed)


def test_an_audit_that_met_no_hypothesis_says_it_audited_nothing():
    res = results(Step("blind", "", sp.Gt(beta + 1, beta, evaluate=False), "", hypotheses=BLIND, search_samples=20))
    out = res["blind"].outcome
    assert out.verdict is Verdict.PROVED and "not audited" in out.method


# --- F08: what a definition divides by must be nonzero ------------------------------------------
def test_the_side_conditions_of_a_definition_are_obligations():
    W = sp.Symbol("W_round2c", real=True)
    ctx = (Definition("W := 1/(x - 1)", W, 1 / (x - 1)),)
    out = outcome(Step("Wx", "", sp.Eq(W * (x - 1), 1), "", facts=ctx, search_samples=10), ctx)
    assert out.verdict is not Verdict.PROVED and "x - 1" in out.method


# --- F09, F12: bound indices carry no facts of their own and cannot be forged -------------------
def test_a_summation_index_with_assumptions_of_its_own_is_refused():
    k = sp.Symbol("k", integer=True, composite=True)  # SymPy reads composite as k >= 4
    total = sp.Sum(k - 3, (k, 1, n))  # -3 at n = 2, 0 at n = 5
    claims = [sp.Gt(total, 0, evaluate=False), sp.Eq(sp.Mul(total, sp.Pow(total, -1, evaluate=False), evaluate=False), 1, evaluate=False)]
    for claim in claims:  # refused when built since round 25 (an assumption beyond the domain)
        with pytest.raises(ValueError, match="beyond its domain"):
            Step("S", "", claim, "", hypotheses=BLIND, search_samples=10)


def test_a_normal_forms_own_bound_index_cannot_appear_free():
    k = sp.Symbol("k", integer=True, positive=True)
    claim = sp.Eq(sp.Sum(r[_POOL[0]] * r[k], (k, 1, n)), sp.Sum(r[k] ** 2, (k, 1, n)))
    assert outcome(Step("forged", "", claim, "", search_samples=10)).verdict is not Verdict.PROVED


# --- F10: a positive-integer scalar is not an output ----------------------------------------------
def test_a_positive_integer_scalar_is_not_an_output_of_the_support():
    from dpo_mixture.model import SupportMax

    m = declare.scalar("m_round2", positive=True, integer=True)
    k = sp.Symbol("k", integer=True, positive=True)
    claim = sp.Ge(SupportMax(k, k), m)  # n >= m for every positive integer m: false
    out = outcome(Step("n-m", "", claim, "", strategy=ExtremumBound(m), hypotheses=BLIND, search_samples=10))
    assert out.verdict is not Verdict.PROVED


# --- F11: a domain override is a visible hypothesis, and never drops an assumption -------------
def test_an_override_that_drops_an_assumption_is_refused():
    xp = sp.Symbol("x", positive=True)
    out = outcome(Step("x3", "", sp.Ge(xp**3 - 3 * xp + 2, 0), "", domains={xp: Domain.REAL},
                       strategy=ConvexMinimum(xp), hypotheses=BLIND, search_samples=10))
    assert out.verdict is not Verdict.PROVED


def test_an_override_that_narrows_is_shown_as_assumed():
    step = Step("r1", "", sp.Eq(support_sum(r[y]), 1), "", facts=(Identity("r sums to one", support_sum(r[y]), 1),),
                domains={r: Domain.DISTRIBUTION}, search_samples=10)
    out = outcome(step)
    assert out.verdict is Verdict.ASSUMED and any("distribution" in why for why in out.assumed)


# --- F13: a substitution's conditions hold at its point -----------------------------------------
def test_definedness_inside_subs_is_checked_at_the_point():
    xp = sp.Symbol("x", positive=True)
    claim = sp.Le(sp.Subs(sp.log(xp), xp, 0), sp.Subs(sp.log(xp), xp, 0) + 1)  # log 0
    assert outcome(Step("subs", "", claim, "", search_samples=10)).verdict is not Verdict.PROVED


# --- lesser findings ------------------------------------------------------------------------------
def test_a_let_name_cannot_shadow_the_output(capsys):
    from dpo_mixture.cli import main

    assert main(["claim", "r*y >= 0", "--let", "y:scalar"]) == 2
    assert "names the output y" in capsys.readouterr().err


def test_a_huge_integer_is_reported_in_words():
    out = outcome(Step("big", "", sp.Gt(sp.Integer(7) ** 6000 + beta, beta, evaluate=False), "", search_samples=2))
    assert out.verdict is not Verdict.PROVED
    assert "set_int_max_str_digits" not in out.method and "digits" in out.method


def test_the_search_draws_a_single_output_too():
    from dpo_mixture import check_claim

    res = check_claim("max(p_ref) < 1", samples=100)  # false only at n = 1
    assert res.verdict is Verdict.REFUTED


# --- round three ---------------------------------------------------------------------------------
def test_a_substitution_of_several_variables_is_simultaneous_or_refused():
    z = sp.Symbol("z", real=True)
    for claim in (sp.Eq(sp.Derivative(sp.Subs(x**2 * z, (x, z), (z, 1)), z), 0),   # 2z, not 0
                  sp.Eq(sp.Derivative(sp.Subs(x - z, (x, z), (z, x)), x), 0)):      # -1, not 0
        out = outcome(Step("subs2", "", claim, "", strategy=Differentiate(), search_samples=30))
        assert out.verdict is Verdict.REFUTED, (claim, out.method)  # and the search reads it simultaneously


def test_a_support_mixture_must_have_mass_and_be_the_only_one():
    k = sp.Symbol("k", integer=True, positive=True)
    u, v = declare.vector("u_r3", nonnegative=True), declare.vector("v_r3", nonnegative=True)
    w = declare.vector("w_r3", positive=True)
    out = outcome(Step("mass", "", sp.Gt(support_sum(u[k] + v[k], k), 0, evaluate=False), "", search_samples=40),
                  (Definition("w := u + v", w[y], u[y] + v[y]),))
    assert out.verdict is Verdict.REFUTED  # u = v = 0
    s1, s2, s3, s4 = (declare.distribution(f"s{i}_r3", zeros=True) for i in range(1, 5))
    w1, w2 = declare.vector("w1_r3", positive=True), declare.vector("w2_r3", positive=True)
    ctx = (Definition("w1", w1[y], s1[y] + s2[y]), Definition("w2", w2[y], s3[y] + s4[y]))
    claim = sp.Gt(support_sum((s1[k] + s2[k]) * (s3[k] + s4[k]), k), 0, evaluate=False)
    assert outcome(Step("overlap", "", claim, "", search_samples=40), ctx).verdict is not Verdict.PROVED


def test_a_report_cannot_redeclare_a_package_name_in_another_domain(small_report):
    from dpo_mixture.proof.serial import dumps
    from dpo_mixture.proof.verify import verify_report

    beta_unit = DeclaredSymbol("beta", "UNIT_INTERVAL", positive=True)
    forged = _forged(small_report, "beta-small", sp.Lt(beta_unit, 1, evaluate=False))
    data = dict(small_report, steps=[forged], declarations=[[dumps(beta_unit), "UNIT_INTERVAL"]])
    (res,) = verify_report(data)
    # refused by the name rule that check shares since round 37, or by verify's own
    assert not res.ok and ("the package's beta" in res.detail or "beta is the name of one of the package's" in res.detail)


def test_a_plain_integer_symbol_is_an_output_only_where_it_indexes():
    from dpo_mixture.model import SupportMax

    m = sp.Symbol("m", integer=True, positive=True)
    k = sp.Symbol("k", integer=True, positive=True)
    out = outcome(Step("n-m", "", sp.Ge(SupportMax(k, k), m, evaluate=False), "", hypotheses=BLIND,
                       strategy=ExtremumBound(m), search_samples=20))
    assert out.verdict is not Verdict.PROVED


def test_the_search_respects_a_symbols_own_assumptions():
    """A nonnegative integer has no domain of its own (the search would draw negative
    integers, a lemma's instance could take one): since round 25 it is refused when built; as a
    hypothesis on an integer, the search respects it and nothing is refuted."""
    j = sp.Symbol("j", integer=True, nonnegative=True)
    with pytest.raises(ValueError, match="beyond its domain"):
        Step("j", "", sp.Ge(j, 0, evaluate=False), "", search_samples=40)
    i = sp.Symbol("i_r2", integer=True)
    out = outcome(Step("j", "", sp.Ge(i + 1, 1, evaluate=False), "", hypotheses=(sp.Ge(i, 0),), search_samples=40))
    assert out.verdict is not Verdict.REFUTED and not out.soundness_error


def test_a_scalar_defined_through_an_output_is_refused():
    with pytest.raises(ValueError, match="defined through the output y"):
        Definition("W := r(y)", sp.Symbol("W_r3"), r[y])


def test_a_definitions_conditions_hold_at_every_output_not_at_its_own_index_name():
    q = declare.vector("q_r3")
    k = sp.Symbol("k", integer=True, positive=True)
    ctx = (Definition("q := 1/p_A", q[y], 1 / p_A[y]),)
    claim = sp.Eq(q[k] * p_A[k], 1)
    out = outcome(Step("qk", "", claim, "", hypotheses=(sp.Gt(p_A[y], 0),), facts=ctx, search_samples=20), ctx)
    assert out.verdict is not Verdict.PROVED


# --- round four ----------------------------------------------------------------------------------
def test_carrying_out_a_substitution_never_captures_a_limit_variable():
    tt, z = sp.Symbol("t_r4", real=True), sp.Symbol("z", real=True)
    # d/dt [t Subs(lim_{z->1} x z, x, z)] = z, claimed equal to lim_{z->1} z^2 = 1
    claim = sp.Eq(sp.Derivative(tt * sp.Subs(sp.Limit(x * z, z, 1), x, z), tt), sp.Limit(z**2, z, 1))
    out = outcome(Step("cap", "", claim, "", strategy=Differentiate(), search_samples=20))
    assert out.verdict is not Verdict.PROVED


def test_a_step_definition_of_a_fresh_symbol_is_honoured_by_the_search():
    W = sp.Symbol("W_r4", positive=True)
    out = outcome(Step("w", "", sp.Gt(W, 1), "", facts=(Definition("W := beta + 1", W, beta + 1),), search_samples=60))
    assert out.verdict is not Verdict.REFUTED, out.method  # W = beta + 1 > 1 for every beta > 0


def test_a_limit_inside_a_limit_gets_a_reason_in_words():
    from dpo_mixture import check_claim

    res = check_claim("limit(beta*limit(beta, beta, 1), beta, 2) == 2", samples=5)
    assert res.verdict is not Verdict.REFUTED and "RecursionError" not in res.method


# --- round five ----------------------------------------------------------------------------------
@pytest.mark.parametrize("claim", [
    "limit(exp(1/(1 - alpha)), alpha, 1) == 0",     # +oo from inside (0, 1)
    "limit(sigmoid(1/(1 - alpha)), alpha, 1) == 0",  # 1 from inside
    "limit(log(alpha), alpha, 2) == log(2)",         # 2 is outside (0, 1)
])
def test_a_limit_is_taken_from_inside_the_variables_domain(claim):
    from dpo_mixture import check_claim

    assert check_claim(claim, samples=10).verdict is not Verdict.PROVED


def test_a_limit_approached_from_inside_is_still_proved():
    from dpo_mixture import check_claim

    assert check_claim("limit(exp(1/(alpha - 1)), alpha, 1) == 0", samples=10).verdict is Verdict.PROVED


def _one_step_report(claim, expected="proved"):
    step = Step("pos", "", claim, "", search_samples=10, expected=Verdict(expected))
    from dpo_mixture.derivations.facts import DEF_MIXTURE

    return Report.run([Derivation("d", "d", (step,), context=(DEF_MIXTURE,))], parallel=False).to_json()


def test_verify_reads_the_support_from_the_model_not_from_the_file():
    from dpo_mixture.notation import p_ref
    from dpo_mixture.proof.verify import verify_report

    data = _one_step_report(sp.Gt(p_ref[y], 0, evaluate=False))
    step = data["steps"][0]
    step["goal"]["support"] = None
    step["verdict"] = "refuted"
    step["counterexample"] = {"alpha": "1/2", "p_A": ["0", "1"], "p_U": ["0", "1"], "y": "1"}
    (res,) = verify_report(data)
    assert not res.ok  # output 1 lies outside the support, where p_ref > 0 holds


def test_verify_accepts_only_known_verdicts(small_report):
    from dpo_mixture.proof.verify import verify_report

    step = copy.deepcopy(small_report["steps"][0])
    step["verdict"] = "proved "
    (res,) = verify_report(dict(small_report, steps=[step]))
    assert not res.ok


def test_verify_refuses_a_huge_power_quickly(small_report, tmp_path):
    bad = copy.deepcopy(small_report)
    bad["steps"][0]["goal"]["claim"] = "StrictGreaterThan(Pow(Integer(3), Integer(100000000000)), Integer(1))"
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(bad))
    done = subprocess.run([sys.executable, "-m", "dpo_mixture", "verify", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and "exponent" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("text", ["[" * 100000 + "]" * 100000, '{"steps": [1]}', '{"steps": [{"id": "a", "goal": 5}]}',
                                  '{"steps": [{"id": "a", "verdict": "proved", "goal": {"claim": "Integer(1)", "theory": [5]}}]}'])
def test_verify_gives_one_line_for_a_malformed_report(tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_text(text)
    done = subprocess.run([sys.executable, "-m", "dpo_mixture", "verify", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


# --- round 6: the limit rule takes a value only where the function is continuous at the point ---
@pytest.mark.parametrize("claim", [
    "limit(beta**(1/log(beta/(1+beta))), beta, 0) == 1",   # 0**0 and log 0 at the point; the limit is e
    "limit(beta**(1/log(1+beta)), beta, oo) == 1",          # the same at infinity
])
def test_round6_an_indeterminate_form_is_not_a_value(claim):
    from dpo_mixture import check_claim

    assert check_claim(claim, samples=20).verdict is not Verdict.PROVED
    assert check_claim(claim.replace("== 1", "== exp(1)"), samples=20).verdict is Verdict.PROVED


@pytest.mark.parametrize("claim", [
    "limit(p_A/(p_A+beta), beta, 0) == 1",                       # 0 wherever p_A(y) = 0
    "limit(beta*p_A/(beta*p_A+1), beta, oo) == 1",
    "limit(r**2/(r**2+beta), beta, 0) == 1",                     # 0 wherever r(y) = 0
    "limit((alpha-1/2)**2/((alpha-1/2)**2+beta), beta, 0) == 1",  # 0 at alpha = 1/2
])
def test_round6_sympy_limit_never_takes_a_parameter_for_generic(claim):
    from dpo_mixture import check_claim

    assert check_claim(claim, samples=20).verdict is not Verdict.PROVED


def test_round6_a_positive_scale_of_the_variable_is_a_function_of_one_variable():
    g = sp.Symbol("g", positive=True)
    true = Step("t", "", sp.Eq(sp.Limit(3 * sp.exp(-g / beta), beta, 0, "+"), 0), "", strategy=LimitOf())
    assert outcome(true).verdict is Verdict.PROVED
    # the coefficient g - 1 of the ratio may vanish (at g = 1 the function is 0): no scale removes g
    ratio = (g * beta - beta) / (g * beta - beta + beta**2)
    generic = Step("f", "", sp.Eq(sp.Limit(ratio, beta, 0, "+"), 1), "", strategy=LimitOf())
    assert outcome(generic).verdict is not Verdict.PROVED


def test_round6_a_hypothesis_used_in_a_limit_is_read_with_definitions_unfolded():
    xx, w = declare.scalar("x"), declare.scalar("W")
    define_w = Definition("definition of W", w, beta)
    step = Step("capture", "", sp.Eq(sp.Limit(xx / beta, beta, sp.oo), 1), "", strategy=LimitOf(),
                hypotheses=(sp.Lt(xx, w),), facts=(define_w,))
    assert results(step, context=(define_w,))["capture"].outcome.verdict is not Verdict.PROVED


@pytest.mark.parametrize("claim, verdict", [
    ("exp(1) > 2", Verdict.PROVED), ("log(1) == 0", Verdict.PROVED), ("exp(log(beta)) == beta", Verdict.PROVED),
    ("exp(1) < 2", Verdict.REFUTED), ("log(1) == 1", Verdict.REFUTED),
])
def test_round6_a_number_under_exp_or_log_reads_back_as_written(claim, verdict):
    from dpo_mixture import check_claim
    from dpo_mixture.proof.serial import dumps, loads

    assert loads(dumps(sp.exp(1, evaluate=False))) == sp.exp(1, evaluate=False)
    assert check_claim(claim, samples=50).verdict is verdict


# --- round 7: a limit used as a number, a limit's body, hypotheses under binders -----------------
@pytest.mark.parametrize("claim", [
    "limit(log(alpha), alpha, 0) + 1 > limit(log(alpha), alpha, 0)",  # -oo + 1 > -oo
    "limit(limit(1/alpha, alpha, 0)*beta, beta, 0) == 0",            # the inner limit is +oo
])
def test_round7_a_limit_used_as_a_number_must_be_finite(claim):
    from dpo_mixture import check_claim

    assert check_claim(claim, samples=20).verdict is not Verdict.PROVED


def test_round7_an_undefined_constant_or_body_is_no_limit():
    xp = sp.Symbol("x", positive=True)
    steps = [
        Step("subs-const", "", sp.Eq(sp.Limit(sp.Subs(1 / xp, xp, 0) * beta, beta, 0, "+"), 0), "", strategy=LimitOf()),
        Step("log-negative", "", sp.Eq(sp.Limit(beta * sp.log(-beta), beta, 0, "+"), 0), "", strategy=LimitOf()),
    ]
    for st in steps:
        assert outcome(st).verdict is not Verdict.PROVED, st.id


def test_round7_an_equality_hypothesis_never_enters_a_binder_through_a_definition():
    xx, w = declare.scalar("x"), declare.scalar("W")
    define_w = Definition("definition of W", w, beta)
    # with x = W = beta: d/dbeta (x - W) = -1 (x is a number there), and (x - W) at beta = 1 is x - 1
    claims = {
        "derivative": sp.Eq(sp.Derivative(xx - w, beta), sp.Derivative(sp.Integer(0), beta, evaluate=False)),
        "subs": sp.Eq(sp.Subs(xx - w, beta, 1), sp.Subs(sp.Integer(0), beta, 1)),
    }
    for name, claim in claims.items():
        step = Step(name, "", claim, "", hypotheses=(sp.Eq(xx, w),), facts=(define_w,))
        assert decide(step, context=(define_w,), audit=0).verdict is not Verdict.PROVED, name


def test_round7_a_derivative_must_be_defined_where_it_is_taken():
    xn = sp.Symbol("x", nonnegative=True)
    # d/dx sqrt(x) = 1/(2 sqrt(x)) does not exist at x = 0
    step = Step("sqrt", "", sp.Eq(sp.Derivative(sp.sqrt(xn), xn) * xn, sp.sqrt(xn) / 2), "", strategy=Differentiate())
    assert outcome(step).verdict is not Verdict.PROVED
    xp = sp.Symbol("x", positive=True)
    fine = Step("sqrt-pos", "", sp.Eq(sp.Derivative(sp.sqrt(xp), xp) * xp, sp.sqrt(xp) / 2), "", strategy=Differentiate())
    assert outcome(fine).verdict is Verdict.PROVED


# --- round 8: the extremum rule, integer declarations, audits in a second process ------------------
def test_round8_the_extremum_rule_renames_an_inner_sum_over_the_output():
    from dpo_mixture.model import SupportMax
    from dpo_mixture.notation import k
    from dpo_mixture.proof.certificate import ProofCertificate
    from dpo_mixture.proof.kernel import Goal, check

    i = declare.index("i")
    # max_k sum_i r(i) r(k) >= sum_i r(i)^2 is false: r = (-1, 1) gives 0 >= 2
    claim = sp.Ge(SupportMax(sp.Sum(r[i] * r[k], (i, 1, n)), k), sp.Sum(r[i] ** 2, (i, 1, n)))
    judged = check(Goal(claim), ProofCertificate("extremum", conclusion=claim, data=(("index", i),)))
    assert judged.verdict is not Verdict.PROVED


def test_round8_an_integer_defined_by_a_fraction_is_an_assumption():
    count = declare.scalar("K_round8", integer=True, positive=True)
    define = Definition("number of pairs", count, n / 2)  # 1/2 at n = 1
    claim = sp.Ge(count, 1, evaluate=False)
    res = results(Step("blind", "", claim, "", hypotheses=BLIND, facts=(define,)),
                  Step("plain", "", claim, "", facts=(define,)), context=(define,))
    assert res["blind"].outcome.verdict is Verdict.ASSUMED
    assert "integer" in res["blind"].outcome.method
    assert res["plain"].outcome.verdict is Verdict.REFUTED


def test_round8_an_audit_travels_to_the_second_process_unevaluated():
    import pickle

    from dpo_mixture.proof.search import Problem

    count = declare.scalar("K_round8b", integer=True, positive=True)
    define = Definition("half", count, n / 2)
    problem = Problem(sp.Ge(count, 1, evaluate=False), BLIND, (define,), None, {count: Domain.POSITIVE_INTEGER})
    back = pickle.loads(pickle.dumps(problem))
    assert back == problem and back.conclusion is not sp.true
    # and the report's verdict is the same whether the audits run here or in a second process
    step = Step("plain", "", sp.Ge(count, 1, evaluate=False), "", facts=(define,))
    verdicts = {par: Report.run([Derivation("d", "d", (step,), context=(define,))], parallel=par).all_results[0].outcome.verdict
                for par in (False, True)}
    assert verdicts[False] is verdicts[True] is Verdict.REFUTED


# --- round 9: a step's own definitions count when a substitution meets a binder -----------------
def test_round9_a_lemma_cited_at_an_abbreviation_never_captures_through_it():
    xx = declare.scalar("x_round9")
    w = sp.Symbol("W_round9", positive=True)  # the step's own abbreviation of beta
    define_w = Definition("abbreviation W", w, beta)
    lemma = Step("d-lemma", "", sp.Eq(sp.Derivative(xx * beta, beta), xx), "", strategy=Differentiate())
    # false: d(beta^2)/d(beta) = 2 beta
    bad = Step("d-square", "", sp.Eq(sp.Derivative(beta**2, beta), beta), "", strategy=Certificate((0, 1)),
               given=("d-lemma",), instantiate={xx: w}, facts=(define_w,), hypotheses=BLIND)
    res = results(lemma, bad)
    assert res["d-lemma"].outcome.verdict is Verdict.PROVED
    assert res["d-square"].outcome.verdict is not Verdict.PROVED


def test_round9_a_limit_body_condition_that_involves_the_variable_through_a_definition():
    w = declare.scalar("W_round9b", positive=True)
    define_w = Definition("definition of W", w, beta)
    # W := beta, so log(W - 1) under the limit is not real for beta in (0, 1)
    step = Step("logW", "", sp.Eq(sp.Limit(beta * sp.log(w - 1), beta, 0, "+"), 0), "",
                hypotheses=(sp.Gt(w, 1),), strategy=LimitOf())
    assert results(step, context=(define_w,))["logW"].outcome.verdict is not Verdict.PROVED


# --- round 10: a number's own definedness in the claim language ---------------------------------
@pytest.mark.parametrize("claim", [
    "alpha + 0/(exp(0) - 1) > 0",                      # 1/0 hidden behind an unevaluated exp(0)
    "alpha + 0*(exp(0) - 1)**(-1) > 0",
    "alpha + (exp(0)-1)**(-1) - (exp(0)-1)**(-1) > 0",
    "alpha + 0*(exp(0) - 2)**(1/2) > 0",               # the square root of -1
    "(-1)**(1/3) - (-1)**(1/3) < alpha",               # not real
    "log(exp(0) - 1) < 0",                             # once a traceback (TypeError)
    "log(exp(log(2)) - 2) < 0",
])
def test_round10_an_undefined_number_is_refused_in_one_line(claim):
    from dpo_mixture import check_claim
    from dpo_mixture.claims import ClaimSyntaxError

    with pytest.raises(ClaimSyntaxError, match="undefined value"):
        check_claim(claim, samples=10)


@pytest.mark.parametrize("claim", ["exp(1) > 2", "2**(1/2) > 1", "log(2) > 0", "(1/4)**(1/2) < alpha + 1"])
def test_round10_a_defined_number_still_reads(claim):
    from dpo_mixture import check_claim

    assert check_claim(claim, samples=20).verdict is Verdict.PROVED


# --- round 11: a symbol a certificate brings stands for what the rule says, nothing narrower -------
def test_round11_the_positive_case_is_every_positive_number_not_only_the_integers():
    from dataclasses import replace as _replace

    from dpo_mixture.proof import Cases, Signs
    from dpo_mixture.proof.kernel import case_goal

    class IntegerCases(Cases):
        def propose(self, step, context):
            fresh = sp.Dummy("z_pos", positive=True, integer=True)  # a positive *integer*
            data = {"variable": self.variable, "positive_symbol": fresh}
            for value, key, strategy in ((sp.Integer(0), "zero", self.zero), (fresh, "positive", self.positive)):
                sub_goal = case_goal(context.goal, self.variable, value)
                sub_step = _replace(step, claim=sub_goal.claim, hypotheses=sub_goal.hypotheses, chain=())
                data[key] = strategy.propose(sub_step, _replace(context, goal=sub_goal))
            return context.certificate(step, "cases", self.name, instances=(), **data)

    z = declare.scalar("z_round11", nonnegative=True)
    # false at z = 1/2: z (z - 1) + 1/8 = -1/8
    step = Step("cases", "", sp.Gt(z * (z - 1) + sp.Rational(1, 8), 0), "", strategy=IntegerCases(z, Signs(), Signs()),
                hypotheses=BLIND)
    assert decide(step, audit=0).verdict is not Verdict.PROVED


def test_round11_an_output_is_a_plain_positive_integer():
    from dpo_mixture.proof.kernel import is_output

    assert is_output(sp.Dummy("i", integer=True, positive=True))
    assert not is_output(sp.Dummy("i", integer=True, positive=True, even=True))  # only the even outputs
    assert not is_output(sp.Dummy("i", integer=True, positive=True, prime=True))


def test_a_limit_hypothesis_sees_through_the_steps_own_definition():
    """The twin of round 6's capture, with W := beta a definition of the step, not the model."""
    xx = declare.scalar("x_twin")
    w = sp.Symbol("W_twin", positive=True)
    step = Step("capture", "", sp.Eq(sp.Limit(xx / beta, beta, sp.oo), 1), "", strategy=LimitOf(),
                hypotheses=(sp.Lt(xx, w),), facts=(Definition("W", w, beta),))
    assert decide(step, audit=0).verdict not in (Verdict.PROVED, Verdict.ASSUMED)  # the limit is 0


# --- round 13: the search's shared sums, and assumptions a vector holds off its label ----------

def test_round13_a_sum_is_not_shared_across_values_of_its_vectors_label():
    """g(k) x with x equal to g's label, taken at x = 3 and at x = 2: the two sums differ, and
    a true identity about them is not refuted."""
    from dpo_mixture.notation import n
    from dpo_mixture.proof.evaluate import Evaluator

    g = sp.IndexedBase("g_r13", real=True)
    x = sp.Symbol("g_r13", real=True)  # SymPy makes it equal to g's label
    kk = sp.Symbol("k", integer=True, positive=True)
    s = sp.Sum(g[kk] * x, (kk, 1, n))
    e = sp.Subs(s, x, 3) - sp.Subs(s, x, 2)
    values = {n: 2, g: [sp.Integer(1), sp.Integer(2)]}
    assert Evaluator(values, "exact", fractions=True).share()(e) == Evaluator(values, "exact")(e) == 3
    step = Step("two-points", "", sp.Ge(e, support_sum(g[y]), evaluate=False), "")
    assert decide(step).verdict is not Verdict.REFUTED


def test_round13_a_vector_with_assumptions_off_its_label_is_refused_and_drawn_in_its_domain():
    from dpo_mixture.notation import Domain
    from dpo_mixture.proof.search import Problem, search
    from dpo_mixture.proof.theory import domain_of

    g = sp.IndexedBase(sp.Symbol("g_r13b"), positive=True)  # SymPy keeps positive on the base
    with pytest.raises(ValueError, match=r"carries assumptions its label does not \(positive=True\)"):
        Step("pos", "", sp.Gt(g[y], 0, evaluate=False), "")
    with pytest.raises(ValueError, match="of its context carries assumptions"):
        Derivation("d13", "d", (), context=(Definition("G13", sp.IndexedBase("G13_v")[y], 2 * g[y]),))
    assert domain_of(g) is Domain.POSITIVE_VECTOR
    # the search never draws it outside its own assumptions: g^3 - g^2 + g > 0 holds for g > 0
    found = search(Problem(sp.Gt(g[y] ** 3 - g[y] ** 2 + g[y], 0)), samples=200, seed=0)
    assert found.counterexample is None
    ok = sp.IndexedBase(sp.Symbol("g_r13c", positive=True), real=True)  # implied by the label: fine
    Step("fine", "", sp.Gt(ok[y] + 1, 1, evaluate=False), "")
