"""Review round 42.

a: a lemma instance must move the definitions it shares with the citing model.  With W := x + 1
in both models, the proved lemma W - x = 1 cited at x := 0 says W(0) - 0 = 1, not W - 0 = 1;
the kernel read the shared W at the citing step's own x and proved W = 1 for every x (and
log Z >= E_ref[r] for every beta, from Jensen cited at beta := 1).

b: a result (Theorem, Lemma, ...) may not be shown without every hypothesis its step holds
under, wherever that comes from: a step of another derivation, a library lemma, or a citation
read at its instance (the statement check saw only the derivation's own steps, before the
instance).  A support maximum over x inline is bracketed; an Or hypothesis is refused."""

from __future__ import annotations

import pytest
import sympy as sp

from dpo_mixture import Certificate, Definition, Derivation, Paper, Report, Step, Verdict, declare, prose
from dpo_mixture.model import SupportMax
from dpo_mixture.render import render_documents
from dpo_mixture.render.printer import latex

x = declare.scalar("x_r42")
w = declare.scalar("W_r42")
t = declare.scalar("t_r42")
s = declare.scalar("s_r42", positive=True)
DEFINITION = Definition("W", w, x + 1)


def _check(lemma, claim, instantiate, hypotheses=()):
    derivation = Derivation(id="shared", title="t", context=(DEFINITION,), steps=(
        Step("lemma", "", lemma, "", facts=(DEFINITION,), search_samples=10),
        Step("use", "", claim, "", hypotheses=hypotheses, strategy=Certificate((0,) * len(hypotheses) + (1,)),
             given=("lemma",), instantiate=instantiate, facts=(DEFINITION,), search_samples=10)))
    return derivation.check()


def test_a_shared_definition_follows_the_instance():
    # s^2 = 2 has no rational solution: the audit cannot catch what the kernel lets by
    lemma, use = _check(sp.Eq(w - x, 1, evaluate=False), sp.Eq(w, 1, evaluate=False), {x: 0},
                        hypotheses=(sp.Eq(s**2, 2, evaluate=False),))
    assert lemma.outcome.verdict is Verdict.PROVED
    assert use.outcome.verdict is not Verdict.PROVED


def test_an_instance_that_moves_no_definition_still_works():
    lemma, use = _check(sp.Ge(w + t**2, w, evaluate=False), sp.Ge(w + 9, w, evaluate=False), {t: 3})
    assert lemma.outcome.verdict is Verdict.PROVED and use.outcome.verdict is Verdict.PROVED


def _theorem(given_step, main_step, statement_text):
    aux = Derivation(id="aux_r42", title="Auxiliary", kind="Section", steps=(given_step,))
    main = Derivation(id="main_r42", title="Main", kind="Theorem", statement=(main_step.claim,),
                      statement_text=statement_text, steps=(main_step,))
    return Report.run([aux, main]), main


def test_a_theorem_shows_the_hypotheses_of_steps_in_other_derivations():
    given = Step("aux_r42", "", sp.Gt(x, 0, evaluate=False), "", hypotheses=(sp.Gt(x, 1, evaluate=False),),
                 strategy=Certificate((1,)), search_samples=10)
    main = Step("main_r42", "", sp.Gt(x + 1, 1, evaluate=False), "", given=("aux_r42",),
                strategy=Certificate((0, 1)), search_samples=10)
    report, theorem = _theorem(given, main, prose("The following holds:"))
    assert report.results["main_r42"][0].outcome.verdict is Verdict.PROVED  # under x > 1
    assert report.unproved_statements and "x_r42 > 1" in report.unproved_statements[0]
    tex, md = render_documents(report, Paper(title="T", authors=("a",), abstract=prose("A.")))
    assert "Not established as stated" in tex and "> 1" in tex.split("Not established as stated")[1][:200]
    shown, _ = _theorem(given, main, prose("If ", sp.Gt(x, 1, evaluate=False), ", then"))
    assert not shown.unproved_statements


def test_a_theorem_shows_the_hypotheses_of_a_citation_at_its_instance():
    given = Step("aux_r42", "", sp.Gt(t, 0, evaluate=False), "", hypotheses=(sp.Gt(t, 1, evaluate=False),),
                 strategy=Certificate((1,)), search_samples=10)
    main = Step("main_r42", "", sp.Gt(x + 1, 1, evaluate=False), "", given=("aux_r42",), instantiate={t: x},
                strategy=Certificate((0, 1)), search_samples=10)
    report, _ = _theorem(given, main, prose("If ", sp.Gt(t, 1, evaluate=False), ", then"))  # t, not x
    assert report.unproved_statements and "x_r42 > 1" in report.unproved_statements[0]


def test_a_support_maximum_over_a_number_is_bracketed_inline():
    g, k = declare.reward("g_r42"), declare.index("k_r42")
    assert latex(SupportMax(g[k], k) / s, inline=True).startswith(r"\left(\max")


def test_an_or_hypothesis_is_refused():
    with pytest.raises(ValueError, match="a hypothesis must be a SymPy relation"):
        Step("or_r42", "", sp.Gt(x**2, 1, evaluate=False), "",
             hypotheses=(sp.Or(sp.Lt(x, -1), sp.Gt(x, 1)),))


def test_declared_domains_are_stated_in_the_documents():
    """x declared negative: x^2 > x is proved, and the documents must say x < 0 somewhere a
    reader meets before the result (they said nothing)."""
    negative = declare.scalar("x_neg_r42", negative=True)
    step = Step("sq_r42", "", sp.Gt(negative**2, negative, evaluate=False), "", search_samples=10)
    theorem = Derivation(id="sq_r42", title="Squares", kind="Theorem", statement=(step.claim,),
                         statement_text=prose("The following holds:"), steps=(step,))
    report = Report.run([theorem])
    assert report.results["sq_r42"][0].outcome.verdict is Verdict.PROVED
    tex, md = render_documents(report, Paper(title="T", authors=("a",), abstract=prose("A.")))
    for text in (tex, md):
        said = text.index("Throughout")
        assert "x_{neg r42} < 0" in text[said:said + 200] and said < text.index("The following holds")
