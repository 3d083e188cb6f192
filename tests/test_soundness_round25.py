"""Review round 25: substitutions outside their variable's domain, assumptions beyond a
domain, signed weights in numeric export, names printed alike up to spacing, maths in prose,
and show= values undefined inside."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp

from dpo_mixture import Derivation, Step, Verdict, check_claim, declare, numeric
from dpo_mixture.notation import M_U, beta, p_A, p_U, r, y
from dpo_mixture.proof import Report, decide
from dpo_mixture.proof.kernel import KernelError, _check_nodes
from dpo_mixture.proof.verify import name_clash
from dpo_mixture.render import Paper, prose, render_documents

x = declare.scalar("x_r25", positive=True)


def test_a_substitution_outside_the_domain_is_not_simplified_with_the_domain():
    """At x = -1, (log(x^2) - 2 log(-x))^2 is 0; expanded for x > 0 first (log(-x) = log x +
    i pi) it read as -4 pi^2, and Subs(..., x, -1) = Subs(-4 pi^2, x, -1) was proved."""
    body = (sp.log(x**2) - 2 * sp.log(-x)) ** 2
    step = Step("bad", "", sp.Eq(sp.Subs(body, x, -1), sp.Subs(-4 * sp.pi**2, x, -1), evaluate=False), "")
    assert decide(step, samples=0, audit=0).verdict is not Verdict.PROVED


@pytest.mark.parametrize("quantity", [
    sp.Symbol("u", irrational=True), sp.Symbol("w", nonzero=True), sp.Symbol("m", integer=True, nonnegative=True),
    sp.IndexedBase(sp.Symbol("g", nonzero=True))[y], sp.IndexedBase(sp.Symbol("q", integer=True, positive=True))[y],
])
def test_an_assumption_beyond_the_domain_is_refused(quantity):
    """u^2 > 0 for an irrational u, cited at u := z - sqrt 2, proved (z - sqrt 2)^2 > 0 for every
    z; a nonzero x let the convexity rule cross the pole at 0; the search, which knows only
    domains, refuted true statements about a nonzero or integer vector."""
    with pytest.raises(ValueError, match="beyond its domain"):
        Step("s", "", sp.Ge(quantity**2, 0, evaluate=False), "")
    with pytest.raises(KernelError, match="beyond its domain"):
        _check_nodes(quantity + 1)  # in a certificate's data too


@pytest.mark.parametrize("backend", ["numpy", "torch", "jax"])
@pytest.mark.parametrize("dtype, gap", [("float64", 400.0), ("float32", 50.0)])
def test_a_signed_weight_is_not_capped(backend, dtype, gap):
    """sum (p_A - p_U) e^{r/beta} / M_U: a difference of weights is nonzero where either is
    positive, so the shift sees p_A's entries too."""
    from numeric_support import require

    from dpo_mixture.notation import k, support_sum

    mod = require(backend) if backend != "numpy" else np
    f = numeric.compile(support_sum((p_A[k] - p_U[k]) * sp.exp(r[k] / beta), k) / M_U,
                        args=["p_A", "p_U", "r", "beta"], backend=backend)
    arrays = [np.asarray(v, dtype=dtype) for v in ([0.5, 0.5], [1.0, 0.0], [0.0, gap])]
    if backend == "torch":
        arrays = [mod.from_numpy(a) for a in arrays]
    elif backend == "jax":
        arrays = [mod.numpy.asarray(a) for a in arrays]
    got = float(np.ravel(np.asarray(f(*arrays, 1.0), dtype=float))[0])
    with mpmath.workdps(50):
        want = float(mpmath.mpf("-0.5") + mpmath.mpf("0.5") * mpmath.exp(gap))
    assert got == pytest.approx(want, rel=1e-12 if dtype == "float64" else 1e-5)


def test_a_bound_index_used_as_a_number_is_refused_when_compiled():
    from dpo_mixture.notation import k, p_ref, support_sum

    with pytest.raises(ValueError, match="the index k is used as a number"):
        numeric.compile(support_sum(k * p_ref[k], k))


@pytest.mark.parametrize("latex, why", [(r"{\pi}", "like the constant"), (r"\mathrm{e}", "like the constant"),
                                        (r"{\beta}", "print as"), (r"w^{\prime}", None)])
def test_names_printed_alike_up_to_braces_primes_or_font_are_one_name(latex, why):
    if latex == r"\mathrm{e}":  # round 54: one upright letter is refused when declared
        with pytest.raises(ValueError, match="upright word"):
            declare.scalar(f"s_r25_{abs(hash(latex)) % 1000}", latex=latex)
        return
    s = declare.scalar(f"s_r25_{abs(hash(latex)) % 1000}", latex=latex)
    if why is None:  # w' beside w^{\prime}: one printed name
        other = declare.scalar(f"t_r25_{abs(hash(latex)) % 1000}", latex="w'")
        assert "print as" in (name_clash([sp.Gt(s, other)]) or "")
    else:
        assert why in (name_clash([sp.Gt(s, beta)]) or "")


@pytest.mark.parametrize("latex", [r"\pi ", "0", r"\mathord{\pi}", r"\ensuremath{e}", r"\relax\beta", r"\mbox{0}",
                                   "u_{}"])
def test_a_latex_name_outside_the_plain_grammar_is_refused_when_declared(latex):
    """Round 26: wrappers that typeset as something else (\\mathord, \\mbox, spacing) let two
    quantities print alike past the comparison; a declared name is letters, digits, scripts,
    primes, Greek letters, accents and fonts only."""
    with pytest.raises(ValueError, match="latex of"):
        declare.scalar(f"v_r26_{abs(hash(latex)) % 1000}", latex=latex)


@pytest.mark.parametrize("text", ["Why u + 1 < 1 for every u", "log Z = 0", "β ≤ 0", "TPM(A) ≥ α"])
def test_prose_refuses_relations_and_unicode_maths(text):
    with pytest.raises(ValueError, match="maths"):
        prose(text)


def test_a_shown_value_undefined_inside_reads_undefined():
    """log(u - 2)^2 + 1 at u = 1 is -8.87 on SymPy's principal branch, though log(-1) has no
    real value; |sqrt(u - 2)| = 1 likewise."""
    u = declare.scalar("u_r25")
    shown = (sp.log(u - 2) ** 2 + 1, sp.Abs(sp.sqrt(u - 2)), (u - 2) ** 2)
    d = Derivation(id="show", title="Shown values", kind="Section",
                   steps=(Step("big", "", sp.Gt(u, 1), "", expected=Verdict.REFUTED, show=shown),))
    _, md = render_documents(Report.run([d], seed=0), Paper(title="A note"))
    caption = next(line for line in md.splitlines() if "there $$" in line)
    assert caption.count("is undefined") == 2 and "-8." not in caption, caption


@pytest.mark.parametrize("entry", ["u - 2", sp.Gt(sp.Symbol("u", real=True), 2)])
def test_a_show_entry_that_is_no_expression_is_refused(entry):
    with pytest.raises(ValueError, match="is not an expression"):
        Step("s", "", sp.Gt(x, 1), "", show=(entry,))


def test_an_odd_power_of_minus_one_is_refuted_exactly():
    """(-1)**m for an integer m: an integer exponent needs no positive base, and exact numbers
    evaluate it."""
    out = check_claim("(-1)**m == 1", let={"m": "integer"}, samples=100)
    assert out.verdict is Verdict.REFUTED and int(out.counterexample["m"]) % 2 == 1


def test_a_claim_whose_sides_coincide_says_so_in_its_own_words():
    with pytest.raises(ValueError, match="says nothing to decide"):
        check_claim("n*E_unif(r) == sum(r)")
