"""Hand-written contenders for the numeric benchmark: the best code we could write by hand.

Each contender computes what the generated function computes, with the same accuracy: one shift
per row taken at the reward maximum over the support (so offsets never cancel), tilts at most 1,
fused weighted sums.  They are written directly for their library, with everything a careful
engineer would do: NumPy works on blocks of rows that stay in cache and reuses one buffer per
block, torch and JAX call their fused primitives.  The ``naive_*`` functions are the usual
one-liners (no shift on the rewards, so they lose accuracy on offset rewards); they are timed
for reference only.

Nothing here is used by the package: these are the baselines that the generated code is
measured against, in the same run (``benchmarks/bench_numeric.py``).
"""

from __future__ import annotations

import math

import numpy as np

#: Bytes per block of rows that the NumPy contenders try; the benchmark keeps the best.
BLOCK_BYTES = (1 << 20, 1 << 21, 1 << 22)


#: The functions raced against their contenders, and their positional arguments.
FUNCTIONS = ("log_policy", "tpm", "kl_to_ref")


def arguments(name, d):
    """The arguments of ``name`` taken from an instance ``d`` (a dict of arrays and ``beta``)."""
    if name == "log_policy":
        return (d["log_p_ref"], d["r"], d["beta"])
    if name == "tpm":
        return (d["p_A"], d["p_U"], d["alpha"], d["r"], d["beta"])
    return (d["p_ref"], d["r"], d["beta"])


def _blocks(total: int, row_bytes: int, block_bytes: int):
    step = max(1, block_bytes // max(1, row_bytes))
    for start in range(0, total, step):
        yield slice(start, min(start + step, total))


def _shift_np(r, support):
    """Row maximum of ``r`` over the support: argmax first, the masked maximum only if needed."""
    j = np.argmax(r, axis=-1)[:, None]
    rows = np.arange(r.shape[0])[:, None]
    m = r[rows, j]
    ok = support(rows, j)
    if not ok.all():
        m = np.where(ok, m, np.max(np.where(support(), r, -np.inf), axis=-1, keepdims=True))
        return m, True
    return m, False


# --- NumPy ------------------------------------------------------------------------------------
def numpy_log_policy(log_p_ref, r, beta, block_bytes=1 << 21):
    out = np.empty_like(log_p_ref)
    for s in _blocks(len(r), r[0].nbytes, block_bytes):
        lp, x, o = log_p_ref[s], r[s], out[s]
        m, _ = _shift_np(x, lambda *ix: (lp[ix] if ix else lp) > -np.inf)
        np.subtract(x, m, out=o)
        o /= beta
        o += lp
        total = np.exp(o).sum(axis=-1, keepdims=True)
        c = np.log(total)
        k = np.where(np.abs(c) > 1, np.rint(c), 0.0)  # a large log-sum in two parts: its rounding stays out of o
        if k.any():
            half = np.exp(-k / 2)
            o -= k
            o -= np.log((total * half) * half)
        else:
            o -= c
    return out


def numpy_tpm(p_A, p_U, alpha, r, beta, block_bytes=1 << 21):
    tpm_a = np.empty(len(r), r.dtype)
    tpm_u = np.empty(len(r), r.dtype)
    alpha = np.asarray(alpha, r.dtype).reshape(-1, 1)
    for s in _blocks(len(r), r[0].nbytes, block_bytes):
        a, u, x, al = p_A[s], p_U[s], r[s], alpha[s]

        def support(*ix):
            pa, pu = (a[ix], u[ix]) if ix else (a, u)
            return ((al > 0) & (pa > 0)) | ((al < 1) & (pu > 0))

        m, outside = _shift_np(x, support)
        e = np.subtract(x, m)
        e /= beta
        if outside:
            np.minimum(e, np.log(np.finfo(e.dtype).max) / 2, out=e)
        np.exp(e, out=e)
        ma, mu = np.vecdot(a, e), np.vecdot(u, e)
        al = al[:, 0]
        z = al * ma + (1 - al) * mu
        tpm_a[s] = al * (ma / z)
        tpm_u[s] = (1 - al) * (mu / z)
    return tpm_a, tpm_u


def numpy_kl_to_ref(p_ref, r, beta, block_bytes=1 << 21):
    out = np.empty(len(r), r.dtype)
    for s in _blocks(len(r), r[0].nbytes, block_bytes):
        p, x = p_ref[s], r[s]
        m, outside = _shift_np(x, lambda *ix: (p[ix] if ix else p) > 0)
        d = np.subtract(x, m)
        e = d / beta
        if outside:
            np.minimum(e, np.log(np.finfo(e.dtype).max) / 2, out=e)
        np.exp(e, out=e)
        e *= p
        total = e.sum(axis=-1)
        out[s] = np.maximum(np.vecdot(d, e) / total / beta - np.log(total), 0.0)
    return out


def numpy_naive_log_policy(log_p_ref, r, beta, block_bytes=1 << 21):
    """Chunked log-softmax of ``log_p_ref + r/beta``, no reward shift."""
    out = np.empty_like(log_p_ref)
    for s in _blocks(len(r), r[0].nbytes, block_bytes):
        o = out[s]
        np.divide(r[s], beta, out=o)
        o += log_p_ref[s]
        o -= o.max(axis=-1, keepdims=True)
        o -= np.log(np.exp(o).sum(axis=-1, keepdims=True))
    return out


def scipy_log_policy(log_p_ref, r, beta):
    """The old README baseline: ``x - scipy.special.logsumexp(x)``."""
    import scipy.special

    x = log_p_ref + r / beta
    return x - scipy.special.logsumexp(x, axis=-1, keepdims=True)


# --- torch ------------------------------------------------------------------------------------
def _shift_torch(torch, r, support):
    with torch.no_grad():
        if r.device.type == "cpu":
            j = r.argmax(dim=-1, keepdim=True)
            m = r.gather(-1, j)
            ok = support(j)
            if bool(ok.all()):
                return m, False
            inside = torch.where(support(None), r, -torch.inf).amax(dim=-1, keepdim=True)
            return torch.where(ok, m, inside), True
        return torch.where(support(None), r, -torch.inf).amax(dim=-1, keepdim=True), True


def _pick(a, j):
    return a if j is None else a.gather(-1, j)


def torch_log_policy(log_p_ref, r, beta):
    """In place on its one temporary (the contenders run without autograd)."""
    import torch

    m, _ = _shift_torch(torch, r, lambda j: _pick(log_p_ref, j) > -torch.inf)
    x = torch.sub(r, m)
    x.div_(beta).add_(log_p_ref)
    return torch.log_softmax(x, dim=-1)


def torch_tpm(p_A, p_U, alpha, r, beta):
    """One temporary: the shifted tilt, computed in place, then two dot products."""
    import torch

    al = alpha.reshape(-1, 1)
    m, outside = _shift_torch(
        torch, r, lambda j: ((al > 0) & (_pick(p_A, j) > 0)) | ((al < 1) & (_pick(p_U, j) > 0))
    )
    e = torch.sub(r, m)
    e.div_(beta)
    if outside:
        e.clamp_(max=math.log(torch.finfo(e.dtype).max) / 2)
    e.exp_()
    ma = torch.linalg.vecdot(p_A, e)
    mu = e.mul_(p_U).sum(dim=-1)  # the second product into the tilt, read for the last time
    z = alpha * ma + (1 - alpha) * mu
    return alpha * (ma / z), (1 - alpha) * (mu / z)


def torch_kl_to_ref(p_ref, r, beta):
    """Two temporaries: the shifted rewards and the weights (the last product overwrites the
    shifted rewards)."""
    import torch

    m, outside = _shift_torch(torch, r, lambda j: _pick(p_ref, j) > 0)
    d = torch.sub(r, m)
    w = torch.div(d, beta)
    if outside:
        w.clamp_(max=math.log(torch.finfo(w.dtype).max) / 2)
    w.exp_().mul_(p_ref)
    total = w.sum(dim=-1)
    dot = d.mul_(w).sum(dim=-1)
    return torch.clamp(dot / total / beta - torch.log(total), min=0.0)


def torch_naive_log_policy(log_p_ref, r, beta):
    import torch

    return torch.log_softmax(log_p_ref + r / beta, dim=-1)


# --- JAX (jit) --------------------------------------------------------------------------------
def jax_contenders():
    """The JAX contenders, each under ``jax.jit`` (the masked maximum fuses into one pass)."""
    import jax
    import jax.numpy as jnp

    def shift(r, support):
        return jax.lax.stop_gradient(jnp.max(jnp.where(support, r, -jnp.inf), axis=-1, keepdims=True))

    def cap(x):
        return jnp.where(x > jnp.log(jnp.finfo(x.dtype).max) / 2, jnp.log(jnp.finfo(x.dtype).max) / 2, x)

    @jax.jit
    def log_policy(log_p_ref, r, beta):
        m = shift(r, log_p_ref > -jnp.inf)
        return jax.nn.log_softmax(log_p_ref + (r - m) / beta, axis=-1)

    @jax.jit
    def tpm(p_A, p_U, alpha, r, beta):
        al = alpha[:, None]
        m = shift(r, ((al > 0) & (p_A > 0)) | ((al < 1) & (p_U > 0)))
        e = jnp.exp(cap((r - m) / beta))
        ma, mu = jnp.einsum("bi,bi->b", p_A, e), jnp.einsum("bi,bi->b", p_U, e)
        z = alpha * ma + (1 - alpha) * mu
        return alpha * (ma / z), (1 - alpha) * (mu / z)

    @jax.jit
    def kl_to_ref(p_ref, r, beta):
        m = shift(r, p_ref > 0)
        d = r - m
        w = p_ref * jnp.exp(cap(d / beta))
        total = w.sum(axis=-1)
        return jnp.maximum(jnp.einsum("bi,bi->b", d, w) / total / beta - jnp.log(total), 0.0)

    @jax.jit
    def naive_log_policy(log_p_ref, r, beta):
        return jax.nn.log_softmax(log_p_ref + r / beta, axis=-1)

    return {"log_policy": log_policy, "tpm": tpm, "kl_to_ref": kl_to_ref, "naive_log_policy": naive_log_policy}
