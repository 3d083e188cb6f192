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

from .closed_form import CONTEXT as CLOSED_FORM
from .facts import (
    DEF_P_THETA, DEF_Z, FOLD_Z, MIXTURE_SUPPORT, NORM_A, NORM_REF, NORM_U, TPM_U_RATIO,
)
from .tpm import CONTEXT

S = support_sum
TILT = model.tilt()
R_MAX, R_MIN = SupportMax(r[k], k), SupportMin(r[k], k)
E_MAX, E_MIN = sp.exp(R_MAX / beta), sp.exp(R_MIN / beta)
x = sp.Symbol("x", real=True)  # a reward value, for the termwise lemmas
j = sp.Symbol("j", integer=True, positive=True)  # a second output of the support

#: TPM(U) over the symbol Z (the masses' closed form before Z is split).
TPM_U_OVER_Z = Definition("TPM(U) = (1 - alpha) M_U / Z", TPM_U, (1 - alpha) * M_U / Z)

RESIDUAL = Derivation(
    id="residual",
    title="Residual mass: diminished, never expunged",
    kind="Proposition",
    label="residual",
    context=CONTEXT,
    statement=(
        sp.Ge(TPM_U, model.residual_bound()),
        sp.Ge(p_theta[y], model.pointwise_floor()),
    ),
    statement_text=(
        "Let $r_{\\max}$ and $r_{\\min}$ be the largest and smallest reward on the support. Then the unaligned "
        "component keeps at least a fixed share of the tuned model, and so does every single output:"
    ),
    intro=(
        "The seed's remark that the unaligned component is diminished but not expunged has a "
        "quantitative form: the tilt can shift mass by at most the factor $e^{(r_{\\max} - r_{\\min})/\\beta}$."
    ),
    steps=(
        Step(
            "residual-tilt-range",
            "The tilt at any output lies between its extremes",
            sp.And(sp.Le(E_MIN, TILT), sp.Le(TILT, E_MAX)),
            "r_min <= r(y) <= r_max on the support, and exp is increasing.",
            strategy=ExtremumBound(y),
        ),
        Step(
            "residual-moment-termwise",
            "The unaligned moment, term by term",
            sp.Le(S(p_U[y] * E_MIN), S(p_U[y] * TILT)),
            "Each term gains p_U(y) >= 0 times the gap of the previous step.",
            strategy=Termwise(sp.exp(x / beta) - E_MIN, x, r[y]),
            given=("residual-tilt-range",),
        ),
        Step(
            "residual-moment-floor",
            "The unaligned moment is at least the smallest tilt",
            sp.Ge(M_U, E_MIN),
            "p_U sums to one.",
            strategy=Certificate((1,)),
            given=("residual-moment-termwise",),
            facts=(model_def := Definition("definition of M_U", M_U, model.component_moment(p_U)), NORM_U),
        ),
        Step(
            "residual-partition-termwise",
            "The partition function, term by term",
            sp.Le(S(p_ref[y] * TILT), S(p_ref[y] * E_MAX)),
            "Each term loses p_ref(y) > 0 times the gap of the tilt below its largest value.",
            strategy=Termwise(E_MAX - sp.exp(x / beta), x, r[y]),
            given=("residual-tilt-range",),
        ),
        Step(
            "residual-partition-ceiling",
            "The partition function is at most the largest tilt",
            sp.Le(Z, E_MAX),
            "p_ref sums to one.",
            strategy=Certificate((1,)),
            given=("residual-partition-termwise",),
            facts=(FOLD_Z, NORM_REF),
        ),
        Step(
            "residual-mass-bound",
            "A floor under the unaligned mass",
            sp.Ge(TPM_U, model.residual_bound()),
            "Raise the denominator of (1 - alpha) M_U / Z to its ceiling and lower the numerator to its floor.",
            strategy=Certificate(((1 - alpha) / Z, (1 - alpha) * E_MIN / (Z * E_MAX))),
            given=("residual-moment-floor", "residual-partition-ceiling"),
            facts=(TPM_U_OVER_Z,),
        ),
        Step(
            "residual-mass-positive",
            "The floor is positive",
            sp.Gt(model.residual_bound(), 0, evaluate=False),
            "1 - alpha > 0 and an exponential is positive.",
            strategy=Signs(),
        ),
        Step(
            "residual-pointwise",
            "A floor under every output's probability",
            sp.Ge(p_theta[y], model.pointwise_floor()),
            "The same two bounds applied to p_theta(y) = p_ref(y) e^{r(y)/beta} / Z.",
            strategy=Certificate((p_ref[y] / Z, 0, p_ref[y] * E_MIN / (Z * E_MAX))),
            given=("residual-tilt-range", "residual-partition-ceiling"),
            facts=(Definition("p_theta = p*, Z kept", p_theta[y], model.closed_form()),),
        ),
    ),
    outro=(
        "Both floors shrink as $\\beta \\to 0$ and tend to the prior values as $\\beta \\to \\infty$; for any "
        "fixed temperature and bounded reward the tuned model keeps every output of the base model."
    ),
)
del model_def

# --- sensitivity -----------------------------------------------------------------------------------
M_A_T, M_U_T = model.component_moment(p_A, t), model.component_moment(p_U, t)
TPM_A_T, TPM_U_T = model.tpm_A(M_A_T, M_U_T), model.tpm_U(M_A_T, M_U_T)

SENSITIVITY = Derivation(
    id="sensitivity",
    title="How the aligned mass responds to the inverse temperature",
    kind="Proposition",
    label="sensitivity",
    statement=(sp.Eq(sp.Derivative(TPM_A, t), model.tpm_sensitivity()),),
    statement_text=(
        "Write $t = 1/\\beta$ and let $E_{\\mathcal{A},t}$, $E_{\\mathcal{U},t}$ be expectations under the tilted "
        "components $p_{\\mathcal{A}} e^{t r} / M_{\\mathcal{A}}$ and $p_{\\mathcal{U}} e^{t r} / M_{\\mathcal{U}}$. Then"
    ),
    intro="",
    steps=(
        Step(
            "sensitivity-moment",
            "Derivative of a tilted moment",
            sp.Eq(sp.Derivative(M_A_T, t), M_A_T * model.tilted_mean(p_A)),
            "Differentiate the finite sum term by term.",
            strategy=Differentiate(),
        ),
        Step(
            "sensitivity-derivative",
            "Derivative of the aligned mass in t = 1/beta",
            sp.Eq(sp.Derivative(TPM_A_T, t), model.tpm_sensitivity()),
            "Quotient rule; the derivative of each moment is the moment times its tilted mean reward.",
            strategy=Differentiate(),
        ),
        Step(
            "sensitivity-sign",
            "Sign of the derivative",
            sp.Ge(model.tpm_sensitivity(), 0),
            "TPM(A) TPM(U) > 0 multiplies the difference of the tilted means.",
            strategy=Certificate((TPM_A_T * TPM_U_T,)),
            hypotheses=(sp.Ge(model.tilted_mean(p_A), model.tilted_mean(p_U)),),
        ),
    ),
    outro=(
        "At $t = 0$ the tilted means are the plain means, so near $\\beta = \\infty$ the aligned mass "
        "moves in the direction of $E_{p_{\\mathcal{A}}}[r] - E_{p_{\\mathcal{U}}}[r]$; at finite $\\beta$ "
        "it is the tilted means that decide, which is why a hypothesis on $r$ alone cannot be enough."
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
        sp.Eq(sp.Limit(p_theta[y], beta, sp.oo), p_ref[y]),
        sp.Eq(sp.Limit(TPM_A, beta, sp.oo), alpha),
        sp.Eq(sp.Limit(p_theta[y] / p_theta[j], beta, 0, "+"), 0),
    ),
    statement_text=(
        "As $\\beta \\to \\infty$ the tuned model returns to the reference model and the aligned mass to "
        "$\\alpha(x)$. As $\\beta \\to 0^{+}$ the tuned model concentrates on the outputs of largest reward: "
        "any output $y$ beaten by another output $j$ ($r(y) < r(j)$) gets vanishing probability."
    ),
    intro="",
    steps=(
        Step(
            "limit-beta-infinity-model",
            "Infinite temperature: no tuning",
            sp.Eq(sp.Limit(p_theta[y], beta, sp.oo), p_ref[y]),
            "Every tilt tends to 1 and the finite sum Z to the total reference mass, 1.",
            strategy=LimitOf(),
            facts=(DEF_P_THETA, DEF_Z, NORM_REF),
        ),
        Step(
            "limit-beta-infinity-mass",
            "Infinite temperature: the prior share",
            sp.Eq(sp.Limit(model.tpm_A(model.component_moment(p_A), model.component_moment(p_U)), beta, sp.oo), alpha),
            "Both moments tend to the components' total mass, 1.",
            strategy=LimitOf(),
            facts=(NORM_A, NORM_U),
        ),
        Step(
            "limit-beta-zero-ratio",
            "Zero temperature: a beaten output loses to its rival",
            sp.Eq(sp.Limit(p_theta[y] / p_theta[j], beta, 0, "+"), 0),
            "Z cancels; what is left is p_ref(y)/p_ref(j) times e^{-(r(j) - r(y))/beta}.",
            strategy=LimitOf(),
            hypotheses=(sp.Lt(r[y], r[j]),),
            facts=(DEF_P_THETA,),
        ),
        Step(
            "limit-beta-zero-bound",
            "A beaten output's probability is at most that ratio",
            sp.Le(p_theta[y], p_theta[y] / p_theta[j]),
            "0 < p_theta(j) <= 1, so dividing by it can only increase a positive number.",
            strategy=Certificate((p_theta[y] / p_theta[j],)),
            hypotheses=(sp.Le(p_theta[j], 1),),
            facts=(Definition("p_theta = p*, Z kept", p_theta[y], model.closed_form()),),
        ),
    ),
    outro=(
        "Squeezed between 0 and a ratio that vanishes, the probability of every beaten output tends to zero, "
        "so all the mass ends on the maximizers of $r$ within the reference support."
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
    statement=(sp.Ge(M_A, M_U),),
    statement_text=(
        "If the law of $r$ under $p_{\\mathcal{A}}$ first-order stochastically dominates its law under "
        "$p_{\\mathcal{U}}$, then $M_{\\mathcal{A}} \\geq M_{\\mathcal{U}}$, and hence "
        "$\\TPM(\\mathcal{A};x) \\geq \\alpha(x)$, for every $\\beta > 0$."
    ),
    intro="",
    steps=(
        Step(
            "dominance-tilt-increasing",
            "The tilt is increasing in the reward",
            sp.Gt(sp.diff(sp.exp(x / beta), x), 0, evaluate=False),
            "Its derivative is e^{x/beta}/beta > 0.",
        ),
        Step(
            "dominance-moments",
            "Dominance orders the moments",
            sp.Ge(M_A, M_U),
            "Standard characterization of first-order stochastic dominance, applied to the increasing function "
            "x -> e^{x/beta} (Abel summation over the outputs sorted by reward).",
            strategy=Cite("first-order stochastic dominance is equivalent to E_A[f] >= E_U[f] for every "
                          "nondecreasing f (Shaked and Shanthikumar, Stochastic Orders, 2007, Thm 1.A.3)"),
            hypotheses=(DOMINATES,),
            expected=Verdict.ASSUMED,
        ),
        Step(
            "dominance-mass",
            "Dominance gives the aligned mass its share at every temperature",
            sp.Ge(TPM_A, alpha),
            "The gap identity with M_A >= M_U.",
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
    statement=(sp.Eq(model.kl(p_theta[y], p_ref[y]), model.kl_to_reference(p_theta[y])),),
    statement_text="The divergence of the tuned model from the reference model is the expected reward over beta, less log Z:",
    intro="",
    steps=(
        Step(
            "kl-tuned-model",
            "KL of the tuned model",
            sp.Eq(model.kl(p_theta[y], p_ref[y]), model.kl_to_reference(p_theta[y])),
            "log(p_theta/p_ref) = r/beta - log Z at every output, and p_theta sums to one.",
            chain=(S(p_theta[y] * (r[y] / beta - sp.log(Z))),),
            facts=(DEF_P_THETA, FOLD_Z),
        ),
        Step(
            "kl-tuned-model-nonnegative",
            "Hence the expected reward is at least beta log Z",
            sp.Ge(S(p_theta[y] * r[y]), beta * sp.log(Z)),
            "Gibbs' inequality at p = p_theta, q = p_ref, with the identity above.",
            strategy=Certificate((beta, -beta)),
            given=("gibbs-inequality", "kl-tuned-model"),
            instantiate={p: p_theta, q: p_ref},
        ),
    ),
)

__all__ = ["RESIDUAL", "SENSITIVITY", "LIMITS", "DOMINANCE", "KL"]
