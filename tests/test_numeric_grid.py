"""The numeric functions on a grid of hard inputs, in float64 and float32, against 50-digit mpmath.

The reference evaluates the model's SymPy expressions at the exact float inputs (the float32
values widened exactly).  The grid covers ``|r/beta|`` up to 1e8, ``beta`` from 1e-12 to 1e3,
rewards offset by constants up to 1e4, ``alpha`` in {1e-15, 1/2, 1 - 1e-15}, exact zeros,
one-hot rows and a support of size 1.

The target is ``1e-14`` relative in float64 and ``1e-5`` in float32, with two allowances that
no algorithm in the working precision can avoid, both written into the tolerance:

* The exponent ``x = (r - m)/beta`` is rounded once (``u |x|``, ``u`` the unit roundoff), so an
  entry whose tilt is ``e^x`` carries ``2u|x|`` more; a row quantity carries ``2u`` times the
  tilted mean of ``|x|``.  Entries within ``e^-20`` of the row's largest are held to the
  plain target.
* Quantities that are differences of terms of size one (``log Z`` and ``log p*`` near 0, a KL
  near 0, ``d TPM/dt`` near 0) are held to the target *absolutely* at that size (the floor).

Values below the smallest normal number are only required to underflow.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from dpo_mixture import numeric
from numeric_support import reference

SIZES = (1, 2, 5)
BETAS = (1e-12, 1e-6, 1e-2, 1.0, 1e3)
OFFSETS = (0.0, 1e2, -1e2, 1e4)
SPREADS = (1e-3, 1.0, 30.0, 1e4)  # (max r - min r)/beta
ALPHAS = (1e-15, 0.5, 1 - 1e-15)
TARGET = {np.float64: 1e-14, np.float32: 1e-5}


def _components(rng, size):
    """A dense row, a row with an exact zero, a one-hot row (just [1] for a support of 1)."""
    rows = [rng.dirichlet(np.ones(size))]
    if size > 1:
        zero = rng.dirichlet(np.ones(size))
        zero[rng.integers(size)] = 0.0
        rows.append(zero / zero.sum())
        hot = np.zeros(size)
        hot[rng.integers(size)] = 1.0
        rows.append(hot)
    return rows


def grid(seed: int = 0):
    """Instances (as float64 arrays) of the grid: rewards, components and alpha."""
    rng = np.random.default_rng(seed)
    for size, beta, offset, spread in itertools.product(SIZES, BETAS, OFFSETS, SPREADS):
        if (abs(offset) + spread * beta) / beta > 1e8:
            continue
        r = offset + spread * beta * rng.uniform(0, 1, size)
        comps = _components(rng, size)
        pairs = [(a, b) for a, b in itertools.product(comps, repeat=2)][:4]
        for (p_a, p_u), alpha in itertools.product(pairs, ALPHAS):
            yield dict(size=size, beta=beta, r=r, p_A=p_a, p_U=p_u, alpha=alpha)


def _arguments(case, dtype):
    f = lambda v: np.asarray(v, dtype=dtype)  # noqa: E731
    p_a, p_u, alpha = f(case["p_A"]), f(case["p_U"]), dtype(case["alpha"])
    p_ref = f(float(alpha) * p_a.astype(np.float64) + (1 - float(alpha)) * p_u.astype(np.float64))
    with np.errstate(divide="ignore"):
        log_p_ref = f(np.log(p_ref.astype(np.float64)))
    r, beta = f(case["r"]), dtype(case["beta"])
    mix = dict(p_A=p_a, p_U=p_u, alpha=alpha, r=r, beta=beta)
    return {
        "policy": dict(p_ref=p_ref, r=r, beta=beta),
        "log_policy": dict(log_p_ref=log_p_ref, r=r, beta=beta),
        "log_partition": dict(log_p_ref=log_p_ref, r=r, beta=beta),
        "kl_to_ref": dict(p_ref=p_ref, r=r, beta=beta),
        "tpm": mix,
        "mixture_weights": mix,
        "tpm_sensitivity": mix,
        "residual_mass_bound": dict(alpha=alpha, r=r, beta=beta),
    }


def _exponents(args):
    """x = (r - m)/beta with m the maximum of r over the support (float64, as a scale only)."""
    r, beta = args["r"].astype(np.float64), float(args["beta"])
    weight = args["p_ref"] if "p_ref" in args else args["p_A"] + args["p_U"] if "p_A" in args else np.ones_like(r)
    support = weight.astype(np.float64) > 0
    return (r - r[support].max()) / beta, np.where(support, weight.astype(np.float64), 0.0)


def scale_and_allowance(name, args, want, dtype):
    """Per entry: the scale that the target is relative to, and the rounding allowance.

    The tolerance is ``(TARGET + allowance) * scale`` (see the module docstring).
    """
    u = float(np.finfo(dtype).eps) / 2
    x, weight = _exponents(args)
    components = [args[k].astype(np.float64) for k in ("p_A", "p_U") if k in args] or [weight]
    mean_x = 0.0  # the largest tilted mean of |x| over the distributions that are summed
    with np.errstate(under="ignore"):
        for c in components:
            tilted = c * np.exp(np.minimum(x, 0.0))  # weight 0 off the support
            if tilted.sum() > 0:
                mean_x = max(mean_x, float(np.sum(tilted * np.abs(x)) / tilted.sum()))
    if name == "residual_mass_bound":  # (1 - alpha) e^(min x): the exponent itself
        mean_x = float(np.max(np.abs(x)))
    scale, allowance = np.abs(want), np.full(np.shape(want), 2 * u * mean_x)
    if name in ("policy", "mixture_weights"):
        xs = x[weight > 0] if name == "mixture_weights" else x
        allowance = np.where(xs >= -20, 0.0, 2 * u * np.abs(xs))
    elif name == "log_policy":
        scale, allowance = np.maximum(np.abs(want), 1.0), np.zeros(np.shape(want))
    elif name in ("log_partition", "kl_to_ref"):
        scale = np.maximum(np.abs(want), 1.0)
    elif name == "tpm_sensitivity":
        masses = reference("tpm", {k: np.asarray(v, dtype=np.float64)[None] for k, v in args.items()})
        spread = float(np.ptp(args["r"].astype(np.float64)[weight > 0]))
        scale = np.maximum(np.abs(want), float(masses[0][0] * masses[1][0]) * spread)
    return scale, allowance


def errors(name, args, dtype):
    """Per output: |got - exact|, the scale and the allowance, over the entries compared."""
    got = getattr(numeric, name)(**args)
    got = got if isinstance(got, tuple) else (got,)
    want = reference(name, {k: np.asarray(v, dtype=np.float64)[None] for k, v in args.items()})
    tiny, huge = float(np.finfo(dtype).tiny), float(np.finfo(dtype).max)
    out = []
    for g, w in zip(got, want):
        assert g.dtype == dtype
        g, w = np.asarray(g, dtype=np.float64).ravel(), np.asarray(w[0], dtype=np.float64).ravel()
        if name == "mixture_weights":  # off the support the weights may not be representable
            keep = _exponents(args)[1] > 0
            g, w = g[keep], w[keep]
        scale, allowance = scale_and_allowance(name, args, w, dtype)
        underflow = (np.abs(w) < tiny) & (np.abs(g) <= tiny)  # only required to underflow
        overflow = (np.abs(w) > huge) & (np.abs(g) == np.inf) & (np.sign(g) == np.sign(w))
        with np.errstate(invalid="ignore"):
            err = np.where((g == w) | underflow | overflow, 0.0, np.abs(g - w))
        assert np.all(np.isfinite(err)), (name, g, w)
        out.append((err, np.ravel(scale), np.ravel(allowance)))
    return out


def _check(name, args, dtype):
    for err, scale, allowance in errors(name, args, dtype):
        assert np.all(err <= (TARGET[dtype] + allowance) * scale), (name, args, err, scale, allowance)


NAMES = ["policy", "log_policy", "log_partition", "kl_to_ref", "tpm", "mixture_weights", "tpm_sensitivity", "residual_mass_bound"]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", NAMES)
def test_grid_against_mpmath(name, dtype):
    cases = 0
    for case in grid():
        _check(name, _arguments(case, dtype)[name], dtype)
        cases += 1
    assert cases > 300


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_masses_sum_to_one_and_kl_is_never_negative(dtype):
    eps = float(np.finfo(dtype).eps)
    for case in grid(seed=1):
        args = _arguments(case, dtype)
        tpm_a, tpm_u = numeric.tpm(**args["tpm"])
        assert abs(float(tpm_a) + float(tpm_u) - 1.0) <= 4 * eps
        assert 0.0 <= float(tpm_a) <= 1.0 and 0.0 <= float(tpm_u) <= 1.0
        assert float(numeric.kl_to_ref(**args["kl_to_ref"])) >= 0.0
        p = numeric.policy(**args["policy"])
        assert abs(float(np.sum(p, dtype=np.float64)) - 1.0) <= 4 * eps * len(p)


def test_the_issue_examples():
    """The cases of issue 12, each against its exact value."""
    t_a, t_u = numeric.tpm(np.array([0.0, 1.0]), np.array([0.5, 0.5]), 0.5, np.array([0.0, 1e3]), 1e-3)
    assert float(t_a) == pytest.approx(2 / 3, rel=1e-15) and float(t_u) == pytest.approx(1 / 3, rel=1e-15)
    f32 = np.float32
    t_a, _ = numeric.tpm(*(np.array(v, f32) for v in ([0.0, 1.0], [0.5, 0.5])), 0.5, np.array([0.0, 1e3], f32), 1e-3)
    assert float(t_a) == pytest.approx(2 / 3, rel=1e-6)
    assert numeric.tpm(np.array([1.0]), np.array([1.0]), 0.3, np.array([5.0]), 1e-9) == (0.3, 0.7)
    one = np.array([1.0], f32)
    t_a, t_u = numeric.tpm(one, one, 0.5, one, 1e-8)
    assert (float(t_a), float(t_u)) == (0.5, 0.5)
    rng = np.random.default_rng(0)
    kls = [numeric.kl_to_ref(np.full(8, 1 / 8), 1000 + rng.uniform(0, 1e-7, 8), 1.0) for _ in range(200)]
    assert min(kls) >= 0.0
    r = (100 + rng.uniform(0, 1, (4, 6)))
    args = dict(p_A=rng.dirichlet(np.ones(6), 4), p_U=rng.dirichlet(np.ones(6), 4), alpha=np.full(4, 0.3), beta=0.01)
    want = reference("tpm_sensitivity", {**args, "r": r, "beta": np.full(4, 0.01)})[0]
    np.testing.assert_allclose(numeric.tpm_sensitivity(r=r, **args), want, rtol=1e-12)
