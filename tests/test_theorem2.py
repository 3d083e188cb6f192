"""The seed's Theorem 2 and the steps of its proof get the verdicts the engine computes."""

from __future__ import annotations

import json

import pytest
import sympy as sp

from dpo_mixture.derivations.theorem2 import SEED_PROOF, THEOREM2
from dpo_mixture.derivations.tpm import TPM
from dpo_mixture.proof import decide, Certificate, Report, Step, Verdict

REFUTED = {"seed-theorem2", "seed-monotone-transfer-A", "seed-monotone-transfer-U", "seed-conclusion"}


@pytest.fixture(scope="module")
def report():
    return Report.run([TPM, THEOREM2, SEED_PROOF])


def test_every_verdict_is_expected(report):
    assert report.ok, [(r.step.id, r.outcome.verdict) for r in report.all_results if not r.ok]


def test_tpm_steps_are_proved(report):
    for step_id in ("tpm-A-closed", "tpm-U-closed", "tpm-total-one", "tpm-bounds"):
        assert report.result(step_id).outcome.verdict is Verdict.PROVED


def test_refuted_steps_carry_a_counterexample(report):
    for result in report.all_results:
        if result.step.id in REFUTED:
            assert result.outcome.verdict is Verdict.REFUTED
            data = result.to_json()["counterexample"]
            assert data and {"alpha", "beta", "r", "p_A", "p_U"} <= set(data)
        else:
            assert result.outcome.verdict is Verdict.PROVED, result.step.id
    json.dumps(report.to_json())


def test_the_valid_steps_of_the_proof_are_proved(report):
    for step_id in ("seed-divide", "seed-reciprocate", "seed-card-mean", "seed-skeleton", "seed-tpm-as-mean"):
        assert report.result(step_id).outcome.verdict is Verdict.PROVED


def test_theorem_step_shows_covariances_and_masses():
    step = THEOREM2.steps[0]
    assert len(step.show) == 4 and step.expected is Verdict.REFUTED


def test_certificate_refuses_wrong_multipliers():
    a, b = sp.symbols("a b", positive=True)
    step = Step("wrong", "a > b implies a/b > 2", sp.Gt(a / b, 2), "", hypotheses=(sp.Gt(a, b),),
                strategy=Certificate((1 / b,)), search_samples=50)
    assert decide(step).verdict is Verdict.REFUTED
    negative = Step("neg", "negative multiplier", sp.Gt(b, a), "", hypotheses=(sp.Gt(a, b),),
                    strategy=Certificate((-1,)), search_samples=50)
    out = decide(negative)
    assert out.verdict is not Verdict.PROVED and out.certificate is None
