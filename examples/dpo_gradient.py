"""The gradient of the DPO loss, for a policy with one parameter.

Rafailov et al. (2023, section 4) read the gradient of the DPO loss as a weighted difference of
the scores of the preferred and the rejected response, weighted by how wrongly the implicit
reward orders them.  Here the policy is an exponential tilt of a base policy by a feature,
with a scalar parameter, so that every derivative is an honest derivative the engine can check.

``dpo-mixture check examples/dpo_gradient.py``
"""

import sympy as sp

from dpo_mixture import (
    Citation, Definition, Derivation, Differentiate, Paper, Ref, Reference, Step, Verdict, declare, prose,
)
from dpo_mixture.model import Sigmoid
from dpo_mixture.notation import support_sum

pi_0 = declare.distribution("pi_0", latex=r"\pi_{0}")
pi_ref = declare.distribution("pi_ref", latex=r"\pi_{\mathrm{ref}}")
pi_theta = declare.distribution("pi_theta", latex=r"\pi_{\theta}")
phi = declare.reward("phi", latex=r"\phi")
theta = declare.scalar("theta", latex=r"\theta")
beta = declare.temperature("beta")
A = declare.scalar("A_theta", positive=True, latex=r"A(\theta)")
s = declare.scalar("s")
y = declare.index("y")
k = declare.index("k")
y_w = declare.index("y_w")
y_l = declare.index("y_l")

DEF_A = Definition("the normalizer", A, support_sum(pi_0[k] * sp.exp(theta * phi[k]), k))
DEF_POLICY = Definition("the policy", pi_theta[y], pi_0[y] * sp.exp(theta * phi[y]) / A)
CONTEXT = (DEF_A, DEF_POLICY)


def implicit(i: sp.Symbol) -> sp.Expr:
    """DPO's implicit reward ``beta log(pi_theta(i)/pi_ref(i))``."""
    return beta * sp.log(pi_theta[i] / pi_ref[i])


MARGIN = implicit(y_w) - implicit(y_l)
LOSS = -sp.log(Sigmoid(MARGIN))
SCORE_GAP = phi[y_w] - phi[y_l]
MEAN_FEATURE = support_sum(pi_theta[k] * phi[k], k)

GRADIENT = Derivation(
    id="gradient",
    title="The gradient of the DPO loss",
    kind="Proposition",
    label="gradient",
    context=CONTEXT,
    statement=(sp.Eq(sp.Derivative(LOSS, theta), -beta * Sigmoid(implicit(y_l) - implicit(y_w)) * SCORE_GAP),),
    statement_text=prose(
        "For one comparison in which ", y_w, " is preferred to ", y_l, ", the derivative of the DPO loss in the "
        "parameter is the difference of the two scores, scaled by ", beta, " and by the logistic function of the "
        "implicit reward of the rejected response minus that of the preferred one:",
    ),
    intro=prose(
        "Let a base policy ", pi_0, " and a real feature ", phi[y], " of the responses define the policy ",
        sp.Eq(pi_theta[y], DEF_POLICY.expr, evaluate=False), " with the normalizer ",
        sp.Eq(A, DEF_A.expr, evaluate=False), " and the real parameter ", theta, ". The DPO loss of a comparison ",
        Citation("rafailov2023"), " is ", sp.Eq(sp.Symbol(r"\ell(\theta)"), LOSS, evaluate=False),
        " in terms of the implicit rewards of the two responses.",
    ),
    steps=(
        Step(
            "score", "The score of the tilted policy",
            sp.Eq(sp.Derivative(sp.log(pi_theta[y]), theta), phi[y] - MEAN_FEATURE),
            prose("The log-probability of a response is ", theta * phi[y], " plus terms free of the parameter, "
                  "less the normalizer ", sp.log(A), ", whose derivative is the mean feature under the policy:"),
            strategy=Differentiate(),
        ),
        Step(
            "margin-derivative", "The margin moves with the score difference",
            sp.Eq(sp.Derivative(MARGIN, theta), beta * SCORE_GAP),
            prose("The normalizer is common to both responses, so the derivative of the margin is free of it:"),
            strategy=Differentiate(),
        ),
        Step(
            "loss-derivative-in-margin", "The loss is decreasing in the margin",
            sp.Eq(sp.Derivative(-sp.log(Sigmoid(s)), s), -Sigmoid(-s)),
            prose("As a function of the margin ", s, ", the loss has the derivative"),
            strategy=Differentiate(),
        ),
        Step(
            "dpo-gradient", "The chain rule",
            sp.Eq(sp.Derivative(LOSS, theta), -beta * Sigmoid(implicit(y_l) - implicit(y_w)) * SCORE_GAP),
            prose("and the chain rule gives the gradient:"),
            strategy=Differentiate(),
        ),
    ),
    outro=prose(
        "The weight ", Sigmoid(implicit(y_l) - implicit(y_w)), " is close to one when the implicit reward ranks the "
        "pair the wrong way round and close to zero when it already ranks it correctly by a wide margin, so a "
        "gradient step moves the parameter mostly on the comparisons the model gets wrong.",
    ),
)

FLIPPED = Derivation(
    id="flipped-weight",
    title="A slip: the weight with the wrong sign",
    kind="Section",
    context=CONTEXT,
    intro=prose(
        "Swapping the two implicit rewards in the weight gives a gradient that concentrates on the comparisons "
        "the model already gets right, the opposite of ", Ref("gradient"), ". Written out, it claims",
    ),
    steps=(
        Step(
            "weight-flipped", "The gradient with the weight flipped",
            sp.Eq(sp.Derivative(LOSS, theta), -beta * Sigmoid(MARGIN) * SCORE_GAP),
            prose(""),
            strategy=Differentiate(),
            expected=Verdict.REFUTED,
        ),
    ),
    outro=prose(
        "which the engine refutes with the instance in the table: the two weights agree only when the margin "
        "vanishes.",
    ),
)

DERIVATIONS = (GRADIENT, FLIPPED)

PAPER = Paper(
    title="The gradient of the DPO loss, checked by machine",
    authors=("dpo-mixture examples",),
    abstract=prose(
        "For a policy that tilts a base policy by a feature with one parameter, we check by machine that the "
        "derivative of the DPO loss of a comparison is the difference of the scores of the two responses, "
        "weighted by the logistic function of how badly the implicit reward orders them. The same computation "
        "with the weight's argument negated is refuted by a counterexample the engine finds.",
    ),
    introduction=(
        prose(
            "Direct preference optimization ", Citation("rafailov2023"), " trains a policy on comparisons with a "
            "logistic loss of the difference of implicit rewards. Its gradient explains what the loss does: it "
            "raises the log-probability of the preferred response and lowers that of the rejected one, more "
            "strongly when the current model orders the pair wrongly.",
        ),
        prose(
            "The derivatives below are taken in a single parameter ", theta, " of an exponential family, which "
            "keeps every quantity a finite sum that the dpo-mixture engine differentiates exactly. ",
            Ref("gradient"), " is the result.",
        ),
    ),
    references=(
        Reference(
            "rafailov2023",
            "Rafael Rafailov, Archit Sharma, Eric Mitchell, Stefano Ermon, Christopher D. Manning, Chelsea Finn",
            "Direct preference optimization: your language model is secretly a reward model",
            "Advances in Neural Information Processing Systems 36", "2023",
        ),
    ),
    tags=("dpo", "gradient", "preference-learning"),
    stem="dpo_gradient",
)
