"""The library of standard lemmas: each one a step proved by the engine, never assumed.

A step of any module cites a lemma by its id (``lib.gibbs``, ...) with ``uses=`` (a lemma in
its own variables, taken at values a strategy chooses) or ``given=`` with ``instantiate=``
(the variables replaced by the step's own quantities; the kernel checks each value lies in
the variable's domain).  The engine checks the library the first time a step cites it.

The lemmas speak of generic quantities over the support: two distributions ``w`` and ``v``
(positive), a distribution ``u`` that may vanish, real functions ``f`` and ``g``, a positive
function ``h``, and scalars ``t > 0``, ``x`` (real), ``z >= 0``, ``c > 0``.
"""

from __future__ import annotations

import sympy as sp

from dpo_mixture import declare, model
from dpo_mixture.model import RelEntr, Sigmoid, SupportMax, SupportMin
from dpo_mixture.notation import k, n, y
from dpo_mixture.render import prose
from dpo_mixture.proof import (
    Using,
    Cases,
    Certificate,
    ConvexMinimum,
    Definition,
    Derivation,
    Differentiate,
    ExtremumBound,
    Identity,
    Implication,
    Monotone,
    NormalForm,
    Step,
    TermsVanish,
    Termwise,
)


def _unevaluated(relation):
    """The relation, built without asking SymPy's assumptions whether it holds (the engine
    decides it; building it evaluated costs a third of this module's import)."""
    def build(lhs, rhs, **kwargs):
        kwargs.setdefault("evaluate", False)
        return relation(lhs, rhs, **kwargs)
    return build


Le, Ge, Lt, Gt, Eq = (_unevaluated(rel) for rel in (sp.Le, sp.Ge, sp.Lt, sp.Gt, sp.Eq))

w = declare.distribution("w")
v = declare.distribution("v")
u = declare.distribution("u", zeros=True)
f = declare.reward("f")
g = declare.reward("g")
h = declare.vector("h", positive=True)
t = declare.temperature("t")
x = declare.scalar("x")
z = declare.scalar("z", nonnegative=True)
c = declare.temperature("c")
a = declare.scalar("a")
b = declare.scalar("b")
#: abbreviations used inside proofs (defined in the derivations' contexts)
m = sp.Symbol("m_u", positive=True)  # sum_y u(y) h(y)
mu = sp.Symbol("mu_u", real=True)  # sum_y u(y) f(y)

S = lambda e, i=y: sp.Sum(e, (i, 1, n))  # noqa: E731
NORM_W = Identity("w sums to one", S(w[y]), 1)
NORM_V = Identity("v sums to one", S(v[y]), 1)
NORM_U = Identity("u sums to one", S(u[y]), 1)
LOG_GAP = t - 1 - sp.log(t)
F_MAX, F_MIN = SupportMax(f[k], k), SupportMin(f[k], k)


CALCULUS = Derivation(
    id="library-calculus",
    title="Tangent bounds of log and exp",
    kind="Lemma",
    steps=(
        Step("lib.log-bound", "log t <= t - 1", Le(sp.log(t), t - 1),
             prose("The gap ", LOG_GAP, " is convex, with its minimum ", 0, " at ", Eq(t, 1, evaluate=False), "."), strategy=ConvexMinimum(t)),
        Step("lib.log-bound-equality", "Equality only at t = 1", Eq(t, 1),
             "A strictly convex gap vanishes only at its minimum.", strategy=ConvexMinimum(t, equality=True),
             hypotheses=(Eq(sp.log(t), t - 1),)),
        Step("lib.exp-bound", "e^x >= 1 + x", Ge(sp.exp(x), 1 + x),
             prose("The gap ", sp.exp(x) - 1 - x, " is convex, with its minimum ", 0, " at ", Eq(x, 0, evaluate=False), "."), strategy=ConvexMinimum(x)),
        Step("lib.relentr-bound", "z log(z/c) >= z - c, with 0 log 0 = 0", Ge(RelEntr(z, c) - z + c, 0),
             prose("At ", Eq(z, 0, evaluate=False), " it reads ", Ge(c, 0, evaluate=False), "; for ", Gt(z, 0, evaluate=False),
                   " it is ", z, " times the logarithm bound at ", Eq(t, c / z, evaluate=False), "."),
             strategy=Cases(z, NormalForm(), Using("lib.log-bound", {t: c / z})), uses=("lib.log-bound",)),
    ),
)

GIBBS = Derivation(
    id="library-gibbs",
    title="Gibbs' inequality, with its equality case and with zeros",
    kind="Lemma",
    steps=(
        Step("lib.gibbs-termwise", "The logarithm bound at every output",
             Le(S(w[y] * sp.log(v[y] / w[y])), S(w[y] * (v[y] / w[y] - 1))),
             prose("The bound at ", Eq(t, v[y] / w[y], evaluate=False), ", times ", Gt(w[y], 0, evaluate=False), "."), strategy=Termwise(LOG_GAP, t, v[y] / w[y]), uses=("lib.log-bound",)),
        Step("lib.gibbs", "KL(w || v) >= 0", Ge(model.kl(w[y], v[y]), 0),
             "The linear bound sums to zero.", strategy=Implication(), given=("lib.gibbs-termwise",), facts=(NORM_W, NORM_V)),
        Step("lib.gibbs-equality", "KL(w || v) = 0 only for w = v", Eq(w[y], v[y]),
             "A zero sum of nonnegative terms with positive weights: every gap vanishes.",
             strategy=TermsVanish(LOG_GAP, t, v[y] / w[y], 1),
             hypotheses=(Eq(S(w[y] * LOG_GAP.xreplace({t: v[y] / w[y]})), 0),),
             uses=("lib.log-bound", "lib.log-bound-equality")),
        Step("lib.gibbs-zeros-termwise", "The bound z log(z/c) >= z - c at every output",
             Ge(model.kl_with_zeros(u[y], v[y]), S(u[y] - v[y])),
             prose("The bound at ", Eq(z, u[y], evaluate=False), " and ", Eq(c, v[y], evaluate=False), "."),
             strategy=Termwise(RelEntr(z, c) - z + c, (z, c), (u[y], v[y])), uses=("lib.relentr-bound",)),
        Step("lib.gibbs-zeros", "KL(u || v) >= 0 when u may vanish", Ge(model.kl_with_zeros(u[y], v[y]), 0),
             "Both distributions sum to one.", strategy=Implication(), given=("lib.gibbs-zeros-termwise",),
             facts=(NORM_U, NORM_V)),
    ),
)

JENSEN = Derivation(
    id="library-jensen",
    title="Jensen's inequality for log and exp on finite sums",
    kind="Lemma",
    context=(Definition("m = E_u[h]", m, S(u[k] * h[k], k)), Definition("mu = E_u[f]", mu, S(u[k] * f[k], k))),
    steps=(
        Step("lib.jensen-log-termwise", "The logarithm bound at h(y)/m",
             Le(S(u[y] * sp.log(h[y] / m)), S(u[y] * (h[y] / m - 1))),
             prose("The bound at ", Eq(t, h[y] / m, evaluate=False), ", times ", u[y], "."), strategy=Termwise(LOG_GAP, t, h[y] / m), uses=("lib.log-bound",)),
        Step("lib.jensen-log", "E_u[log h] <= log E_u[h]", Le(S(u[y] * sp.log(h[y])), sp.log(m)),
             "The linear bound sums to zero.", strategy=Implication(), given=("lib.jensen-log-termwise",),
             facts=(NORM_U, Identity("m = E_u[h]", S(u[y] * h[y]), m))),
        Step("lib.jensen-exp-termwise", "The exponential bound at f(y) - mu",
             Ge(S(u[y] * sp.exp(f[y] - mu)), S(u[y] * (1 + f[y] - mu))),
             prose("The bound at ", Eq(x, f[y] - mu, evaluate=False), ", times ", u[y], "."), strategy=Termwise(sp.exp(x) - 1 - x, x, f[y] - mu), uses=("lib.exp-bound",)),
        Step("lib.jensen-exp", "e^{E_u[f]} <= E_u[e^f]", Le(sp.exp(mu), S(u[y] * sp.exp(f[y]))),
             prose("Multiply the summed bound by ", sp.exp(mu), "."), strategy=Certificate((sp.exp(mu),)), given=("lib.jensen-exp-termwise",),
             facts=(NORM_U, Identity("mu = E_u[f]", S(u[y] * f[y]), mu))),
    ),
)

EXTREMA = Derivation(
    id="library-extrema",
    title="Bounds through the largest and smallest value",
    kind="Lemma",
    steps=(
        Step("lib.max-bound", "min f <= f(y) <= max f", sp.And(Le(F_MIN, f[y]), Le(f[y], F_MAX)),
             "An output's value lies between the extremes.", strategy=ExtremumBound(y)),
        Step("lib.exp-max-bound", "e^{f(y)} <= e^{max f}", sp.And(Le(sp.exp(F_MIN), sp.exp(f[y])), Le(sp.exp(f[y]), sp.exp(F_MAX))),
             "The exponential is increasing.", strategy=ExtremumBound(y)),
        Step("lib.mean-below-max-termwise", "Termwise", Le(S(u[y] * f[y]), S(u[y] * F_MAX)),
             prose(Ge(u[y], 0, evaluate=False), " times the bound."), strategy=Termwise(F_MAX - f[y], y, y), given=("lib.max-bound",)),
        Step("lib.mean-below-max", "E_u[f] <= max f", Le(S(u[y] * f[y]), F_MAX),
             prose("The weights ", u, " sum to one."), strategy=Certificate((1,)), given=("lib.mean-below-max-termwise",), facts=(NORM_U,)),
        Step("lib.mean-above-min-termwise", "Termwise", Ge(S(u[y] * f[y]), S(u[y] * F_MIN)),
             prose(Ge(u[y], 0, evaluate=False), " times the bound."), strategy=Termwise(f[y] - F_MIN, y, y), given=("lib.max-bound",)),
        Step("lib.mean-above-min", "E_u[f] >= min f", Ge(S(u[y] * f[y]), F_MIN),
             prose("The weights ", u, " sum to one."), strategy=Certificate((1,)), given=("lib.mean-above-min-termwise",), facts=(NORM_U,)),
        Step("lib.lse-below-max-termwise", "The tilts below the largest one", Le(S(u[y] * sp.exp(f[y])), S(u[y] * sp.exp(F_MAX))),
             prose(Ge(u[y], 0, evaluate=False), " times the bound."), strategy=Termwise(sp.exp(F_MAX) - sp.exp(f[y]), y, y), given=("lib.exp-max-bound",)),
        Step("lib.lse-below-max", "log E_u[e^f] <= max f", Le(sp.log(S(u[y] * sp.exp(f[y]))), F_MAX),
             prose("Exponentiate: ", Le(S(u[y] * sp.exp(f[y])), sp.exp(F_MAX)), ", because ", u, " sums to one."),
             strategy=Monotone("exp", Certificate((1,))), given=("lib.lse-below-max-termwise",), facts=(NORM_U,)),
        Step("lib.lse-above-min-termwise", "The tilts above the smallest one", Ge(S(u[y] * sp.exp(f[y])), S(u[y] * sp.exp(F_MIN))),
             prose(Ge(u[y], 0, evaluate=False), " times the bound."), strategy=Termwise(sp.exp(f[y]) - sp.exp(F_MIN), y, y), given=("lib.exp-max-bound",)),
        Step("lib.lse-above-min", "log E_u[e^f] >= min f", Ge(sp.log(S(u[y] * sp.exp(f[y]))), F_MIN),
             prose("Exponentiate: ", Ge(S(u[y] * sp.exp(f[y])), sp.exp(F_MIN)), ", because ", u, " sums to one."),
             strategy=Monotone("exp", Certificate((1,))), given=("lib.lse-above-min-termwise",), facts=(NORM_U,)),
        Step("lib.lse-above-mean", "log E_u[e^f] >= E_u[f]", Ge(sp.log(S(u[y] * sp.exp(f[y]))), S(u[y] * f[y])),
             "Jensen's inequality for the exponential, then take logarithms.", strategy=Monotone("exp", Certificate((1,))), given=("lib.jensen-exp",),
             facts=(Definition("mu = E_u[f]", mu, S(u[k] * f[k], k)),)),
    ),
)

SIGMOID = Derivation(
    id="library-sigmoid",
    title="The logistic function",
    kind="Lemma",
    steps=(
        Step("lib.sigmoid-complement", "sigma(x) + sigma(-x) = 1", Eq(Sigmoid(x) + Sigmoid(-x), 1),
             "Put both over one denominator."),
        Step("lib.logsigmoid", "-log sigma(x) = log(1 + e^{-x})", Eq(-sp.log(Sigmoid(x)), sp.log(1 + sp.exp(-x))),
             "The logarithm of a reciprocal."),
        Step("lib.sigmoid-derivative", "sigma'(x) = sigma(x) sigma(-x)",
             Eq(sp.Derivative(Sigmoid(x), x), Sigmoid(x) * Sigmoid(-x)),
             prose("Differentiate ", 1 / (1 + sp.exp(-x)), "."), strategy=Differentiate()),
        Step("lib.bradley-terry", "A Bradley-Terry probability is a sigmoid",
             Eq(sp.exp(a) / (sp.exp(a) + sp.exp(b)), Sigmoid(a - b)),
             prose("Divide the numerator and the denominator by ", sp.exp(a), ".")),
        Step("lib.bradley-terry-loss", "Its negative logarithm is a softplus",
             Eq(-sp.log(sp.exp(a) / (sp.exp(a) + sp.exp(b))), sp.log(1 + sp.exp(b - a))),
             "Exponentiate both sides.", strategy=Monotone("exp")),
    ),
)

VARIANCE = Derivation(
    id="library-variance",
    title="Variances and the Cauchy-Schwarz inequality",
    kind="Lemma",
    context=(Definition("mu = E_u[f]", mu, S(u[k] * f[k], k)),),
    steps=(
        Step("lib.variance-nonnegative", "Var_u[f] >= 0", Ge(model.variance(u[y], f[y]), 0, evaluate=False),
             "A sum of squares with nonnegative weights.", strategy=NormalForm(expand=False)),
        Step("lib.variance-identity", "Var_u[f] = E_u[f^2] - E_u[f]^2",
             Eq(S(u[y] * (f[y] - mu) ** 2), S(u[y] * f[y] ** 2) - mu**2),
             prose("Expand the square; ", u, " sums to one."), facts=(NORM_U, Identity("mu = E_u[f]", S(u[y] * f[y]), mu))),
    ),
)

#: Every library derivation, in the order the engine checks them.
LIBRARY = (CALCULUS, GIBBS, JENSEN, EXTREMA, SIGMOID, VARIANCE)

__all__ = ["LIBRARY", "CALCULUS", "GIBBS", "JENSEN", "EXTREMA", "SIGMOID", "VARIANCE"]
