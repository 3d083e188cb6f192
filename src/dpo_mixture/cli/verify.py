"""``dpo-mixture verify``: re-check a report's certificates and counterexamples, no strategies."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from . import UsageError

EXAMPLES = """examples:
  dpo-mixture verify build/report.json          re-check every certificate in the kernel
  dpo-mixture verify build/report.json --json   the same, one record per step

Exit status: 0 every verdict re-checks, 1 some do not, 2 bad input.
"""


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "verify",
        help="re-check the certificates and counterexamples of a report.json",
        description=(
            "Read a report written by build (report.json) and re-check every proved or assumed step's "
            "certificate with the kernel, citing only steps that re-checked before it, and every "
            "counterexample in exact or interval arithmetic. No strategy and no search runs."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("report", metavar="REPORT.json", help="a report written by dpo-mixture build")
    p.add_argument("--json", action="store_true", help="print one JSON record per step")
    p.set_defaults(handler=run)


def _load(path: str) -> dict:
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"REPORT {path}: no such file")
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except RecursionError:
        raise UsageError(f"REPORT {path}: nested too deeply to be a report") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"REPORT {path}: not JSON ({exc.__class__.__name__}: {exc})") from None


def run(args) -> int:
    from ..proof.verify import declarations_shown, models, verify_report

    data = _load(args.report)
    try:
        results = verify_report(data)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise UsageError(f"REPORT {args.report}: {exc}") from None
    except RecursionError:
        raise UsageError(f"REPORT {args.report}: an expression nested too deeply") from None
    if args.json:
        print(json.dumps([{"id": r.step_id, "verdict": r.recorded, "ok": r.ok, "detail": r.detail} for r in results], indent=2))
    else:
        declared = declarations_shown(data)
        if declared:
            print("declared domains (the report's 'declarations'):")
            print("  " + "; ".join(declared))
        shown = models(data)
        if shown:  # what the certificates rest on besides the statements: the reader should see it
            print("model the steps were checked in (each step's 'model' in the report):")
            for line in shown:
                print(f"  {line}")
        width = max((len(r.step_id) for r in results), default=4)
        for r in results:
            mark = "ok" if r.ok else "FAILED"
            print(f"{r.step_id.ljust(width)}  {r.recorded:9s}  {mark:6s}  {r.detail}")
        bad = sum(not r.ok for r in results)
        checked = sum(r.recorded in ("proved", "assumed", "refuted") for r in results)
        print(f"{len(results)} steps, {checked} re-checked, {bad} failed")
    return 0 if all(r.ok for r in results) else 1
