"""``dpo-mixture build``: check everything, then write the paper, the blog page and the report."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

from ..render import render_documents
from ._files import publish, staging_dir, writable_dir
from ._run import add_seed_option, load_derivations, run_report

STEM = "dpo_mixture"
EXAMPLES = """examples:
  dpo-mixture build                 writes build/dpo_mixture.{tex,md,pdf} and build/report.json
  dpo-mixture build --out paper/    the same, into paper/
"""
TEX_HINT = (
    "dpo_mixture.pdf not built: no latexmk or pdflatex on PATH "
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
    p.add_argument("--out", default="build", metavar="DIR", help="output directory (default: build/)")
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
    """Figures to embed; empty unless the plotting extra is installed."""
    try:
        from ..plotting import document_figures  # written with the plot extra
    except ImportError:
        return ()
    return tuple(document_figures(staging, report))


def run(args) -> int:
    out = writable_dir(args.out, "--out")
    report = run_report(load_derivations(None), args.seed)
    staging = staging_dir(out)
    try:
        figures = figures_for(staging, report)
        tex, md = render_documents(report, figures)
        (staging / f"{STEM}.tex").write_text(tex, encoding="utf-8")
        (staging / f"{STEM}.md").write_text(md, encoding="utf-8")
        (staging / "report.json").write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
        names = [f"{STEM}.tex", f"{STEM}.md", "report.json"] + [Path(f.path).name for f in figures]
        ok_pdf, why = compile_pdf(staging, f"{STEM}.tex")
        if ok_pdf:
            names.append(f"{STEM}.pdf")
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
    if report.soundness_errors:
        print(f"SOUNDNESS ERROR at {', '.join(r.step.id for r in report.soundness_errors)}: "
              "the kernel accepted a step the audit refuted", file=sys.stderr)
        return 4
    return 0 if report.ok else 1
