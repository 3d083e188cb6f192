"""The examples gallery: every example checks, its wrong step is refuted, and it builds its own note.

Each module of ``examples/`` is run through the command line as a user would run it
(``dpo-mixture check`` and ``dpo-mixture build``, in a subprocess, once per example and session).
A refuted step's counterexample is then evaluated again here, exactly, with the package's own
:func:`dpo_mixture.evaluate`, at the instance the report gives: the relation must come out false
and the hypotheses true.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import sympy as sp

from _need import need
from test_documents import ASCII_MATHS
from dpo_mixture import Paper, evaluate
from dpo_mixture.notation import n
from dpo_mixture.proof import Derivation, unfold

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("*.py"))


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dpo_mixture", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=900)


def load_example(name: str):
    spec = importlib.util.spec_from_file_location(f"gallery_{name}", ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=EXAMPLES)
def example(request):
    """``(name, module)``: one example, imported here for its steps and its PAPER."""
    return request.param, load_example(request.param)


@pytest.fixture(scope="module")
def checked(example):
    """``dpo-mixture check examples/NAME.py --json``: its exit status and its report."""
    name, _ = example
    done = run_cli("check", f"examples/{name}.py", "--json")
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"check {name} printed no report (exit {done.returncode}): {done.stderr[-2000:]}")
    return done.returncode, report


@pytest.fixture(scope="module")
def built(example, tmp_path_factory):
    """``dpo-mixture build examples/NAME.py --out DIR``: its exit status, output and DIR."""
    name, _ = example
    out = tmp_path_factory.mktemp(f"build-{name}")
    done = run_cli("build", f"examples/{name}.py", "--out", str(out))
    return done, out


def test_the_gallery_holds_the_outside_derivations():
    assert set(EXAMPLES) >= {
        "dpo_optimum", "bradley_terry", "dpo_gradient", "gibbs_variational", "kl_log_partition",
        "ipo_minimiser", "reward_variance",
    }


def test_each_example_frames_its_own_paper(example):
    name, module = example
    paper = module.PAPER
    assert isinstance(paper, Paper)
    assert paper.file_stem == name
    assert paper.title and paper.authors and paper.abstract and paper.introduction and paper.references and paper.tags
    assert module.DERIVATIONS and all(isinstance(d, Derivation) for d in module.DERIVATIONS)


def test_each_example_checks_with_every_verdict_as_expected(example, checked):
    name, module = example
    code, report = checked
    assert code == 0, [(s["id"], s["verdict"], s["method"]) for s in report["steps"] if s["verdict"] != s["expected"]]
    assert report["ok"] is True
    own = {s.id: s for d in module.DERIVATIONS for s in d.steps}
    verdicts = {s["id"]: s["verdict"] for s in report["steps"]}
    assert set(own) <= set(verdicts)
    # every true step is proved by the kernel: none expected undecided, none merely assumed
    assert {own[i].expected.value for i in own} == {"proved", "refuted"}
    assert all(verdicts[i] == "proved" for i in own if own[i].expected.value == "proved")


def _instance(counterexample: dict, exprs: list) -> dict:
    """The report's counterexample (names to exact strings) keyed by the quantities of ``exprs``."""
    known: dict = {}
    for e in exprs:
        for q in e.free_symbols:
            if isinstance(q, sp.Symbol):
                known.setdefault(str(q), q)
        for i in e.atoms(sp.Indexed):
            known[str(i.base)] = i.base  # a function over the support, not its label
    values: dict = {}
    for key, value in counterexample.items():
        assert key in known, f"the counterexample names {key!r}, which the step does not mention"
        exact = [sp.Rational(v) for v in value] if isinstance(value, list) else sp.Rational(value)
        values[known[key]] = exact
    sizes = {len(v) for v in values.values() if isinstance(v, list)}
    assert len(sizes) <= 1
    if sizes:
        values[n] = sizes.pop()
    return values


def _holds(relation: sp.Basic, values: dict) -> sp.Basic:
    """The relation at the instance, decided by SymPy on exact numbers (``true``/``false``)."""
    parts = relation.args if isinstance(relation, sp.And) else (relation,)
    results = []
    for part in parts:
        lhs, rhs = (sp.sympify(evaluate(side, values, "exact")) for side in (part.lhs, part.rhs))
        results.append(part.func(lhs, rhs))
    return sp.And(*results)


def test_each_wrong_step_is_refuted_by_a_counterexample_that_holds_exactly(example, checked):
    name, module = example
    _, report = checked
    steps = {s["id"]: s for s in report["steps"]}
    wrong = [(d, s) for d in module.DERIVATIONS for s in d.steps if s.expected.value == "refuted"]
    assert wrong, f"{name} has no deliberately wrong step"
    for derivation, step in wrong:
        found = steps[step.id]
        assert found["verdict"] == "refuted" and found["counterexample"], (step.id, found["method"])
        claim = unfold(step.claim, derivation.context)
        hypotheses = [unfold(h, derivation.context) for h in step.hypotheses]
        values = _instance(found["counterexample"], [claim, *hypotheses])
        for h in hypotheses:
            assert _holds(h, values) is sp.true, (step.id, h)
        assert _holds(claim, values) is sp.false, (step.id, values)


def _normalized(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # ligatures such as "fi" back to letters
    text = re.sub(r"-\n\s*", "", text)  # a word hyphenated across lines
    return " ".join(text.split())


def test_each_example_builds_its_markdown_with_its_title(example, built):
    name, module = example
    done, out = built
    assert done.returncode == 0, done.stderr[-2000:]
    md = (out / f"{name}.md").read_text()
    front = md.split("---\n")[1]
    titles = re.findall(r'^title: (".*")$', front, re.M)
    assert titles and json.loads(titles[0]) == module.PAPER.title
    report = json.loads((out / "report.json").read_text())
    assert report["ok"] is True


def test_each_example_builds_a_pdf_with_its_title(example, built):
    name, module = example
    need(shutil.which("latexmk") is not None or shutil.which("pdflatex") is not None,
         "latexmk and pdflatex are not installed (TeX Live): the PDF is not built")
    need(shutil.which("pdftotext") is not None, "pdftotext is not installed (poppler-utils)")
    done, out = built
    assert done.returncode == 0, done.stderr[-2000:]
    pdf = out / f"{name}.pdf"
    assert pdf.read_bytes()[:4] == b"%PDF"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=120, check=True).stdout
    assert _normalized(module.PAPER.title) in _normalized(text)
    for pattern in ASCII_MATHS:  # every formula, the library's sentences included, went through the printer
        found = re.findall(rf".{{0,30}}{pattern}.{{0,30}}", text)
        assert not found, (pattern, found[:3])


def test_the_exported_reward_variance_matches_the_checked_expression(tmp_path):
    """``dpo-mixture export`` on an example: the generated function agrees with the expression."""
    import numpy as np

    module = load_example("reward_variance")
    target = tmp_path / "variance_fns.py"
    done = run_cli("export", "examples/reward_variance.py", "--backend", "numpy", "--out", str(target))
    assert done.returncode == 0, done.stderr
    spec = importlib.util.spec_from_file_location("variance_fns", target)
    fns = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fns)
    pi_ref = [sp.Rational(1, 5), sp.Rational(3, 10), sp.Rational(1, 2)]
    r = [sp.Integer(0), sp.Integer(1), sp.Integer(3)]
    t = sp.Rational(2)
    expected = evaluate(module.VARIANCE_OF_INPUTS, {module.pi_ref: pi_ref, module.r: r, module.t: t, n: 3}, "mp")
    got = fns.reward_variance(np.array(pi_ref, dtype=float), np.array(r, dtype=float), float(t))
    assert float(got) == pytest.approx(float(expected), rel=1e-13)


def test_each_examples_report_verifies_in_a_fresh_interpreter(example, built):
    """``dpo-mixture verify`` re-checks a user's report without the user's module: the names it
    declared print as they did when it was built, and every certificate re-checks."""
    done = run_cli("verify", str(built[1] / "report.json"))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert " 0 failed" in done.stdout.splitlines()[-1]
