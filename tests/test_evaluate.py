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


def test_shared_sums_give_the_values_of_sums_computed_anew():
    """A sum over the instance alone is computed once for every choice of outputs; a sum that
    an output, an outer index or a substituted symbol changes is computed each time."""
    from dpo_mixture.notation import k, p

    j = sp.Symbol("j", integer=True, positive=True)
    values = {n: 3, beta: HALF, r: [0, 1, 2], p: [sp.Rational(1, 2), sp.Rational(1, 4), sp.Rational(1, 4)]}
    over_instance = support_sum(p[k] * sp.exp(r[k] / beta), k)
    with_output = support_sum(p[k] * r[j] ** 2, k) + support_sum(p[k] * r[k] * r[y], k)
    nested = support_sum(r[y] * support_sum(p[k] * r[y] * r[k], k), y)
    substituted = sp.Subs(over_instance, beta, 2 * beta)  # beta rebound inside: not the outer sum's value
    exprs = [over_instance, with_output, nested, substituted, over_instance + substituted]
    for kind in ("float", "mp", "exact"):
        shared = Evaluator(values, kind, fractions=True).share()
        fresh = Evaluator(values, kind)
        for choice in ({y: 1, j: 2}, {y: 3, j: 1}, {y: 2, j: 3}):
            for e in exprs:
                a, b = shared.at(choice)(e), fresh.at(choice)(e)
                assert abs(float(a) - float(b)) <= 1e-12 * (1 + abs(float(b))), (kind, e, choice)


def test_the_float_batch_shares_sums_as_the_evaluator_does():
    import numpy as np

    from dpo_mixture.notation import k, p
    from dpo_mixture.proof.batch import evaluate_batch
    from dpo_mixture.proof.evaluate import SHARED

    j = sp.Symbol("j", integer=True, positive=True)
    env = {n: 3, beta: np.array([[0.5], [2.0]]), r: np.array([[0.0, 1.0, 2.0], [1.0, -1.0, 3.0]]),
           p: np.array([[0.5, 0.25, 0.25], [0.2, 0.3, 0.5]])}
    expr = support_sum(p[k] * sp.exp(r[k] / beta), k) * r[j] + support_sum(p[k] * r[k] * r[j], k)
    shared = {**env, SHARED: ({}, dict(env))}
    for choice in (1, 3, 2):
        a = evaluate_batch(expr, {**shared, j: choice})
        b = evaluate_batch(expr, {**env, j: choice})
        assert np.allclose(a, b, rtol=1e-14, atol=0), choice
