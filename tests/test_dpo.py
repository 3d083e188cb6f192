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


def test_the_cancellation_is_shown_before_it_happens():
    import sympy as sp

    from dpo_mixture.derivations.dpo import MARGIN, REWARD_GAP
    from dpo_mixture.notation import Z, beta
    from dpo_mixture.render import latex

    step = next(s for s in DPO.steps if s.id == "dpo-partition-cancels")
    lhs, rhs = latex(step.claim.lhs), latex(step.claim.rhs)
    assert lhs != rhs
    assert lhs.count(latex(beta * sp.log(Z))) == 2 and latex(beta * sp.log(Z)) not in rhs
    assert step.claim.lhs == REWARD_GAP and step.claim.rhs == MARGIN


def test_a_wrong_cancellation_is_not_proved():
    import sympy as sp

    from dpo_mixture.derivations.dpo import MARGIN, REWARD_GAP
    from dpo_mixture.proof import Step, decide

    wrong = Step("dpo-wrong", "twice the margin", sp.Eq(REWARD_GAP, 2 * MARGIN, evaluate=False), "wishful")
    assert decide(wrong, samples=50).verdict is not Verdict.PROVED


def test_the_loss_is_written_as_dpo_writes_it():
    from dpo_mixture.derivations.dpo import LOSS
    from dpo_mixture.render import latex

    tex = latex(LOSS)
    assert tex.startswith("- \\mathbb{E}_{(x, y_w, y_l) \\sim \\mathcal{D}}\\left[\\log \\sigma\\left(\\beta \\log \\frac{p_{\\theta}(y_{w}")
    assert "- \\beta \\log \\frac{p_{\\theta}(y_{l}" in tex
