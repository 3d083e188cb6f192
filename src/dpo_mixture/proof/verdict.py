"""Verdicts: the three-valued answer of the engine, plus explicitly cited outside facts."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Verdict", "Outcome", "Counterexample"]


class Verdict(str, enum.Enum):
    """What the engine concluded about a step.

    ``UNDECIDED`` is never a pass: a step that expected ``PROVED`` and got ``UNDECIDED`` fails.

    >>> Verdict("refuted") is Verdict.REFUTED
    True
    """

    PROVED = "proved"
    REFUTED = "refuted"
    UNDECIDED = "undecided"
    ASSUMED = "assumed"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


@dataclass(frozen=True)
class Counterexample:
    """A concrete instance, every value exact, that satisfies the hypotheses and breaks the claim.

    ``values`` maps a name to an exact SymPy number (scalars) or a tuple of them (vectors
    over the support).  ``evidence`` maps a label (``"lhs"``, ``"rhs"``, a hypothesis) to an
    exact or 50-digit value that shows the violation.

    >>> import sympy as sp
    >>> c = Counterexample({"beta": sp.Rational(1, 4), "r": (sp.Integer(0), sp.Integer(2))})
    >>> c.to_json()
    {'beta': '1/4', 'r': ['0', '2']}
    """

    values: dict[str, Any]
    evidence: dict[str, Any] = field(default_factory=dict)
    confirmation: str = "exact"
    #: the same instance keyed by the SymPy objects themselves (``n``, symbols, bases), ready
    #: for :func:`dpo_mixture.proof.evaluate.evaluate`; not part of the report
    instance: dict = field(default_factory=dict, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The report schema: exact values as strings that ``sympy.sympify`` parses."""
        out: dict[str, Any] = {}
        for key, value in self.values.items():
            if isinstance(value, (tuple, list)):
                out[key] = [str(v) for v in value]
            else:
                out[key] = str(value)
        return out

    @property
    def n(self) -> int:
        """The size of the support of the instance."""
        sizes = [len(v) for v in self.values.values() if isinstance(v, (tuple, list))]
        return max(sizes) if sizes else 0


@dataclass(frozen=True)
class Outcome:
    """What the engine concluded for one step.

    ``certificate`` is the certificate the kernel checked (``None`` when none was accepted);
    ``assumed`` lists what a verdict ``ASSUMED`` rests on; ``obligations`` the kernel's checks as
    ``(kind, text)``; ``soundness_error`` names the strategy whose certificate the kernel accepted
    although the audit search then found a certified counterexample (an internal error: the
    step is never reported proved, and the command line exits 4).
    """

    verdict: Verdict
    method: str
    detail: str = ""
    counterexample: Counterexample | None = None
    samples: int = 0
    certificate: Any = None
    assumed: tuple[str, ...] = ()
    obligations: tuple[tuple[str, str], ...] = ()
    soundness_error: str = ""
    #: a ticket of the audit still running beside the engine (see :mod:`.audit`); internal
    audit: Any = field(default=None, compare=False, repr=False)
    #: a ticket of the counterexample search still running beside the engine; internal
    search: Any = field(default=None, compare=False, repr=False)
    #: the cited step whose verdict this outcome names ("depends on step ..."); internal
    depends: str = field(default="", compare=False, repr=False)
