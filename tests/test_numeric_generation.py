"""The numeric code is printed from the rewritten model expressions, once, and cached."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from dpo_mixture import model, numeric
from dpo_mixture.notation import beta
from dpo_mixture.numeric import compile as compile_module
from dpo_mixture.numeric.nodes import LogSoftmax, LogSumExp
from dpo_mixture.numeric.specs import SPECS


def test_rewritten_trees_are_the_stable_forms():
    r, lp = sp.Symbol("r"), sp.Symbol("log_p_ref")
    assert compile_module.array_expressions("log_policy") == (LogSoftmax(lp + r / beta),)
    assert compile_module.array_expressions("log_partition") == (LogSumExp(lp + r / beta),)


@pytest.mark.parametrize("backend", ["numpy", "torch", "jax"])
@pytest.mark.parametrize("name", sorted(SPECS))
def test_generated_code_has_no_loops_or_sums(name, backend):
    source = compile_module.generate_source(name, backend).split('"""')[-1]
    assert "for " not in source and "Sum" not in source and "sympy" not in source


def test_printed_code_follows_the_model(monkeypatch):
    before = compile_module.generate_source("policy", "numpy")
    assert "_softmax(" in before
    monkeypatch.setattr(model, "tilt", lambda: sp.exp(2 * model.r[model.y] / model.beta))
    after = compile_module.generate_source("policy", "numpy")
    assert after != before
    assert "_softmax(" not in after.split('"""')[-1]  # numerator and Z no longer share a tilt
    assert "2*_x0" in after.split('"""')[-1]


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
    assert "LogSumExp" in doc


def test_unknown_backend_is_a_value_error():
    with pytest.raises(ValueError, match="backend: unknown backend 'cupy'"):
        compile_module.generate_source("tpm", "cupy")
