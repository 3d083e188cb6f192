"""Review round 45: a sum over several indices is refused where it is written.

SymPy merges ``Sum(Sum(f, (k, 1, n)), (j, 1, n))`` into one sum with two limits.  Every rule of
the kernel and the search read a sum as one index over one range, so such a step reached the
kernel and was rejected with a bare "too many values to unpack"; a false double sum was neither
refused nor refuted."""

from __future__ import annotations

import pytest
import sympy as sp

from dpo_mixture import Step
from dpo_mixture.notation import n, r
from dpo_mixture.proof import Goal, ProofCertificate, Verdict, check

k = sp.Symbol("k", integer=True, positive=True)
j = sp.Symbol("j", integer=True, positive=True)
DOUBLE = sp.Sum((r[k] - r[j]) ** 2, (k, 1, n), (j, 1, n))


def test_a_step_with_a_double_sum_is_refused_when_built():
    with pytest.raises(ValueError, match="runs over several indices"):
        Step("double", "", sp.Ge(DOUBLE, 1, evaluate=False), "")


def test_the_kernel_refuses_a_double_sum_by_name():
    goal = Goal(sp.Ge(DOUBLE, 0, evaluate=False))
    judgment = check(goal, ProofCertificate("normal-form", conclusion=goal.claim))
    assert judgment.verdict is not Verdict.PROVED
    assert "several indices" in judgment.reason


# --- round 45b: what the documents show -----------------------------------------------------
from dpo_mixture import Derivation, Paper, Report, declare, prose  # noqa: E402
from dpo_mixture.render import render_documents  # noqa: E402
from dpo_mixture.render.printer import latex  # noqa: E402


def _documents(*derivations):
    report = Report.run(list(derivations))
    return report, render_documents(report, Paper(title="T", authors=("a",), abstract=prose("A.")))


def test_a_declared_integer_is_stated_in_the_documents():
    """w a positive integer: w^2 >= w is proved, and read for every real w it is false (w = 1/2)."""
    w = declare.scalar("w_r45", integer=True, positive=True)
    step = Step("sq_r45", "", sp.Ge(w**2, w, evaluate=False), "", search_samples=10)
    theorem = Derivation(id="sq_r45", title="Squares", kind="Theorem", statement=(step.claim,),
                         statement_text=prose("The square dominates:"), steps=(step,))
    report, (tex, md) = _documents(theorem)
    assert report.results["sq_r45"][0].outcome.verdict is Verdict.PROVED
    for text in (tex, md):
        said = text.index("Throughout")
        assert "is a positive integer" in text[said:said + 200] and said < text.index("The square dominates")


def test_outputs_and_the_support_size_bounding_a_sum_are_not_listed():
    from dpo_mixture.notation import p, y

    step = Step("mass_r45", "", sp.Le(p[y], sp.Sum(p[k], (k, 1, n)), evaluate=False), "", search_samples=10)
    _, (tex, _) = _documents(Derivation(id="mass_r45", title="Mass", steps=(step,)))
    said = tex[tex.index("Throughout"):].split(".")[0]
    assert "integer" not in said


def test_a_result_whose_statement_is_refuted_says_so_in_its_box():
    c = declare.scalar("c_r45")
    step = Step("c2_r45", "", sp.Ge(c**2, c, evaluate=False), "", expected="refuted")
    theorem = Derivation(id="c2_r45", title="Squares", kind="Theorem", statement=(step.claim,),
                         statement_text=prose("For every real ", c, ":"), steps=(step,))
    report, (tex, md) = _documents(theorem)
    assert report.results["c2_r45"][0].outcome.verdict is Verdict.REFUTED and report.unproved_statements
    for text in (tex, md):
        box = text[text.index("For every real"):]
        assert "Not established as stated" in box[:box.index("Refutation")]


def test_a_power_of_a_named_function_prints_bracketed():
    from dpo_mixture.model import LogSigmoid, Sigmoid

    z = declare.scalar("z_r45")
    assert latex(LogSigmoid(z) ** 2) == r"\left(\log\sigma\left(z_{r45}\right)\right)^{2}"
    assert latex(Sigmoid(z) ** 2).startswith(r"\left(\sigma")


def test_the_derivative_of_a_product_is_bracketed_whole():
    b = declare.temperature("b_r45")
    assert latex(sp.Derivative(b**2 * sp.exp(b), b)) == r"\frac{d}{d b_{r45}} \left(b_{r45}^{2} e^{b_{r45}}\right)"


def test_a_compiled_divergence_takes_zero_log_zero_as_zero():
    """sum p log(p/q) with p = (1/2, 1/2, 0) is 0.71356 (0 log 0 = 0, as for x log x); it was NaN."""
    import math

    import numpy as np

    from dpo_mixture import numeric
    from dpo_mixture.notation import support_sum

    pz, q, i = declare.distribution("p_pz45", zeros=True), declare.distribution("q_r45"), declare.index("i_r45")
    want = 0.5 * math.log(0.5 / 0.2) + 0.5 * math.log(0.5 / 0.3)
    for body in (pz[i] * sp.log(pz[i] / q[i]), pz[i] * (sp.log(pz[i]) - sp.log(q[i])), -pz[i] * sp.log(q[i] / pz[i])):
        f = numeric.compile(support_sum(body, i), args=["p_pz45", "q_r45"], name="kl", backend="numpy")
        got = f(np.array([0.5, 0.5, 0.0]), np.array([0.2, 0.3, 0.5]))
        assert abs(float(np.ravel(got)[0]) - want) < 1e-15, body


def test_a_result_shows_the_definition_of_what_it_states_about():
    """W := c^2 + 1 in the context, Theorem: W >= 1. Printed without W's definition, W >= 1 reads
    as a claim about every W."""
    from dpo_mixture import Definition

    c, W = declare.scalar("c_def_r45"), declare.scalar("W_def_r45")
    definition = Definition("W", W, c**2 + 1)
    step = Step("w_r45", "", sp.Ge(W, 1, evaluate=False), "", facts=(definition,), search_samples=10)
    theorem = Derivation(id="w_r45", title="W", kind="Theorem", statement=(step.claim,), context=(definition,),
                         statement_text=prose("For every real ", c, ":"), steps=(step,))
    _, (tex, md) = _documents(theorem)
    for text in (tex, md):
        box = text[text.index("For every real"):]
        assert "Here" in box[:box.index("Proof")] and latex(definition.relation) in box[:box.index("Proof")]


# --- round 47: the 'Here' line and the conventions around it ----------------------------------
def test_a_definition_is_shown_only_by_its_own_equation():
    """'W = V' with both defined shows neither definition; a refuted 'U = 0' does not show U."""
    from dpo_mixture import Definition

    c = declare.scalar("c_r47")
    W, V, U = (declare.scalar(f"{q}_r47") for q in "WVU")
    context = (Definition("W", W, c**2 + 1), Definition("V", V, (c + 1) ** 2 - 2 * c), Definition("U", U, c**2 + 2))
    equal = Step("wv_r47", "", sp.Eq(W, V), "", facts=context, search_samples=10)
    wrong = Step("u0_r47", "", sp.Eq(U, 0), "", facts=context, expected="refuted")
    bound = Step("u2_r47", "", sp.Ge(U, 2, evaluate=False), "", facts=context, search_samples=10)
    _, (tex, md) = _documents(
        Derivation(id="wv_r47", title="E", kind="Theorem", statement=(equal.claim,), context=context,
                   statement_text=prose("They agree:"), steps=(equal,)),
        Derivation(id="u0_r47", title="F", steps=(wrong,), context=context),
        Derivation(id="u2_r47", title="G", kind="Theorem", statement=(bound.claim,), context=context,
                   statement_text=prose("At least two:"), steps=(bound,)))
    for df in context:
        assert "Here" in md and latex(df.relation) in md, df.name


def test_a_definition_reached_through_a_hypothesis_and_the_domains_of_its_body_are_shown():
    from dpo_mixture import Certificate, Definition

    m, c = declare.scalar("m_r47", integer=True, positive=True), declare.scalar("c_r47b")
    Wm, V = declare.scalar("W_m47"), declare.scalar("V_h47")
    context = (Definition("Wm", Wm, m - 1), Definition("V", V, c))
    hypothesis = sp.Ge(V, 0, evaluate=False)
    step = Step("cge_r47", "", sp.Ge(c, 0, evaluate=False), "", hypotheses=(hypothesis,), facts=context,
                strategy=Certificate((1,)), search_samples=10)
    nonneg = Step("wm_r47", "", sp.Ge(Wm, 0, evaluate=False), "", facts=context, search_samples=10)
    _, (tex, md) = _documents(
        Derivation(id="cge_r47", title="H", kind="Theorem", statement=(step.claim,), context=context,
                   statement_text=prose("If ", hypothesis, ", then"), steps=(step,)),
        Derivation(id="wm_r47", title="I", kind="Theorem", statement=(nonneg.claim,), context=context,
                   statement_text=prose("Nonnegative:"), steps=(nonneg,)))
    assert latex(context[1].relation) in md and latex(context[0].relation) in md
    said = md[md.index("Throughout"):].split("\n")[0]
    assert "m_{r47}" in said and "positive integer" in said
