"""The seed's Theorem 2, exactly as stated, and every step of the seed's proof, each decided."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import (
    M_A, M_U, TPM_A, TPM_U, Z, alpha, alpha_A, alpha_U, beta, n, p, p_A, p_ref, p_theta, p_U, r, y,
)
from dpo_mixture.proof import Certificate, Definition, Derivation, Step, Verdict
from dpo_mixture.render import Ref, prose

from .facts import (
    DEF_ALPHA_A,
    DEF_ALPHA_U,
    DEF_MIXTURE,
    DEF_P_THETA,
    DEF_TPM_A,
    DEF_Z,
    FOLD_M_A,
    FOLD_M_U,
    MIXTURE_SUPPORT,
    NORM_A,
    NORM_P,
    NORM_REF,
    NORM_U,
    TPM_A_RATIO,
)
from .tpm import CONTEXT

E = model.mean_unif
COV = model.cov_unif
TILT = model.tilt()

#: The seed's hypotheses: r is positively correlated with p_A and negatively with p_U, the
#: correlation taken under the uniform distribution on the support (r finite: r is real).
SEED_HYPOTHESES = (
    sp.Gt(COV(r[y], p_A[y]), 0, evaluate=False),
    sp.Lt(COV(r[y], p_U[y]), 0, evaluate=False),
)
#: What the theorem asserts.
SEED_CONCLUSION = sp.And(
    sp.Gt(1, TPM_A, evaluate=False), sp.Ge(TPM_A, alpha, evaluate=False), sp.Gt(TPM_U, 0, evaluate=False), sp.Le(TPM_U, 1 - alpha, evaluate=False)
)
#: What a counterexample should display: the hypotheses' covariances and the two sides.
SHOW = (COV(r[y], p_A[y]), COV(r[y], p_U[y]), TPM_A, alpha)

#: Z split over the components (the step ``mixture-partition`` of the mixture lemma).
Z_SPLIT = Definition("Z = alpha M_A + (1 - alpha) M_U", Z, alpha * M_A + (1 - alpha) * M_U)

THEOREM2 = Derivation(
    id="theorem2",
    title="The seed's Theorem 2 is false",
    kind="Claim",
    label="theorem2",
    context=CONTEXT,
    statement=(SEED_CONCLUSION,),
    statement_text=prose(
        "Let the reward be finite, positively correlated with ", p_A, " and negatively with ", p_U,
        ", both covariances taken under the uniform distribution on the support: ",
        SEED_HYPOTHESES[0], " and ", SEED_HYPOTHESES[1], ". Then",
    ),
    extras={"name": "the seed's Theorem 2"},
    intro=prose(
        "The seed's main result says that when the reward favours the aligned component, tuning shifts mass "
        "towards it. In the notation of ", Ref("tpm"), " it reads as follows. The engine decides the claim as a "
        "whole before it looks at the proof: its search draws finite instances (the support size, exact rational ",
        alpha, ", ", beta, ", rewards and component probabilities, zeros allowed) and keeps one only if "
        "it satisfies both hypotheses and breaks the conclusion.",
    ),
    steps=(
        Step(
            "seed-theorem2",
            "Theorem 2 as the seed states it",
            SEED_CONCLUSION,
            prose("The engine puts the claim, as stated, to its search."),
            hypotheses=SEED_HYPOTHESES,
            support=MIXTURE_SUPPORT,
            expected=Verdict.REFUTED,
            show=SHOW,
        ),
    ),
    outro=prose(
        "A positive correlation of ", r, " with ", p_A, " says nothing about the correlation of the tilt ", TILT,
        " with it, and only the tilt enters the masses (", Ref("corrected"), ").",
    ),
)

# --- the proof, step by step -------------------------------------------------------------------
#: Positive stand-ins for the uniform means that the seed's proof divides.
u_A = sp.Symbol(r"u_{\mathcal{A}}", positive=True)
u_U = sp.Symbol(r"u_{\mathcal{U}}", positive=True)
mu = sp.Symbol(r"\mu", positive=True)
m_A = sp.Symbol(r"m_{\mathcal{A}}", positive=True)
m_U = sp.Symbol(r"m_{\mathcal{U}}", positive=True)
STAND_INS = (
    sp.Eq(u_A, E(alpha_A[y] * p_A[y]), evaluate=False),
    sp.Eq(u_U, E(alpha_U[y] * p_U[y]), evaluate=False),
    sp.Eq(mu, E(TILT), evaluate=False),
    sp.Eq(m_A, E(p_A[y]), evaluate=False),
    sp.Eq(m_U, E(p_U[y]), evaluate=False),
)
DIVIDED = sp.Gt(u_A / u_U, alpha * m_A / ((1 - alpha) * m_U), evaluate=False)
s = sp.Symbol("s", positive=True)


def _listed(relations) -> list:
    """Relations separated by commas and a final "and", as prose parts."""
    out: list = []
    for i, rel in enumerate(relations):
        if i:
            out.append(" and " if i == len(relations) - 1 else ", ")
        out.append(rel)
    return out


SEED_PROOF = Derivation(
    id="theorem2-proof",
    title="The seed's proof, step by step",
    kind="Section",
    context=CONTEXT,
    intro=prose(
        "Where does the seed's proof go wrong? Each of its sentences becomes one step below. An algebraic "
        "manipulation the engine proves under the positivity it needs; an inference that can fail it tries to break. "
        "The proof first moves the correlations from ", r, " to the weights ", alpha_A, " and ", alpha_U,
        ", arguing that each weight is an increasing function of ", r, ".",
    ),
    steps=(
        Step(
            "seed-monotone-transfer-A",
            "Covariance carried from r to alpha_A",
            sp.Gt(COV(alpha_A[y], p_A[y]), 0, evaluate=False),
            prose("That transfer fails for ", alpha_A, "."),
            hypotheses=(SEED_HYPOTHESES[0],),
            support=MIXTURE_SUPPORT,
            expected=Verdict.REFUTED,
            show=(COV(r[y], p_A[y]), COV(alpha_A[y], p_A[y])),
        ),
        Step(
            "seed-monotone-transfer-U",
            "Covariance carried from r to alpha_U",
            sp.Lt(COV(alpha_U[y], p_U[y]), 0, evaluate=False),
            prose("It fails for ", alpha_U, " as well."),
            hypotheses=(SEED_HYPOTHESES[1],),
            support=MIXTURE_SUPPORT,
            expected=Verdict.REFUTED,
            show=(COV(r[y], p_U[y]), COV(alpha_U[y], p_U[y])),
        ),
        Step(
            "seed-mean-weight-A",
            "The uniform mean of alpha_A",
            sp.Eq(E(alpha_A[y]), alpha * E(TILT) / Z, evaluate=False),
            prose("The rest of the proof is sound. The uniform means of the weights are the mean tilt scaled by a "
                  "factor that does not depend on the output:"),
            facts=(DEF_ALPHA_A,),
        ),
        Step(
            "seed-mean-weight-U",
            "The uniform mean of alpha_U",
            sp.Eq(E(alpha_U[y]), (1 - alpha) * E(TILT) / Z, evaluate=False),
            prose("and"),
            facts=(DEF_ALPHA_U,),
        ),
        Step(
            "seed-divide",
            "Dividing the two inequalities",
            DIVIDED,
            prose(
                "Write ", *_listed(STAND_INS), "; all five are positive. With the weights' means above, the covariance "
                "signs the seed claims say that ", u_A, " exceeds and ", u_U, " falls short of the product of the means. "
                "Dividing the first inequality by the second cancels ", mu, " and ", Z, ", and is valid because ",
                sp.Gt(u_U, 0, evaluate=False), ", ", sp.Gt(m_U, 0, evaluate=False), " and ",
                sp.Gt(1 - alpha, 0, evaluate=False), ": the claim's gap is ", 1 / u_U,
                " times the first hypothesis' gap plus ", alpha * m_A / ((1 - alpha) * m_U * u_U), " times the second's.",
            ),
            strategy=Certificate((1 / u_U, alpha * m_A / ((1 - alpha) * m_U * u_U))),
            hypotheses=(sp.Gt(u_A, alpha * mu * m_A / Z, evaluate=False), sp.Lt(u_U, (1 - alpha) * mu * m_U / Z, evaluate=False)),
        ),
        Step(
            "seed-reciprocate",
            "Reciprocate, add one, reciprocate",
            sp.Gt(u_A / (u_A + u_U), alpha * m_A / (alpha * m_A + (1 - alpha) * m_U), evaluate=False),
            prose("The map ", sp.Lambda(s, 1 / (1 + 1 / s)), " is increasing on ", sp.Gt(s, 0, evaluate=False),
                  "; the seed applies it to both sides of the quotient inequality."),
            # hypotheses: seed-divide's two (passed on, unused here) and then its conclusion
            strategy=Certificate((0, 0, u_U * (1 - alpha) * m_U / ((u_A + u_U) * (alpha * m_A + (1 - alpha) * m_U)))),
            given=("seed-divide",),
        ),
        Step(
            "seed-mean-ptheta",
            "The two weighted means add up to the mean of p_theta",
            sp.Eq(E(alpha_A[y] * p_A[y]) + E(alpha_U[y] * p_U[y]), E(p_theta[y]), evaluate=False),
            prose("The denominators are means of the two models: by ", Ref("lemma1"), " and linearity,"),
            facts=(DEF_P_THETA, DEF_MIXTURE, DEF_ALPHA_A, DEF_ALPHA_U),
        ),
        Step(
            "seed-mean-pref",
            "The component means add up to the mean of p_ref",
            sp.Eq(alpha * E(p_A[y]) + (1 - alpha) * E(p_U[y]), E(p_ref[y]), evaluate=False),
            prose("and by the mixture,"),
            facts=(DEF_MIXTURE,),
        ),
        Step(
            "seed-card-mean",
            "Support size times uniform mean is one",
            sp.Eq(n * E(p[y]), 1, evaluate=False),
            prose("For a distribution ", p, " on the support, the uniform mean is the total mass over the support size:"),
            facts=(NORM_P,),
        ),
        Step(
            "seed-card-mean-ptheta",
            "The same for the tuned model",
            sp.Eq(n * E(p_theta[y]), 1, evaluate=False),
            prose("This holds for the tuned model, which has the support of the reference model,"),
            facts=(DEF_P_THETA, DEF_Z),
        ),
        Step(
            "seed-card-mean-pref",
            "The same for the reference model",
            sp.Eq(n * E(p_ref[y]), 1, evaluate=False),
            prose("for the reference model,"),
            facts=(NORM_REF,),
        ),
        Step(
            "seed-card-mean-component",
            "The same for a component, over the larger support",
            sp.Eq(n * E(p_A[y]), 1, evaluate=False),
            prose("and for a component, whose support lies inside that of ", p_ref, ":"),
            facts=(NORM_A,),
        ),
        Step(
            "seed-tpm-as-mean",
            "Support size times the weighted mean is the total mass",
            sp.Eq(n * E(alpha_A[y] * p_A[y]), TPM_A, evaluate=False),
            prose("Read the same way, the definition of the aligned mass is"),
            facts=(DEF_TPM_A,),
        ),
        Step(
            "seed-skeleton",
            "From the weights' covariances the conclusion does follow",
            sp.Gt(TPM_A, alpha, evaluate=False),
            prose(
                "So if the weights had the covariance signs the seed claims, its conclusion would follow: ",
                TPM_A - alpha, " is ", n * (1 - alpha), " times the first covariance plus ", n * alpha,
                " times minus the second.",
            ),
            strategy=Certificate(((1 - alpha) * n, alpha * n)),
            hypotheses=(sp.Gt(COV(alpha_A[y], p_A[y]), 0, evaluate=False), sp.Lt(COV(alpha_U[y], p_U[y]), 0, evaluate=False)),
            facts=(DEF_ALPHA_A, DEF_ALPHA_U, Z_SPLIT, NORM_A, NORM_U, FOLD_M_A, FOLD_M_U, TPM_A_RATIO),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "seed-conclusion",
            "The seed's final inequalities",
            sp.And(sp.Gt(TPM_A, alpha, evaluate=False), sp.Lt(TPM_U, 1 - alpha, evaluate=False)),
            prose("Started from the correlations of ", r, " itself, the chain breaks, and so does its conclusion."),
            hypotheses=SEED_HYPOTHESES,
            support=MIXTURE_SUPPORT,
            expected=Verdict.REFUTED,
            show=SHOW,
        ),
    ),
    outro=prose(
        "Everything in the proof is sound except its first move. An increasing transformation of one argument "
        "does not preserve the sign of a covariance with a fixed function, so the correlation of ", r,
        " says nothing about that of ", alpha_A[y], ", which is proportional to ", TILT,
        ". From the weights' covariances onward the argument is valid, as the step before last shows.",
    ),
)

__all__ = ["THEOREM2", "SEED_PROOF", "SEED_HYPOTHESES", "SEED_CONCLUSION", "Z_SPLIT"]
