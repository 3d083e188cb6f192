"""The numeric functions against a 50-digit evaluation of the model, across backends, and
their gradients against SymPy's symbolic derivatives."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from dpo_mixture import numeric
from dpo_mixture.notation import beta, r
from dpo_mixture.numeric.specs import SPECS
from numeric_support import concrete_expressions, random_instance, reference, require

NAMES = sorted(SPECS)


def _as_tuple(out):
    return out if isinstance(out, tuple) else (out,)


def _relative_error(got, want) -> float:
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape
    return float(np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-300)))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_numpy_matches_50_digit_reference(name, seed):
    values = random_instance(name, np.random.default_rng(seed))
    got = _as_tuple(getattr(numeric, name)(**values))
    want = reference(name, values)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert _relative_error(g, w) < 1e-12


def _torch_args(values):
    torch = require("torch")
    return {k: torch.tensor(v) for k, v in values.items()}


def _jax_args(values):
    jnp = require("jax").numpy
    return {k: jnp.asarray(v) for k, v in values.items()}


@pytest.mark.parametrize("name", NAMES)
def test_backends_agree(name):
    torch = require("torch")
    require("jax")
    values = random_instance(name, np.random.default_rng(7))
    expected = _as_tuple(getattr(numeric, name)(**values))
    from_torch = _as_tuple(getattr(numeric, name)(**_torch_args(values)))
    from_jax = _as_tuple(getattr(numeric, name)(**_jax_args(values)))
    for e, t, j in zip(expected, from_torch, from_jax):
        assert isinstance(t, torch.Tensor) and t.dtype == torch.float64
        np.testing.assert_allclose(t.numpy(), e, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(np.asarray(j), e, rtol=1e-12, atol=1e-15)


def test_jax_jit_matches_eager():
    jax = require("jax")
    values = _jax_args(random_instance("tpm", np.random.default_rng(3)))
    eager = numeric.tpm(**values)
    jitted = jax.jit(lambda **kw: numeric.tpm(**kw))(**values)
    for e, j in zip(eager, jitted):
        np.testing.assert_allclose(np.asarray(j), np.asarray(e), rtol=1e-14)


def test_torch_keeps_device_and_float32():
    torch = require("torch")
    values = {k: torch.tensor(v, dtype=torch.float32) for k, v in random_instance("log_policy", np.random.default_rng(4)).items()}
    out = numeric.log_policy(**values)
    assert out.dtype == torch.float32 and out.device == values["r"].device


# --- gradients against SymPy's derivatives --------------------------------------------------
SIZE = 3
_GRADIENT_CASES = [("tpm", 0), ("tpm", 1), ("log_partition", 0), ("kl_to_ref", 0), ("mixture_weights", 0)]


def _one_row(name):
    values = random_instance(name, np.random.default_rng(11), batch=1, size=SIZE)
    return {k: v[0] for k, v in values.items()}


def _symbolic_gradient(name, output, row):
    """d output / d r[1..n] and d output / d beta from SymPy, at the values of ``row``."""
    expr = concrete_expressions(name, SIZE)[output]
    if name == "log_partition":  # the model is in p_ref; the function takes log p_ref
        from dpo_mixture.notation import p_ref

        subs = {p_ref[i + 1]: sp.exp(sp.Float(float(v), 30)) for i, v in enumerate(row["log_p_ref"])}
    else:
        from numeric_support import _INDEXED, _SCALARS

        subs = {}
        for param, kind in SPECS[name].params:
            if param in _SCALARS:
                continue
            subs.update({_INDEXED[param][i + 1]: sp.Float(float(v), 30) for i, v in enumerate(row[param])})
    from dpo_mixture.notation import alpha as _alpha

    for param, symbol in (("alpha", _alpha),):
        if param in row:
            subs[symbol] = sp.Float(float(row[param]), 30)
    point = dict(subs)
    point.update({r[i + 1]: sp.Float(float(v), 30) for i, v in enumerate(row["r"])})
    point[beta] = sp.Float(float(row["beta"]), 30)
    if not SPECS[name].per_row:  # an output over the support: take its first entry
        from dpo_mixture.notation import y

        expr = expr.subs(y, 1)
    d_r = [float(sp.diff(expr, r[i + 1]).xreplace(point).evalf(30)) for i in range(SIZE)]
    d_beta = float(sp.diff(expr, beta).xreplace(point).evalf(30))
    return np.array(d_r), d_beta


def _entry(out):
    return out if out.ndim == 0 else out[0]


@pytest.mark.parametrize(("name", "output"), _GRADIENT_CASES)
def test_torch_and_jax_gradients_match_sympy(name, output):
    torch = require("torch")
    jax = require("jax")
    row = _one_row(name)
    want_r, want_beta = _symbolic_gradient(name, output, row)

    args = {k: torch.tensor(v, requires_grad=k in ("r", "beta")) for k, v in row.items()}
    _entry(_as_tuple(getattr(numeric, name)(**args))[output]).backward()
    np.testing.assert_allclose(args["r"].grad.numpy(), want_r, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(float(args["beta"].grad), want_beta, rtol=1e-9, atol=1e-12)

    def f(r_, beta_):
        kw = {k: jax.numpy.asarray(v) for k, v in row.items()}
        kw.update(r=r_, beta=beta_)
        return _entry(_as_tuple(getattr(numeric, name)(**kw))[output])

    g_r, g_beta = jax.grad(f, argnums=(0, 1))(jax.numpy.asarray(row["r"]), jax.numpy.asarray(row["beta"]))
    np.testing.assert_allclose(np.asarray(g_r), want_r, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(float(g_beta), want_beta, rtol=1e-9, atol=1e-12)


def test_dpo_loss_gradient_matches_sympy():
    torch = require("torch")
    from dpo_mixture import model

    names = ("policy_chosen_logps", "policy_rejected_logps", "ref_chosen_logps", "ref_rejected_logps")
    symbols = [sp.Symbol(s) for s in names]
    values = [-1.3, -2.9, -1.1, -2.0]
    b = 0.7
    expr = model.dpo_loss(*symbols)
    point = {s: sp.Float(v, 30) for s, v in zip(symbols, values)} | {beta: sp.Float(b, 30)}
    args = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    numeric.dpo_loss(*args, torch.tensor(b, dtype=torch.float64)).backward()
    for s, a in zip(symbols, args):
        assert float(a.grad) == pytest.approx(float(sp.diff(expr, s).evalf(30, subs=point)), rel=1e-12)


def test_tpm_sensitivity_is_the_autograd_derivative_in_t():
    torch = require("torch")
    row = _one_row("tpm")
    t = torch.tensor(1.0 / row["beta"], dtype=torch.float64, requires_grad=True)
    kw = {k: torch.tensor(v) for k, v in row.items() if k != "beta"}
    tpm_a, _ = numeric.tpm(beta=1.0 / t, **kw)
    tpm_a.backward()
    claimed = numeric.tpm_sensitivity(beta=torch.tensor(row["beta"]), **kw)
    assert float(t.grad) == pytest.approx(float(claimed), rel=1e-10)
