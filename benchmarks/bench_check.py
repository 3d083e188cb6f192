"""Wall time of ``dpo-mixture check`` against ``python -c "import sympy"``, same machine, same run.

Usage: python benchmarks/bench_check.py [--repeat N]
Prints the median wall time of fresh processes and the ratio to the baseline.  The runs are
interleaved (one of each command per round), so that a slow minute of the machine weighs on
every command alike.  The package's bytecode is compiled first, as ``pip install`` does
(see ``_bytecode.py``).  Targets: the
whole check of the package's paper (kernel, audits and search included) under 10x the
baseline; a user's module of about 20 steps (the examples gallery) under 2 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _bytecode import compile_package


def _seconds(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.strip()[-300:]}")
    return elapsed


def _medians(commands: list[list[str]], repeat: int) -> list[float]:
    """Median wall time of each command, the commands taking turns in every round."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):
        for cmd, mine in zip(commands, times):
            mine.append(_seconds(cmd))
    return [statistics.median(t) for t in times]


SECTION1 = (
    "from dpo_mixture.proof import Report;"
    "from dpo_mixture.derivations import all_derivations;"
    "r = Report.run(all_derivations()[:4]);"
    "raise SystemExit(0 if r.ok else 1)"
)


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _steps(path: Path) -> int:
    """How many steps the module holds (counted by its own check, in JSON)."""
    done = subprocess.run([sys.executable, "-m", "dpo_mixture", "check", str(path), "--json"], capture_output=True, text=True)
    return len(json.loads(done.stdout)["steps"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    py = sys.executable
    compile_package()
    named = [
        ("python -c 'import sympy' (baseline)", [py, "-c", "import sympy"]),
        ("section 1 and Lemma 1 (the first four derivations)", [py, "-c", SECTION1]),
        ("dpo-mixture check (everything, search included)", [py, "-m", "dpo_mixture", "check"]),
    ]
    for path in sorted(EXAMPLES.glob("*.py")):
        named.append((f"dpo-mixture check examples/{path.name} ({_steps(path)} steps)",
                      [py, "-m", "dpo_mixture", "check", str(path)]))
    medians = _medians([cmd for _, cmd in named], args.repeat)
    rows = [(name, secs) for (name, _), secs in zip(named, medians)]
    base = rows[0][1]
    width = max(len(name) for name, _ in rows)
    print(f"{'command'.ljust(width)}  median s  ratio")
    for name, secs in rows:
        print(f"{name.ljust(width)}  {secs:8.3f}  {secs / base:5.2f}x")


if __name__ == "__main__":
    main()
