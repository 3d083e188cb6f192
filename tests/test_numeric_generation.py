"""The numeric code is printed from the rewritten model expressions, once, and cached."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from dpo_mixture import model, numeric
from dpo_mixture.notation import beta
from dpo_mixture.numeric import codegen as compile_module
from dpo_mixture.numeric.nodes import IsSupported, LogSoftmax, LogSumExp, RowMax, SafeLog, Tilt
from dpo_mixture.numeric.specs import SPECS


def test_rewritten_trees_are_the_stable_forms():
    r, lp = sp.Symbol("r"), sp.Symbol("log_p_ref")
    m = RowMax(r, IsSupported(lp))  # the reward's maximum over the support
    assert compile_module.array_expressions("log_policy") == (LogSoftmax(lp + (r - m) / beta),)
    # log Z is the one quantity that moves with the shift: it is added back once, at the end
    assert compile_module.array_expressions("log_partition") == (LogSumExp(lp + (r - m) / beta) + m / beta,)


@pytest.mark.parametrize("name", ["policy", "tpm", "kl_to_ref", "mixture_weights", "tpm_sensitivity"])
def test_shift_invariant_functions_never_add_the_shift_back(name):
    r, x = sp.Symbol("r"), sp.Symbol("x")
    for expr in compile_module.array_expressions(name):
        (shift,) = expr.atoms(RowMax)
        # the shift appears only inside r - m (and as the cap flag of a tilt): nowhere else
        cleared = expr.replace(lambda e: isinstance(e, Tilt), lambda e: Tilt(e.args[0], 0))
        assert not cleared.xreplace({r - shift: x}).has(RowMax), expr
        assert not expr.has(SafeLog, LogSumExp), expr  # sums of tilts at most 1: no log space


@pytest.mark.parametrize("backend", ["numpy", "torch", "jax"])
@pytest.mark.parametrize("name", sorted(SPECS))
def test_generated_code_has_no_loops_or_sums(name, backend):
    source = compile_module.generate_source(name, backend).split('"""')[-1]
    assert "for " not in source and "Sum" not in source and "sympy" not in source


def test_printed_code_follows_the_model(monkeypatch):
    before = compile_module.generate_source("policy", "numpy").split('"""')[-1]
    assert "_support_max(" in before and "_tilt(" in before
    monkeypatch.setattr(model, "tilt", lambda: sp.exp(2 * model.r[model.y] / model.beta))
    after = compile_module.generate_source("policy", "numpy").split('"""')[-1]
    # numerator and Z no longer tilt alike: no common shift cancels, so none is taken and the
    # products of exponentials go to log space instead
    assert "_support_max(" not in after and "_logsumexp(" in after
    assert "numpy.multiply(r, 2" in after


def test_compiled_once_and_cached(monkeypatch):
    numeric.tpm(np.array([0.5, 0.5]), np.array([0.5, 0.5]), 0.5, np.zeros(2), 1.0)

    def fail(*args):
        raise AssertionError("regenerated on a call")

    monkeypatch.setattr(compile_module, "generate_source", fail)
    out = numeric.tpm(np.array([0.5, 0.5]), np.array([0.5, 0.5]), 0.5, np.zeros(2), 1.0)
    assert float(out[0]) == 0.5


def test_docstrings_show_the_formula():
    doc = compile_module.docstring("tpm")
    assert "M_A*alpha/(M_A*alpha + M_U*(1 - alpha))" in doc
    assert "Tilt((-m_r + r)/beta, m_r)" in doc and "m_r = max of r over the support" in doc


def test_unknown_backend_is_a_value_error():
    with pytest.raises(ValueError, match="backend: unknown backend 'cupy'"):
        compile_module.generate_source("tpm", "cupy")
