"""Re-check a report in a fresh interpreter that never runs the module's code.

``build`` (and ``check --recheck``) run a user's module in this process, and code of the
module's own can reach the engine's objects there: an expression's insides set in place, an
answer planted in a cache, the engine's variables reached through the interpreter's frames.
Before anything is published as proved, the report is therefore re-checked by
``dpo-mixture verify`` in a new interpreter.  It starts isolated (``-I``: no PYTHONPATH, no
user site folder, no working folder on its path), in an empty folder, with the environment this
process had when the command line started, and imports the package from the absolute folder this
one came from, which it confirms; it reads the report's JSON only: no strategy, no search, no
module code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["recheck", "RECHECK_SECONDS"]

#: Taken when the command line starts, before a user's module can change them.
_ENVIRONMENT = dict(os.environ)
_EXECUTABLE = sys.executable
#: The folder this package was imported from (absolute), which the fresh interpreter imports it
#: from too: never a relative or empty entry of PYTHONPATH, which would be read in its folder.
_PACKAGE = Path(__file__).resolve().parent.parent
_ROOT = str(_PACKAGE.parent)
#: The folders this process imports from (SymPy's among them), absolute, without the working
#: folder: the fresh interpreter finds what this one found, and nothing a module put beside it.
_PATH = [p for p in sys.path if p and os.path.isabs(p) and p != os.getcwd()]
#: How long the fresh re-check may take before the run fails with that reason.
RECHECK_SECONDS = 600

#: What the fresh interpreter runs (isolated: ``-I`` ignores PYTHONPATH and the user's site
#: folder, and puts no working folder on the path): the package from ``_ROOT``, which it
#: confirms, then ``dpo-mixture verify REPORT --json``.
_PROGRAM = """
import json, sys
root, expected, report, path = sys.argv[1:5]
sys.path[:0] = [root] + [p for p in json.loads(path) if p not in sys.path]
import dpo_mixture
if dpo_mixture.__file__ is None or not dpo_mixture.__file__.startswith(expected):
    sys.exit("the fresh interpreter imported dpo_mixture from " + str(dpo_mixture.__file__))
from dpo_mixture.cli import main
sys.exit(main(["verify", report, "--json"]))
"""


def recheck(report: Path) -> list[str]:
    """The steps of the report at ``report`` that do not re-check in a fresh interpreter, each
    as ``"id: reason"``; empty when every recorded verdict stands."""
    cmd = [_EXECUTABLE, "-I", "-c", _PROGRAM, _ROOT, str(_PACKAGE) + os.sep, str(report.resolve()), json.dumps(_PATH)]
    try:
        with tempfile.TemporaryDirectory(prefix="dpo-mixture-fresh-") as empty:  # a folder no module saw
            done = subprocess.run(cmd, capture_output=True, text=True, env=_ENVIRONMENT, cwd=empty,
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
