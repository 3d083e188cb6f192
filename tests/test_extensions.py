"""Residual floors, sensitivity, limits, dominance and KL of the tuned model."""

from __future__ import annotations

import mpmath
import pytest

from dpo_mixture.derivations.closed_form import GIBBS
from dpo_mixture.derivations.extensions import DOMINANCE, KL, LIMITS, RESIDUAL, SENSITIVITY
from dpo_mixture.proof import Report, Verdict


@pytest.fixture(scope="module")
def report():
    return Report.run([GIBBS, RESIDUAL, SENSITIVITY, LIMITS, DOMINANCE, KL])


def test_every_verdict_is_expected(report):
    assert report.ok


@pytest.mark.parametrize("word", ["residual", "sensitivity", "limit", "dominance", "kl"])
def test_each_result_has_a_named_step(report, word):
    ids = [r.step.id for r in report.all_results]
    assert any(word in i for i in ids)


def test_only_the_dominance_characterization_is_cited(report):
    """The cited dominance fact is assumed, and so is the step that rests on it, naming it."""
    assumed = {r.step.id: r.outcome for r in report.all_results if r.outcome.verdict is Verdict.ASSUMED}
    assert sorted(assumed) == ["dominance-mass", "dominance-moments"]
    assert "Shaked" in assumed["dominance-moments"].assumed[0]
    assert "dominance-moments" in assumed["dominance-mass"].assumed[0]


def test_sensitivity_formula_against_a_finite_difference():
    with mpmath.workdps(40):
        r, pa, pu, alpha = [1, -2, 3], [0.2, 0.8, 0], [0.5, 0.25, 0.25], mpmath.mpf(0.4)

        def tpm(t):
            ma = mpmath.fsum(a * mpmath.exp(t * v) for a, v in zip(pa, r))
            mu = mpmath.fsum(u * mpmath.exp(t * v) for u, v in zip(pu, r))
            return alpha * ma / (alpha * ma + (1 - alpha) * mu), ma, mu

        t = mpmath.mpf("0.7")
        value, ma, mu = tpm(t)
        ea = mpmath.fsum(a * v * mpmath.exp(t * v) for a, v in zip(pa, r)) / ma
        eu = mpmath.fsum(u * v * mpmath.exp(t * v) for u, v in zip(pu, r)) / mu
        claimed = value * (1 - value) * (ea - eu)
        assert abs(mpmath.diff(lambda s: tpm(s)[0], t) - claimed) < mpmath.mpf("1e-25")
