"""dpo-mixture: machine-checked mathematics of preference tuning as a mixture.

The public API is small: build steps and derivations, let the engine decide them, print
them in the project's notation, and frame them as a paper (:class:`Paper`, with prose whose
maths are SymPy objects, :func:`prose`, and its cross-references and citations).

>>> import sympy as sp
>>> from dpo_mixture import Step, decide, notation
>>> decide(Step("beta-pos", "beta is positive", sp.Gt(notation.beta, 0, evaluate=False), "declared")).verdict.value
'proved'
"""

from . import model, notation
from .claims import ClaimSyntaxError, ClaimVerdict, check_claim
from .proof import (
    Cite,
    ConvexMinimum,
    Counterexample,
    Definition,
    Derivation,
    Identity,
    Implication,
    NormalForm,
    Report,
    Stationarity,
    Step,
    TermsVanish,
    Termwise,
    Verdict,
    decide,
)
from .render import Citation, Paper, Prose, Ref, Reference, WorkedExample, latex, prose

__version__ = "0.1.0"

__all__ = [
    "Citation",
    "Paper",
    "Prose",
    "Ref",
    "Reference",
    "WorkedExample",
    "prose",
    "ClaimSyntaxError",
    "ClaimVerdict",
    "check_claim",
    "Cite",
    "ConvexMinimum",
    "Counterexample",
    "Definition",
    "Derivation",
    "Identity",
    "Implication",
    "NormalForm",
    "Report",
    "Stationarity",
    "Step",
    "TermsVanish",
    "Termwise",
    "Verdict",
    "decide",
    "latex",
    "model",
    "notation",
]
