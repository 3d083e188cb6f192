"""Review 54a F3: two maths parts of a sentence side by side run together into one formula.

``prose("... with ", H1, H2, ":")`` with ``H1 = a < u`` and ``H2 = b < 2`` was written
``$a < u$$b < 2$`` (``$$a < u$$$$b < 2$$`` on the blog page), which reads "a < ub < 2": the
proved Theorem read as a false statement.  ``prose(a, b)`` printed "ab", ``prose(2, a)`` "2a".
Each test below that refuses something failed on the code before the fix.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import sympy as sp

from dpo_mixture.notation import beta
from dpo_mixture.proof import Derivation, Report, Step
from dpo_mixture.render import Paper, Prose, Ref, prose, render_documents
from dpo_mixture.render.blocks import Front, Math, Para, Text
from dpo_mixture.render.latex_doc import render_latex
from dpo_mixture.render.markdown_doc import render_markdown

a, b, u = (sp.Symbol(name, positive=True) for name in ("a", "b", "u"))
H1 = sp.Lt(a, u, evaluate=False)
H2 = sp.Lt(b, 2, evaluate=False)


def test_two_relations_side_by_side_are_refused_with_both_named():
    # the review's case: "For positive a, b and u with a < ub < 2:"
    with pytest.raises(ValueError, match="side by side") as caught:
        prose("For positive ", a, ", ", b, " and ", u, " with ", H1, H2, ":")
    message = str(caught.value)
    assert "'a < u'" in message and "'b < 2'" in message and '" and "' in message


def test_a_name_beside_a_name_is_refused():
    # "ab" reads as a product
    with pytest.raises(ValueError, match="'a' and 'b' side by side"):
        prose("the product of ", a, b)


def test_a_number_beside_a_name_is_refused():
    # "2a" reads as twice a; a float or an int becomes a SymPy number first
    with pytest.raises(ValueError, match="'2' and 'a' side by side"):
        prose("it is ", 2, a)
    with pytest.raises(ValueError, match="side by side"):
        prose("it is ", beta, 2)


@pytest.mark.parametrize("between", ["", " ", "   ", "\u00a0", "** **", "``", "* *"])
def test_text_that_shows_nothing_between_two_maths_parts_is_refused(between):
    # "a < u b < 2" still reads as one chain: spaces (or markup around nothing) are no words
    with pytest.raises(ValueError, match="side by side"):
        prose("with ", H1, between, H2, ":")


def test_prose_joined_from_pieces_is_refused_too():
    # text of one piece and maths of the next meet when prose is added or nested
    with pytest.raises(ValueError, match="side by side"):
        prose("with ", H1) + H2
    with pytest.raises(ValueError, match="side by side"):
        prose(prose("with ", H1), prose(" ", H2))
    with pytest.raises(ValueError, match="side by side"):
        Prose(("with ", H1, H2))  # the class itself, not only the builder


@pytest.mark.parametrize("between", [" and ", ", ", "; ", " or ", " **and** "])
def test_words_between_two_maths_parts_are_accepted(between):
    text = prose("with ", H1, between, H2, ":")
    assert text.maths() == [H1, H2]


def test_a_reference_between_two_maths_parts_needs_words_around_it():
    # review 56b F3: an unnumbered reference prints its title, which runs into the formula
    with pytest.raises(ValueError, match="reference right against"):
        prose(a, Ref("setting"), b)
    assert prose(a, " (see ", Ref("setting"), ") and ", b).maths() == [a, b]


def test_both_writers_refuse_two_formulas_side_by_side():
    # the writers' own guard, for sentences the package builds itself
    for between in ((), (Text(" "),)):
        blocks = [Front("Note", (), ()), Para((Text("with "), Math("a < u"), *between, Math("b < 2"), Text(":")))]
        with pytest.raises(ValueError, match="side by side"):
            render_latex(blocks)
        with pytest.raises(ValueError, match="side by side"):
            render_markdown(blocks, Paper("Note"))


def test_both_writers_keep_two_formulas_with_words_between():
    blocks = [Front("Note", (), ()), Para((Text("with "), Math("a < u"), Text(" and "), Math("b < 2"), Text(":")))]
    assert "with $a < u$ and $b < 2$:" in render_latex(blocks)
    assert "with $$a < u$$ and $$b < 2$$:" in render_markdown(blocks, Paper("Note"))


def test_a_theorem_whose_hypotheses_are_joined_by_words_prints_them_apart():
    rel1, rel2 = sp.Gt(beta, 0, evaluate=False), sp.Lt(beta, 2, evaluate=False)
    step = Step("r54p-pos", "positive", rel1, prose("Declared."))
    d = Derivation("r54p", "Positivity", (step,), kind="Lemma",
                   statement_text=prose("For ", beta, " with ", rel1, " and ", rel2, ":"))
    tex, md = render_documents(Report.run([d]), Paper("Note"))
    assert "$\\beta > 0$ and $\\beta < 2$:" in tex and "$$\\beta > 0$$ and $$\\beta < 2$$:" in md
    assert "$$$$" not in md and "$$" not in tex.split("\\begin{document}")[1]


MODULE = """
import sympy as sp
from dpo_mixture import Derivation, Step, declare, prose, Implication
a = declare.scalar("a", positive=True)
b = declare.scalar("b", positive=True)
u = declare.scalar("u", positive=True)
H1 = sp.Lt(a, u, evaluate=False)
H2 = sp.Lt(b, 2, evaluate=False)
C = sp.Lt(a - u + b, 2, evaluate=False)
DERIVATIONS = (Derivation(id="b0", title="Bound", kind="Theorem", label="b0", statement=(C,),
               statement_text=prose("For positive ", a, ", ", b, " and ", u, " with ", H1, H2, ":"),
               steps=(Step("b0-step", "Add", C, prose("Adding the two, so"), hypotheses=(H1, H2),
                           strategy=Implication()),)),)
"""


def test_the_reviews_module_is_refused_by_build_with_the_two_parts_named(tmp_path):
    path = tmp_path / "prose_maths_side_by_side_r54.py"
    path.write_text(MODULE)
    done = subprocess.run([sys.executable, "-m", "dpo_mixture", "build", str(path), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode != 0
    assert "'a < u' and 'b < 2' side by side" in done.stderr + done.stdout
    assert not list(tmp_path.glob("out/*.tex"))
