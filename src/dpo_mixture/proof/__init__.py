"""The derivation engine: steps, strategies, verdicts, counterexample search."""

from .derivation import Derivation, Report, StepResult, decide
from .facts import Definition, Identity, unfold
from .normal_form import separable_summand
from .search import Problem, SearchResult, search
from .step import Step
from .strategies import (
    Cite,
    ConvexMinimum,
    Implication,
    NormalForm,
    Stationarity,
    Strategy,
    TermsVanish,
    Termwise,
)
from .verdict import Counterexample, Outcome, Verdict
from .analysis import Certificate, Differentiate, ExtremumBound, LimitOf, Signs

__all__ = [
    "Cite",
    "ConvexMinimum",
    "Counterexample",
    "Definition",
    "Derivation",
    "Identity",
    "Implication",
    "NormalForm",
    "Outcome",
    "Problem",
    "Report",
    "SearchResult",
    "Stationarity",
    "Step",
    "StepResult",
    "Strategy",
    "TermsVanish",
    "Termwise",
    "Verdict",
    "decide",
    "search",
    "separable_summand",
    "unfold",
    "Certificate",
    "Differentiate",
    "ExtremumBound",
    "LimitOf",
    "Signs",
]
