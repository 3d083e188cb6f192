"""DPO: the implicit reward, the cancellation of Z under Bradley-Terry, and the loss."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import Z, beta, p_ref, p_theta, r, y
from dpo_mixture.proof import Derivation, Step

from .closed_form import CONTEXT
from .facts import DEF_P_THETA

#: The preferred and the rejected output of a comparison.
y_w = sp.Symbol("y_w", integer=True, positive=True)
y_l = sp.Symbol("y_l", integer=True, positive=True)


def reparametrized(index: sp.Symbol) -> sp.Expr:
    """``beta log(p_theta/p_ref) + beta log Z`` at ``index``: the reward recovered from the model."""
    return model.implicit_reward(sp.log(p_theta[index]), sp.log(p_ref[index])) + beta * sp.log(Z)


def bradley_terry_shown(reward_w: sp.Expr, reward_l: sp.Expr) -> sp.Expr:
    """``sigmoid(r_w - r_l)`` built unevaluated, so that a shared ``beta log Z`` stays visible."""
    margin = sp.Add(reward_w, sp.Mul(-1, reward_l, evaluate=False), evaluate=False)
    return sp.Pow(sp.Add(1, sp.exp(sp.Mul(-1, margin, evaluate=False), evaluate=False), evaluate=False), -1, evaluate=False)


def reparametrized_shown(index: sp.Symbol) -> sp.Expr:
    """``beta log(p_theta/p_ref) + beta log Z``, unevaluated."""
    return sp.Add(model.implicit_reward(sp.log(p_theta[index]), sp.log(p_ref[index])), beta * sp.log(Z), evaluate=False)


LOSS = model.dpo_loss(sp.log(p_theta[y_w]), sp.log(p_theta[y_l]), sp.log(p_ref[y_w]), sp.log(p_ref[y_l]))

DPO = Derivation(
    id="dpo",
    title="From the closed form to the DPO loss",
    kind="Section",
    label="dpo",
    context=CONTEXT,
    statement=(
        sp.Eq(r[y], reparametrized(y)),
        sp.Eq(-sp.log(model.bradley_terry(reparametrized(y_w), reparametrized(y_l))), LOSS, evaluate=False),
    ),
    intro=(
        "Solving the closed form for the reward expresses it through the tuned and the reference model, up to "
        "the prompt-dependent constant $\\beta \\log Z(x)$. Preference data only ever compare two outputs for "
        "the same prompt, so that constant drops out, and the likelihood of the data becomes a function of "
        "the model alone."
    ),
    steps=(
        Step(
            "dpo-reparametrization",
            "The reward in terms of the tuned model",
            sp.Eq(r[y], reparametrized(y)),
            "Take logarithms in p_theta = p_ref e^{r/beta} / Z and solve for r.",
            facts=(DEF_P_THETA,),
        ),
        Step(
            "dpo-partition-cancels",
            "Bradley-Terry sees only reward differences",
            sp.Eq(
                bradley_terry_shown(reparametrized_shown(y_w), reparametrized_shown(y_l)),
                model.bradley_terry(
                    model.implicit_reward(sp.log(p_theta[y_w]), sp.log(p_ref[y_w])),
                    model.implicit_reward(sp.log(p_theta[y_l]), sp.log(p_ref[y_l])),
                ),
                evaluate=False,
            ),
            "beta log Z is the same for both outputs of a comparison and cancels in the difference.",
        ),
        Step(
            "dpo-loss",
            "The DPO loss is the negative log-likelihood of a preference",
            sp.Eq(-sp.log(bradley_terry_shown(reparametrized_shown(y_w), reparametrized_shown(y_l)), evaluate=False), LOSS, evaluate=False),
            "Insert the reparametrized reward into -log sigmoid(r(y_w) - r(y_l)).",
        ),
        Step(
            "dpo-loss-from-reward",
            "At the tuned model the loss is the Bradley-Terry loss of the true reward",
            sp.Eq(LOSS, -sp.log(model.bradley_terry(r[y_w], r[y_l]))),
            "Substitute the closed form for p_theta; the log-ratios become r/beta - log Z.",
            facts=(DEF_P_THETA,),
        ),
    ),
    outro=(
        "A model that minimizes the DPO loss is therefore the tilted distribution $p^{*}$ with $r$ its implicit "
        "reward, and every statement above about masses, floors and limits applies to it unchanged."
    ),
)

__all__ = ["DPO"]
