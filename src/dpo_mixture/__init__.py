"""dpo-mixture: machine-checked mathematics of preference tuning.

Everything a derivation of your own needs is importable from here:

* **declarations** (:mod:`dpo_mixture.declare`): ``declare.distribution``, ``declare.reward``,
  ``declare.temperature``, ``declare.probability``, ``declare.index``, ``declare.scalar`` and
  ``declare.vector`` make the symbols of your model, each with its domain (:class:`Domain`) and
  its printed name;
* **steps and derivations**: a :class:`Step` states one SymPy relation and why it holds; a
  :class:`Derivation` orders steps under shared :class:`Definition` s; :func:`decide` decides one
  step, :meth:`Report.run` a whole module, and the result is a :class:`Verdict`; :func:`unfold`
  substitutes definitions into an expression;
* **strategies**, which *propose* a proof that the kernel checks (:class:`NormalForm`, the
  default, :class:`Signs`, :class:`Implication`, :class:`Certificate`, :class:`Differentiate`,
  :class:`LimitOf`, :class:`ConvexMinimum`, :class:`Termwise`, :class:`TermsVanish`,
  :class:`ExtremumBound`, :class:`Monotone`, :class:`Cases`, :class:`Using`, :class:`Lemmas`,
  :class:`Stationarity`, :class:`Cite`; subclass :class:`Strategy` for your own), and the
  library of proved lemmas they cite (:mod:`dpo_mixture.lemmas`);
* **claims** you ask about while you work: :func:`check_claim`;
* **documents**: a :class:`Paper` frames a module's derivations; :func:`prose`, :class:`Ref`,
  :class:`Citation` and :class:`Reference` write its sentences, :func:`latex` prints maths;
* **numbers**: :func:`evaluate` takes an expression to an instance exactly, and
  :mod:`dpo_mixture.numeric` compiles expressions into array functions.

>>> import sympy as sp
>>> from dpo_mixture import Step, decide, declare
>>> b = declare.temperature("b")
>>> decide(Step("b-pos", "b is positive", sp.Gt(b, 0, evaluate=False), "declared")).verdict.value
'proved'
"""

from . import declare, lemmas, model, notation
from .claims import ClaimSyntaxError, ClaimVerdict, check_claim
from .notation import Domain
from .proof import (
    Cases,
    Certificate,
    Cite,
    ConvexMinimum,
    Counterexample,
    Definition,
    Derivation,
    Differentiate,
    ExtremumBound,
    Identity,
    Implication,
    Lemmas,
    LimitOf,
    Monotone,
    NormalForm,
    Outcome,
    ProofCertificate,
    Report,
    Signs,
    Stationarity,
    Step,
    StepResult,
    Strategy,
    TermsVanish,
    Termwise,
    Theory,
    Using,
    Verdict,
    decide,
    unfold,
)
from .proof.evaluate import evaluate
from .render import Citation, Paper, Prose, Ref, Reference, WorkedExample, latex, prose

__version__ = "0.1.0"


def __getattr__(name: str):
    """``dpo_mixture.numeric`` is imported when first used (the array code is not needed to
    check a derivation or a claim, and it costs a tenth of a second at every start)."""
    if name == "numeric":
        import importlib

        return importlib.import_module(".numeric", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    # declarations and the model's vocabulary
    "declare",
    "Domain",
    "notation",
    "model",
    # steps, derivations and verdicts
    "Step",
    "Derivation",
    "Definition",
    "Identity",
    "unfold",
    "decide",
    "Report",
    "StepResult",
    "Outcome",
    "Verdict",
    "Counterexample",
    "Theory",
    "ProofCertificate",
    # strategies
    "Strategy",
    "NormalForm",
    "Signs",
    "Implication",
    "Certificate",
    "Differentiate",
    "LimitOf",
    "ConvexMinimum",
    "Termwise",
    "TermsVanish",
    "ExtremumBound",
    "Monotone",
    "Cases",
    "Using",
    "Lemmas",
    "Stationarity",
    "Cite",
    "lemmas",
    # claims
    "check_claim",
    "ClaimVerdict",
    "ClaimSyntaxError",
    # documents
    "Paper",
    "Prose",
    "prose",
    "Ref",
    "Citation",
    "Reference",
    "WorkedExample",
    "latex",
    # numbers
    "evaluate",
    "numeric",
]
