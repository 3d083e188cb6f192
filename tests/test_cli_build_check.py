"""The build and check commands: outputs, exit codes, user derivations, bad input."""

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from _need import need
from dpo_mixture.cli import main


def test_build_writes_documents_and_report(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for name in ("dpo_mixture.tex", "dpo_mixture.md", "report.json"):
        assert (out / name).is_file()
    report = json.loads((out / "report.json").read_text())
    assert report["ok"] is True
    assert all(s["verdict"] == s["expected"] for s in report["steps"])
    if (out / "dpo_mixture.pdf").exists():
        assert (out / "dpo_mixture.pdf").read_bytes()[:4] == b"%PDF"
    else:
        assert "pdflatex" in printed
    assert not [p for p in out.iterdir() if p.name.startswith(".dpo-mixture-")]


def test_check_prints_a_table_and_exits_zero(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "gibbs-rewrite" in out and "proved" in out and "0 mismatched" in out


def test_check_json_matches_the_report_schema(capsys):
    assert main(["check", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True
    assert {"id", "title", "statement", "hypotheses", "model", "verdict", "expected", "method", "assumed", "seconds", "counterexample", "soundness_error", "goal", "certificate"} == set(data["steps"][0])


USER_MODULE = textwrap.dedent(
    '''
    import sympy as sp
    from dpo_mixture import Derivation, Step, Verdict, notation as N

    S = N.support_sum
    MINE = Derivation(
        id="mine",
        title="A user's lemma",
        steps=(
            Step("linear", "linearity", sp.Eq(S(N.p[N.y] * (N.r[N.y] + 1)), S(N.p[N.y] * N.r[N.y]) + S(N.p[N.y])), "split the sum"),
            Step("wrong", "a false bound", sp.Le(S(N.p[N.y] * N.r[N.y]), S(N.r[N.y]) / N.n), "wishful", expected=Verdict.{expected}),
        ),
    )
    '''
)


@pytest.mark.parametrize(("expected", "code"), [("REFUTED", 0), ("PROVED", 1)])
def test_check_a_users_module(tmp_path, capsys, expected, code):
    path = tmp_path / "mine.py"
    path.write_text(USER_MODULE.format(expected=expected))
    assert main(["check", str(path), "--json"]) == code
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert [s["verdict"] for s in steps] == ["proved", "refuted"]
    assert steps[1]["counterexample"]["p"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["check", "--nope"], "unrecognized arguments: --nope"),
        (["check", "missing.py"], "PATH missing.py: no such file"),
        (["check", "notes.txt"], "expected a Python file"),
    ],
)
def test_bad_input_exits_2_with_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_user_module_without_derivations_is_bad_input(tmp_path, capsys):
    path = tmp_path / "empty.py"
    path.write_text("x = 1\n")
    assert main(["check", str(path)]) == 2
    assert "defines no dpo_mixture.proof.Derivation" in capsys.readouterr().err


def test_unwritable_out_is_bad_input(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["build", "--out", str(blocker)]) == 2
    assert "exists and is not a directory" in capsys.readouterr().err


def test_python_dash_m_runs_the_cli(tmp_path):
    done = subprocess.run([sys.executable, "-m", "dpo_mixture", "check"], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ}, timeout=300)
    assert done.returncode == 0
    assert "gibbs-inequality" in done.stdout
    assert done.stdout.rstrip().splitlines()[-1].startswith("95 steps, 0 mismatched")  # the table's last line is there


def test_the_command_leaves_at_once_with_its_status_and_its_whole_output(tmp_path):
    """The command skips the interpreter's teardown (os._exit): the status is still the
    command's, and what it printed and wrote is complete."""
    refuted = subprocess.run([sys.executable, "-m", "dpo_mixture", "claim", "beta > 1"], capture_output=True, text=True,
                             timeout=300)
    assert refuted.returncode == 1 and refuted.stdout.splitlines()[1].split() == ["verdict:", "refuted"]
    bad = subprocess.run([sys.executable, "-m", "dpo_mixture", "check", "--seed", "x"], capture_output=True, text=True,
                         timeout=300)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    out = tmp_path / "out"
    built = subprocess.run([sys.executable, "-m", "dpo_mixture", "build", str(tmp_path / "nope.py"), "--out", str(out)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 2 and not out.exists()


def test_failed_build_leaves_the_previous_files_untouched(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert main(["build", "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    from dpo_mixture.cli import build

    def broken_markdown(*args, **kwargs):
        raise OSError("disk full while rendering")

    monkeypatch.setattr(build, "render_documents", broken_markdown)
    assert main(["build", "--out", str(out)]) == 2
    assert "disk full" in capsys.readouterr().err
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # same files, same bytes, no scratch directory left behind


def test_failed_pdf_compile_fails_the_build_and_changes_nothing(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert main(["build", "--out", str(out)]) == 0
    (out / "dpo_mixture.tex").write_text("% the previous good paper\n")
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    from dpo_mixture.cli import build

    monkeypatch.setattr(build, "compile_pdf", lambda workdir, name: (False, "LaTeX failed on dpo_mixture.tex: boom"))
    assert main(["build", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "LaTeX failed on dpo_mixture.tex: boom" in err and "nothing in" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_latex_errors_are_reported_from_the_log(tmp_path):
    need(shutil.which("pdflatex") is not None, "pdflatex is not installed (TeX Live)")
    from dpo_mixture.cli.build import compile_pdf

    (tmp_path / "bad.tex").write_text("\\documentclass{article}\\begin{document}\\nosuchmacro\\end{document}\n")
    ok, why = compile_pdf(tmp_path, "bad.tex")
    assert not ok and "Undefined control sequence" in why


FRAMED_MODULE = textwrap.dedent(
    '''
    import sympy as sp
    from dpo_mixture import Citation, Derivation, Paper, Reference, Ref, Step, notation as N, prose

    S = N.support_sum
    SPLIT = Derivation(
        id="split",
        title="Splitting a sum",
        kind="Lemma",
        statement=(sp.Eq(S(N.p[N.y] * (N.r[N.y] + 1)), S(N.p[N.y] * N.r[N.y]) + S(N.p[N.y])),),
        statement_text=prose("For a distribution ", N.p, " the mean of ", N.r[N.y] + 1, " splits:"),
        steps=(
            Step("linear", "linearity", sp.Eq(S(N.p[N.y] * (N.r[N.y] + 1)), S(N.p[N.y] * N.r[N.y]) + S(N.p[N.y])),
                 prose("A sum is linear ", Citation("knuth"), ".")),
        ),
    )
    DERIVATIONS = (SPLIT,)
    PAPER = Paper(
        title="Sums: a note",
        authors=("A. Author", "B. Author"),
        abstract=prose("We split a sum, in ", Ref("split"), "."),
        introduction=(prose("Sums are linear."),),
        references=(Reference("knuth", "Donald E. Knuth", "The Art of Computer Programming", "Addison-Wesley", "1968"),),
        tags=("math",),
        stem="sums",
    )
    '''
)


def test_build_a_users_module_with_its_front_matter(tmp_path, capsys):
    path = tmp_path / "sums_module.py"
    path.write_text(FRAMED_MODULE)
    out = tmp_path / "out"
    assert main(["build", str(path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    tex = (out / "sums.tex").read_text()
    md = (out / "sums.md").read_text()
    assert "\\title{Sums: a note}" in tex and "\\author{A. Author \\and B. Author}" in tex
    assert "\\begin{abstract}" in tex and "\\cite{knuth}" in tex and "\\bibitem{knuth}" in tex
    assert "Lemma~\\ref{split}" in tex
    assert md.startswith('---\nlayout: post\ntitle: "Sums: a note"\n')
    assert 'tags: "math"' in md and "[Lemma 1](#split)" in md
    report = json.loads((out / "report.json").read_text())
    assert [s["id"] for s in report["steps"]] == ["linear"] and report["ok"]
    assert not (out / "dpo_mixture.tex").exists()  # nothing of the package's own paper
    if shutil.which("latexmk") or shutil.which("pdflatex"):
        assert (out / "sums.pdf").read_bytes()[:4] == b"%PDF"
    else:
        assert "PDF not built" in printed


def test_build_a_users_module_without_front_matter_titles_it_by_name(tmp_path, capsys):
    path = tmp_path / "my_lemmas.py"
    path.write_text(USER_MODULE.format(expected="REFUTED"))
    out = tmp_path / "out"
    assert main(["build", str(path), "--out", str(out)]) == 0
    capsys.readouterr()
    assert "\\title{My lemmas}" in (out / "my_lemmas.tex").read_text()
    assert 'title: "My lemmas"' in (out / "my_lemmas.md").read_text()


def test_a_paper_that_is_not_a_paper_is_bad_input(tmp_path, capsys):
    path = tmp_path / "bad_paper.py"
    path.write_text(USER_MODULE.format(expected="REFUTED") + "\nPAPER = 'A title'\n")
    assert main(["build", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "PAPER must be a dpo_mixture.Paper, not str" in capsys.readouterr().err


def test_asset_url_prefixes_the_figure_link(monkeypatch, tmp_path, capsys):
    from dpo_mixture.cli import build
    from dpo_mixture.render import FigureFile, prose

    def one_figure(staging, report):  # stands in for the plot extra, which tests/test_plot.py covers
        (staging / "fig.png").write_bytes(b"png")
        return (FigureFile("example", "fig.png", prose("A figure.")),)

    monkeypatch.setattr(build, "figures_for", one_figure)
    monkeypatch.setattr(build, "compile_pdf", lambda workdir, name: (False, build.TEX_HINT))
    out = tmp_path / "out"
    assert main(["build", "--out", str(out), "--asset-url", "/assets/img/"]) == 0
    capsys.readouterr()
    assert "](/assets/img/fig.png)" in (out / "dpo_mixture.md").read_text()
    assert "{fig.png}" in (out / "dpo_mixture.tex").read_text()  # the paper keeps the file beside it
    assert (out / "fig.png").read_bytes() == b"png"


def test_bad_asset_url_is_bad_input(tmp_path, capsys):
    assert main(["build", "--out", str(tmp_path / "out"), "--asset-url", "a b/"]) == 2
    err = capsys.readouterr().err
    assert "--asset-url" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()
