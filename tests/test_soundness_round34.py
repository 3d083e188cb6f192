"""Review round 34: the variable of a substitution (and of every other binder) is a plain
symbol.  An entry r(y) of a vector is no variable SymPy can substitute for: it replaces the
text r[y] only, and misses r(k) at an output k that may be y, and the term y of a sum."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import Derivation, Step, Verdict, declare
from dpo_mixture.notation import support_sum
from dpo_mixture.proof.kernel import KernelError, _check_nodes


def _verdicts(*claims):
    steps = tuple(Step(f"s{i}", "", c, "x", search_samples=20) for i, c in enumerate(claims))
    return [r.outcome for r in Derivation(id="entries", title="t", steps=steps).check()]


def test_a_substitution_for_one_entry_of_a_vector_proves_nothing():
    r, y, k = declare.reward("r_r34"), declare.index("y_r34"), declare.index("k_r34")
    total = support_sum(r[k], k)
    big = sp.exp(10**8)  # positive: changes no truth value, stops the search from evaluating
    false_claims = (
        sp.Eq(sp.Subs(r[k] + r[y], r[y], 0), r[k], evaluate=False),  # false at k = y
        sp.Eq(sp.Subs(total - r[y], r[y], 0), total, evaluate=False),  # false where r(y) != 0
        sp.Eq(sp.Subs(big * total - big * r[y], r[y], 0), big * total, evaluate=False),
    )
    for outcome in _verdicts(*false_claims):
        assert outcome.verdict is not Verdict.PROVED, outcome.method


def test_every_binder_takes_a_plain_symbol():
    r, y = declare.reward("r_r34b"), declare.index("y_r34b")
    x = declare.scalar("x_r34")
    for node in (sp.Subs(r[y] ** 2, r[y], 1), sp.Derivative(r[y] ** 2, r[y]), sp.Limit(r[y], r[y], 0)):
        try:
            _check_nodes(node)
        except KernelError as exc:
            assert "plain symbol" in str(exc)
        else:
            raise AssertionError(f"{node} was accepted")
    _check_nodes(sp.Subs(x**2, x, 1))  # a scalar variable stays fine


def test_the_search_does_not_read_an_entry_substitution():
    """The search read [r(k) + r(y)]_{r(y)=0} as r(k) too: it must not evaluate it at all."""
    import numpy as np
    import pytest

    from dpo_mixture.proof.evaluate import EvaluationError, evaluate

    r, y, k = declare.reward("r_r34c"), declare.index("y_r34c"), declare.index("k_r34c")
    with pytest.raises(EvaluationError):
        evaluate(sp.Subs(r[k] + r[y], r[y], 0), {r: np.array([1.0, 2.0]), y: 1, k: 1})


def _mp_values(expr, z, points):
    import mpmath

    mpmath.mp.dps = 50
    f = sp.lambdify(z, expr, modules="mpmath")
    return [f(mpmath.mpf(float(x))) for x in points]


def test_elementwise_differences_of_exponentials_keep_their_digits():
    """1 - sigmoid(z) was computed as a difference (0 at z = 40, -inf for its log), log cosh z
    overflowed at 800, and e^z - 1, log(1 + z) lost half the digits near 0."""
    import numpy as np

    from dpo_mixture import numeric
    from dpo_mixture.model import LogSigmoid, Sigmoid

    z = declare.scalar("z_r34")
    points = np.array([-800.0, -40.0, -1e-3, -1e-10, 1e-10, 1e-3, 0.5, 40.0, 700.0])
    # (expression, its value written plainly for mpmath, the scale of its terms): log cosh z
    # near 0 is log 2 - log 2 + z^2/2, a small difference of terms of size one, held absolutely
    cases = [
        (sp.log(sp.cosh(z)), sp.log(sp.cosh(z)), 1.0),
        (1 - Sigmoid(z), 1 / (1 + sp.exp(z)), 0.0),
        (sp.log(1 - Sigmoid(z)), -sp.log(1 + sp.exp(z)), 0.0),
        (-sp.Rational(9, 10) * LogSigmoid(z) - sp.log(1 - Sigmoid(z)) / 10,
         sp.Rational(9, 10) * sp.log(1 + sp.exp(-z)) + sp.log(1 + sp.exp(z)) / 10, 0.0),
        (z / (sp.exp(z) - 1), z / (sp.exp(z) - 1), 0.0),
        (sp.log(1 + z**2) / z**2, sp.log(1 + z**2) / z**2, 0.0),
    ]
    for expr, truth, scale in cases:
        fn = numeric.compile(expr, args=[("z_r34", "array")], name="f", backend="numpy")
        got = fn(points)
        for x, g, want in zip(points, got, _mp_values(truth, z, points)):
            want = float(want)
            if abs(want) < 1e-300:  # below the normal range a value only has to underflow
                assert abs(g) < 1e-290, (expr, x, g)
                continue
            assert abs(g - want) <= 1e-14 * max(abs(want), scale), (expr, x, g, want)


def test_expm1_and_log1p_compile_in_every_backend():
    import numpy as np
    import pytest
    from sympy.codegen.cfunctions import expm1, log1p

    from dpo_mixture import numeric

    z = declare.scalar("z_r34d")
    x = np.array([1e-12, 0.25])
    for backend in ("numpy", "torch", "jax"):
        if backend != "numpy":
            pytest.importorskip(backend)
        fn = numeric.compile(expm1(z) + log1p(z), args=[("z_r34d", "array")], name="g", backend=backend)
        got = np.asarray(fn(x) if backend == "numpy" else fn(_as(backend, x)), dtype=float)
        assert np.allclose(got, np.expm1(x) + np.log1p(x), rtol=1e-6, atol=0)
        assert got[0] == pytest.approx(2e-12, rel=1e-6)


def _as(backend, x):
    if backend == "torch":
        import torch

        return torch.tensor(x)
    import jax.numpy as jnp

    return jnp.asarray(x)


def test_a_derivatives_condition_says_why_a_hypothesis_does_not_show_it():
    """d log(x)/dx = 1/x under the hypothesis x > 0 is left undecided (the hypothesis holds at
    the point, the logarithm must be defined around it); the reason says what would do."""
    from dpo_mixture import check_claim

    outcome = check_claim("diff(log(x), x) == 1/x", ["x > 0"], let={"x": "scalar"}, samples=20)
    assert outcome.verdict is Verdict.UNDECIDED
    assert "not around it" in outcome.method and "declare the domain of x" in outcome.method
    assert check_claim("diff(log(x), x) == 1/x", let={"x": "temperature"}, samples=20).verdict is Verdict.PROVED
