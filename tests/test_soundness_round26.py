"""Review round 26: the normal form's cache and the sign context, substitutions at points
outside their variable's domain (every kind of variable, anywhere in a certificate), Dummy
symbols with assumptions, and domain overrides of bound variables."""

from __future__ import annotations

import pytest
import sympy as sp

from dpo_mixture import Derivation, Step, Verdict, declare
from dpo_mixture.model import SupportMax
from dpo_mixture.notation import Domain
from dpo_mixture.proof import decide


def _bad(v):
    """(log(v^2) - 2 log(-v))^2: 0 at v = -1, but -4 pi^2 once expanded for v > 0."""
    return (sp.log(v**2) - 2 * sp.log(-v)) ** 2


def test_the_normal_form_of_one_sign_context_is_not_reused_in_another():
    """A step that takes a in (0, 1) (assumed) normalised max_k (10^20 - a) f(k) as
    (10^20 - a) max_k f(k); the cache then gave that to a step about every real a."""
    a, f, k = declare.scalar("a_r26"), declare.vector("f_r26"), declare.index("k_r26")
    c = sp.Integer(10) ** 20 - a
    claim = sp.Eq(SupportMax(c * f[k], k), c * SupportMax(f[k], k), evaluate=False)
    d = Derivation(id="cache", title="t", steps=(
        Step("assumed", "", claim, "", domains={a: Domain.UNIT_INTERVAL}, expected="assumed", search_samples=10),
        Step("every", "", claim, "", search_samples=10),
    ))
    verdicts = {r.step.id: r.outcome.verdict for r in d.check()}
    assert verdicts["assumed"] is Verdict.ASSUMED and verdicts["every"] is not Verdict.PROVED


@pytest.mark.parametrize("variable", [
    declare.scalar("x_r26", positive=True), declare.index("y_r26"), declare.scalar("m_r26", integer=True, positive=True),
    declare.vector("g_r26", positive=True)[declare.index("j_r26")],
])
def test_a_substitution_outside_its_variables_domain_is_not_proved(variable):
    """SymPy takes Subs(f(x), x, p) and Subs(f(s), s, p) as equal whatever x's and s's
    assumptions, so renaming cannot undo them: a point outside the domain is refused."""
    step = Step("bad", "", sp.Eq(sp.Subs(_bad(variable), variable, -1), sp.Subs(-4 * sp.pi**2, variable, -1),
                                 evaluate=False), "")
    outcome = decide(step, samples=0, audit=0)
    assert outcome.verdict is not Verdict.PROVED
    # an entry of a vector is refused before its domain is looked at (round 34: no plain symbol)
    assert "lies in its domain" in outcome.method or "must be a plain symbol" in outcome.method


def test_nested_substitutions_are_judged_at_every_point():
    x, t = declare.scalar("x_r26b", positive=True), declare.scalar("t_r26b", positive=True)
    claim = sp.Eq(sp.Subs(2 * sp.Subs(_bad(x), x, t), t, -1), sp.Subs(2 * sp.Subs(-4 * sp.pi**2, x, t), t, -1),
                  evaluate=False)
    assert decide(Step("nested", "", claim, ""), samples=0, audit=0).verdict is not Verdict.PROVED


def test_a_substitution_inside_the_domain_is_still_read():
    """The package's own slope at 0 (of a real rate) is proved, so is a point inside."""
    from dpo_mixture.derivations import all_derivations

    from dpo_mixture.proof import Report

    report = Report.run(all_derivations(), seed=0)
    subs_steps = [r for r in report.all_results if r.step.claim.has(sp.Subs)]
    assert len(subs_steps) >= 2 and all(r.ok and r.outcome.verdict is Verdict.PROVED for r in subs_steps)


@pytest.mark.parametrize("assumptions", [dict(polar=True, real=True), dict(nonzero=True)])
def test_a_dummy_with_assumptions_beyond_its_domain_is_refused(assumptions):
    """A bound Dummy(polar=True) let expand split logarithms; Dummy(nonzero=True) let the
    convexity rule cross the pole at 0."""
    u = sp.Dummy("u", **assumptions)
    with pytest.raises(ValueError, match="beyond its domain"):
        Step("s", "", sp.Eq(sp.Subs(sp.log(u**2), u, 1), 0, evaluate=False), "")


def test_an_override_of_a_bound_variable_is_judged():
    """domains={x: REAL} for a positive x that stands only inside a Subs was neither refused nor
    assumed, though the rules read it."""
    x = declare.scalar("x_r26c", positive=True)
    step = Step("o", "", sp.Eq(sp.Subs(_bad(x), x, -1), sp.Subs(-4 * sp.pi**2, x, -1), evaluate=False), "",
                domains={x: Domain.REAL})
    outcome = decide(step, samples=0, audit=0)
    assert outcome.verdict is not Verdict.PROVED and "override" in outcome.method


@pytest.mark.parametrize("text", ["the &lt; sign", "{::comment}hidden{:/}", "the ＜ sign", "𝛽 here", "µ", "ℝ", "f' is positive",
                                  "use `x_1 <= 2` here"])  # (a relation in code markup is a formula too: round 51)
def test_prose_refuses_entities_kramdown_and_unicode_lookalikes(text):
    from dpo_mixture.render import prose

    with pytest.raises(ValueError, match="maths"):
        prose(text)


@pytest.mark.parametrize("text", ["L'Hôpital's rule", "O'Brien et al.", "I'm sure", "a sigma-algebra", "use `x_1` here"])
def test_prose_accepts_ordinary_words_and_code(text):
    from dpo_mixture.render import prose

    assert prose(text).parts == (text,)


def test_bibliography_and_frame_fields_are_text():
    from dpo_mixture.render import Citation, Paper, Reference

    with pytest.raises(ValueError, match="maths"):
        Reference("k1", "A. Author", "Why $u+1<1$")
    with pytest.raises(ValueError, match="maths"):
        Citation("k1", detail=r"$$\beta \le 0$$")
    with pytest.raises(ValueError, match="maths"):
        Paper(title="A note", authors=("B. <b>Bold</b>",))


def test_a_shown_sum_with_undefined_summands_reads_undefined():
    from dpo_mixture.notation import support_sum
    from dpo_mixture.proof import Report
    from dpo_mixture.render import Paper, render_documents

    f, k = declare.vector("f_r26d"), declare.index("k_r26d")
    shown = (support_sum(sp.Abs(sp.log(f[k] - 100)), k), support_sum(f[k] ** 2, k))
    d = Derivation(id="show", title="Shown values", kind="Section", steps=(
        Step("big", "", sp.Gt(support_sum(f[k], k), 10**6), "", expected=Verdict.REFUTED, show=shown),))
    _, md = render_documents(Report.run([d], seed=0), Paper(title="A note"))
    caption = next(line for line in md.splitlines() if "there $$" in line)
    assert caption.count("is undefined") == 1, caption  # f - 100 < 0 at the counterexample's small f


@pytest.mark.parametrize("latex", [r"e^{{}}", r"\beta_{\mathrm{}}", r"{(u)}", "u-1",
                                   r"\mathscr{L}"])  # round 54: the documents load no mathrsfs
def test_round27_names_that_show_nothing_more_or_read_as_something_else_are_refused(latex):
    """e^{{}} prints as e, {(u)} reads as u, u-1 as a subtraction."""
    with pytest.raises(ValueError, match="latex of"):
        declare.scalar(f"w_r27_{abs(hash(latex)) % 1000}", latex=latex)


@pytest.mark.parametrize("latex", [r"\ell", r"\theta_{t-1}", r"x_{i+1}", r"\lambda_{\max}", r"x_{\text{ref}}",
                                   r"\operatorname{Var}", r"\bm{x}"])
def test_round27_ordinary_names_are_accepted(latex):
    declare.scalar(f"o_r27_{abs(hash(latex)) % 1000}", latex=latex)


def test_round27_bold_greek_and_ast_print_as_the_plain_ones():
    from dpo_mixture.notation import beta
    from dpo_mixture.proof.verify import name_clash

    bold = declare.scalar("bb_r27", latex=r"\mathbf{\pi}")
    assert "like the constant" in (name_clash([sp.Gt(bold, 3)]) or "")
    s1, s2 = declare.scalar("sa_r27", latex="s^{*}"), declare.scalar("sb_r27", latex=r"s^{\ast}")
    assert "print as" in (name_clash([sp.Gt(s1, s2 + beta)]) or "")


@pytest.mark.parametrize("text", ["u + 1 \u02c2 1", "\u0251 here", "\u2039", "\ua78a", "\u00bd"])
def test_round27_prose_refuses_every_non_latin_character(text):
    from dpo_mixture.render import prose

    with pytest.raises(ValueError, match="maths"):
        prose(text)


def test_round27_a_reference_url_is_one_url():
    from dpo_mixture.render import Reference

    Reference("k1", "A. Author", "A title", url="https://x.org/a_b?c=d&e=f")
    with pytest.raises(ValueError, match="url must be one URL"):
        Reference("k1", "A. Author", "A title", url="http://x.org/`$$u<1$$`")


def test_round27_a_substitution_is_carried_out_before_its_body_is_expanded():
    """At the end of x > 0, H((x + 1)^2 - 1) at x = 0 is H(0) = 1/2; expanded first for
    x > 0 it read as 1.  And SymPy equates substitutions over variables with different
    assumptions, so an expansion cached for one stood for the other."""
    from dpo_mixture.proof.normal_form import carry_out_subs, normal_form

    x = declare.scalar("x_r27", positive=True)
    z = declare.scalar("z_r27")
    point = (z - sp.sqrt(2)) ** 2
    claim = sp.Eq(sp.Subs(sp.Heaviside((x + 1) ** 2 - 1) + x, x, point), sp.Subs(1 + x, x, point), evaluate=False)
    assert decide(Step("end", "", claim, ""), samples=0, audit=0).verdict is not Verdict.PROVED
    v = sp.Symbol("v_r27", real=True)
    assert carry_out_subs(sp.Subs(_bad(v) + v, v, -1)) == -1
    assert normal_form(sp.Subs(_bad(x) + x, x, -1)) == -1  # the same value whatever x's assumptions


def test_round28_a_substitution_with_a_derivative_inside_is_carried_out_too():
    """A derivative inside kept the Subs whole, and its body was expanded with x > 0: at the
    end x = 0, H(u) - H(-u) for u = (x + 1)^2 - 1 read as 1 (it is 0)."""
    x = declare.scalar("x_r28", positive=True)
    z = declare.scalar("z_r28")
    point = (z - sp.sqrt(2)) ** 2
    u = (x + 1) ** 2 - 1
    cube = sp.Derivative(x**3, x)
    claim = sp.Eq(sp.Subs(sp.Heaviside(u) - sp.Heaviside(-u) + cube, x, point), sp.Subs(1 + cube, x, point),
                  evaluate=False)
    assert decide(Step("end", "", claim, ""), samples=0, audit=0).verdict is not Verdict.PROVED
    v = sp.Symbol("v_r28", real=True)
    from dpo_mixture.proof.normal_form import normal_form

    assert normal_form(sp.Subs(_bad(v) + sp.Derivative(v**3, v), v, -1)) == 3


def test_round28_a_substitution_without_a_derivative_is_taken_inside_an_open_domain_only():
    """Heaviside(x**2 + 2*x) is already 1 when SymPy builds it for x > 0; read at x = 0 it
    looked like H(0) = 1 beside H((x + 1)^2 - 1) = 1/2 at the same point."""
    x = declare.scalar("x_r28b", positive=True)
    step = Step("h", "", sp.Eq(sp.Subs(sp.Heaviside(x**2 + 2 * x) + x, x, 0), 1, evaluate=False), "")
    outcome = decide(step, samples=0, audit=0)
    assert outcome.verdict is not Verdict.PROVED and "domain" in outcome.method
