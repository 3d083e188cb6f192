"""The minimiser of the IPO loss, and why it stays bounded.

IPO (Azar et al., 2023) regresses the difference of log-likelihood ratios of a comparison onto a
fixed target instead of passing it through a logistic function.  For a pair of responses in
which the first is preferred with probability ``rho``, the expected loss is a quadratic in that
difference ``h``, minimised at ``(rho - 1/2)/tau``: a target that stays within ``1/(2 tau)`` of zero
even for a deterministic preference, where the Bradley-Terry log-odds would diverge.

``dpo-mixture check examples/ipo_minimiser.py``
"""

import sympy as sp

from dpo_mixture import (
    Citation, Derivation, Differentiate, LimitOf, Paper, Ref, Reference, Step, Verdict, declare, prose,
)

h = declare.scalar("h")
tau = declare.temperature("tau", latex=r"\tau")
rho = declare.probability("rho", latex=r"\rho")

TARGET = 1 / (2 * tau)
#: the expected IPO loss of the pair: with probability rho the first response wins (margin h),
#: otherwise the second one does (margin -h)
LOSS = rho * (h - TARGET) ** 2 + (1 - rho) * (-h - TARGET) ** 2
MINIMISER = (rho - sp.Rational(1, 2)) / tau
MINIMUM = rho * (1 - rho) / tau**2
LOG_ODDS = sp.log(rho / (1 - rho))


def loss_at(value: sp.Expr) -> sp.Expr:
    return LOSS.xreplace({h: value})


MINIMISER_DERIVATION = Derivation(
    id="ipo-minimiser",
    title="The minimiser of the expected IPO loss",
    kind="Proposition",
    label="ipo-minimiser",
    statement=(sp.Ge(LOSS, MINIMUM), sp.Eq(loss_at(MINIMISER), MINIMUM)),
    statement_text=prose(
        "For every margin ", h, " the expected loss is at least ", MINIMUM, ", with equality exactly at ",
        sp.Eq(h, MINIMISER, evaluate=False), ":",
    ),
    intro=prose(
        "Take one pair of responses to a prompt, and let ", h, " be the difference of their log-likelihood "
        "ratios to the reference policy, the first response's minus the second's. IPO ", Citation("azar2023"),
        " fits ", h, " to the target ", TARGET, " when the first response is preferred and ", -h, " to the same "
        "target when the second is, with a squared error. If the first is preferred with probability ", rho,
        ", the expected loss is ", sp.Eq(sp.Symbol(r"L(h)"), LOSS, evaluate=False), ".",
    ),
    steps=(
        Step(
            "complete-the-square", "Completing the square",
            sp.Eq(LOSS, (h - MINIMISER) ** 2 + MINIMUM),
            prose("The loss is a quadratic in ", h, " with leading coefficient one; completing the square gives"),
        ),
        Step(
            "lower-bound", "The minimum value",
            sp.Ge(LOSS, MINIMUM),
            prose("A square is nonnegative, so"),
        ),
        Step(
            "attained", "The minimum is attained",
            sp.Eq(loss_at(MINIMISER), MINIMUM),
            prose("and the bound is attained at the minimiser:"),
        ),
        Step(
            "stationary", "The derivative vanishes only there",
            sp.Eq(sp.Derivative(LOSS, h), 2 * (h - MINIMISER)),
            prose("Equivalently, the derivative of the loss is linear in ", h, " and vanishes only at the "
                  "minimiser:"),
            strategy=Differentiate(),
        ),
        Step(
            "bounded", "The target is bounded",
            sp.And(sp.Lt(-TARGET, MINIMISER), sp.Lt(MINIMISER, TARGET)),
            prose("Since ", rho, " lies strictly between 0 and 1, the optimal margin stays strictly inside the "
                  "interval of half-width ", TARGET, ":"),
        ),
    ),
)

CONTRAST = Derivation(
    id="contrast",
    title="The Bradley-Terry target diverges",
    kind="Section",
    label="contrast",
    intro=prose(
        "Maximum likelihood under the Bradley-Terry model, which DPO performs, instead fits the margin to the "
        "log-odds ", LOG_ODDS, " of the preference, up to the temperature. As the preference becomes "
        "deterministic, the odds ", (1 - rho) / rho, " of the losing response vanish, so that target grows "
        "without bound, which is the overfitting that IPO avoids:",
    ),
    steps=(
        Step(
            "odds-vanish", "The odds of the losing response vanish",
            sp.Eq(sp.Limit(sp.exp(-LOG_ODDS), rho, 1, "-"), 0),
            prose(""),
            strategy=LimitOf(),
        ),
    ),
)

LOG_ODDS_TARGET = Derivation(
    id="log-odds-target",
    title="A slip: the log-odds as the IPO minimiser",
    kind="Section",
    intro=prose(
        "Carrying the Bradley-Terry answer over to IPO would claim that no margin does better than the "
        "log-odds, scaled by the target:",
    ),
    steps=(
        Step(
            "log-odds-minimise-ipo", "The log-odds minimise the IPO loss",
            sp.Ge(LOSS, loss_at(TARGET * LOG_ODDS)),
            prose(""),
            expected=Verdict.REFUTED,
        ),
    ),
    outro=prose(
        "The engine refutes this with the instance in the table, where ", Ref("ipo-minimiser"),
        " gives a smaller loss at its own minimiser.",
    ),
)

DERIVATIONS = (MINIMISER_DERIVATION, CONTRAST, LOG_ODDS_TARGET)

PAPER = Paper(
    title="The IPO minimiser and its bounded target",
    authors=("dpo-mixture examples",),
    abstract=prose(
        "Identity preference optimization replaces the logistic loss of DPO by a squared error on the difference "
        "of log-likelihood ratios. For a pair whose first response is preferred with probability ", rho,
        ", we check by machine that the expected loss is minimised at ", sp.Eq(h, MINIMISER, evaluate=False),
        ", with minimum ", MINIMUM, ", and that this target is bounded, while the Bradley-Terry log-odds diverge. "
        "The claim that the log-odds also minimise the IPO loss is refuted by the engine.",
    ),
    introduction=(
        prose(
            "Azar et al. ", Citation("azar2023"), " observed that the logistic loss of DPO ", Citation("rafailov2023"),
            " pushes the margin of a comparison that is always won to infinity, and proposed a squared loss with a "
            "finite target. The heart of that argument is a one-variable quadratic, which this note checks.",
        ),
        prose(Ref("ipo-minimiser"), " is the result and ", Ref("contrast"), " the contrast with Bradley-Terry."),
    ),
    references=(
        Reference(
            "azar2023",
            "Mohammad Gheshlaghi Azar, Mark Rowland, Bilal Piot, Daniel Guo, Daniele Calandriello, Michal Valko, "
            "Remi Munos",
            "A general theoretical paradigm to understand learning from human preferences",
            "arXiv:2310.12036", "2023",
        ),
        Reference(
            "rafailov2023",
            "Rafael Rafailov, Archit Sharma, Eric Mitchell, Stefano Ermon, Christopher D. Manning, Chelsea Finn",
            "Direct preference optimization: your language model is secretly a reward model",
            "Advances in Neural Information Processing Systems 36", "2023",
        ),
    ),
    tags=("ipo", "dpo", "preference-learning"),
    stem="ipo_minimiser",
)
