"""The soundness corpus: every hole a review found, with variants of each kind.

Each test states something false (it must never come back proved), something true (it must
never come back refuted), or an input that used to crash or hang (it must end in a verdict).
"""

from __future__ import annotations

import time

import pytest
import sympy as sp

from dpo_mixture import check_claim, model
from dpo_mixture.derivations.closed_form import CONTEXT as CLOSED, GIBBS, P, SUMMAND
from dpo_mixture.derivations.facts import DEF_MIXTURE, DEF_P_THETA, DEF_Z, NORM_REF
from dpo_mixture.notation import Z, alpha, beta, k, lam, n, p, p_A, p_ref, p_theta, p_U, q, r, support_sum, t, y
from dpo_mixture.proof import (
    Certificate,
    ConvexMinimum,
    Definition,
    Derivation,
    Differentiate,
    Identity,
    Implication,
    LimitOf,
    NormalForm,
    ProofCertificate,
    Stationarity,
    Step,
    Strategy,
    TermsVanish,
    Termwise,
    Verdict,
    decide,
)
from dpo_mixture.proof.verdict import Outcome

S = support_sum
L = model.objective(p[y])
x = sp.Symbol("x", real=True)
NOT_PROVED = (Verdict.REFUTED, Verdict.UNDECIDED)


def verdicts(*steps, established=None, context=()):
    """Check ``steps`` in one derivation after GIBBS; returns {id: verdict}."""
    est = {} if established is None else established
    if "gibbs-inequality" not in est:
        GIBBS.check(established=est)
    results = Derivation("corpus", "corpus", tuple(steps), context=context).check(established=est)
    return {res.step.id: res.outcome.verdict for res in results}


# --- Stationarity compared only the right side ---------------------------------------------------
@pytest.mark.parametrize("claim", [
    sp.Eq(beta, model.closed_form()),
    sp.Eq(sp.Rational(1, 2), model.closed_form()),
    sp.Eq(p[y], model.closed_form()),  # true only at the stationary point, which the claim does not say
    sp.Eq(sp.Subs(sp.Derivative(SUMMAND, P), P, p_theta[y]), beta * sp.log(Z) + beta),  # wrong value
])
def test_stationarity_never_proves_a_wrong_statement(claim):
    step = Step("st", "", claim, "", strategy=Stationarity(L, p[y], lam), search_samples=60)
    assert decide(step, context=CLOSED).verdict in NOT_PROVED


def test_stationarity_with_an_unindexed_base_does_not_crash():
    step = Step("su", "", sp.Eq(p[y], 1), "", strategy=Stationarity(L, beta, lam), search_samples=30)
    assert decide(step).verdict in NOT_PROVED


# --- Termwise and TermsVanish outside the lemma's domain --------------------------------------------
def test_termwise_applies_a_lemma_only_inside_its_domain():
    nonneg = Step("t-nonneg", "t >= 0 for t > 0", sp.Ge(t, 0, evaluate=False), "")
    bound = Step("log-bound", "", sp.Le(sp.log(t), t - 1), "", strategy=ConvexMinimum(t))
    # t := r(y) may be negative: "E_p[r] >= 0" must not follow
    false_mean = Step("tw", "", sp.Ge(S(p[y] * (r[y] + 1)), S(p[y])), "", strategy=Termwise(t, t, r[y]), uses=("t-nonneg",))
    # log t <= t - 1 at t := r(y) - 1: the lemma's variable must stay positive
    shifted = Step("tw2", "", sp.Le(S(p[y] * sp.log(r[y] - 1)), S(p[y] * (r[y] - 2))), "",
                   strategy=Termwise(t - 1 - sp.log(t), t, r[y] - 1), uses=("log-bound",), search_samples=60)
    got = verdicts(nonneg, bound, false_mean, shifted)
    assert got["tw"] in NOT_PROVED and got["tw2"] in NOT_PROVED


def test_a_hypothesis_about_one_value_is_not_a_lemma_about_every_value():
    claim = sp.Ge(S(p[y] * (r[y] + 1)), S(p[y]))
    own = Step("own", "", claim, "", strategy=Termwise(x, x, r[y]), hypotheses=(sp.Ge(x, 0),))
    assert decide(own).verdict in NOT_PROVED
    g = t - 1 - sp.log(t)
    vanish = Step("tv", "", sp.Eq(p[y], q[y]), "", strategy=TermsVanish(g, t, q[y] / p[y], 1),
                  hypotheses=(sp.Eq(S(p[y] * g.xreplace({t: q[y] / p[y]})), 0), sp.Ge(g, 0), sp.Eq(sp.log(t), t - 1)))
    assert decide(vanish).verdict is not Verdict.PROVED


def test_authors_cannot_fill_in_lemmas():
    with pytest.raises(TypeError):
        Step("tw", "", sp.Ge(S(p[y] * (r[y] + 1)), S(p[y])), "", lemmas=(((), sp.Ge(x, 0)),))


def test_a_lemma_that_was_not_proved_cannot_be_used():
    wrong = Step("wrong", "x >= 0 for real x", sp.Ge(x, 0), "", search_samples=30)  # refuted
    uses = Step("u", "", sp.Ge(S(p[y] * (r[y] + 1)), S(p[y])), "", strategy=Termwise(x, x, r[y]), uses=("wrong",))
    got = verdicts(wrong, uses)
    assert got == {"wrong": Verdict.REFUTED, "u": Verdict.UNDECIDED}


# --- instantiation against the variable's domain ------------------------------------------------------
def test_instantiation_is_checked_against_the_domain():
    a_lt_1 = Step("a1", "", sp.Lt(alpha, 1), "")
    b_lt_1 = Step("b1", "", sp.Lt(beta, 1), "", strategy=Implication(), given=("a1",), instantiate={alpha: beta})
    b_cert = Step("b2", "", sp.Lt(beta, 1), "", strategy=Certificate((1,)), given=("a1",), instantiate={alpha: beta})
    got = verdicts(a_lt_1, b_lt_1, b_cert)
    assert got["a1"] is Verdict.PROVED and got["b1"] in NOT_PROVED and got["b2"] in NOT_PROVED


@pytest.mark.parametrize("value", [2 * q[y], p_A[y], -q[y], q[y] + r[y] ** 2])
def test_gibbs_cannot_be_instantiated_outside_the_distributions(value):
    claim = sp.Ge(model.kl(p[y], value), 0, evaluate=False)
    step = Step("g2", "", claim, "", strategy=Implication(), given=("gibbs-inequality",), instantiate={q[y]: value},
                search_samples=60)
    assert verdicts(step)["g2"] is not Verdict.PROVED


def test_gibbs_at_a_genuine_distribution_is_proved():
    mix = model.mixture_reference()
    step = Step("g3", "", sp.Ge(model.kl(p[y], p_theta[y]), 0), "", strategy=Implication(), given=("gibbs-inequality",),
                instantiate={q: p_theta}, facts=(DEF_P_THETA,))
    assert verdicts(step, context=CLOSED)["g3"] is Verdict.PROVED
    del mix


# --- facts taken on trust -----------------------------------------------------------------------------
@pytest.mark.parametrize("fact, claim", [
    (Identity("normalization of r", S(r[y]), 0), sp.Eq(S(r[y]), 0)),
    (Identity("p_A sums to two", S(p_A[y]), 2), sp.Eq(S(p_A[y]), 2)),
    (Identity("a tilt identity", S(p_ref[y] * sp.exp(r[y] / beta)), 1), sp.Eq(Z, 1)),
])
def test_an_identity_is_not_an_axiom(fact, claim):
    out = decide(Step("i", "", claim, "", facts=(fact, DEF_Z), search_samples=60), context=(DEF_Z,))
    assert out.verdict in NOT_PROVED


def test_a_true_but_unproved_identity_makes_the_step_assumed():
    fact = Identity("Z is at least e^{min r / beta}", S(p_ref[y] * sp.exp(r[y] / beta)) - Z, 0)
    out = decide(Step("i2", "", sp.Gt(Z, 0, evaluate=False), "", facts=(fact,)))
    assert out.verdict is Verdict.ASSUMED and "taken on trust" in out.assumed[0]


@pytest.mark.parametrize("definition", [
    Definition("Z := 1", Z, sp.Integer(1)),
    Definition("p_theta := p_ref", p_theta[y], p_ref[y]),
    Definition("alpha := 1/2", alpha, sp.Rational(1, 2)),
])
def test_a_step_cannot_redefine_the_model(definition):
    claim = sp.Eq(definition.target, definition.expr)
    out = decide(Step("z", "", claim, "", facts=(definition,), search_samples=60), context=(DEF_Z, DEF_P_THETA))
    assert out.verdict in NOT_PROVED


# --- binders: a hypothesis about y is not about every y ---------------------------------------------
def test_limits_do_not_substitute_under_a_sum():
    claim = sp.Eq(sp.Limit(t + S(p_ref[k] * sp.Max(r[k], 0), k), t, 0, "+"), 0)
    step = Step("lc", "", claim, "", strategy=LimitOf(), hypotheses=(sp.Lt(r[y], 0),), search_samples=30)
    assert decide(step).verdict in NOT_PROVED


@pytest.mark.parametrize("hyp, claim", [
    (sp.Eq(r[y], 0), sp.Eq(S(r[y]), 0)),
    (sp.Eq(p_A[y], 1), sp.Eq(S(p_A[y] * r[y]), S(r[y]))),
])
def test_equality_hypotheses_are_not_substituted_under_a_sum(hyp, claim):
    assert decide(Step("hc", "", claim, "", hypotheses=(hyp,), search_samples=60)).verdict in NOT_PROVED


# --- calculus with a defined quantity --------------------------------------------------------------------
@pytest.mark.parametrize("claim, context", [
    (sp.Eq(sp.Derivative(S(p_ref[y] * r[y]), alpha), 0), (DEF_MIXTURE,)),
    (sp.Eq(sp.Derivative(S(p_theta[y] * r[y]), beta), 0), CLOSED),
    (sp.Eq(sp.Derivative(Z, beta), 0), (DEF_Z,)),
])
def test_differentiation_sees_through_definitions(claim, context):
    step = Step("d", "", claim, "", strategy=Differentiate(), search_samples=20)
    assert decide(step, context=context).verdict in NOT_PROVED


# --- strategies only propose ------------------------------------------------------------------------------
class _Liar(Strategy):
    name = "liar"

    def propose(self, step, context):
        return Outcome(Verdict.PROVED, "trust me")


class _OldLiar(Strategy):
    name = "old liar"

    def attempt(self, step):
        return Outcome(Verdict.PROVED, "trust me")


class _WrongCertificate(Strategy):
    name = "wrong certificate"

    def propose(self, step, context):
        return context.certificate(step, "combination", self.name, multipliers=(-1,))


@pytest.mark.parametrize("strategy", [_Liar(), _OldLiar(), _WrongCertificate()])
def test_a_custom_strategy_cannot_prove_a_false_statement(strategy):
    step = Step("l", "", sp.Lt(beta, 1, evaluate=False), "", strategy=strategy, hypotheses=(sp.Gt(beta, 2),), search_samples=60)
    out = decide(step)
    assert out.verdict is not Verdict.PROVED and out.certificate is None


# --- definedness in the claim language --------------------------------------------------------------------
@pytest.mark.parametrize("claim", [
    "log(1 - 2*exp(-10000/beta)) < 0",
    "p_A/p_A == 1",
    "p_U/p_U == 1",
    "Cov_unif(r, p_A)/Cov_unif(r, p_A) == 1",
    "E_unif(p_A - p_U)/E_unif(p_A - p_U) == 1",
    "log(1 - Z) < 0",
    "log(-Z) < 0",
    "(1 - Z)**(1/2) >= 0",
    "exp(log(r)) == r",
])
def test_claims_that_are_not_defined_everywhere_are_never_proved(claim):
    result = check_claim(claim, samples=120)
    assert result.verdict is not Verdict.PROVED, result.method


def test_a_claim_defined_everywhere_is_still_proved():
    assert check_claim("p_theta/p_theta == 1").verdict is Verdict.PROVED  # p_theta > 0 on the support
    assert check_claim("log(1 + Z) > 0").verdict is Verdict.PROVED


# --- true statements are never refuted ----------------------------------------------------------------------
class _Nothing(Strategy):
    name = "nothing"

    def propose(self, step, context):
        return None


E = sp.exp(r[y])
xn = sp.Symbol("xn", nonnegative=True)
xneg = sp.Symbol("xneg", negative=True)
m = sp.Symbol("m", integer=True)


@pytest.mark.parametrize("claim, context", [
    (sp.Eq((E + 1) ** 2 - sp.exp(2 * r[y]) - 2 * E, 1), ()),
    (sp.Eq(sp.exp(2 * r[y]), sp.Pow(E, 2, evaluate=False), evaluate=False), ()),
    (sp.Ge(sp.exp(xn), 1), ()),
    (sp.Lt(sp.exp(xneg), 1), ()),
    (sp.Ge(m**2 - m, 0), ()),  # true for integers, false for m = 1/2
    (sp.Gt(model.mixture_reference(), 0, evaluate=False), (DEF_MIXTURE,)),  # the support is where it is positive
    (sp.Le(sp.exp(-beta), 1, evaluate=False), ()),
])
def test_true_statements_are_never_refuted(claim, context):
    step = Step("tr", "", claim, "", strategy=_Nothing(), search_samples=400)
    out = decide(step, context=context)
    assert out.verdict is not Verdict.REFUTED, out.counterexample


def test_the_search_finds_a_claim_false_only_at_a_large_beta():
    # 1 - 2 e^{-10000/beta} < 0 exactly when beta > 10000/log 2, about 14427
    out = decide(Step("wide", "", sp.Gt(1 - 2 * sp.exp(-10000 / beta), 0), "", strategy=_Nothing()))
    assert out.verdict is Verdict.REFUTED and out.counterexample.values["beta"] > 14427


# --- crashes and hangs ------------------------------------------------------------------------------------------
def test_a_tower_of_exponentials_ends_quickly():
    start = time.perf_counter()
    result = check_claim("exp(exp(exp(r))) > 0", samples=100)
    assert time.perf_counter() - start < 30 and result.verdict is not Verdict.REFUTED


def test_complex_values_in_the_search_are_undecided_not_a_traceback():
    out = decide(Step("cx", "", sp.Lt(sp.log(r[y]), 1), "", strategy=_Nothing(), search_samples=100))
    assert out.verdict is not Verdict.PROVED


class _Forever(Strategy):
    name = "forever"

    def propose(self, step, context):
        while True:
            pass


def test_a_step_past_its_budget_is_undecided_with_the_reason():
    start = time.perf_counter()
    out = decide(Step("slow", "", sp.Gt(beta, 0, evaluate=False), "", strategy=_Forever(), seconds=0.5))
    assert out.verdict is Verdict.UNDECIDED and "time limit" in out.method
    assert time.perf_counter() - start < 5


def test_a_claim_past_its_budget_is_undecided():
    result = check_claim("TPM_U >= (1-alpha)*exp(-(max(r)-min(r))/beta)", seconds=0.2)
    assert result.verdict is Verdict.UNDECIDED and "time limit" in result.method


# --- steps that prove nothing ----------------------------------------------------------------------------------
def test_a_step_with_identical_sides_is_refused():
    with pytest.raises(ValueError, match="step 'same': both sides of"):
        Step("same", "", sp.Eq(Z, Z, evaluate=False), "")
    with pytest.raises(ValueError, match="step 'chain'"):
        Step("chain", "", sp.Eq(Z, 2 * Z, evaluate=False), "", chain=(2 * Z,))


def test_normalizations_used_by_the_corpus_are_genuine():
    # the package's own normalization facts cost no trust: the kernel checks each is declared
    out = decide(Step("nr", "", sp.Eq(S(p_ref[y] * 2), 2), "", facts=(NORM_REF,)))
    assert out.verdict is Verdict.PROVED and not out.assumed


def test_certificates_are_checked_against_the_statement():
    from dpo_mixture.proof import Goal, check

    goal = Goal(sp.Lt(beta, 1, evaluate=False), (sp.Lt(beta, sp.Rational(1, 2)),))
    good = ProofCertificate("combination", data=(("multipliers", (1,)),), conclusion=goal.claim, hypotheses=goal.hypotheses)
    assert check(goal, good).verdict is Verdict.PROVED
    other = ProofCertificate("combination", data=(("multipliers", (1,)),), conclusion=sp.Lt(beta, 2), hypotheses=goal.hypotheses)
    assert check(goal, other).verdict is Verdict.UNDECIDED
    nohyp = ProofCertificate("combination", data=(("multipliers", ()),), conclusion=goal.claim)
    assert check(goal, nohyp).verdict is Verdict.UNDECIDED
    assert n not in goal.claim.free_symbols
