"""``dpo-mixture build [PATH.py]``: check everything, then write the paper, the blog page and the report.

The documents are framed by the module's ``PAPER`` (title, authors, abstract, introduction,
references, tags, file stem); the package's own paper is built the same way from its own
derivations module.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

from ..render import render_documents
from . import UsageError
from ._files import publish, staging_dir, writable_dir
from ._fresh import recheck
from ._run import add_seed_option, load, run_report

EXAMPLES = """examples:
  dpo-mixture build                              writes build/dpo_mixture.{tex,md,pdf} and build/report.json
  dpo-mixture build --out paper/                 the same, into paper/
  dpo-mixture build mine.py                      the documents of your own derivations module
  dpo-mixture build --asset-url /assets/img/     link the blog page's figure as /assets/img/FILE.png
"""
TEX_HINT = (
    "PDF not built: no latexmk or pdflatex on PATH "
    "(Debian/Ubuntu: apt-get install texlive-latex-base texlive-latex-recommended latexmk)"
)


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "build",
        help="check every step and write the .tex, .md, report.json (and .pdf)",
        description="Decide every step, then write the documents; exit 0 iff every verdict is the expected one.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("path", nargs="?", metavar="PATH.py", help="a Python module defining Derivation objects and, optionally, PAPER (default: the package's own paper)")
    p.add_argument("--out", default="build", metavar="DIR", help="output directory (default: build/)")
    p.add_argument(
        "--asset-url", default="", metavar="PREFIX",
        help="what the blog page puts before a figure's file name (default: nothing, for a page with its PNG beside it; "
             "al-folio: /assets/img/)",
    )
    add_seed_option(p)
    p.set_defaults(handler=run)


def compile_pdf(workdir: Path, tex_name: str) -> tuple[bool, str]:
    """Compile ``tex_name`` inside ``workdir``; returns (success, one-line reason on failure)."""
    latexmk, pdflatex = shutil.which("latexmk"), shutil.which("pdflatex")
    if latexmk:
        cmd = [latexmk, "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-quiet", tex_name]
    elif pdflatex:
        cmd = [pdflatex, "-interaction=nonstopmode", "-halt-on-error", tex_name]
    else:
        return False, TEX_HINT
    runs = 1 if latexmk else 2  # pdflatex twice for references
    for _ in range(runs):
        done = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            log = workdir / (Path(tex_name).stem + ".log")
            first = ""
            if log.exists():
                first = next((line[2:].strip() for line in log.read_text(errors="replace").splitlines() if line.startswith("! ")), "")
            return False, f"LaTeX failed on {tex_name}" + (f": {first}" if first else "")
    return True, ""


def figures_for(staging: Path, report) -> tuple:
    """Figures of the worked examples; empty unless the plotting extra is installed."""
    try:
        from ..plotting import document_figures  # written with the plot extra
    except ImportError:
        return ()
    return tuple(document_figures(staging, report))


def _asset_url(value: str) -> str:
    if any(c.isspace() for c in value) or any(c in value for c in "()<>\"\\"):
        raise UsageError(f"--asset-url {value!r}: a URL prefix may not hold spaces, quotes, brackets or backslashes")
    return value


def run(args) -> int:
    asset_url = _asset_url(args.asset_url)
    loaded = load(args.path)
    made = _first_missing(Path(args.out))
    out = writable_dir(args.out, "--out")
    try:
        code = _build(args, loaded, out, asset_url)
    except BaseException:
        if made is not None:  # a failed run leaves no trace, not even the folders it made for its files
            shutil.rmtree(made, ignore_errors=True)
        raise
    if made is not None and not any(out.iterdir()):  # it published nothing
        shutil.rmtree(made, ignore_errors=True)
    return code


def _first_missing(path: Path) -> Path | None:
    """The outermost folder of ``path`` that does not exist yet (the run makes it and all
    below it), or None."""
    missing = None
    for folder in (path.absolute(), *path.absolute().parents):
        if folder.exists():
            break
        missing = folder
    return missing


def _build(args, loaded, out: Path, asset_url: str) -> int:
    paper = loaded.paper
    stem = paper.file_stem
    report = run_report(loaded.derivations, args.seed, paper.examples, paper)
    staging = staging_dir(out)
    try:
        figures = figures_for(staging, report)
        tex, md = render_documents(report, paper, figures, asset_url=asset_url)
        (staging / f"{stem}.tex").write_text(tex, encoding="utf-8")
        (staging / f"{stem}.md").write_text(md, encoding="utf-8")
        (staging / "report.json").write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
        failed = recheck(staging / "report.json")
        if failed:  # the module's code made the engine say what the report cannot show
            shutil.rmtree(staging, ignore_errors=True)
            print(f"SOUNDNESS ERROR: the report does not re-check in a fresh interpreter ({len(failed)} step(s)): "
                  f"{' | '.join(failed)}; nothing in {out} was changed", file=sys.stderr)
            return 4
        names = [f"{stem}.tex", f"{stem}.md", "report.json"] + [f.path for f in figures]
        ok_pdf, why = compile_pdf(staging, f"{stem}.tex")
        if ok_pdf:
            names.append(f"{stem}.pdf")
        elif why != TEX_HINT:
            # TeX is there but failed: the build failed, and the previous files stay as they were
            shutil.rmtree(staging, ignore_errors=True)
            print(f"error: {why}; nothing in {out} was changed", file=sys.stderr)
            return 1
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish(staging, out, names)
    for name in names:
        print(out / name)
    if not ok_pdf:
        print(why)
    bad = [r.step.id for r in report.all_results if not r.ok]
    if bad:
        print(f"verdicts differ from expectations at: {', '.join(bad)}")
    for why in report.unproved_statements:
        print(f"not a result: {why}")
    if report.soundness_errors:
        print(f"SOUNDNESS ERROR at {', '.join(r.step.id for r in report.soundness_errors)}: "
              "the kernel accepted a step the audit refuted", file=sys.stderr)
        return 4
    return 0 if report.ok else 1
