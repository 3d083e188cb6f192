"""Review round 52 (52b F1-F8, 52c F8): what a document shows must read as what the kernel checked.

Each test here failed on the code before its fix (836fd69): names whose print is a function applied,
a power or an operator (F1, F2, 52c F8), an evaluation whose bar had no visible left end (F3), the
relative entropy's first argument and the log-sigmoid printed open (F4, F8), a definition counted
as stated by a later or conditional step (F5), a quantity of a display chain without its domain
(F6), a bare bar in inline maths (F7)."""

from __future__ import annotations

import re

import pytest
import sympy as sp

from dpo_mixture import Definition, Derivation, Identity, Paper, Report, Step, Verdict, declare, prose
from dpo_mixture.model import LogSigmoid, RelEntr, Sigmoid, SupportMax, kl_with_zeros
from dpo_mixture.notation import alpha, beta, k, lam, n, r, y
from dpo_mixture.proof.verify import name_clash, plain_name_problem, verify_report
from dpo_mixture.render import render_documents
from dpo_mixture.render.printer import latex

u = sp.Symbol("u_r52", real=True)
a, b, c = sp.symbols("a_r52 b_r52 c_r52", positive=True)
A, B = sp.symbols("A_r52 B_r52", nonnegative=True)
U, LA, LB, LC = latex(u), latex(a), latex(b), latex(c)


# --- F1: a scalar whose name is the print of an expression ------------------------------------

@pytest.mark.parametrize("name, beside", [
    (r"\sigma(u_r52)", Sigmoid(u)),             # printed sigma(u), as the package's sigmoid is
    (r"\sigma(x)", Sigmoid(u)),                 # a function's head applied, whatever the argument
    (r"\Gamma(u_r52)", sp.gamma(u)),
    ("W(u_r52)", sp.LambertW(u)),               # W is a common letter: refused beside LambertW
    ("e^{u_r52}", sp.exp(u)),                   # a power: e^u
    (r"\max_{y}", SupportMax(r[k], k)),          # an operator with its script
])
def test_a_scalar_named_as_an_expression_prints_is_refused(name, beside):
    why = name_clash([sp.Gt(beside, sp.Symbol(name, negative=True), evaluate=False)])
    assert why is not None, name


@pytest.mark.parametrize("name", [r"\sigma(v)", r"\Gamma(t)", r"\zeta(s)", "e^{u}", "x^{2}", r"\max_{y}",
                                  r"\operatorname{log}_{2}"])
def test_such_a_name_is_refused_alone_too(name):
    assert name_clash([sp.Symbol(name) + 1]) is not None, name


def test_plain_name_problem_refuses_a_function_head_applied():
    assert plain_name_problem(r"\sigma(u)") and plain_name_problem(r"\Gamma(u)")
    assert plain_name_problem(r"\ell(\theta)") == "" and plain_name_problem("L(h)") == ""


@pytest.mark.parametrize("kept, refused", [
    (r"\ell(\theta)", r"\Gamma(\theta)"),
    ("L(h)", r"\zeta(h)"),
    (r"\sigma_{1}(u)", r"\sigma(u)"),        # a subscript makes another name; the bare head is the sigmoid's
    ("p^{*}", "p^{2}"),                      # a mark, not a power
    (r"s^{\prime}", "s^{u}"),
    ("beta^*", "beta^2"),
    (r"r_{\max}", r"\max_{r}"),              # an operator in a subscript names; in front it operates
    (r"p^{\mathrm{ref}}", r"p^{\mathrm{r}}"),  # an upright word labels; one letter is maths
])
def test_a_name_that_reads_as_a_name_is_kept_one_that_reads_as_an_expression_is_not(kept, refused):
    assert name_clash([sp.Symbol(kept) + u + Sigmoid(u)]) is None, kept
    assert name_clash([sp.Symbol(refused) + u + Sigmoid(u)]) is not None, refused


def test_a_common_letter_applied_is_refused_only_beside_the_function_it_prints():
    assert name_clash([sp.Symbol("W(u)") + u]) is None
    assert name_clash([sp.Symbol("W(u)") + sp.LambertW(u)]) is not None


def test_the_package_names_are_not_refused():
    ours = [beta * (u + 1), lam * (u + 2), n * alpha, Sigmoid(u), sp.exp(u), SupportMax(r[k], k)]
    assert name_clash(ours) is None
    assert name_clash([*ours, sp.Symbol(r"\sigma(u)")]) is not None


@pytest.mark.parametrize("tex", [r"\sigma(u)", "e^{u}", r"\max_{y}"])
def test_declare_refuses_a_name_printed_as_an_expression(tex):
    with pytest.raises(ValueError, match="expression"):
        declare.scalar("q_r52_" + str(abs(hash(tex)) % 1000), latex=tex)


def test_a_theorem_about_a_scalar_named_like_the_sigmoid_is_not_built():
    S = sp.Symbol(r"\sigma(u_r52)", negative=True)
    claim = sp.Gt(Sigmoid(u), S)
    d = Derivation(id="sc52", title="A bound", kind="Theorem", label="sc52", statement=(claim,),
                   steps=(Step("sc52-step", "Signs", claim, prose("A sigmoid is positive, so")),))
    with pytest.raises(ValueError, match="unambiguously"):
        Report.run([d], parallel=False)


def test_verify_refuses_a_report_that_prints_a_scalar_as_the_sigmoid():
    v = declare.scalar("v")
    S = declare.scalar("S_r52", negative=True)
    claim = sp.Gt(Sigmoid(v), S)
    d = Derivation(id="vr52", title="A bound", kind="Theorem", label="vr52", statement=(claim,),
                   steps=(Step("vr52-step", "Signs", claim, prose("A sigmoid is positive, so")),))
    data = Report.run([d], parallel=False).to_json()
    assert all(x.ok for x in verify_report(data))
    # the same report, its notation now printing S as \sigma(v): the statement reads sigma(v) > sigma(v)
    data["notation"]["S_r52"] = {"latex": r"\sigma(v)"}
    data["steps"][0]["statement"] = r"\sigma\left(v\right) > \sigma(v)"
    with pytest.raises(ValueError, match="not a name"):  # round 54: refused as the report is read
        verify_report(data)


# --- F2, 52c F8: a vector whose entries print as a function of the output ---------------------

@pytest.mark.parametrize("label, beside", [
    ("sigma", Sigmoid(y)),       # sigma(y) + sigma(y)^2 > 0
    ("log", 0),                  # log(y) > 0 reads as the logarithm of the output
    ("exp", 0),
    ("Gamma", 0),
    ("W", sp.LambertW(y)),       # W(y) beside LambertW(y)
])
def test_a_vector_named_like_a_function_is_refused(label, beside):
    g = sp.IndexedBase(sp.Symbol(label, real=True))
    why = name_clash([sp.Gt(g[y] ** 2 + beside, 0)])
    assert why is not None and "vector" in why, why


def test_a_vector_beside_a_function_of_its_name_applied_is_refused():
    g = sp.IndexedBase(sp.Symbol("g_r52", real=True))
    f = sp.Function("g_r52")
    assert name_clash([g[y] + 1]) is None
    assert name_clash([g[y] + f(y)]) is not None  # both print g(y)


@pytest.mark.parametrize("declare_, name, tex", [
    (declare.reward, "sig_r52", r"\sigma"),
    (declare.vector, "log_r52", r"\operatorname{log}"),
    (declare.distribution, "gam_r52", r"\Gamma"),
])
def test_declare_refuses_a_vector_printed_as_a_function(declare_, name, tex):
    with pytest.raises(ValueError, match="expression"):
        declare_(name, latex=tex)


def test_declare_keeps_the_usual_vector_names_not_a_functions():
    declare.distribution("pi_r52", latex=r"\pi")
    declare.distribution("pistar_r52", latex=r"\pi^{*}")
    declare.reward("W_r52v")
    with pytest.raises(ValueError, match="expression"):
        declare.reward("zeta_r52", latex=r"\zeta")


# --- F3: an evaluation's bar reaches exactly its bracket ---------------------------------------

def _subs(body):
    return sp.Subs(body, u, b)


AT = r"\right\vert_{%s = %s}" % (U, LB)


@pytest.mark.parametrize("expr, shown", [
    (a * _subs(a + u**2), r"%s \cdot \left(\left. \left(%s + %s^{2}\right) %s\right)" % (LA, LA, U, AT)),
    (-_subs(a + u**2), r"- \left(\left. \left(%s + %s^{2}\right) %s\right)" % (LA, U, AT)),
    (_subs(u**2) ** 2, r"\left(\left. \left(%s^{2}\right) %s\right)^{2}" % (U, AT)),
    (_subs(a + u) * sp.exp(c), r"\left(\left. \left(%s + %s\right) %s\right) e^{%s}" % (LA, U, AT, LC)),
])
def test_an_evaluation_is_bracketed_where_its_bar_could_reach_further(expr, shown):
    assert latex(expr) == shown


def test_only_an_evaluation_of_more_than_one_closed_value_brackets_its_body():
    f = sp.Function("f")
    assert latex(_subs(f(u))) == r"\left. f(%s) %s" % (U, AT)
    assert latex(_subs(u)) == r"\left. %s %s" % (U, AT)
    assert latex(_subs(f(u) + u)) == r"\left. \left(%s + f(%s)\right) %s" % (U, U, AT)


def test_no_evaluation_prints_a_sum_or_a_power_before_its_bar_unbracketed():
    for e in (a * _subs(a + u**2), -_subs(a + u**2), _subs(u**2) ** 2, _subs(a + u) / c, a / _subs(u + a),
              sp.exp(_subs(a + u) / c), _subs(sp.Sum(u * r[y], (y, 1, n)))):
        for tex in (latex(e), latex(e, inline=True)):
            assert r"\left. \left(" in tex, tex                      # the body is bracketed
            assert not re.search(r"\\right\\vert_\{[^{}]*\}\^", tex), tex  # never a bar with a script above


def test_an_evaluation_in_an_inline_fraction_is_bracketed():
    assert latex(_subs(a + u) / c, inline=True).startswith(r"\left(\left. ")
    assert latex(a / _subs(u + a), inline=True) == r"%s/\left(\left. \left(%s + %s\right) %s\right)" % (LA, LA, U, AT)


# --- F4, F8: a factor that ends in an open log ------------------------------------------------

def test_relentr_brackets_a_first_argument_that_is_not_one_value():
    assert latex(RelEntr(A + B, c)) == r"\left(%s + %s\right) \log\frac{%s + %s}{%s}" % (
        latex(A), latex(B), latex(A), latex(B), LC)
    assert latex(RelEntr(A, c)) == r"%s \log\frac{%s}{%s}" % (latex(A), latex(A), LC)


def test_kl_with_zeros_of_a_mixture_reads_as_one_sum():
    g, h = sp.IndexedBase(sp.Symbol("g_r52k", real=True)), sp.IndexedBase(sp.Symbol("h_r52k", real=True))
    m = sp.IndexedBase(sp.Symbol("m_r52k", positive=True))
    tex = latex(kl_with_zeros(lam * g[y] + (1 - lam) * h[y], m[y]))
    assert tex.startswith(r"\sum_{y} \left(\lambda g_{r52k}(y) + ")


@pytest.mark.parametrize("expr, last", [
    (LogSigmoid(u) * sp.exp(u), r"\log\sigma\left(%s\right)" % U),   # was log sigma(u) e^{u}
    (RelEntr(A + u, c) * sp.exp(u), r"\log\frac{%s + %s}{%s}" % (latex(A), U, LC)),
])
def test_a_factor_that_ends_in_an_open_log_comes_last(expr, last):
    assert latex(expr).endswith(last), latex(expr)


def test_a_relative_entropy_of_a_sum_times_a_bracket_reads_as_one_product():
    assert latex(RelEntr(A + B, c) * (u + 1)) == r"\left(%s + 1\right) \left(%s + %s\right) \log\frac{%s + %s}{%s}" % (
        U, latex(A), latex(B), latex(A), latex(B), LC)


def test_two_open_logs_in_one_product_bracket_the_first():
    tex = latex(LogSigmoid(u) * RelEntr(A + B, c))
    assert tex.startswith(r"\left(\log\sigma\left(%s\right)\right) " % U) or tex.startswith(r"\left(\left(")
    assert latex(LogSigmoid(u) / b, inline=True) == r"\left(\log\sigma\left(%s\right)\right)/%s" % (U, LB)


# --- F5, F6, F7: the documents ---------------------------------------------------------------

v5 = declare.scalar("v5")
W5 = declare.scalar("W5")
DEF_W5 = Definition("the lifted square", W5, v5**2 + 1)
HERE_W5 = r"Here $$W_{5} = v_{5}^{2} + 1$$."


def _md(*derivations) -> str:
    report = Report.run(list(derivations), parallel=False)
    assert report.ok, [(r.step.id, r.outcome.verdict, r.outcome.method) for r in report.all_results]
    return render_documents(report, Paper(title="A note"))[1]


def _section(md: str, number: int) -> str:
    rest = md.split(f"\n## {number} ", 1)[1]
    return rest.split("\n## ", 1)[0]


def _bound() -> Derivation:
    return Derivation(
        id="bound52", title="A lower bound", kind="Theorem", label="bound52", context=(DEF_W5,),
        statement=(sp.Ge(W5, 1),), statement_text=prose("For every real ", v5, ":"),
        steps=(Step("bound52-step", "The bound", sp.Ge(W5, 1), prose("a square is nonnegative, so"), facts=(DEF_W5,)),),
    )


@pytest.mark.parametrize("hypotheses", [(sp.Eq(v5, 0),), ()])
def test_a_later_step_does_not_state_a_theorems_definition(hypotheses):
    aside = Derivation(id="aside52", title="At the origin", kind="Section", context=(DEF_W5,),
                       steps=(Step("aside52-step", "The definition", sp.Eq(W5, v5**2 + 1), prose("by definition"),
                                   hypotheses=hypotheses, facts=(DEF_W5,)),))
    theorem = _section(_md(_bound(), aside), 1)
    assert "**Theorem 1.**" in theorem and HERE_W5 in theorem.split("*Proof.*")[0]


def test_a_step_under_a_hypothesis_does_not_state_its_own_derivations_definition():
    sec = Derivation(id="sec52", title="A bound", kind="Section", context=(DEF_W5,),
                     steps=(Step("sec52-at", "At zero", sp.Eq(W5, v5**2 + 1), prose("at the origin"),
                                 hypotheses=(sp.Eq(v5, 0),), facts=(DEF_W5,)),
                            Step("sec52-step", "The bound", sp.Ge(W5, 1), prose("so"), facts=(DEF_W5,))))
    assert HERE_W5 in _section(_md(sec), 1)


def test_a_quantity_only_in_a_display_chain_gets_its_domain():
    w = declare.scalar("w6")
    g = declare.distribution("g6")
    claim = sp.Ge(w**2 + 1, 1, evaluate=False)
    total = sp.Sum(g[y], (y, 1, n))
    d = Derivation(id="cd52", title="A bound", kind="Theorem", label="cd52", statement=(claim,),
                   statement_text=prose("For every real ", w, ":"),
                   steps=(Step("cd52-step", "Chain", claim, prose("Rewriting,"), chain=(w**2 + total,),
                               facts=(Identity("total mass", total, 1),)),))
    md = _md(d)
    body = md.split("## A Machine log", 1)[0]
    assert r"\sum_{y} g_{6}(y)" in body
    assert "Throughout" in body and "distribution" in body.split("## 1 ", 1)[0]


def test_an_absolute_value_prints_no_bare_bar():
    for e in (sp.Abs(u) + 1, sp.Abs(u) * (u + 1), sp.Abs(u - a) / c, sp.Le(sp.Abs(u), 1)):
        for tex in (latex(e), latex(e, inline=True)):
            assert "|" not in tex and r"\lvert" in tex, tex
    assert latex(sp.Abs(u) + 1) == r"\left\lvert %s \right\rvert + 1" % U


def test_a_here_line_with_an_absolute_value_has_no_bar_in_the_markdown():
    v = declare.scalar("v7")
    W = declare.scalar("W7")
    df = Definition("the shifted absolute value", W, sp.Abs(v) + 1)
    d = Derivation(id="ab52", title="A bound", kind="Theorem", label="ab52", context=(df,),
                   statement=(sp.Ge(W, 1),), statement_text=prose("For every real ", v, ":"),
                   steps=(Step("ab52-step", "The bound", sp.Ge(W, 1), prose("an absolute value is nonnegative, so"),
                               facts=(df,)),))
    near = Derivation(id="ab52n", title="Near zero", kind="Section",
                      steps=(Step("ab52n-step", "Near zero", sp.Le(sp.Abs(v), 1), prose("trivially"),
                                  hypotheses=(sp.Le(sp.Abs(v), 1),), expected=Verdict.UNDECIDED),))
    md = _md(d, near)
    assert r"If $$\left\lvert v_{7} \right\rvert \leq 1$$" in md
    maths = re.findall(r"\$\$(.+?)\$\$", md)
    assert any(r"\lvert" in m for m in maths)
    assert not [m for m in maths if "|" in m.replace(r"\|", "")]


def test_a_statement_that_holds_under_a_hypothesis_does_not_state_the_definition():
    at_zero = sp.Eq(W5, v5**2 + 1)
    d = Derivation(id="atz52", title="At zero", kind="Theorem", label="atz52", context=(DEF_W5,),
                   statement=(at_zero,), statement_text=prose("If ", sp.Eq(v5, 0), ", then"),
                   steps=(Step("atz52-step", "At zero", at_zero, prose("by definition"), hypotheses=(sp.Eq(v5, 0),),
                               facts=(DEF_W5,)),))
    assert HERE_W5 in _section(_md(d), 1).split("*Proof.*")[0]
