"""The true versions of the seed's theorem: what its hypotheses give at high and at low temperature."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import declare, model
from dpo_mixture.notation import TPM_A, alpha, alpha_A, beta, n, p_A, p_ref, p_theta, p_U, r, support_sum, y
from dpo_mixture.proof import Certificate, Derivation, Differentiate, Step
from dpo_mixture.render import Ref, prose

from .facts import DEF_ALPHA_A, DEF_P_THETA, DEF_TPM_A, NORM_A, NORM_U
from .symbols import COMPONENT_A, S_STAR, Mass, Mean, TopMass, j
from .theorem2 import SEED_HYPOTHESES
from .tpm import CONTEXT

S = support_sum
E = model.mean_unif
COV = model.cov_unif
E_A, E_U = Mean(p_A, r[y]), Mean(p_U, r[y])
SLOPE = alpha * (1 - alpha) * (E_A - E_U)
#: The rate of the tilt as a real variable: ``1/beta`` at positive rates, and the mass is a smooth
#: function of it on the whole line, so its slope at 0 is an ordinary two-sided derivative.
tau = declare.scalar("tau")
SLOPE_AT_ZERO = sp.Subs(sp.Derivative(Mass(p_A, tau), tau), tau, 0)
#: The posterior probability of the aligned component given the output y.
POSTERIOR = alpha * p_A[y] / p_ref[y]

HIGH = Derivation(
    id="high-temperature",
    title="The seed's hypotheses at high temperature",
    kind="Theorem",
    label="high-temperature",
    statement=(sp.Eq(SLOPE_AT_ZERO, SLOPE, evaluate=False), sp.Gt(SLOPE, 0, evaluate=False)),
    statement_text=prose(
        "Assume the seed's hypotheses ", SEED_HYPOTHESES[0], " and ", SEED_HYPOTHESES[1], ". Then ",
        sp.And(sp.Lt(E_U, E(r[y]), evaluate=False), sp.Lt(E(r[y]), E_A, evaluate=False)), ". As a function of the rate ", tau,
        " of the tilt (", sp.Eq(tau, 1 / beta, evaluate=False), " at positive rates), the aligned mass, which equals ",
        alpha, " at ", sp.Eq(tau, 0, evaluate=False), " (", Ref("limits"), "), leaves it with positive slope:",
    ),
    intro=prose(
        "The seed's claim is false, but not for every temperature. Its hypotheses say exactly that the mean reward "
        "under ", p_A, " exceeds the uniform mean, which exceeds the mean under ", p_U,
        "; at high temperature the masses respond to these plain means, and the seed's conclusion holds.",
    ),
    steps=(
        Step(
            "high-covariance-as-means",
            "A uniform covariance with a distribution is a difference of means",
            sp.And(sp.Eq(COV(r[y], p_A[y]), (E_A - E(r[y])) / n, evaluate=False), sp.Eq(COV(r[y], p_U[y]), (E_U - E(r[y])) / n, evaluate=False)),
            prose("As each component sums to one, its uniform covariance with ", r,
                  " is a difference of two means, divided by the support size:"),
            facts=(NORM_A, NORM_U),
        ),
        Step(
            "high-mean-A",
            "The first hypothesis orders the aligned mean",
            sp.Gt(E_A, E(r[y]), evaluate=False),
            prose("So the first hypothesis puts the mean reward under ", p_A, " above the uniform mean."),
            strategy=Certificate((n,)),
            hypotheses=(SEED_HYPOTHESES[0],),
            facts=(NORM_A,),
        ),
        Step(
            "high-mean-U",
            "The second hypothesis orders the unaligned mean",
            sp.Lt(E_U, E(r[y]), evaluate=False),
            prose("The second puts the mean under ", p_U, " below it."),
            strategy=Certificate((n,)),
            hypotheses=(SEED_HYPOTHESES[1],),
            facts=(NORM_U,),
        ),
        Step(
            "high-slope",
            "The slope of the aligned mass at infinite temperature",
            sp.Eq(SLOPE_AT_ZERO, SLOPE, evaluate=False),
            prose("At ", sp.Eq(tau, 0, evaluate=False), " the tilted means of ", Ref("sensitivity"),
                  " are these plain means; differentiating the mass directly,"),
            strategy=Differentiate(),
            facts=(NORM_A, NORM_U),
        ),
        Step(
            "high-slope-positive",
            "Under the seed's hypotheses the slope is positive",
            sp.Gt(SLOPE, 0, evaluate=False),
            prose("Under both hypotheses the slope is ", n * alpha * (1 - alpha), " times the difference of the two "
                  "covariances, hence positive."),
            strategy=Certificate((n * alpha * (1 - alpha), n * alpha * (1 - alpha))),
            hypotheses=SEED_HYPOTHESES,
            facts=(NORM_A, NORM_U),
        ),
    ),
    outro=prose(
        "A function that equals ", alpha, " at ", sp.Eq(tau, 0, evaluate=False),
        " and has positive slope there exceeds ", alpha, " on some interval ", sp.Interval.open(0, sp.Symbol("tau_0")),
        ". So under the seed's hypotheses ", sp.Gt(TPM_A, alpha, evaluate=False), " for every large enough ", beta,
        ". This last step is the definition of the derivative and is not machine-checked. ", Ref("example"),
        " shows how soon the advantage can end as the temperature falls.",
    ),
)

LOW = Derivation(
    id="low-temperature",
    title="The zero-temperature limit of the aligned mass",
    kind="Proposition",
    label="low-temperature",
    context=CONTEXT,
    statement=(
        sp.Eq(TPM_A, S(p_theta[y] * POSTERIOR), evaluate=False),
        sp.Eq(p_theta[y] / p_theta[j], p_ref[y] / p_ref[j], evaluate=False),
    ),
    statement_text=prose(
        "Let ", S_STAR, " be the set of outputs of largest reward and ", TopMass(p_A), ", ", TopMass(p_ref),
        " the masses the two distributions put on it. The aligned mass is the mean, under the tuned model, of the "
        "posterior probability ", POSTERIOR, " that an output came from ", COMPONENT_A,
        ", and the tuned model keeps the odds of the reference model between outputs of equal reward (",
        sp.Eq(r[y], r[j], evaluate=False), "). With ", Ref("limits"), " this gives the limit of the aligned mass as ", beta,
        " decreases to 0, worked out after the proof:",
    ),
    intro=prose(
        "At low temperature the tuned model puts all its mass on the outputs of largest reward (", Ref("limits"),
        "). The aligned mass then depends only on how much of ", S_STAR, " each component produces, whatever the "
        "correlations.",
    ),
    steps=(
        Step(
            "low-posterior",
            "The aligned mass as a mean of posterior probabilities",
            sp.Eq(TPM_A, S(p_theta[y] * POSTERIOR), evaluate=False),
            prose("By the definitions of the aligned mass and of ", alpha_A, ","),
            facts=(DEF_TPM_A, DEF_ALPHA_A, DEF_P_THETA),
        ),
        Step(
            "low-tied-ratio",
            "Outputs of equal reward keep their reference odds",
            sp.Eq(p_theta[y] / p_theta[j], p_ref[y] / p_ref[j], evaluate=False),
            prose("Two outputs of equal reward get the same tilt, so their odds do not change."),
            hypotheses=(sp.Eq(r[y], r[j], evaluate=False),),
            facts=(DEF_P_THETA,),
        ),
    ),
    outro=prose(
        "Fix an output ", j, " in ", S_STAR, ". As ", beta, " decreases to 0 the odds ",
        p_theta[y] / p_theta[j], " keep the value ", p_ref[y] / p_ref[j], " on ", S_STAR, " and tend to 0 off it (",
        Ref("limits"), "); as the tuned model sums to one, it tends to ", p_ref[y] / TopMass(p_ref), " on ", S_STAR,
        ", and the finite mean above tends to ", sp.Eq(sp.Limit(TPM_A, beta, 0, "+"), alpha * TopMass(p_A) / TopMass(p_ref), evaluate=False),
        ". This passage to the limit in a finite sum is not machine-checked; ", Ref("example"),
        " checks the limit at one instance. The limit is the posterior probability of ", COMPONENT_A,
        " given that the output is one of largest reward, and it is 0 when ", sp.Eq(TopMass(p_A), 0, evaluate=False),
        ": tuning then hands the whole model to the unaligned component.",
    ),
)

__all__ = ["HIGH", "LOW"]
