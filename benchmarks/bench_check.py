"""Wall time of ``dpo-mixture check`` against ``python -c "import sympy"``, same machine, same run.

Usage: python benchmarks/bench_check.py [--repeat N]
Prints the median wall time of fresh processes and the ratio to the baseline.  Targets: the
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


def _median_seconds(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0,):
            raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.strip()[-300:]}")
    return statistics.median(times)


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
    base = _median_seconds([py, "-c", "import sympy"], args.repeat)
    rows = [
        ("python -c 'import sympy' (baseline)", base),
        ("section 1 and Lemma 1 (the first four derivations)", _median_seconds([py, "-c", SECTION1], args.repeat)),
        ("dpo-mixture check (everything, search included)", _median_seconds([py, "-m", "dpo_mixture", "check"], args.repeat)),
    ]
    for path in sorted(EXAMPLES.glob("*.py")):
        steps = _steps(path)
        rows.append((f"dpo-mixture check examples/{path.name} ({steps} steps)",
                     _median_seconds([py, "-m", "dpo_mixture", "check", str(path)], args.repeat)))
    width = max(len(name) for name, _ in rows)
    print(f"{'command'.ljust(width)}  median s  ratio")
    for name, secs in rows:
        print(f"{name.ljust(width)}  {secs:8.3f}  {secs / base:5.2f}x")


if __name__ == "__main__":
    main()
