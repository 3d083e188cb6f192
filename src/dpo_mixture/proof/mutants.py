"""Mutants of a step: small changes to its claim that (usually) make it false.

Mutation testing measures the engine: a mutant that is false must never come back proved,
and the share of false mutants it refutes is its *mutation score*.  :func:`mutants` makes,
from one step, the variants a careless derivation might contain:

* ``flip``: the relation turned round (``<=`` to ``>=``), an equality made strict;
* ``constant``: a number in the claim changed (``c`` to ``c + 1``), or ``1`` added to a side;
* ``drop``: one term of a sum on either side left out;
* ``swap``: the two mixture components ``p_A`` and ``p_U`` exchanged;
* ``beta``: one side multiplied by ``beta``.

Each mutant keeps the step's strategy, facts, hypotheses and citations (its display chain is
dropped), so the engine tries the same proof on it.

>>> import sympy as sp
>>> from dpo_mixture.notation import beta
>>> [m.id for m in mutants(Step("s", "", sp.Le(beta**2, 2 * beta + 3), ""))]
['s.flip', 's.constant', 's.drop', 's.beta']
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sympy as sp

from ..notation import beta, p_A, p_U
from .step import Step

__all__ = ["mutants", "score", "MutationScore", "KINDS"]

KINDS = ("flip", "constant", "drop", "swap", "beta")

_FLIP = {sp.LessThan: sp.GreaterThan, sp.GreaterThan: sp.LessThan, sp.StrictLessThan: sp.StrictGreaterThan,
         sp.StrictGreaterThan: sp.StrictLessThan}


def _relation(rel: sp.Basic, kind: str) -> sp.Basic | None:
    if not isinstance(rel, (sp.Eq, sp.Le, sp.Ge, sp.Lt, sp.Gt)):
        return None
    lhs, rhs = rel.lhs, rel.rhs
    if kind == "flip":
        if isinstance(rel, sp.Eq):
            return sp.Lt(lhs, rhs, evaluate=False)
        return _FLIP[type(rel)](lhs, rhs, evaluate=False)
    if kind == "constant":
        numbers = sorted((a for a in rel.atoms(sp.Number) if a not in (0, 1, -1)), key=str)
        if numbers:
            c = numbers[0]
            return rel.func(lhs.xreplace({c: c + 1}), rhs.xreplace({c: c + 1}), evaluate=False)
        return rel.func(lhs, rhs + 1, evaluate=False)
    if kind == "drop":
        for side in ("rhs", "lhs"):
            value = getattr(rel, side)
            if isinstance(value, sp.Add) and len(value.args) > 1:
                dropped = sp.Add(*value.args[1:])
                return rel.func(dropped, rhs, evaluate=False) if side == "lhs" else rel.func(lhs, dropped, evaluate=False)
        return None
    if kind == "swap":
        if not (rel.has(p_A) or rel.has(p_U)):
            return None
        swapped = rel.xreplace({p_A: p_U, p_U: p_A})  # at once: no placeholder stands in (Mass refuses one)
        return rel.func(swapped.lhs, swapped.rhs, evaluate=False)
    if kind == "beta":
        return rel.func(lhs, beta * rhs, evaluate=False) if rhs != 0 else rel.func(beta * lhs, rhs + 1, evaluate=False)
    raise ValueError(f"unknown mutation {kind!r}; known: {', '.join(KINDS)}")


def _claim(claim: sp.Basic, kind: str) -> sp.Basic | None:
    if isinstance(claim, sp.And):
        parts = list(claim.args)
        new = _relation(parts[0], kind)
        return None if new is None else sp.And(new, *parts[1:], evaluate=False)
    return _relation(claim, kind)


def mutants(step: Step, kinds: tuple[str, ...] = KINDS) -> list[Step]:
    """The mutants of ``step`` (one per kind that applies and changes the claim)."""
    out = []
    for kind in kinds:
        claim = _claim(step.claim, kind)
        if claim is None or claim == step.claim or claim in (sp.true, sp.false):
            continue
        try:
            out.append(replace(step, id=f"{step.id}.{kind}", claim=claim, chain=(), search_samples=min(step.search_samples, 120)))
        except ValueError:  # the mutant proves nothing (identical sides) or evaluated away
            continue
    return out


@dataclass(frozen=True)
class MutationScore:
    """How the engine did on the mutants of some derivations.

    ``refuted`` and ``undecided`` count mutants; ``proved`` lists the mutants the engine proved
    (a mutant can be true: dropping a zero term, say) and ``false_proved`` those of them that
    an independent certified search then refuted, which must be none.
    """

    total: int
    refuted: int
    undecided: int
    proved: tuple[str, ...]
    false_proved: tuple[str, ...]
    assumed: int = 0

    def __str__(self) -> str:
        return (f"{self.total} mutants: {self.refuted} refuted, {self.undecided} undecided, "
                f"{len(self.proved)} proved (all true: {not self.false_proved}), {self.assumed} assumed")


def score(derivations, samples: int = 60, seed: int = 0, check_samples: int = 400) -> MutationScore:
    """Decide every mutant of every step of ``derivations`` (in the context of the original
    derivation, citing the originals' results), and search every proved mutant again,
    independently, with ``check_samples`` instances and another seed."""
    from .derivation import Report, _search_facts, decide
    from .search import Problem, search
    from .theory import Theory
    from .verdict import Verdict

    derivations = tuple(derivations)
    report = Report.run(derivations, seed=seed)
    established = {r.step.id: r for r in report.all_results}
    counts = {Verdict.REFUTED: 0, Verdict.UNDECIDED: 0, Verdict.ASSUMED: 0}
    proved, false_proved, total = [], [], 0
    for d in derivations:
        for step in d.steps:
            for m in mutants(step):
                m = replace(m, search_samples=samples)
                total += 1
                out = decide(m, seed=seed, context=d.context, established=established)
                if out.verdict is Verdict.PROVED:
                    proved.append(m.id)
                    theory = Theory.of(d.context, m.domains)
                    hyps = tuple(m.hypotheses) + tuple(h for ref in m.given for h in established[ref].assumptions)
                    problem = Problem(m.claim, hyps, _search_facts(m, theory),
                                      m.support if m.support is not None else theory.support(), m.domains)
                    if search(problem, samples=check_samples, seed=seed + 7).counterexample is not None:
                        false_proved.append(m.id)
                else:
                    counts[out.verdict] = counts.get(out.verdict, 0) + 1
    return MutationScore(total, counts[Verdict.REFUTED], counts[Verdict.UNDECIDED], tuple(proved), tuple(false_proved),
                         counts[Verdict.ASSUMED])
