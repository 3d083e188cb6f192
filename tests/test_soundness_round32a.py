"""Review round 32 (kernel): the certificate's own expressions (lemma values, multipliers) are
name-checked with the statement, since SymPy compares substitutions by the printed text of
their points; and the variable of a substitution, derivative, limit or lambda is never a
quantity the model defines."""

from __future__ import annotations

import pytest
import sympy as sp

from dpo_mixture import Definition, Derivation, Step, Verdict, declare
from dpo_mixture.proof.strategies import Certificate, Using


@pytest.mark.parametrize("value", [sp.Symbol("w_r32a", negative=True), sp.Symbol("E", real=True)])
def test_a_lemma_value_that_prints_like_another_quantity_is_refused(value):
    """K [x]_{x=v} = K v instantiated at a second w (negative, beside the statement's positive
    w) let K [x]_{x=w} cancel, and K w < 0 was proved for w > 0."""
    x, v = declare.scalar("x_r32a"), declare.scalar("v_r32a")
    w = declare.scalar("w_r32a", positive=True)
    point = w if value.name != "E" else sp.E
    k = sp.exp(10**8)
    lemma = Step("subs_id", "", sp.Eq(k * sp.Subs(x, x, v), k * v, evaluate=False), "x")
    bad = Step("neg", "", sp.Lt(k * sp.Subs(x, x, point), 0, evaluate=False), "x",
               strategy=Using("subs_id", {v: value}, then=Certificate((sp.Integer(-1),))), search_samples=10)
    results = {r.step.id: r.outcome for r in Derivation(id="d", title="t", steps=(lemma, bad)).check()}
    assert results["subs_id"].verdict is Verdict.PROVED
    assert results["neg"].verdict is not Verdict.PROVED


def test_the_variable_of_a_substitution_is_not_a_defined_quantity():
    """[V/2]_{V=1} = s with V := 2s was proved: unfolding V inside the body left nothing for
    the substitution to act on."""
    s = declare.scalar("s_r32a")
    v = sp.Symbol("V_r32a", positive=True)
    d = Derivation(id="sv", title="t", context=(Definition("V", v, 2 * s),),
                   steps=(Step("sv", "", sp.Eq(sp.Subs(v / 2, v, 1), s, evaluate=False), "x", search_samples=10),))
    (result,) = d.check()
    assert result.outcome.verdict is not Verdict.PROVED


def test_a_claim_substituting_for_the_partition_function_is_not_proved():
    from dpo_mixture.notation import Z
    from dpo_mixture.proof import decide
    from dpo_mixture.claims.vocabulary import FACTS

    k = sp.exp(10**8)
    step = Step("z", "", sp.Eq(k * sp.Subs(sp.log(Z), Z, 1), k * sp.log(Z), evaluate=False), "x", facts=FACTS)
    assert decide(step, samples=10, audit=0, context=FACTS).verdict is not Verdict.PROVED
