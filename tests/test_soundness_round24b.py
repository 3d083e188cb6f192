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
