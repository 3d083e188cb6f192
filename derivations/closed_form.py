"""The KL-regularized objective, its Gibbs form, Gibbs' inequality and the maximizer."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import Z, beta, lam, n, p, p_ref, p_star, p_theta, q, r, support_sum, t, y
from dpo_mixture.proof import (
    ConvexMinimum,
    Derivation,
    Implication,
    Stationarity,
    Step,
    TermsVanish,
    Termwise,
    separable_summand,
)
from dpo_mixture.render import Citation, Ref, prose

from .facts import DEF_P_STAR, DEF_P_THETA, DEF_Z, FOLD_Z, NORM_P, NORM_Q
from .symbols import KL, PROMPT, Objective, g

CONTEXT = (DEF_Z, DEF_P_STAR, DEF_P_THETA)

S = support_sum
L = model.objective(p[y])
LOG_LEMMA = t - 1 - sp.log(t)  # g(t) = t - 1 - log t, nonnegative on t > 0
P = sp.Symbol("P", positive=True)  # the value p(y) at one output, for calculus
SUMMAND = separable_summand(L, y).xreplace({p[y]: P})  # the objective's term at one output
#: g at q/p, summed with weights p: the divergence as a sum of nonnegative terms.
GAP_SUM = S(p[y] * LOG_LEMMA.xreplace({t: q[y] / p[y]}))
GAP_SUM_STAR = GAP_SUM.xreplace({q: p_star})

OBJECTIVE = Derivation(
    id="objective",
    title="Setting and objective",
    kind="Section",
    context=CONTEXT,
    statement=(sp.Eq(Objective(p), L, evaluate=False),),
    intro=prose(
        "Fix a prompt ", PROMPT, " and let the output ", y, " range over the support of the reference model ",
        p_ref, ", a finite set of ", n, " outputs. A finite reward ", r[y], " scores each output, and a temperature ",
        sp.Gt(beta, 0, evaluate=False), " weighs the reward against the divergence from ", p_ref,
        ". Preference tuning with a KL penalty ", Citation("korbak2022", "rafailov2023"),
        " chooses the distribution ", p, " on the support that maximizes the objective",
    ),
    steps=(
        Step(
            "objective-log-form",
            "Reward as a logarithm",
            sp.Eq(Objective(p), beta * S(p[y] * (sp.log(sp.exp(r[y] / beta)) - sp.log(p[y] / p_ref[y]))), evaluate=False),
            prose("Writing each reward as ", sp.Eq(r[y], beta * sp.log(sp.exp(r[y] / beta), evaluate=False), evaluate=False),
                  " and taking ", beta, " out of the sum,"),
        ),
        Step(
            "gibbs-rewrite",
            "Gibbs rewrite of the objective",
            sp.Eq(Objective(p), -beta * KL(p[y], p_star[y]) + beta * sp.log(Z), evaluate=False),
            prose(
                "Call ", Z, " the partition function and ", p_star, " the tilted distribution. Expanding the "
                "logarithm of ", p_star[y], " and using ",
                sp.Eq(S(p[y]), 1, evaluate=False), " turns the objective into a divergence from ", p_star, ":",
            ),
            chain=(-beta * S(p[y] * sp.log(p[y] / p_star[y])) + beta * sp.log(Z),),
            facts=(DEF_P_STAR, NORM_P),
        ),
        Step(
            "pstar-positive",
            "The tilted distribution is positive",
            sp.Gt(p_star[y], 0, evaluate=False),
            prose("Every factor of ", p_star[y], " is positive on the support, so"),
            facts=(DEF_P_STAR, DEF_Z),
        ),
        Step(
            "pstar-normalized",
            "The tilted distribution sums to one",
            sp.Eq(S(p_star[y]), 1, evaluate=False),
            prose("and, ", Z, " being the sum of the numerators, ", p_star, " is a distribution:"),
            facts=(DEF_P_STAR, DEF_Z),
        ),
    ),
)

G_PRIME = sp.diff(LOG_LEMMA, t)
G_SECOND = sp.diff(LOG_LEMMA, t, 2)

GIBBS = Derivation(
    id="gibbs",
    title="Gibbs' inequality",
    kind="Lemma",
    label="gibbs",
    statement=(sp.Ge(KL(p[y], q[y]), 0, evaluate=False),),
    statement_text=prose(
        "Let ", p, " and ", q, " be distributions that are positive on the support. Then their divergence is "
        "nonnegative, and it vanishes only if ", sp.Eq(p, q, evaluate=False), ":",
    ),
    intro=prose(
        "Gibbs' inequality ", Citation("cover2006", detail="Thm. 2.6.3"),
        " needs nothing beyond the tangent-line bound on the logarithm, which the engine proves by calculus.",
    ),
    steps=(
        Step(
            "log-bound",
            "The logarithm lies below its tangent at 1",
            sp.Le(sp.log(t), t - 1, evaluate=False),
            prose(
                "The gap ", sp.Eq(g(t), LOG_LEMMA, evaluate=False), " has ", sp.Eq(sp.Derivative(g(t), t), G_PRIME, evaluate=False),
                ", which vanishes only at ", sp.Eq(t, 1, evaluate=False), ", and ",
                sp.Eq(sp.Derivative(g(t), t, 2), G_SECOND, evaluate=False), ", which is positive. With ",
                sp.Eq(g(1), 0, evaluate=False), " this gives, for every ", sp.Gt(t, 0, evaluate=False), ",",
            ),
            strategy=ConvexMinimum(t),
        ),
        Step(
            "log-bound-equality",
            "Equality in the logarithm bound only at 1",
            sp.Eq(t, 1, evaluate=False),
            prose("A strictly convex function with minimum value 0 has a single zero."),
            strategy=ConvexMinimum(t, equality=True),
            hypotheses=(sp.Eq(sp.log(t), t - 1, evaluate=False),),
        ),
        Step(
            "gibbs-termwise",
            "Apply the bound to every term",
            sp.Le(S(p[y] * sp.log(q[y] / p[y])), S(p[y] * (q[y] / p[y] - 1)), evaluate=False),
            prose("The bound at ", sp.Eq(t, q[y] / p[y], evaluate=False), ", multiplied by ",
                  sp.Gt(p[y], 0, evaluate=False), " and summed over the support, gives"),
            strategy=Termwise(LOG_LEMMA, t, q[y] / p[y]),
            uses=("log-bound",),
        ),
        Step(
            "gibbs-sum",
            "The linear bound sums to zero",
            sp.Le(S(p[y] * (q[y] / p[y] - 1)), 0, evaluate=False),
            prose("Both distributions sum to one, so the right-hand side vanishes:"),
            chain=(S(q[y]) - S(p[y]),),
            facts=(NORM_P, NORM_Q),
        ),
        Step(
            "gibbs-inequality",
            "Gibbs' inequality",
            sp.Ge(KL(p[y], q[y]), 0, evaluate=False),
            prose("Together the two bounds give the inequality:"),
            strategy=Implication(),
            given=("gibbs-termwise", "gibbs-sum"),
            facts=(NORM_P, NORM_Q),
        ),
        Step(
            "gibbs-kl-as-sum",
            "The divergence as a sum of nonnegative terms",
            sp.Eq(KL(p[y], q[y]), GAP_SUM, evaluate=False),
            prose("For the equality case, adding the vanishing sum of ", q[y] - p[y],
                  " writes the divergence as a sum of the nonnegative terms ", p[y] * g(q[y] / p[y]), ":"),
            facts=(NORM_P, NORM_Q),
        ),
        Step(
            "gibbs-equality",
            "Zero divergence forces equal distributions",
            sp.Eq(p[y], q[y], evaluate=False),
            prose("If that sum vanishes, so does each of its terms; as ", sp.Gt(p[y], 0, evaluate=False),
                  " and ", g, " vanishes only at 1, every ratio ", q[y] / p[y], " equals 1."),
            strategy=TermsVanish(LOG_LEMMA, t, q[y] / p[y], 1),
            hypotheses=(sp.Eq(GAP_SUM, 0, evaluate=False),),
            uses=("log-bound", "log-bound-equality"),
        ),
    ),
)

MAXIMIZER = Derivation(
    id="maximizer",
    title="The maximizer",
    kind="Proposition",
    context=CONTEXT,
    label="maximizer",
    statement=(
        sp.Le(Objective(p), beta * sp.log(Z), evaluate=False),
        sp.Eq(Objective(p_star), beta * sp.log(Z), evaluate=False),
        sp.Eq(p_theta[y], model.closed_form(), evaluate=False),
    ),
    statement_text=prose(
        "For every distribution ", p, " that is positive on the support, the objective is at most ",
        beta * sp.log(Z), ", it attains this value at ", p_star, ", and at no other such distribution. "
        "So the tuned model ", p_theta, ", the maximizer, is the tilted distribution:",
    ),
    intro=prose(
        "Distributions with zeros on the support, for which the objective needs the convention that "
        "a vanishing term contributes nothing, are outside what the engine checks here.",
    ),
    steps=(
        Step(
            "maximizer-bound",
            "An upper bound on the objective",
            sp.Le(Objective(p), beta * sp.log(Z), evaluate=False),
            prose(Ref("gibbs"), " at ", sp.Eq(q, p_star, evaluate=False), " and the Gibbs form of the objective give"),
            strategy=Implication(),
            given=("gibbs-inequality",),
            instantiate={q: p_star},
            facts=(DEF_P_STAR, NORM_P),
        ),
        Step(
            "maximizer-attained",
            "The bound is attained at p*",
            sp.Eq(Objective(p_star), beta * sp.log(Z), evaluate=False),
            prose("At ", p_star, " the logarithm in the objective is ", r[y] / beta - sp.log(Z),
                  " and ", p_star, " sums to one, so"),
            facts=(DEF_P_STAR, DEF_Z),
        ),
        Step(
            "maximizer-gap-vanishes",
            "A maximizer has zero divergence from p*",
            sp.Eq(GAP_SUM_STAR, 0, evaluate=False),
            prose("Conversely, let ", p, " attain the bound. By the Gibbs form its divergence from ", p_star,
                  " vanishes; written as a sum of terms as in the proof of ", Ref("gibbs"), ", this says the following."),
            strategy=Implication(),
            hypotheses=(sp.Eq(Objective(p), beta * sp.log(Z), evaluate=False),),
            facts=(DEF_P_STAR, NORM_P, FOLD_Z),
        ),
        Step(
            "maximizer-unique",
            "The maximizer is unique",
            sp.Eq(p[y], p_star[y], evaluate=False),
            prose("Each term of that sum is the weight ", p[y], ", which is positive, times the nonnegative gap ", g,
                  ", which vanishes only at 1, so every term vanishes."),
            strategy=TermsVanish(LOG_LEMMA, t, p_star[y] / p[y], 1),
            hypotheses=(sp.Eq(GAP_SUM_STAR, 0, evaluate=False),),
            uses=("log-bound", "log-bound-equality"),
        ),
        Step(
            "lagrange-stationarity",
            "Stationarity of the Lagrangian",
            sp.Eq(sp.Subs(sp.Derivative(SUMMAND, P), P, p_star[y]), beta * sp.log(Z) - beta, evaluate=False),
            prose(
                "As an independent check, the Lagrangian ", sp.Add(Objective(p), lam * (S(p[y]) - 1), evaluate=False),
                " is stationary at ", p_star, ": writing ", P, " for the value ", p[y], ", the derivative of each term "
                "of the objective at ", sp.Eq(P, p_star[y], evaluate=False), " is the same at every output, so the "
                "multiplier ", sp.Eq(lam, beta - beta * sp.log(Z), evaluate=False), " makes every partial derivative "
                "vanish:",
            ),
            strategy=Stationarity(L, p[y], lam),
            facts=(DEF_P_STAR,),
        ),
        Step(
            "lagrange-hessian",
            "The Hessian is negative definite",
            sp.Lt(sp.diff(SUMMAND, P, 2).xreplace({P: p[y]}), 0, evaluate=False),
            prose("The objective is a sum of terms that each depend on one ", p[y],
                  ", so its Hessian is diagonal, with entries"),
        ),
    ),
)

__all__ = ["OBJECTIVE", "GIBBS", "MAXIMIZER", "LOG_LEMMA", "GAP_SUM"]
