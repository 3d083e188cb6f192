"""Section 1 of MATH.md: every step is proved, and perturbed steps are never proved."""

import dataclasses

import pytest
import sympy as sp

from dpo_mixture import model
from dpo_mixture.derivations import all_derivations
from dpo_mixture.derivations.closed_form import CONTEXT, GIBBS, MAXIMIZER, OBJECTIVE
from dpo_mixture.derivations.facts import DEF_P_STAR, DEF_Z, NORM_P, NORM_Q
from dpo_mixture.notation import Z, beta, p, p_ref, p_star, q, r, support_sum, y
from dpo_mixture.proof import Definition, Report, Step, Verdict, decide
from dpo_mixture.proof.evaluate import evaluate

SECTION1 = (OBJECTIVE, GIBBS, MAXIMIZER)


@pytest.fixture(scope="module")
def report():
    return Report.run(all_derivations())


@pytest.mark.parametrize("step", [s for d in SECTION1 for s in d.steps], ids=lambda s: s.id)
def test_every_section1_step_is_proved(report, step):
    result = report.result(step.id)
    assert result.outcome.verdict is Verdict.PROVED, result.outcome.method


def test_report_is_ok_and_lists_every_step(report):
    data = report.to_json()
    assert data["ok"] is True
    ids = [s["id"] for s in data["steps"]]
    assert "gibbs-rewrite" in ids and "lagrange-hessian" in ids and "mixture-substitution" in ids
    for entry in data["steps"]:
        assert set(entry) == {"id", "title", "statement", "hypotheses", "model", "verdict", "expected", "method", "assumed", "seconds", "counterexample", "soundness_error", "goal", "certificate"}


def _step(derivation, step_id):
    return next(s for s in derivation.steps if s.id == step_id)


def test_wrong_closed_form_is_refuted_with_a_confirmed_counterexample():
    """The Gibbs rewrite with the tilt at 2 beta instead of beta is false; the search shows it."""
    wrong = p_ref[y] * sp.exp(r[y] / (2 * beta)) / model.partition_function()
    claim = sp.Eq(model.objective(p[y]), -beta * support_sum(p[y] * sp.log(p[y] / wrong)) + beta * sp.log(Z))
    step = dataclasses.replace(_step(OBJECTIVE, "gibbs-rewrite"), claim=claim, chain=(), facts=(NORM_P,))
    outcome = decide(step, context=CONTEXT)
    assert outcome.verdict is Verdict.REFUTED
    ce = outcome.counterexample
    # re-check the instance independently at 50 digits
    from dpo_mixture import notation

    vals = {notation.n: ce.n, beta: ce.values["beta"], p: list(ce.values["p"]),
            p_ref: list(ce.values["p_ref"]), r: list(ce.values["r"])}
    lhs = model.objective(p[y])
    zdef = model.partition_function()
    rhs = -beta * support_sum(p[y] * sp.log(p[y] / (p_ref[y] * sp.exp(r[y] / (2 * beta)) / zdef))) + beta * sp.log(zdef)
    a, b = evaluate(lhs, vals, "mp"), evaluate(rhs, vals, "mp")
    assert abs(a - b) > 1e-20


def test_a_wrong_fact_neither_proves_nor_redefines():
    """A step that cites a wrong definition of p* is about the model's p*: the wrong fact does
    not change what the search evaluates, and the kernel cannot prove the step from it."""
    wrong = Definition("wrong p*", p_star[y], p_ref[y] * sp.exp(r[y] / (2 * beta)) / Z)
    step = dataclasses.replace(_step(OBJECTIVE, "pstar-normalized"), facts=(wrong, DEF_Z), search_samples=60)
    out = decide(step, context=CONTEXT)
    assert out.verdict is Verdict.UNDECIDED  # true in the model, not proved from a wrong fact
    claim = sp.Eq(support_sum(p_ref[y] * sp.exp(r[y] / (2 * beta)) / model.partition_function()), 1)
    bad = dataclasses.replace(step, claim=claim, facts=(), strategy=None)
    assert decide(bad, context=CONTEXT).verdict is Verdict.REFUTED


def test_dropped_normalization_is_never_proved():
    step = dataclasses.replace(_step(OBJECTIVE, "gibbs-rewrite"), facts=(DEF_P_STAR,))
    assert decide(step, context=CONTEXT).verdict is not Verdict.PROVED


def test_gibbs_sum_without_normalizations_is_not_proved():
    step = dataclasses.replace(_step(GIBBS, "gibbs-sum"), facts=(NORM_P,))
    assert decide(step).verdict is not Verdict.PROVED


def test_reversed_gibbs_inequality_is_refuted():
    step = Step("kl-negative", "KL <= 0", sp.Le(model.kl(p[y], q[y]), 0), "wrong way round")
    out = decide(step)
    assert out.verdict is Verdict.REFUTED
    assert out.counterexample.n >= 2


def test_step_citing_an_unproved_step_is_undecided():
    bad = Step("bad", "beta below one", sp.Lt(beta, 1), "no reason")
    follow = Step("follow", "uses bad", sp.Lt(beta, 2), "from bad", given=("bad",))
    from dpo_mixture.proof import Derivation

    results = Derivation("d", "d", (bad, follow)).check()
    assert results[0].outcome.verdict is Verdict.REFUTED
    assert results[1].outcome.verdict is Verdict.UNDECIDED
    assert "bad" in results[1].outcome.method


def test_hessian_claim_comes_from_differentiation():
    hess = _step(MAXIMIZER, "lagrange-hessian").claim
    assert hess.lhs == -beta / p[y]
