"""Review round 33: what a cited lemma brings in is read like the statement (a lemma proved
about a free V, cited where V := 2s, read [V/2]_{V=1} as s)."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import Definition, Derivation, Step, Verdict, declare
from dpo_mixture.proof.strategies import Certificate


def test_a_lemmas_substitution_over_a_quantity_the_citing_model_defines_is_refused():
    s = declare.scalar("s_r33")
    v = declare.scalar("V_r33")
    k = sp.exp(10**8)
    lemma = Derivation(id="free", title="t", steps=(
        Step("half", "", sp.Eq(k * sp.Subs(v / 2, v, 1), k / 2, evaluate=False), "x"),))
    definition = Definition("V", v, 2 * s)
    citing = Derivation(id="defined", title="t", context=(definition,), steps=(
        Step("s_half", "", sp.Eq(k * s, k / 2, evaluate=False), "x", strategy=Certificate((1,)), given=("half",),
             facts=(definition,), search_samples=10),))
    established = {r.step.id: r for r in lemma.check()}
    assert established["half"].outcome.verdict is Verdict.PROVED
    (result,) = citing.check(established=established)
    assert result.outcome.verdict is not Verdict.PROVED


def test_a_product_of_shifted_exponentials_goes_to_log_space():
    """exp(f) exp(g) is one exponent f + g: shifted by the two maxima, every term underflowed
    when the maxima sat at different outputs (-inf for -799.31)."""
    import numpy as np
    import pytest

    from dpo_mixture import numeric
    from dpo_mixture.notation import support_sum

    f, g, k = declare.reward("f_r33"), declare.reward("g_r33"), declare.index("k_r33")
    for expr, want in ((sp.log(support_sum(sp.exp(f[k]) * sp.exp(g[k]), k)), -800.0 + float(sp.log(2))),
                       (sp.log(support_sum(sp.exp(f[k] / 2) * sp.exp(g[k] / 2), k)), -400.0 + float(sp.log(2)))):
        fn = numeric.compile(expr, name="lse", backend="numpy")
        for dtype in (np.float64, np.float32):
            got = float(fn(np.array([-800.0, 0.0], dtype), np.array([0.0, -800.0], dtype)))
            assert got == pytest.approx(want, rel=1e-6 if dtype is np.float32 else 1e-14)


def test_names_with_a_starred_head_or_an_alias_are_names():
    from dpo_mixture.proof.verify import plain_name_problem

    assert plain_name_problem("V^*(s)") == "" and plain_name_problem("ln(x)") == ""
    assert plain_name_problem("O(n)") and plain_name_problem("gamma(t)")
