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
