"""Corrected Theorem 2: the exact gap identity, the iff condition and the weakest hypothesis."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import M_A, M_U, TPM_A, TPM_U, Z, alpha, n, p_A, p_U, y
from dpo_mixture.proof import Certificate, Derivation, Step

from .facts import (
    DEF_ALPHA_A,
    DEF_M_A,
    DEF_M_U,
    DEF_MIXTURE,
    DEF_TPM_A,
    DEF_Z,
    FOLD_M_A,
    FOLD_M_U,
    MIXTURE_SUPPORT,
    NORM_A,
    NORM_U,
    TPM_A_RATIO,
    TPM_U_RATIO,
)
from .tpm import CONTEXT

COV = model.cov_unif
TILT = model.tilt()
GAP_COV = COV(TILT, p_A[y] - p_U[y])
RATIO = (TPM_A_RATIO, TPM_U_RATIO)

CORRECTED = Derivation(
    id="corrected",
    title="What is true instead: the exact gap",
    kind="Theorem",
    label="corrected",
    context=CONTEXT,
    statement=(
        sp.Eq(TPM_A - alpha, model.tpm_gap()),
        sp.Ge(GAP_COV, 0),
    ),
    statement_text=(
        "For every $\\beta > 0$ and $0 < \\alpha(x) < 1$, the aligned mass exceeds its prior share by an exact amount, "
        "$\\TPM(\\mathcal{A};x) - \\alpha(x) = \\alpha(x)(1 - \\alpha(x))(M_{\\mathcal{A}} - M_{\\mathcal{U}})/Z(x)$. "
        "Hence $\\TPM(\\mathcal{A};x) \\geq \\alpha(x)$ if and only if $M_{\\mathcal{A}} \\geq M_{\\mathcal{U}}$, "
        "and equivalently if and only if the tilt $e^{r/\\beta}$ has nonnegative uniform covariance with "
        "$p_{\\mathcal{A}} - p_{\\mathcal{U}}$. Since this condition is equivalent to the conclusion, no weaker "
        "hypothesis of this kind exists."
    ),
    intro=(
        "The seed's proof fails only at the transfer from $r$ to $e^{r/\\beta}$. Putting the "
        "correlation hypothesis on the tilt itself, and on the difference of the components, repairs it, "
        "and the repaired hypothesis is exactly the one the masses need."
    ),
    steps=(
        Step(
            "corrected-gap-identity",
            "The exact gap between the aligned mass and alpha",
            sp.Eq(TPM_A - alpha, model.tpm_gap()),
            "Put both sides over Z and split Z over the components.",
            chain=(alpha * M_A / Z - alpha * Z / Z,),
            facts=(DEF_TPM_A, DEF_ALPHA_A, DEF_Z, DEF_MIXTURE, DEF_M_A, DEF_M_U),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "corrected-gap-identity-U",
            "The unaligned mass has the opposite gap",
            sp.Eq(TPM_U - (1 - alpha), -(model.tpm_A() - alpha)),
            "The masses add up to one, and so do alpha and 1 - alpha.",
            facts=RATIO,
        ),
        Step(
            "corrected-iff-forward",
            "A larger tilted moment gives a larger aligned mass",
            sp.Ge(TPM_A, alpha),
            "The gap is alpha (1 - alpha)/Z > 0 times M_A - M_U.",
            strategy=Certificate((alpha * (1 - alpha) / (alpha * M_A + (1 - alpha) * M_U),)),
            hypotheses=(sp.Ge(M_A, M_U),),
            facts=RATIO,
        ),
        Step(
            "corrected-iff-backward",
            "A larger aligned mass needs a larger tilted moment",
            sp.Ge(M_A, M_U),
            "Divide the gap identity by alpha (1 - alpha)/Z > 0.",
            strategy=Certificate(((alpha * M_A + (1 - alpha) * M_U) / (alpha * (1 - alpha)),)),
            hypotheses=(sp.Ge(TPM_A, alpha),),
            facts=RATIO,
        ),
        Step(
            "corrected-iff-strict",
            "Strictly larger, strictly larger",
            sp.Gt(TPM_A, alpha),
            "The same identity with a strict inequality.",
            strategy=Certificate((alpha * (1 - alpha) / (alpha * M_A + (1 - alpha) * M_U),)),
            hypotheses=(sp.Gt(M_A, M_U),),
            facts=RATIO,
        ),
        Step(
            "corrected-covariance-gap",
            "Covariance of the tilt with p_A - p_U",
            sp.Eq(GAP_COV, (M_A - M_U) / n),
            "p_A - p_U sums to zero, so the product of the means drops out.",
            facts=(NORM_A, NORM_U, FOLD_M_A, FOLD_M_U),
        ),
        Step(
            "corrected-theorem",
            "Corrected Theorem 2",
            sp.And(sp.Ge(TPM_A, alpha), sp.Le(TPM_U, 1 - alpha)),
            "The gap is n alpha (1 - alpha)/Z times the covariance.",
            strategy=Certificate((n * alpha * (1 - alpha) / (alpha * M_A + (1 - alpha) * M_U),)),
            hypotheses=(sp.Ge(GAP_COV, 0),),
            facts=(NORM_A, NORM_U, FOLD_M_A, FOLD_M_U, *RATIO),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "corrected-weakest",
            "The hypothesis cannot be weakened",
            sp.Ge(GAP_COV, 0),
            "Conversely the covariance is Z/(n alpha (1 - alpha)) times the gap.",
            strategy=Certificate(((alpha * M_A + (1 - alpha) * M_U) / (n * alpha * (1 - alpha)),)),
            hypotheses=(sp.Ge(TPM_A, alpha),),
            facts=(NORM_A, NORM_U, FOLD_M_A, FOLD_M_U, *RATIO),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "corrected-tilt-correlations",
            "The seed's hypotheses, placed on the tilt",
            sp.Gt(TPM_A, alpha),
            "If e^{r/beta} (not r) correlates positively with p_A and negatively with p_U, the moment gap is positive.",
            strategy=Certificate((n * alpha * (1 - alpha) / (alpha * M_A + (1 - alpha) * M_U),) * 2),
            hypotheses=(sp.Gt(COV(TILT, p_A[y]), 0), sp.Lt(COV(TILT, p_U[y]), 0)),
            facts=(NORM_A, NORM_U, FOLD_M_A, FOLD_M_U, *RATIO),
            support=MIXTURE_SUPPORT,
        ),
    ),
    outro=(
        "The identity uses no uniform distribution: it holds on any countable support on which $Z$ is "
        "finite, since only the two moments enter. The uniform covariance appears only to connect with "
        "the seed's wording, and because $p_{\\mathcal{A}} - p_{\\mathcal{U}}$ sums to zero its value does "
        "not depend on the reference measure used for the mean."
    ),
)

__all__ = ["CORRECTED"]
