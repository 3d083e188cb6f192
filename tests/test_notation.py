"""Golden LaTeX strings for the notation printer."""

import pytest
import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import (
    TPM_A, TPM_U, Z, alpha, alpha_A, alpha_U, beta, p_A, p_ref, p_theta, p_U, r, y,
)
from dpo_mixture.render.printer import latex


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (p_theta[y], r"p_{\theta}(y \mid x)"),
        (p_ref[y], r"p_{\mathrm{ref}}(y \mid x)"),
        (r[y], r"r(y;x)"),
        (Z, r"Z(x)"),
        (alpha, r"\alpha(x)"),
        (p_A[y], r"p_{\mathcal{A}}(y \mid x)"),
        (p_U[y], r"p_{\mathcal{U}}(y \mid x)"),
        (alpha_A[y], r"\alpha_{\mathcal{A}}(y;x)"),
        (alpha_U[y], r"\alpha_{\mathcal{U}}(y;x)"),
        (TPM_A, r"\TPM(\mathcal{A};x)"),
        (TPM_U, r"\TPM(\mathcal{U};x)"),
        (model.closed_form(), r"\frac{p_{\mathrm{ref}}(y \mid x) e^{r(y;x)/\beta}}{Z(x)}"),
        (model.weight_A(), r"\frac{\alpha(x) e^{r(y;x)/\beta}}{Z(x)}"),
        (model.partition_function(), r"\sum_{y'} p_{\mathrm{ref}}(y' \mid x) e^{r(y';x)/\beta}"),
        (sp.Ge(TPM_A, alpha), r"\TPM(\mathcal{A};x) \geq \alpha(x)"),
        (sp.log(Z), r"\log Z(x)"),
        (model.SupportMax(r[y], y), r"\max_{y} r(y;x)"),
    ],
)
def test_golden_latex(expr, expected):
    assert latex(expr) == expected


def test_sum_with_explicit_limits_keeps_them():
    j = sp.Symbol("j", integer=True)
    assert latex(sp.Sum(r[j], (j, 1, 3))) == r"\sum_{j=1}^{3} r(j;x)"


def test_negative_products_print_a_leading_minus():
    assert latex(-beta * sp.log(Z)) == r"- \beta \log Z(x)"
