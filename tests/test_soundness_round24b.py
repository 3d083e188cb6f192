"""Review round 24b: the honest entry points. Quantities printed like SymPy's constants, maths
in plain strings, assumed steps whose assumption the documents hid, and show= values."""

from __future__ import annotations

import pytest
import sympy as sp

from dpo_mixture import Derivation, Step, Verdict, check_claim, declare
from dpo_mixture.notation import Domain
from dpo_mixture.proof import Report
from dpo_mixture.proof.verify import name_clash
from dpo_mixture.render import Paper, render_documents


@pytest.mark.parametrize("name, constant", [("pi", "pi"), ("e", "E"), ("gamma", "EulerGamma"), ("phi", "GoldenRatio"),
                                            ("G", "Catalan"), ("i", "I")])
def test_a_scalar_printed_like_a_constant_is_refused(name, constant):
    """A scalar pi prints as \\pi: the paper showed 'pi > 3 [proved]' and 'pi > 3 [refuted]' with
    the instance pi = 3."""
    s = sp.Symbol(name, real=True)
    assert constant in (name_clash([sp.Gt(s, 3)]) or "")
    with pytest.raises(ValueError, match="like the constant"):
        check_claim(f"{name} > 3", let={name: "scalar"})


def test_a_vector_may_carry_a_constants_letter():
    """A policy pi prints as pi(y): no reader takes it for 3.14159..."""
    pi = declare.distribution("pi_r24b", latex=r"\pi")
    assert name_clash([sp.Ge(pi[sp.Symbol("y", integer=True, positive=True)], 0)]) is None


def _report(d: Derivation) -> Report:
    return Report.run([d], seed=0)


def test_a_plain_string_with_maths_is_refused_in_the_documents():
    """A title 'Why $u + 1 < 1$' was typeset as maths above a proved u + 1 > 1, unchecked."""
    u = declare.scalar("u_r24b", positive=True)
    d = Derivation(id="t", title="Why $u + 1 < 1$ for every $u > 0$", kind="Section",
                   steps=(Step("s", "", sp.Gt(u + 1, 1, evaluate=False), ""),))
    with pytest.raises(ValueError, match="maths"):
        render_documents(_report(d), Paper(title="A note"))


def test_an_assumed_step_shows_what_it_takes_on_trust():
    """b < 1 for a temperature b, assumed through a domain override: the documents said only
    '[assumed]' and the log called it 'cited'."""
    b = declare.temperature("b_r24b")
    d = Derivation(id="small", title="Small temperatures", kind="Section",
                   steps=(Step("s", "", sp.Lt(b, 1), "", domains={b: Domain.UNIT_INTERVAL}, expected="assumed"),))
    report = _report(d)
    assert report.results["small"][0].outcome.verdict is Verdict.ASSUMED
    tex, md = render_documents(report, Paper(title="A note"))
    line = next(x for x in md.splitlines() if "takes on trust" in x)
    assert "0 < b_{r24b} < 1" in line and "declaration says $$b_{r24b} > 0$$" in line, line
    assert "| cited |" not in md


def test_a_shown_value_that_does_not_exist_is_called_undefined():
    """At a counterexample to u > 1 (so u <= 1), sqrt(u - 2), log(u - 2) and the cube root of
    u - 2 have no real value; the table printed 1.0 i, 3.14 i and 0.5 + 0.866 i."""
    u = declare.scalar("u_r24c")
    shown = (sp.sqrt(u - 2), sp.log(u - 2), (u - 2) ** sp.Rational(1, 3), u + 1)
    d = Derivation(id="show", title="Shown values", kind="Section",
                   steps=(Step("big", "", sp.Gt(u, 1), "", expected=Verdict.REFUTED, show=shown),))
    _, md = render_documents(_report(d), Paper(title="A note"))
    caption = next(x for x in md.splitlines() if "there $$" in x)
    assert caption.count("is undefined") == 3, caption
    assert " i$$" not in caption and "infty" not in caption


def test_a_show_expression_folded_to_a_number_is_refused():
    u = declare.scalar("u_r24d")
    with pytest.raises(ValueError, match="show= holds the number 0"):
        Step("big", "", sp.Gt(u, 1), "", show=(0 / (u - 1),))


@pytest.mark.parametrize("argv", [["claim", "alpha > 0", "--seconds", "inf"], ["claim", "diff(TPM_A, TPM_U) == -1"],
                                  ["claim", "diff(Z, Z) == 1"]])
def test_bad_claim_input_is_one_line_and_exit_2(argv, capsys):
    """--seconds inf killed the deadline's watcher with two thread tracebacks; diff in a
    defined quantity ended in SymPy's multi-line message without a column."""
    from dpo_mixture.cli import main

    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own refusal of a flag
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err


def test_an_infinite_budget_is_refused_by_the_api():
    with pytest.raises(ValueError, match="finite"):
        check_claim("alpha > 0", seconds=float("inf"))
