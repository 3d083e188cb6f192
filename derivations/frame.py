"""The frame of the package's own paper: title, abstract, introduction, conclusion, references."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import M_A, M_U, TPM_A, Z, alpha, beta, p_A, p_ref, p_U, r, y
from dpo_mixture.render import Citation, Paper, Ref, Reference, WorkedExample, prose

from .example import worked_example
from .symbols import COMPONENT_A, S_STAR, TopMass

GAP = sp.Eq(TPM_A - alpha, model.tpm_gap(), evaluate=False)
MIXTURE = sp.Eq(p_ref[y], model.mixture_reference(), evaluate=False)
LIMIT = alpha * TopMass(p_A) / TopMass(p_ref)

ABSTRACT = prose(
    "A draft analysis of preference tuning with a KL penalty ", Citation("seed"), " writes the reference model as a "
    "mixture ", MIXTURE, " of an aligned and an unaligned component, and claims that a reward correlated "
    "positively with ", p_A, " and negatively with ", p_U, " raises the aligned component's share of the tuned "
    "model above ", alpha, ". We check every step of that analysis by machine. The closed form of the tuned model "
    "and its mixture form hold. The claim does not: a search finds a small instance that satisfies both hypotheses "
    "while the aligned share falls below ", alpha, ", and the proof fails where it carries the correlation from "
    "the reward to its exponential tilt. What holds instead is an exact identity, ", GAP,
    ", so the aligned share grows exactly when the tilted moment ", M_A, " exceeds ", M_U,
    ". Under the seed's hypotheses this is the case at high temperature, while at low temperature the share "
    "tends to ", LIMIT, ", the posterior probability of the aligned component on the outputs of largest reward, "
    "which can be zero: the tuned model follows the reward wherever it is highest, a form of reward hacking. "
    "We also bound the unaligned share from below and relate the results to DPO. Every formula in the note is "
    "printed from the SymPy object that was checked.",
)

INTRODUCTION = (
    prose(
        "Preference tuning with a KL penalty, in reinforcement learning from human feedback ", Citation("korbak2022"),
        " and in direct preference optimization ", Citation("rafailov2023"), " alike, has a well-known closed form: "
        "the tuned model is the reference model tilted by ", model.tilt(), " and renormalized. A draft blog post ",
        Citation("seed"), " uses it to reason about safety. If the reference model is a mixture ", MIXTURE,
        " of an aligned component and an unaligned one, and the reward is positively correlated with the first "
        "and negatively with the second, then, it argues, tuning raises the total probability mass of the aligned "
        "component above ", alpha, " and lowers that of the unaligned one without removing it.",
    ),
    prose(
        "This note checks that argument step by step by machine. Each step is a relation between SymPy expressions, "
        "and an engine decides it. It is *proved* when a symbolic strategy closes it: normal forms of finite sums, "
        "certificates that combine the hypotheses with multipliers of known sign, calculus, limits. It is *refuted* "
        "when the engine's own search finds an instance that satisfies the hypotheses and violates the claim, "
        "confirmed in exact or high-precision arithmetic; and *assumed* for the one outside result the note cites. "
        "The verdict stands beside every display, and ", Ref("appendix-log"), " lists all of them with the "
        "strategy used. The formulas in the displays and in the text are printed from the very objects the engine "
        "decided, so what is shown is what was checked.",
    ),
    prose(
        Ref("sec-objective"), " to ", Ref("sec-tpm"), " derive the closed form, its mixture form and the total "
        "masses. ", Ref("sec-theorem2"), " shows that the seed's Theorem 2 is false, ", Ref("sec-example"),
        " works through the counterexample and ", Ref("sec-theorem2-proof"), " locates the faulty step of its proof. ",
        Ref("corrected"), " gives the exact condition, ", Ref("residual"), " a floor under the unaligned mass and ",
        Ref("sensitivity"), " its response to the temperature; ", Ref("high-temperature"), " and ",
        Ref("low-temperature"), " describe what the seed's hypotheses give at the two ends of the temperature "
        "range, which together explain the counterexample. ", Ref("sec-dpo"), " connects the results to DPO.",
    ),
)

CONCLUSION = (
    prose(
        "The mixture picture of KL-regularized preference tuning is exact: the tuned model reweights the two "
        "components of the reference model and keeps every output of both. The direction in which it shifts mass, "
        "however, is set by the tilted moments ", M_A, " and ", M_U, " and not by correlations of the reward, and "
        "the seed's correlation hypotheses control these moments only at high temperature. A reward that favours "
        "aligned outputs on average can still put its largest values on outputs that mainly the unaligned component "
        "produces; as the temperature falls, the tuned model concentrates on exactly those outputs ", S_STAR,
        ", and the aligned share tends to the posterior probability of ", COMPONENT_A, " there.",
    ),
    prose(
        "For a DPO-tuned model these statements hold with the implicit reward. Checking the seed's hypotheses on "
        "the reward is therefore not enough to conclude that tuning favours the aligned component; what has to be "
        "checked is the order of the tilted moments at the temperature in use, or stochastic dominance of the "
        "reward for all temperatures at once. Three things in this note are not machine-checked: distributions "
        "with zeros in ", Ref("maximizer"), ", the final passages to the limit after ", Ref("high-temperature"),
        " and ", Ref("low-temperature"), ", and the cited dominance fact in ", Ref("dominance"), ".",
    ),
)

REFERENCES = (
    Reference("seed", "Anonymous", "DPO mixture analysis", "Draft blog post", "2024"),
    Reference(
        "rafailov2023",
        "Rafael Rafailov, Archit Sharma, Eric Mitchell, Stefano Ermon, Christopher D. Manning, Chelsea Finn",
        "Direct preference optimization: your language model is secretly a reward model",
        "Advances in Neural Information Processing Systems 36 (NeurIPS)", "2023",
    ),
    Reference(
        "korbak2022", "Tomasz Korbak, Ethan Perez, Christopher L. Buckley",
        "RL with KL penalties is better viewed as Bayesian inference",
        "Findings of the Association for Computational Linguistics: EMNLP 2022", "2022",
    ),
    Reference("bradley1952", "Ralph Allan Bradley, Milton E. Terry",
              "Rank analysis of incomplete block designs. I. The method of paired comparisons",
              "Biometrika 39(3/4), 324-345", "1952"),
    Reference("cover2006", "Thomas M. Cover, Joy A. Thomas", "Elements of Information Theory",
              "2nd edition, Wiley", "2006"),
    Reference("shaked2007", "Moshe Shaked, J. George Shanthikumar", "Stochastic Orders",
              "Springer Series in Statistics, Springer", "2007"),
)

PAPER = Paper(
    title="Does preference tuning favour the aligned component? A machine-checked analysis",
    authors=("The dpo-mixture project",),
    abstract=ABSTRACT,
    introduction=INTRODUCTION,
    conclusion=CONCLUSION,
    references=REFERENCES,
    tags=("math", "dpo", "machine-learning"),
    categories=("research",),
    description="When KL-regularized preference tuning shifts mass towards the aligned component, and when it does not",
    date="2026-11-27",
    stem="dpo_mixture",
    examples=(WorkedExample("seed-theorem2", worked_example),),
)

__all__ = ["PAPER"]
del beta, r, Z
