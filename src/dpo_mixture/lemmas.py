"""The library of standard lemmas, as steps other steps can cite.

The lemmas themselves are derivations in ``dpo_mixture.derivations.library``, proved by the
engine like any other step.  A step cites one by its id, for instance ``uses=("lib.log-bound",)``
or ``given=("lib.gibbs",), instantiate={w: p, v: q}``.  :func:`establish` checks the cited
lemmas, and the lemmas they rest on, the first time they are needed (by the kernel alone: their
certificates are re-checked, their audit runs in the library's own tests).

>>> [lemma.id for lemma in catalogue()][:3]
['lib.log-bound', 'lib.log-bound-equality', 'lib.exp-bound']
>>> from dpo_mixture.proof import Verdict
>>> est = {}
>>> establish(["lib.gibbs"], est)["lib.gibbs"].outcome.verdict is Verdict.PROVED
True
"""

from __future__ import annotations

import functools
from typing import Iterable

__all__ = ["PREFIX", "catalogue", "citable", "establish", "needed", "is_library", "lemma_records"]

#: Ids of library lemmas start with this.
PREFIX = "lib."


def is_library(ref: str) -> bool:
    return isinstance(ref, str) and ref.startswith(PREFIX)


def citable(entries: dict, named: Iterable[str]) -> dict:
    """The entries of ``entries`` (by step id) that a step naming ``named`` in ``given=`` or
    ``uses=`` may cite: those and the library's lemmas, no other step (``decide`` and ``verify``
    read a certificate's citations alike).

    >>> sorted(citable({"a": 1, "b": 2, "lib.gibbs": 3}, ["a"]))
    ['a', 'lib.gibbs']
    """
    named = set(named)
    return {k: v for k, v in entries.items() if k in named or is_library(k)}


@functools.lru_cache(maxsize=1)
def _library():
    from .derivations.library import LIBRARY

    return LIBRARY


def catalogue() -> list:
    """Every library step, in the order they are checked."""
    return [s for d in _library() for s in d.steps]


def needed(refs: Iterable[str]) -> list[str]:
    """The library ids ``refs`` cite, with everything they rest on, in checking order."""
    steps = {s.id: s for s in catalogue()}
    want: set[str] = set()
    todo = [r for r in refs if is_library(r)]
    while todo:
        ref = todo.pop()
        if ref in want:
            continue
        if ref not in steps:
            raise ValueError(f"{ref!r} is not a lemma of the library; known: {', '.join(steps)}")
        want.add(ref)
        todo.extend(r for r in (*steps[ref].given, *steps[ref].uses))
    return [s.id for s in catalogue() if s.id in want]


def establish(refs: Iterable[str], established: dict, seed: int = 0) -> dict:
    """Check the library lemmas ``refs`` (and what they rest on) into ``established``, a map of
    step id to :class:`~dpo_mixture.proof.StepResult`; returns it."""
    import time

    from .proof.derivation import StepResult, _inherited, decide
    from .proof.theory import Theory

    ids = [i for i in needed(refs) if i not in established]
    if not ids:
        return established
    for derivation in _library():
        for step in derivation.steps:
            if step.id not in ids:
                continue
            if step.id in _DONE:  # checked before in this process: the same lemma, the same verdict
                established[step.id] = _DONE[step.id]
                continue
            start = time.perf_counter()
            outcome = decide(step, seed=seed, samples=0, audit=0, context=derivation.context, established=established)
            theory = Theory.of(derivation.context, step.domains)
            established[step.id] = StepResult(step, outcome, time.perf_counter() - start, _inherited(step, established), theory)
            _DONE[step.id] = established[step.id]
    return established


#: Library lemmas checked so far in this process.
_DONE: dict = {}


def lemma_records(refs: Iterable[str]) -> dict:
    """``{id: Lemma}`` for the library lemmas ``refs`` and what they rest on, as the kernel
    cites them."""
    found: dict = {}
    establish(refs, found)
    return {k: v.lemma() for k, v in found.items()}
