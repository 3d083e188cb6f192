"""Review 54a: bound variables and names beside brackets, derivatives and upright words.

Each test below failed on the code before the fix (F1, F2, F4, F5, F7 of the review).
"""

from __future__ import annotations

import pytest
import sympy as sp

from dpo_mixture import declare
from dpo_mixture.model import SupportMax
from dpo_mixture.notation import k, n, r
from dpo_mixture.proof.verify import _printed_name_ok, name_clash

g = sp.IndexedBase(sp.Symbol("g_r54", positive=True))
a, u = sp.Symbol("a", positive=True), sp.Symbol("u", positive=True)


def test_an_index_printed_like_the_variable_of_a_binder_around_it_is_refused():
    # F1: the package's bound k prints y'; an outer sum over an index named y' makes the inner
    # max bind what reads as the outer index: sum_{y'} (max_{y'}(g(y') + r(y')) - max_{y'} r(y'))
    j = sp.Symbol("y'", integer=True, positive=True)
    claim = sp.Eq(sp.Sum(SupportMax(r[k] + g[j], k) - SupportMax(r[k], k), (j, 1, n)), sp.Sum(g[j], (j, 1, n)))
    why = name_clash([claim])
    assert why is not None and ("binder around it" in why or "read as the bound one" in why), why


def test_two_sums_beside_each_other_may_use_indices_printed_alike():
    j = sp.Symbol("y'", integer=True, positive=True)
    assert name_clash([sp.Sum(g[j], (j, 1, n)) + SupportMax(r[k], k)]) is None


@pytest.mark.parametrize("index, why", [("ab", "side by side"), ("pi", "constant"), ("E", "constant")])
def test_a_bound_index_obeys_the_rules_of_names(index, why):
    # F2: sum_{ab} ab g(ab) reads as a product; sum_pi pi g(pi) as the constant
    j = sp.Symbol(index, integer=True, positive=True)
    found = name_clash([sp.Eq(sp.Sum(j * g[j], (j, 1, n)), sp.Integer(1))])
    assert found is not None and why in found, found


@pytest.mark.parametrize("name, beside", [("e(a)", sp.E * a), ("u(a)", u * a), (r"\pi(a)", sp.pi * a)])
def test_a_name_whose_head_is_another_quantity_or_a_constant_is_refused(name, beside):
    # F4: e(a) and u(a) beside the scalar u read as products
    assert name_clash([sp.Gt(beside, sp.Symbol(name, negative=True), evaluate=False)]) is not None


def test_a_name_with_arguments_alone_is_kept():
    assert name_clash([sp.Symbol("f(a)", positive=True) + a]) is None


def test_a_scalar_d_beside_a_derivative_or_an_integral_is_refused():
    # F7: d + d/du u^2 = d + 2u reads d/(d u) as a fraction with the quantity d
    d = sp.Symbol("d", positive=True)
    for claim in (sp.Eq(sp.Derivative(u**2, u) + d, 2 * u + d), sp.Eq(sp.Integral(u, (u, 0, 1)) + d, d + 1 / sp.Integer(2))):
        why = name_clash([claim])
        assert why is not None and "derivative or an integral" in why, why
    assert name_clash([sp.Eq(d + u, u + d)]) is None


@pytest.mark.parametrize("tex", [r"\mathrm{temp}", r"\ell", r"\mathrm{KL}_{2}", r"\hat{\pi}^{*}"])
def test_a_report_may_print_a_name_as_declare_allows_it(tex):
    # F5: declare accepted \mathrm{temp} (and recommended it), verify refused it
    assert _printed_name_ok("latex", tex)


@pytest.mark.parametrize("tex", ["ab", "a2", r"a\sigma(u)", r"\sigma(u)", "2", r"\mathscr{A}"])
def test_a_report_may_not_print_a_name_as_declare_refuses(tex):
    assert not _printed_name_ok("latex", tex)


def test_declare_refuses_a_font_the_documents_do_not_load():
    with pytest.raises(ValueError):
        declare.scalar("s_scr54", latex=r"\mathscr{A}")


UPRIGHT = """
import sympy as sp
from dpo_mixture import Derivation, Step, declare

temp = declare.scalar("temp", positive=True, latex=r"\\mathrm{temp}")
b = declare.scalar("b", positive=True)
CLAIM = sp.Gt(b + temp, b, evaluate=False)
DERIVATIONS = (Derivation(id="up", title="Upright", kind="Theorem", statement=(CLAIM,),
                          steps=(Step("up-step", "A positive summand", CLAIM, ""),)),)
"""


def test_a_module_with_an_upright_name_re_checks_in_a_fresh_interpreter(tmp_path):
    # in this process the name is registered; the fresh interpreter reads it from the report
    import subprocess
    import sys

    path = tmp_path / "upright_r54.py"
    path.write_text(UPRIGHT)
    done = subprocess.run([sys.executable, "-m", "dpo_mixture", "check", str(path), "--recheck"],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("name", ["x + y", "E", "Sigmoid", "exp", "g(t)"])
def test_check_refuses_a_function_name_the_report_could_not_hold(name):
    # review 54a F8 follow-up: check accepted these names, and build's fresh re-check then refused them
    why = name_clash([sp.Function(name)(a) + a])
    assert why is not None and "function" in why, why


def test_a_plainly_named_function_is_kept():
    assert name_clash([sp.Function("f")(a) + a]) is None
