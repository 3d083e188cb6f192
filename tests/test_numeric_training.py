"""The numeric functions in a training loop: per-row alpha and beta, half precision, checks that
stay on the device, imports, messages, and the reward shift as a property."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dpo_mixture import numeric
from dpo_mixture.numeric.specs import SCALAR_KINDS, SPECS
from numeric_support import random_instance, require

B, N = 3, 4


def _as_tuple(out):
    return out if isinstance(out, tuple) else (out,)


def _to(backend, value):
    if backend == "torch":
        torch = require("torch")
        return torch.tensor(value, dtype=torch.float64)
    if backend == "jax":
        return require("jax").numpy.asarray(value)
    return np.asarray(value)


def _host(value):
    return np.asarray(value.detach() if hasattr(value, "detach") else value)


# --- the per-row rule -----------------------------------------------------------------------
def _with_scalars(name, shape_of):
    """An instance of ``name`` with batch B, whose scalars have the shape ``shape_of(B)``."""
    values = random_instance(name, np.random.default_rng(3), batch=B, size=N)
    for param, kind in SPECS[name].params:
        if kind in SCALAR_KINDS:
            values[param] = values[param].reshape(shape_of(B))
    return values


NAMES_WITH_SCALARS = sorted(n for n, s in SPECS.items() if s.scalars)


@pytest.mark.parametrize("backend", ["numpy", "torch", "jax"])
@pytest.mark.parametrize("name", NAMES_WITH_SCALARS)
@pytest.mark.parametrize("shape_of", [lambda b: (b,), lambda b: (b, 1)], ids=["(B,)", "(B,1)"])
def test_one_value_per_batch_row(name, backend, shape_of):
    values = _with_scalars(name, shape_of)
    got = _as_tuple(getattr(numeric, name)(**{k: _to(backend, v) for k, v in values.items()}))
    for row in range(B):
        one = {k: v[row].reshape(v[row].shape[:-1]) if k in SPECS[name].scalars else v[row] for k, v in values.items()}
        want = _as_tuple(getattr(numeric, name)(**one))
        for g, w in zip(got, want):
            assert _host(g).shape[0] == B and _host(g).ndim == np.ndim(values[SPECS[name].arrays[-1]]) - (
                1 if SPECS[name].per_row else 0
            )
            np.testing.assert_allclose(_host(g)[row], w, rtol=1e-13)


@pytest.mark.parametrize("backend", ["numpy", "torch", "jax"])
@pytest.mark.parametrize("name", sorted(SPECS))
@pytest.mark.parametrize("validate", [True, False])
def test_an_empty_batch_gives_an_empty_result(name, backend, validate):
    # a batch of no rows (the last slice of a filtered data set) is a legal array: an empty
    # result of the right shape, with or without the checks, per-row scalars of no rows too
    values = random_instance(name, np.random.default_rng(4), batch=B, size=N)
    empty = {k: v[:0] if k not in SPECS[name].scalars else v[:0].reshape(0) for k, v in values.items()}
    full = _as_tuple(getattr(numeric, name)(**{k: _to(backend, v) for k, v in values.items()}))
    got = _as_tuple(getattr(numeric, name)(**{k: _to(backend, v) for k, v in empty.items()}, validate=validate))
    assert [_host(g).shape for g in got] == [(0,) + _host(f).shape[1:] for f in full]
    if "beta" in empty:  # the scalars are still checked, as numbers and as the backend's arrays
        for beta in (-1.0, _to(backend, -1.0)):
            with pytest.raises(ValueError, match="beta: must be > 0"):
                getattr(numeric, name)(**{k: _to(backend, v) for k, v in empty.items() if k != "beta"}, beta=beta)


@pytest.mark.parametrize("backend", ["numpy", "torch", "jax"])
@pytest.mark.parametrize("name", NAMES_WITH_SCALARS)
@pytest.mark.parametrize("bad", [(B + 1,), (B, 2), (1, B), (B, 1, 1, 2)])
def test_other_scalar_shapes_are_rejected_by_name(name, backend, bad):
    values = _with_scalars(name, lambda b: (b,))
    scalar = SPECS[name].scalars[-1]
    values[scalar] = np.full(bad, 0.5)
    with pytest.raises(ValueError, match=rf"^{scalar}: must be a scalar or one value per batch row"):
        getattr(numeric, name)(**{k: _to(backend, v) for k, v in values.items()})
    with pytest.raises(ValueError, match=rf"^{scalar}: must be a scalar or one value per batch row"):
        getattr(numeric, name)(**{k: _to(backend, v) for k, v in values.items()}, validate=False)


def test_the_issue_shapes():
    lp = np.log(np.full((3, 4), 0.25))
    assert numeric.log_policy(lp, np.zeros((3, 4)), np.full((3, 1), 0.1)).shape == (3, 4)
    p = np.full((3, 4), 0.25)
    assert numeric.tpm(p, p, np.full((3, 1), 0.3), np.zeros((3, 4)), 1.0)[0].shape == (3,)
    lc = np.log(np.array([0.2, 0.3, 0.5]))
    assert numeric.implicit_reward(lc, lc - 1, beta=np.full(3, 0.1)).shape == (3,)
    assert numeric.dpo_loss(lc, lc - 1, lc, lc, beta=np.full(3, 0.1)).shape == (3,)
    # a single row swept over beta: one row per value
    assert numeric.tpm(p[0], p[0], 0.3, np.zeros(4), np.array([0.1, 1.0])).__len__() == 2


# --- reward offsets: a property --------------------------------------------------------------
DYADIC = st.integers(-(2**20), 2**20).map(lambda k: k * 2.0**-10)  # r + c stays exact


@settings(max_examples=60, deadline=None)
@given(
    r=st.lists(DYADIC, min_size=1, max_size=6),
    c=st.integers(-(2**19), 2**19).map(float),
    beta=st.sampled_from([1e-3, 0.37, 1.0, 50.0]),
    seed=st.integers(0, 2**16),
)
def test_shifting_the_rewards_changes_only_log_partition(r, c, beta, seed):
    rng = np.random.default_rng(seed)
    r = np.array(r)
    n = len(r)
    p_a, p_u, p_ref = (rng.dirichlet(np.ones(n)) for _ in range(3))
    if n > 1:
        p_a[rng.integers(n)] = 0.0
        p_a /= p_a.sum()
    alpha = float(rng.uniform(0.01, 0.99))
    lp = np.log(p_ref)
    for rr in (r, r + c):
        assert np.all(rr - c * (rr is not r) == r)  # the shift is exact
    same = {
        "policy": lambda x: numeric.policy(p_ref, x, beta),
        "log_policy": lambda x: numeric.log_policy(lp, x, beta),
        "kl_to_ref": lambda x: numeric.kl_to_ref(p_ref, x, beta),
        "tpm": lambda x: numeric.tpm(p_a, p_u, alpha, x, beta),
        "mixture_weights": lambda x: numeric.mixture_weights(p_a, p_u, alpha, x, beta),
        "tpm_sensitivity": lambda x: numeric.tpm_sensitivity(p_a, p_u, alpha, x, beta),
        "residual_mass_bound": lambda x: numeric.residual_mass_bound(alpha, x, beta),
    }
    for name, f in same.items():
        for a, b in zip(_as_tuple(f(r)), _as_tuple(f(r + c))):
            np.testing.assert_array_equal(a, b, err_msg=name)  # bit for bit: the shift cancels
    moved = numeric.log_partition(lp, r + c, beta) - numeric.log_partition(lp, r, beta)
    assert moved == pytest.approx(c / beta, rel=1e-12, abs=1e-12 * abs(numeric.log_partition(lp, r, beta)))


# --- half precision, checks on the device ----------------------------------------------------
def test_bfloat16_and_float16_with_checks():
    torch = require("torch")
    rng = np.random.default_rng(0)
    for dtype in (torch.bfloat16, torch.float16):
        p = torch.tensor(rng.dirichlet(np.ones(50), 4), dtype=dtype)
        r = torch.tensor(rng.normal(size=(4, 50)), dtype=dtype)
        out = numeric.log_policy(torch.log(p), r, 0.5)
        assert out.dtype == dtype and torch.isfinite(out).all()
        tpm_a, tpm_u = numeric.tpm(p, p, 0.3, r, 0.5)
        assert tpm_a.dtype == dtype
        assert float(tpm_a) == pytest.approx(0.3, abs=0.02) if tpm_a.ndim == 0 else torch.allclose(
            tpm_a.float(), torch.full((4,), 0.3), atol=0.02
        )


def test_jax_bfloat16_and_float16_with_checks():
    """JAX's bfloat16 is not a NumPy floating kind (ml_dtypes gives it kind "V"); it must pass
    the dtype test, the checks (its tolerance) and come back in its own dtype, jitted too."""
    jax = require("jax")
    jnp = jax.numpy
    rng = np.random.default_rng(0)
    p64 = rng.dirichlet(np.ones(50), 4)
    r64 = rng.normal(size=(4, 50))
    exact_a, _ = numeric.tpm(p64, p64, 0.3, r64, 0.5)
    for dtype in (jnp.bfloat16, jnp.float16):
        p, r = jnp.asarray(p64, dtype=dtype), jnp.asarray(r64, dtype=dtype)
        out = numeric.log_policy(jnp.log(p), r, jnp.asarray(0.5, dtype=dtype))
        assert out.dtype == dtype and bool(jnp.isfinite(out).all())
        for f in (numeric.tpm, jax.jit(numeric.tpm)):
            tpm_a, tpm_u = f(p, p, 0.3, r, 0.5)
            assert tpm_a.dtype == dtype and tpm_u.dtype == dtype
            np.testing.assert_allclose(np.asarray(tpm_a, dtype=np.float64), exact_a, atol=0.02)
        with pytest.raises(ValueError, match=r"p_ref: each row must sum to 1"):
            numeric.kl_to_ref(p * 1.5, r, 0.5)


def test_float16_rows_that_sum_to_one_and_a_half_are_rejected():
    torch = require("torch")
    n = 50_257
    p = torch.full((2, n), 1.5 / n, dtype=torch.float16)
    with pytest.raises(ValueError, match=r"p_ref: each row must sum to 1"):
        numeric.policy(p, torch.zeros(2, n, dtype=torch.float16), 0.5)
    ok = torch.softmax(torch.randn(2, n), -1).to(torch.float16)  # a real float16 softmax passes
    numeric.policy(ok, torch.zeros(2, n, dtype=torch.float16), 0.5)


def test_torch_checks_never_copy_to_the_host(monkeypatch):
    torch = require("torch")
    values = {k: torch.tensor(v) for k, v in random_instance("tpm", np.random.default_rng(5)).items()}

    def refuse(*args, **kwargs):
        raise AssertionError("a check copied a tensor to the host")

    for method in ("numpy", "cpu", "tolist"):
        monkeypatch.setattr(torch.Tensor, method, refuse)
    numeric.tpm(**values)  # valid: no copy
    numeric.log_policy(torch.log(values["p_A"]), values["r"], values["beta"])
    monkeypatch.undo()
    bad = dict(values, p_A=values["p_A"] * 2)
    with pytest.raises(ValueError, match="p_A: each row must sum to 1"):
        numeric.tpm(**bad)  # invalid: the message may read values


# --- imports and messages --------------------------------------------------------------------
def test_numpy_use_imports_neither_torch_nor_jax():
    code = (
        "import sys, numpy as np\n"
        "from dpo_mixture import numeric\n"
        "numeric.tpm(np.array([0.5, 0.5]), np.array([0.5, 0.5]), 0.5, np.zeros(2), 1.0)\n"
        "numeric.log_policy(np.log([0.5, 0.5]), np.zeros(2), 1.0)\n"
        "print(sorted(m for m in ('torch', 'jax') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: numeric.tpm([0.1, 0.8], [0.5, 0.5], 0.5, [0, 0], 1.0), "p_A: each row must sum to 1 within 1e-06, a row sums to 0.9"),
        (lambda: numeric.tpm([0.5, 0.5], [0.5, 0.5], 0.5, [0, 0], np.float64(-0.1)), "beta: must be > 0, got -0.1"),
        (lambda: numeric.policy(np.zeros((2, 0)), np.zeros((2, 0)), 1.0), "p_ref: the support (last axis) is empty, got shape (2, 0)"),
        (lambda: numeric.policy([0.5, 0.5], [0.0, 1.0], "0.1"), "beta: must be a real number or an array of them, got str '0.1'"),
        (lambda: numeric.policy([0.5, 0.5], [1e300, 0.0], 1e-10), "r: r/beta must be finite, found 1e+300/beta"),
        (lambda: numeric.tpm([0.5, 0.5], [0.5, 0.5], 1.5, [0, 0], 1.0), "alpha: must lie in [0, 1], got 1.5"),
    ],
)
def test_messages_name_the_argument_in_plain_numbers(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value) == message
    assert "np.float" not in str(info.value)


def test_implicit_reward_takes_what_log_policy_returns():
    lp = np.array([-np.inf, np.log(0.25), np.log(0.75)])
    r = np.array([5.0, 1.0, 0.0])
    log_p = numeric.log_policy(lp, r, 0.5)
    assert log_p[0] == -np.inf
    reward = numeric.implicit_reward(log_p, lp, 0.5)  # -inf on both sides outside the support
    assert reward[0] == 0.0
    log_z = numeric.log_partition(lp, r, 0.5)
    np.testing.assert_allclose(reward[1:], r[1:] - 0.5 * log_z, rtol=1e-14)
    with pytest.raises(ValueError, match="log_p_theta: log-probabilities must be finite or -inf, found nan"):
        numeric.implicit_reward(np.array([np.nan, 0.0, 0.0]), lp, 0.5)


def test_jax_checks_wait_for_the_device_once(monkeypatch):
    """The flags of every argument are read back as one boolean; on a failure the first bad
    argument in order is named (a bad beta before the rewards it divides)."""
    jax = require("jax")
    jnp = jax.numpy
    values = {k: jnp.asarray(v) for k, v in random_instance("tpm", np.random.default_rng(7)).items()}
    array_type = type(values["p_A"])
    reads = []
    real_bool = array_type.__bool__
    monkeypatch.setattr(array_type, "__bool__", lambda self: reads.append(1) or real_bool(self))
    numeric.tpm(**values)
    assert len(reads) == 1
    monkeypatch.undo()
    bad = dict(values, beta=values["beta"].at[1].set(0.0), r=values["r"].at[0, 0].set(jnp.inf))
    with pytest.raises(ValueError, match=r"^beta: must be > 0"):
        numeric.tpm(**bad)
    with pytest.raises(ValueError, match=r"^p_U: each row must sum to 1"):
        numeric.tpm(**dict(values, p_U=values["p_U"] * 2))
