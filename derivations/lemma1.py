"""Lemma 1: the tuned model as a reweighted mixture of the two components, and its support."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import M_A, M_U, Z, alpha, alpha_A, alpha_U, p_A, p_ref, p_theta, p_U, support_sum, y
from dpo_mixture.proof import Derivation, Step

from .facts import (
    DEF_ALPHA_A,
    DEF_ALPHA_U,
    DEF_M_A,
    DEF_M_U,
    DEF_MIXTURE,
    DEF_P_THETA,
    DEF_Z,
    MIXTURE_SUPPORT,
)

S = support_sum
CONTEXT = (DEF_P_THETA, DEF_Z, DEF_MIXTURE, DEF_ALPHA_A, DEF_ALPHA_U, DEF_M_A, DEF_M_U)
MIXED = (alpha_A[y] * p_A[y] + alpha_U[y] * p_U[y])

LEMMA1 = Derivation(
    id="lemma1",
    title="The tuned model is a reweighted mixture",
    kind="Lemma",
    label="lemma1",
    context=CONTEXT,
    statement=(
        sp.Eq(p_theta[y], MIXED),
        sp.Eq(alpha_A[y], model.weight_A()),
        sp.Eq(alpha_U[y], model.weight_U()),
    ),
    statement_text=(
        "Let the objective be the KL-regularized reward above and write the reference model as a "
        "mixture $p_{\\mathrm{ref}} = \\alpha(x) p_{\\mathcal{A}} + (1 - \\alpha(x)) p_{\\mathcal{U}}$ of an "
        "aligned and an unaligned component, with $0 < \\alpha(x) < 1$. Nothing else is assumed about "
        "the components. Then the tuned model is again a mixture of the same two components, with "
        "output-dependent weights:"
    ),
    intro="",
    steps=(
        Step(
            "mixture-substitution",
            "Substitute the mixture into the maximizer",
            sp.Eq(p_theta[y], MIXED),
            "Distribute the tilt over the two components of the reference model.",
            chain=(model.mixture_reference() * model.tilt() / Z,),
            facts=(DEF_P_THETA, DEF_MIXTURE, DEF_ALPHA_A, DEF_ALPHA_U),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "mixture-partition",
            "The partition function splits over the components",
            sp.Eq(Z, alpha * M_A + (1 - alpha) * M_U),
            "Linearity of the sum defining Z.",
            facts=(DEF_Z, DEF_MIXTURE, DEF_M_A, DEF_M_U),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "mixture-normalized",
            "The reweighted mixture sums to one",
            sp.Eq(S(MIXED), 1),
            "The weighted components add up to the numerators of Z.",
            facts=(DEF_ALPHA_A, DEF_ALPHA_U, DEF_Z, DEF_MIXTURE),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "support-inside",
            "Every output of the reference support keeps positive probability",
            sp.Gt(p_theta[y], 0, evaluate=False),
            "On the support the reference probability is positive, and a finite reward gives a positive tilt.",
            facts=(DEF_P_THETA, DEF_Z),
        ),
        Step(
            "support-outside",
            "No output outside the reference support is created",
            sp.Eq(p_theta[y], 0),
            "Off the support the reference probability vanishes, and the tilt is finite.",
            hypotheses=(sp.Eq(p_ref[y], 0, evaluate=False),),
            facts=(DEF_P_THETA,),
        ),
    ),
    outro=(
        "The last two steps together say that the tuned model and the reference model have the same "
        "support: tuning with a finite reward reweights outputs but never removes one."
    ),
)

__all__ = ["LEMMA1"]
