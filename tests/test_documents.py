"""The paper compiles cleanly, the blog page renders in MathJax 3, and builds are reproducible."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from _need import need
from dpo_mixture.cli import main
from dpo_mixture.derivations import all_derivations
from dpo_mixture.proof import Report
from dpo_mixture.render import render_documents

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def documents():
    return render_documents(Report.run(all_derivations()))


def _mathjax_dir() -> Path | None:
    candidates = [os.environ.get("MATHJAX_NODE_PATH"), str(ROOT / ".ci-tmp" / "node_modules")]
    for c in candidates:
        if c and (Path(c) / "mathjax-full").is_dir():
            return Path(c)
    return None


def test_tex_compiles_without_errors_undefined_macros_or_overfull_boxes(documents, tmp_path):
    need(shutil.which("pdflatex") is not None, "pdflatex is not installed (TeX Live)")
    tex, _ = documents
    (tmp_path / "paper.tex").write_text(tex)
    for _ in range(2):
        done = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 0, done.stdout[-2000:]
    log = (tmp_path / "paper.log").read_text(errors="replace")
    assert not re.search(r"^! ", log, re.M)
    assert "Undefined control sequence" not in log
    assert "Overfull" not in log
    assert (tmp_path / "paper.pdf").stat().st_size > 10_000


def test_markdown_renders_in_mathjax_without_errors(documents, tmp_path):
    need(shutil.which("node") is not None, "node is not installed")
    modules = _mathjax_dir()
    need(modules is not None, "mathjax-full@3 is not installed (npm install mathjax-full@3 into .ci-tmp/)")
    _, md = documents
    page = tmp_path / "page.md"
    page.write_text(md)
    done = subprocess.run(
        ["node", str(ROOT / "tests" / "mathjax_check.js"), str(page)],
        env={**os.environ, "NODE_PATH": str(modules)}, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["formulas"] > 20
    assert result["errors"] == []


def test_mathjax_check_catches_undefined_macros(tmp_path):
    need(shutil.which("node") is not None, "node is not installed")
    modules = _mathjax_dir()
    need(modules is not None, "mathjax-full@3 is not installed")
    page = tmp_path / "bad.md"
    page.write_text("$$\\TPM(x) + 1$$\n")
    done = subprocess.run(
        ["node", str(ROOT / "tests" / "mathjax_check.js"), str(page)],
        env={**os.environ, "NODE_PATH": str(modules)}, capture_output=True, text=True, timeout=300,
    )
    assert "Undefined control sequence" in json.loads(done.stdout)["errors"][0]["message"]


def test_markdown_front_matter_is_al_folio(documents):
    _, md = documents
    front = md.split("---\n")[1]
    keys = [line.split(":")[0] for line in front.strip().splitlines()]
    assert keys == ["layout", "title", "date", "description", "tags", "categories", "related_posts"]
    for macro in ("supp", "TPM", "unif", "card"):
        assert f"\\newcommand{{\\{macro}}}" in md


def test_tex_declares_operators_and_uses_theorem_environments(documents):
    tex, _ = documents
    for macro in ("supp", "TPM", "unif", "card"):
        assert f"\\DeclareMathOperator{{\\{macro}}}" in tex
    assert "\\begin{lemma}" in tex and "\\begin{proof}" in tex
    assert "[proved]" in tex


def test_displayed_formulas_come_from_the_checked_objects(documents):
    from dpo_mixture import model
    from dpo_mixture.render.printer import latex

    tex, md = documents
    closed = latex(model.closed_form())
    assert closed in tex and closed in md


def test_two_builds_give_byte_identical_tex(tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["build", "--out", str(a)]) == 0
    assert main(["build", "--out", str(b)]) == 0
    capsys.readouterr()
    assert (a / "dpo_mixture.tex").read_bytes() == (b / "dpo_mixture.tex").read_bytes()
    assert (a / "dpo_mixture.md").read_bytes() == (b / "dpo_mixture.md").read_bytes()
