"""Mutation testing: every false mutant of a step in derivations/ must not come back proved."""

from __future__ import annotations

import pytest

from dpo_mixture.derivations import all_derivations
from dpo_mixture.proof.mutants import KINDS, mutants, score


@pytest.fixture(scope="module")
def result():
    return score(all_derivations(), samples=60)


def test_no_false_mutant_is_proved(result):
    assert result.false_proved == ()


def test_every_kind_of_mutant_is_made(result):
    made = {m.id.rsplit(".", 1)[1] for d in all_derivations() for s in d.steps for m in mutants(s)}
    assert made == set(KINDS)
    assert result.total == result.refuted + result.undecided + len(result.proved) + result.assumed


def test_most_mutants_are_refuted(result):
    # each refutation carries a certified counterexample; this only guards against the search
    # silently losing its power (a score near zero would mean it evaluates nothing)
    assert result.refuted > result.undecided
