"""Review 53b: a quantity whose name prints as a product.

TeX sets letters side by side as a product: a scalar named ``ab`` prints exactly as ``a*b``,
one printed ``a2`` as ``a`` times 2, one named ``a\\sigma(u)`` as ``a`` times the sigmoid.  A
statement holding both then displays a false formula ("ab > ab") above a true check.  Each
test below failed on the code before the fix.
"""

from __future__ import annotations

import json

import pytest
import sympy as sp

from dpo_mixture import Derivation, Report, Step, declare, prose
from dpo_mixture.model import Sigmoid
from dpo_mixture.notation import y
from dpo_mixture.proof.verify import name_clash, verify_report

a, b, u = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True), sp.Symbol("u", real=True)


@pytest.mark.parametrize("name, beside", [
    ("ab", a * b),                           # F1: ab > ab
    ("ua", u * a),
    ("ae", a * sp.E),                        # a e: a times Euler's number
    (r"\mu\nu", sp.Symbol("mu") * sp.Symbol("nu")),
    ("a{2}", 2 * a),                         # F2: 2a > a2
    ("a(2)", 2 * a),
    (r"a\sigma(u)", a * Sigmoid(u)),         # F3: a sigma(u) > a sigma(u)
    (r"u\Gamma(u)", u * sp.gamma(u)),
    (r"a{}\sigma(u)", a * Sigmoid(u)),
])
def test_a_scalar_whose_name_prints_as_a_product_is_refused(name, beside):
    why = name_clash([sp.Gt(beside, sp.Symbol(name, negative=True), evaluate=False)])
    assert why is not None and "side by side" in why, why


@pytest.mark.parametrize("name", ["ab", "xy", r"\alpha\beta", "a{2}"])
def test_such_a_name_is_refused_alone_too(name):
    # the product it reads as need not stand beside it: the reader sees two letters
    assert name_clash([sp.Symbol(name) + 1]) is not None


@pytest.mark.parametrize("label, beside", [("ag", a * sp.IndexedBase("g")[y]), (r"a\sigma", a * Sigmoid(y))])
def test_a_vector_whose_name_prints_as_a_product_is_refused(label, beside):
    v = sp.IndexedBase(label)
    assert name_clash([sp.Gt(beside, v[y], evaluate=False)]) is not None


def test_upright_names_side_by_side_read_as_the_upright_name_of_both():
    # \mathrm{ab} \mathrm{cd} and \mathrm{abcd} show the same upright "abcd"
    one, two, both = (sp.Symbol(n) for n in ("a_up53", "b_up53", "ab_up53"))
    from dpo_mixture.notation import LATEX_NAMES

    LATEX_NAMES.update({"a_up53": r"\mathrm{ab}", "b_up53": r"\mathrm{cd}", "ab_up53": r"\mathrm{abcd}"})
    try:
        why = name_clash([sp.Gt(one * two, both, evaluate=False)])
    finally:
        for n in ("a_up53", "b_up53", "ab_up53"):
            del LATEX_NAMES[n]
    assert why is not None and "product" in why, why


@pytest.mark.parametrize("name, tex", [("ab", None), ("a_two", "a2"), ("a_call", "a(2)"), ("s_sig", r"a\sigma(u)"),
                                       ("mn_53", r"\mu\nu")])
def test_declare_refuses_a_name_that_prints_as_a_product(name, tex):
    with pytest.raises(ValueError, match="side by side"):
        declare.scalar(name, latex=tex)


@pytest.mark.parametrize("tex", [r"p_{\mathrm{ref}}(y)", r"p^{\mathrm{ref}}", r"\hat{\pi}^{*}", r"\ell(\theta)",
                                 r"\pi_\theta(y \mid x)", r"\mathrm{KL}", "x_{ab}", "y'", r"\mathcal{D}", "Z(t)"])
def test_names_of_one_letter_with_scripts_and_arguments_are_kept(tex):
    from dpo_mixture.declare import juxtaposition_problem

    assert juxtaposition_problem(tex) == ""


def test_a_theorem_about_a_name_printed_as_a_product_is_not_checked():
    AB = sp.Symbol("ab", negative=True)
    claim = sp.Gt(a * b, AB, evaluate=False)
    d = Derivation(id="ml53", title="A bound", kind="Theorem", label="ml53", statement=(claim,),
                   steps=(Step("ml53-step", "Signs", claim, prose("A product of positives is positive, so")),))
    with pytest.raises(ValueError, match="side by side"):
        Report.run([d], parallel=False)


def test_verify_refuses_a_report_whose_scalar_prints_as_a_product():
    c = declare.scalar("c_r53", negative=True)
    p, q = declare.scalar("p_r53", positive=True), declare.scalar("q_r53", positive=True)
    claim = sp.Gt(p * q, c, evaluate=False)
    d = Derivation(id="vr53", title="A bound", kind="Theorem", label="vr53", statement=(claim,),
                   steps=(Step("vr53-step", "Signs", claim, prose("A product of positives is positive, so")),))
    data = Report.run([d], parallel=False).to_json()
    assert all(x.ok for x in verify_report(data))
    # the same report with the names renamed so that c prints as the product of the other two
    text = json.dumps(data)
    for old, new in (("p_{r53}", "a"), ("q_{r53}", "b"), ("c_{r53}", "ab"), ("p_r53", "a"), ("q_r53", "b"),
                     ("c_r53", "ab")):
        text = text.replace(old, new)
    results = verify_report(json.loads(text))
    assert results and not any(x.ok for x in results), results
    assert "side by side" in results[0].detail
