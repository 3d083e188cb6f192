"""Standard facts decided as claims: proved with the lemma library, false variants refuted."""

from __future__ import annotations

import pytest
import sympy as sp

from dpo_mixture import check_claim
from dpo_mixture.proof import Verdict

TRUE = [
    "KL(p_theta, p_ref) >= 0",
    "KL(p_ref, p_theta) >= 0",
    "E(p_theta, r) >= E(p_ref, r)",
    "log(Z) >= E(p_ref, r)/beta",
    "log(Z) <= max(r)/beta",
    "E(p_theta, r) <= max(r)",
    "KL(p_theta, p_ref) <= (max(r) - min(r))/beta",
    "E(p_theta, r) >= E(p_ref, r) + beta*KL(p_theta, p_ref)",
    "Var(p_theta, r) >= 0",
]
FALSE = [
    "KL(p_theta, p_ref) >= 1/100",
    "E(p_theta, r) <= E(p_ref, r)",
    "log(Z) >= max(r)/beta",
    "E(p_theta, r) >= max(r)",
    "KL(p_theta, p_ref) <= (max(r) - min(r))/(2*beta)",
    "Var(p_theta, r) > 0",
]


@pytest.mark.parametrize("claim", TRUE)
def test_standard_facts_are_proved(claim):
    result = check_claim(claim)
    assert result.verdict is Verdict.PROVED, result.method


@pytest.mark.parametrize("claim", FALSE)
def test_their_false_variants_are_refuted(claim):
    result = check_claim(claim)
    assert result.verdict is Verdict.REFUTED, result.method


def test_user_names_with_let():
    assert check_claim("KL(pi, p_ref) >= 0", let={"pi": "distribution"}).verdict is Verdict.PROVED
    assert check_claim("KL(pi, rho) >= 1/10", let={"pi": "distribution", "rho": "distribution"}).verdict is Verdict.REFUTED
    bt = "-log(exp(a)/(exp(a)+exp(b))) == log(1+exp(b-a))"
    assert check_claim(bt, let={"a": "scalar", "b": "scalar"}).verdict is Verdict.PROVED
    wrong = "-log(exp(a)/(exp(a)+exp(b))) == log(1+exp(a-b))"
    assert check_claim(wrong, let={"a": "scalar", "b": "scalar"}).verdict is Verdict.REFUTED
    with pytest.raises(ValueError, match="unknown kind 'blob'"):
        check_claim("x > 0", let={"x": "blob"})
    with pytest.raises(ValueError, match="already a name"):
        check_claim("alpha > 0", let={"alpha": "scalar"})
    # a reserved word could never appear in a claim: the declaration is refused, not the claim
    for word in ("lambda", "None", "True", "if", "and"):
        with pytest.raises(ValueError, match=f"--let: '{word}' is a reserved word"):
            check_claim(f"{word} >= 0", let={word: "temperature"})


def test_sigmoid_and_logsigmoid():
    assert check_claim("sigmoid(a) + sigmoid(-a) == 1", let={"a": "scalar"}).verdict is Verdict.PROVED
    assert check_claim("logsigmoid(a) <= 0", let={"a": "scalar"}).verdict is not Verdict.REFUTED
    assert check_claim("sigmoid(a) > 1/2", let={"a": "scalar"}).verdict is Verdict.REFUTED


def test_derivatives_and_limits_in_claims():
    assert check_claim("diff(log(Z), beta) == -E(p_theta, r)/beta**2").verdict is Verdict.PROVED
    assert check_claim("diff(log(Z), beta) == E(p_theta, r)/beta**2").verdict is Verdict.REFUTED
    assert check_claim("limit(TPM_A, beta, oo) == alpha").verdict is Verdict.PROVED
    # a limit the search cannot evaluate: honest about it, never refuted
    wrong = check_claim("limit(TPM_A, beta, oo) == 1/2", samples=40)
    assert wrong.verdict is Verdict.UNDECIDED and "cannot evaluate" in wrong.method


def test_sympy_relations_from_python():
    from dpo_mixture import model
    from dpo_mixture.notation import p_ref, p_theta, y

    claim = sp.Ge(model.kl(p_theta[y], p_ref[y]), 0)
    assert check_claim(claim).verdict is Verdict.PROVED


def test_a_hypothesis_fixing_a_scalar_is_honoured():
    # false exactly at alpha = 1/3 (whenever M_A > M_U): the search uses the fixed value
    assert check_claim("TPM_A <= alpha", "alpha == 1/3").verdict is Verdict.REFUTED


def test_the_log_odds_of_a_sigmoid_is_its_argument():
    """log sigma(z) - log sigma(-z) = z needs log(e^z + 1) = z + log(1 + e^{-z}): the normal form
    writes a log of exponentials from one canonical term."""
    let = {"z": "scalar"}
    assert check_claim("logsigmoid(z) - logsigmoid(-z) == z", let=let).verdict is Verdict.PROVED
    assert check_claim("log(1 + exp(z)) - z == log(1 + exp(-z))", let=let).verdict is Verdict.PROVED
    assert check_claim("logsigmoid(z) - logsigmoid(-z) == 2*z", let=let).verdict is Verdict.REFUTED
