"""Total probability mass of each component in the tuned model, in closed form."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import M_A, M_U, TPM_A, TPM_U, Z, alpha, alpha_A, alpha_U, p_A, p_U, support_sum, y
from dpo_mixture.proof import Derivation, Signs, Step
from dpo_mixture.render import Ref, prose

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
    TPM_A_RATIO,
    TPM_U_RATIO,
)
from .symbols import COMPONENT_A, COMPONENT_U

S = support_sum
#: The model in which total masses live: everything defined from p_A, p_U, alpha, r, beta.
CONTEXT = (DEF_P_THETA, DEF_Z, DEF_MIXTURE, DEF_ALPHA_A, DEF_ALPHA_U, DEF_M_A, DEF_M_U, DEF_TPM_A, DEF_TPM_U)
BOUNDS = sp.And(sp.Lt(0, TPM_A, evaluate=False), sp.Lt(TPM_A, 1, evaluate=False), sp.Lt(0, TPM_U, evaluate=False), sp.Lt(TPM_U, 1, evaluate=False))

TPM = Derivation(
    id="tpm",
    title="Total probability mass of each component",
    kind="Proposition",
    label="tpm",
    context=CONTEXT,
    statement=(
        sp.Eq(TPM_A, alpha * M_A / Z, evaluate=False),
        sp.Eq(TPM_U, (1 - alpha) * M_U / Z, evaluate=False),
        sp.Eq(TPM_A + TPM_U, 1, evaluate=False),
        BOUNDS,
    ),
    statement_text=prose(
        "Let ", DEF_TPM_A.relation, " be the total mass of the aligned component in the tuned model and ",
        DEF_TPM_U.relation, " that of the unaligned one. Then both masses are ratios of the tilted moments, "
        "they add up to one, and each lies strictly between 0 and 1:",
    ),
    intro=prose(
        Ref("lemma1"), " writes the tuned model as the two components with weights that depend on the output. "
        "Summing each weighted component over the support measures how much of the tuned model it accounts for; "
        "the seed calls this the total probability mass of ", COMPONENT_A, " (and of ", COMPONENT_U,
        "). Both reduce to the two numbers ", M_A, " and ", M_U, ".",
    ),
    steps=(
        Step(
            "tpm-A-closed",
            "Mass of the aligned component",
            sp.Eq(TPM_A, alpha * M_A / Z, evaluate=False),
            prose("The factor ", alpha / Z, " does not depend on the output and leaves the sum; what remains is ", M_A, ":"),
            chain=(S(alpha_A[y] * p_A[y]), S(model.weight_A() * p_A[y])),
            facts=(DEF_TPM_A, DEF_ALPHA_A, DEF_M_A),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "tpm-U-closed",
            "Mass of the unaligned component",
            sp.Eq(TPM_U, (1 - alpha) * M_U / Z, evaluate=False),
            prose("In the same way, with the factor ", (1 - alpha) / Z, ","),
            chain=(S(alpha_U[y] * p_U[y]), S(model.weight_U() * p_U[y])),
            facts=(DEF_TPM_U, DEF_ALPHA_U, DEF_M_U),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "tpm-A-ratio",
            "The aligned mass as a ratio of moments",
            sp.Eq(TPM_A, model.tpm_A(), evaluate=False),
            prose("Splitting ", Z, " over the two components as in ", Ref("lemma1"), " gives the masses as ratios:"),
            facts=(DEF_TPM_A, DEF_ALPHA_A, DEF_Z, DEF_MIXTURE, DEF_M_A, DEF_M_U),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "tpm-U-ratio",
            "The unaligned mass as a ratio of moments",
            sp.Eq(TPM_U, model.tpm_U(), evaluate=False),
            prose("and"),
            facts=(DEF_TPM_U, DEF_ALPHA_U, DEF_Z, DEF_MIXTURE, DEF_M_A, DEF_M_U),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "tpm-total-one",
            "The two masses add up to one",
            sp.Eq(TPM_A + TPM_U, 1, evaluate=False),
            prose("Together the weighted components are the terms of ", Z, ", so"),
            facts=(DEF_TPM_A, DEF_TPM_U, DEF_ALPHA_A, DEF_ALPHA_U, DEF_Z, DEF_MIXTURE),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "tpm-bounds",
            "Each mass lies strictly between 0 and 1",
            BOUNDS,
            prose("Both moments are positive, since each component is a distribution and the tilt is positive, and ",
                  sp.And(sp.Lt(0, alpha, evaluate=False), sp.Lt(alpha, 1, evaluate=False)), "; so"),
            strategy=Signs(),
            facts=(TPM_A_RATIO, TPM_U_RATIO),
        ),
    ),
    outro=prose(
        "The components may vanish at some outputs of the support: the checks declare them only nonnegative, "
        "and a zero of ", p_A, " or ", p_U, " just drops a term from ", M_A, " or ", M_U, ".",
    ),
)

__all__ = ["TPM"]
