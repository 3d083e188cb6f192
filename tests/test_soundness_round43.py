"""Review round 43: a chain of definitions is unfolded to its end, never cut after 8 rounds.

With W1 := W2, ..., W11 := W12, W12 := x + 1, eight rounds left W1 at W9: the lemma W1 - x = 1
cited at x := 0 then moved no definition (W9 does not mention x) and proved W1 = 1 for every
x, and the audit read W9 as a free quantity and "refuted" the true W1 - W2 = 0."""

from __future__ import annotations

import pytest
import sympy as sp

from dpo_mixture import Certificate, Definition, Derivation, Step, Verdict, declare
from dpo_mixture.proof.facts import UnfoldError, unfold

x = declare.scalar("x_r43")
s = declare.scalar("s_r43", positive=True)
W = [declare.scalar(f"W{i}_r43") for i in range(1, 13)]
CHAIN = tuple(Definition(f"W{i + 1}", W[i], W[i + 1]) for i in range(11)) + (Definition("W12", W[11], x + 1),)


def test_a_deep_chain_unfolds_to_its_end():
    assert unfold(W[0], CHAIN) == x + 1
    loop = (Definition("a", W[0], W[1] + 1), Definition("b", W[1], W[0] - 1))
    with pytest.raises(UnfoldError):
        unfold(W[0], loop)


def test_a_lemma_at_the_end_of_a_deep_chain_follows_its_instance():
    derivation = Derivation(id="deep_r43", title="t", context=CHAIN, steps=(
        Step("lemma", "", sp.Eq(W[0] - x, 1, evaluate=False), "", facts=CHAIN, search_samples=10),
        Step("use", "", sp.Eq(W[0], 1, evaluate=False), "", hypotheses=(sp.Eq(s**2, 2, evaluate=False),),
             strategy=Certificate((0, 1)), given=("lemma",), instantiate={x: 0}, facts=CHAIN, search_samples=10)))
    lemma, use = derivation.check()
    assert lemma.outcome.verdict is Verdict.PROVED and use.outcome.verdict is not Verdict.PROVED


def test_a_true_step_in_a_deep_chain_is_not_refuted():
    derivation = Derivation(id="deep_true_r43", title="t", context=CHAIN, steps=(
        Step("same", "", sp.Eq(W[0] - W[1], 0, evaluate=False), "", facts=CHAIN, search_samples=50),))
    (result,) = derivation.check()
    assert result.outcome.verdict is Verdict.PROVED and not result.outcome.soundness_error


def test_a_hypothesis_shown_in_another_written_form_counts_and_a_weaker_one_does_not():
    from dpo_mixture import Report, prose

    real = declare.scalar("x_xr43")
    step = Step("pos_r43", "", sp.Gt(real + 1, 2, evaluate=False), "", hypotheses=(sp.Gt(real, 1, evaluate=False),),
                strategy=Certificate((1,)), search_samples=10)

    def not_results(*shown):
        theorem = Derivation(id="forms_r43", title="t", kind="Theorem", statement=(step.claim,),
                             statement_text=prose("If ", *shown, ", then"), steps=(step,))
        return Report.run([theorem]).unproved_statements

    assert not not_results(sp.Lt(1, real, evaluate=False))
    assert not not_results(sp.Gt(real - 1, 0, evaluate=False))
    with pytest.raises(ValueError, match="whose hypotheses statement_text shows"):
        not_results(sp.Gt(real, 0, evaluate=False))  # weaker: the statement would overclaim


def test_an_integer_in_interval_arithmetic_is_an_exact_interval():
    """A sum's index was a Python int, so 1/k was a float: 1/3 fell below its value and SymPy
    (asking the interval) said sum_{k<=3} 1/k < 11/6, which is an equality."""
    from dpo_mixture.proof.number_signs import interval_sign

    k = sp.Symbol("k_r43", integer=True, positive=True)
    harmonic = sp.Sum(1 / k, (k, 1, 3))
    assert interval_sign(harmonic - sp.Rational(11, 6)) is None
    assert (harmonic - sp.Rational(11, 6)).is_negative is not True
    assert interval_sign(harmonic - sp.Rational(11, 7)) == "pos"


def test_a_definition_shared_by_name_but_not_by_meaning_is_unfolded():
    """Round 44: W := V + 1 in both models, V := x where the lemma was proved and V := 0 where
    it is cited.  The citing model read the lemma's W as its own, so W - x = 1 became 1 - x = 1
    and x = 0 was proved for every x."""
    v = declare.scalar("V_r44")
    w = declare.scalar("W_r44")
    shared = Definition("W", w, v + 1)
    there, here = (shared, Definition("V", v, x)), (shared, Definition("V", v, sp.Integer(0)))
    lemma = Derivation(id="lemma_r44", title="t", context=there, steps=(
        Step("lemma_r44", "", sp.Eq(w - x, 1, evaluate=False), "", facts=there, search_samples=10),))
    use = Derivation(id="use_r44", title="t", context=here, steps=(
        Step("use_r44", "", sp.Eq(x, 0, evaluate=False), "", hypotheses=(sp.Eq(s**2, 2, evaluate=False),),
             strategy=Certificate((0, -1)), given=("lemma_r44",), facts=here, search_samples=10),))
    from dpo_mixture import Report

    report = Report.run([lemma, use])
    assert report.results["lemma_r44"][0].outcome.verdict is Verdict.PROVED
    assert report.results["use_r44"][0].outcome.verdict is not Verdict.PROVED
