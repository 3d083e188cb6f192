"""Review 57a (what the documents show) and 57c (claims): each test failed on the code before the fix."""

from __future__ import annotations

import re

import pytest
import sympy as sp

from dpo_mixture import Certificate, Definition, Derivation, Step, declare, prose
from dpo_mixture.claims import ClaimSyntaxError, check_claim
from dpo_mixture.model import MeanUnif
from dpo_mixture.proof import Report, Verdict
from dpo_mixture.proof.derivation import _refuse_name_clashes, gives_a_name
from dpo_mixture.proof.verify import name_clash
from dpo_mixture.render import Paper, Ref, render_documents
from dpo_mixture.render.blocks import Front, Link, Math, Para, Text
from dpo_mixture.render.latex_doc import render_latex
from dpo_mixture.render.markdown_doc import render_markdown
from dpo_mixture.render.printer import latex

a = declare.scalar("a_r57")
w = declare.scalar("w_r57")
u = declare.scalar("u_r57", positive=True)


def _theorem(tex: str) -> str:
    return tex.split(r"\begin{theorem}")[1].split(r"\end{theorem}")[0]


def test_a_definition_a_step_restates_is_shown_as_a_definition():
    # F1: "For all real a and w: w = a - 1" [proved, by unfolding w := a - 1]
    definition = Definition("a number", w, a - 1)
    claim = sp.Eq(w, a - 1)
    d = Derivation("r57-def", "Every number", (Step("r57-def-s", "Every number", claim, prose("so"), facts=(definition,)),),
                   kind="Theorem", context=(definition,), statement=(claim,),
                   statement_text=prose("For all real numbers ", a, " and ", w, ":"))
    assert gives_a_name(claim, d)
    tex, md = render_documents(Report.run([d]), Paper("Note"))
    assert ":=" in _theorem(tex)


def test_a_definition_said_only_in_a_proof_leaves_the_statement_a_here_line():
    # F1: the definition in a step's justification comes after the statement it qualifies
    definition = Definition("a number", w, a - 1)
    claim = sp.Gt(w, a - 2)
    step = Step("r57-just-s", "Bound", claim, prose("As ", sp.Eq(w, a - 1, evaluate=False), " holds,"), facts=(definition,))
    d = Derivation("r57-just", "Every number", (step,), kind="Theorem", context=(definition,), statement=(claim,),
                   statement_text=prose("For all real numbers ", a, " and ", w, ":"))
    tex, _ = render_documents(Report.run([d]), Paper("Note"))
    body = tex.split(r"\begin{theorem}")[1].split(r"\begin{proof}")[0]
    assert "Here" in body


@pytest.mark.parametrize("tokens", [
    # a reference's title "(1/2)" then a space then a formula: "(1/2) a < u"
    (Text("with "), Link("half", "(1/2)"), Text(" "), Math("a < u"), Text(":")),
    # a formula, a bracket, a title "5": "a < 2(5)"
    (Text("with "), Math("a < 2"), Text("("), Link("five", "5"), Text(") as a bound:")),
    (Text("with "), Math("a < 2"), Text(" ("), Link("five", "5"), Text(") as a bound:")),
])
def test_both_writers_read_what_a_reference_prints_beside_a_formula(tokens):
    # F2: the writers judge what is printed on each side of a formula, references included
    blocks = [Front("Note", (), ()), Para(tokens)]
    with pytest.raises(ValueError, match="right against the maths"):
        render_latex(blocks)
    with pytest.raises(ValueError, match="right against the maths"):
        render_markdown(blocks, Paper("Note"))


def test_a_reference_that_begins_with_a_word_stands_apart_from_a_formula():
    blocks = [Front("Note", (), ()), Para((Text("so "), Math("a < 2"), Text(" ("), Link("l", "Lemma", "2"), Text(").")))]
    assert r"$a < 2$ (Lemma~\ref{l})." in render_latex(blocks)


def test_an_evaluation_in_an_exponents_denominator_is_bracketed():
    # F4: e^{u/u|_{u=2}} read the bar over u/u
    x = sp.Symbol("x_r57", real=True)
    tex = latex(sp.exp(x / sp.Subs(x, x, 2)))
    assert r"/\left(\left. x_{r57} \right\vert_{x_{r57} = 2}\right)" in tex, tex


def test_an_equation_sympy_evaluates_is_no_operator_written_out():
    # F6: E[f]/E[f] = 1 shown as a theorem line that no step checked
    f = declare.reward("f_r57")
    y = declare.index("y")
    mean = MeanUnif(f[y])
    ratio = sp.Eq(sp.Mul(mean, sp.Pow(mean, -1, evaluate=False), evaluate=False), 1)
    side = sp.Gt(u + 1, 1, evaluate=False)
    with pytest.raises(ValueError, match="statement"):
        Derivation("r57-op", "Aside", (Step("r57-op-s", "Aside", side, prose("so")),), kind="Theorem",
                   statement=(ratio, side), statement_text=prose("For every reward ", f[y], ":"))


def test_a_name_that_shows_a_subscripted_bound_variable_is_refused():
    # found while fixing F3: L(h_{1}) under d/dh_{1} (the print's braces hid the variable)
    h = sp.Symbol("h_r57b", positive=True)
    assert "bound one" in name_clash([sp.Eq(sp.Derivative(sp.Symbol("L(h_{r57b})"), h), 0)])
    assert name_clash([sp.Eq(sp.Derivative(sp.Symbol("x_{12}") * h, h), sp.Symbol("x_{12}"))]) is None


def test_check_reads_each_step_in_its_own_model_as_the_re_check_does():
    # F3 (b): a definition in another step's facts does not let L(h) stand under d/dh here
    h = declare.scalar("h_r57", positive=True)
    L = sp.Symbol("L(h_{r57})")
    definition = Definition("L", L, h**2)
    other = Step("r57-other", "Other", sp.Gt(L + 1, 0, evaluate=False), prose("so"), facts=(definition,))
    mine = Step("r57-mine", "Slope", sp.Eq(sp.Derivative(L, h), 0), prose("so"))
    with pytest.raises(ValueError, match="bound one"):
        _refuse_name_clashes((Derivation("r57-scopes", "Scopes", (other, mine)),))


def test_check_compares_the_names_of_the_library_lemmas_a_step_cites():
    # F3 (a): a positive x beside lib.exp-bound's real x: the report would hold two quantities named x
    from dpo_mixture.derivations import library

    x = declare.scalar("x", positive=True)
    step = Step("r57-lib", "Bound", sp.Ge(sp.exp(x), x + 1, evaluate=False), prose("so"), strategy=Certificate((1,)),
                given=("lib.exp-bound",), instantiate={library.x: x})
    with pytest.raises(ValueError, match="named x"):
        _refuse_name_clashes((Derivation("r57-library", "Library names", (step,)),))


def test_a_shown_value_uses_the_definitions_the_search_used():
    # F5: x declared positive and "defined" x := 2 in a step's facts, which the search sets aside
    x = declare.scalar("x_r57s", positive=True)
    step = Step("r57-show-s", "Large", sp.Gt(x, 1, evaluate=False), prose("so"), facts=(Definition("x", x, 2),),
                expected=Verdict.REFUTED, show=(2 * x,))
    d = Derivation("r57-show", "Large", (step,), kind="Claim")
    report = Report.run([d])
    value = report.result("r57-show-s").outcome.counterexample.instance
    tex, _ = render_documents(report, Paper("Note"))
    shown = re.search(r"there \$2 x_\{r57s\} = ([^$]*)\$", tex).group(1)
    assert sp.Rational(shown.replace(r"\frac{", "").replace("}{", "/").replace("}", "")) == 2 * value[x]


@pytest.mark.parametrize("claim", [
    # 57c F1: TPM_A speaks of beta through its definition: its log must be defined near 0
    "limit(beta + log(TPM_A - alpha) - log(TPM_A - alpha), beta, 0) == 0",
    # 57c F2: sqrt(beta - 1) cancelled: the derivative at beta = 1 does not exist
    "diff((beta - 1)**(1/2) - (beta - 1)**(1/2) + beta, beta) == 1",
    "diff(beta + (beta - 1)**(3/2)*0, beta) == 1",
])
def test_a_condition_sympy_took_out_of_a_limit_or_derivative_body_is_refused(claim):
    with pytest.raises(ClaimSyntaxError, match="whose body SymPy has simplified"):
        check_claim(claim, assume=["TPM_A > alpha", "beta >= 1"])


def test_a_power_of_a_power_of_numbers_is_sized_before_it_is_built():
    # 57c F3: parsed in no time, never computed
    with pytest.raises(ClaimSyntaxError, match="number too large"):
        check_claim("((10**333)**(999999/1000))**(999999/1000) > 0", seconds=5)


def test_a_number_too_large_to_print_leaves_the_step_undecided():
    # 57c F4: SymPy's printer overflows on exp(exp(exp(exp(10)))) - 1
    big = sp.exp(sp.exp(sp.exp(sp.exp(10))))
    result = check_claim("exp(exp(exp(exp(10)))) > exp(exp(exp(exp(10)))) - 1", seconds=5)
    assert result.verdict.value == "undecided" and big.func is sp.exp


@pytest.mark.parametrize("claim", ["log(1 + exp(-10**30)) > 0", "(exp(10**100) - 1)**(1/2) > 0"])
def test_a_plainly_defined_number_is_not_refused_as_undefined(claim):
    # 57c F5: certified evaluation cannot place them; the sign rules can
    assert check_claim(claim, seconds=20).verdict.value == "proved"


# --- review 57b: bound variables captured by the normal form -----------------------------------
from dpo_mixture import ExtremumBound, decide  # noqa: E402
from dpo_mixture.model import SupportMax  # noqa: E402
from dpo_mixture.notation import k as _k, n as _n, p as _p, r as _r, support_sum, y as _y  # noqa: E402
from dpo_mixture.proof.normal_form import _POOL, carry_out_subs, normal_form, standardize  # noqa: E402

_j = sp.Symbol("j", integer=True, positive=True)
_z = sp.Symbol("z_r57", real=True)
_W = sp.Symbol("W_r57", real=True)
_cube = sp.Eq(_r[_k] ** 3, 2, evaluate=False)  # no rational instance: only the kernel can answer


def test_standardize_never_reuses_an_index_its_body_reads_free():
    # F4/F5: the outer sum binds the pool's b0 already; the inner sum may not be renamed b0 too
    b0 = _POOL[0]
    e = sp.Sum(_p[b0] * sp.Sum((_r[b0] - _r[_k]) ** 2 * _p[_k], (_k, 1, _n)), (b0, 1, _n))
    out = standardize(e)
    inner = next(s for s in out.atoms(sp.Sum) if s != out)
    assert len({x.indices[0] for x in inner.function.atoms(sp.Indexed) if x.base == _r}) == 2, out
    fresh = sp.Sum(_p[_y] * sp.Sum((_r[_y] - _r[_k]) ** 2 * _p[_k], (_k, 1, _n)), (_y, 1, _n))
    assert out == standardize(fresh)  # and the names stay canonical


def test_a_substitution_point_is_never_captured_by_a_sum_of_the_body():
    # F1-F3: [sum_k z r(k)]_{z = r(k)} is r(k) sum_j r(j), not sum_k r(k)^2
    out = carry_out_subs(sp.Subs(support_sum(_z * _r[_k], _k), _z, _r[_k]))
    assert normal_form(out - _r[_k] * support_sum(_r[_j], _j)) == 0, out


def test_the_mean_of_a_defined_spread_is_not_proved_zero():
    # F5: sum_k p(k) V(k) with V(y) := sum_j (r(y) - r(j))^2 p(j) is twice a variance
    V = sp.IndexedBase(sp.Symbol("V_r57", real=True))
    spread = Definition("spread", V[_y], support_sum((_r[_y] - _r[_j]) ** 2 * _p[_j], _j))
    b = sp.Symbol("b_r57", real=True)
    step = Step("r57-spread", "Mean spread", sp.Eq(support_sum(_p[_k] * V[_k], _k), 0), prose("so"),
                facts=(spread,), hypotheses=(sp.Eq(b**3, 2, evaluate=False),))
    assert decide(step, context=(spread,)).verdict is not Verdict.PROVED


def test_the_extremum_rule_reads_a_substitution_without_capture():
    # F1
    defn = Definition("a weighted total", _W, support_sum(_z * _r[_k], _k))
    claim = sp.Ge(support_sum(_r[_j] ** 2, _j) + SupportMax(_r[_j], _j), sp.Subs(_W, _z, _r[_k]) + _r[_k])
    step = Step("r57-extremum", "A false bound", claim, prose("so"), hypotheses=(_cube,), strategy=ExtremumBound(_k))
    assert decide(step, context=(defn,)).verdict is not Verdict.PROVED


def test_a_definedness_condition_is_not_discharged_through_a_capture():
    # F2: log([W]_{z=r(k)}) needs r(k) sum_j r(j) > 0, which sum_j r(j)^2 > 0 does not give
    defn = Definition("a weighted total", _W, support_sum(_z * _r[_k], _k))
    at = sp.Subs(_W, _z, _r[_k])
    step = Step("r57-defined", "An undefined bound", sp.Ge(sp.log(at) + 1, sp.log(at)), prose("so"),
                hypotheses=(sp.Gt(support_sum(_r[_j] ** 2, _j), 0),))
    assert decide(step, context=(defn,)).verdict is not Verdict.PROVED


def test_a_lemma_cited_at_a_lambda_whose_body_sums_is_not_captured():
    # F4: lib.max-bound at f := (i -> sum_j (r(i) - r(j))^2 p(j)) proved sum_j (r(y) - r(j))^2 p(j) <= 0
    from dpo_mixture.derivations import library as lib

    i = sp.Symbol("i", integer=True, positive=True)
    spread = sp.Lambda(i, support_sum((_r[i] - _r[_j]) ** 2 * _p[_j], _j))
    step = Step("r57-maxbound", "No spread", sp.Le(support_sum((_r[_y] - _r[_j]) ** 2 * _p[_j], _j), 0), prose("so"),
                hypotheses=(sp.Eq(_r[_y] ** 3, 2, evaluate=False),), given=("lib.max-bound",),
                instantiate={lib.f: spread}, strategy=Certificate((0, 0, 1)))
    report = Report.run([Derivation("r57-maxbound-d", "No spread", (step,), kind="Claim")])
    assert report.result("r57-maxbound").outcome.verdict is not Verdict.PROVED


# --- review 58a: the same captures elsewhere ---------------------------------------------------
from dpo_mixture import ConvexMinimum  # noqa: E402
from dpo_mixture.proof.normal_form import _APART, put  # noqa: E402
from dpo_mixture.proof.search import Problem, search  # noqa: E402

_x = sp.Symbol("x_r58", real=True)
_w = sp.Symbol("w_r58", real=True)
_b = sp.Symbol("b_r58", real=True)


def test_the_convexity_rule_puts_its_point_in_without_capture():
    # F1: (x - w)^2 - [(x - w)^2]_{w=0}/2 >= 0 is (x - w)^2 - x^2/2, -1 at w = 1, x = 2
    claim = sp.Ge((_x - _w) ** 2 - sp.Subs((_x - _w) ** 2, _w, 0) / 2, 0)
    step = Step("r58-convex", "A false bound", claim, prose("so"), hypotheses=(sp.Eq(_b**3, 2, evaluate=False),),
                strategy=ConvexMinimum(_x))
    assert decide(step).verdict is not Verdict.PROVED


def test_the_search_does_not_pair_two_indices_through_a_substitution():
    # F2: sum_k [sum_j z r(j)]_{z=r(k)} = (sum_j r(j))^2 holds everywhere
    lhs = support_sum(sp.Subs(support_sum(_z * _r[_j], _j), _z, _r[_k]), _k)
    result = search(Problem(sp.Eq(lhs, support_sum(_r[_j], _j) ** 2)), samples=60, seed=0)
    assert result.counterexample is None, result


def test_a_stand_in_the_body_already_holds_is_not_used():
    # F3: an inner binder over the stand-in of the outer pool index would capture it
    b0, s0 = _POOL[0], _APART[0]
    e = sp.SupportMax(sp.Sum((_r[b0] - _r[s0]) ** 2 * _p[s0], (s0, 1, _n)), b0) if hasattr(sp, "SupportMax") else \
        SupportMax(sp.Sum((_r[b0] - _r[s0]) ** 2 * _p[s0], (s0, 1, _n)), b0)
    out = standardize(e)
    inner = next(s for s in out.atoms(sp.Sum))
    assert len({x.indices[0] for x in inner.function.atoms(sp.Indexed) if x.base == _r}) == 2, out


def test_a_condition_inside_a_substitution_is_taken_at_its_point_without_capture():
    # F4: log([sum_k z r(k)]_{z=r(k)}) needs r(k) sum_j r(j) > 0, not sum_k r(k)^2 > 0
    from dpo_mixture.proof.definedness import conditions

    (c,) = conditions(sp.log(sp.Subs(support_sum(_z * _r[_k], _k), _z, _r[_k])))
    assert normal_form(c.expr - _r[_k] * support_sum(_r[_j], _j)) == 0, c


def test_put_renames_a_binder_apart_instead_of_capturing():
    assert normal_form(put(support_sum(_z * _r[_k], _k), {_z: _r[_k]}) - _r[_k] * support_sum(_r[_j], _j)) == 0


# --- review 58b: the round-57 fixes attacked ------------------------------------------------
from dpo_mixture import Lemmas  # noqa: E402
from dpo_mixture.render.prose import check_apart  # noqa: E402


def _doc(*derivations) -> str:
    return render_documents(Report.run(list(derivations)), Paper("Note"))[0]


def test_a_definition_restated_by_an_earlier_proof_is_still_shown_with_a_later_theorem():
    # F1: an earlier proof's step "w = a - 1" states no definition for a later theorem
    definition = Definition("a number", w, a - 1)
    first = Derivation("r58-first", "First", (Step("r58-first-s", "Restated", sp.Eq(w, a - 1), prose("so"),
                                                    facts=(definition,)),), context=(definition,))
    claim = sp.Gt(w, a - 2)
    later = Derivation("r58-later", "Later", (Step("r58-later-s", "Bound", claim, prose("so"), facts=(definition,)),),
                       kind="Theorem", context=(definition,), statement=(claim,),
                       statement_text=prose("For all real numbers ", a, " and ", w, ":"))
    tex = _doc(first, later)  # stated once, before the theorem (in the first section, where w first shows)
    assert "Here $w_{r57} = a_{r57} - 1$" in tex.split(r"\begin{theorem}")[0]


def test_a_later_step_of_a_section_states_no_definition_for_an_earlier_display():
    # F1 (b)
    definition = Definition("a number", w, a - 1)
    steps = (Step("r58-sec-a", "Bound", sp.Gt(w, a - 2), prose("Then"), facts=(definition,)),
             Step("r58-sec-b", "Restated", sp.Eq(w, a - 1), prose("and"), facts=(definition,)))
    tex = _doc(Derivation("r58-sec", "Numbers", steps, context=(definition,), intro=prose("Let ", a, " be real.")))
    assert tex.index("Here") < tex.index("- 2")


def test_a_definition_a_step_adds_to_its_own_model_is_shown():
    # F2: w := a - 1 only in the step's facts, w undeclared: the kernel reads it, so must the reader
    fresh = sp.Symbol("w_r58f")
    claim = sp.Gt(fresh, a - 2)
    d = Derivation("r58-fresh", "Bound", (Step("r58-fresh-s", "Bound", claim, prose("so"),
                                                 facts=(Definition("a number", fresh, a - 1),)),),
                   kind="Theorem", statement=(claim,), statement_text=prose("For all real numbers ", a, ":"))
    assert "Here" in _theorem(_doc(d))


@pytest.mark.parametrize("parts", [("with 50% ", a, " < 1"), ("with ", u, " % or more"), ("with ", u, "! so")])
def test_a_percent_or_an_exclamation_mark_beside_a_formula_reads_with_it(parts):
    # F3
    with pytest.raises(ValueError):
        check_apart(tuple(parts))


def test_a_power_is_sized_whatever_constant_it_holds():
    # F4: e 10^333 to a large power is computed exactly too
    with pytest.raises(ClaimSyntaxError, match="number too large"):
        check_claim("((exp(1)*10**333)**(999999/1000))**(999999/1000) > 0", seconds=5)


_JENSEN_MODULE = """
import sympy as sp
from dpo_mixture import Definition, Derivation, Lemmas, Step, declare, prose
from dpo_mixture.notation import support_sum

pi_ref = declare.distribution("pi_ref", latex=r"\\pi_{\\mathrm{ref}}")
r = declare.reward("r")
beta = declare.temperature("beta")
Z = declare.scalar("Z_beta", positive=True, latex="Z")
y = declare.index("y")
k = declare.index("k")
x = declare.scalar("x", positive=True)
DEF_Z = Definition("the partition function", Z, support_sum(pi_ref[k] * sp.exp(r[k] / beta), k))
J = sp.Ge(sp.log(Z), support_sum(pi_ref[y] * r[y]) / beta)
X = sp.Gt(x + 1, x, evaluate=False)
DERIVATIONS = (Derivation(id="t0", title="Jensen", context=(DEF_Z,),
               steps=(Step("jensen", "Jensen", J, prose("so"), strategy=Lemmas(), facts=(DEF_Z,)),
                      Step("xs", "Aside", X, prose("and"))),),)
"""


def test_check_judges_the_names_of_the_library_lemmas_a_strategy_found(tmp_path):
    # F5: Lemmas() finds lib.lse-above-mean, which rests on lib.exp-bound and its real x
    import subprocess
    import sys

    path = tmp_path / "jensen_x.py"
    path.write_text(_JENSEN_MODULE)
    done = subprocess.run([sys.executable, "-m", "dpo_mixture", "check", str(path)], capture_output=True, text=True,
                          timeout=600, cwd=tmp_path)
    assert done.returncode == 2 and "named x" in done.stderr, (done.returncode, done.stderr[-500:])


def test_a_number_the_floats_cannot_order_still_prints():
    # F6
    big = sp.exp(sp.exp(sp.exp(sp.exp(10))))
    assert "e^{" in latex(big - 1)


@pytest.mark.parametrize("claim", ["1/sigmoid(-1) > 1", "log(sigmoid(1)) < 0"])
def test_a_sigmoid_of_a_number_is_defined(claim):
    # F7
    assert check_claim(claim, seconds=20).verdict.value == "proved"


@pytest.mark.parametrize("claim", [
    "(beta - 1)**(1/2)*0 + diff((beta - 1)**(1/2) - (beta - 1)**(1/2) + beta, beta) == 1",
    "log(beta - 1)*0 + limit(log(beta - 1) - log(beta - 1) + beta, beta, 0) == 0",
])
def test_a_condition_asked_before_the_body_is_still_asked_of_it(claim):
    # F8: the statement asked it first, so the body's asking it again went unnoticed
    with pytest.raises(ClaimSyntaxError, match="whose body SymPy has simplified"):
        check_claim(claim, assume=["beta > 1"])


# --- review 59a ------------------------------------------------------------------------------
def test_a_fresh_name_defined_two_ways_in_two_steps_is_refused():
    # F1: the documents would show one definition beside statements proved with the other
    fresh = sp.Symbol("W_r59")
    one = Step("r59-one", "One", sp.Lt(fresh, a), prose("so"), facts=(Definition("W", fresh, a - 1),))
    two = Step("r59-two", "Two", sp.Gt(fresh, a), prose("so"), facts=(Definition("W", fresh, a + 1),))
    with pytest.raises(ValueError, match="defined as"):
        Report.run([Derivation("r59-twice", "Twice", (one, two))])


def test_an_equation_in_prose_does_not_state_a_definition():
    # F2: "not only for W = a - 1, we have: W < a" shows no definition
    definition = Definition("a number", w, a - 1)
    claim = sp.Lt(w, a)
    d = Derivation("r59-prose", "Bound", (Step("r59-prose-s", "Bound", claim, prose("so"), facts=(definition,)),),
                   kind="Theorem", context=(definition,), statement=(claim,),
                   statement_text=prose("For all real numbers ", a, " and ", w, ", not only for ",
                                        sp.Eq(w, a - 1, evaluate=False), ", we have:"))
    assert "Here" in _theorem(_doc(d))


@pytest.mark.parametrize("parts", [("with ", sp.Lt(a, u), " squared:"), ("with minus ", sp.Lt(a, u), ":"),
                                   ("with ", a, " times ", sp.Lt(u, 1), ":")])
def test_a_word_that_acts_as_an_operator_beside_a_formula_is_refused(parts):
    # F3: "a < u squared", "minus a < u", "a times u < 1"
    with pytest.raises(ValueError):
        check_apart(tuple(parts))


def test_words_that_only_sound_like_operators_stay_apart():
    check_apart(("the reward minus ", u, " times the divergence, summed over the support"))
    check_apart(("the sum over ", _y, " of the rewards"))
