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

    ``conditions`` are definedness conditions recorded before SymPy simplified the claim (the
    claim language fills them); ``seconds`` is the step's time budget (default 30 s; past it
    the verdict is undecided, with the time limit as the reason).

    A claim whose two sides are identical is refused: it proves nothing.

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
    conditions: tuple[sp.Basic, ...] = ()
    seconds: float | None = None

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
        for part in _relations(self.claim):
            if isinstance(part, (sp.Eq, sp.Le, sp.Ge, sp.Lt, sp.Gt)) and sp.sympify(part.lhs) == sp.sympify(part.rhs):
                raise ValueError(
                    f"step {self.id!r}: both sides of {part} are identical, so the step proves nothing; "
                    "build the sides unevaluated (evaluate=False, UnevaluatedExpr) if SymPy simplified them"
                )
        if self.chain and hasattr(self.claim, "lhs"):
            points = [self.claim.lhs, *self.chain, self.claim.rhs]
            for a, b in zip(points, points[1:]):
                if sp.sympify(a) == sp.sympify(b):
                    raise ValueError(f"step {self.id!r}: two neighbouring expressions of the display chain are identical ({a})")
        if not isinstance(self.expected, Verdict):
            object.__setattr__(self, "expected", Verdict(self.expected))
        if self.seconds is not None and (isinstance(self.seconds, bool) or not self.seconds > 0):
            raise ValueError(f"step {self.id!r}: seconds must be a positive number, not {self.seconds!r}")

    def __repr__(self) -> str:
        return f"Step({self.id!r}, {self.claim}, expected={self.expected.value})"


def _relations(claim: sp.Basic) -> list[sp.Basic]:
    if isinstance(claim, sp.And):
        return [p for a in claim.args for p in _relations(a)]
    return [claim]
