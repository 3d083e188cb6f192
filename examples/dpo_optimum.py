"""DPO, appendix A.1: the policy that maximizes reward under a KL penalty.

Rafailov et al. (2023) start from the objective of KL-regularized reward maximization and show
that its maximizer is the reference policy tilted by the exponentiated reward.  This module
restates that argument with its own declarations, lets the engine decide every step, and
cites Gibbs' inequality (with its equality case) from the package's library of lemmas.

Check it with ``dpo-mixture check examples/dpo_optimum.py`` and build its note with
``dpo-mixture build examples/dpo_optimum.py --out build/dpo_optimum``.
"""

import sympy as sp

from dpo_mixture import (
    Certificate, Citation, Definition, Derivation, Identity, Implication, Paper, Ref, Reference, Step, Verdict, declare, prose,
)
from dpo_mixture.derivations import library as lib
from dpo_mixture.notation import support_sum

# --- declarations: each quantity once, with its domain and its printed name -----------------
pi = declare.distribution("pi", latex=r"\pi")
pi_ref = declare.distribution("pi_ref", latex=r"\pi_{\mathrm{ref}}")
pi_star = declare.distribution("pi_star", latex=r"\pi^{*}")  # defined below; the engine checks it is one
r = declare.reward("r")
beta = declare.temperature("beta")
Z = declare.scalar("Z", positive=True)
y = declare.index("y")
k = declare.index("k")

# --- the model: the definitions every step lives with ------------------------------------------
DEF_Z = Definition("the partition function", Z, support_sum(pi_ref[k] * sp.exp(r[k] / beta), k))
DEF_STAR = Definition("the tilted policy", pi_star[y], pi_ref[y] * sp.exp(r[y] / beta) / Z)
FOLD_Z = Identity("Z is the sum of the tilts", support_sum(pi_ref[y] * sp.exp(r[y] / beta)), Z)
SUMS_TO_ONE = Identity("pi sums to one", support_sum(pi[y]), 1)

EXPECTED_REWARD = support_sum(pi[y] * r[y])
KL_REF = support_sum(pi[y] * sp.log(pi[y] / pi_ref[y]))
KL_STAR = support_sum(pi[y] * sp.log(pi[y] / pi_star[y]))
OBJECTIVE = EXPECTED_REWARD - beta * KL_REF
#: the objective at the tilted policy, written out
OBJECTIVE_AT_STAR = support_sum(pi_star[y] * r[y]) - beta * support_sum(pi_star[y] * sp.log(pi_star[y] / pi_ref[y]))
GAP = lib.t - 1 - sp.log(lib.t)  # the gap of the logarithm's tangent bound
GAP_SUM = support_sum(pi[y] * GAP.xreplace({lib.t: pi_star[y] / pi[y]}))

OPTIMUM = Derivation(
    id="optimum",
    title="The maximizer of the regularized objective",
    kind="Proposition",
    label="optimum",
    context=(DEF_Z, DEF_STAR),
    statement=(sp.Le(OBJECTIVE, beta * sp.log(Z)), sp.Eq(OBJECTIVE_AT_STAR, beta * sp.log(Z))),
    statement_text=prose(
        "For every policy ", pi, " that is positive on the support, the regularized objective is at most ",
        beta * sp.log(Z), "; the tilted policy ", pi_star, " attains that value, and no other policy does:",
    ),
    intro=prose(
        "Fix a prompt. The policy ", pi, " and the reference policy ", pi_ref, " are distributions over a "
        "finite set of responses, a reward ", r[y], " scores each response, and ", sp.Gt(beta, 0, evaluate=False),
        " sets the price of moving away from the reference. Write ",
        sp.Eq(Z, DEF_Z.expr, evaluate=False), " for the partition function and ",
        sp.Eq(pi_star[y], DEF_STAR.expr, evaluate=False), " for the tilted policy.",
    ),
    steps=(
        Step(
            "tilted-positive", "The tilted policy is positive",
            sp.Gt(pi_star[y], 0, evaluate=False),
            prose("Every factor of ", pi_star[y], " is positive, so"),
            facts=(DEF_STAR, DEF_Z),
        ),
        Step(
            "tilted-normalized", "The tilted policy sums to one",
            sp.Eq(support_sum(pi_star[y]), 1),
            prose("and its numerators add up to ", Z, ", so it is a distribution:"),
            facts=(DEF_STAR, DEF_Z),
        ),
        Step(
            "objective-as-divergence", "The objective is a divergence from the tilted policy",
            sp.Eq(OBJECTIVE, beta * sp.log(Z) - beta * KL_STAR),
            prose("Write each reward as ", beta, " times the logarithm of its tilt and use ",
                  sp.Eq(support_sum(pi[y]), 1, evaluate=False), "; the objective becomes a constant minus a "
                  "divergence:"),
            chain=(-beta * support_sum(pi[y] * (sp.log(pi[y] / pi_ref[y]) - r[y] / beta)),),
            facts=(DEF_STAR, SUMS_TO_ONE),
        ),
        Step(
            "divergence-nonnegative", "Gibbs' inequality at the tilted policy",
            sp.Ge(KL_STAR, 0),
            prose("Gibbs' inequality ", Citation("cover2006"), ", proved in the package's library, applies to ",
                  pi, " and ", pi_star, ":"),
            strategy=Certificate((1,)),
            given=("lib.gibbs",),
            instantiate={lib.w: pi, lib.v: pi_star},
        ),
        Step(
            "objective-bound", "The objective is at most beta log Z",
            sp.Le(OBJECTIVE, beta * sp.log(Z)),
            prose("Together with the previous display this bounds the objective of every policy:"),
            strategy=Certificate((-1, beta)),
            given=("objective-as-divergence", "divergence-nonnegative"),
        ),
        Step(
            "bound-attained", "The tilted policy attains the bound",
            sp.Eq(OBJECTIVE_AT_STAR, beta * sp.log(Z)),
            prose("At ", pi_star, " the log-ratio is ", r[y] / beta - sp.log(Z), " at every response, and ",
                  pi_star, " sums to one, so"),
            facts=(DEF_STAR, DEF_Z),
        ),
        Step(
            "maximizer-gap", "A maximizer leaves no gap",
            sp.Eq(GAP_SUM, 0),
            prose("Conversely, suppose ", pi, " attains the bound. Adding the vanishing sum of ",
                  pi_star[y] - pi[y], " to its divergence from ", pi_star, " writes that divergence as a "
                  "sum of the nonnegative gaps of the bound ", sp.Le(sp.log(lib.t), lib.t - 1), ", which therefore "
                  "add up to zero:"),
            strategy=Implication(),
            hypotheses=(sp.Eq(OBJECTIVE, beta * sp.log(Z)),),
            facts=(DEF_STAR, SUMS_TO_ONE, FOLD_Z),
        ),
        Step(
            "maximizer-unique", "The maximizer is unique",
            sp.Eq(pi[y], pi_star[y]),
            prose("The equality case of Gibbs' inequality then gives ", pi, " equal to ", pi_star,
                  " at every response:"),
            strategy=Implication(),
            hypotheses=(sp.Eq(GAP_SUM, 0),),
            given=("lib.gibbs-equality",),
            instantiate={lib.w: pi, lib.v: pi_star},
        ),
    ),
    outro=prose(
        "So the maximizer of the objective is ", pi_star, ", the reference policy reweighted by ",
        sp.exp(r[y] / beta), " and renormalized.",
    ),
)

SHORTCUT = Derivation(
    id="shortcut",
    title="A shortcut that fails",
    kind="Section",
    context=(DEF_Z, DEF_STAR),
    intro=prose(
        "At ", sp.Eq(pi, pi_ref, evaluate=False), " the penalty vanishes, and it is tempting to read the optimal "
        "value off the reference policy, as its mean reward. The engine checks that reading like any other step.",
    ),
    steps=(
        Step(
            "optimum-is-reference-reward", "The optimal value as the reference's mean reward",
            sp.Eq(beta * sp.log(Z), support_sum(pi_ref[y] * r[y])),
            prose("The claim reads"),
            facts=(DEF_Z,),
            expected=Verdict.REFUTED,
        ),
    ),
    outro=prose(
        "The search refutes it with the instance in the table. The reason is ", Ref("optimum"), ": the reference "
        "policy is not the maximizer, so its objective, which is its mean reward, lies below ", beta * sp.log(Z),
        " unless the reward is constant on the support.",
    ),
)

DERIVATIONS = (OPTIMUM, SHORTCUT)

PAPER = Paper(
    title="The optimum of KL-regularized reward maximization",
    authors=("dpo-mixture examples",),
    abstract=prose(
        "We check by machine the first step of direct preference optimization: among all policies, the one that "
        "maximizes the expected reward minus ", beta, " times the divergence from a reference policy is the "
        "reference tilted by the exponentiated reward, and the optimal value is ", beta * sp.log(Z), ". "
        "The proof is Gibbs' inequality, cited from the package's library of proved lemmas. A deliberately "
        "wrong shortcut is refuted by a counterexample that the engine finds on its own.",
    ),
    introduction=(
        prose(
            "Direct preference optimization ", Citation("rafailov2023"), " rests on a closed form for the policy "
            "that maximizes reward under a divergence penalty, derived in the appendix of that paper and known "
            "much earlier from the Gibbs variational principle. The argument is short, and each of its steps is "
            "the kind a reader checks in the head and occasionally gets wrong.",
        ),
        prose(
            "Here every step is a SymPy relation decided by the dpo-mixture engine: *proved* when its proof "
            "kernel accepts a certificate, *refuted* when its search finds a certified counterexample. ",
            Ref("optimum"), " is the result; the appendix lists every verdict.",
        ),
    ),
    references=(
        Reference(
            "rafailov2023",
            "Rafael Rafailov, Archit Sharma, Eric Mitchell, Stefano Ermon, Christopher D. Manning, Chelsea Finn",
            "Direct preference optimization: your language model is secretly a reward model",
            "Advances in Neural Information Processing Systems 36", "2023",
        ),
        Reference("cover2006", "Thomas M. Cover, Joy A. Thomas", "Elements of Information Theory",
                  "2nd edition, Wiley", "2006"),
    ),
    tags=("dpo", "rlhf", "kl-divergence"),
    stem="dpo_optimum",
)
