"""DPO, appendix A.2-A.3: under Bradley-Terry (and Plackett-Luce) the partition function cancels.

The optimal policy of the KL-regularized objective determines the reward up to a term that
depends on the prompt only, ``beta log Z``.  A preference model that only sees reward
*differences* cannot see that term, so the likelihood of the preferences becomes a function of
the policy alone: the DPO loss.  The module states each step with its own declarations and
cites the logistic identities of the package's library.

``dpo-mixture check examples/bradley_terry.py``
"""

import sympy as sp

from dpo_mixture import (
    Certificate, Citation, Definition, Derivation, Paper, Ref, Reference, Step, Verdict, declare, prose,
)
from dpo_mixture.derivations import library as lib
from dpo_mixture.model import Sigmoid
from dpo_mixture.notation import support_sum

pi_ref = declare.distribution("pi_ref", latex=r"\pi_{\mathrm{ref}}")
pi_star = declare.distribution("pi_star", latex=r"\pi^{*}")
r = declare.reward("r")
beta = declare.temperature("beta")
Z = declare.scalar("Z", positive=True)
y = declare.index("y")
k = declare.index("k")
y_w = declare.index("y_w")  # the preferred response of a comparison
y_l = declare.index("y_l")  # the rejected one
y_1, y_2, y_3 = (declare.index(f"y_{i}") for i in (1, 2, 3))  # a ranking of three responses

DEF_Z = Definition("the partition function", Z, support_sum(pi_ref[k] * sp.exp(r[k] / beta), k))
DEF_STAR = Definition("the optimal policy", pi_star[y], pi_ref[y] * sp.exp(r[y] / beta) / Z)


def implicit(i: sp.Symbol) -> sp.Expr:
    """``beta log(pi*(i)/pi_ref(i))``: the reward the optimal policy implies, without ``beta log Z``."""
    return beta * sp.log(pi_star[i] / pi_ref[i])


def bradley_terry(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """The probability that the response with reward ``a`` beats the one with reward ``b``."""
    return sp.exp(a) / (sp.exp(a) + sp.exp(b))


def plackett_luce(*weights: sp.Expr) -> sp.Expr:
    """The probability of a ranking, best first, of responses with these positive weights
    (the exponentials of their rewards)."""
    out = sp.Integer(1)
    for i in range(len(weights) - 1):
        out *= weights[i] / sum(weights[i:])
    return out


def ratio(i: sp.Symbol) -> sp.Expr:
    """``(pi*(i)/pi_ref(i))^beta``: the exponential of the implicit reward."""
    return (pi_star[i] / pi_ref[i]) ** beta


MARGIN = implicit(y_w) - implicit(y_l)
PREFERENCE = bradley_terry(r[y_w], r[y_l])

CANCELLATION = Derivation(
    id="cancellation",
    title="The partition function cancels",
    kind="Proposition",
    label="cancellation",
    context=(DEF_Z, DEF_STAR),
    statement=(sp.Eq(PREFERENCE, Sigmoid(MARGIN)),),
    statement_text=prose(
        "If the preferences follow the Bradley-Terry model with reward ", r, ", and ", pi_star,
        " is the optimal policy for that reward, then the probability that ", y_w, " is preferred to ", y_l,
        " depends on the policies only:",
    ),
    intro=prose(
        "As in the appendix of ", Citation("rafailov2023"), ", let ", sp.Eq(pi_star[y], DEF_STAR.expr, evaluate=False),
        " be the maximizer of the KL-regularized objective, with ", sp.Eq(Z, DEF_Z.expr, evaluate=False),
        ". A comparison shows two responses to the same prompt; ", y_w, " is the one preferred and ", y_l,
        " the one rejected.",
    ),
    steps=(
        Step(
            "reward-from-policy", "The reward through the optimal policy",
            sp.Eq(r[y], implicit(y) + beta * sp.log(Z)),
            prose("Taking logarithms in the closed form and solving for the reward gives, at every response,"),
            facts=(DEF_STAR,),
        ),
        Step(
            "bradley-terry-sigmoid", "A Bradley-Terry probability is a logistic function of the difference",
            sp.Eq(PREFERENCE, Sigmoid(r[y_w] - r[y_l])),
            prose("The Bradley-Terry model ", Citation("bradley1952"), " makes the preference a logistic function "
                  "of the reward difference; this is the library's identity with ", sp.Eq(lib.a, r[y_w], evaluate=False),
                  " and ", sp.Eq(lib.b, r[y_l], evaluate=False), ":"),
            strategy=Certificate((1,)),
            given=("lib.bradley-terry",),
            instantiate={lib.a: r[y_w], lib.b: r[y_l]},
        ),
        Step(
            "difference-cancels", "The reward difference does not involve Z",
            sp.Eq(r[y_w] - r[y_l], MARGIN),
            prose("Both responses answer the same prompt, so the term ", beta * sp.log(Z),
                  " is the same for both and drops out of the difference:"),
            facts=(DEF_STAR,),
        ),
        Step(
            "preference-through-policy", "The preference probability through the optimal policy",
            sp.Eq(PREFERENCE, Sigmoid(MARGIN)),
            prose("Substituting the difference into the logistic function,"),
            facts=(DEF_STAR,),
        ),
        Step(
            "plackett-luce", "The same cancellation for a ranking",
            sp.Eq(plackett_luce(*(sp.exp(r[i]) for i in (y_1, y_2, y_3))),
                  plackett_luce(*(ratio(i) for i in (y_1, y_2, y_3)))),
            prose("The Plackett-Luce model ", Citation("plackett1975"), " of a full ranking ",
                  y_1, ", ", y_2, ", ", y_3, ", best first, is a product of such ratios of exponentials, and each "
                  "ratio loses the common factor ", Z ** beta, " in the same way. With ", y, " in place of each response, the "
                  "weight ", sp.exp(r[y]), " becomes ", ratio(y), ":"),
            facts=(DEF_STAR,),
        ),
    ),
)

LOSS = Derivation(
    id="loss",
    title="The DPO loss",
    kind="Section",
    context=(DEF_Z, DEF_STAR),
    intro=prose(
        "Maximum likelihood on a data set of comparisons minimizes the average of the negative logarithm of ",
        Ref("cancellation"), ". DPO replaces the optimal policy by the policy being trained, so that the reward "
        "is never fitted on its own.",
    ),
    steps=(
        Step(
            "negative-log-likelihood", "The loss of one comparison is a softplus of the margin",
            sp.Eq(-sp.log(Sigmoid(MARGIN)), sp.log(1 + sp.exp(-MARGIN))),
            prose("For one comparison the negative log-likelihood is the softplus of the negated margin, by the "
                  "library's identity for the logarithm of the logistic function:"),
            strategy=Certificate((1,)),
            given=("lib.logsigmoid",),
            instantiate={lib.x: MARGIN},
        ),
    ),
)

FORGOTTEN_SCALE = Derivation(
    id="forgotten-scale",
    title="A slip: the temperature dropped",
    kind="Section",
    context=(DEF_Z, DEF_STAR),
    intro=prose(
        "The log-ratios enter the margin multiplied by the temperature. A version without that factor is a "
        "common slip when the loss is written from memory.",
    ),
    steps=(
        Step(
            "margin-without-temperature", "The preference with the temperature left out",
            sp.Eq(PREFERENCE, Sigmoid(MARGIN / beta)),
            prose("It states"),
            facts=(DEF_STAR,),
            expected=Verdict.REFUTED,
        ),
    ),
    outro=prose(
        "and the engine refutes it with the instance in the table: the two sides agree only where ",
        sp.Eq(beta, 1, evaluate=False), " or the margin vanishes.",
    ),
)

DERIVATIONS = (CANCELLATION, LOSS, FORGOTTEN_SCALE)

PAPER = Paper(
    title="Why the partition function cancels in the DPO loss",
    authors=("dpo-mixture examples",),
    abstract=prose(
        "The optimal policy of KL-regularized reward maximization fixes the reward only up to the prompt-dependent "
        "term ", beta * sp.log(Z), ". We check by machine that the Bradley-Terry probability of a preference, and "
        "the Plackett-Luce probability of a ranking, do not depend on that term, so that the likelihood of "
        "preference data is a function of the policy alone: the DPO loss. A version of the loss with the "
        "temperature left out is refuted by a counterexample found by the engine.",
    ),
    introduction=(
        prose(
            "The step that turns reward modelling into direct preference optimization ", Citation("rafailov2023"),
            " is an algebraic cancellation. It is easy to state and easy to get subtly wrong, for instance by "
            "losing the temperature or by forgetting that the two responses of a comparison must share a prompt.",
        ),
        prose(
            "This note states the cancellation as SymPy relations and lets the dpo-mixture engine decide each "
            "one. ", Ref("cancellation"), " is the Bradley-Terry case, followed by the same cancellation for a "
            "ranking of three responses and by the loss.",
        ),
    ),
    references=(
        Reference(
            "rafailov2023",
            "Rafael Rafailov, Archit Sharma, Eric Mitchell, Stefano Ermon, Christopher D. Manning, Chelsea Finn",
            "Direct preference optimization: your language model is secretly a reward model",
            "Advances in Neural Information Processing Systems 36", "2023",
        ),
        Reference("bradley1952", "Ralph Allan Bradley, Milton E. Terry",
                  "Rank analysis of incomplete block designs. I. The method of paired comparisons",
                  "Biometrika 39(3/4), 324-345", "1952"),
        Reference("plackett1975", "Robin L. Plackett", "The analysis of permutations",
                  "Journal of the Royal Statistical Society, Series C 24(2), 193-202", "1975"),
    ),
    tags=("dpo", "bradley-terry", "preference-learning"),
    stem="bradley_terry",
)
