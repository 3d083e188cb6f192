"""Review 55c: names that capture a bound variable, prose glued to a formula, heads of names.

Each test below failed on the code before the fix (F1-F9 of the review).
"""

from __future__ import annotations

import pytest
import sympy as sp

from dpo_mixture import Derivation, Step, prose
from dpo_mixture.notation import LATEX_NAMES, Z, alpha, n
from dpo_mixture.proof.derivation import gives_a_name
from dpo_mixture.proof.verify import name_clash
from dpo_mixture.render.layout import relation_lines

a, b, u = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True), sp.Symbol("u", positive=True)
g = sp.IndexedBase(sp.Symbol("g_r55", positive=True))


def _refused(*exprs, why: str = "") -> None:
    found = name_clash(list(exprs))
    assert found is not None and why in found, found


def test_a_name_that_shows_a_bound_index_is_refused():
    # F1: sum_j t_j = n t_j, with t_j one number
    j = sp.Symbol("j", integer=True, positive=True)
    _refused(sp.Eq(sp.Sum(sp.Symbol("t_j"), (j, 1, n)), n * sp.Symbol("t_j")), why="would read as the bound one")
    # the package's alpha prints alpha(x): summed over an index x of one's own
    x = sp.Symbol("x", integer=True, positive=True)
    _refused(sp.Eq(sp.Sum(alpha, (x, 1, n)), n * alpha), why="would read as the bound one")


def test_a_name_that_shows_a_variable_it_does_not_depend_on_is_refused_under_its_derivative():
    # F5: d/dh L(h) = 0 with L one number; Subs likewise
    h = sp.Symbol("h", positive=True)
    L = sp.Symbol("L(h)")
    _refused(sp.Eq(sp.Derivative(L, h), 0), why="would read as the bound one")
    _refused(sp.Eq(sp.Subs(L, h, 1), L), why="would read as the bound one")


def test_a_name_given_as_an_expression_of_the_variable_may_show_it():
    from dpo_mixture.proof.facts import Definition

    t = sp.Symbol("t", positive=True)
    Zt = sp.Symbol("Z_t")
    definition = Definition("Z_t", Zt, sp.exp(t) + 1)  # Z_t := e^t + 1: d/dt Z_t is about t
    assert name_clash([definition.relation, sp.Eq(sp.Derivative(Zt, t), sp.exp(t))], [definition]) is None


def test_a_bound_index_d_beside_a_derivative_is_refused():
    # F3
    d = sp.Symbol("d", integer=True, positive=True)
    _refused(sp.Eq(sp.Sum(g[d], (d, 1, n)) * sp.Derivative(u**2, u), 2 * u), why="derivative or an integral")


def test_an_index_named_like_a_function_beside_it_is_refused():
    # F4: sum_f f(a) = n f(a)
    f = sp.Symbol("f", integer=True, positive=True)
    _refused(sp.Eq(sp.Sum(sp.Function("f")(a), (f, 1, n)), n * sp.Function("f")(a)))


def test_a_bound_index_printed_as_the_upright_product_of_free_names_is_refused():
    # F7
    J = sp.Symbol("J_up55", integer=True, positive=True)
    LATEX_NAMES["J_up55"] = r"\mathrm{ab}"
    try:
        _refused(sp.Eq(sp.Sum(a * b * g[J], (J, 1, n)), a * b * sp.Sum(g[J], (J, 1, n))), why="product")
    finally:
        del LATEX_NAMES["J_up55"]


def test_a_name_headed_like_another_quantity_with_arguments_is_refused():
    # F6: Z(x) > Z(t) reads as one function at two points
    _refused(sp.Gt(Z, sp.Symbol("Z(t)", negative=True), evaluate=False), why="one function")


@pytest.mark.parametrize("name", [r"\mathrm{sgn}(a)", r"\mathrm{KL}(p,q)", r"\operatorname{Var}(a)"])
def test_an_upright_word_applied_to_arguments_is_refused(name):
    # F8: a fresh name printed sgn(a) given the value -1 read as a claim about the sign
    _refused(sp.Eq(sp.Symbol(name), -1), why="upright word applied")


def test_a_statement_that_gives_a_fresh_name_a_value_prints_as_a_definition():
    W = sp.Symbol("W_r55")
    claim = sp.Gt(a + 1, 1, evaluate=False)
    named = sp.Eq(W, a + 2)
    d = Derivation(id="fn55", title="T", kind="Theorem", statement=(named, claim),
                   steps=(Step("fn55-step", "Bound", claim, ""),))
    assert gives_a_name(named, d) and not gives_a_name(claim, d)
    assert ":=" in relation_lines(named, defines=True)[0]
    assert ":=" not in relation_lines(named)[0]


def test_a_function_name_with_a_star_or_a_prime_is_refused():
    # F9: the derivative of f^* printed f^{*}'(a), which LaTeX refuses
    for name in ("f^*", "f'", "f*"):
        _refused(sp.Function(name)(a) + a, why="function")


@pytest.mark.parametrize("parts", [
    ("with ", sp.Lt(a, 2), "0 as a bound"),     # F2: a < 20
    ("with ", sp.Lt(a, u), " + 1 as a bound"),  # a < u + 1
    ("-", sp.Lt(a, u)),                         # -a < u
    ("for all", a),                             # for alla
    ("at least 2 ", a),                         # 2 a
    ("f(", a, ")"),                             # f applied to a
])
def test_text_against_a_formula_is_refused(parts):
    with pytest.raises(ValueError, match="right against the maths"):
        prose(*parts)


@pytest.mark.parametrize("parts", [
    ("so ", a, ", and"), ("so ", a, "."), ("(where ", a, ")"), ("the ", a, " (and of ", b, ")"),
    ("with ", sp.Lt(a, u), " and ", sp.Lt(b, 2), ":"),
])
def test_text_apart_from_a_formula_is_kept(parts):
    prose(*parts)


# --- review 56b ---------------------------------------------------------------------------------

def test_only_a_definition_of_the_model_lets_a_name_show_the_variable_of_its_derivative():
    # F1: a hypothesis L(h) = h is no definition: d/dh L(h) = 0 under it reads false
    from dpo_mixture.proof.facts import Definition

    h = sp.Symbol("h", positive=True)
    L = sp.Symbol("L(h)")
    claim = sp.Eq(sp.Derivative(L, h), 0)
    _refused(sp.Eq(L, h), claim, why="would read as the bound one")
    assert name_clash([claim], [Definition("L as a function of h", L, h**2)]) is None


def test_a_name_with_two_letters_in_its_subscript_shows_each_of_them():
    # F7: sum_j t_{ij} = n t_{ij}
    j = sp.Symbol("j", integer=True, positive=True)
    for name in ("t_{ij}", "t_{jk}", "t_{jj}"):
        _refused(sp.Eq(sp.Sum(sp.Symbol(name), (j, 1, n)), n * sp.Symbol(name)), why="would read as the bound one")


def test_a_blackboard_letter_applied_to_arguments_is_refused():
    # F5: E(a) = -1 read as an expectation
    _refused(sp.Eq(sp.Symbol(r"\mathbb{E}(a)"), -1), why="upright word applied")


def test_a_definition_of_the_model_stated_by_a_result_prints_as_a_definition():
    # F5, F4: the model's own definition, restated, printed "=" like a claim
    from dpo_mixture.proof.facts import Definition

    W = sp.Symbol("W_r56", real=True)
    rel = sp.Eq(W, a + 1)
    claim = sp.Gt(a + 1, 1, evaluate=False)
    for kind in ("Theorem", "Section"):
        d = Derivation(id=f"df56{kind}", title="T", kind=kind, statement=(rel, claim),
                       context=(Definition("W", W, a + 1),), steps=(Step(f"df56{kind}-step", "Bound", claim, ""),))
        assert gives_a_name(rel, d) and not gives_a_name(claim, d)


@pytest.mark.parametrize("parts", [
    ("with ", sp.Lt(a, 2), ".5 as a bound"),    # F2: a < 2.5
    ("with ", sp.Lt(a, 2), ",5 as a bound"),
    ("with \u2013", sp.Lt(a, u)),                 # a dash reads as a minus
    ("with (1/2) ", sp.Lt(a, u)),                # F6: (1/2) a < u
    ("with [2] ", sp.Lt(a, u)),
])
def test_more_text_against_a_formula_is_refused(parts):
    with pytest.raises(ValueError, match="right against the maths"):
        prose(*parts)


def test_a_reference_against_a_formula_is_refused():
    # F3: an unnumbered reference prints its title ("5 as a bound"), which ran into "a < 2"
    from dpo_mixture.render.prose import Ref

    with pytest.raises(ValueError, match="reference right against"):
        prose("with ", sp.Lt(a, 2), Ref("c56"), " as a bound")
    prose("with ", sp.Lt(a, 2), " (see ", Ref("c56"), ")")
