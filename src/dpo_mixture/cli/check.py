"""``dpo-mixture check``: decide every step and print the verdicts."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from ._fresh import recheck
from ._run import add_seed_option, load, run_report

METHOD_WIDTH = 64

EXAMPLES = """examples:
  dpo-mixture check                 verdicts of the document's derivations
  dpo-mixture check --json          the same as the report.json schema
  dpo-mixture check my_lemma.py     check a derivation of your own
  dpo-mixture check my_lemma.py --recheck
                                    and re-check the report in a fresh interpreter, as build does
"""


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "check",
        help="decide every step and print a table of verdicts",
        description="Decide every step by machine; exit 0 iff every verdict is the expected one.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("path", nargs="?", metavar="PATH.py", help="a Python module defining Derivation objects (default: the document's)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--recheck", action="store_true",
                   help="re-check every certificate in a fresh interpreter that never runs the module's code "
                        "(as build always does; exit 4 if one does not re-check)")
    add_seed_option(p)
    p.set_defaults(handler=run)


HYPOTHESIS_WIDTH = 100


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _relation(h) -> str:
    """A hypothesis as the table writes it: ``a == b`` like ``a <= b`` (SymPy writes ``Eq(a, b)``)."""
    import sympy as sp

    if isinstance(h, sp.Eq):
        return f"{sp.sstr(h.lhs)} == {sp.sstr(h.rhs)}"
    if isinstance(h, sp.And):
        return " and ".join(_relation(a) for a in h.args)
    return sp.sstr(h)


def format_table(report) -> str:
    """One row per step; under a step that holds only under hypotheses, one line for each."""
    rows = [("step", "verdict", "expected", "method", "seconds")]
    extra: dict[int, list[str]] = {}
    for r in report.all_results:
        mark = "" if r.ok else "  <-- MISMATCH"
        if r.outcome.soundness_error:
            mark = "  <-- SOUNDNESS ERROR"
        method = _short(r.outcome.method, METHOD_WIDTH)  # the full text is in --json
        rows.append((r.step.id, r.outcome.verdict.value, r.step.expected.value, method, f"{r.seconds:.3f}{mark}"))
        extra[len(rows) - 1] = ["    assuming " + _short(_relation(h), HYPOTHESIS_WIDTH) for h in r.assumptions]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths)) + "  " + row[4])
        lines.extend(extra.get(i, []))
    total = sum(r.seconds for r in report.all_results)
    bad = sum(not r.ok for r in report.all_results)
    assumed = sum(r.outcome.verdict.value == "assumed" for r in report.all_results)
    lines.append(f"{len(report.all_results)} steps, {bad} mismatched, {assumed} assumed, {total:.2f} s in the engine")
    lines.extend(f"not a result: {why}" for why in report.unproved_statements)
    if report.soundness_errors:
        ids = ", ".join(r.step.id for r in report.soundness_errors)
        lines.append(f"SOUNDNESS ERROR at {ids}: the kernel accepted a step the audit refuted; please report it")
    return "\n".join(lines)


def run(args) -> int:
    loaded = load(args.path)
    report = run_report(loaded.derivations, args.seed, loaded.paper.examples, loaded.paper)
    text = json.dumps(report.to_json(), indent=2) if args.json or args.recheck else ""
    print(text if args.json else format_table(report))
    if report.soundness_errors:
        return 4
    if args.recheck:  # the very text printed is the one re-checked
        with tempfile.TemporaryDirectory(prefix="dpo-mixture-recheck-") as folder:
            path = Path(folder) / "report.json"
            path.write_text(text, encoding="utf-8")
            failed = recheck(path)
        if failed:
            print(f"SOUNDNESS ERROR: the report does not re-check in a fresh interpreter ({len(failed)} step(s)): "
                  f"{' | '.join(failed)}", file=sys.stderr)
            return 4
    return 0 if report.ok else 1
