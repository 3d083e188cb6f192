"""The counterexample search against the seed's Theorem 2, rechecked independently."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from dpo_mixture.derivations.corrected import CORRECTED
from dpo_mixture.derivations.theorem2 import SEED_CONCLUSION, SEED_HYPOTHESES, THEOREM2
from dpo_mixture.derivations.tpm import CONTEXT
from dpo_mixture.derivations.facts import MIXTURE_SUPPORT
from dpo_mixture.proof import Problem, search


def _seed_problem() -> Problem:
    return Problem(SEED_CONCLUSION, SEED_HYPOTHESES, CONTEXT, MIXTURE_SUPPORT)


def _recheck(values: dict) -> None:
    """Evaluate hypotheses and conclusion from scratch, without the engine's evaluator."""
    alpha, beta = sp.Rational(values["alpha"]), sp.Rational(values["beta"])
    r, pa, pu = ([sp.Rational(v) for v in values[name]] for name in ("r", "p_A", "p_U"))
    n = len(r)
    assert 0 < alpha < 1 and beta > 0
    assert sum(pa) == 1 and sum(pu) == 1 and min(pa + pu) >= 0
    # every output of the instance lies in the support of the reference model
    assert all(alpha * a + (1 - alpha) * u > 0 for a, u in zip(pa, pu))

    def cov(f, g):
        return sum(a * b for a, b in zip(f, g)) / n - sum(f) * sum(g) / n**2

    assert cov(r, pa) > 0, "first hypothesis must hold exactly"
    assert cov(r, pu) < 0, "second hypothesis must hold exactly"
    with mpmath.workdps(60):
        tilt = [mpmath.exp(mpmath.mpf(v.p) / v.q / (mpmath.mpf(beta.p) / beta.q)) for v in r]
        m_a = mpmath.fsum(mpmath.mpf(a.p) / a.q * e for a, e in zip(pa, tilt))
        m_u = mpmath.fsum(mpmath.mpf(u.p) / u.q * e for u, e in zip(pu, tilt))
        a = mpmath.mpf(alpha.p) / alpha.q
        tpm_a = a * m_a / (a * m_a + (1 - a) * m_u)
        assert tpm_a < a - mpmath.mpf("1e-30"), "the conclusion TPM(A) >= alpha must fail with a margin"


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_search_refutes_seed_theorem_from_several_seeds(seed):
    found = search(_seed_problem(), samples=800, seed=seed)
    ce = found.counterexample
    assert ce is not None
    _recheck(ce.values)
    assert ce.confirmation.startswith("60 digits")


def test_counterexamples_are_shrunk():
    sizes = [search(_seed_problem(), samples=800, seed=s).counterexample.n for s in range(3)]
    assert max(sizes) <= 4
    ce = search(_seed_problem(), samples=800, seed=0).counterexample
    # scalars stay in their domains and are simple
    assert 0 < ce.values["alpha"] < 1 and ce.values["beta"] > 0
    assert all(sp.Rational(v).q <= 100 for key in ("alpha", "beta") for v in [ce.values[key]])


@pytest.mark.parametrize("step_id", ["corrected-gap-identity", "corrected-theorem", "corrected-weakest"])
def test_true_statements_are_never_refuted(step_id):
    step = next(s for s in CORRECTED.steps if s.id == step_id)
    problem = Problem(step.claim, step.hypotheses, tuple(step.facts) + CONTEXT, MIXTURE_SUPPORT)
    for seed in range(3):
        assert search(problem, samples=150, seed=seed).counterexample is None


def test_seed_statement_step_is_the_searched_problem():
    step = THEOREM2.steps[0]
    assert step.claim == SEED_CONCLUSION and step.hypotheses == SEED_HYPOTHESES


X = sp.Symbol("x", real=True)


@pytest.mark.parametrize("rel", [
    sp.Le(X, sp.pi), sp.Ge(sp.pi * X**2, 4 * X**2), sp.Le(X, sp.E), sp.Ge(sp.pi * X**2, X),
])
def test_a_false_statement_with_pi_or_e_is_refuted_and_certified(rel):
    """pi and E are irrational: exact rationals cannot decide the instance, so the search goes
    to 60 digits and interval arithmetic, which know both constants."""
    found = search(Problem(rel, (), (), None), samples=400, seed=0)
    assert found.counterexample is not None, found.note
    assert "certified by interval arithmetic" in found.counterexample.confirmation
    values = {X: sp.sympify(found.counterexample.to_json()["x"])}
    assert rel.xreplace(values) == sp.false


@pytest.mark.parametrize("rel", [sp.Ge(sp.pi * X**2, 3 * X**2), sp.Le(X**2 * sp.E, 3 * X**2)])
def test_a_true_statement_with_pi_or_e_is_not_refuted(rel):
    assert search(Problem(rel, (), (), None), samples=300, seed=1).counterexample is None



def test_a_hypothesis_that_holds_with_equality_through_heaviside_is_decided_exactly():
    """Stochastic dominance, min_j sum_k (p_A - p_U)(k) H(r(k) - r(j)) >= 0, holds with equality
    at the smallest reward: floats cannot tell it from a near miss, so exact numbers decide it
    (Heaviside maps rationals to rationals), and the flipped moment order is refuted."""
    from dataclasses import replace

    from dpo_mixture.derivations.extensions import DOMINANCE
    from dpo_mixture.proof.mutants import mutants

    step = next(s for s in DOMINANCE.steps if s.id == "dominance-moments")
    flipped = next(m for m in mutants(step) if m.id.endswith(".flip"))
    problem = Problem(flipped.claim, tuple(flipped.hypotheses), tuple(DOMINANCE.context), MIXTURE_SUPPORT)
    assert search(problem, samples=60, seed=0).counterexample is not None


@pytest.mark.parametrize("which", ["seed", "true"])
def test_the_batch_size_changes_nothing_but_how_instances_are_screened(which):
    """An audit screens all its instances at once, a search a few at a time: the instances,
    their order and so the verdict and the counterexample are the same whatever the batch."""
    from dpo_mixture.derivations.corrected import CORRECTED

    if which == "seed":
        problem = _seed_problem()
    else:
        step = CORRECTED.steps[-1]
        problem = Problem(step.claim, step.hypotheses, CONTEXT, MIXTURE_SUPPORT)
    results = [search(problem, samples=800, seed=0, batch=b) for b in (1, 20, 77, 800)]
    first = results[0]
    for other in results[1:]:
        assert (other.samples, other.note, other.evaluated) == (first.samples, first.note, first.evaluated)
        if first.counterexample is None:
            assert other.counterexample is None and other.met == first.met
        else:
            assert other.counterexample.values == first.counterexample.values
            # (instances of the same batch after the counterexample were screened too)
            assert other.met >= first.met
    assert (first.counterexample is not None) == (which == "seed")


def test_a_shrunk_counterexample_is_certified_or_the_search_keeps_a_certified_one(monkeypatch):
    """Shrinking takes simpler candidates on their 60-digit evaluation and certifies only the
    simplest; where none of them certifies, the certified instance found first is kept."""
    import importlib

    S = importlib.import_module("dpo_mixture.proof.search")  # (the package exports the function under the module's name)
    real = S.certify
    calls: list = []
    monkeypatch.setattr(S, "certify", lambda *args: calls.append(args) or real(*args))
    shrunk = search(_seed_problem(), samples=800, seed=0).counterexample
    assert shrunk.confirmation == "60 digits and certified by interval arithmetic"
    assert len(calls) == 2  # the first find and the simplest candidate, none in between
    calls.clear()

    def only_the_first(*args):  # interval arithmetic certifies the first find and nothing after it
        calls.append(args)
        return real(*args) if len(calls) == 1 else False

    monkeypatch.setattr(S, "certify", only_the_first)
    kept = search(_seed_problem(), samples=800, seed=0).counterexample
    monkeypatch.setattr(S, "_shrink_candidates", lambda values, comp: iter(()))  # no shrinking at all
    calls.clear()
    unshrunk = search(_seed_problem(), samples=800, seed=0).counterexample
    assert kept.values == unshrunk.values != shrunk.values
    assert kept.confirmation == "60 digits and certified by interval arithmetic"


@pytest.mark.parametrize("which", range(5))
def test_the_support_rule_vanishes_exactly_where_the_support_does(which):
    """The draws drop the outputs where the support is zero, read from integer pairs that are
    never reduced: the same outputs as SymPy's exact value of the support at each output."""
    import importlib
    import random

    from dpo_mixture.notation import alpha, p_A, p_U, r, y

    S = importlib.import_module("dpo_mixture.proof.search")
    supports = [alpha * p_A[y] + (1 - alpha) * p_U[y], p_A[y] * p_U[y], (p_A[y] - p_U[y]) ** 2,
                r[y] ** 2 - 1, (alpha - sp.Rational(1, 2)) * r[y] + 1 / p_U[y] ** 2]
    support = supports[which]
    rule = S._support_rule(support)
    assert rule is not None
    rng = random.Random(which)
    for _ in range(200):
        size = rng.choice([1, 2, 3, 5])
        values = {alpha: rng.choice([sp.Rational(1, 2), sp.Rational(1, 3), sp.Rational(7, 10)])}
        for v in (p_A, p_U, r):
            values[v] = [sp.Rational(rng.randint(-2, 3), rng.choice([1, 2, 3])) for _ in range(size)]
        try:
            got = rule({k: S._pairs(v) for k, v in values.items()})
        except ZeroDivisionError:  # a negative power of zero: the draw is dropped whole
            assert any(x == 0 for x in values[p_U])
            continue
        exact = [support.xreplace({alpha: values[alpha]}).xreplace(
            {v[y]: values[v][i] for v in (p_A, p_U, r)}) for i in range(size)]
        assert [num != 0 for num, _ in got] == [e != 0 for e in exact]
        assert all(den != 0 and sp.Rational(num, den) == e for (num, den), e in zip(got, exact))


def test_a_draw_keeps_exactly_the_outputs_in_the_support():
    import importlib

    from dpo_mixture.notation import alpha, n, p_A, p_U, r, y

    S = importlib.import_module("dpo_mixture.proof.search")
    support = alpha * p_A[y] + (1 - alpha) * p_U[y]
    comp = S._Compiled(Problem(sp.Gt(r[y], 0), support=support))
    half, zero = sp.Rational(1, 2), sp.Integer(0)
    values = {n: 4, alpha: sp.Rational(1, 3), r: [sp.Integer(v) for v in (1, 2, 3, 4)],
              p_A: [half, zero, half, zero], p_U: [zero, zero, sp.Rational(1, 4), sp.Rational(3, 4)]}
    kept = comp.fix_support(values)
    assert kept[n] == 3 and kept[r] == [1, 3, 4]  # the second output lies outside both supports
    assert kept[p_A] == [half, half, zero] and kept[p_U] == [zero, sp.Rational(1, 4), sp.Rational(3, 4)]
    values[p_U] = [half, half, zero, zero]
    values[p_A] = [half, half, zero, zero]
    assert comp.fix_support(values)[r] == [1, 2]
