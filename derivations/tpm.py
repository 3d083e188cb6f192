"""Total probability mass of each component in the tuned model, in closed form."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import M_A, M_U, TPM_A, TPM_U, Z, alpha, alpha_A, alpha_U, p_A, p_U, support_sum, y
from dpo_mixture.proof import Derivation, Signs, Step

from .facts import (
    DEF_ALPHA_A,
    DEF_ALPHA_U,
    DEF_M_A,
    DEF_M_U,
    DEF_MIXTURE,
    DEF_P_THETA,
    DEF_TPM_A,
    DEF_TPM_U,
    DEF_Z,
    MIXTURE_SUPPORT,
)

S = support_sum
#: The model in which total masses live: everything defined from p_A, p_U, alpha, r, beta.
CONTEXT = (DEF_P_THETA, DEF_Z, DEF_MIXTURE, DEF_ALPHA_A, DEF_ALPHA_U, DEF_M_A, DEF_M_U, DEF_TPM_A, DEF_TPM_U)

TPM = Derivation(
    id="tpm",
    title="Total probability mass of each component",
    kind="Proposition",
    label="tpm",
    context=CONTEXT,
    statement=(
        sp.Eq(TPM_A, alpha * M_A / Z),
        sp.Eq(TPM_U, (1 - alpha) * M_U / Z),
        sp.Eq(TPM_A + TPM_U, 1),
    ),
    statement_text=(
        "Define the total mass of the aligned component in the tuned model as "
        "$\\TPM(\\mathcal{A};x) = \\sum_y \\alpha_{\\mathcal{A}}(y;x) p_{\\mathcal{A}}(y|x)$, and that of the "
        "unaligned one likewise. With the tilted moments $M_{\\mathcal{A}} = E_{p_{\\mathcal{A}}}[e^{r/\\beta}]$ and "
        "$M_{\\mathcal{U}} = E_{p_{\\mathcal{U}}}[e^{r/\\beta}]$, both masses have a closed form and they add up to one:"
    ),
    intro=(
        "Lemma 1 writes the tuned model as the two components with output-dependent weights. Summing "
        "each weighted component over the support measures how much of the tuned model each one "
        "accounts for; the sums reduce to two numbers, the components' tilted moments."
    ),
    steps=(
        Step(
            "tpm-A-closed",
            "Mass of the aligned component",
            sp.Eq(TPM_A, alpha * M_A / Z),
            "The factor alpha/Z does not depend on the output and leaves the sum; what remains is M_A.",
            chain=(S(alpha_A[y] * p_A[y]), S(model.weight_A() * p_A[y])),
            facts=(DEF_TPM_A, DEF_ALPHA_A, DEF_M_A),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "tpm-U-closed",
            "Mass of the unaligned component",
            sp.Eq(TPM_U, (1 - alpha) * M_U / Z),
            "The same computation with the weight (1 - alpha)/Z.",
            chain=(S(alpha_U[y] * p_U[y]), S(model.weight_U() * p_U[y])),
            facts=(DEF_TPM_U, DEF_ALPHA_U, DEF_M_U),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "tpm-A-ratio",
            "The aligned mass as a ratio of moments",
            sp.Eq(TPM_A, model.tpm_A()),
            "Split Z over the two components of the reference model.",
            facts=(DEF_TPM_A, DEF_ALPHA_A, DEF_Z, DEF_MIXTURE, DEF_M_A, DEF_M_U),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "tpm-U-ratio",
            "The unaligned mass as a ratio of moments",
            sp.Eq(TPM_U, model.tpm_U()),
            "Split Z over the two components of the reference model.",
            facts=(DEF_TPM_U, DEF_ALPHA_U, DEF_Z, DEF_MIXTURE, DEF_M_A, DEF_M_U),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "tpm-total-one",
            "The two masses add up to one",
            sp.Eq(TPM_A + TPM_U, 1),
            "The weighted components together are the numerators of Z.",
            facts=(DEF_TPM_A, DEF_TPM_U, DEF_ALPHA_A, DEF_ALPHA_U, DEF_Z, DEF_MIXTURE),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "tpm-bounds",
            "Each mass lies strictly between 0 and 1",
            sp.And(sp.Gt(model.tpm_A(), 0), sp.Lt(model.tpm_A(), 1), sp.Gt(model.tpm_U(), 0), sp.Lt(model.tpm_U(), 1)),
            "Both moments are positive (each component is a distribution and the tilt is positive), and 0 < alpha < 1.",
            strategy=Signs(),
        ),
    ),
    outro=(
        "Nothing here needs the components to be positive everywhere: a zero of $p_{\\mathcal{A}}$ or "
        "$p_{\\mathcal{U}}$ just drops a term from the corresponding moment."
    ),
)

__all__ = ["TPM"]
