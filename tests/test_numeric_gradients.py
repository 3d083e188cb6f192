"""Gradients at the edges of the documented domain, in torch and JAX, against finite differences.

``alpha`` at 0 and 1, a zero entry of a component or of the reference: the functions are
smooth there (one-sided), and autograd must give the one-sided derivative, not NaN.  The
finite differences are one-sided and second order, ``(-3 f(0) + 4 f(h) - f(2h)) / 2h``,
in float64 NumPy.
"""

from __future__ import annotations

import numpy as np
import pytest

from dpo_mixture import numeric
from numeric_support import require

P_A = np.array([0.5, 0.3, 0.0, 0.2])
P_U = np.array([0.1, 0.0, 0.6, 0.3])
R = np.array([0.3, 1.2, -0.4, 0.8])
BETA = 0.7
H = 1e-6


def _one_sided(f, x0, direction):
    """Second-order one-sided derivative of the scalar function ``f`` at ``x0``."""
    h = direction * H
    return (-3 * f(x0) + 4 * f(x0 + h) - f(x0 + 2 * h)) / (2 * h)


def _first(out):
    out = out[0] if isinstance(out, tuple) else out
    return out.reshape(-1)[0] if out.ndim else out


# (name, argument that moves, its value at the edge, direction into the domain, other args)
CASES = [
    ("tpm", "alpha", 0.0, +1, dict(p_A=P_A, p_U=P_U, r=R, beta=BETA)),
    ("tpm", "alpha", 1.0, -1, dict(p_A=P_A, p_U=P_U, r=R, beta=BETA)),
    ("tpm_sensitivity", "alpha", 0.0, +1, dict(p_A=P_A, p_U=P_U, r=R, beta=BETA)),
    ("tpm_sensitivity", "alpha", 1.0, -1, dict(p_A=P_A, p_U=P_U, r=R, beta=BETA)),
    ("mixture_weights", "alpha", 0.0, +1, dict(p_A=P_A, p_U=P_U, r=R, beta=BETA)),
    ("residual_mass_bound", "alpha", 1.0, -1, dict(r=R, beta=BETA)),
    ("tpm", "p_A", 2, +1, dict(p_U=P_U, alpha=0.4, r=R, beta=BETA)),
    ("policy", "p_ref", 1, +1, dict(r=R, beta=BETA)),  # p_ref = P_U, zero at 1 (the best reward)
    ("kl_to_ref", "p_ref", 1, +1, dict(r=R, beta=BETA)),
]


def _numpy_function(name, arg, edge, others):
    """The scalar function of the moving value, in float64 NumPy (no checks: off the simplex)."""
    base = {"p_A": P_A, "p_ref": P_U}.get(arg)

    def f(v):
        kw = dict(others)
        if base is None:
            kw[arg] = v
        else:
            row = base.copy()
            row[edge] = v
            kw[arg] = row
        return float(_first(getattr(numeric, name)(**kw, validate=False)))

    return f, (0.0 if base is not None else edge)


@pytest.mark.parametrize(("name", "arg", "edge", "direction", "others"), CASES, ids=lambda v: str(v)[:12])
def test_torch_gradient_at_the_edge(name, arg, edge, direction, others):
    torch = require("torch")
    f, x0 = _numpy_function(name, arg, edge, others)
    want = _one_sided(f, x0, direction)
    kw = {k: torch.tensor(v, dtype=torch.float64) if isinstance(v, np.ndarray) else v for k, v in others.items()}
    if arg in ("p_A", "p_ref"):
        row = torch.tensor({"p_A": P_A, "p_ref": P_U}[arg], dtype=torch.float64, requires_grad=True)
        kw[arg] = row
        _first(getattr(numeric, name)(**kw)).backward()
        got = float(row.grad[edge])
    else:
        a = torch.tensor(edge, dtype=torch.float64, requires_grad=True)
        kw[arg] = a
        _first(getattr(numeric, name)(**kw)).backward()
        got = float(a.grad)
    assert np.isfinite(got)
    assert got == pytest.approx(want, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize(("name", "arg", "edge", "direction", "others"), CASES, ids=lambda v: str(v)[:12])
def test_jax_gradient_at_the_edge(name, arg, edge, direction, others):
    jax = require("jax")
    jnp = jax.numpy
    f, x0 = _numpy_function(name, arg, edge, others)
    want = _one_sided(f, x0, direction)
    kw = {k: jnp.asarray(v) if isinstance(v, np.ndarray) else v for k, v in others.items()}
    if arg in ("p_A", "p_ref"):
        row = jnp.asarray({"p_A": P_A, "p_ref": P_U}[arg])
        grad = jax.grad(lambda v: _first(getattr(numeric, name)(**kw, **{arg: v})))(row)[edge]
    else:
        grad = jax.grad(lambda v: _first(getattr(numeric, name)(**kw, **{arg: v})))(jnp.asarray(float(edge)))
    assert np.isfinite(float(grad))
    assert float(grad) == pytest.approx(want, rel=1e-6, abs=1e-9)


def test_shift_carries_no_gradient_and_ties_do_not_halve_it():
    """Two rewards tie at the maximum: the gradient in r is the softmax's, not split by max."""
    torch = require("torch")
    r = torch.tensor([1.0, 1.0, 0.0], dtype=torch.float64, requires_grad=True)
    p = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64)
    numeric.log_partition(torch.log(p), r, 0.5).backward()
    w = p * torch.exp(r.detach() / 0.5)
    np.testing.assert_allclose(r.grad.numpy(), (w / w.sum() / 0.5).numpy(), rtol=1e-14)
