"""Wall time of ``dpo-mixture claim``, counted from the command's start (a fresh interpreter).

Each case runs as a subprocess ``python -m dpo_mixture claim ...`` several times; the table
shows the median and the range, beside ``python -c "import sympy"`` measured the same way (the
floor that any SymPy-based command pays).  Targets: a refutable claim is refuted in under 2 s,
and a true claim's full search at the default sample count finishes in under 5 s.

Usage: python benchmarks/bench_claims.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

THEOREM2 = ["TPM_A >= alpha", "--assume", "Cov_unif(r, p_A) > 0 and Cov_unif(r, p_U) < 0"]

#: (label, arguments after ``claim``, expected exit code, target seconds or None)
CASES = [
    ("refute: seed's Theorem 2", THEOREM2, 1, 2.0),
    ("refute: p_theta <= p_ref", ["p_theta <= p_ref"], 1, 2.0),
    ("refute: TPM_A + TPM_U == 1 + alpha/100", ["TPM_A + TPM_U == 1 + alpha/100"], 1, 2.0),
    ("prove: TPM gap identity", ["TPM_A - alpha == alpha*(1-alpha)*(E(p_A, exp(r/beta)) - E(p_U, exp(r/beta)))/Z"], 0, 2.0),
    ("full search: residual mass bound", ["TPM_U >= (1-alpha)*exp(-(max(r)-min(r))/beta)"], 3, 5.0),
    ("full search: pointwise floor (vector)", ["p_theta >= p_ref*exp(-(max(r)-min(r))/beta)"], 3, 5.0),
]


def _time(cmd: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - start, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    floor = [_time([sys.executable, "-c", "import sympy"])[0] for _ in range(args.repeat)]
    rows.append(("python -c 'import sympy'", floor, "-", None))
    ok = True
    for label, argv, expected, target in CASES:
        times, codes = [], set()
        for _ in range(args.repeat):
            seconds, code = _time([sys.executable, "-m", "dpo_mixture", "claim", *argv])
            times.append(seconds)
            codes.add(code)
        verdict = {0: "proved", 1: "refuted", 3: "undecided"}.get(expected)
        if codes != {expected}:
            verdict, ok = f"exit {sorted(codes)}, expected {expected}", False
        rows.append((label, times, verdict, target))
    print(f"{'case':42} {'median s':>9} {'min s':>7} {'max s':>7}  {'target':>7}  verdict")
    for label, times, verdict, target in rows:
        med = statistics.median(times)
        mark = "" if target is None else (f"< {target:.0f} s" + (" ok" if med < target else " SLOW"))
        ok &= target is None or med < target
        print(f"{label:42} {med:9.2f} {min(times):7.2f} {max(times):7.2f}  {mark:>7}  {verdict}")
    print(f"runs per case: {args.repeat}; python {sys.version.split()[0]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
