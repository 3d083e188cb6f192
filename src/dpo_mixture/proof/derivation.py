"""Derivations: ordered steps, each decided by machine, and the report they produce.

Deciding a step (:func:`decide`):

1. its strategy *proposes* a certificate (strategies are never trusted);
2. the kernel (:mod:`.kernel`) checks the certificate against the step as written; only the
   kernel's judgment can make a verdict ``PROVED`` or ``ASSUMED``;
3. a proved or assumed step is *audited*: the certified counterexample search runs on it too.
   A counterexample to a step the kernel accepted is an internal soundness error: the step is
   reported refuted with the strategy named, and the command line exits 4.  A counterexample
   to an assumed step means what was assumed is false: the step is refuted;
4. otherwise the search looks for a counterexample; a violation counts only when certified in
   exact or interval arithmetic.  Failing that, the verdict is ``UNDECIDED`` with the reasons.

Every step runs under a time budget (``Step.seconds``, default 30 s); past it the verdict is
undecided with "time limit" as the reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Callable, Iterable, Iterator, Mapping

import sympy as sp

from .audit import Auditor, run_audit, run_search
from .certificate import Instance, ProofCertificate
from .deadline import DEFAULT_SECONDS, TimeLimit, time_limit
from .facts import Definition, Fact, Identity, relevant
from .kernel import Goal, Judgment, Lemma, _apply, check
from .search import Problem, SearchResult
from .step import Step
from .strategies import Context, NormalForm, Strategy
from .theory import Theory, key_of
from .verdict import Outcome, Verdict

__all__ = ["Derivation", "StepResult", "Report", "decide", "AUDIT_SAMPLES"]

#: Instances the audit search tries on every step the kernel accepted.
AUDIT_SAMPLES = 60


@dataclass(frozen=True)
class StepResult:
    """A step with the verdict the engine computed for it."""

    step: Step
    outcome: Outcome
    seconds: float
    #: the hypotheses the step's statement holds under: its own and those inherited via ``given``
    assumptions: tuple = ()
    theory: Theory = field(default_factory=Theory)
    #: the step as it was decided (:func:`step_fields`); a step changed since has no verdict
    decided_as: tuple = field(default=(), compare=False, repr=False)

    @property
    def changed(self) -> bool:
        """Whether the step was changed after it was decided (code of the module's own that
        rewrites a frozen step): its verdict is then about another statement."""
        return bool(self.decided_as) and self.decided_as != step_fields(self.step)

    @property
    def ok(self) -> bool:
        return self.outcome.verdict is self.step.expected and not self.outcome.soundness_error

    @property
    def support(self) -> sp.Expr | None:
        """Where the step's outputs live: its own ``support``, else the model's."""
        return self.step.support if self.step.support is not None else self.theory.support()

    def lemma(self) -> Lemma:
        verdict = Verdict.UNDECIDED if self.changed else self.outcome.verdict  # nothing to cite
        return Lemma(self.step.id, self.step.claim, tuple(self.assumptions), self.theory,
                     verdict, tuple(self.outcome.assumed))

    def to_json(self) -> dict[str, Any]:
        from ..render.printer import latex
        from .serial import dumps
        from .verify import model_shown

        ce = self.outcome.counterexample
        cert = self.outcome.certificate
        return {
            "id": self.step.id,
            "title": self.step.title,
            "statement": latex(self.step.claim),
            "hypotheses": [latex(h) for h in self.assumptions],
            "model": model_shown(self.theory, self.support, (self.step.claim, *self.assumptions)),
            "verdict": self.outcome.verdict.value,
            "expected": self.step.expected.value,
            "method": self.outcome.method,
            "assumed": list(self.outcome.assumed),
            "seconds": round(self.seconds, 4),
            "counterexample": None if ce is None else ce.to_json(),
            "soundness_error": self.outcome.soundness_error or None,
            "goal": {
                "claim": dumps(self.step.claim),
                "hypotheses": [dumps(h) for h in self.assumptions],
                "chain": [dumps(c) for c in self.step.chain],
                "conditions": [dumps(c) for c in self.step.conditions],
                "theory": [_fact_json(d) for d in self.theory.definitions],
                "domains": [[dumps(q), d.name] for q, d in self.theory.overrides],
                "facts": [_fact_json(f) for f in _search_facts(self.step, self.theory)],
                "support": None if self.support is None else dumps(self.support),
                # the steps the certificate may cite (with the library): what the step names
                "cites": [*self.step.given, *self.step.uses],
            },
            "certificate": None if cert is None else cert.to_json(),
        }


def _fact_json(f: Fact) -> dict:
    from .certificate import fact_to_json

    return fact_to_json(f)


def _declared_domains(step: Step, hypotheses: tuple, facts: tuple, support) -> dict:
    """The step's domain overrides plus the registered domain of every quantity it mentions,
    so that a search in another process (where a user module's declarations were never run)
    draws each quantity from the same domain."""
    from ..notation import DOMAINS

    exprs = [step.claim, *hypotheses, *[f.expr for f in facts if isinstance(f, Definition)]]
    if support is not None:
        exprs.append(support)
    out = dict(step.domains)
    for e in exprs:
        for q in e.free_symbols | {i.base for i in e.atoms(sp.Indexed)}:
            if q in DOMAINS and q not in out:
                out[q] = DOMAINS[q]
    return out


def _search_facts(step: Step, theory: Theory) -> tuple[Fact, ...]:
    """The model's definitions, then the step's definitions of fresh symbols: symbols that
    nothing declares and the model never mentions (a plain ``Symbol("W", positive=True)``
    abbreviating ``beta + 1``).

    Truth is judged in the model: a step cannot redefine a quantity the model defines, declares
    or speaks of (``t := 1`` where the model has ``W := t + 1`` leaves ``t`` free for the search).
    """
    from ..notation import DOMAINS, declared_domain

    model = theory._symbols()

    def fresh(k) -> bool:
        return (theory.definition(k) is None and not theory.is_derived(k) and k not in DOMAINS
                and declared_domain(k) is None and k not in dict(theory.overrides) and k not in model)

    extra = tuple(f for f in step.facts if isinstance(f, Definition) and fresh(key_of(f.target)))
    return theory.definitions + extra


def step_theory(context: Iterable[Fact], step: Step) -> Theory:
    """The model a step is judged in: the derivation's context, the step's domain overrides, and
    the step's own definitions of fresh symbols (``W := s^2``, as the search reads them): a
    certificate may not leave one out and read ``W`` as a constant where ``s`` is bound."""
    theory = Theory.of(context, step.domains)
    fresh = _search_facts(step, theory)[len(theory.definitions):]
    if not fresh:
        return theory
    try:
        return Theory.of((*theory.definitions, *fresh), step.domains)
    except ValueError as exc:  # a cycle through the step's own definitions
        why = str(exc).replace("the context's", "its own and the context's")
        raise ValueError(f"step {step.id!r}: {why}") from None


def _instances(step: Step, established: dict[str, "StepResult"]) -> tuple[Instance, ...]:
    """The step's ``given`` citations as lemma instances (``instantiate`` applied to each)."""
    out = []
    for ref in step.given:
        lemma = established[ref]
        free = lemma.step.claim.free_symbols | {i.base for i in lemma.step.claim.atoms(sp.Indexed)}
        for h in lemma.assumptions:
            free |= h.free_symbols | {i.base for i in h.atoms(sp.Indexed)}
        subs = []
        for k, v in _as_substitution(step.instantiate).items():
            if k in free:
                subs.append((k, v))
        out.append(Instance(ref, tuple(subs)))
    return tuple(out)


def _as_substitution(mapping: dict) -> dict:
    """``instantiate`` with indexed keys (``q[y]: 2*q[y]``) written as ``q: Lambda(y, 2*q[y])``."""
    out = {}
    for k, v in mapping.items():
        if isinstance(k, sp.Indexed) and len(k.indices) == 1 and isinstance(k.indices[0], sp.Symbol):
            out[k.base] = sp.Lambda(k.indices[0], v)
        else:
            out[k] = v
    return out


def _inherited(step: Step, established: dict[str, "StepResult"]) -> tuple[sp.Basic, ...]:
    """What the step's statement assumes: its own hypotheses and those its citations pass on."""
    out = list(step.hypotheses)
    subs = _as_substitution(step.instantiate)
    for ref in step.given:
        if ref in established:
            out.extend(_apply(h, subs) for h in established[ref].assumptions)
    return tuple(dict.fromkeys(out))


def _propose(strategy: Strategy, step: Step, context: Context) -> tuple[Iterable[ProofCertificate], str]:
    """The strategy's proposals (one certificate, several alternatives, or an iterator that
    makes them one at a time, as they are asked for), or why there are none.  Anything but a
    certificate is ignored: only the kernel decides."""
    try:
        proposal = strategy.propose(step, context)
        if proposal is None and type(strategy).propose is Strategy.propose and hasattr(strategy, "attempt"):
            proposal = strategy.attempt(step)  # a strategy written against the old interface
    except TimeLimit:
        raise
    except Exception as exc:  # a strategy is untrusted code: its failure is not ours
        return (), f"{strategy.name} failed: {type(exc).__name__}"
    if proposal is None:
        return (), f"{strategy.name} proposed nothing"
    if isinstance(proposal, ProofCertificate):
        return (proposal,), ""
    if isinstance(proposal, (tuple, list)):
        proposals = tuple(proposal)
        bad = [p for p in proposals if not isinstance(p, ProofCertificate)]
        if bad:
            return (), f"{strategy.name} returned {type(bad[0]).__name__}, not a certificate; only the kernel decides"
        if not proposals:
            return (), f"{strategy.name} proposed nothing"
        return proposals, ""
    if isinstance(proposal, Iterator):
        return _checked_stream(strategy, proposal), ""
    return (), f"{strategy.name} returned {type(proposal).__name__}, not a certificate; only the kernel decides"


def _checked_stream(strategy: Strategy, proposals: Iterator) -> Iterator[ProofCertificate]:
    """The certificates of a lazy strategy; the stream ends where the strategy fails or
    yields anything else (its failure is not ours; a time limit still stops everything)."""
    while True:
        try:
            cert = next(proposals)
        except StopIteration:
            return
        except TimeLimit:
            raise
        except Exception:
            return
        if not isinstance(cert, ProofCertificate):
            return
        yield cert


def _all_instances(cert: ProofCertificate) -> list[Instance]:
    """The certificate's lemma instances, those of nested certificates included."""
    out = list(cert.instances)
    for _, value in cert.data:
        if isinstance(value, ProofCertificate):
            out += _all_instances(value)
    return out


#: Time one kernel check may take when a strategy proposes several certificates.
CHECK_SECONDS = 4.0


def _best(goal: Goal, proposals: Iterable[ProofCertificate], lemmas: dict,
          established: dict | None = None) -> tuple[ProofCertificate | None, Judgment | None]:
    """The first proposal the kernel proves; else the first it accepts as assumed; else the
    first rejection (for its reason).  Proposals are taken one at a time, so a lazy strategy
    stops making them once one is proved.  Library lemmas a proposal cites are established
    (proved by the engine) before it is checked.  With several proposals each check has a time
    limit, so one slow dead end does not use up the step's budget."""
    assumed = rejected = None
    several = not (isinstance(proposals, tuple) and len(proposals) == 1)
    for cert in proposals:
        cited = {i.lemma for i in _all_instances(cert)} - set(lemmas)
        if cited:
            from ..lemmas import establish, is_library

            library = [c for c in cited if is_library(c)]
            if library:  # a strategy found a library lemma by itself: check it like a cited one
                established = {} if established is None else established
                establish(library, established)
                lemmas = {**lemmas, **{k: v.lemma() for k, v in established.items() if k in set(library) | set(lemmas) or is_library(k)}}
        try:
            with time_limit(CHECK_SECONDS if several else None):
                judgment = check(goal, cert, lemmas)
        except TimeLimit:
            judgment = Judgment(Verdict.UNDECIDED, f"certificate not checked within {CHECK_SECONDS:g} s")
        if judgment.genuine and judgment.verdict is Verdict.PROVED:
            return cert, judgment
        if judgment.genuine and judgment.verdict is Verdict.ASSUMED and assumed is None:
            assumed = (cert, judgment)
        elif rejected is None:
            rejected = (cert, judgment)
    return assumed or rejected or (None, None)


def _method(strategy: Strategy, cert: ProofCertificate, judgment: Judgment) -> str:
    what = f"{cert.proposer or strategy.name} (kernel: {cert.rule})"
    used = relevant(cert.facts, (cert.conclusion, *cert.hypotheses))  # the facts the statement can reach
    if used:
        what += " using " + ", ".join(f.name for f in used)
    if cert.instances:
        what += "; cites " + ", ".join(dict.fromkeys(i.lemma for i in cert.instances))
    return what


class _StrategysTheory(Theory):
    """A strategy's copy of a theory: equal only to itself, so that no cache keyed by theories
    hands what a strategy did to its copy back to the kernel."""

    __eq__ = object.__eq__
    __hash__ = object.__hash__


def _for_strategy(step: Step, goal: Goal, lemmas: dict) -> tuple[Step, Goal, Mapping]:
    """What a strategy is shown: copies of the step, of the goal, of its theory (definitions
    included) and of the citable lemmas (read-only), never the objects the kernel then checks
    against.  A strategy that writes into what it was handed (a lemma added, a hypothesis or a
    definition set with ``object.__setattr__``) changes only its own copy."""
    def theory(t: Theory) -> Theory:
        return _StrategysTheory(tuple(_private_fact(d) for d in t.definitions), t.overrides)

    mine = Goal(goal.claim, tuple(goal.hypotheses), theory(goal.theory), tuple(goal.chain), tuple(goal.conditions))
    return (_private_step(step), mine,
            MappingProxyType({k: replace(v, theory=theory(v.theory)) for k, v in lemmas.items()}))


def _outcome(
    step: Step,
    theory: Theory,
    hypotheses: tuple,
    lemmas: dict[str, Lemma],
    given: tuple[Instance, ...],
    seed: int,
    samples: int,
    audit: int,
    progress: Callable[[int, int], None] | None,
    auditor: Auditor | None = None,
    budget: float | None = None,
    established: dict | None = None,
) -> Outcome:
    strategy: Strategy = step.strategy or NormalForm()
    goal = Goal(step.claim, hypotheses, theory, tuple(step.chain), tuple(step.conditions))
    shown, *seen = _for_strategy(step, goal, lemmas)
    proposals, why = _propose(strategy, shown, Context(*seen, given, tuple(step.uses)))
    cert, judgment = _best(goal, proposals, lemmas, established)
    facts = _search_facts(step, theory)
    support = step.support if step.support is not None else theory.support()
    # where the statement is undefined (a condition it carries fails) there is no counterexample
    searched = (*hypotheses, *step.conditions)
    problem = Problem(step.claim, searched, facts, support, _declared_domains(step, searched, facts, support))

    if judgment is not None and judgment.genuine and judgment.verdict in (Verdict.PROVED, Verdict.ASSUMED):
        method = _method(strategy, cert, judgment) if judgment.verdict is Verdict.PROVED else "assumed: " + judgment.reason
        accepted = Outcome(judgment.verdict, method, certificate=cert, assumed=judgment.assumed,
                           obligations=judgment.obligations)
        if audit <= 0:
            return accepted
        # the kernel never reads the step's own support: the audit draws where the model says
        # the support is, so that a step cannot narrow what its audit sees
        model = theory.support()
        if model is not None and model != support:
            problem = Problem(step.claim, searched, facts, model, _declared_domains(step, searched, facts, model))
        if auditor is not None:
            return replace(accepted, audit=auditor.submit(problem, audit, seed, budget))
        return audited(accepted, run_audit(problem, audit, seed, budget), strategy.name)
    reason = why or (judgment.reason if judgment is not None else "")
    if auditor is not None and auditor.parallel:  # searched beside the engine, like an audit
        return Outcome(Verdict.UNDECIDED, reason, detail=reason,
                       search=auditor.submit(problem, samples, seed, budget, job=run_search))
    # in place, the step's own time limit (decide's) covers the search
    return searched_outcome(run_search(problem, samples, seed, None, progress), reason)


def _settled(outcome: Outcome, auditor: Auditor) -> Outcome:
    """``outcome`` with the counterexample search that ran beside the engine waited for."""
    return outcome if outcome.search is None else searched_outcome(auditor.result(outcome.search), outcome.detail)


def searched_outcome(found: SearchResult | str, reason: str) -> Outcome:
    """The outcome of a step the kernel did not accept, from its counterexample search (or the
    sentence saying why there is none) and the reason the kernel gave."""
    if isinstance(found, SearchResult) and found.counterexample is not None:
        ce = found.counterexample
        return Outcome(Verdict.REFUTED, f"counterexample search ({ce.confirmation})", counterexample=ce, samples=found.samples)
    note = found if isinstance(found, str) else found.note
    return Outcome(Verdict.UNDECIDED, f"{reason}; {note}" if reason else note, detail=reason,
                   samples=found.samples if isinstance(found, SearchResult) else 0)


def audited(outcome: Outcome, found: SearchResult | None, proposer: str) -> Outcome:
    """An accepted outcome after its audit: unchanged, or refuted if the audit found a
    certified counterexample (a soundness error if the kernel had said proved)."""
    ce = None if found is None else found.counterexample
    if ce is None:
        if found is None:
            note = "not audited: the audit search ran out of time or could not evaluate the step"
        elif found.evaluated == 0:
            note = "not audited: the audit search could evaluate the step at no instance"
        elif found.met == 0:
            note = "not audited: no instance of the audit search met the hypotheses"
        else:
            return replace(outcome, audit=None, samples=found.samples)
        return replace(outcome, audit=None, samples=0 if found is None else found.samples,
                       method=f"{outcome.method} [{note}]", detail=note)
    if outcome.verdict is Verdict.PROVED:
        rule = outcome.certificate.rule if outcome.certificate is not None else "?"
        return Outcome(
            Verdict.REFUTED,
            f"SOUNDNESS ERROR: the kernel accepted {proposer}'s certificate (rule {rule}), "
            f"but the audit found a certified counterexample ({ce.confirmation})",
            counterexample=ce, samples=found.samples, soundness_error=proposer or "?",
        )
    return Outcome(
        Verdict.REFUTED,
        f"counterexample search ({ce.confirmation}); the proof assumed: {'; '.join(outcome.assumed)}",
        counterexample=ce, samples=found.samples, assumed=outcome.assumed,
    )


def _refuse_library_id(step: Step) -> None:
    """A step of a user's own may not take an id of the library's form (``lib.``): the engine
    would read it as one of the library's lemmas, or put it in the place of one."""
    from ..lemmas import catalogue, is_library

    if is_library(step.id) and not any(step is own for own in catalogue()):
        raise ValueError(f"step id {step.id!r}: ids that begin with 'lib.' belong to the library's lemmas; "
                         "rename the step")


def decide(
    step: Step,
    seed: int = 0,
    samples: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    context: tuple[Fact, ...] = (),
    established: dict[str, "StepResult"] | None = None,
    seconds: float | None = None,
    audit: int | None = None,
    auditor: Auditor | None = None,
) -> Outcome:
    """Decide one step: proposal, kernel check, audit, else counterexample search.

    ``context`` holds the definitions of the model the step lives in; ``established`` the
    results the step may cite; ``seconds`` its budget (default: the step's, else 30 s).

    >>> from dpo_mixture.notation import beta
    >>> decide(Step("b", "beta > 1", sp.Gt(beta, 1), "wishful")).verdict
    <Verdict.REFUTED: 'refuted'>
    """
    from .step import problem_of

    if type(step) is not Step:
        raise TypeError(f"decide takes a Step, not {type(step).__name__} (a subclass could show one claim and be "
                        "decided on another)")
    if problem_of(step):
        raise ValueError(problem_of(step))
    _refuse_library_id(step)
    established = {} if established is None else established
    missing = [ref for ref in (*step.given, *step.uses) if ref not in established]
    if missing:
        from ..lemmas import establish, is_library

        if all(is_library(ref) for ref in missing):
            establish(missing, established, seed=seed)
    theory = step_theory(context, step)
    budget = seconds if seconds is not None else (step.seconds or DEFAULT_SECONDS)
    count = step.search_samples if samples is None else samples
    audit = AUDIT_SAMPLES if audit is None else audit
    for ref in (*step.given, *step.uses):
        if ref not in established:
            raise ValueError(f"step {step.id!r} cites {ref!r}, which is not an earlier step")
        verdict = established[ref].lemma().verdict
        if verdict not in (Verdict.PROVED, Verdict.ASSUMED):
            return Outcome(Verdict.UNDECIDED, f"depends on step {ref!r}, which is {verdict.value}", depends=ref)
    hypotheses = _inherited(step, established)
    from ..lemmas import citable

    lemmas = {k: v.lemma() for k, v in citable(established, (*step.given, *step.uses)).items()}
    try:
        with time_limit(budget):
            return _outcome(step, theory, hypotheses, lemmas, _instances(step, established), seed, count, audit,
                            progress, auditor, budget, established)
    except TimeLimit as exc:
        return Outcome(Verdict.UNDECIDED, f"undecided: {exc} (set Step.seconds for a larger budget)")


@dataclass(frozen=True)
class Derivation:
    """A titled, ordered list of steps with the prose that frames them.

    ``kind`` is what the documents call it (``"Lemma"``, ``"Theorem"``, ``"Proposition"`` or
    ``"Section"``); ``statement`` are the relations the result asserts, displayed in its
    statement; ``intro`` and ``outro`` are prose for the documents
    (``prose(...)`` with SymPy objects for the maths; a plain string is text, and one that
    carries maths of its own, ``$u < 1$`` say, is refused when the documents are built).  ``context`` holds the definitions of the model the derivation lives in:
    the kernel and the counterexample search respect them even where a step does not cite them.

    >>> from dpo_mixture import declare
    >>> b = declare.temperature("b")
    >>> d = Derivation("squares", "Two squares", (
    ...     Step("square", "a square", sp.Eq((b + 1) ** 2, b**2 + 2 * b + 1), "expand"),
    ...     Step("too-big", "a wrong bound", sp.Le((b + 1) ** 2, 4 * b), "hoped for", expected=Verdict.REFUTED),
    ... ))
    >>> [r.outcome.verdict.value for r in d.check()]
    ['proved', 'refuted']
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
        # held as plain tuples, read once: a list the module keeps (or a sequence that builds its
        # items at each reading) could otherwise be decided as one thing and shown as another
        for name, kind in (("steps", Step), ("statement", sp.Basic), ("context", (Definition, Identity))):
            given = getattr(self, name)
            if isinstance(given, (str, bytes, dict)) or not hasattr(given, "__iter__"):
                raise ValueError(f"derivation {self.id!r}: {name} must be a tuple, not {type(given).__name__}")
            items = tuple(given)
            wrong = next((x for x in items if not isinstance(x, kind)), None)
            if wrong is not None:
                raise ValueError(f"derivation {self.id!r}: {name} holds {type(wrong).__name__} ({wrong!r:.60}), "
                                 f"not {' or '.join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))}")
            object.__setattr__(self, name, items)
        if self.kind in RESULT_KINDS and any(callable(getattr(x, "fixes", None)) for rel in self.statement
                                             for x in sp.preorder_traversal(rel)):
            raise ValueError(f"derivation {self.id!r}: a {self.kind} states what holds for every value of its "
                             "quantities; a value at one instance (AtInstance) belongs in a worked example, a Section")
        ids = [s.id for s in self.steps]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"derivation {self.id!r}: duplicate step ids {dupes}")
        Theory.of(self.context)  # a context that defines one quantity twice is refused here
        from .step import off_label

        off = off_label([f.relation for f in self.context if hasattr(f, "relation")], " of its context")
        if off:
            raise ValueError(f"derivation {self.id!r}: {off}")
        for rel in self.statement:
            if not _stated_by(rel, self):
                raise ValueError(
                    f"derivation {self.id!r}: its statement {sp.sstr(rel)} is neither the claim of one of its steps "
                    "(whose hypotheses statement_text shows) nor a definition (of its context, of a named operator, or "
                    "of a fresh name), so nothing would check it")

    def check(
        self,
        seed: int = 0,
        progress: Callable[[str], None] | None = None,
        established: dict[str, StepResult] | None = None,
        seconds: float | None = None,
        auditor: Auditor | None = None,
    ) -> list[StepResult]:
        """Decide every step in order.

        ``established`` maps ids of steps decided before (possibly in other derivations) to
        their results; a step may only cite those that were proved or assumed.
        """
        established = {} if established is None else established
        results = []
        for step in self.steps:
            if progress is not None:
                progress(step.id)
            start = time.perf_counter()
            before = step_fields(step)
            outcome = decide(step, seed=seed, context=self.context, established=established, seconds=seconds,
                             auditor=auditor)
            theory = step_theory(self.context, step)
            result = StepResult(step, outcome, time.perf_counter() - start, _inherited(step, established), theory,
                                decided_as=before)
            established[step.id] = result
            results.append(result)
        return results


@dataclass(frozen=True)
class Report:
    """Verdicts of several derivations; ``ok`` when every verdict is the one expected.

    >>> from dpo_mixture import declare
    >>> b = declare.temperature("b")
    >>> d = Derivation("positive", "Positivity", (Step("b-plus-one", "", sp.Gt(b + 1, 1, evaluate=False), "b > 0"),))
    >>> report = Report.run([d])
    >>> report.ok, report.result("b-plus-one").outcome.verdict.value
    (True, 'proved')
    """

    derivations: tuple[Derivation, ...]
    results: dict[str, list[StepResult]]

    @classmethod
    def run(
        cls,
        derivations: Iterable[Derivation],
        seed: int = 0,
        progress: Callable[[str], None] | None = None,
        seconds: float | None = None,
        parallel: bool = False,
        then: Callable[[Callable[[str], Outcome]], Iterable[tuple[str, Derivation]]] | None = None,
        shown: Iterable[sp.Basic] = (),
    ) -> "Report":
        """Decide every step of ``derivations`` in order.  With ``parallel``, the audits, the
        counterexample searches and whole groups of derivations that cite only one another run
        in a second process when one is available (see :func:`_apart`).  Every verdict is the
        kernel's either way; a strategy that keeps state of its own from step to step sees, in
        the second process, that state as it was when the report began.

        ``then``, when given, is called once every derivation has been decided, with a function
        that gives a step's outcome (waiting for its search if need be).  It returns more
        derivations to decide, each with the id of the derivation it follows in the report
        (worked examples built from a counterexample, say); their steps may cite every step
        decided before them.

        ``shown`` holds further maths the documents print beside the derivations (a paper's
        abstract and introduction): a name must mean one quantity there too.
        """
        derivations = tuple(_private(d) for d in derivations)
        seen: set[str] = set()
        named: set[str] = set()
        for d in derivations:
            if d.id in named:  # a report holds each derivation's results under its id
                raise ValueError(f"derivation id {d.id!r} appears more than once in the report")
            named.add(d.id)
            for s in d.steps:
                _refuse_library_id(s)
                if s.id in seen:
                    raise ValueError(f"step id {s.id!r} appears in more than one derivation")
                seen.add(s.id)
        shown = tuple(shown)
        established: dict[str, StepResult] = {}
        apart = _apart(derivations) if parallel else ()
        token = object()
        _APART[id(token)] = derivations  # what the second process, a fork, finds by the token
        try:
            with Auditor(parallel=parallel) as auditor:
                results = _check_all(derivations, apart if auditor.forked else (), id(token), seed, progress,
                                     established, seconds, auditor,
                                     first=lambda: _refuse_name_clashes(derivations, shown))
                if then is not None:
                    order = list(derivations)
                    for host, extra in then(lambda step_id: _settled(established[step_id].outcome, auditor)):
                        extra = _private(extra)
                        if extra.id in results or {s.id for s in extra.steps} & set(established):
                            raise ValueError(f"derivation {extra.id!r} reuses the id of a derivation or step of the report")
                        _refuse_name_clashes((*order, extra), shown)  # a worked example names as the rest do
                        results[extra.id] = Derivation.check(extra, seed=seed, progress=progress, established=established,
                                                        seconds=seconds, auditor=auditor)
                        place = [i for i, d in enumerate(order) if d.id == host]
                        if not place:
                            raise ValueError(f"derivation {extra.id!r} follows {host!r}, which the report does not hold")
                        order.insert(place[0] + 1, extra)
                    derivations = tuple(order)
                results = _collect_audits(derivations, results, auditor)
        finally:
            del _APART[id(token)]
        # the library lemmas a strategy found (Lemmas()) join the report as those named in
        # given= do: their names are judged beside the report's as well (those named, and what
        # they rest on, were judged before anything was decided)
        from ..lemmas import is_library, needed

        named = [ref for d in derivations for s in d.steps for ref in (*s.given, *s.uses) if is_library(ref)]
        judged = set(needed(named)) if named else set()
        found = sorted(k for k in established if is_library(k) and k not in judged)
        if found:
            _refuse_name_clashes(derivations, shown, found)
        for d in derivations:
            for r in results[d.id]:
                if r.changed:
                    raise ValueError(f"step {r.step.id!r} was changed after it was decided (code of the module's own "
                                     "rewrote it while the report ran): its verdict would speak of another statement")
            decided = results[d.id]
            if (len(decided) != len(d.steps) or any(r.step is not s for r, s in zip(decided, d.steps))
                    or not all(_stated_by(rel, d) for rel in d.statement)):
                raise ValueError(f"derivation {d.id!r} was changed after its steps were decided (code of the module's "
                                 "own replaced its steps or statement while the report ran): it would show "
                                 "another statement than the one decided")
        return cls(*_with_library(derivations, results, established))

    @property
    def all_results(self) -> list[StepResult]:
        return [r for d in self.derivations for r in self.results[d.id]]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.all_results) and not self.unproved_statements

    @property
    def unproved_statements(self) -> list[str]:
        """Why a derivation presented as a result (a Lemma, Theorem, Proposition or Corollary)
        may not be shown as one: a relation of its statement whose step was not proved (or
        accepted as assumed).  Put such a statement to the engine as a ``"Claim"``."""
        return [why for d in self.derivations for why in self.not_results(d)]

    def not_results(self, d: "Derivation") -> list[str]:
        """Why ``d``, if it is presented as a result, may not be shown as one: a relation of its
        statement whose step was not proved (or accepted as assumed), or that holds only under
        a hypothesis its ``statement_text`` does not show.  The hypotheses are the step's
        result's own, passed on from every step and library lemma it cites, wherever they live,
        and read at the citation's instance (``_passed_on`` sees only ``d``'s own steps)."""
        if d.kind not in RESULT_KINDS:
            return []
        out = [f"{d.kind} {d.id!r} states what step {r.step.id!r} leaves {r.outcome.verdict.value}"
               for r in self.unestablished(d)]
        for r, hidden in self.hidden_hypotheses(d):
            out.append(f"{d.kind} {d.id!r} states {sp.sstr(r.step.claim)}, which step {r.step.id!r} shows only "
                       f"under {', '.join(sp.sstr(h) for h in hidden)}, and its statement_text does not show that")
        return out

    def unestablished(self, d: "Derivation") -> list["StepResult"]:
        """The results of the steps whose claims ``d`` states that were neither proved nor
        accepted as assumed."""
        return [r for r in self.results[d.id]
                if r.step.claim in d.statement and r.outcome.verdict not in (Verdict.PROVED, Verdict.ASSUMED)]

    def hidden_hypotheses(self, d: "Derivation") -> list[tuple["StepResult", list]]:
        """The steps whose claims ``d`` states, each with the hypotheses its result holds under
        that ``d.statement_text`` does not show."""
        maths = d.statement_text.maths() if hasattr(d.statement_text, "maths") else ()
        shown = {_relation_key(m) for m in maths if isinstance(m, sp.Basic)}
        out = []
        for r in self.results[d.id]:
            hidden = [h for h in r.assumptions if _relation_key(h) not in shown]
            if r.step.claim in d.statement and hidden:
                out.append((r, hidden))
        return out

    @property
    def soundness_errors(self) -> list[StepResult]:
        return [r for r in self.all_results if r.outcome.soundness_error]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "dpo-mixture report 3",
            "steps": [r.to_json() for r in self.all_results],
            "ok": self.ok,
            "declarations": _declarations(self.all_results),
            "notation": _notation(self.all_results),
        }

    def result(self, step_id: str) -> StepResult:
        for r in self.all_results:
            if r.step.id == step_id:
                return r
        raise KeyError(step_id)


def _relation_key(rel: sp.Basic):
    """A relation in one written form, so that ``1 < x`` and ``x - 1 > 0`` count as the shown
    ``x > 1``: ``(d, op)`` with ``d op 0`` (``op`` one of ``>``, ``>=``, ``==``, ``!=``), ``d``
    expanded and, for the symmetric ones, of a fixed sign; anything else is itself."""
    flipped = {sp.StrictLessThan: ">", sp.LessThan: ">="}
    kept = {sp.StrictGreaterThan: ">", sp.GreaterThan: ">=", sp.Equality: "==", sp.Unequality: "!="}
    if type(rel) in flipped:
        return sp.expand(rel.rhs - rel.lhs), flipped[type(rel)]
    if type(rel) in kept:
        d = sp.expand(rel.lhs - rel.rhs)
        if kept[type(rel)] in ("==", "!=") and d.could_extract_minus_sign():
            d = -d
        return d, kept[type(rel)]
    return rel


def _stated_by(rel: sp.Basic, d: "Derivation") -> bool:
    """Whether a relation of ``d.statement`` is something the documents may display: the claim
    of one of its steps (shown with that step's verdict), a definition of its context, a named
    operator written out (``J(p) = ...`` that opens to itself), or a fresh name given to an
    expression (``L_DPO = ...``, a name no step, fact or definition uses)."""
    from .facts import Definition, named_operator
    from .kernel import open_operators

    maths = d.statement_text.maths() if hasattr(d.statement_text, "maths") else ()
    shown = {_relation_key(m) for m in maths if isinstance(m, sp.Basic)}
    if any(s.claim == rel and {_relation_key(h) for h in _passed_on(s, d)} <= shown for s in d.steps):
        return True  # a step's claim, with its hypotheses (if any) shown in the statement's text
    theory = Theory.of(d.context)
    defining = [f for f in d.context if isinstance(f, Definition) and f.relation == rel]
    if defining:  # (only the declarations of what the relation defines are asked about)
        unverified = {defn for defn, _ in theory.unverified(frozenset(key_of(f.target) for f in defining))}
        if any(f not in unverified for f in defining):
            return True  # a definition that breaks its target's declaration is no statement
    if not isinstance(rel, sp.Eq):
        return False
    # a named operator written out: J(p) = what it stands for, exactly (as its unfold gives it,
    # or with every operator opened); two sides that are merely equal once SymPy has evaluated
    # them (E[f]/E[f] = 1, undefined where E[f] = 0) are a claim, which needs a step
    if named_operator(rel.lhs) and rel.rhs in (rel.lhs.unfold(), open_operators(rel.lhs)) and rel.lhs != rel.rhs:
        return True
    name = rel.lhs
    if not _fresh_name(name) or name in rel.rhs.free_symbols:
        return False
    used: set = set()
    for s in d.steps:
        for e in (s.claim, *s.hypotheses, *s.chain, *s.conditions, *(f.relation for f in s.facts)):
            used |= e.free_symbols
    for f in d.context:
        used |= f.relation.free_symbols
    return name not in used


#: Kinds of derivation the documents present as established results.
RESULT_KINDS = ("Lemma", "Theorem", "Proposition", "Corollary")


def _passed_on(step: Step, d: "Derivation") -> list:
    """The hypotheses ``step`` holds under: its own and, transitively, those of the steps of
    ``d`` it cites (which pass them on)."""
    steps = {s.id: s for s in d.steps}
    out, todo, seen = list(step.hypotheses), list(step.given), set()
    while todo:
        ref = todo.pop()
        if ref in seen or ref not in steps:
            continue
        seen.add(ref)
        out += steps[ref].hypotheses
        todo += steps[ref].given
    return out


def gives_a_name(rel: sp.Basic, d: "Derivation") -> bool:
    """Whether the statement ``rel`` of ``d`` gives a name a value (one of the model's
    definitions, even where a step restates it, or a fresh name, ``L_DPO = ...``, that no step
    claims) rather than claims something a step proves: the documents print it with ``:=``.
    A definition restated by a step is proved by unfolding it: printed with ``=`` it would
    read as a theorem about every value of the name."""
    from .facts import Definition

    if not isinstance(rel, sp.Eq):
        return False
    if any(isinstance(f, Definition) and f.relation == rel for f in d.context):
        return True
    return not any(s.claim == rel for s in d.steps) and _fresh_name(rel.lhs)


def _fresh_name(name: sp.Basic) -> bool:
    """A plain name nothing declares and no assumption describes (``L_DPO``), which a
    statement may give to an expression."""
    from ..notation import DOMAINS, declared_domain

    return (isinstance(name, sp.Symbol) and not isinstance(name, sp.Dummy) and name not in DOMAINS
            and declared_domain(name) is None and set(name.assumptions0) <= {"commutative"})


#: The derivations of each report being decided, by token: a second process forked while
#: they are decided finds them here, so that a job sent to it names them instead of carrying them.
_APART: dict[int, tuple] = {}

#: Share of the steps the second process decides when it decides derivations of its own (it
#: audits the steps of the others as well, once it is done with them).
APART_SHARE = 0.45


def _apart(derivations: tuple) -> tuple[int, ...]:
    """The positions of the derivations a second process may decide on its own: whole groups
    that cite one another (every step each group's steps cite lies in the group or in the
    library), taken from the end of the report, about :data:`APART_SHARE` of the steps in all.
    Empty when there is too little to share."""
    owner = {s.id: d.id for d in derivations for s in d.steps}
    group = {d.id: d.id for d in derivations}

    def root(x: str) -> str:
        while group[x] != x:
            x = group[x]
        return x

    for d in derivations:
        for s in d.steps:
            for ref in (*s.given, *s.uses):
                if ref in owner:
                    group[root(owner[ref])] = root(d.id)
    sizes: dict[str, int] = {}
    for d in derivations:
        sizes[root(d.id)] = sizes.get(root(d.id), 0) + len(d.steps)
    total = sum(sizes.values())
    if len(sizes) < 2 or total < APART_MIN_STEPS:
        return ()
    chosen: set[str] = set()
    taken = 0
    for d in reversed(derivations):
        g = root(d.id)
        if g not in chosen and taken + sizes[g] <= APART_SHARE * total:
            chosen.add(g)
            taken += sizes[g]
    return tuple(i for i, d in enumerate(derivations) if root(d.id) in chosen)


#: Fewest steps in a report for the second process to decide derivations of its own.
APART_MIN_STEPS = 12


def check_apart(token: int, places: tuple, seed: int, seconds: float | None) -> tuple[dict, dict]:
    """Decide the derivations at ``places`` (positions) of the report ``token`` in the second
    process, auditing each step at once: ``({position: [(the step as decided
    (:func:`_decided_as`), outcome, seconds, assumptions)]}, {library lemma id: its result})``."""
    results, library = _decide_apart(token, places, seed, seconds)
    return {i: [(_decided_as(_APART[token][i], r.step), r.outcome, r.seconds, r.assumptions) for r in rs]
            for i, rs in results.items()}, library


def _decide_apart(token: int, places: tuple, seed: int, seconds: float | None) -> tuple[dict, dict]:
    """The derivations at ``places`` decided as a group that cites only itself (and the
    library): ``({position: [StepResult]}, {library lemma id: its result})``."""
    from ..lemmas import is_library

    derivations = _APART[token]
    established: dict[str, StepResult] = {}
    out = {i: derivations[i].check(seed=seed, established=established, seconds=seconds) for i in places}
    return out, {k: v for k, v in established.items() if is_library(k)}


def step_fields(step: Step) -> tuple:
    """Every field of ``step`` but its strategy (a mapping as sorted pairs): what its verdict is
    a verdict about."""
    import dataclasses

    values = []
    for f in dataclasses.fields(step):
        if f.name == "strategy":
            continue
        value = getattr(step, f.name)
        if isinstance(value, dict):
            value = tuple(sorted(value.items(), key=lambda kv: str(kv[0])))
        elif isinstance(value, list):  # a copy: the same list, changed later, would still compare equal
            value = tuple(value)
        values.append(value)
    return tuple(values)


def _decided_as(d: "Derivation", step: Step) -> tuple:
    """What a step's verdict is a verdict about, as a second process decided it: the step
    (:func:`step_fields`), its derivation's context, and the declared domain of every quantity
    they mention (the registry may change after the second process began)."""
    from ..notation import DOMAINS

    fields = step_fields(step)
    exprs = [x for x in (step.claim, *step.hypotheses, *step.conditions, *step.chain,
                         *(f.relation for f in (*step.facts, *d.context)), step.support) if isinstance(x, sp.Basic)]
    quantities = {q for e in exprs for q in e.free_symbols | e.atoms(sp.IndexedBase)}
    domains = tuple(sorted((sp.srepr(q), DOMAINS[q].name) for q in quantities if q in DOMAINS))
    return step.id, fields, tuple(d.context), domains


def _private(d: "Derivation") -> "Derivation":
    """The copy of ``d`` a report decides and keeps: its own steps (each with its own mappings
    and facts) and its own context.  Code of the module's own that still holds ``d``, its steps
    or its definitions (a strategy of a later step, say) changes only those, never what the
    kernel checks or what the documents show.  Only the engine's own classes are taken: a
    subclass of ``Derivation``, ``Step`` or a fact could answer the engine otherwise than it
    answers the documents."""
    import copy

    if type(d) is not Derivation:
        raise TypeError(f"a report decides Derivation objects, not {type(d).__name__} (a subclass could decide "
                        "its steps itself)")
    mine = copy.copy(d)
    object.__setattr__(mine, "steps", tuple(_private_step(s) for s in d.steps))
    object.__setattr__(mine, "context", tuple(_private_fact(f) for f in d.context))
    object.__setattr__(mine, "extras", dict(d.extras))
    return mine


def _private_step(step: Step) -> Step:
    import copy

    if type(step) is not Step:
        raise TypeError(f"step {getattr(step, 'id', '?')!r}: a derivation holds Step objects, not "
                        f"{type(step).__name__} (a subclass could show one claim and be decided on another)")
    if step.id.startswith("lib."):  # the library's own lemmas, which it recognizes by identity
        return step
    mine = copy.copy(step)
    object.__setattr__(mine, "facts", tuple(_private_fact(f) for f in step.facts))
    for name in ("domains", "instantiate"):
        object.__setattr__(mine, name, dict(getattr(step, name)))
    return mine


def _private_fact(f: Fact) -> Fact:
    import copy

    if type(f) not in (Definition, Identity):
        raise TypeError(f"a fact is a Definition or an Identity, not {type(f).__name__}")
    return copy.copy(f)


def _check_all(derivations: tuple, apart: tuple, token: int, seed: int, progress, established: dict,
               seconds: float | None, auditor: Auditor, first=None) -> dict[str, list[StepResult]]:
    """Decide every derivation: those in ``apart`` in the second process (see :func:`_apart`),
    the others here, in order; the results in the report's order, ``established`` filled.
    ``first()`` runs before anything is decided here (while the second process begins its
    share); an error it raises ends the run."""
    ticket = None
    if apart:
        budget = sum(s.seconds or seconds or DEFAULT_SECONDS for i in apart for s in derivations[i].steps)
        ticket = auditor.beside(check_apart, (token, apart, seed, seconds), patience=budget)
    if first is not None:
        first()
    results = {i: Derivation.check(d, seed=seed, progress=progress, established=established, seconds=seconds,
                                   auditor=auditor)
               for i, d in enumerate(derivations) if i not in apart}
    if ticket is not None:
        found, library = auditor.result(ticket)
        taken = _taken(derivations, apart, found)
        if taken is None:
            # answers that do not name these steps, in this order, are not taken: decided here
            taken, library = _decide_apart(token, apart, seed, seconds)
        if library:  # else the library is not even loaded (its declarations would join the report's)
            from ..lemmas import catalogue

            own = {s.id: s for s in catalogue()}
            for key, value in library.items():  # the library's own lemmas, as they stand here
                fields = step_fields(own[key]) if key in own else None
                if fields is not None and value.step is not None and step_fields(value.step) == fields:
                    established.setdefault(key, replace(value, step=own[key], decided_as=fields))
        for i in apart:
            results[i] = taken[i]
            established.update((r.step.id, r) for r in taken[i])
    return {d.id: results[i] for i, d in enumerate(derivations)}


def _taken(derivations: tuple, apart: tuple, found: dict) -> dict[int, list[StepResult]] | None:
    """The second process's answers as results, or ``None`` unless it answered for exactly the
    steps of the derivations at ``apart``, each derivation's in order, each step as it stands
    here (a step changed after the second process began is decided here).  Each derivation's
    steps are read once: the answer is attached to the very step it was compared with."""
    if set(found) != set(apart):
        return None
    out = {}
    for i in apart:
        d = derivations[i]
        steps = tuple(d.steps)
        if len(steps) != len(found[i]):
            return None
        out[i] = []
        for step, (decided, outcome, secs, assumptions) in zip(steps, found[i]):
            fields = step_fields(step)
            if decided != _decided_as(d, step) or decided[1] != fields:
                return None
            out[i].append(StepResult(step, outcome, secs, assumptions, step_theory(d.context, step), decided_as=fields))
    return out


def _refuse_name_clashes(derivations: tuple, shown: tuple = (), library: Iterable[str] = ()) -> None:
    """A name (and a printed form) means one quantity throughout the documents: otherwise a
    displayed statement could read as another than the one decided.  ``shown``: further maths
    the documents print (a paper's prose)."""
    from .verify import name_clash

    def maths(text) -> list:  # the SymPy objects of prose (the documents print them too)
        return list(text.maths()) if hasattr(text, "maths") else []

    from ..lemmas import _library, is_library, needed
    from .facts import Definition

    def own(context) -> tuple:
        return tuple(f for f in context if isinstance(f, Definition))

    def model(context, s: Step) -> tuple:  # the definitions the step is judged (and re-checked) with
        try:
            return step_theory(context, s).definitions
        except ValueError:  # a cycle of the step's own: its decision says so
            return own(context)

    exprs: list = [e for e in shown if isinstance(e, sp.Basic)]
    scopes: list = []  # each model's statements, with its definitions (as verify reads each step)

    def add_step(s: Step, context) -> tuple:
        mine = [s.claim, *s.hypotheses, *s.chain, *s.conditions, *(f.relation for f in s.facts)]
        mine += [*maths(s.justification), *maths(s.title), *s.show]
        mine += [q for q in s.domains] + ([s.support] if isinstance(s.support, sp.Basic) else [])
        exprs.extend(mine)
        scopes.append((mine, model(context, s)))
        return scopes[-1][1]

    # a fresh name a step defines for itself means one thing in the whole report: the documents
    # show one definition of it beside every statement that names it
    given: dict = {}
    for d in derivations:
        mine = [*d.statement, *(f.relation for f in d.context)]
        mine += [*maths(d.statement_text), *maths(d.intro), *maths(d.outro)]
        exprs.extend(mine)
        known = own(d.context)
        scopes.append((mine, known))
        for s in d.steps:
            for f in add_step(s, d.context):
                if f in known:
                    continue
                first = given.setdefault(key_of(f.target), f)
                if (first.target, sp.sympify(first.expr)) != (f.target, sp.sympify(f.expr)):
                    raise ValueError(f"the derivations cannot be shown unambiguously: {f.target} is defined as "
                                     f"{sp.sstr(first.expr)} in one step and as {sp.sstr(f.expr)} in another; "
                                     "give the two different names")
    # the library lemmas the steps cite (and ``library``, those a strategy found) join the report,
    # in their own models
    refs = [ref for d in derivations for s in d.steps for ref in (*s.given, *s.uses)] + list(library)
    refs = [ref for ref in refs if is_library(ref)]
    cited = set(needed(refs)) if refs else set()  # (else the library is not even loaded)
    for lemmas in (_library() if cited else ()):
        for s in lemmas.steps:
            if s.id in cited:
                add_step(s, lemmas.context)
    definitions = [f for d in derivations for f in (*d.context, *(g for s in d.steps for g in s.facts))
                   if isinstance(f, Definition)]
    problem = name_clash(exprs, definitions, scopes)
    if problem:
        raise ValueError(f"the derivations cannot be shown unambiguously: {problem}")
    # a name a statement gives to an expression is that expression's alone, in the whole report
    for d in derivations:
        for rel in d.statement:
            if isinstance(rel, sp.Eq) and _fresh_name(rel.lhs) and not any(s.claim == rel for s in d.steps):
                elsewhere = [e for e in exprs if e is not rel and rel.lhs in getattr(e, "free_symbols", ())]
                if elsewhere:
                    raise ValueError(f"derivation {d.id!r} names {rel.lhs} in its statement, but the name is used "
                                     f"elsewhere too ({sp.sstr(elsewhere[0])[:60]})")


def _with_library(derivations: tuple, results: dict, established: dict) -> tuple[tuple, dict]:
    """Library lemmas the steps cited, as a first derivation of the report (so that the report
    holds every certificate a citation rests on)."""
    from ..lemmas import catalogue, is_library

    if not any(is_library(k) for k in established):  # nothing cited: the library is not even loaded
        return derivations, results
    own = {s.id for d in derivations for s in d.steps}
    used = [established[s.id] for s in catalogue() if s.id in established and s.id not in own]
    if not used:
        return derivations, results
    library = Derivation("library", "Lemmas from the library", tuple(r.step for r in used), kind="Library")
    return (library, *derivations), {library.id: used, **results}


def _collect_audits(derivations, results: dict[str, list[StepResult]], auditor: Auditor) -> dict[str, list[StepResult]]:
    """Wait for the audits and the counterexample searches that ran beside the engine; a step
    whose audit refuted it turns refuted, and every step that cites it (directly or not) turns
    undecided.  A step that cited a step still being searched names that step's final verdict."""
    fallen: dict[str, str] = {}
    final: dict[str, Verdict] = {}
    out: dict[str, list[StepResult]] = {}
    for d in derivations:
        new = []
        for r in results[d.id]:
            outcome = _settled(r.outcome, auditor)
            if outcome.depends in final:  # name the cited step's verdict as it finally is
                outcome = replace(outcome, method=f"depends on step {outcome.depends!r}, which is {final[outcome.depends].value}")
            if outcome.audit is not None:
                outcome = audited(outcome, auditor.result(outcome.audit), outcome.certificate.proposer if outcome.certificate else "")
            cited = [ref for ref in (*r.step.given, *r.step.uses) if ref in fallen]
            if cited and outcome.verdict in (Verdict.PROVED, Verdict.ASSUMED):
                outcome = Outcome(Verdict.UNDECIDED, f"depends on step {cited[0]!r}, which is {fallen[cited[0]]}")
            if outcome.verdict not in (Verdict.PROVED, Verdict.ASSUMED) and r.outcome.verdict in (Verdict.PROVED, Verdict.ASSUMED):
                fallen[r.step.id] = outcome.verdict.value
            final[r.step.id] = outcome.verdict
            new.append(replace(r, outcome=outcome) if outcome is not r.outcome else r)
        out[d.id] = new
    return out


def _declarations(results: list[StepResult]) -> list[list[str]]:
    """The declared domain of every quantity the report mentions (for ``verify``)."""
    from ..notation import DOMAINS
    from .serial import dumps

    mentioned: set = set()
    for r in results:
        stuff = [r.step.claim, *r.assumptions, *r.step.chain] + [d.expr for d in r.theory.definitions]
        for e in stuff:
            mentioned |= {s for s in e.free_symbols if isinstance(s, sp.Symbol)}
            mentioned |= {i.base for i in e.atoms(sp.Indexed)}
    return sorted([dumps(q), DOMAINS[q].name] for q in mentioned if q in DOMAINS)


def _notation(results: list[StepResult]) -> dict[str, dict[str, str]]:
    """How the report's quantities print (``latex`` name, ``indexed`` pattern), so that
    ``verify`` in a fresh interpreter shows the statements as they were written."""
    from ..notation import INDEXED_LATEX, LATEX_NAMES

    names: set = set()
    for r in results:
        exprs = [r.step.claim, *r.assumptions, *r.step.chain, *r.step.conditions]
        exprs += [d.relation for d in r.theory.definitions] + [f.relation for f in _search_facts(r.step, r.theory)]
        exprs += [q for q, _ in r.theory.overrides] + ([r.support] if r.support is not None else [])
        for e in exprs:
            names |= _printed_names(e)
    out = {}
    for name in sorted(names):
        entry = {k: table[name] for k, table in (("latex", LATEX_NAMES), ("indexed", INDEXED_LATEX)) if name in table}
        if entry:
            out[name] = entry
    return out


def _printed_names(e: sp.Basic) -> set[str]:
    """The names under which the printer looks up how the parts of ``e`` print: every symbol's,
    bound ones too (a summation index declared with ``latex=``, the variable of a limit or a
    derivative, whatever kind of symbol stands for it), every vector's label, and every
    function the author names (printed as a symbol of its name).

    >>> j, n = sp.Symbol("j", integer=True), sp.Symbol("n", integer=True)
    >>> sorted(_printed_names(sp.Sum(sp.IndexedBase("g")[j] * sp.Function("f")(j), (j, 1, n))))
    ['f', 'g', 'j', 'n']
    """
    if not isinstance(e, sp.Basic):
        return set()
    names = {s.name for s in e.atoms(sp.Symbol)}  # a Dummy prints (and is looked up) by its name
    names |= {str(b.label) for b in e.atoms(sp.IndexedBase)}
    names |= {str(i.base.label) for i in e.atoms(sp.Indexed)}
    names |= {type(f).__name__ for f in e.atoms(sp.core.function.AppliedUndef)}
    return names
