"""``dpo-mixture export`` writes a module that runs without SymPy and agrees with the package."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from dpo_mixture import numeric
from dpo_mixture.cli import main
from dpo_mixture.numeric.specs import SPECS
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
    cases = {name: random_instance(name, rng) for name in SPECS}
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


# --- a module of the user's own: EXPORTS -----------------------------------------------------
USER_MODULE = '''
import sympy as sp
from dpo_mixture import model, numeric
from dpo_mixture.notation import beta, r, support_sum, y

tuned = model.closed_form()
mean = support_sum(tuned * r[y])
EXPORTS = {
    "reward_variance": numeric.compile(support_sum(tuned * r[y] ** 2) - mean**2, args=["p_ref", "r", "beta"]),
    "tilted_mean": (mean, ["p_ref", "r", "beta"]),
}
'''

_USER_RUNNER = r"""
import importlib.util, json, sys
sys.modules["sympy"] = None
spec = importlib.util.spec_from_file_location("exported", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
import numpy
args = json.loads(sys.stdin.read())
print(json.dumps({name: numpy.asarray(getattr(module, name)(*map(numpy.asarray, args))).tolist()
                  for name in module.__all__}))
"""


def test_export_of_a_user_module_runs_without_sympy(tmp_path):
    source = tmp_path / "quantities.py"
    source.write_text(USER_MODULE)
    assert main(["export", str(source)]) == 0  # default: quantities_numpy.py beside it
    out = tmp_path / "quantities_numpy.py"
    assert "def reward_variance(p_ref, r, beta):" in out.read_text()
    rng = np.random.default_rng(4)
    args = [rng.dirichlet(np.ones(5), 3), 1e3 + rng.normal(size=(3, 5)), 0.5]
    done = subprocess.run([sys.executable, "-c", _USER_RUNNER, str(out)], input=json.dumps(
        [a.tolist() if isinstance(a, np.ndarray) else a for a in args]), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    namespace: dict = {}
    exec(USER_MODULE, namespace)  # noqa: S102 - the module above, in this process
    np.testing.assert_allclose(got["reward_variance"], namespace["EXPORTS"]["reward_variance"](*args), rtol=1e-14)
    mean = numeric.compile(namespace["mean"], args=["p_ref", "r", "beta"])
    np.testing.assert_allclose(got["tilted_mean"], mean(*args), rtol=1e-14)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "no such file"),
        ("x = 1\n", "defines no EXPORTS"),
        ("EXPORTS = []\n", "EXPORTS: must be a non-empty dict"),
        ("EXPORTS = {'f': 3}\n", re.escape("EXPORTS['f']: must be numeric.compile(...), a SymPy expression or (exp")),
        ("import sympy as sp\nEXPORTS = {'f': (sp.Symbol('a'), ['b'])}\n", re.escape("EXPORTS['f']: args: b does not")),
        ("raise RuntimeError('broken\\nsecond line')\n", "cannot import .*: RuntimeError: broken$"),
    ],
)
def test_export_of_a_bad_user_module_is_one_line(tmp_path, capsys, text, message):
    path = tmp_path / "mine.py"
    if text is not None:
        path.write_text(text)
    assert main(["export", str(path), "--out", str(tmp_path / "out.py")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: export: ")
    assert re.search(message, err.strip()), err
    assert not (tmp_path / "out.py").exists()


def test_export_will_not_overwrite_its_input(tmp_path, capsys):
    path = tmp_path / "mine.py"
    path.write_text(USER_MODULE)
    before = path.read_text()
    assert main(["export", str(path), "-o", str(path)]) == 2
    assert "would overwrite PATH itself" in capsys.readouterr().err
    assert path.read_text() == before
