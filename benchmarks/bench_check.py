"""Wall time of ``dpo-mixture check`` against ``python -c "import sympy"``, same machine, same run.

Usage: python benchmarks/bench_check.py [--repeat N]
Prints the median of each and their ratio (targets: under 10x for section 1 alone, under 20x
for the whole check, search included).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


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
    width = max(len(name) for name, _ in rows)
    print(f"{'command'.ljust(width)}  median s  ratio")
    for name, secs in rows:
        print(f"{name.ljust(width)}  {secs:8.3f}  {secs / base:5.2f}x")


if __name__ == "__main__":
    main()
