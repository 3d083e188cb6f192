"""Theories: a step's model, made once per context and overrides."""

from __future__ import annotations

import pytest
import sympy as sp

from dpo_mixture.notation import Domain, beta
from dpo_mixture.proof import Definition, Identity, Theory


W = sp.Symbol("W_theory", positive=True)
V = sp.Symbol("V_theory", positive=True)


def test_the_same_context_gives_the_same_theory_and_another_context_another():
    d = Definition("W", W, beta + 1)
    first = Theory.of((d, Identity("W is W", W, W)), {beta: Domain.POSITIVE})
    again = Theory.of((Definition("W", W, beta + 1),), {beta: Domain.POSITIVE})
    assert again is first  # equal definitions and overrides: the theory made before
    assert Theory.of((d,)) is not first and Theory.of((d,)).overrides == ()
    other = Theory.of((Definition("W", W, beta + 2),), {beta: Domain.POSITIVE})
    assert other.definition(W).expr == beta + 2 and first.definition(W).expr == beta + 1


def test_a_definition_changed_in_place_is_never_read_from_a_theory_made_before():
    U = sp.Symbol("U_theory_in_place", positive=True)  # (no theory made before speaks of it)
    d = Definition("U", U, beta + 1)
    made = Theory.of((d,))
    object.__setattr__(d, "expr", V)  # frozen, but forced: the theory made holds it
    twin = Definition("U", U, beta + 1)
    fresh = Theory.of((twin,))
    assert fresh is not made and fresh.definitions == (twin,) and fresh.definition(U).expr == beta + 1


def test_a_cycle_is_refused_every_time_it_is_asked_for():
    cycle = (Definition("W", W, V + 1), Definition("V", V, W))
    for _ in range(2):
        with pytest.raises(ValueError, match="cycle"):
            Theory.of(cycle)


def test_the_quantities_a_theory_knows_follow_its_definitions():
    known = Theory.of((Definition("W", W, beta + V),))._symbols()
    assert {W, V, beta} <= known and isinstance(known, frozenset)
