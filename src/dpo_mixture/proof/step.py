"""A step of a derivation: a relation, why it holds, and what verdict the author expects."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sympy as sp

from .exact import assumption_problem, number_problem
from .facts import Definition, Fact, Identity
from .verdict import Verdict

if TYPE_CHECKING:  # pragma: no cover
    from .strategies import Strategy

__all__ = ["Step", "collect_problems", "problem_of"]

_ATOMS = (sp.Eq, sp.Ne, sp.Lt, sp.Le, sp.Gt, sp.Ge)
_RELATIONS = _ATOMS + (sp.And,)


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
        # the step's own copies: a list or dict the module keeps could change it after it was decided
        for name in ("hypotheses", "facts", "chain", "given", "uses", "show", "conditions"):
            value = getattr(self, name)
            if isinstance(value, (list, tuple)) and type(value) is not tuple:
                object.__setattr__(self, name, tuple(value))
        for name in ("domains", "instantiate"):
            value = getattr(self, name)
            if isinstance(value, dict):
                object.__setattr__(self, name, dict(value))
        if not isinstance(self.id, str) or not self.id or not all(c.isalnum() or c in "-_." for c in self.id):
            raise ValueError(f"step id must be a non-empty slug of letters, digits, '-', '_' or '.', not {self.id!r}")
        problem = _problem(self)
        if problem:
            collecting = _COLLECTING.get()
            if collecting is None:
                raise ValueError(problem)
            collecting.append(problem)  # reported with every other one when the module is loaded
            object.__setattr__(self, "_problem", problem)
        if not isinstance(self.expected, Verdict):
            object.__setattr__(self, "expected", Verdict(self.expected))
        if self.seconds is not None and (isinstance(self.seconds, bool) or not 0 < self.seconds < float("inf")):
            raise ValueError(f"step {self.id!r}: seconds must be a positive, finite number, not {self.seconds!r}")

    def __repr__(self) -> str:
        return f"Step({self.id!r}, {self.claim}, expected={self.expected.value})"


def _problem(step: Step) -> str:
    """Why the step cannot be checked as built, or ``""``."""
    if step.claim in (sp.true, sp.false):
        return (
            f"step {step.id!r}: claim evaluated to {step.claim} when it was built, from the symbols' "
            "assumptions alone; build it with evaluate=False so that the engine decides it"
        )
    if not isinstance(step.claim, _RELATIONS):
        return f"step {step.id!r}: claim must be a SymPy relation (Eq, Le, Lt, Ge, Gt, And), not {type(step.claim).__name__}"
    for part in _relations(step.claim):
        if part in (sp.true, sp.false):
            return f"step {step.id!r}: a part of the claim evaluated to {part} when it was built; use evaluate=False"
        if isinstance(part, (sp.Eq, sp.Le, sp.Ge, sp.Lt, sp.Gt)) and sp.sympify(part.lhs) == sp.sympify(part.rhs):
            return (
                f"step {step.id!r}: both sides of {part} are identical, so the step proves nothing; "
                "build the sides unevaluated (evaluate=False, UnevaluatedExpr) if SymPy simplified them"
            )
    from ..notation import Domain

    odd = next((v for v in step.domains.values() if type(v) is not Domain), None) if isinstance(step.domains, dict) else None
    if odd is not None:  # (a value of a class of its own could compare equal to every domain)
        return f"step {step.id!r}: domains= values must be Domain members, not {type(odd).__name__} ({odd!r:.60})"
    for name, given in (("facts", step.facts), ("hypotheses", step.hypotheses)):
        if not isinstance(given, (tuple, list)):
            return f"step {step.id!r}: {name} must be a tuple, not {type(given).__name__} ({given!r:.60})"
    wrong = next((f for f in step.facts if not isinstance(f, (Definition, Identity))), None)
    if wrong is not None:
        return (f"step {step.id!r}: facts must hold Definition or Identity objects, not "
                f"{type(wrong).__name__} ({wrong!r:.60})")
    for h in step.hypotheses:  # Or, Implies, Not: the engine reads a hypothesis as relations to meet
        if any(not isinstance(p, _ATOMS) for p in _relations(h)):
            return (f"step {step.id!r}: a hypothesis must be a SymPy relation (Eq, Ne, Le, Lt, Ge, Gt) or an And "
                    f"of them, built with evaluate=False; not {type(h).__name__} ({sp.sstr(h)})")
    off = off_label([step.claim, *step.hypotheses, *step.chain, *(f.relation for f in step.facts)])
    if off:
        return f"step {step.id!r}: {off}"
    for e in step.show:
        if not isinstance(e, sp.Expr) or isinstance(e, sp.Basic) and e.is_Relational:
            return (f"step {step.id!r}: show= entry {e!r} is not an expression (a SymPy Expr, not a "
                    f"{type(e).__name__}); the documents show its value at the counterexample")
        if sp.sympify(e).is_number:
            return (f"step {step.id!r}: show= holds the number {e}, which shows nothing at an instance "
                    "(SymPy may have folded the expression when it was built; build it with evaluate=False)")
    for e in (step.claim, *step.hypotheses, *step.chain, *step.conditions,
              *(f.relation for f in step.facts)):
        inexact = number_problem(e) or assumption_problem(e)
        if inexact:
            return f"step {step.id!r}: {inexact}"
        several = next((s for s in sp.sympify(e).atoms(sp.Sum) if len(s.limits) > 1), None)
        if several is not None:  # every rule and the search read a sum as one index over one range
            return (f"step {step.id!r}: the sum {sp.sstr(several)[:60]} runs over several indices (SymPy "
                    "merges nested sums into one); the engine decides sums over one index only")
    if step.chain and hasattr(step.claim, "lhs"):
        points = [step.claim.lhs, *step.chain, step.claim.rhs]
        for a, b in zip(points, points[1:]):
            if sp.sympify(a) == sp.sympify(b):
                return f"step {step.id!r}: two neighbouring expressions of the display chain are identical ({a})"
    return ""


#: The assumptions a vector's domain is read from.
_VECTOR_KEYS = ("positive", "nonnegative", "negative", "nonpositive", "nonzero", "real", "integer")


def off_label(exprs, where: str = "") -> str:
    """Why a vector of ``exprs`` (``where``: " of its context", say) cannot be written in a
    report (its assumptions sit off its label), or ``""``."""
    for base in sorted({b for e in exprs for b in sp.sympify(e).atoms(sp.IndexedBase)}, key=str):
        extra = _assumptions_off_label(base)
        if extra:
            return (f"the vector {base}{where} carries assumptions its label does not ({extra}); "
                    f"the report writes a vector by its label, so they would be lost: put them on the label, "
                    f"IndexedBase(Symbol({str(base.label)!r}, {extra})), or declare it (dpo_mixture.declare)")
    return ""


def _assumptions_off_label(base: sp.IndexedBase) -> str:
    """The assumptions ``base`` holds that a vector of the same label alone would not (SymPy
    keeps those of ``IndexedBase(Symbol('g'), positive=True)`` on the base), as ``k=v`` text."""
    own, plain = base.assumptions0, sp.IndexedBase(base.label).assumptions0
    if all(plain.get(k) == own[k] for k in _VECTOR_KEYS if k in own):
        return ""
    given = getattr(base._assumptions, "_generator", None) or own  # as written, where SymPy kept it
    return ", ".join(f"{k}={v}" for k, v in sorted(given.items()) if k != "commutative" and plain.get(k) != v)


_COLLECTING: contextvars.ContextVar[list | None] = contextvars.ContextVar("step_problems", default=None)


@contextmanager
def collect_problems():
    """Inside the block, a step that cannot be checked as built is recorded instead of raising,
    so that loading a module reports every such step at once (the list is yielded)."""
    found: list[str] = []
    token = _COLLECTING.set(found)
    try:
        yield found
    finally:
        _COLLECTING.reset(token)


def problem_of(step: Step) -> str:
    """The problem recorded for a step built inside :func:`collect_problems` (or ``""``)."""
    return getattr(step, "_problem", "")


def _relations(claim: sp.Basic) -> list[sp.Basic]:
    if isinstance(claim, sp.And):
        return [p for a in claim.args for p in _relations(a)]
    return [claim]
