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


def test_split_sums_pulls_out_constants_and_normal_forms_rename_indices():
    k = sp.Symbol("k", integer=True, positive=True)
    assert split_sums(S(beta * p[k], k)) == beta * S(p[k], k)
    assert normal_form(S(beta * p[k], k)) == beta * normal_form(S(p[y]))
    assert normal_form(S(p[k], k)).atoms(sp.Sum).pop().limits[0][0] not in (k, y)


def test_normal_form_uses_only_cited_identities():
    norm = Identity("normalization", S(p[y]), 1)
    assert normal_form(S(2 * p[y]), [norm]) == 2
    assert normal_form(S(2 * p[y])) == 2 * normal_form(S(p[y]))
    assert normal_form(S(2 * p[y])) != 2


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
        (S(p_A[y]), "pos"),  # a declared distribution sums to one, so some entry is positive
        (S(p_A[y] * r[y]), None),
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
    with_hyp = Step("s", "t", claim, "", hypotheses=(sp.Gt(a / b, c / d),), strategy=Implication())
    assert decide(with_hyp).verdict is Verdict.PROVED
    assert decide(Step("s", "t", claim, "", strategy=Implication(), search_samples=50)).verdict is Verdict.REFUTED


def test_convex_minimum_rejects_a_false_bound():
    step = Step("s", "log t >= t - 1", sp.Ge(sp.log(t), t - 1), "", strategy=ConvexMinimum(t))
    assert decide(step).verdict is Verdict.REFUTED


def test_normal_form_does_not_prove_a_false_equality():
    step = Step("s", "t", sp.Eq(S(p[y] * r[y]), S(r[y]) / 2), "", strategy=NormalForm())
    assert decide(step).verdict is Verdict.REFUTED


def test_cited_steps_are_assumed_not_proved():
    # a citation is assumed, naming its source, unless the audit search refutes what it cites
    step = Step("c", "outside", sp.Le(sp.exp(-beta), 1, evaluate=False), "a citation", strategy=Cite("somewhere"), expected=Verdict.ASSUMED)
    out = decide(step)
    assert out.verdict is Verdict.ASSUMED and "somewhere" in out.method and out.assumed
    false = Step("c2", "outside", sp.Lt(beta, 2), "a citation", strategy=Cite("somewhere"))
    assert decide(false).verdict is Verdict.REFUTED


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
    step = Step("eq", "a = b", sp.Eq(a, b), "", hypotheses=(sp.Gt(a, b),), strategy=Implication())
    assert decide(step).verdict is Verdict.REFUTED


def test_implication_ignores_trivial_hypotheses():
    a, b = sp.symbols("a b", positive=True)
    step = Step("eq", "a = b", sp.Eq(a, b), "", hypotheses=(sp.Eq(a, a, evaluate=False),), strategy=Implication())
    assert decide(step).verdict is not Verdict.PROVED


def test_termwise_needs_its_lemma_to_be_cited():
    from dpo_mixture.proof import Termwise

    lemma = t - 1 - sp.log(t)
    claim = sp.Le(S(p[y] * sp.log(q[y] / p[y])), S(p[y] * (q[y] / p[y] - 1)))
    bound = Step("bound", "log t <= t - 1", sp.Le(sp.log(t), t - 1), "", strategy=ConvexMinimum(t))
    bare = Step("tw", "termwise", claim, "", strategy=Termwise(lemma, t, q[y] / p[y]), search_samples=50)
    cited = Step("tw2", "termwise", claim, "", strategy=Termwise(lemma, t, q[y] / p[y]), uses=("bound",))
    # a hypothesis about t is about one t, not every t: it cannot stand in for the lemma
    as_hyp = Step("tw3", "termwise", claim, "", strategy=Termwise(lemma, t, q[y] / p[y]),
                  hypotheses=(sp.Le(sp.log(t), t - 1),), search_samples=50)
    results = {r.step.id: r.outcome.verdict for r in Derivation("d", "d", (bound, bare, cited, as_hyp)).check()}
    assert results == {"bound": Verdict.PROVED, "tw": Verdict.UNDECIDED, "tw2": Verdict.PROVED, "tw3": Verdict.UNDECIDED}


def test_termwise_does_not_prove_a_strict_inequality():
    from dpo_mixture.proof import Termwise

    claim = sp.Lt(S(p[y] * sp.log(q[y] / p[y])), S(p[y] * (q[y] / p[y] - 1)))
    bound = Step("bound", "log t <= t - 1", sp.Le(sp.log(t), t - 1), "", strategy=ConvexMinimum(t))
    step = Step("tw", "strict", claim, "", strategy=Termwise(t - 1 - sp.log(t), t, q[y] / p[y]), uses=("bound",))
    results = Derivation("d", "d", (bound, step)).check()
    assert results[1].outcome.verdict is not Verdict.PROVED


def test_a_conditional_step_passes_its_hypotheses_on():
    a, b = sp.symbols("a b", positive=True)
    first = Step("first", "a/b > 1", sp.Gt(a / b, 1), "", hypotheses=(sp.Gt(a, b),), strategy=Implication())
    second = Step("second", "2a > 2b", sp.Gt(2 * a, 2 * b), "", given=("first",), strategy=Implication())
    results = Derivation("d", "d", (first, second)).check()
    assert [r.outcome.verdict for r in results] == [Verdict.PROVED, Verdict.PROVED]
    # the second statement holds under the first one's hypothesis, and says so
    assert results[1].assumptions == (sp.Gt(a, b),)


def test_stationarity_is_a_derivative_identity_at_the_candidate():
    from dpo_mixture import model
    from dpo_mixture.derivations.closed_form import CONTEXT, P, SUMMAND
    from dpo_mixture.derivations.facts import DEF_P_STAR
    from dpo_mixture.notation import Z, lam, p_star
    from dpo_mixture.proof import Stationarity

    objective = model.objective(p[y])
    good = Step("st", "", sp.Eq(sp.Subs(sp.Derivative(SUMMAND, P), P, p_star[y]), beta * sp.log(Z) - beta), "",
                strategy=Stationarity(objective, p[y], lam), facts=(DEF_P_STAR,))
    assert decide(good, context=CONTEXT).verdict is Verdict.PROVED
    # without the model's definition of p*, p* would be a constant: not proved
    assert decide(good).verdict is not Verdict.PROVED
    # the wrong multiplier, or a statement that is not a derivative identity, is never proved
    bad = Step("st2", "", sp.Eq(sp.Subs(sp.Derivative(SUMMAND, P), P, p_star[y]), beta * sp.log(Z)), "",
               strategy=Stationarity(objective, p[y], lam), facts=(DEF_P_STAR,))
    assert decide(bad, context=CONTEXT).verdict is not Verdict.PROVED
    for claim in (sp.Eq(beta, model.closed_form()), sp.Eq(sp.Rational(1, 2), model.closed_form()), sp.Eq(p[y], model.closed_form())):
        step = Step("st3", "", claim, "", strategy=Stationarity(objective, p[y], lam), search_samples=50)
        assert decide(step).verdict is not Verdict.PROVED


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

    # with Z defined, the kernel unfolds it: d Z / d beta = 0 is false and not proved
    d = Step("d", "", sp.Eq(sp.Derivative(Z, beta), 0), "", strategy=Differentiate(), search_samples=20)
    assert decide(d, context=(DEF_Z,)).verdict is not Verdict.PROVED
    # without a definition, a derived quantity of the model may not be treated as a constant
    assert decide(d).verdict is not Verdict.PROVED
    lim = Step("l", "", sp.Eq(sp.Limit(beta * Z, beta, 0, "+"), 0), "", strategy=LimitOf(), search_samples=20)
    assert decide(lim).verdict is not Verdict.PROVED


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
    from dpo_mixture.derivations.facts import DEF_MIXTURE
    from dpo_mixture.notation import k, p_U
    from dpo_mixture.proof import Theory
    from dpo_mixture.proof.sign import sign_context

    # only in a model where the mixture defines p_ref (and so the support) is it positive
    assert sign(model.mixture_reference(k)) == "nonneg"
    with sign_context(Theory.of((DEF_MIXTURE,)).sign_context()):
        assert sign(model.mixture_reference(k)) == "pos"
        assert sign(p_A[y] + p_U[y]) == "nonneg"  # not the support's defining expression
    assert sign(alpha * model.component_moment(p_A) + (1 - alpha) * model.component_moment(p_U)) == "pos"


@pytest.mark.parametrize("g", [
    sp.log(sp.Symbol("s", positive=True)) - sp.Symbol("s", positive=True) + 1,
    sp.exp(sp.Symbol("x")) - 1 - sp.Symbol("x"),
    sp.Symbol("s", positive=True) * sp.log(sp.Symbol("s", positive=True)),
    sp.Symbol("x") + 1 / sp.Symbol("x"),
    sp.exp(2 * sp.Symbol("x")) - 3 * sp.exp(sp.Symbol("x")) + sp.Symbol("x"),
    sp.Symbol("x") * sp.log(sp.Symbol("x")) ** 2,
    sp.Symbol("x") ** 2 + sp.exp(sp.Symbol("x")),  # no polynomial form: solve's answer
])
def test_convex_minimum_finds_the_points_solve_finds(g):
    from dpo_mixture.proof.strategies import _stationary_points

    (x,) = g.free_symbols
    derivative = sp.diff(g, x)
    assert set(_stationary_points(derivative, x)) == set(sp.solve(sp.Eq(derivative, 0), x))


def test_convex_minimum_of_the_library_needs_no_solver_import():
    """The library's tangent bounds are proved without ``solve`` or ``simplify``, whose first
    call imports ``sympy.physics.units`` (a sixth of a second on every command)."""
    import subprocess
    import sys

    code = ("import sys; from dpo_mixture.lemmas import establish; "
            "res = establish(['lib.log-bound', 'lib.exp-bound', 'lib.log-bound-equality'], {}); "
            "print(sorted(r.outcome.verdict.value for r in res.values()), 'sympy.physics' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["['proved',", "'proved',", "'proved']", "False"]
