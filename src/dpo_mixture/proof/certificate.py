"""Certificates: what a strategy proposes and the kernel checks, as plain data.

A :class:`ProofCertificate` names one kernel rule, the facts it unfolds or rewrites with, the
proved lemmas it instantiates (:class:`Instance`: which lemma, and what each of its variables
becomes), and the rule's parameters (multipliers, a critical point, an index, ...).  It also
restates the statement it concludes, so that the kernel can refuse a certificate written for
another statement.  Certificates hold SymPy objects and serialize to JSON through
:mod:`.serial`, so ``report.json`` stores them and ``dpo-mixture verify`` re-checks them
without running any strategy.

>>> import sympy as sp
>>> from dpo_mixture.notation import beta
>>> c = ProofCertificate("normal-form", conclusion=sp.Gt(beta, 0, evaluate=False))
>>> ProofCertificate.from_json(c.to_json()) == c
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from .facts import Definition, Fact, Identity
from .serial import dumps, loads

__all__ = ["ProofCertificate", "Instance", "RULES", "fact_to_json", "fact_from_json"]

#: The kernel's rules, each described in the documentation's trusted-base section.
RULES = (
    "normal-form",
    "combination",
    "termwise",
    "convex",
    "derivative",
    "limit",
    "extremum",
    "vanishing",
    "monotone",
    "cases",
    "cite",
)


@dataclass(frozen=True)
class Instance:
    """Lemma ``lemma`` (the id of a proved step) with its variables replaced by ``subs``.

    ``subs`` maps a scalar variable to an expression, an indexed variable (an ``IndexedBase``)
    to another one or to ``Lambda(i, expr)``.  Values may mention ``at``, a placeholder for an
    arbitrary output that rules working under a sum bind to a fresh index.
    """

    lemma: str
    subs: tuple[tuple[sp.Basic, sp.Basic], ...] = ()
    at: sp.Symbol | None = None

    def mapping(self) -> dict:
        return dict(self.subs)

    def to_json(self) -> dict:
        return {
            "lemma": self.lemma,
            "subs": [[dumps(k), dumps(v)] for k, v in self.subs],
            "at": None if self.at is None else dumps(self.at),
        }

    @classmethod
    def from_json(cls, data: dict) -> "Instance":
        return cls(
            str(data["lemma"]),
            tuple((loads(k), loads(v)) for k, v in data.get("subs", [])),
            None if data.get("at") is None else loads(data["at"]),
        )


def fact_to_json(f: Fact) -> dict:
    if isinstance(f, Definition):
        return {"kind": "definition", "name": f.name, "target": dumps(f.target), "expr": dumps(f.expr)}
    return {"kind": "identity", "name": f.name, "lhs": dumps(f.lhs), "rhs": dumps(f.rhs)}


def fact_from_json(data: dict) -> Fact:
    if data.get("kind") == "definition":
        return Definition(str(data["name"]), loads(data["target"]), loads(data["expr"]))
    if data.get("kind") == "identity":
        return Identity(str(data["name"]), loads(data["lhs"]), loads(data["rhs"]))
    raise ValueError(f"unknown fact kind {data.get('kind')!r}")


def _value_to_json(v: Any) -> Any:
    if isinstance(v, (bool, str)) or v is None:
        return v
    if isinstance(v, ProofCertificate):
        return {"certificate": v.to_json()}
    if isinstance(v, (tuple, list)):
        return {"tuple": [_value_to_json(x) for x in v]}
    return {"sympy": dumps(sp.sympify(v))}


#: The certificate parameters that hold text (a reference's wording, the name of a monotone function,
#: which the kernel reads from a list of its own): any other text is refused
#: when a report is read, for SymPy's ``sympify`` would parse and run it.
_TEXT_DATA = frozenset({"reference", "function"})


def _value_from_json(v: Any, text: bool = False) -> Any:
    if isinstance(v, dict) and "tuple" in v:
        return tuple(_value_from_json(x, text) for x in v["tuple"])
    if isinstance(v, dict) and "sympy" in v:
        return loads(v["sympy"])
    if isinstance(v, dict) and "certificate" in v:
        return ProofCertificate.from_json(v["certificate"])
    if isinstance(v, str) and not text:
        raise ValueError(f"not a certificate parameter: text {v[:40]!r} where an expression or a flag stands")
    if isinstance(v, (bool, str)) or v is None:
        return v
    raise ValueError(f"not a certificate parameter: {v!r}")


@dataclass(frozen=True)
class ProofCertificate:
    """One rule application, proposed by a strategy, for the kernel to check."""

    rule: str
    facts: tuple[Fact, ...] = ()
    instances: tuple[Instance, ...] = ()
    data: tuple[tuple[str, Any], ...] = ()
    conclusion: sp.Basic | None = None
    hypotheses: tuple[sp.Basic, ...] = ()
    #: who proposed it (for messages); not part of what the kernel checks
    proposer: str = field(default="", compare=False)

    def get(self, name: str, default: Any = None) -> Any:
        return dict(self.data).get(name, default)

    def to_json(self) -> dict:
        return {
            "rule": self.rule,
            "facts": [fact_to_json(f) for f in self.facts],
            "instances": [i.to_json() for i in self.instances],
            "data": {k: _value_to_json(v) for k, v in self.data},
            "conclusion": None if self.conclusion is None else dumps(self.conclusion),
            "hypotheses": [dumps(h) for h in self.hypotheses],
            "proposer": self.proposer,
        }

    @classmethod
    def from_json(cls, data: dict) -> "ProofCertificate":
        if not isinstance(data, dict) or "rule" not in data:
            raise ValueError("not a certificate: expected an object with a 'rule'")
        return cls(
            rule=str(data["rule"]),
            facts=tuple(fact_from_json(f) for f in data.get("facts", [])),
            instances=tuple(Instance.from_json(i) for i in data.get("instances", [])),
            data=tuple((str(k), _value_from_json(v, text=str(k) in _TEXT_DATA)) for k, v in dict(data.get("data", {})).items()),
            conclusion=None if data.get("conclusion") is None else loads(data["conclusion"]),
            hypotheses=tuple(loads(h) for h in data.get("hypotheses", [])),
            proposer=str(data.get("proposer", "")),
        )
