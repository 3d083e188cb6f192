"""Review round 46: an entry definition's other output is never captured by a sum.

``g(y) := r(j)`` (``j`` a fixed output) makes ``g`` constant: ``sum_j g(j) = n r(j)``.  Unfolding
put the body under the sum over ``j`` as it stood, so the sum captured its ``j`` and read
``sum_j r(j)``.  The normal form renames bound indices first and read it right, but the extremum
rule, a lemma instance's domain check, the definedness conditions and the search unfolded first:
false bounds were proved (``sum_j g(j) <= sum_j r(j) + max r - r(y)``, 10 <= 5 at r = (5, 0)),
``log S`` passed as defined where ``S = 0``, and the true ``sum_j g(j) = n r(j)`` was refuted."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import Certificate, Derivation, ExtremumBound, Step, Verdict, declare
from dpo_mixture.model import SupportMax
from dpo_mixture.notation import n
from dpo_mixture.proof.facts import Definition, unfold
from dpo_mixture.proof.normal_form import difference_is_zero

r = declare.reward("r_r46")
g = declare.reward("g_r46")
p = declare.distribution("p_r46")
j = declare.index("j_r46")
k = declare.index("k_r46")
y = declare.index("y_r46")
CONSTANT = Definition("g", g[y], r[j])
TILTED = Definition("g2", g[y], 2 * p[j] - p[y])


def _verdicts(*steps, context=()):
    return {res.step.id: res.outcome.verdict for res in Derivation("d_r46", "t", steps, context=context).check()}


def test_unfolding_under_a_sum_keeps_the_other_output_free():
    unfolded = unfold(sp.Sum(g[j], (j, 1, n)), (CONSTANT,))
    assert difference_is_zero(unfolded, n * r[j])[0]
    assert j in unfolded.free_symbols


def test_a_bound_read_through_a_captured_sum_is_not_proved():
    step = Step("bound_r46", "", sp.Le(sp.Sum(g[j], (j, 1, n)), sp.Sum(r[j], (j, 1, n)) + SupportMax(r[k], k) - r[y]),
                "", facts=(CONSTANT,), strategy=ExtremumBound(y))
    assert _verdicts(step, context=(CONSTANT,))["bound_r46"] is not Verdict.PROVED


def test_a_lemma_instance_at_a_captured_sum_is_not_in_the_domain():
    c = declare.temperature("c_r46")
    total = sp.Sum(g[j], (j, 1, n))  # 2 n p(j) - 1: -1/2 at n = 2, p = (1/8, 7/8), j = 1
    verdicts = _verdicts(
        Step("c_r46", "", sp.Gt(c, 0, evaluate=False), ""),
        Step("s_r46", "", sp.Gt(total, 0), "", facts=(TILTED,), given=("c_r46",), instantiate={c: total},
             strategy=Certificate((1,))),
        Step("log_r46", "", sp.Gt(sp.log(total) + 1, sp.log(total)), "", facts=(TILTED,)),
        context=(TILTED,))
    assert verdicts["s_r46"] is not Verdict.PROVED and verdicts["log_r46"] is not Verdict.PROVED


def test_the_sum_of_a_constant_entry_is_not_refuted():
    step = Step("const_r46", "", sp.Eq(sp.Sum(g[j], (j, 1, n)), n * r[j]), "", facts=(CONSTANT,))
    assert _verdicts(step, context=(CONSTANT,))["const_r46"] is Verdict.PROVED
