"""DPO: the implicit reward, the cancellation of Z under Bradley-Terry, and the loss."""

from __future__ import annotations

import sympy as sp

from dpo_mixture.notation import Z, beta, p_ref, p_theta, r, y
from dpo_mixture.proof import Derivation, Step
from dpo_mixture.render import Citation, prose

from .closed_form import CONTEXT
from .facts import DEF_P_THETA
from .symbols import DataMean, ImplicitReward, Sigmoid, y_l, y_w

u = sp.Symbol("u", real=True)


def log_ratio(index: sp.Symbol) -> sp.Expr:
    """``beta log(p_theta/p_ref)`` at ``index``: DPO's implicit reward."""
    return beta * sp.log(p_theta[index] / p_ref[index])


def reparametrized(index: sp.Symbol) -> sp.Expr:
    """``beta log(p_theta/p_ref) + beta log Z`` at ``index``, built unevaluated so it prints in this order."""
    return sp.Add(log_ratio(index), beta * sp.log(Z), evaluate=False)


#: The difference of the two reparametrized rewards, with beta log Z still in both (unevaluated).
REWARD_GAP = sp.Add(reparametrized(y_w), sp.Mul(-1, reparametrized(y_l), evaluate=False), evaluate=False)
#: DPO's margin: the difference of the implicit rewards.
MARGIN = sp.Add(log_ratio(y_w), -log_ratio(y_l), evaluate=False)
LOSS = -DataMean(sp.log(Sigmoid(MARGIN)))
#: The Bradley-Terry probability of a preference under the reward written through the tuned model.
PREFERENCE = Sigmoid(ImplicitReward(y_w) - ImplicitReward(y_l))
LIKELIHOOD = -DataMean(sp.log(PREFERENCE))

DPO = Derivation(
    id="dpo",
    title="From the closed form to the DPO loss",
    kind="Section",
    label="dpo",
    context=CONTEXT,
    statement=(sp.Eq(sp.Symbol(r"\mathcal{L}_{\mathrm{DPO}}"), LOSS, evaluate=False),),
    intro=prose(
        "Direct preference optimization ", Citation("rafailov2023"), " fits the tuned model to comparisons without "
        "learning a reward. A comparison is a prompt ", sp.Symbol("x"), " with a preferred output ", y_w,
        " and a rejected output ", y_l, ", drawn from a preference data set ", sp.Symbol(r"\mathcal{D}"),
        ". The Bradley-Terry model ", Citation("bradley1952"), " gives the probability of such a preference as ",
        Sigmoid(r[y_w] - r[y_l]), ", with the logistic function ", sp.Eq(Sigmoid(u), 1 / (1 + sp.exp(-u)), evaluate=False),
        ". The DPO loss is the negative log-likelihood of the data with the reward replaced by the implicit reward "
        "of the tuned model:",
    ),
    steps=(
        Step(
            "dpo-reparametrization",
            "The reward in terms of the tuned model",
            sp.Eq(r[y], reparametrized(y), evaluate=False),
            prose("Taking logarithms in ", sp.Eq(p_theta[y], p_ref[y] * sp.exp(r[y] / beta) / Z, evaluate=False),
                  " and solving for the reward writes it through the two models, up to the constant ",
                  beta * sp.log(Z), " that depends on the prompt only. Call the right-hand side ",
                  ImplicitReward(y), ":"),
            facts=(DEF_P_THETA,),
        ),
        Step(
            "dpo-partition-cancels",
            "Bradley-Terry sees only reward differences",
            sp.Eq(REWARD_GAP, MARGIN, evaluate=False),
            prose("The Bradley-Terry probability ", PREFERENCE, " depends only on the difference of the two "
                  "rewards. Both outputs of a comparison share the prompt, so the constant cancels in it:"),
        ),
        Step(
            "dpo-loss",
            "The DPO loss is the negative log-likelihood of the preferences",
            sp.Eq(LIKELIHOOD, LOSS, evaluate=False),
            prose("Averaged over the data, the negative log-likelihood of the preferences under the reparametrized "
                  "reward is therefore the DPO loss, which involves the tuned model alone:"),
        ),
        Step(
            "dpo-loss-from-reward",
            "At the tuned model the margin is the reward difference",
            sp.Eq(Sigmoid(MARGIN), Sigmoid(r[y_w] - r[y_l]), evaluate=False),
            prose("Conversely, at the maximizer of the KL-regularized objective the margin is the reward difference, "
                  "since each log-ratio is ", r[y] / beta - sp.log(Z), ":"),
            facts=(DEF_P_THETA,),
        ),
    ),
    outro=prose(
        "A model at the minimum of the DPO loss is thus the tilted distribution ", p_theta,
        " of its implicit reward, and every result above about the masses, their floors and their limits "
        "applies to it with that reward.",
    ),
)

__all__ = ["DPO", "LOSS", "MARGIN"]
