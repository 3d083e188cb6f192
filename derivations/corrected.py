"""Corrected Theorem 2: the exact gap identity, the iff condition and the weakest hypothesis."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import M_A, M_U, TPM_A, TPM_U, Z, alpha, beta, n, p_A, p_U, r, y
from dpo_mixture.proof import Certificate, Derivation, Step
from dpo_mixture.render import Ref, prose

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
        sp.Eq(TPM_A - alpha, model.tpm_gap(), evaluate=False),
        sp.Eq(GAP_COV, (M_A - M_U) / n, evaluate=False),
    ),
    statement_text=prose(
        "For every ", sp.Gt(beta, 0, evaluate=False), " and ", sp.And(sp.Lt(0, alpha, evaluate=False), sp.Lt(alpha, 1, evaluate=False)),
        ", the aligned mass differs from its prior share by an exact amount, and the difference of the "
        "moments is a covariance of the tilt. Consequently ", sp.Ge(TPM_A, alpha, evaluate=False), " if and only if ",
        sp.Ge(M_A, M_U, evaluate=False), " (and strictly if and only if strictly), if and only if ", sp.Ge(GAP_COV, 0, evaluate=False),
        "; since the last condition follows from the conclusion, no weaker hypothesis of this form suffices:",
    ),
    extras={"name": "exact gap"},
    intro=prose(
        "The seed's proof fails only where it moves the correlation from ", r, " to the tilt. Stating the "
        "hypothesis on the tilt, and on the difference of the two components, repairs it, and the repaired "
        "hypothesis turns out to be exactly the one the masses need.",
    ),
    steps=(
        Step(
            "corrected-gap-identity",
            "The exact gap between the aligned mass and alpha",
            sp.Eq(TPM_A - alpha, model.tpm_gap(), evaluate=False),
            prose("Put both sides over ", Z, " and split ", Z, " over the components:"),
            chain=(alpha * M_A / Z - alpha * Z / Z,),
            facts=(DEF_TPM_A, DEF_ALPHA_A, DEF_Z, DEF_MIXTURE, DEF_M_A, DEF_M_U),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "corrected-gap-identity-U",
            "The unaligned mass has the opposite gap",
            sp.Eq(TPM_U - (1 - alpha), -(model.tpm_A() - alpha), evaluate=False),
            prose("The masses add up to one, and so do ", alpha, " and ", 1 - alpha, "; so the unaligned mass has "
                  "the opposite gap:"),
            facts=RATIO,
        ),
        Step(
            "corrected-iff-forward",
            "A larger tilted moment gives a larger aligned mass",
            sp.Ge(TPM_A, alpha, evaluate=False),
            prose("Since the factor ", alpha * (1 - alpha) / Z, " is positive, the sign of the gap is that of ",
                  M_A - M_U, "."),
            strategy=Certificate((alpha * (1 - alpha) / (alpha * M_A + (1 - alpha) * M_U),)),
            hypotheses=(sp.Ge(M_A, M_U, evaluate=False),),
            facts=RATIO,
        ),
        Step(
            "corrected-iff-backward",
            "A larger aligned mass needs a larger tilted moment",
            sp.Ge(M_A, M_U, evaluate=False),
            prose("Conversely, a larger aligned mass needs a larger tilted moment."),
            strategy=Certificate(((alpha * M_A + (1 - alpha) * M_U) / (alpha * (1 - alpha)),)),
            hypotheses=(sp.Ge(TPM_A, alpha, evaluate=False),),
            facts=RATIO,
        ),
        Step(
            "corrected-iff-strict",
            "Strictly larger, strictly larger",
            sp.Gt(TPM_A, alpha, evaluate=False),
            prose("The same holds with strict inequalities."),
            strategy=Certificate((alpha * (1 - alpha) / (alpha * M_A + (1 - alpha) * M_U),)),
            hypotheses=(sp.Gt(M_A, M_U, evaluate=False),),
            facts=RATIO,
        ),
        Step(
            "corrected-covariance-gap",
            "Covariance of the tilt with p_A - p_U",
            sp.Eq(GAP_COV, (M_A - M_U) / n, evaluate=False),
            prose("In the seed's language of correlations: ", p_A[y] - p_U[y], " sums to zero over the support, so "
                  "the product of the means drops out of its uniform covariance with the tilt:"),
            facts=(NORM_A, NORM_U, FOLD_M_A, FOLD_M_U),
        ),
        Step(
            "corrected-theorem",
            "Corrected Theorem 2",
            sp.And(sp.Ge(TPM_A, alpha, evaluate=False), sp.Le(TPM_U, 1 - alpha, evaluate=False)),
            prose("Hence the seed's conclusion holds exactly when the tilt, not the reward, co-varies "
                  "nonnegatively with ", p_A[y] - p_U[y], ": the gap is ", n * alpha * (1 - alpha) / Z,
                  " times that covariance.",),
            strategy=Certificate((n * alpha * (1 - alpha) / (alpha * M_A + (1 - alpha) * M_U),)),
            hypotheses=(sp.Ge(GAP_COV, 0, evaluate=False),),
            facts=(NORM_A, NORM_U, FOLD_M_A, FOLD_M_U, *RATIO),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "corrected-weakest",
            "The hypothesis cannot be weakened",
            sp.Ge(GAP_COV, 0, evaluate=False),
            prose("The hypothesis cannot be weakened, since it follows from the conclusion."),
            strategy=Certificate(((alpha * M_A + (1 - alpha) * M_U) / (n * alpha * (1 - alpha)),)),
            hypotheses=(sp.Ge(TPM_A, alpha, evaluate=False),),
            facts=(NORM_A, NORM_U, FOLD_M_A, FOLD_M_U, *RATIO),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "corrected-tilt-correlations",
            "The seed's hypotheses, placed on the tilt",
            sp.Gt(TPM_A, alpha, evaluate=False),
            prose("In particular the seed's two hypotheses, stated for the tilt instead of the reward, give its "
                  "conclusion with a strict inequality."),
            strategy=Certificate((n * alpha * (1 - alpha) / (alpha * M_A + (1 - alpha) * M_U),) * 2),
            hypotheses=(sp.Gt(COV(TILT, p_A[y]), 0, evaluate=False), sp.Lt(COV(TILT, p_U[y]), 0, evaluate=False)),
            facts=(NORM_A, NORM_U, FOLD_M_A, FOLD_M_U, *RATIO),
            support=MIXTURE_SUPPORT,
        ),
    ),
    outro=prose(
        "Only the two moments enter the gap. The tilt ", TILT, " depends on ", beta, ", so whether its covariance "
        "has the right sign can change with the temperature; ", Ref("high-temperature"), " and ",
        Ref("low-temperature"), " describe the two ends.",
    ),
)

__all__ = ["CORRECTED"]
