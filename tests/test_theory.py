"""Theories: a step's model, made once per context and overrides."""

from __future__ import annotations

import pytest
import sympy as sp

from dpo_mixture.notation import Domain, beta
from dpo_mixture.proof import Definition, Identity, Theory


W = sp.Symbol("W_theory", positive=True)
V = sp.Symbol("V_theory", positive=True)


def test_every_theory_holds_the_definitions_it_was_made_of():
    """A theory is never shared: one made of equal definitions holds its own objects, so that
    code holding the definitions a module wrote (a strategy) never reaches the engine's model
    (review 61a F1, F3)."""
    d = Definition("W", W, beta + 1)
    first = Theory.of((d, Identity("W is W", W, W)), {beta: Domain.POSITIVE})
    twin = Definition("W", W, beta + 1)
    again = Theory.of((twin,), {beta: Domain.POSITIVE})
    assert again == first and again is not first
    assert first.definition(W) is d and again.definition(W) is twin
    assert Theory.of((d,)).overrides == ()
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


def test_an_entry_definition_read_at_an_output_is_kept_only_where_no_name_is_made_up():
    """A definition's body at an output is kept (the same outputs recur step after step), but
    where a sum of the body must be renamed apart from the output, each reading names it
    afresh: two readings never share a bound name, so no sum can capture another's index."""
    from dpo_mixture.notation import k, p, r, support_sum, y
    from dpo_mixture.proof.facts import at_index

    plain = r[y] * 2
    assert at_index(plain, y, k) is at_index(plain, y, k)
    body = support_sum(p[k] * r[y], k)  # binds k: read at k, it is renamed apart
    first, second = at_index(body, y, k), at_index(body, y, k)
    bound = lambda e: {s.limits[0][0] for s in e.atoms(sp.Sum)}  # noqa: E731
    assert k in first.free_symbols and bound(first) != {k}
    assert bound(first).isdisjoint(bound(second))


def test_a_difference_whose_numerator_cancels_is_zero_every_time_it_is_asked():
    from dpo_mixture.proof.normal_form import difference_is_zero

    x = sp.Symbol("x_theory", positive=True)
    lhs, rhs = 1 / (x + 1) + x / (x + 1), sp.Integer(1)
    assert difference_is_zero(lhs, rhs) == (True, 0) == difference_is_zero(lhs, rhs)
    assert difference_is_zero(lhs, rhs + x)[0] is False
