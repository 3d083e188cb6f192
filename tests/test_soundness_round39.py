"""Review round 39: a bound variable may not print like a free quantity beside it
(sum_x x = n x was proved and verified: the kernel read two symbols, a reader one), and float16
torch/JAX inputs are computed in float32 (a weight of 6e-5 at the largest reward underflowed)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from dpo_mixture.notation import n
from dpo_mixture.proof.verify import name_clash


def test_a_bound_variable_named_like_a_free_quantity_is_refused():
    x = sp.Symbol("x", positive=True)
    x_index = sp.Symbol("x", integer=True, positive=True)
    n_index = sp.Symbol("n", integer=True, positive=True)
    x_real = sp.Symbol("x", real=True)
    for statement in (sp.Eq(sp.Sum(x, (x_index, 1, n)), n * x, evaluate=False),  # reads sum_x x = n x
                      sp.Eq(sp.Sum(n, (n_index, 1, n)), n**2, evaluate=False),
                      sp.Eq(sp.Subs(x + x_real, x_real, 1), x + 1, evaluate=False),
                      sp.Eq(sp.Sum(x, (sp.Dummy("x", integer=True, positive=True), 1, n)), n * x, evaluate=False)):
        why = name_clash([statement])
        assert why and "bound by" in why, statement
    # the same symbol bound and free elsewhere is ordinary shadowing, and a derivative in x too
    k = sp.Symbol("k", integer=True, positive=True)
    assert name_clash([sp.Eq(sp.Sum(x * k, (k, 1, n)) + k, 0, evaluate=False)]) is None
    assert name_clash([sp.Eq(sp.Derivative(x**2, x), 2 * x, evaluate=False)]) is None


def test_the_check_of_a_module_refuses_it_too(tmp_path, capsys):
    from dpo_mixture.cli import main

    module = tmp_path / "bound.py"
    module.write_text(
        "import sympy as sp\n"
        "from dpo_mixture import Derivation, Step\n"
        "from dpo_mixture.notation import n\n"
        "x = sp.Symbol('x', positive=True)\n"
        "xb = sp.Symbol('x', integer=True, positive=True)\n"
        "DERIVATIONS = [Derivation(id='b', title='Bound', steps=(\n"
        "    Step('s', '', sp.Eq(sp.Sum(x, (xb, 1, n)), n * x, evaluate=False), 'sum'),))]\n")
    assert main(["check", str(module)]) == 2
    assert "bound by a Sum" in capsys.readouterr().err


@pytest.mark.parametrize("backend", ["torch", "jax"])
def test_float16_is_computed_in_float32(backend):
    """p_ref = (1 - 2^-14, 2^-14), r = (0, 1), beta = 0.0578: policy[0] was 9.76e-4 for 5.02e-4."""
    from dpo_mixture import numeric

    lib = pytest.importorskip(backend)
    p = np.array([1 - 2.0**-14, 2.0**-14])
    r = np.array([0.0, 1.0])
    beta = 0.0578
    tilt = p * np.exp((r - r.max()) / beta)
    want = tilt / tilt.sum()
    if backend == "torch":
        got = numeric.policy(lib.tensor(p, dtype=lib.float16), lib.tensor(r, dtype=lib.float16), beta)
        assert got.dtype == lib.float16
        got = got.double().numpy()
    else:
        import jax.numpy as jnp

        got = numeric.policy(jnp.asarray(p, jnp.float16), jnp.asarray(r, jnp.float16), beta)
        assert got.dtype == jnp.float16
        got = np.asarray(got, dtype=np.float64)
    assert np.allclose(got, want, rtol=2e-3, atol=0)


def test_one_value_of_a_higher_rank_is_no_per_row_scalar():
    """alpha of shape (1, 1, 1) passed as a scalar; the rule is (), (B,) or (B, 1)."""
    from dpo_mixture import numeric

    p = np.full((3, 4), 0.25)
    r = np.arange(12.0).reshape(3, 4)
    with pytest.raises(ValueError, match="alpha"):
        numeric.tpm(p, p, np.full((1, 1, 1), 0.5), r, 1.0)
    with pytest.raises(ValueError, match="beta"):
        numeric.log_policy(np.log(p), r, np.full((1, 1, 1), 0.5))
    for shape in ((), (1,), (1, 1), (3,), (3, 1)):
        assert numeric.log_policy(np.log(p), r, np.full(shape, 0.5)).shape == (3, 4)
    # with a batch of shape (1, 1), (1, 1, 1) is one value per row and stays accepted
    assert numeric.log_policy(np.log(p[:1].reshape(1, 1, 4)), r[:1].reshape(1, 1, 4), np.full((1, 1, 1), 0.5)).shape == (1, 1, 4)
