"""The evaluator's number systems: what exact numbers give up on, and what they keep."""

import pytest
import sympy as sp

from dpo_mixture.notation import beta, n, r, y, support_sum
from dpo_mixture.proof.evaluate import EvaluationError, Evaluator, evaluate
from dpo_mixture.proof.serial import dumps, loads

HALF = sp.Rational(3, 2)


def test_rational_only_keeps_exponentials_that_end_in_a_rational():
    ev = Evaluator({beta: HALF}, "exact", rational_only=True)
    assert ev(sp.exp(2 * sp.log(beta, evaluate=False), evaluate=False)) == sp.Rational(9, 4)
    assert ev(sp.exp(beta - beta, evaluate=False)) == 1
    assert ev(sp.log(sp.exp(beta, evaluate=False), evaluate=False)) == HALF


@pytest.mark.parametrize("expr", [
    sp.log(1 + sp.exp(beta)),            # log of a transcendental value
    sp.exp(sp.exp(beta)),                 # exp of a transcendental value
    sp.exp(sp.sqrt(beta)),                # exp of an irrational algebraic number
])
def test_rational_only_gives_up_on_values_that_cannot_be_rational(expr):
    with pytest.raises(EvaluationError, match="transcendental"):
        Evaluator({beta: HALF}, "exact", rational_only=True)(expr)


def test_plain_exact_numbers_still_hold_transcendental_values():
    """The documents print a counterexample's values exactly, transcendental ones included."""
    value = evaluate(sp.log(1 + sp.exp(beta)), {beta: HALF}, "exact")
    assert value == sp.log(1 + sp.exp(HALF))


def test_rational_only_guards_huge_powers():
    big = sp.Integer(10) ** 5
    with pytest.raises(EvaluationError):
        Evaluator({beta: big}, "exact", rational_only=True)(sp.exp(beta * sp.log(3, evaluate=False) * 10**4, evaluate=False))


def test_read_leaves_are_shared_with_the_package_and_with_each_other():
    assert loads(dumps(beta)) is beta
    assert loads(dumps(r[y])).base is r
    mine = sp.IndexedBase(sp.Symbol("w_mine", positive=True))
    first, second = loads(dumps(mine[y] + 1)), loads(dumps(mine[y] * 2))
    assert first.atoms(sp.IndexedBase) == {mine}
    (a,), (b,) = first.atoms(sp.IndexedBase), second.atoms(sp.IndexedBase)
    assert a is b


def test_sums_evaluate_alike_in_every_number_system():
    values = {n: 3, beta: HALF, r: [0, 1, 2]}
    expr = support_sum(r[y] ** 2) / beta
    exact = evaluate(expr, values, "exact")
    assert exact == 5 / HALF
    assert abs(float(evaluate(expr, values, "mp")) - float(exact)) < 1e-12
    assert abs(evaluate(expr, values, "float") - float(exact)) < 1e-12
