"""Wall time of ``dpo-mixture claim``, counted from the command's start (a fresh interpreter).

Each case runs as a subprocess ``python -m dpo_mixture claim ...`` several times, beside
``python -c "import sympy"`` measured the same way (the floor that any SymPy-based command
pays).  The cases are the standard facts of issue 11 (true ones and their false variants, the
Bradley-Terry identity and a wrong twin) and the mixture model's own claims.  Target: the
median over all cases, start-up included, under 1 s; each case's verdict must be the expected
one (the exit code says: 0 proved, 1 refuted).

The package's bytecode is compiled first, as ``pip install`` does (see ``_bytecode.py``).

Usage: python benchmarks/bench_claims.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from _bytecode import compile_package

PROVED, REFUTED = 0, 1
AB = ["--let", "a:scalar", "--let", "b:scalar"]

#: (arguments after ``claim``, expected exit code)
CASES = [
    (["KL(p_theta, p_ref) >= 0"], PROVED),
    (["KL(p_ref, p_theta) >= 0"], PROVED),
    (["E(p_theta, r) >= E(p_ref, r)"], PROVED),
    (["log(Z) >= E(p_ref, r)/beta"], PROVED),
    (["log(Z) <= max(r)/beta"], PROVED),
    (["E(p_theta, r) <= max(r)"], PROVED),
    (["KL(p_theta, p_ref) <= (max(r) - min(r))/beta"], PROVED),
    (["E(p_theta, r) >= E(p_ref, r) + beta*KL(p_theta, p_ref)"], PROVED),
    (["Var(p_theta, r) >= 0"], PROVED),
    (["-log(exp(a)/(exp(a)+exp(b))) == log(1+exp(b-a))", *AB], PROVED),
    (["sigmoid(a) + sigmoid(-a) == 1", *AB], PROVED),
    (["KL(p_theta, p_ref) >= 1/100"], REFUTED),
    (["E(p_theta, r) <= E(p_ref, r)"], REFUTED),
    (["log(Z) >= max(r)/beta"], REFUTED),
    (["E(p_theta, r) >= max(r)"], REFUTED),
    (["KL(p_theta, p_ref) <= (max(r) - min(r))/(2*beta)"], REFUTED),
    (["Var(p_theta, r) > 0"], REFUTED),
    (["-log(exp(a)/(exp(a)+exp(b))) == log(1+exp(a-b))", *AB], REFUTED),
    (["TPM_A >= alpha", "--assume", "Cov_unif(r, p_A) > 0 and Cov_unif(r, p_U) < 0"], REFUTED),
    (["TPM_A + TPM_U == 1"], PROVED),
    (["TPM_A - alpha == alpha*(1-alpha)*(E(p_A, exp(r/beta)) - E(p_U, exp(r/beta)))/Z"], PROVED),
    (["p_theta <= p_ref"], REFUTED),
]
TARGET = 1.0


def _time(cmd: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return time.perf_counter() - start, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    compile_package()
    floor = [_time([sys.executable, "-c", "import sympy"])[0] for _ in range(args.repeat)]
    print(f"{'case':64} {'median s':>9} {'min s':>7} {'max s':>7}  verdict")
    print(f"{'python -c import sympy':64} {statistics.median(floor):9.2f} {min(floor):7.2f} {max(floor):7.2f}")
    medians, ok = [], True
    for argv, expected in CASES:
        times, codes = [], set()
        for _ in range(args.repeat):
            seconds, code = _time([sys.executable, "-m", "dpo_mixture", "claim", *argv])
            times.append(seconds)
            codes.add(code)
        verdict = {PROVED: "proved", REFUTED: "refuted"}[expected]
        if codes != {expected}:
            verdict, ok = f"exit {sorted(codes)}, expected {expected}", False
        medians.append(statistics.median(times))
        label = " ".join(argv)
        label = label if len(label) <= 64 else label[:61] + "..."
        print(f"{label:64} {medians[-1]:9.2f} {min(times):7.2f} {max(times):7.2f}  {verdict}")
    overall = statistics.median(medians)
    slowest = max(medians)
    print(f"median over {len(CASES)} claims: {overall:.2f} s (target < {TARGET:.0f} s: {'ok' if overall < TARGET else 'MISSED'});"
          f" slowest {slowest:.2f} s; {statistics.median(medians) / statistics.median(floor):.1f}x import sympy")
    print(f"runs per case: {args.repeat}; python {sys.version.split()[0]}")
    return 0 if ok and overall < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
