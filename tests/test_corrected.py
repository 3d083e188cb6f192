"""The corrected theorem: exact gap identity, the iff and the weakest hypothesis."""

from __future__ import annotations

import mpmath
import pytest

from dpo_mixture.derivations.corrected import CORRECTED
from dpo_mixture.proof import Report, Verdict


@pytest.fixture(scope="module")
def report():
    return Report.run([CORRECTED])


def test_all_corrected_steps_proved(report):
    assert report.ok
    assert all(r.outcome.verdict is Verdict.PROVED for r in report.all_results)
    assert all(r.outcome.counterexample is None for r in report.all_results)


def test_gap_identity_numerically_on_a_sparse_instance():
    with mpmath.workdps(50):
        alpha, beta = mpmath.mpf(1) / 3, mpmath.mpf(1) / 2
        r = [mpmath.mpf(v) for v in (2, -1, 0, 5)]
        pa = [mpmath.mpf(v) for v in (0.5, 0.5, 0, 0)]
        pu = [mpmath.mpf(v) for v in (0, 0.25, 0.25, 0.5)]
        tilt = [mpmath.exp(v / beta) for v in r]
        ma = mpmath.fsum(a * e for a, e in zip(pa, tilt))
        mu = mpmath.fsum(u * e for u, e in zip(pu, tilt))
        z = alpha * ma + (1 - alpha) * mu
        assert abs((alpha * ma / z - alpha) - alpha * (1 - alpha) * (ma - mu) / z) < mpmath.mpf("1e-45")
