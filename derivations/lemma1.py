"""Lemma: the tuned model is a reweighted mixture of the two components, on the same support."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import M_A, M_U, Z, alpha, alpha_A, alpha_U, p_A, p_ref, p_theta, p_U, r, support_sum, y
from dpo_mixture.proof import Derivation, Step
from dpo_mixture.render import Ref, prose

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
    title="The tuned model as a reweighted mixture",
    kind="Lemma",
    label="lemma1",
    context=CONTEXT,
    statement=(
        sp.Eq(p_theta[y], MIXED, evaluate=False),
        sp.Eq(alpha_A[y], model.weight_A(), evaluate=False),
        sp.Eq(alpha_U[y], model.weight_U(), evaluate=False),
    ),
    statement_text=prose(
        "Let the reference model be a mixture ", sp.Eq(p_ref[y], model.mixture_reference(), evaluate=False),
        " of an aligned component ", p_A, " and an unaligned component ", p_U, ", with ",
        sp.And(sp.Lt(0, alpha, evaluate=False), sp.Lt(alpha, 1, evaluate=False)), " and nothing else assumed about the components. "
        "Then the tuned model is a mixture of the same two components, with weights that depend on the output:",
    ),
    intro=prose(
        "The seed models the reference model as a mixture of an aligned and an unaligned part, and its "
        "Lemma 1 writes the tuned model in the same terms. With ", Ref("maximizer"), " this takes one substitution.",
    ),
    steps=(
        Step(
            "mixture-substitution",
            "Substitute the mixture into the maximizer",
            sp.Eq(p_theta[y], MIXED, evaluate=False),
            prose("Substituting the mixture into ", p_theta[y], " distributes the tilt over the two components:"),
            chain=(model.mixture_reference() * model.tilt() / Z,),
            facts=(DEF_P_THETA, DEF_MIXTURE, DEF_ALPHA_A, DEF_ALPHA_U),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "mixture-partition",
            "The partition function splits over the components",
            sp.Eq(Z, alpha * M_A + (1 - alpha) * M_U, evaluate=False),
            prose("The partition function splits in the same way, over the tilted moments ", M_A, " and ",
                  M_U, ":"),
            facts=(DEF_Z, DEF_MIXTURE, DEF_M_A, DEF_M_U),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "mixture-normalized",
            "The reweighted mixture sums to one",
            sp.Eq(S(MIXED), 1, evaluate=False),
            prose("The weighted components add up to the terms of ", Z, ", so the weights make a distribution:"),
            facts=(DEF_ALPHA_A, DEF_ALPHA_U, DEF_Z, DEF_MIXTURE),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "support-inside",
            "Every output of the reference support keeps positive probability",
            sp.Gt(p_theta[y], 0, evaluate=False),
            prose("On the support ", sp.Gt(p_ref[y], 0, evaluate=False), ", and a finite reward gives ",
                  sp.Gt(model.tilt(), 0, evaluate=False), "; so every output keeps some probability:"),
            facts=(DEF_P_THETA, DEF_Z),
        ),
        Step(
            "support-outside",
            "No output outside the reference support is created",
            sp.Eq(p_theta[y], 0, evaluate=False),
            prose("An output that the reference model never produces stays impossible, the tilt being finite."),
            hypotheses=(sp.Eq(p_ref[y], 0, evaluate=False),),
            facts=(DEF_P_THETA,),
        ),
    ),
    outro=prose(
        "The last two steps say that tuning with a finite reward reweights the outputs of the reference model but "
        "neither removes nor adds one: the two models have the same support. In particular every output of ", p_U,
        " that ", p_ref, " can produce, harmful or not, keeps positive probability; ", Ref("residual"),
        " bounds how much.",
    ),
)

__all__ = ["LEMMA1"]
