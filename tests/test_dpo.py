"""DPO: reparametrization, cancellation of Z and the loss."""

from __future__ import annotations

import math

from dpo_mixture.derivations.dpo import DPO
from dpo_mixture.proof import Report, Verdict


def test_dpo_steps_proved():
    report = Report.run([DPO])
    assert report.ok
    assert [r.outcome.verdict for r in report.all_results] == [Verdict.PROVED] * 4


def test_loss_is_invariant_to_the_partition_constant():
    beta, lw, ll, rw, rl = 0.5, -1.2, -0.4, -1.0, -0.9

    def loss(shift):
        margin = beta * (lw - rw) + shift - (beta * (ll - rl) + shift)
        return -math.log(1 / (1 + math.exp(-margin)))

    assert abs(loss(0.0) - loss(3.7)) < 1e-12
