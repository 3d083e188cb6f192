"""Re-check a report: every certificate through the kernel, every counterexample exactly.

:func:`verify_report` takes the data of a ``report.json`` (as written by
:meth:`~dpo_mixture.proof.Report.to_json`) and, without running any strategy or search,

* re-checks each step's certificate with :func:`~dpo_mixture.proof.kernel.check`, citing only
  lemmas that themselves re-checked earlier in the report;
* re-confirms each counterexample: in exact arithmetic, or by interval arithmetic.

Expressions are read back by :func:`~dpo_mixture.proof.serial.loads`, which evaluates no code.

>>> from dpo_mixture.proof import Derivation, Report, Step
>>> import sympy as sp
>>> from dpo_mixture.notation import beta
>>> report = Report.run([Derivation("d", "d", (Step("b", "", sp.Gt(beta + 1, 1, evaluate=False), ""),))], parallel=False)
>>> [(r.step_id, r.ok) for r in verify_report(report.to_json())]
[('b', True)]
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

import sympy as sp

from ..notation import DOMAINS, Domain, n as _n
from .certificate import ProofCertificate, fact_from_json
from .certify import certify
from .evaluate import EvaluationError, evaluate
from .facts import Definition, unfold
from .kernel import Goal, Lemma, check
from .normal_form import standardize
from .serial import loads
from .theory import Theory
from .verdict import Verdict

__all__ = ["Verification", "verify_report"]


@dataclass(frozen=True)
class Verification:
    """One step of a report, re-checked: ``ok`` when its recorded verdict stands."""

    step_id: str
    recorded: str
    ok: bool
    detail: str


@contextmanager
def _declared(pairs: list) -> Iterator[None]:
    """Register the report's declared domains for the duration of the check."""
    added = []
    for text, name in pairs:
        q = loads(text)
        if q not in DOMAINS:
            DOMAINS[q] = Domain[name]
            added.append(q)
    try:
        yield
    finally:
        for q in added:
            DOMAINS.pop(q, None)


def _goal(data: dict) -> tuple[Goal, tuple, Any]:
    g = data["goal"]
    defs = tuple(fact_from_json(f) for f in g.get("theory", []))
    if not all(isinstance(d, Definition) for d in defs):
        raise ValueError("a theory holds only definitions")
    overrides = tuple((loads(q), Domain[name]) for q, name in g.get("domains", []))
    theory = Theory(defs, overrides)
    goal = Goal(
        loads(g["claim"]),
        tuple(loads(h) for h in g.get("hypotheses", [])),
        theory,
        tuple(loads(c) for c in g.get("chain", [])),
        tuple(loads(c) for c in g.get("conditions", [])),
    )
    facts = tuple(fact_from_json(f) for f in g.get("facts", []))
    support = None if g.get("support") is None else loads(g["support"])
    return goal, facts, support


def _counterexample_holds(goal: Goal, facts: tuple, support, values: dict) -> bool:
    """The recorded instance satisfies the hypotheses and violates the claim, decided exactly
    (rational claims) or by interval arithmetic."""
    conclusion = standardize(unfold(goal.claim, facts))
    hyps = tuple(standardize(unfold(h, facts)) for h in goal.hypotheses)
    names = {}
    for e in (conclusion, *hyps):
        names.update({str(s): s for s in e.free_symbols if isinstance(s, sp.Symbol)})
        names.update({str(x.base.label): x.base for x in e.atoms(sp.Indexed)})
    instance: dict = {}
    for name, value in values.items():
        if name not in names:
            continue
        q = names[name]
        if isinstance(value, list):
            instance[q] = [sp.Rational(v) for v in value]
            instance[_n] = len(value)
        else:
            instance[q] = sp.Rational(value) if not getattr(q, "is_integer", False) else int(value)
    if _n not in instance:
        instance[_n] = 2
    if support is not None:
        supp = unfold(support, facts)
        from ..notation import y

        for i in range(1, instance[_n] + 1):
            try:
                if evaluate(supp, {**instance, y: i}, "exact") == 0:
                    return False  # the instance leaves the support
            except (EvaluationError, ValueError, ZeroDivisionError, TypeError, KeyError):
                return False
    return certify(conclusion, hyps, instance)


def verify_report(data: dict) -> list[Verification]:
    """Re-check every step of a report (the parsed ``report.json``)."""
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise ValueError("not a dpo-mixture report: expected an object with a list of 'steps'")
    out: list[Verification] = []
    lemmas: dict[str, Lemma] = {}
    with _declared(data.get("declarations", [])):
        for step in data["steps"]:
            sid, recorded = str(step.get("id")), str(step.get("verdict"))
            if "goal" not in step:
                raise ValueError(f"step {sid!r}: no goal recorded (written by an older dpo-mixture?)")
            goal, facts, support = _goal(step)
            if recorded in ("proved", "assumed"):
                if step.get("certificate") is None:
                    out.append(Verification(sid, recorded, False, "no certificate recorded"))
                    continue
                cert = ProofCertificate.from_json(step["certificate"])
                judgment = check(goal, cert, lemmas)
                ok = judgment.genuine and judgment.verdict.value == recorded
                out.append(Verification(sid, recorded, ok, judgment.reason))
                if ok:
                    lemmas[sid] = Lemma(sid, goal.claim, goal.hypotheses, goal.theory, Verdict(recorded), judgment.assumed)
            elif recorded == "refuted":
                ce = step.get("counterexample")
                if not isinstance(ce, dict):
                    out.append(Verification(sid, recorded, False, "no counterexample recorded"))
                    continue
                ok = _counterexample_holds(goal, facts, support, ce)
                out.append(Verification(sid, recorded, ok, "counterexample re-confirmed" if ok else "counterexample does not hold"))
            else:
                out.append(Verification(sid, recorded, True, "nothing to re-check"))
    return out
