"""``dpo-mixture verify``: certificates re-checked from report.json alone; tampering is caught."""

from __future__ import annotations

import copy
import json

import pytest

from dpo_mixture.cli import main
from dpo_mixture.derivations import all_derivations
from dpo_mixture.proof import Report
from dpo_mixture.proof.verify import verify_report


@pytest.fixture(scope="module")
def data():
    return json.loads(json.dumps(Report.run(all_derivations()).to_json()))


def test_every_verdict_rechecks(data):
    results = verify_report(data)
    assert results and all(r.ok for r in results)
    kinds = {r.recorded for r in results}
    assert {"proved", "refuted", "assumed"} <= kinds


def _first(data, verdict, rule=None):
    for i, step in enumerate(data["steps"]):
        if step["verdict"] == verdict and (rule is None or (step["certificate"] or {}).get("rule") == rule):
            return i
    raise AssertionError("no such step")


def test_a_changed_multiplier_is_caught(data):
    bad = copy.deepcopy(data)
    i = _first(bad, "proved", "combination")
    mults = bad["steps"][i]["certificate"]["data"]["multipliers"]["tuple"]
    mults[-1] = {"sympy": "Integer(-7)"}
    by_id = {r.step_id: r for r in verify_report(bad)}
    assert not by_id[bad["steps"][i]["id"]].ok


def test_a_changed_claim_is_caught(data):
    bad = copy.deepcopy(data)
    i = _first(bad, "proved")
    bad["steps"][i]["goal"]["claim"] = "StrictLessThan(Symbol('beta', positive=True), Integer(1))"
    assert not {r.step_id: r for r in verify_report(bad)}[bad["steps"][i]["id"]].ok


def test_a_changed_counterexample_is_caught(data):
    bad = copy.deepcopy(data)
    i = _first(bad, "refuted")
    ce = bad["steps"][i]["counterexample"]
    key = next(k for k, v in ce.items() if isinstance(v, list))
    ce[key] = ["0"] * len(ce[key])
    assert not {r.step_id: r for r in verify_report(bad)}[bad["steps"][i]["id"]].ok


def test_a_step_citing_a_failed_step_fails_too(data):
    bad = copy.deepcopy(data)
    i = next(j for j, s in enumerate(bad["steps"]) if s["id"] == "gibbs-termwise")
    bad["steps"][i]["certificate"]["data"]["multipliers"]["tuple"][-1] = {"sympy": "Integer(-1)"}
    by_id = {r.step_id: r for r in verify_report(bad)}
    assert not by_id["gibbs-termwise"].ok and not by_id["gibbs-inequality"].ok


def test_cli_verify(tmp_path, data, capsys):
    good = tmp_path / "report.json"
    good.write_text(json.dumps(data))
    assert main(["verify", str(good)]) == 0
    assert "0 failed" in capsys.readouterr().out
    bad = copy.deepcopy(data)
    bad["steps"][_first(bad, "proved")]["goal"]["claim"] = "StrictLessThan(Symbol('beta', positive=True), Integer(1))"
    tampered = tmp_path / "bad.json"
    tampered.write_text(json.dumps(bad))
    assert main(["verify", str(tampered)]) == 1


@pytest.mark.parametrize("content, message", [
    ("not json", "not JSON"),
    ('{"steps": [{"id": "x", "verdict": "proved", "goal": {"claim": "__import__(\\"os\\")"}}]}', "not allowed"),
    ('{"nothing": 1}', "not a dpo-mixture report"),
])
def test_cli_verify_rejects_bad_files_in_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "r.json"
    path.write_text(content)
    assert main(["verify", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
