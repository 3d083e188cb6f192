"""A step of a derivation: a relation, why it holds, and what verdict the author expects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sympy as sp

from .facts import Fact
from .verdict import Verdict

if TYPE_CHECKING:  # pragma: no cover
    from .strategies import Strategy

__all__ = ["Step"]

_RELATIONS = (sp.Eq, sp.Ne, sp.Lt, sp.Le, sp.Gt, sp.Ge, sp.And)


@dataclass(frozen=True)
class Step:
    """One claim of a derivation.

    ``claim`` is a SymPy relation (``Eq``, ``Le``, ``Lt``, ``Ge``, ``Gt``) or an ``And`` of
    them.  If it still contains the output ``y`` outside a sum it is read "for every ``y`` in
    the support".  ``hypotheses`` are relations assumed for this step only; ``facts`` are the
    definitions and identities the step may use (and no others).  ``expected`` is the verdict
    the author predicts: the engine computes the real one, and a mismatch fails the check.

    ``chain`` optionally gives intermediate expressions for display, ``lhs = c1 = c2 = rhs``;
    each link is decided separately by the same strategy.

    ``given`` names earlier steps whose claims join the hypotheses, after the substitution
    ``instantiate`` (for instance ``{q: p_star}`` to use Gibbs' inequality at ``q = p*``).  A
    cited step that has hypotheses of its own passes them on: the citing step then holds under
    them too, and the documents show them.  After the step's own hypotheses the engine appends
    the assumptions the cited steps pass on, then the cited claims, in citation order.  ``uses`` names lemmas whose variables are free
    (such as ``log t <= t - 1``): a strategy may instantiate them, and they add no hypothesis.
    The engine accepts either kind only if the cited steps were proved (or cited).

    ``show`` lists expressions the documents evaluate at a counterexample, beside the values
    of the instance (for instance the covariances a hypothesis speaks of).

    ``lemmas`` is filled by the engine from ``uses``, not by authors: each arrives as
    ``(hypotheses, claim)``.

    >>> from dpo_mixture.notation import beta
    >>> Step("beta-small", "beta below one", sp.Lt(beta, 1), "hoped for").id
    'beta-small'
    """

    id: str
    title: str
    claim: sp.Basic
    justification: str
    strategy: "Strategy | None" = None
    hypotheses: tuple[sp.Basic, ...] = ()
    facts: tuple[Fact, ...] = ()
    expected: Verdict = Verdict.PROVED
    support: sp.Expr | None = None
    domains: dict = field(default_factory=dict)
    chain: tuple[sp.Expr, ...] = ()
    given: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    instantiate: dict = field(default_factory=dict)
    search_samples: int = 400
    show: tuple[sp.Expr, ...] = ()
    lemmas: tuple[tuple[tuple[sp.Basic, ...], sp.Basic], ...] = ()

    def __post_init__(self) -> None:
        if not self.id or not all(c.isalnum() or c in "-_." for c in self.id):
            raise ValueError(f"step id must be a non-empty slug of letters, digits, '-', '_' or '.', not {self.id!r}")
        if self.claim in (sp.true, sp.false):
            raise ValueError(
                f"step {self.id!r}: claim evaluated to {self.claim} when it was built, from the symbols' "
                "assumptions alone; build it with evaluate=False so that the engine decides it"
            )
        if not isinstance(self.claim, _RELATIONS):
            raise ValueError(f"step {self.id!r}: claim must be a SymPy relation (Eq, Le, Lt, Ge, Gt, And), not {type(self.claim).__name__}")
        if not isinstance(self.expected, Verdict):
            object.__setattr__(self, "expected", Verdict(self.expected))

    def __repr__(self) -> str:
        return f"Step({self.id!r}, {self.claim}, expected={self.expected.value})"
