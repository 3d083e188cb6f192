"""Prose, the paper frame, display layout and the writers, on small inputs."""

import re

import pytest
import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import M_A, M_U, TPM_A, Z, alpha, beta, p, p_A, p_ref, r, support_sum, y
from dpo_mixture.proof import Derivation, Report, Step
from dpo_mixture.render import (
    Citation, Paper, Ref, Reference, document_blocks, latex, prose, relation_lines, render_documents, width,
)
from dpo_mixture.render.layout import DISPLAY_BUDGET_EM
from dpo_mixture.render.markdown_doc import front_matter

S = support_sum


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("the $x$ here", "$"),
        ("a \\frac here", "\\"),
        ("p_A is aligned", "_"),
        ("e^x grows", "^"),
        ("t -> 1", "->"),
        ("r <= 2", "<="),
        ("r >= 2", ">="),
        ("with alpha fixed", "alpha"),
        ("and g' vanishes", "g'"),
    ],
)
def test_prose_refuses_ascii_maths(text, found):
    with pytest.raises(ValueError, match=re.escape(repr(found))):
        prose(text)


def test_prose_keeps_apostrophes_and_joins_text():
    text = prose("the seed's claim and Gibbs' inequality", " hold for ", beta, " and ", 2)
    assert text.parts == ("the seed's claim and Gibbs' inequality hold for ", beta, " and ", sp.Integer(2))
    with pytest.raises(ValueError, match="side by side"):  # beta 2 would print as one formula
        prose(beta, 2)
    with pytest.raises(TypeError, match="prose parts are"):
        prose(object())


def _lemma(statement_text, steps_text="Declared.") -> Derivation:
    step = Step("pos", "positive", sp.Gt(beta, 0, evaluate=False), steps_text)
    return Derivation("pos-lemma", "Positivity", (step,), kind="Lemma", statement_text=statement_text)


def test_references_and_citations_are_resolved_and_checked():
    paper = Paper("Note", references=(Reference("k", "A. Author", "A book", "Publisher", "2000"),))
    lemma = _lemma(prose("See ", Citation("k", detail="p. 3"), "."), prose("As in ", Ref("pos-lemma"), "."))
    tex, md = render_documents(Report.run([lemma]), paper)
    assert "\\cite[p. 3]{k}" in tex and "\\bibitem{k}" in tex and "Lemma~\\ref{pos-lemma}" in tex
    assert '[1](#ref-k), p. 3' in md and "[Lemma 1](#pos-lemma)" in md

    with pytest.raises(ValueError, match="reference to 'nowhere'"):
        document_blocks(Report.run([_lemma(prose("See ", Ref("nowhere"), "."))]), paper)
    with pytest.raises(ValueError, match="never cited"):
        document_blocks(Report.run([_lemma("No citation.")]), paper)
    with pytest.raises(ValueError, match="do not list"):
        document_blocks(Report.run([_lemma(prose(Citation("other"), "."))]), Paper("Note"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": " "}, "title must be a non-empty string"),
        ({"title": "T", "date": "27.11.2026"}, "date must be YYYY-MM-DD"),
        ({"title": "T", "stem": "../x"}, "stem must be a file name"),
        ({"title": "T", "tags": ("two words",)}, "single words"),
        ({"title": "T", "references": (Reference("a", "X", "Y"), Reference("a", "X", "Z"))}, "duplicate keys"),
    ],
)
def test_paper_refuses_bad_fields(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Paper(**kwargs)


def test_default_paper_and_front_matter_quoting():
    assert Paper.default("my_lemmas").title == "My lemmas"
    assert Paper.default("my_lemmas").file_stem == "my_lemmas"
    front = front_matter(Paper('A: "quoted" # title', tags=("a", "b"), date="2026-01-02"))
    assert 'title: "A: \\"quoted\\" # title"\n' in front
    assert "date: 2026-01-02\n" in front and 'tags: "a b"\n' in front


def test_printer_uses_mid_and_inline_fractions():
    tex = latex(model.closed_form())
    assert "|" not in tex and "\\mid" in tex
    assert latex(alpha / Z, inline=True) == "\\alpha(x)/Z(x)"
    assert latex(sp.Rational(-7, 18), inline=True) == "- 7/18"


def test_printer_keeps_the_order_of_an_unevaluated_sum_and_chains_bounds():
    c = beta * sp.log(Z)
    gap = sp.Add(sp.Add(r[1], c, evaluate=False), sp.Mul(-1, sp.Add(r[2], c, evaluate=False), evaluate=False),
                 evaluate=False)
    assert latex(gap) == "\\left(r(1;x) + \\beta \\log Z(x)\\right) - \\left(r(2;x) + \\beta \\log Z(x)\\right)"
    assert latex(alpha * M_A + (1 - alpha) * M_U) == "\\alpha(x) M_{\\mathcal{A}} + \\left(1 - \\alpha(x)\\right) M_{\\mathcal{U}}"
    bounds = sp.And(sp.Gt(1, TPM_A), sp.Ge(TPM_A, alpha))
    assert latex(bounds) == "\\alpha(x) \\leq \\TPM(\\mathcal{A};x) < 1"


def test_long_relations_are_broken_into_lines_that_fit():
    long_sum = sum((p_A[y] * r[y] ** k / (k + 1) for k in range(1, 9)), sp.Integer(0))
    rel = sp.Eq(S(p[y]) * Z, long_sum)
    lines = relation_lines(rel)
    assert len(lines) > 1
    assert all(width(line) <= DISPLAY_BUDGET_EM + 1 for line in lines)
    # the pieces are the terms of the one printed sum, in order and each once
    assert "".join(lines).count("+") == len(sp.Add.make_args(long_sum)) - 1


def test_short_chains_stay_on_one_line():
    assert relation_lines(sp.Gt(TPM_A, 0), (sp.Rational(1, 3),)) == ("\\TPM(\\mathcal{A};x) &= \\frac{1}{3} > 0",)
    lines = relation_lines(sp.And(sp.Lt(0, TPM_A), sp.Lt(TPM_A, 1), sp.Lt(0, p_ref[y]), sp.Lt(p_ref[y], 1)))
    assert len(lines) == 1 and ",\\qquad" in lines[0]


def test_width_grows_with_content():
    assert width("a + b + c") > width("a + b") > 0
    assert width(r"\frac{a + b + c}{d}") < width("a + b + c + d")
    assert width(r"x^{a + b}") < width("x a + b")


def test_an_unevaluated_negative_of_a_sum_keeps_its_brackets():
    """-(x - 1) built unevaluated (round 19 of review): "- x - 1" would show another number."""
    import sympy as sp

    from dpo_mixture.render.printer import latex

    x = sp.Symbol("x", positive=True)
    assert latex(sp.Mul(-1, x - 1, evaluate=False)) == r"- \left(x - 1\right)"
    assert latex(sp.Mul(2, 3, evaluate=False)) == r"2 \cdot 3"
    assert latex(-x) == "- x" and latex(x - 1) == "x - 1"
