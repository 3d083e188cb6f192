"""False statements an adversarial review once got reported as proved, hidden from the audit by a
hypothesis the search never draws (alpha = 1/997).  Each is false; none may come back proved."""
import sympy as sp
from dpo_mixture.proof import Derivation, Step
from dpo_mixture.notation import r, p, q, p_ref, p_A, p_U, alpha, beta, n, k, y, Domain, support_sum
from dpo_mixture.proof import (Certificate, ConvexMinimum, Definition, Differentiate, Identity, LimitOf,
                               TermsVanish)

RARE = sp.Eq(alpha, sp.Rational(1, 997))     # satisfiable, but never drawn by the search
j = sp.Symbol("j", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
x = sp.Symbol("x", real=True)
W = sp.Symbol("W")
s = sp.Symbol("s")

# F1: a step-local abbreviation becomes a universally quantified lemma variable
F1 = Derivation("f1", "fresh abbreviation", (
    Step("f1-abbrev", "W := 1", sp.Eq(W, 1, evaluate=False), "def", facts=(Definition("W := 1", W, sp.Integer(1)),), search_samples=60),
    Step("f1-bad", "beta = 1", sp.Eq(beta, 1, evaluate=False), "instance", given=("f1-abbrev",), instantiate={W: beta},
         hypotheses=(RARE,), strategy=Certificate((0, 1)), search_samples=60),
))

# F2: bound-index capture in the sum normal form
F2 = Derivation("f2", "capture", (
    Step("f2-bad", "capture", sp.Eq(sp.Sum(r[k] * sp.Sum(sp.exp(r[j] * r[k]), (j, 1, n)), (k, 1, n)),
                                     sp.Sum(r[k], (k, 1, n)) * sp.Sum(sp.exp(r[k] ** 2), (k, 1, n))),
         "normal form", hypotheses=(RARE,), search_samples=60),
))

# F3: convexity rule with a Piecewise (jump) function
F3 = Derivation("f3", "piecewise", (
    Step("f3-bad", "a jump function is nonnegative", sp.Ge(sp.Piecewise((x**2, x < 1), (x**2 - 5, True)), 0), "convex",
         strategy=ConvexMinimum(x), search_samples=60),
    Step("f3-bad-deriv", "derivative across a jump", sp.Eq(sp.Derivative(sp.Piecewise((x, x < 0), (x + 1, True)), x), 1),
         "differentiate", strategy=Differentiate(), search_samples=60),
))

# F4: lemma instance: indexed value substituted before the scalar value (sequential, not simultaneous)
F4 = Derivation("f4", "instance order", (
    Step("f4-lemma", "q positive", sp.Gt(q[y] + alpha, alpha, evaluate=False), "q is a distribution",
         domains={alpha: Domain.REAL}, search_samples=60),
    Step("f4-bad", "5 p > 4 p_ref", sp.Gt(5 * p[y] - 4 * p_ref[y], 0), "instance", given=("f4-lemma",),
         instantiate={q: sp.Lambda(i, alpha * p[i] + (1 - alpha) * p_ref[i]), alpha: 5},
         hypotheses=(sp.Eq(beta, sp.Rational(1, 997)),), strategy=Certificate((0, 1)), search_samples=60),
))

# F5: vanishing rule ignores the range of the hypothesis' sum
F5 = Derivation("f5", "vanishing", (
    Step("f5-sq", "squares", sp.Ge(x**2, 0, evaluate=False), "even power", search_samples=60),
    Step("f5-sq0", "zero square", sp.Eq(x, 0), "convex", hypotheses=(sp.Eq(x**2, 0),),
         strategy=ConvexMinimum(x, equality=True), search_samples=60),
    Step("f5-bad", "every reward vanishes", sp.Eq(r[y], 0), "vanishing",
         hypotheses=(sp.Eq(sp.Sum(r[k]**2, (k, 1, 1)), 0), RARE),
         uses=("f5-sq", "f5-sq0"), strategy=TermsVanish(x**2, x, r[y], 0), search_samples=60),
))

# F6: a declared distribution whose (support-defining) definition does not sum to one
DEF_BAD = Definition("p_ref := p_A + p_U", p_ref[y], p_A[y] + p_U[y])
S = support_sum(p_ref[k], k)
F6 = Derivation("f6", "support definition", (
    Step("f6-one", "p_ref sums to one", sp.Eq(S, 1), "declared", hypotheses=(RARE,),
         facts=(Identity("normalization of p_ref", support_sum(p_ref[y]), 1),), search_samples=60),
    Step("f6-two", "p_ref sums to two", sp.Eq(S, 2), "unfold",
         facts=(DEF_BAD, Identity("normalization of p_A", support_sum(p_A[y]), 1),
                Identity("normalization of p_U", support_sum(p_U[y]), 1)), search_samples=60),
    Step("f6-bad", "beta <= 0", sp.Le(beta, 0, evaluate=False), "combine", given=("f6-one", "f6-two"),
         strategy=Certificate((0, -beta, beta)), search_samples=60),
), context=(DEF_BAD,))

# F7: sums whose range starts below 1: the bound index is treated as a positive output
F7 = Derivation("f7", "ranges", (
    Step("f7-bad", "sum of -5..n is positive", sp.Gt(sp.Sum(k, (k, -5, n)), 0, evaluate=False), "signs",
         hypotheses=(RARE,), search_samples=60),
    Step("f7-undefined", "1/k summed from 0", sp.Gt(sp.Sum(1 / k, (k, 0, n)), 0, evaluate=False), "signs", search_samples=60),
))

# F8: limit rule substitutes a hypothesis on an abbreviation that depends on the limit variable
F8 = Derivation("f8", "limit", (
    Step("f8-bad", "lim s*beta = 0", sp.Eq(sp.Limit(s * beta, beta, 0, "+"), 0), "limit", strategy=LimitOf(),
         facts=(Definition("s := 1/beta", s, 1 / beta),), hypotheses=(sp.Lt(s, 2),), search_samples=60),
))
