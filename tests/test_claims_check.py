"""check_claim: true statements of MATH.md are proved or never refuted; false variants are
refuted by counterexamples that an independent computation confirms."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from dpo_mixture.claims import ClaimSyntaxError, ClaimVerdict, check_claim
from dpo_mixture.claims.check import QUICK_SAMPLES
from dpo_mixture.proof import Verdict

PROVED = [
    ("TPM_A + TPM_U == 1", ()),
    ("TPM_A - alpha == alpha*(1-alpha)*(E(p_A, exp(r/beta)) - E(p_U, exp(r/beta)))/Z", ()),
    ("p_theta >= 0", ()),
    ("p_theta == alpha_A*p_A + alpha_U*p_U", ()),
    ("Z == alpha*E(p_A, exp(r/beta)) + (1-alpha)*E(p_U, exp(r/beta))", ()),
    ("KL(p_theta, p_ref) == E(p_theta, r)/beta - log(Z)", ()),
    ("n*E_unif(p_ref) == 1", ()),
    ("sum(p_theta) == 1", ()),
    ("TPM_A >= alpha", ("E(p_A, exp(r/beta)) >= E(p_U, exp(r/beta))",)),
    ("TPM_U <= 1 - alpha", ("E(p_A, exp(r/beta)) >= E(p_U, exp(r/beta))",)),
]

NEVER_REFUTED = [
    ("TPM_U >= (1-alpha)*exp(-(max(r)-min(r))/beta)", ()),
    ("p_theta >= p_ref*exp(-(max(r)-min(r))/beta)", ()),
    ("0 < TPM_U and TPM_A < 1", ()),
    ("KL(p_theta, p_ref) >= 0", ()),
    ("log(exp(max(r)/beta)) == max(r)/beta", ()),
]

REFUTED = [
    ("TPM_A + TPM_U == 1 + alpha/100", ()),
    ("TPM_A <= alpha", ()),
    ("p_theta <= p_ref", ()),
    ("TPM_A >= alpha", ("Cov_unif(r, p_A) > 0 and Cov_unif(r, p_U) < 0",)),
    ("TPM_U <= 1 - alpha", ("Cov_unif(r, p_A) > 0", "Cov_unif(r, p_U) < 0")),
    ("TPM_A - alpha == alpha*(1-alpha)*(E(p_A, exp(r/beta)) - E(p_U, exp(r/beta)))", ()),
    ("Cov_unif(r, p_A) >= 0", ()),
]


@pytest.mark.parametrize("claim, assume", PROVED)
def test_true_statements_are_proved(claim, assume):
    result = check_claim(claim, assume)
    assert result.verdict is Verdict.PROVED, result.method
    assert result.counterexample is None and result.samples <= QUICK_SAMPLES


@pytest.mark.parametrize("claim, assume", NEVER_REFUTED)
def test_true_statements_are_never_refuted(claim, assume):
    result = check_claim(claim, assume, samples=300, seed=3)
    assert result.verdict is not Verdict.REFUTED, result.counterexample
    if result.verdict is Verdict.UNDECIDED:
        assert result.samples == 300 and "300 instances" in result.method


def _instance(ce: dict) -> dict:
    return {k: ([Fraction(x) for x in v] if isinstance(v, list) else Fraction(v)) for k, v in ce.items()}


def _masses(v: dict) -> tuple:
    """TPM(A), TPM(U) at 50 digits, computed from the formulas directly."""
    with mpmath.workdps(50):
        a, b = mpmath.mpf(v["alpha"].numerator) / v["alpha"].denominator, mpmath.mpf(v["beta"].numerator) / v["beta"].denominator
        tilt = [mpmath.exp((mpmath.mpf(x.numerator) / x.denominator) / b) for x in v["r"]]
        m_a = sum(mpmath.mpf(p.numerator) / p.denominator * t for p, t in zip(v["p_A"], tilt))
        m_u = sum(mpmath.mpf(p.numerator) / p.denominator * t for p, t in zip(v["p_U"], tilt))
        z = a * m_a + (1 - a) * m_u
        return a * m_a / z, (1 - a) * m_u / z


def _cov(f, g) -> Fraction:
    m = len(f)
    return sum(x * y for x, y in zip(f, g)) / m - sum(f) * sum(g) / m**2


def _valid(v: dict) -> None:
    assert 0 < v["alpha"] < 1 and v["beta"] > 0
    for comp in ("p_A", "p_U"):
        assert sum(v[comp]) == 1 and min(v[comp]) >= 0
    support = [v["alpha"] * a + (1 - v["alpha"]) * u for a, u in zip(v["p_A"], v["p_U"])]
    assert min(support) > 0 and len(support) >= 2


@pytest.mark.parametrize("claim, assume", REFUTED)
def test_false_variants_are_refuted(claim, assume):
    result = check_claim(claim, assume)
    assert result.verdict is Verdict.REFUTED, result.method
    assert "confirmed" in result.method
    assert result.counterexample is not None and 1 <= result.samples <= 400
    assert result.evidence  # the sides of the conclusion at the instance


def test_theorem2_counterexample_is_genuine():
    """The seed's Theorem 2: both covariance hypotheses hold, yet TPM(A) < alpha."""
    result = check_claim("TPM_A >= alpha", "Cov_unif(r, p_A) > 0 and Cov_unif(r, p_U) < 0")
    assert result.verdict is Verdict.REFUTED
    v = _instance(result.counterexample)
    _valid(v)
    assert _cov(v["r"], v["p_A"]) > 0 and _cov(v["r"], v["p_U"]) < 0  # exact rationals
    tpm_a, _ = _masses(v)
    assert tpm_a < mpmath.mpf(v["alpha"].numerator) / v["alpha"].denominator - mpmath.mpf("1e-10")
    assert len(v["r"]) <= 4  # shrunk toward a small support


def test_gap_counterexample_is_genuine():
    result = check_claim("TPM_A <= alpha")
    v = _instance(result.counterexample)
    _valid(v)
    tpm_a, tpm_u = _masses(v)
    assert tpm_a > mpmath.mpf(v["alpha"].numerator) / v["alpha"].denominator
    assert abs(tpm_a + tpm_u - 1) < mpmath.mpf("1e-40")


def test_rational_claims_are_confirmed_exactly():
    result = check_claim("n*E_unif(p_A) > 1")
    assert result.verdict is Verdict.REFUTED
    assert "exactly" in result.method


def test_vector_counterexample_shows_every_output():
    result = check_claim("p_theta <= p_ref")
    (sides,) = result.evidence.values()
    assert sides.startswith("lhs = [") and "rhs = [" in sides


def test_verdict_fields_and_json():
    result = check_claim("TPM_A + TPM_U == 1")
    assert isinstance(result, ClaimVerdict)
    assert set(result.to_json()) == {"verdict", "method", "samples", "counterexample"}
    assert result.to_json()["verdict"] == "proved" and result.exit_code == 0
    refuted = check_claim("TPM_A <= alpha").to_json()
    assert refuted["verdict"] == "refuted"
    assert all(isinstance(x, str) for v in refuted["counterexample"].values() for x in (v if isinstance(v, list) else [v]))
    for value in refuted["counterexample"].values():  # the report's schema: sympify parses every value
        for x in value if isinstance(value, list) else [value]:
            assert sp.sympify(x).is_Rational


def test_undecided_says_how_many_instances():
    result = check_claim("TPM_U >= (1-alpha)*exp(-(max(r)-min(r))/beta)", samples=25)
    assert result.verdict is Verdict.UNDECIDED and result.samples == 25
    assert "25 instances" in result.method and result.exit_code == 3


def test_progress_is_reported():
    calls = []
    check_claim("p_theta >= p_ref*exp(-(max(r)-min(r))/beta)", samples=10, progress=lambda i, t: calls.append((i, t)))
    assert calls[-1] == (10, 10)


def test_bad_input():
    with pytest.raises(ClaimSyntaxError):
        check_claim("alpha < x")
    with pytest.raises(ClaimSyntaxError):
        check_claim("alpha < 1", ["beta > 0", "open('x') > 0"])
    with pytest.raises(ValueError, match="samples"):
        check_claim("alpha < 1", samples=-1)
    with pytest.raises(TypeError):
        check_claim("alpha < 1", [1])


def test_a_plans_certificates_are_made_one_at_a_time():
    """A plan that proposes lazily makes its next certificate only when the kernel asks for it
    (the kernel accepts the first one it can; making all of them up front cost a lemma claim
    twice its time), and a plan that fails part way ends its own stream, not the claim."""
    from dpo_mixture.claims.check import _Attempts
    from dpo_mixture.proof import Step
    from dpo_mixture.proof.certificate import ProofCertificate
    from dpo_mixture.proof.strategies import Strategy

    made = []

    class Lazy(Strategy):
        name = "lazy"

        def propose(self, step, context):
            for i in range(3):
                made.append(i)
                yield ProofCertificate("normal-form", (), (), (), step.claim, (), proposer=f"lazy {i}")
            raise RuntimeError("a strategy that breaks after three proposals")

    x = sp.Symbol("x")
    step = Step("s", "s", sp.Ge(x**2, 0), "")
    stream = _Attempts._one_by_one([(Lazy(), (), "")], step, None)
    first = next(stream)
    assert first.proposer == "lazy 0" and made == [0]
    assert [c.proposer for c in stream] == ["lazy 1", "lazy 2"] and made == [0, 1, 2]
