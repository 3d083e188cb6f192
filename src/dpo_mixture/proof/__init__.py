"""The derivation engine: steps, strategies that propose, the kernel that checks, the search.

Only :func:`kernel.check` can make a verdict ``PROVED``: strategies propose certificates
(:class:`ProofCertificate`), the kernel re-derives and closes every obligation, and the
certified counterexample search audits each accepted step.
"""

from . import memo, number_signs

memo.install()  # the free symbols of each sum are worked out once (the same answer as SymPy's)
number_signs.install()  # SymPy's sign of a number holds only where interval arithmetic confirms it

from .certificate import Instance, ProofCertificate, RULES
from .deadline import TimeLimit, time_limit
from .derivation import Derivation, Report, StepResult, decide
from .facts import Definition, Identity, unfold
from .kernel import Goal, Judgment, Lemma, check
from .normal_form import separable_summand
from .search import Problem, SearchResult, search
from .step import Step
from .strategies import (
    Cases,
    Certificate,
    Cite,
    Context,
    ConvexMinimum,
    Differentiate,
    ExtremumBound,
    Implication,
    Lemmas,
    LimitOf,
    Monotone,
    NormalForm,
    Signs,
    Stationarity,
    Strategy,
    TermsVanish,
    Termwise,
    Using,
)
from .theory import Theory
from .verdict import Counterexample, Outcome, Verdict

__all__ = [
    "Cases",
    "Certificate",
    "Cite",
    "Context",
    "ConvexMinimum",
    "Counterexample",
    "Definition",
    "Derivation",
    "Differentiate",
    "ExtremumBound",
    "Goal",
    "Identity",
    "Implication",
    "Instance",
    "Judgment",
    "Lemma",
    "Lemmas",
    "LimitOf",
    "Monotone",
    "NormalForm",
    "Outcome",
    "Problem",
    "ProofCertificate",
    "RULES",
    "Report",
    "SearchResult",
    "Signs",
    "Stationarity",
    "Step",
    "StepResult",
    "Strategy",
    "TermsVanish",
    "Termwise",
    "Theory",
    "Using",
    "TimeLimit",
    "Verdict",
    "check",
    "decide",
    "search",
    "separable_summand",
    "time_limit",
    "unfold",
]
