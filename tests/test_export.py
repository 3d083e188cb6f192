"""``dpo-mixture export`` writes a module that runs without SymPy and agrees with the package."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from dpo_mixture import numeric
from dpo_mixture.cli import main
from numeric_support import random_instance, require

_RUNNER = r"""
import importlib.util, json, sys
sys.modules["sympy"] = None  # any import of SymPy now fails
spec = importlib.util.spec_from_file_location("exported", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
assert "sympy" not in {m for m in sys.modules if sys.modules[m] is not None}
backend = sys.argv[2]
if backend == "jax":
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as xp
    asarray = xp.asarray
elif backend == "torch":
    import torch
    asarray = lambda v: torch.tensor(v, dtype=torch.float64)
else:
    import numpy
    asarray = numpy.asarray
cases = json.loads(sys.stdin.read())
results = {}
for name, values in cases.items():
    out = getattr(module, name)(**{k: asarray(v) for k, v in values.items()})
    out = out if isinstance(out, tuple) else (out,)
    results[name] = [[float(x) for x in __import__("numpy").asarray(o).ravel()] for o in out]
print(json.dumps(results))
"""


@pytest.mark.parametrize("backend", ["numpy", "torch", "jax"])
def test_exported_module_runs_without_sympy_and_agrees(tmp_path, backend):
    if backend != "numpy":
        require(backend)
    path = tmp_path / f"dpo_numeric_{backend}.py"
    assert main(["export", "--backend", backend, "-o", str(path)]) == 0
    text = path.read_text()
    assert "import sympy" not in text and "dpo_mixture" not in text.split('"""', 2)[2].split("Formula")[0]
    rng = np.random.default_rng(9)
    cases = {name: random_instance(name, rng) for name in numeric.__all__}
    payload = json.dumps({name: {k: v.tolist() for k, v in values.items()} for name, values in cases.items()})
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(path), backend], input=payload, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    for name, values in cases.items():
        want = getattr(numeric, name)(**values)
        want = want if isinstance(want, tuple) else (want,)
        for got, w in zip(results[name], want):
            np.testing.assert_allclose(np.array(got), np.ravel(w), rtol=1e-12, atol=1e-15)


def test_export_rejects_a_bad_output(tmp_path, capsys):
    assert main(["export", "-o", str(tmp_path / "module.txt")]) == 2
    assert "must name a .py file" in capsys.readouterr().err
    assert main(["export", "-o", str(tmp_path / "missing" / "m.py")]) == 2
    assert main(["export", "--backend", "cupy", "-o", str(tmp_path / "m.py")]) == 2


def test_export_leaves_no_temporary_files(tmp_path):
    assert main(["export", "-o", str(tmp_path / "m.py")]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]
