"""The KL-regularized objective, its Gibbs rewrite, Gibbs' inequality and the maximizer."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import Z, beta, lam, p, p_ref, p_star, p_theta, q, r, support_sum, t, y
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

from .facts import DEF_P_STAR, DEF_P_THETA, DEF_Z, NORM_P, NORM_Q

CONTEXT = (DEF_Z, DEF_P_STAR, DEF_P_THETA)

S = support_sum
L = model.objective(p[y])
LOG_LEMMA = t - 1 - sp.log(t)  # g(t) = t - 1 - log t, nonnegative on t > 0
P = sp.Symbol("P", positive=True)  # the value p(y) at one output, for calculus
SUMMAND = separable_summand(L, y).xreplace({p[y]: P})  # the objective's term at one output

OBJECTIVE = Derivation(
    id="objective",
    title="The objective and its Gibbs form",
    kind="Section",
    context=CONTEXT,
    statement=(sp.Eq(sp.Symbol(r"\mathcal{L}(p)"), L, evaluate=False),),
    intro=(
        "Fix a prompt $x$ and let $y$ range over the finite support of the reference model, "
        "$y = 1, \\dots, n$. Preference tuning with a KL penalty chooses a distribution $p$ "
        "that trades expected reward against divergence from $p_{\\mathrm{ref}}$, with "
        "temperature $\\beta > 0$. The objective below is the one the analysis assumes."
    ),
    steps=(
        Step(
            "objective-log-form",
            "Reward as a logarithm",
            sp.Eq(L, beta * S(p[y] * (sp.log(sp.exp(r[y] / beta)) - sp.log(p[y] / p_ref[y])))),
            "Write each reward as the logarithm of its exponential and factor out beta.",
        ),
        Step(
            "gibbs-rewrite",
            "Gibbs rewrite of the objective",
            sp.Eq(L, -beta * model.kl(p[y], p_star[y]) + beta * sp.log(Z)),
            "Expand the logarithms of the tilted distribution and use that p sums to one.",
            chain=(-beta * S(p[y] * sp.log(p[y] / model.closed_form())) + beta * sp.log(Z),),
            facts=(DEF_P_STAR, NORM_P),
        ),
        Step(
            "pstar-positive",
            "The tilted distribution is positive",
            sp.Gt(p_star[y], 0, evaluate=False),
            "Every factor is positive on the support.",
            facts=(DEF_P_STAR, DEF_Z),
        ),
        Step(
            "pstar-normalized",
            "The tilted distribution sums to one",
            sp.Eq(S(p_star[y]), 1),
            "Z is exactly the sum of the numerators.",
            facts=(DEF_P_STAR, DEF_Z),
        ),
    ),
)

GIBBS = Derivation(
    id="gibbs",
    title="Gibbs' inequality",
    kind="Lemma",
    label="gibbs",
    statement=(sp.Ge(model.kl(p[y], q[y]), 0),),
    statement_text="For distributions $p$ and $q$ that are positive on the support, the divergence is nonnegative, and it vanishes only when $p = q$.",
    intro="The proof needs nothing beyond the elementary bound on the logarithm, which the engine checks by calculus.",
    steps=(
        Step(
            "log-bound",
            "The logarithm lies below its tangent at 1",
            sp.Le(sp.log(t), t - 1),
            "The gap is convex in t with its only critical point at t = 1, where it vanishes.",
            strategy=ConvexMinimum(t),
        ),
        Step(
            "log-bound-equality",
            "Equality in the logarithm bound only at 1",
            sp.Eq(t, 1),
            "A strictly convex gap with minimum value 0 has a single zero.",
            strategy=ConvexMinimum(t, equality=True),
            hypotheses=(sp.Eq(sp.log(t), t - 1),),
        ),
        Step(
            "gibbs-termwise",
            "Apply the bound to every term",
            sp.Le(S(p[y] * sp.log(q[y] / p[y])), S(p[y] * (q[y] / p[y] - 1))),
            "Use the logarithm bound at t = q(y)/p(y) and multiply by p(y) > 0.",
            strategy=Termwise(LOG_LEMMA, t, q[y] / p[y]),
            uses=("log-bound",),
        ),
        Step(
            "gibbs-sum",
            "The linear bound sums to zero",
            sp.Le(S(p[y] * (q[y] / p[y] - 1)), 0),
            "Both distributions sum to one over the support.",
            chain=(S(q[y]) - S(p[y]),),
            facts=(NORM_P, NORM_Q),
        ),
        Step(
            "gibbs-inequality",
            "Gibbs' inequality",
            sp.Ge(model.kl(p[y], q[y]), 0),
            "Chain the two previous steps.",
            strategy=Implication(),
            given=("gibbs-termwise", "gibbs-sum"),
            facts=(NORM_P, NORM_Q),
        ),
        Step(
            "gibbs-kl-as-sum",
            "The divergence as a sum of nonnegative terms",
            sp.Eq(model.kl(p[y], q[y]), S(p[y] * LOG_LEMMA.xreplace({t: q[y] / p[y]}))),
            "Add the zero sum of q - p to the divergence.",
            facts=(NORM_P, NORM_Q),
        ),
        Step(
            "gibbs-equality",
            "Zero divergence forces equal distributions",
            sp.Eq(p[y], q[y]),
            "Each term is p(y) > 0 times the nonnegative logarithm gap, so all vanish; the gap is zero only at q(y)/p(y) = 1.",
            strategy=TermsVanish(LOG_LEMMA, t, q[y] / p[y], 1),
            hypotheses=(sp.Eq(S(p[y] * LOG_LEMMA.xreplace({t: q[y] / p[y]})), 0),),
            uses=("log-bound", "log-bound-equality"),
        ),
    ),
)

MAXIMIZER = Derivation(
    id="maximizer",
    title="The maximizer and an independent cross-check",
    kind="Proposition",
    context=CONTEXT,
    label="maximizer",
    statement=(sp.Le(L, beta * sp.log(Z)), sp.Eq(p_theta[y], model.closed_form())),
    statement_text=(
        "The objective never exceeds $\\beta \\log Z(x)$, it attains that value at the tilted "
        "distribution $p^{*}$, and by the equality case of Gibbs' inequality at nothing else; "
        "so the tuned model is $p_\\theta = p^{*}$."
    ),
    steps=(
        Step(
            "maximizer-bound",
            "An upper bound on the objective",
            sp.Le(L, beta * sp.log(Z)),
            "Gibbs' inequality at q = p*, together with the Gibbs rewrite.",
            strategy=Implication(),
            given=("gibbs-inequality",),
            instantiate={q: p_star},
            facts=(DEF_P_STAR, NORM_P),
        ),
        Step(
            "maximizer-attained",
            "The bound is attained at p*",
            sp.Eq(model.objective(p_star[y]), beta * sp.log(Z)),
            "Substitute p* and use the definition of Z.",
            facts=(DEF_P_STAR, DEF_Z),
        ),
        Step(
            "lagrange-stationarity",
            "Stationarity of the Lagrangian",
            sp.Eq(sp.Subs(sp.Derivative(SUMMAND, P), P, p_star[y]), beta * sp.log(Z) - beta),
            "At p = p* the derivative of each term in p(y) is the same at every output, so the Lagrangian "
            "with the matching multiplier is stationary there.",
            strategy=Stationarity(L, p[y], lam),
            facts=(DEF_P_STAR,),
        ),
        Step(
            "lagrange-hessian",
            "The Hessian is negative definite",
            sp.Lt(sp.diff(SUMMAND, P, 2).xreplace({P: p[y]}), 0, evaluate=False),
            "The objective is a sum of one-variable terms, so its Hessian is diagonal; each diagonal entry is negative.",
        ),
    ),
)

__all__ = ["OBJECTIVE", "GIBBS", "MAXIMIZER"]
