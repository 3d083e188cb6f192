"""Extreme inputs: huge |r/beta|, tiny beta, exact zeros in p_ref, alpha at 0 and 1, n = 1e6."""

from __future__ import annotations

import numpy as np
import pytest

from dpo_mixture import numeric
from numeric_support import reference, require


def test_tpm_right_where_the_tilt_overflows():
    # e^{1000} overflows float64; M_U / M_A = 3 exactly, so TPM(A) = a / (a + 3 (1 - a)).
    p_A, p_U = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
    r = np.array([1000.0, 1000.0 + np.log(3.0), 0.0])
    with pytest.raises(FloatingPointError), np.errstate(over="raise"):
        np.exp(r)
    tpm_a, tpm_u = numeric.tpm(p_A, p_U, 0.5, r, 1.0)
    assert float(tpm_a) == pytest.approx(0.25, rel=1e-12)
    assert float(tpm_u) == pytest.approx(0.75, rel=1e-12)


@pytest.mark.parametrize("scale", [1e3, 1e6])
def test_large_r_over_beta_matches_reference(scale):
    rng = np.random.default_rng(5)
    values = {
        "p_A": rng.dirichlet(np.ones(6), 2),
        "p_U": rng.dirichlet(np.ones(6), 2),
        "alpha": np.array([0.3, 0.6]),
        "r": rng.uniform(-1, 1, (2, 6)) * 1e-2,
        "beta": np.array([1e-2, 1e-2]) / scale,
    }
    # Rounding r/beta alone moves the exponent by eps |r/beta|: no float64 code can beat a
    # relative error of about that size, so the tolerance follows the condition number.
    rtol = max(1e-12, 100 * np.finfo(float).eps * scale)
    for name in ("tpm", "tpm_sensitivity", "mixture_weights"):
        got = getattr(numeric, name)(**values)
        got = got if isinstance(got, tuple) else (got,)
        for g, w in zip(got, reference(name, values)):
            assert np.all(np.isfinite(g))
            # The sensitivity is a difference of means of r: its error scales with max |r|.
            atol = rtol * np.max(np.abs(values["r"])) if name == "tpm_sensitivity" else 1e-300
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)
    log_p = np.log(values["p_A"])
    lz = numeric.log_partition(log_p, values["r"], values["beta"])
    np.testing.assert_allclose(lz, reference("log_partition", {"log_p_ref": log_p, "r": values["r"], "beta": values["beta"]})[0], rtol=1e-12)


def test_tiny_beta_concentrates_on_best_supported_output():
    p_ref = np.array([0.2, 0.0, 0.5, 0.3])
    r = np.array([0.1, 5.0, 0.3, -0.2])  # the best reward lies outside the support
    p = numeric.policy(p_ref, r, 1e-8)
    np.testing.assert_array_equal(p, [0.0, 0.0, 1.0, 0.0])
    assert np.isfinite(numeric.kl_to_ref(p_ref, r, 1e-8))
    lp = numeric.log_policy(np.log(np.where(p_ref > 0, p_ref, 1.0)) + np.where(p_ref > 0, 0.0, -np.inf), r, 1e-8)
    assert lp[1] == -np.inf and lp[2] == 0.0


def test_zeros_give_zero_probability_and_no_nan_on_every_backend():
    p_ref = np.array([[0.0, 0.5, 0.5, 0.0], [1.0, 0.0, 0.0, 0.0]])
    r = np.array([[1e6, 0.0, 1.0, -1e6], [0.0, 1e6, 2.0, 3.0]])
    outputs = [numeric.policy(p_ref, r, 1.0)]
    torch = require("torch")
    jnp = require("jax").numpy
    outputs.append(numeric.policy(torch.tensor(p_ref), torch.tensor(r), 1.0).numpy())
    outputs.append(np.asarray(numeric.policy(jnp.asarray(p_ref), jnp.asarray(r), 1.0)))
    for p in outputs:
        assert not np.any(np.isnan(p))
        assert np.all(p[p_ref == 0] == 0.0)
        np.testing.assert_allclose(p.sum(-1), 1.0, rtol=1e-15)
    kl = numeric.kl_to_ref(p_ref, r, 1.0)
    assert np.all(np.isfinite(kl)) and kl[1] == 0.0


def test_alpha_at_the_ends():
    rng = np.random.default_rng(6)
    p_A, p_U, r = rng.dirichlet(np.ones(5)), rng.dirichlet(np.ones(5)), rng.normal(size=5)
    rows = [np.stack([v, v]) for v in (p_A, p_U, r)]  # one value of alpha per batch row
    tpm_a, tpm_u = numeric.tpm(rows[0], rows[1], np.array([0.0, 1.0]), rows[2], 1.0)
    np.testing.assert_array_equal(tpm_a, [0.0, 1.0])
    np.testing.assert_array_equal(tpm_u, [1.0, 0.0])
    w_a, w_u = numeric.mixture_weights(p_A, p_U, 0.0, r, 1.0)
    assert np.all(w_a == 0.0) and np.all(np.isfinite(w_u))
    assert float(numeric.residual_mass_bound(1.0, r, 1.0)) == 0.0
    assert float(numeric.tpm_sensitivity(p_A, p_U, 1.0, r, 1.0)) == 0.0


def test_support_of_a_million():
    rng = np.random.default_rng(8)
    n = 1_000_000
    p_ref = rng.dirichlet(np.ones(n))
    r = rng.normal(scale=1e3, size=n)
    lp = numeric.log_policy(np.log(p_ref), r, 1.0)
    assert np.all(np.isfinite(lp))
    assert float(np.exp(lp).sum()) == pytest.approx(1.0, abs=1e-9)
    tpm_a, tpm_u = numeric.tpm(p_ref, rng.dirichlet(np.ones(n)), 0.4, r, 1.0)
    assert float(tpm_a + tpm_u) == pytest.approx(1.0, abs=1e-12)


def test_dpo_loss_no_overflow_and_small_losses_kept():
    pc = np.array([0.0, -1e4, -3.0])
    pr = np.array([-1e4, 0.0, -3.0])
    zero = np.zeros(3)
    loss = numeric.dpo_loss(pc, pr, zero, zero, 1.0)
    assert loss[0] == 0.0 and loss[1] == pytest.approx(1e4) and loss[2] == pytest.approx(np.log(2.0))
    small = numeric.dpo_loss(np.array([0.0]), np.array([-40.0]), np.zeros(1), np.zeros(1), 1.0)
    assert small[0] == pytest.approx(np.exp(-40.0), rel=1e-12)


# --- blocks of rows (NumPy) -------------------------------------------------------------------
NAMES = ["policy", "log_policy", "log_partition", "mixture_weights", "tpm", "kl_to_ref", "residual_mass_bound",
         "tpm_sensitivity", "implicit_reward", "dpo_loss"]


def _small_blocks(monkeypatch, name, size):
    from dpo_mixture.numeric.codegen import compiled

    monkeypatch.setitem(compiled(name, "numpy").__globals__, "_CHUNK_BYTES", size)


@pytest.mark.parametrize("name", NAMES)
def test_blocks_of_rows_give_the_one_block_results(monkeypatch, name):
    from numeric_support import random_instance

    values = random_instance(name, np.random.default_rng(12), batch=7, size=6)
    if "r" in values:  # row 3: its best reward lies outside the support (the masked maximum)
        for key in ("p_ref", "p_A", "p_U"):
            if key in values:
                values[key][3, 0] = 0.0
                values[key][3] /= values[key][3].sum()
        if "log_p_ref" in values:
            values["log_p_ref"][3, 0] = -np.inf
            values["log_p_ref"][3] -= np.log(np.exp(values["log_p_ref"][3]).sum())
        values["r"][3, 0] = 50.0
    whole = getattr(numeric, name)(**values)
    _small_blocks(monkeypatch, name, 16 * 8)  # two rows of 6 float64 per block
    blocks = getattr(numeric, name)(**values)
    for w, b in zip(whole if isinstance(whole, tuple) else (whole,), blocks if isinstance(blocks, tuple) else (blocks,)):
        np.testing.assert_array_equal(w, b)


def test_log_softmax_in_place_with_a_work_buffer_gives_the_same_bits():
    """``log_policy`` computes its argument in the caller's output and the log-softmax in place
    there, the exponentials in a buffer of their own: the same bits as out of place, in the
    rows that need the shift (every exponential underflows or one overflows) too."""
    from dpo_mixture.numeric.codegen import compiled

    log_softmax = compiled("log_policy", "numpy").__globals__["_log_softmax"]
    rng = np.random.default_rng(5)
    x = rng.normal(size=(5, 7)) * 30
    x[1] -= 800.0  # every exponential underflows
    x[2] += 800.0  # one overflows
    x[3] -= 5.0  # a log-sum far from 0: subtracted in two parts
    inplace = x.copy()
    with np.errstate(all="ignore"):  # as the generated functions call it: overflow is expected
        apart = log_softmax(x.copy(), out=np.empty_like(x))
        got = log_softmax(inplace, out=inplace, work=np.empty_like(x))
    assert got is inplace and np.isfinite(got).all()
    np.testing.assert_array_equal(got, apart)


def test_a_bad_row_in_a_later_block_is_still_reported(monkeypatch):
    rng = np.random.default_rng(2)
    p = rng.dirichlet(np.ones(6), 9)
    p[7] *= 1.5
    _small_blocks(monkeypatch, "kl_to_ref", 16 * 8)
    with pytest.raises(ValueError, match="p_ref: each row must sum to 1 within .*, a row sums to 1.49999"):
        numeric.kl_to_ref(p, rng.normal(size=(9, 6)), 0.5)


@pytest.mark.parametrize("name", ["log_policy", "tpm", "kl_to_ref", "policy"])
def test_peak_memory_is_at_most_two_input_arrays(name):
    """tracemalloc sees NumPy's allocations: output included, the peak stays under two arrays."""
    import tracemalloc

    from numeric_support import random_instance

    values = random_instance(name, np.random.default_rng(1), batch=64, size=20_000)
    numeric.__dict__[name](**values)  # compiled before measuring
    one = values["r"].nbytes
    for validate in (False, True):
        tracemalloc.start()
        out = getattr(numeric, name)(**values, validate=validate)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak <= 2 * one, (name, validate, peak / one)
        del out


def _dpo_loss_cases(dtype, count=300):
    """Log-probabilities of size up to 1e4, the policy's far from the reference's, whose margin
    (up to 60) is a small difference of large log-ratios."""
    rng = np.random.default_rng(11)
    size = 10.0 ** rng.uniform(2, 4, count)
    pc, rc, rr = -size * rng.uniform(0.5, 1, count), -size * rng.uniform(0, 0.4, count), -size * rng.uniform(0, 0.4, count)
    beta = 10.0 ** rng.uniform(-2, 0, count)
    pr = pc - rc + rr - rng.uniform(-60, 60, count) / beta  # margin beta ((pc - rc) - (pr - rr)) up to 60
    return tuple(np.asarray(a, dtype) for a in (pc, pr, rc, rr, beta))


@pytest.mark.parametrize("backend", ["numpy", "torch", "jax"])
@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-14), (np.float32, 1e-5)])
def test_dpo_loss_exact_for_large_log_probabilities(backend, dtype, tolerance):
    # The margin beta ((pc - rc) - (pr - rr)) is a small difference of inputs of size 1e4: the
    # four inputs are summed with one rounding, so the loss, e^{-margin} in its tail, keeps
    # its digits (subtracting pair by pair left 6e-13 in float64 and 5e-5 in float32).
    import mpmath

    args = _dpo_loss_cases(dtype)
    if backend == "numpy":
        got = numeric.dpo_loss(*args)
    else:
        lib = require(backend)
        tensor = lib.tensor if backend == "torch" else lib.numpy.asarray
        got = numeric.dpo_loss(*(tensor(a) for a in args))
    got = np.asarray(got, dtype=np.float64)
    with mpmath.workdps(50):
        for i, value in enumerate(got):
            pc, pr, rc, rr, beta = (mpmath.mpf(float(a[i])) for a in args)
            exact = mpmath.log1p(mpmath.exp(-beta * ((pc - rc) - (pr - rr))))
            assert abs(value - exact) <= tolerance * exact, (backend, i, value, exact)


@pytest.mark.parametrize("offset", [600.0, -600.0, 3e4])
def test_log_policy_exact_when_the_log_sum_is_large(offset):
    # x = log p_ref + (r - max r)/beta sits near -offset throughout (the log-sum too): its
    # rounding, u |log s| = 5e-14 at 600, must not reach the entries; nor may a row's result
    # depend on the other rows of its block (a row of large logits once changed the path taken)
    import mpmath

    log_p_ref = np.array([[-offset, 0.0, -offset - 1.5], [-1000.0, 0.0, -3.0]])
    r = np.array([[offset, 0.0, offset], [1000.0, 0.0, 2.0]])
    alone = numeric.log_policy(log_p_ref[:1], r[:1], 1.0)
    batched = numeric.log_policy(log_p_ref, r, 1.0)
    np.testing.assert_array_equal(alone[0], batched[0])
    with mpmath.workdps(50):
        x = [mpmath.mpf(float(a)) + mpmath.mpf(float(b)) for a, b in zip(log_p_ref[0], r[0])]
        lse = mpmath.log(sum(mpmath.exp(v) for v in x))
        for got, v in zip(alone[0], x):
            assert abs(got - (v - lse)) <= 1e-14 * max(abs(v - lse), 1), (got, v - lse)


@pytest.mark.parametrize("backend", ["numpy", "torch", "jax"])
@pytest.mark.parametrize("dtype, weight", [(np.float32, 1e-20), (np.float64, 1e-160)])
@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_a_zero_weight_makes_its_mass_zero_where_its_moment_overflows(backend, dtype, weight, alpha):
    # at alpha = 0 the support is p_U > 0; p_A's top entry lies off it, so its tilt is capped,
    # and divided by the small Z it overflows: alpha M_A / Z was 0 * inf = NaN, TPM(A) is 0
    unused, used = np.array([1.0, 0.0, 0.0], dtype), np.array([0.0, weight, 1.0], dtype)
    p_A, p_U = (unused, used) if alpha == 0.0 else (used, unused)
    r, beta = np.array([10.0, 5.0, 0.0], dtype), dtype(0.01)
    args = [p_A, p_U, dtype(alpha), r, beta]
    if backend != "numpy":
        lib = require(backend)
        args = [(lib.tensor if backend == "torch" else lib.numpy.asarray)(a) for a in args]
    tpm_a, tpm_u = (float(np.asarray(v)) for v in numeric.tpm(*args))
    assert (tpm_a, tpm_u) == ((0.0, 1.0) if alpha == 0.0 else (1.0, 0.0))
    assert float(np.asarray(numeric.tpm_sensitivity(*args))) == 0.0
