"""Results past the seed: residual mass, sensitivity to 1/beta, limits, dominance and KL."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import model
from dpo_mixture.model import SupportMax, SupportMin
from dpo_mixture.notation import (
    M_A, M_U, TPM_A, TPM_U, Z, alpha, beta, k, p, q, p_A, p_ref, p_theta, p_U, r, support_sum, t, y,
)
from dpo_mixture.proof import (
    Certificate, Cite, Definition, Derivation, Differentiate, ExtremumBound, LimitOf, Signs, Step, Termwise, Verdict,
)
from dpo_mixture.render import Citation, Ref, prose

from .closed_form import CONTEXT as CLOSED_FORM
from .facts import (
    DEF_P_THETA, DEF_Z, FOLD_Z, MIXTURE_SUPPORT, NORM_A, NORM_REF, NORM_U,
)
from .symbols import KL as KL_OP, Mass, Mean, Moment, TiltedMean, j
from .tpm import CONTEXT

S = support_sum
TILT = model.tilt()
R_MAX, R_MIN = SupportMax(r[k], k), SupportMin(r[k], k)
E_MAX, E_MIN = sp.exp(R_MAX / beta), sp.exp(R_MIN / beta)
u = sp.Symbol("u", real=True)  # a reward value, for the termwise lemmas

#: TPM(U) over the symbol Z (the masses' closed form before Z is split).
TPM_U_OVER_Z = Definition("TPM(U) = (1 - alpha) M_U / Z", TPM_U, (1 - alpha) * M_U / Z)
#: M_U as the tilted moment of p_U.
DEF_M_U_HERE = Definition("definition of M_U", M_U, model.component_moment(p_U))
#: p_theta = p* with Z kept as a symbol.
P_THETA_Z_KEPT = Definition("p_theta = p*, Z kept", p_theta[y], model.closed_form())

RESIDUAL = Derivation(
    id="residual",
    title="Residual mass: diminished, never expunged",
    kind="Proposition",
    label="residual",
    context=CONTEXT,
    statement=(
        sp.Ge(TPM_U, model.residual_bound(), evaluate=False),
        sp.Ge(p_theta[y], model.pointwise_floor(), evaluate=False),
    ),
    statement_text=prose(
        "The unaligned component keeps at least a fixed share of the tuned model, and so does every single "
        "output, with a floor set by the range of the reward over the support:",
    ),
    intro=prose(
        "The seed remarks that tuning diminishes the unaligned component but does not expunge it. The tilt "
        "changes the odds of two outputs by at most the factor ", sp.exp((R_MAX - R_MIN) / beta),
        ", which makes the remark quantitative.",
    ),
    steps=(
        Step(
            "residual-tilt-range",
            "The tilt at any output lies between its extremes",
            sp.And(sp.Le(E_MIN, TILT, evaluate=False), sp.Le(TILT, E_MAX, evaluate=False)),
            prose("Every reward on the support lies between ", R_MIN, " and ", R_MAX, ", and the exponential is "
                  "increasing, so"),
            strategy=ExtremumBound(y),
        ),
        Step(
            "residual-moment-termwise",
            "The unaligned moment, term by term",
            sp.Le(S(p_U[y] * E_MIN), S(p_U[y] * TILT), evaluate=False),
            prose("Multiplying the lower bound by ", sp.Ge(p_U[y], 0, evaluate=False), " and summing,"),
            strategy=Termwise(sp.exp(u / beta) - E_MIN, u, r[y]),
            given=("residual-tilt-range",),
        ),
        Step(
            "residual-moment-floor",
            "The unaligned moment is at least the smallest tilt",
            sp.Ge(M_U, E_MIN, evaluate=False),
            prose("and, as ", p_U, " sums to one,"),
            strategy=Certificate((1,)),
            given=("residual-moment-termwise",),
            facts=(DEF_M_U_HERE, NORM_U),
        ),
        Step(
            "residual-partition-termwise",
            "The partition function, term by term",
            sp.Le(S(p_ref[y] * TILT), S(p_ref[y] * E_MAX), evaluate=False),
            prose("In the same way, with the upper bound and ", sp.Gt(p_ref[y], 0, evaluate=False), ","),
            strategy=Termwise(E_MAX - sp.exp(u / beta), u, r[y]),
            given=("residual-tilt-range",),
        ),
        Step(
            "residual-partition-ceiling",
            "The partition function is at most the largest tilt",
            sp.Le(Z, E_MAX, evaluate=False),
            prose("and, as ", p_ref, " sums to one,"),
            strategy=Certificate((1,)),
            given=("residual-partition-termwise",),
            facts=(FOLD_Z, NORM_REF),
        ),
        Step(
            "residual-mass-bound",
            "A floor under the unaligned mass",
            sp.Ge(TPM_U, model.residual_bound(), evaluate=False),
            prose("Lowering the numerator of ", sp.Eq(TPM_U, (1 - alpha) * M_U / Z, evaluate=False),
                  " to its floor and raising the denominator to its ceiling,"),
            strategy=Certificate(((1 - alpha) / Z, (1 - alpha) * E_MIN / (Z * E_MAX))),
            given=("residual-moment-floor", "residual-partition-ceiling"),
            facts=(TPM_U_OVER_Z,),
        ),
        Step(
            "residual-mass-positive",
            "The floor is positive",
            sp.Gt(model.residual_bound(), 0, evaluate=False),
            prose("The floor is positive, as ", sp.Gt(1 - alpha, 0, evaluate=False),
                  " and an exponential is positive:"),
            strategy=Signs(),
        ),
        Step(
            "residual-pointwise",
            "A floor under every output's probability",
            sp.Ge(p_theta[y], model.pointwise_floor(), evaluate=False),
            prose("The same two bounds applied to ", sp.Eq(p_theta[y], model.closed_form(), evaluate=False),
                  " give a floor for every output:"),
            strategy=Certificate((p_ref[y] / Z, 0, p_ref[y] * E_MIN / (Z * E_MAX))),
            given=("residual-tilt-range", "residual-partition-ceiling"),
            facts=(P_THETA_Z_KEPT,),
        ),
    ),
    outro=prose(
        "Both floors shrink as the temperature falls, but for any fixed ", beta, " and bounded reward the tuned "
        "model keeps every output of the reference model, the harmful ones included.",
    ),
)

# --- sensitivity -----------------------------------------------------------------------------------
#: The masses and the tilted moments as functions of the rate t = 1/beta.
MASS_A_T, MASS_U_T = Mass(p_A, t), Mass(p_U, t)
MOMENT_A_T = Moment(p_A, t)
E_A_T, E_U_T = TiltedMean(p_A, t), TiltedMean(p_U, t)
SENSITIVITY_RHS = MASS_A_T * MASS_U_T * (E_A_T - E_U_T)

SENSITIVITY = Derivation(
    id="sensitivity",
    title="How the aligned mass responds to the temperature",
    kind="Proposition",
    label="sensitivity",
    statement=(sp.Eq(sp.Derivative(MASS_A_T, t), SENSITIVITY_RHS, evaluate=False),),
    statement_text=prose(
        "Write ", sp.Eq(t, 1 / beta, evaluate=False), " for the inverse temperature, ",
        sp.Eq(MOMENT_A_T, model.component_moment(p_A, t), evaluate=False), " and ", Moment(p_U, t),
        " for the tilted moments as functions of ", t, ", and ", E_A_T, " and ", E_U_T,
        " for the mean reward under the tilted components ", p_A[y] * sp.exp(t * r[y]) / MOMENT_A_T, " and ",
        p_U[y] * sp.exp(t * r[y]) / Moment(p_U, t), ". Then, with the masses as functions of ", t, ",",
    ),
    steps=(
        Step(
            "sensitivity-moment",
            "Derivative of a tilted moment",
            sp.Eq(sp.Derivative(MOMENT_A_T, t), MOMENT_A_T * E_A_T, evaluate=False),
            prose("Differentiating the finite sum term by term, the derivative of a tilted moment is the moment "
                  "times its tilted mean reward:"),
            strategy=Differentiate(),
        ),
        Step(
            "sensitivity-derivative",
            "Derivative of the aligned mass in t = 1/beta",
            sp.Eq(sp.Derivative(MASS_A_T, t), SENSITIVITY_RHS, evaluate=False),
            prose("With the quotient rule applied to ",
                  sp.Eq(MASS_A_T, model.tpm_A(MOMENT_A_T, Moment(p_U, t)), evaluate=False), ","),
            strategy=Differentiate(),
        ),
        Step(
            "sensitivity-sign",
            "Sign of the derivative",
            sp.Ge(SENSITIVITY_RHS, 0, evaluate=False),
            prose("Since ", sp.Gt(MASS_A_T * MASS_U_T, 0, evaluate=False), " (", Ref("tpm"),
                  "), the aligned mass grows with ", t, " exactly while the aligned tilted mean is the larger one."),
            strategy=Certificate((MASS_A_T * MASS_U_T,)),
            hypotheses=(sp.Ge(E_A_T, E_U_T, evaluate=False),),
        ),
    ),
    outro=prose(
        "At ", sp.Eq(t, 0, evaluate=False), " the tilted means are the plain means ", Mean(p_A, r[y]), " and ",
        Mean(p_U, r[y]), ", which the seed's hypotheses order (", Ref("high-temperature"), "); at finite ", beta,
        " the tilted means decide, and no hypothesis on the correlation of ", r, " alone controls them.",
    ),
)

# --- limits ------------------------------------------------------------------------------------------
LIMITS = Derivation(
    id="limits",
    title="The two extremes of the temperature",
    kind="Proposition",
    label="limits",
    context=CLOSED_FORM,
    statement=(
        sp.Eq(sp.Limit(p_theta[y], beta, sp.oo), p_ref[y], evaluate=False),
        sp.Eq(sp.Limit(Mass(p_A, 1 / beta), beta, sp.oo), alpha, evaluate=False),
        sp.Eq(sp.Limit(p_theta[y] / p_theta[j], beta, 0, "+"), 0, evaluate=False),
    ),
    statement_text=prose(
        "As ", beta, " grows without bound the tuned model returns to the reference model and the aligned mass to ",
        alpha, ". As ", beta, " decreases to 0, an output ", y, " beaten by another output ", j, ", that is with ",
        sp.Lt(r[y], r[j], evaluate=False), ", loses all probability relative to it:",
    ),
    steps=(
        Step(
            "limit-high-temperature-model",
            "Infinite temperature: no tuning",
            sp.Eq(sp.Limit(p_theta[y], beta, sp.oo), p_ref[y], evaluate=False),
            prose("Every tilt tends to 1 and the finite sum ", Z, " to the total mass of ", p_ref, ", which is 1:"),
            strategy=LimitOf(),
            facts=(DEF_P_THETA, DEF_Z, NORM_REF),
        ),
        Step(
            "limit-high-temperature-mass",
            "Infinite temperature: the prior share",
            sp.Eq(sp.Limit(Mass(p_A, 1 / beta), beta, sp.oo), alpha, evaluate=False),
            prose("Both moments tend to the total mass of their component, 1:"),
            strategy=LimitOf(),
            facts=(NORM_A, NORM_U),
        ),
        Step(
            "limit-low-temperature-ratio",
            "Zero temperature: a beaten output loses to its rival",
            sp.Eq(sp.Limit(p_theta[y] / p_theta[j], beta, 0, "+"), 0, evaluate=False),
            prose("In the ratio of two outputs ", Z, " cancels, leaving the product of ", p_ref[y] / p_ref[j], " and ",
                  sp.exp(-(r[j] - r[y]) / beta), ", which vanishes with ", beta, " when ", y, " is beaten."),
            strategy=LimitOf(),
            hypotheses=(sp.Lt(r[y], r[j], evaluate=False),),
            facts=(DEF_P_THETA,),
        ),
        Step(
            "limit-low-temperature-bound",
            "A beaten output's probability is at most that ratio",
            sp.Le(p_theta[y], p_theta[y] / p_theta[j], evaluate=False),
            prose("Dividing a positive number by a probability can only increase it."),
            strategy=Certificate((p_theta[y] / p_theta[j],)),
            hypotheses=(sp.Le(p_theta[j], 1, evaluate=False),),
            facts=(P_THETA_Z_KEPT,),
        ),
    ),
    outro=prose(
        "Squeezed between 0 and a ratio that vanishes, the probability of every beaten output tends to 0: all the "
        "mass ends on the outputs of largest reward within the support of ", p_ref, ".",
    ),
)

# --- dominance ------------------------------------------------------------------------------------------
#: First-order stochastic dominance of the law of r under p_A over its law under p_U: for every
#: output j, P_A(r >= r(j)) >= P_U(r >= r(j)).  The survival functions only change at the reward
#: values of the support, so these thresholds are enough.
DOMINATES = sp.Ge(
    SupportMin(S((p_A[k] - p_U[k]) * sp.Heaviside(r[k] - r[j], 1), k), j), 0, evaluate=False
)
DOMINANCE = Derivation(
    id="dominance",
    title="A condition that holds at every temperature",
    kind="Proposition",
    label="dominance",
    context=CONTEXT,
    statement=(sp.Ge(M_A, M_U, evaluate=False), sp.Ge(TPM_A, alpha, evaluate=False)),
    statement_text=prose(
        "If the law of ", r, " under ", p_A, " first-order stochastically dominates its law under ", p_U,
        ", that is ", DOMINATES, ", then for every ", sp.Gt(beta, 0, evaluate=False),
    ),
    intro=prose(
        "A condition on the reward that gives the seed's conclusion at every temperature at once is stochastic "
        "dominance: the aligned component must be at least as likely as the unaligned one to exceed every "
        "reward level. On a finite support it suffices to check the levels ", r[j], " of the outputs ", j,
        " themselves, which is the form the steps below assume.",
    ),
    steps=(
        Step(
            "dominance-tilt-increasing",
            "The tilt is increasing in the reward",
            sp.Gt(sp.diff(sp.exp(u / beta), u), 0, evaluate=False),
            prose("The tilt is an increasing function of the reward ", u, ": its derivative is"),
        ),
        Step(
            "dominance-moments",
            "Dominance orders the moments",
            sp.Ge(M_A, M_U, evaluate=False),
            prose("Dominance is equivalent to ordered expectations of every nondecreasing function ",
                  Citation("shaked2007", detail="Thm. 1.A.3"), "; the engine cites this fact, applied to the tilt, "
                  "and does not prove it."),
            strategy=Cite("first-order stochastic dominance is equivalent to E_A[f] >= E_U[f] for every "
                          "nondecreasing f (Shaked and Shanthikumar, Stochastic Orders, 2007, Thm 1.A.3)"),
            hypotheses=(DOMINATES,),
            expected=Verdict.ASSUMED,
        ),
        Step(
            "dominance-mass",
            "Dominance gives the aligned mass its share at every temperature",
            sp.Ge(TPM_A, alpha, evaluate=False),
            prose("By ", Ref("corrected"), " the aligned mass then keeps at least its prior share."),
            strategy=Certificate((0, alpha * (1 - alpha) / (alpha * M_A + (1 - alpha) * M_U),)),
            given=("dominance-moments",),
            facts=(Definition("TPM(A) = alpha M_A / Z, Z split", TPM_A, model.tpm_A()),),
            expected=Verdict.ASSUMED,
        ),
    ),
)

# --- KL ---------------------------------------------------------------------------------------------
KL = Derivation(
    id="kl",
    title="How far the tuned model moves",
    kind="Proposition",
    label="kl",
    context=CLOSED_FORM,
    statement=(sp.Eq(KL_OP(p_theta[y], p_ref[y]), model.kl_to_reference(p_theta[y]), evaluate=False),),
    statement_text=prose(
        "The divergence of the tuned model from the reference model is its expected reward over ", beta,
        ", less ", sp.log(Z), ":",
    ),
    steps=(
        Step(
            "kl-tuned-model",
            "KL of the tuned model",
            sp.Eq(KL_OP(p_theta[y], p_ref[y]), model.kl_to_reference(p_theta[y]), evaluate=False),
            prose("At every output ", sp.Eq(sp.log(p_theta[y] / p_ref[y]), r[y] / beta - sp.log(Z), evaluate=False),
                  ", and ", p_theta, " sums to one:"),
            chain=(S(p_theta[y] * (r[y] / beta - sp.log(Z))),),
            facts=(DEF_P_THETA, FOLD_Z),
        ),
        Step(
            "kl-tuned-model-nonnegative",
            "Hence the expected reward is at least beta log Z",
            sp.Ge(S(p_theta[y] * r[y]), beta * sp.log(Z), evaluate=False),
            prose("With ", Ref("gibbs"), " at ", sp.Eq(p, p_theta, evaluate=False), " and ",
                  sp.Eq(q, p_ref, evaluate=False), ", the tuned model's expected reward is at least"),
            strategy=Certificate((beta, -beta)),
            given=("gibbs-inequality", "kl-tuned-model"),
            instantiate={p: p_theta, q: p_ref},
        ),
    ),
)

__all__ = ["RESIDUAL", "SENSITIVITY", "LIMITS", "DOMINANCE", "KL", "E_A_T", "E_U_T"]
