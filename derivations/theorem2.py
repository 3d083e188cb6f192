"""The seed's Theorem 2, exactly as stated, and every step of the seed's proof, each decided."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import (
    M_A, M_U, TPM_A, TPM_U, Z, alpha, alpha_A, alpha_U, beta, n, p, p_A, p_ref, p_theta, p_U, r, support_sum, y,
)
from dpo_mixture.proof import Certificate, Definition, Derivation, Step, Verdict

from .facts import (
    DEF_ALPHA_A,
    DEF_ALPHA_U,
    DEF_MIXTURE,
    DEF_P_THETA,
    DEF_TPM_A,
    DEF_Z,
    FOLD_M_A,
    FOLD_M_U,
    FOLD_Z,
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
    sp.Gt(COV(r[y], p_A[y]), 0),
    sp.Lt(COV(r[y], p_U[y]), 0),
)
#: What the theorem asserts.
SEED_CONCLUSION = sp.And(
    sp.Gt(1, TPM_A), sp.Ge(TPM_A, alpha), sp.Gt(TPM_U, 0), sp.Le(TPM_U, 1 - alpha)
)
#: What a counterexample should display: the hypotheses' covariances and the two sides.
SHOW = (COV(r[y], p_A[y]), COV(r[y], p_U[y]), TPM_A, alpha)

#: Z split over the components (the step ``mixture-partition`` of Lemma 1).
Z_SPLIT = Definition("Z = alpha M_A + (1 - alpha) M_U", Z, alpha * M_A + (1 - alpha) * M_U)

THEOREM2 = Derivation(
    id="theorem2",
    title="The seed's Theorem 2, as stated",
    kind="Theorem",
    label="theorem2",
    context=CONTEXT,
    statement=(*SEED_HYPOTHESES, SEED_CONCLUSION),
    statement_text=(
        "This is the seed's claim, word for word in symbols. Suppose $r$ is positively correlated with "
        "$p_{\\mathcal{A}}$ and negatively with $p_{\\mathcal{U}}$, both correlations taken under the uniform "
        "distribution on the support, and $r$ is finite. Then "
        "$1 > \\TPM(\\mathcal{A};x) \\geq \\alpha(x)$ and $0 < \\TPM(\\mathcal{U};x) \\leq 1 - \\alpha(x)$."
    ),
    intro=(
        "The engine decides the claim as a whole before looking at the proof. Its search draws finite "
        "instances (support size, exact rational $\\alpha$, $\\beta$, rewards and component "
        "probabilities, zeros allowed) and keeps one only if it satisfies both correlation hypotheses "
        "and violates the conclusion at sixty digits."
    ),
    steps=(
        Step(
            "seed-theorem2",
            "Theorem 2 as the seed states it",
            SEED_CONCLUSION,
            "The seed's proof (decided step by step below).",
            hypotheses=SEED_HYPOTHESES,
            support=MIXTURE_SUPPORT,
            expected=Verdict.REFUTED,
            show=SHOW,
        ),
    ),
    outro=(
        "The statement is false. Positive correlation of $r$ with $p_{\\mathcal{A}}$ says nothing "
        "about the correlation of $e^{r/\\beta}$ with it, and only the latter enters the masses."
    ),
)

# --- the proof, step by step -------------------------------------------------------------------
#: Abstract positive stand-ins for the uniform means the proof divides: a = E[alpha_A p_A],
#: b = E[alpha_U p_U], e = E[e^{r/beta}], m_A = E[p_A], m_U = E[p_U].
a, b, e, m_A, m_U = sp.symbols("a b e m_A m_U", positive=True)
DIVIDED = sp.Gt(a / b, alpha * m_A / ((1 - alpha) * m_U))

SEED_PROOF = Derivation(
    id="theorem2-proof",
    title="The seed's proof of Theorem 2, step by step",
    kind="Section",
    context=CONTEXT,
    intro=(
        "Each sentence of the seed's proof becomes one step. Where a step is an algebraic "
        "manipulation, the engine proves it under the positivity it needs; where it is an "
        "inference that can fail, the engine looks for an instance where it does."
    ),
    steps=(
        Step(
            "seed-monotone-transfer-A",
            "Covariance carried from r to alpha_A",
            sp.Gt(COV(alpha_A[y], p_A[y]), 0),
            "The seed: alpha_A is an increasing function of r, so it inherits r's positive correlation with p_A.",
            hypotheses=(SEED_HYPOTHESES[0],),
            support=MIXTURE_SUPPORT,
            expected=Verdict.REFUTED,
            show=(COV(r[y], p_A[y]), COV(alpha_A[y], p_A[y])),
        ),
        Step(
            "seed-monotone-transfer-U",
            "Covariance carried from r to alpha_U",
            sp.Lt(COV(alpha_U[y], p_U[y]), 0),
            "The seed: alpha_U is an increasing function of r, so it inherits r's negative correlation with p_U.",
            hypotheses=(SEED_HYPOTHESES[1],),
            support=MIXTURE_SUPPORT,
            expected=Verdict.REFUTED,
            show=(COV(r[y], p_U[y]), COV(alpha_U[y], p_U[y])),
        ),
        Step(
            "seed-mean-weight-A",
            "The uniform mean of alpha_A",
            sp.Eq(E(alpha_A[y]), alpha * E(TILT) / Z),
            "alpha/Z does not depend on the output.",
            facts=(DEF_ALPHA_A,),
        ),
        Step(
            "seed-mean-weight-U",
            "The uniform mean of alpha_U",
            sp.Eq(E(alpha_U[y]), (1 - alpha) * E(TILT) / Z),
            "(1 - alpha)/Z does not depend on the output.",
            facts=(DEF_ALPHA_U,),
        ),
        Step(
            "seed-divide",
            "Dividing the two inequalities",
            DIVIDED,
            "Divide the first inequality by the second; e and Z cancel. Valid for positive quantities: "
            "the claim's gap is (1/b) times the first hypothesis' gap plus alpha m_A/((1 - alpha) m_U b) times the second's.",
            strategy=Certificate((1 / b, alpha * m_A / ((1 - alpha) * m_U * b))),
            hypotheses=(sp.Gt(a, alpha * e * m_A / Z), sp.Lt(b, (1 - alpha) * e * m_U / Z)),
        ),
        Step(
            "seed-reciprocate",
            "Reciprocate, add one, reciprocate",
            sp.Gt(a / (a + b), alpha * m_A / (alpha * m_A + (1 - alpha) * m_U)),
            "x > y > 0 implies 1/(1 + 1/x) > 1/(1 + 1/y), since t -> 1/(1 + 1/t) is increasing on t > 0.",
            # hypotheses: seed-divide's two (passed on, unused here) and then its conclusion
            strategy=Certificate((0, 0, b * (1 - alpha) * m_U / ((a + b) * (alpha * m_A + (1 - alpha) * m_U)))),
            given=("seed-divide",),
        ),
        Step(
            "seed-mean-ptheta",
            "The two weighted means add up to the mean of p_theta",
            sp.Eq(E(alpha_A[y] * p_A[y]) + E(alpha_U[y] * p_U[y]), E(p_theta[y])),
            "Lemma 1 under the uniform mean, which is linear.",
            facts=(DEF_P_THETA, DEF_MIXTURE, DEF_ALPHA_A, DEF_ALPHA_U),
        ),
        Step(
            "seed-mean-pref",
            "The component means add up to the mean of p_ref",
            sp.Eq(alpha * E(p_A[y]) + (1 - alpha) * E(p_U[y]), E(p_ref[y])),
            "The mixture under the uniform mean.",
            facts=(DEF_MIXTURE,),
        ),
        Step(
            "seed-card-mean",
            "Support size times uniform mean is one",
            sp.Eq(n * E(p[y]), 1),
            "The uniform mean of a distribution over its support is the total mass divided by the support size.",
            facts=(NORM_P,),
        ),
        Step(
            "seed-card-mean-ptheta",
            "The same for the tuned model",
            sp.Eq(n * E(p_theta[y]), 1),
            "supp p_theta = supp p_ref, and p_theta sums to one there.",
            facts=(DEF_P_THETA, DEF_Z),
        ),
        Step(
            "seed-card-mean-pref",
            "The same for the reference model",
            sp.Eq(n * E(p_ref[y]), 1),
            "p_ref sums to one on its support.",
            facts=(NORM_REF,),
        ),
        Step(
            "seed-card-mean-component",
            "The same for a component, over the larger support",
            sp.Eq(n * E(p_A[y]), 1),
            "supp p_A lies inside supp p_ref, so p_A sums to one over supp p_ref as well.",
            facts=(NORM_A,),
        ),
        Step(
            "seed-tpm-as-mean",
            "Support size times the weighted mean is the total mass",
            sp.Eq(n * E(alpha_A[y] * p_A[y]), TPM_A),
            "The definition of TPM(A), read as a uniform mean.",
            facts=(DEF_TPM_A,),
        ),
        Step(
            "seed-skeleton",
            "From the weights' covariances the conclusion does follow",
            sp.Gt(TPM_A, alpha),
            "If alpha_A and alpha_U really had the covariance signs the seed claims, the rest of its argument "
            "would be sound: TPM(A) - alpha is (1 - alpha) n times the first covariance plus alpha n times "
            "minus the second.",
            strategy=Certificate(((1 - alpha) * n, alpha * n)),
            hypotheses=(sp.Gt(COV(alpha_A[y], p_A[y]), 0), sp.Lt(COV(alpha_U[y], p_U[y]), 0)),
            facts=(DEF_ALPHA_A, DEF_ALPHA_U, Z_SPLIT, NORM_A, NORM_U, FOLD_M_A, FOLD_M_U, TPM_A_RATIO),
            support=MIXTURE_SUPPORT,
        ),
        Step(
            "seed-conclusion",
            "The seed's final inequalities",
            sp.And(sp.Gt(TPM_A, alpha), sp.Lt(TPM_U, 1 - alpha)),
            "The chain above, started from the correlations of r itself.",
            hypotheses=SEED_HYPOTHESES,
            support=MIXTURE_SUPPORT,
            expected=Verdict.REFUTED,
            show=SHOW,
        ),
    ),
    outro=(
        "Everything in the proof is sound except its first move. Covariance with a fixed function is not "
        "preserved by increasing transformations of the other argument, so the correlation of $r$ tells "
        "nothing about that of $\\alpha_{\\mathcal{A}} \\propto e^{r/\\beta}$; from the weights' "
        "covariances onward the argument is valid, as the step seed-skeleton shows."
    ),
)

__all__ = ["THEOREM2", "SEED_PROOF", "SEED_HYPOTHESES", "SEED_CONCLUSION", "Z_SPLIT"]
del FOLD_Z, beta, M_U
