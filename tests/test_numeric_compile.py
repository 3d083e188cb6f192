"""numeric.compile: a user's own expression through the pipeline of the built-in functions."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp

from dpo_mixture import model, numeric
from dpo_mixture.notation import alpha, beta, k, n, p_ref, r, support_sum, y
from numeric_support import _concrete, require

TUNED = model.closed_form()  # p*(y) = p_ref(y) e^{r(y)/beta} / Z
MEAN = support_sum(TUNED * r[y])
VARIANCE = support_sum(TUNED * r[y] ** 2) - MEAN**2  # Var_{p*}(r) = d E_t[r] / dt


def _variance_reference(p, rr, b):
    """Var_{p*}(r) at 50 digits, from the same expression on a support of len(p)."""
    size = len(p)
    expr = _concrete(VARIANCE, size)
    subs = {p_ref[i + 1]: mpmath.mpf(float(p[i])) for i in range(size)}
    subs.update({r[i + 1]: mpmath.mpf(float(rr[i])) for i in range(size)})
    subs[beta] = mpmath.mpf(float(b))
    f = sp.lambdify(list(subs), expr, modules="mpmath")
    with mpmath.workdps(50):
        return float(f(*subs.values()))


@pytest.fixture(scope="module")
def variance():
    return numeric.compile(VARIANCE, args=[("p_ref", "dist"), ("r", "reward"), ("beta", "scale")], name="reward_variance")


@pytest.mark.parametrize("offset", [0.0, 1e2, 1e4])
@pytest.mark.parametrize("b", [1e-3, 0.3, 5.0])
def test_reward_variance_against_mpmath(variance, offset, b):
    rng = np.random.default_rng(int(offset) + 7)
    p = rng.dirichlet(np.ones(6), 4)
    p[1, 2] = 0.0
    p[1] /= p[1].sum()
    rr = offset + rng.uniform(0, 1, (4, 6)) * 50 * b
    got = variance(p, rr, b)
    assert got.shape == (4,)
    for row in range(4):
        want = _variance_reference(p[row], rr[row], b)
        # a variance is a difference of moments: its scale is the squared spread of r
        scale = float(np.ptp(rr[row])) ** 2
        assert abs(got[row] - want) <= 1e-14 * max(abs(want), 1e-2 * scale) + 1e-300


def test_the_reward_is_shifted_so_offsets_do_not_cancel(variance):
    source = variance.source("numpy")
    assert "_support_max(r" in source  # SymPy found the variance invariant under r -> r + c
    p = np.full(3, 1 / 3)
    base = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(variance(p, base + 1e6, 1.0), variance(p, base, 1.0), rtol=1e-13)


def test_backends_agree_and_checks_apply(variance):
    torch = require("torch")
    jnp = require("jax").numpy
    rng = np.random.default_rng(3)
    p, rr = rng.dirichlet(np.ones(5), 3), rng.normal(size=(3, 5))
    want = variance(p, rr, 0.7)
    np.testing.assert_allclose(variance(torch.tensor(p), torch.tensor(rr), 0.7).numpy(), want, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(variance(jnp.asarray(p), jnp.asarray(rr), 0.7)), want, rtol=1e-12)
    with pytest.raises(ValueError, match="p_ref: each row must sum to 1"):
        variance(p * 2, rr, 0.7)
    with pytest.raises(ValueError, match="beta: must be > 0"):
        variance(p, rr, -1.0)
    np.testing.assert_allclose(variance(p_ref=p, r=rr, beta=0.7, validate=False), want)


def test_log_inputs_and_elementwise_outputs():
    log_tuned = numeric.compile(sp.log(TUNED), args=["log_p_ref", "r", "beta"], log_inputs={"p_ref": "log_p_ref"})
    lp = np.log(np.array([0.2, 0.3, 0.5]))
    rr = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(log_tuned(lp, rr, 0.4), numeric.log_policy(lp, rr, 0.4), rtol=1e-15)
    assert "_log_softmax(" in log_tuned.source("numpy")


def test_elementwise_function_of_symbols():
    a, b = sp.symbols("a b")
    softplus_gap = numeric.compile(sp.log(1 + sp.exp(a - b)), args=[("a", "logp"), ("b", "logp")], name="gap")
    x = np.array([0.0, 800.0, -800.0])
    np.testing.assert_allclose(softplus_gap(x, np.zeros(3)), np.logaddexp(0, x), rtol=1e-15)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: numeric.compile(3, args=[]), "expr: must be a SymPy expression"),
        (lambda: numeric.compile(VARIANCE, args=["p_ref", "r"]), "args: the expression uses beta, which is not among"),
        (lambda: numeric.compile(VARIANCE, args=["p_ref", "r", "beta", "q"]), "args: q does not appear in the expression"),
        (lambda: numeric.compile(VARIANCE, args=[("p_ref", "dist"), "r", ("beta", "dist")]), "args: with indexed arrays"),
        (lambda: numeric.compile(VARIANCE, args=[("p_ref", "spam"), "r", "beta"]), "args: unknown kind 'spam'"),
        (lambda: numeric.compile(VARIANCE, name="not a name"), "name: must be a Python identifier"),
        (lambda: numeric.compile(VARIANCE, backend="cupy"), "backend: unknown backend 'cupy'"),
        (lambda: numeric.compile(support_sum(r[k], k).subs(n, 3)), "only sums over the support"),
        (lambda: numeric.compile(alpha * beta), "args: needs at least one array argument"),
    ],
)
def test_bad_input_is_a_value_error_naming_it(call, message):
    with pytest.raises(ValueError, match=message):
        f = call()
        f(np.ones(3) / 3, np.zeros(3), 1.0)  # a sum over the wrong range fails when generated


@pytest.mark.parametrize("expr", [
    sp.erf(r[y]), sp.gamma(r[y]), sp.zeta(r[y]), sp.binomial(r[y], 2), sp.factorial(r[y]),
    sp.Max(r[y], 1), sp.Piecewise((r[y], r[y] > 0), (0, True)), sp.Function("f")(r[y]), sp.Heaviside(r[y]),
])
def test_a_function_without_an_array_form_is_refused_when_compiled(expr):
    """Every backend must compute it on arrays; otherwise compile names it, instead of a
    printer error, or a function that fails (or computes elementwise on scalars) when called."""
    with pytest.raises(ValueError, match=rf"^expr: {type(expr).__name__} \(.*no array form"):
        numeric.compile(expr)


@pytest.mark.parametrize("backend", ["numpy", "torch", "jax"])
@pytest.mark.parametrize("name", ["Sigmoid", "LogSigmoid"])
def test_the_named_logistic_functions_compile_stably(backend, name):
    """sigma and log sigma unfold into exponentials that the rewrite keeps finite, at
    arguments where e^{-x} overflows."""
    require(backend)
    expr = getattr(model, name)(r[y])
    values = np.array([-1000.0, -30.0, 0.0, 2.5, 800.0])
    f = numeric.compile(expr, backend=backend)
    got = np.asarray(_as_backend(backend, values, f), dtype=float)
    with mpmath.workdps(50):
        want = [float(sp.N(expr.unfold().xreplace({r[y]: sp.Float(v, 50)}), 50)) for v in values]
    assert np.allclose(got, want, rtol=1e-14, atol=0)


def _as_backend(backend, values, f):
    if backend == "torch":
        import torch

        return f(torch.tensor(values, dtype=torch.float64)).numpy()
    if backend == "jax":
        import jax.numpy as jnp  # require() has turned on float64

        return np.asarray(f(jnp.asarray(values, dtype=jnp.float64)))
    return f(values)


@pytest.mark.parametrize("backend", ["numpy", "torch", "jax"])
@pytest.mark.parametrize("dtype, gap", [("float64", 400.0), ("float32", 50.0)])
def test_a_weight_beyond_the_denominators_support_is_not_capped(backend, dtype, gap):
    """M_A / M_U and q(y) e^{r(y)} / M_U with p_U = (1, 0): the shift is the reward maximum
    over every entry some tilt weighs (p_A's and q's too), so e^{gap} is not capped at half the
    overflow threshold where p_A and q put weight (the values are ordinary floats)."""
    from dpo_mixture.notation import M_A, M_U, p_A, p_U

    mod = require(backend) if backend != "numpy" else np
    q = sp.IndexedBase(sp.Symbol("q", nonnegative=True))
    f = numeric.compile((M_A / M_U, q[y] * sp.exp(r[y] / beta) / M_U), args=["p_A", "p_U", "q", "r", "beta"],
                        backend=backend)
    values = {"p_A": [0.5, 0.5], "p_U": [1.0, 0.0], "q": [0.5, 0.5], "r": [0.0, gap]}
    arrays = [np.asarray(values[k], dtype=dtype) for k in ("p_A", "p_U", "q", "r")]
    if backend == "torch":
        arrays = [mod.from_numpy(a) for a in arrays]
    elif backend == "jax":
        arrays = [mod.numpy.asarray(a) for a in arrays]
    ratio, pointwise = (np.asarray(v, dtype=float) for v in f(*arrays, 1.0))
    with mpmath.workdps(50):
        want = float(mpmath.mpf("0.5") + mpmath.mpf("0.5") * mpmath.exp(gap))
    tol = 1e-12 if dtype == "float64" else 1e-5
    assert float(np.ravel(ratio)[0]) == pytest.approx(want, rel=tol)
    assert np.ravel(pointwise).tolist() == pytest.approx([0.5, want], rel=tol)


def test_an_expression_whose_sums_cancel_to_a_scalar_is_refused():
    """sum alpha p e^r / sum p e^r is alpha: it compiled to (alpha)[..., 0], which failed on
    every call."""
    from dpo_mixture.notation import alpha, k

    tilted = support_sum(p_ref[k] * sp.exp(r[k] / beta), k)
    with pytest.raises(ValueError, match="reduces to alpha, which depends on no array"):
        numeric.compile(support_sum(alpha * p_ref[k] * sp.exp(r[k] / beta), k) / tilted)


@pytest.mark.parametrize("backend", ["numpy", "torch", "jax"])
def test_signed_sum_of_arguments_rounds_once(backend):
    # x - z + w at x = z = 1e16, w = 1: added left to right, 1e16 + 1 rounds the 1 away
    x, z, w = sp.IndexedBase("x"), sp.IndexedBase("z"), sp.IndexedBase("w")
    f = numeric.compile(x[y] - z[y] + w[y], args=["x", "z", "w"], name="signed")
    values = ([1e16, 1.0, -3e300], [1e16, 2.0, -3e300], [1.0, 3.0, 2.5])
    if backend == "numpy":
        got = f(*(np.array(v) for v in values))
    else:
        lib = require(backend)
        got = f(*((lib.tensor if backend == "torch" else lib.numpy.asarray)(np.array(v)) for v in values))
    assert np.asarray(got, dtype=np.float64).tolist() == [1.0, 2.0, 2.5]
