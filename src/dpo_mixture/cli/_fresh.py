"""Re-check a report in a fresh interpreter that never runs the module's code.

``build`` (and ``check --recheck``) run a user's module in this process, and code of the
module's own can reach the engine's objects there: an expression's insides set in place, an
answer planted in a cache, the engine's variables reached through the interpreter's frames.
Before anything is published as proved, the report is therefore re-checked by
``dpo-mixture verify`` in a new interpreter.  It starts from the environment this process had
when the command line started, before any module of the user's was imported (a module cannot
point it at other code through ``PYTHONPATH``), with the unsafe path entries left out
(``-P``), and it reads the report's JSON only: no strategy, no search, no module code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

__all__ = ["recheck", "RECHECK_SECONDS"]

#: Taken when the command line starts, before a user's module can change them.
_ENVIRONMENT = dict(os.environ)
_EXECUTABLE = sys.executable
#: How long the fresh re-check may take before the run fails with that reason.
RECHECK_SECONDS = 600


def recheck(report: Path) -> list[str]:
    """The steps of the report at ``report`` that do not re-check in a fresh interpreter, each
    as ``"id: reason"``; empty when every recorded verdict stands."""
    cmd = [_EXECUTABLE, "-P", "-m", "dpo_mixture", "verify", str(report.resolve()), "--json"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=_ENVIRONMENT, cwd=report.resolve().parent,
                              timeout=RECHECK_SECONDS)
    except subprocess.TimeoutExpired:
        return [f"the report was not re-checked within the time limit of {RECHECK_SECONDS} s"]
    except OSError as exc:
        return [f"the fresh interpreter could not be started ({exc})"]
    if done.returncode not in (0, 1):
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return [f"the fresh re-check failed (exit {done.returncode}): {last}"]
    try:
        results = json.loads(done.stdout)
        failed = [f"{r['id']}: {r['detail']}" for r in results if not r["ok"]]
    except (ValueError, TypeError, KeyError):
        return ["the fresh re-check printed something other than its JSON"]
    if done.returncode == 1 and not failed:
        return ["the fresh re-check exited 1 without naming a step"]
    return failed
