"""The engine's pieces: steps, normal forms, sign analysis, strategies, verdicts."""

import pytest
import sympy as sp

from dpo_mixture.notation import alpha, beta, p, p_A, q, r, support_sum, t, y
from dpo_mixture.proof import (
    Cite, ConvexMinimum, Definition, Derivation, Identity, Implication, NormalForm, Step, Verdict, decide,
)
from dpo_mixture.proof.normal_form import difference_is_zero, normal_form, split_sums
from dpo_mixture.proof.sign import sign

S = support_sum


def test_step_rejects_claims_that_evaluated_away():
    with pytest.raises(ValueError, match=r"^step 'x': claim evaluated to True"):
        Step("x", "t", sp.Gt(beta, 0), "")


def test_step_rejects_bad_ids_and_non_relations():
    with pytest.raises(ValueError, match=r"^step id must be"):
        Step("has space", "t", sp.Lt(beta, 1), "")
    with pytest.raises(ValueError, match=r"claim must be a SymPy relation"):
        Step("e", "t", beta + 1, "")


def test_duplicate_step_ids_are_rejected():
    s = Step("a", "t", sp.Lt(beta, 1), "")
    with pytest.raises(ValueError, match="duplicate step ids"):
        Derivation("d", "d", (s, s))


def test_split_sums_renames_indices_and_pulls_out_constants():
    k = sp.Symbol("k", integer=True, positive=True)
    assert split_sums(S(beta * p[k], k)) == beta * S(p[y])


def test_normal_form_uses_only_cited_identities():
    norm = Identity("normalization", S(p[y]), 1)
    assert normal_form(S(2 * p[y]), [norm]) == 2
    assert normal_form(S(2 * p[y])) == 2 * S(p[y])


def test_log_expansion_needs_positivity():
    x = sp.Symbol("x", real=True)
    ok, _ = difference_is_zero(sp.log(x**2), 2 * sp.log(x))
    assert not ok  # log(x^2) = 2 log x is false for negative x
    ok, _ = difference_is_zero(sp.log(p[y] ** 2), 2 * sp.log(p[y]))
    assert ok


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (1 - alpha, "pos"),
        (alpha - 1, "neg"),
        (S(p[y] * sp.exp(r[y])), "pos"),
        (S(p_A[y]), "nonneg"),
        (-beta / p[y], "neg"),
        (r[y], None),
        (alpha * (1 - alpha) / beta, "pos"),
    ],
)
def test_sign(expr, expected):
    assert sign(expr) == expected


def test_definitions_unfold_at_any_index():
    d = Definition("double", q[y], 2 * p[y])
    assert d.apply(q[3] + q[y]) == 2 * p[3] + 2 * p[y]


def test_implication_needs_the_hypothesis():
    a, b, c, d = sp.symbols("a b c d", positive=True)
    claim = sp.Gt(a / (a + b), c / (c + d))
    assert Implication().attempt(Step("s", "t", claim, "", hypotheses=(sp.Gt(a / b, c / d),))) is not None
    assert Implication().attempt(Step("s", "t", claim, "")) is None


def test_convex_minimum_rejects_a_false_bound():
    step = Step("s", "log t >= t - 1", sp.Ge(sp.log(t), t - 1), "")
    assert ConvexMinimum(t).attempt(step) is None
    assert decide(step).verdict is Verdict.REFUTED


def test_normal_form_does_not_prove_a_false_equality():
    step = Step("s", "t", sp.Eq(S(p[y] * r[y]), S(r[y]) / 2), "")
    assert NormalForm().attempt(step) is None
    assert decide(step).verdict is Verdict.REFUTED


def test_cited_steps_are_assumed_not_proved():
    step = Step("c", "outside", sp.Lt(beta, 2), "a citation", strategy=Cite("somewhere"), expected=Verdict.ASSUMED)
    out = decide(step)
    assert out.verdict is Verdict.ASSUMED and "somewhere" in out.method


def test_true_but_unprovable_claim_is_undecided_not_refuted():
    # Jensen-type inequality the strategies cannot close: E_p[e^r] >= e^{E_p[r]}
    step = Step("jensen", "Jensen", sp.Ge(S(p[y] * sp.exp(r[y])), sp.exp(S(p[y] * r[y]))), "", search_samples=150)
    out = decide(step)
    assert out.verdict is Verdict.UNDECIDED
    assert out.samples == 150


def test_expected_mismatch_makes_the_report_fail():
    bad = Step("b", "wrong expectation", sp.Lt(beta, 1), "", expected=Verdict.PROVED)
    from dpo_mixture.proof import Report

    report = Report.run([Derivation("d", "d", (bad,))])
    assert not report.ok
    assert report.to_json()["steps"][0]["verdict"] == "refuted"


# --- soundness: strategies never take an unproved premise on trust -------------------------

def test_implication_never_proves_an_equality_from_an_inequality():
    a, b = sp.symbols("a b", positive=True)
    step = Step("eq", "a = b", sp.Eq(a, b), "", hypotheses=(sp.Gt(a, b),))
    assert Implication().attempt(step) is None
    assert decide(step).verdict is Verdict.REFUTED


def test_implication_ignores_trivial_hypotheses():
    a, b = sp.symbols("a b", positive=True)
    step = Step("eq", "a = b", sp.Eq(a, b), "", hypotheses=(sp.Eq(a, a, evaluate=False),))
    assert Implication().attempt(step) is None


def test_termwise_needs_its_lemma_to_be_cited():
    from dpo_mixture.proof import Termwise

    lemma = t - 1 - sp.log(t)
    claim = sp.Le(S(p[y] * sp.log(q[y] / p[y])), S(p[y] * (q[y] / p[y] - 1)))
    bare = Step("tw", "termwise", claim, "")
    assert Termwise(lemma, t, q[y] / p[y]).attempt(bare) is None
    cited = Step("tw", "termwise", claim, "", hypotheses=(sp.Le(sp.log(t), t - 1),))
    assert Termwise(lemma, t, q[y] / p[y]).attempt(cited) is not None
    # a wrong "lemma" that is cited but false cannot be smuggled in either: it is not proved
    wrong = Step("lemma", "log t >= t - 1", sp.Ge(sp.log(t), t - 1), "")
    assert decide(wrong).verdict is Verdict.REFUTED


def test_termwise_does_not_prove_a_strict_inequality():
    from dpo_mixture.proof import Termwise

    claim = sp.Lt(S(p[y] * sp.log(q[y] / p[y])), S(p[y] * (q[y] / p[y] - 1)))
    step = Step("tw", "strict", claim, "", hypotheses=(sp.Le(sp.log(t), t - 1),))
    assert Termwise(t - 1 - sp.log(t), t, q[y] / p[y]).attempt(step) is None


def test_a_conditional_step_passes_its_hypotheses_on():
    a, b = sp.symbols("a b", positive=True)
    first = Step("first", "a/b > 1", sp.Gt(a / b, 1), "", hypotheses=(sp.Gt(a, b),), strategy=Implication())
    second = Step("second", "2a > 2b", sp.Gt(2 * a, 2 * b), "", given=("first",), strategy=Implication())
    results = Derivation("d", "d", (first, second)).check()
    assert [r.outcome.verdict for r in results] == [Verdict.PROVED, Verdict.PROVED]
    # the second statement holds under the first one's hypothesis, and says so
    assert results[1].assumptions == (sp.Gt(a, b),)


def test_stationarity_reads_the_summand_from_the_objective():
    from dpo_mixture import model
    from dpo_mixture.notation import lam, p_ref, Z
    from dpo_mixture.proof import Stationarity

    z_def = Definition("Z", Z, model.partition_function())
    good = Step("st", "p*", sp.Eq(p[y], model.closed_form()), "", facts=(z_def,))
    assert Stationarity(model.objective(p[y]), p[y], lam).attempt(good) is not None
    # half the KL penalty has another maximizer: the same claim is not proved for it
    other = S(p[y] * r[y]) - beta / 2 * S(p[y] * sp.log(p[y] / p_ref[y]))
    assert Stationarity(other, p[y], lam).attempt(good) is None


# --- regressions found in review: false statements that must not be proved ------------------

@pytest.mark.parametrize(
    ("claim", "hyp"),
    [("p_theta == p_ref", "beta == 1"), ("TPM_A == alpha", "beta == 1"), ("Z == 1", "alpha == 1/2")],
)
def test_a_multiplier_with_a_pole_proves_nothing(claim, hyp):
    from dpo_mixture import check_claim

    assert check_claim(claim, assume=[hyp], samples=100).verdict is not Verdict.PROVED


def test_certificate_multipliers_must_be_defined_where_the_hypotheses_hold():
    from dpo_mixture.proof import Certificate

    bad = Step("c1", "", sp.Gt(beta, 1), "", strategy=Certificate(((beta - 2) / (beta - 1),)),
               hypotheses=(sp.Eq(beta, 1),))
    assert decide(bad).verdict is not Verdict.PROVED
    bad2 = Step("c2", "", sp.Ge(r[y] ** 2 - sp.Rational(1, 2), 0), "", strategy=Certificate((1 / r[y] ** 2,)),
                hypotheses=(sp.Le(r[y] ** 2, 0),))
    assert decide(bad2).verdict is not Verdict.PROVED


def test_negative_powers_of_a_base_that_may_vanish_have_no_sign():
    assert sign(r[y] ** -2) is None
    assert sign(beta ** -2) == "pos"


def test_extremum_bound_takes_only_an_output_index():
    from dpo_mixture.model import SupportMax
    from dpo_mixture.notation import k, n
    from dpo_mixture.proof import ExtremumBound

    assert decide(Step("e", "", sp.Gt(SupportMax(k, k), n, evaluate=False), "", strategy=ExtremumBound(n + 1))).verdict is not Verdict.PROVED
    assert decide(Step("e3", "", sp.Ge(SupportMax(k, k), 1000), "", strategy=ExtremumBound(sp.Integer(1000)))).verdict is not Verdict.PROVED


def test_calculus_refuses_opaque_derived_quantities():
    from dpo_mixture.derivations.facts import DEF_Z
    from dpo_mixture.notation import Z
    from dpo_mixture.proof import Differentiate, LimitOf

    d = Step("d", "", sp.Eq(sp.Derivative(Z, beta), 0), "", strategy=Differentiate())
    assert decide(d, context=(DEF_Z,)).verdict is not Verdict.PROVED
    lim = Step("l", "", sp.Eq(sp.Limit(beta * Z, beta, 0, "+"), 0), "", strategy=LimitOf())
    assert decide(lim, context=(DEF_Z,)).verdict is not Verdict.PROVED


def test_limits_ignore_hypotheses_on_the_limit_variable_and_discontinuities():
    from dpo_mixture.proof import LimitOf

    cases = [
        (sp.Eq(sp.Limit(sp.Max(beta, 1), beta, sp.oo), 1), (sp.Lt(beta, 1),)),  # the limit is oo
        (sp.Eq(sp.Limit(sp.sign(t - 1), t, 1, "+"), 0), ()),  # the limit is 1
        (sp.Eq(sp.Limit(sp.floor(t), t, 1, "-"), 1), ()),  # the limit is 0
    ]
    for claim, hyps in cases:
        step = Step("l", "", claim, "", strategy=LimitOf(), hypotheses=hyps, search_samples=20)
        assert decide(step).verdict is not Verdict.PROVED, claim


def test_the_reference_model_is_positive_on_its_support():
    from dpo_mixture import model
    from dpo_mixture.notation import k, p_U

    assert sign(model.mixture_reference(k)) == "pos"
    assert sign(alpha * model.component_moment(p_A) + (1 - alpha) * model.component_moment(p_U)) == "pos"
    assert sign(p_A[y] + p_U[y]) == "nonneg"  # not a mixture with weights alpha, 1 - alpha
