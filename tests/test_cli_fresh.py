"""``build`` and ``check --recheck`` re-check the report in a fresh interpreter (cli/_fresh.py).

A module's own code runs in the engine's process and can reach its objects (review 53a: an
expression's assumptions written in place, an answer planted in the sign rules' cache, a
forged lemma put in the engine's dictionary through the interpreter's frames).  The fresh
interpreter never imports the module, so what it re-checks is the report alone.  These
modules are run in a subprocess: they poison the process that imports them.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

from dpo_mixture.cli import _fresh

MODULES = pathlib.Path(__file__).parent / "round53_modules"


def _cli(*args: str, cwd: pathlib.Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dpo_mixture", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600, env=env)


@pytest.mark.parametrize("module, step", [("poison_assumptions", "abs-positive"), ("frame_lemma", "big"),
                                          ("sign_cache_planted", "abs-positive")])
def test_build_of_a_module_that_tampers_with_the_engine_fails_and_writes_nothing(module, step, tmp_path):
    path = tmp_path / f"{module}.py"
    path.write_text((MODULES / f"{module}.py").read_text())
    done = _cli("build", str(path), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 4, done.stderr
    assert "fresh interpreter" in done.stderr and step in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_check_recheck_catches_it_too(tmp_path):
    path = tmp_path / "poison_assumptions.py"
    path.write_text((MODULES / "poison_assumptions.py").read_text())
    done = _cli("check", str(path), "--recheck", cwd=tmp_path)
    assert done.returncode == 4 and "abs-positive" in done.stderr, done.stderr


def test_the_module_cannot_point_the_fresh_interpreter_at_other_code(tmp_path):
    # a fake dpo_mixture whose verify says every step re-checks, put first on PYTHONPATH by the module
    fake = tmp_path / "fake" / "dpo_mixture"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "__main__.py").write_text("print('[]')\n")
    source = (MODULES / "poison_assumptions.py").read_text()
    path = tmp_path / "poison_env.py"
    path.write_text(f"import os\nos.environ['PYTHONPATH'] = {str(fake.parent)!r}\n" + source)
    done = _cli("build", str(path), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 4 and "abs-positive" in done.stderr, done.stderr


HONEST = """
import sympy as sp
from dpo_mixture import Derivation, Step, declare

u = declare.scalar("u", positive=True)
CLAIM = sp.Gt(u**2 + 1, 0, evaluate=False)
DERIVATIONS = (Derivation(id="h", title="H", kind="Theorem", statement=(CLAIM,),
                          steps=(Step("h-step", "A square plus one", CLAIM, ""),)),)
"""


def test_an_honest_module_rechecks(tmp_path):
    path = tmp_path / "honest_fresh.py"
    path.write_text(HONEST)
    done = _cli("check", str(path), "--recheck", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "proved" in done.stdout


def _report(tmp_path) -> pathlib.Path:
    path = tmp_path / "honest_fresh.py"
    path.write_text(HONEST)
    done = _cli("check", str(path), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = tmp_path / "report.json"
    report.write_text(done.stdout)
    return report


def test_recheck_names_a_step_whose_certificate_was_changed(tmp_path):
    report = _report(tmp_path)
    assert _fresh.recheck(report) == []
    # the same step, its claim now u^2 - 1 > 0 (false at u = 1/2) wherever the report holds it
    text = report.read_text().replace("Add(Integer(1), Pow(", "Add(Integer(-1), Pow(").replace("u^{2} + 1", "u^{2} - 1")
    assert text.count("Integer(-1)") == 2 and "u^{2} - 1 > 0" in text
    report.write_text(text)
    failed = _fresh.recheck(report)
    assert len(failed) == 1 and failed[0].startswith("h-step: "), failed


def test_recheck_says_when_it_ran_out_of_time(tmp_path, monkeypatch):
    report = _report(tmp_path)
    monkeypatch.setattr(_fresh, "RECHECK_SECONDS", 0.01)
    assert _fresh.recheck(report) == ["the report was not re-checked within the time limit of 0.01 s"]


def test_recheck_of_a_file_that_is_no_report_fails_with_the_reason(tmp_path):
    report = tmp_path / "report.json"
    report.write_text("{}")
    (why,) = _fresh.recheck(report)
    assert "fresh re-check failed (exit 2)" in why


def test_a_failed_build_removes_every_folder_it_made(tmp_path):
    # review 54b F5: --out nest/a/b left nest/ and nest/a/ behind
    path = tmp_path / "poison_assumptions.py"
    path.write_text((MODULES / "poison_assumptions.py").read_text())
    done = _cli("build", str(path), "--out", "nest/a/b", cwd=tmp_path)
    assert done.returncode == 4, done.stderr
    assert not (tmp_path / "nest").exists()


def test_check_json_recheck_prints_the_text_it_rechecked(tmp_path):
    # review 54b F3: the report was serialized twice, and a module's audit hook changed the claim
    # in between (printed: the false b > 1; re-checked: the true b + 1 > 1)
    path = tmp_path / "json_swap.py"
    path.write_text((MODULES / "json_swap.py").read_text())
    done = _cli("check", str(path), "--json", "--recheck", cwd=tmp_path)
    if done.returncode == 0:
        (step,) = json.loads(done.stdout)["steps"]
        assert step["statement"] != "b > 1", step


def test_the_fresh_interpreter_reads_no_pythonpath(tmp_path, monkeypatch):
    # review 54b F4: an empty or relative PYTHONPATH entry is read in the fresh interpreter's
    # folder, where a module could put a dpo_mixture of its own; here a fake one on PYTHONPATH
    # says every step re-checks
    report = _report(tmp_path)
    text = report.read_text().replace("Add(Integer(1), Pow(", "Add(Integer(-1), Pow(").replace("u^{2} + 1", "u^{2} - 1")
    report.write_text(text)
    fake = tmp_path / "fake" / "dpo_mixture"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "__main__.py").write_text("print('[]')\n")
    (fake / "cli.py").write_text("def main(argv):\n    print('[]')\n    return 0\n")
    monkeypatch.setitem(_fresh._ENVIRONMENT, "PYTHONPATH", f":{fake.parent}:fake")
    failed = _fresh.recheck(report)
    assert len(failed) == 1 and failed[0].startswith("h-step: "), failed
