"""Review round 24: inexact numbers in certificate data, infinite values, and violations finer
than float64."""

from __future__ import annotations

import pytest
import sympy as sp

from dpo_mixture import Certificate, Derivation, Step, Verdict, check_claim, declare
from dpo_mixture.proof import decide
from dpo_mixture.proof.certificate import Instance
from dpo_mixture.proof.kernel import KernelError, _check_nodes
from dpo_mixture.proof.strategies import Strategy

z = declare.scalar("z_r24")
s = declare.scalar("s_r24")
x = declare.scalar("x_r24")
TINY = sp.Rational(1, 2**70)


@pytest.mark.parametrize("claim, multiplier", [
    (sp.Eq(z, 1, evaluate=False), sp.Float(1)),
    (sp.Le(z, 1, evaluate=False), sp.Float(-1)),
])
def test_a_float_multiplier_does_not_round_a_false_combination_true(claim, multiplier):
    """z = 1 + 2^-70 gives neither z = 1 nor z <= 1; with the multiplier 1.0, SymPy adds in
    floating point and (z - 1) - 1.0 (z - 1 - 2^-70) becomes 0."""
    step = Step("float-mult", "", claim, "", hypotheses=(sp.Eq(z, 1 + TINY, evaluate=False),),
                strategy=Certificate((multiplier,)))
    outcome = decide(step, samples=0, audit=0)
    assert outcome.verdict is not Verdict.PROVED
    assert "inexact number" in outcome.method + (outcome.detail or "")


class _FloatInstance(Strategy):
    name = "float instance"

    def propose(self, step, context):
        inst = (Instance("succ", ((s, sp.Float(2**70, 15)),)),)
        return context.certificate(step, "combination", self.name, instances=inst, multipliers=(sp.Integer(1),))


class _FloatPoint(Strategy):
    name = "float point"

    def propose(self, step, context):
        return context.certificate(step, "convex", self.name, instances=(), variable=x, point=sp.Float(2**60))


def test_a_float_lemma_value_does_not_make_a_false_fact():
    """s + 1 > s at s := 2.0**70 reads 2^70 > 2^70 in floating point, from which
    (z^2 - 2)^2 > 0 would follow for every z (false at sqrt 2)."""
    d = Derivation(id="float-inst", title="t", steps=(
        Step("succ", "", sp.Gt(s + 1, s, evaluate=False), ""),
        Step("bad", "", sp.Gt((z**2 - 2) ** 2, 0, evaluate=False), "", uses=("succ",), strategy=_FloatInstance(),
             search_samples=20),
    ))
    verdicts = {r.step.id: r.outcome.verdict for r in d.check()}
    assert verdicts == {"succ": Verdict.PROVED, "bad": Verdict.UNDECIDED}


def test_a_float_critical_point_does_not_absorb_a_negative_minimum():
    """x^2 - 2^61 x + 2^120 - 1 is -1 at x = 2^60; at the Float point 2.0**60 the -1 is lost."""
    step = Step("bad-convex", "", sp.Ge(x**2 - 2**61 * x + 2**120 - 1, 0, evaluate=False), "",
                strategy=_FloatPoint())
    assert decide(step, samples=50, audit=0).verdict is not Verdict.PROVED


@pytest.mark.parametrize("claim, message", [
    (sp.Eq((z + sp.Float(2**60)) ** 2 - sp.Float(2**120), z**2 + 2**61 * z + 1, evaluate=False), "inexact number"),
    (sp.Gt(sp.exp(sp.oo * z) + 1, sp.exp(sp.oo * z), evaluate=False), "not a finite number"),
    (sp.Gt(sp.Symbol("w", extended_real=True) + 1, sp.Symbol("w", extended_real=True), evaluate=False), "may be infinite"),
    (sp.Ge(sp.Symbol("v", extended_positive=True), 0, evaluate=False), "may be infinite"),
    (sp.Gt(sp.Symbol("u", extended_nonnegative=True) + 1, 0, evaluate=False), "may be infinite"),
])
def test_a_step_with_an_inexact_or_infinite_number_is_refused_when_built(claim, message):
    """Rounding proved the first; the next two read oo + 1 > oo; the last two are true, yet the
    search, which ignores extended_* assumptions, refuted them with -100."""
    with pytest.raises(ValueError, match=message):
        Step("s", "", claim, "")


def test_the_kernel_refuses_floats_and_infinities_in_anything_it_reads():
    for bad in (sp.Float("0.5") * z, z + sp.oo, sp.nan * z, sp.zoo, sp.Symbol("w", extended_real=True)):
        with pytest.raises(KernelError):
            _check_nodes(bad)
    b = declare.temperature("b_r24")
    _check_nodes(sp.Eq(sp.Limit(sp.exp(-b), b, sp.oo), 0, evaluate=False))  # a limit's point may be oo


@pytest.mark.parametrize("gap", [TINY, sp.Rational(1, 10**12)])
def test_a_violation_inside_the_float_rounding_band_is_found(gap):
    """beta = 1 + 2^-70 violates beta <= 1, though floats read both as 1."""
    out = check_claim("beta <= 1", [f"beta == 1 + {gap}"])
    assert out.verdict is Verdict.REFUTED
