"""Derivations: ordered steps, each decided by machine, and the report they produce."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable

import sympy as sp

from .facts import Definition, Fact
from .search import Problem, search
from .step import Step
from .strategies import NormalForm, Strategy
from .verdict import Outcome, Verdict

__all__ = ["Derivation", "StepResult", "Report", "decide"]


@dataclass(frozen=True)
class StepResult:
    """A step with the verdict the engine computed for it."""

    step: Step
    outcome: Outcome
    seconds: float
    #: the hypotheses the step's statement holds under: its own and those inherited via ``given``
    assumptions: tuple = ()

    @property
    def ok(self) -> bool:
        return self.outcome.verdict is self.step.expected

    def to_json(self) -> dict[str, Any]:
        from ..render.printer import latex

        ce = self.outcome.counterexample
        return {
            "id": self.step.id,
            "title": self.step.title,
            "statement": latex(self.step.claim),
            "verdict": self.outcome.verdict.value,
            "expected": self.step.expected.value,
            "method": self.outcome.method,
            "seconds": round(self.seconds, 4),
            "counterexample": None if ce is None else ce.to_json(),
        }


def _search_facts(step: Step, context: tuple[Fact, ...]) -> tuple[Fact, ...]:
    """The step's facts, then every context definition of something the step does not define.

    The prover may use only the step's facts, but truth is judged in the whole model: an
    instance must satisfy every definition, or a counterexample could be an artefact of
    leaving, say, ``Z`` free.
    """
    defined = {f.target.base if isinstance(f.target, sp.Indexed) else f.target for f in step.facts if isinstance(f, Definition)}
    extra = tuple(
        f for f in context
        if isinstance(f, Definition) and (f.target.base if isinstance(f.target, sp.Indexed) else f.target) not in defined
    )
    return tuple(step.facts) + extra


def decide(
    step: Step,
    seed: int = 0,
    samples: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    context: tuple[Fact, ...] = (),
) -> Outcome:
    """Compute a step's verdict: try its strategy; failing that, search for a counterexample.

    ``context`` holds the definitions of the surrounding model; the search unfolds them too.

    >>> from dpo_mixture.notation import beta
    >>> decide(Step("b", "beta > 1", sp.Gt(beta, 1), "wishful")).verdict
    <Verdict.REFUTED: 'refuted'>
    """
    strategy: Strategy = step.strategy or NormalForm()
    try:
        outcome = strategy.attempt(step)
    except (NotImplementedError, ValueError, TypeError, sp.PolynomialError) as exc:
        outcome = None
        failure = f"{strategy.name} failed: {type(exc).__name__}"
    else:
        failure = f"{strategy.name} did not close"
    if outcome is not None:
        return outcome
    problem = Problem(step.claim, step.hypotheses, _search_facts(step, context), step.support, step.domains)
    count = step.search_samples if samples is None else samples
    try:
        found = search(problem, samples=count, seed=seed, progress=progress)
    except ValueError as exc:
        return Outcome(Verdict.UNDECIDED, f"{failure}; search impossible: {exc}")
    if found.counterexample is not None:
        return Outcome(
            Verdict.REFUTED,
            f"counterexample search ({found.counterexample.confirmation})",
            counterexample=found.counterexample,
            samples=found.samples,
        )
    return Outcome(Verdict.UNDECIDED, f"{failure}; {found.note}", samples=found.samples)


def _with_citations(step: Step, established: dict[str, StepResult], assumptions: tuple) -> tuple[Step, str | None]:
    """The step with what it cites filled in, or a reason why it cannot be decided.

    ``assumptions`` are the step's own hypotheses and those its ``given`` citations pass on
    (see :func:`_inherited`); the cited claims follow them.
    """
    for ref in (*step.given, *step.uses):
        if ref not in established:
            raise ValueError(f"step {step.id!r} cites {ref!r}, which is not an earlier step")
        verdict = established[ref].outcome.verdict
        if verdict not in (Verdict.PROVED, Verdict.ASSUMED):
            return step, f"depends on step {ref!r}, which is {verdict.value}"
    claims = [established[ref].step.claim.xreplace(step.instantiate) for ref in step.given]
    lemmas = [(tuple(established[ref].assumptions), established[ref].step.claim) for ref in step.uses]
    hypotheses = tuple(dict.fromkeys((*assumptions, *claims)))
    return replace(step, hypotheses=hypotheses, lemmas=tuple(step.lemmas) + tuple(lemmas)), None


def _inherited(step: Step, established: dict[str, StepResult]) -> tuple[sp.Basic, ...]:
    """What the step's statement assumes: its own hypotheses and those its citations pass on."""
    out = list(step.hypotheses)
    for ref in step.given:
        if ref in established:
            out.extend(h.xreplace(step.instantiate) for h in established[ref].assumptions)
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Derivation:
    """A titled, ordered list of steps with the prose that frames them.

    ``kind`` is what the documents call it (``"Lemma"``, ``"Theorem"``, ``"Proposition"`` or
    ``"Section"``); ``statement`` are the relations the result asserts, displayed in its
    statement; ``intro`` and ``outro`` are prose for the documents (plain text with inline
    ``$...$`` LaTeX).  ``context`` holds the definitions of the model the derivation lives in:
    the counterexample search respects them even where a step does not cite them.
    """

    id: str
    title: str
    steps: tuple[Step, ...]
    kind: str = "Section"
    label: str = ""
    statement: tuple[sp.Basic, ...] = ()
    statement_text: str = ""
    intro: str = ""
    outro: str = ""
    context: tuple[Fact, ...] = ()
    extras: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        ids = [s.id for s in self.steps]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"derivation {self.id!r}: duplicate step ids {dupes}")

    def check(
        self,
        seed: int = 0,
        progress: Callable[[str], None] | None = None,
        established: dict[str, StepResult] | None = None,
    ) -> list[StepResult]:
        """Decide every step in order.

        ``established`` maps ids of steps decided before (possibly in other derivations) to
        their results; a step's ``given`` may only cite those that were proved or cited.
        """
        established = {} if established is None else established
        results = []
        for step in self.steps:
            if progress is not None:
                progress(step.id)
            start = time.perf_counter()
            assumptions = _inherited(step, established)
            cited, blocked = _with_citations(step, established, assumptions)
            if blocked:
                outcome = Outcome(Verdict.UNDECIDED, blocked)
            else:
                outcome = decide(cited, seed=seed, context=self.context)
            result = StepResult(step, outcome, time.perf_counter() - start, assumptions)
            established[step.id] = result
            results.append(result)
        return results


@dataclass(frozen=True)
class Report:
    """Verdicts of several derivations; ``ok`` when every verdict is the one expected."""

    derivations: tuple[Derivation, ...]
    results: dict[str, list[StepResult]]

    @classmethod
    def run(cls, derivations: Iterable[Derivation], seed: int = 0, progress: Callable[[str], None] | None = None) -> "Report":
        derivations = tuple(derivations)
        seen: set[str] = set()
        for d in derivations:
            for s in d.steps:
                if s.id in seen:
                    raise ValueError(f"step id {s.id!r} appears in more than one derivation")
                seen.add(s.id)
        established: dict[str, StepResult] = {}
        return cls(derivations, {d.id: d.check(seed=seed, progress=progress, established=established) for d in derivations})

    @property
    def all_results(self) -> list[StepResult]:
        return [r for d in self.derivations for r in self.results[d.id]]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.all_results)

    def to_json(self) -> dict[str, Any]:
        return {"steps": [r.to_json() for r in self.all_results], "ok": self.ok}

    def result(self, step_id: str) -> StepResult:
        for r in self.all_results:
            if r.step.id == step_id:
                return r
        raise KeyError(step_id)
