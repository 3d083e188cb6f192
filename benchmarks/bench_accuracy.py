"""Accuracy of the numeric functions on the hard-input grid, against 50-digit mpmath.

Run: python benchmarks/bench_accuracy.py

The grid and the tolerances are those of ``tests/test_numeric_grid.py`` (which asserts them);
this script prints the figures: per function and dtype, the worst error relative to its scale
over the entries held to the plain target (no rounding allowance), and the worst error over all
entries as a fraction of its tolerance.
"""

from __future__ import annotations

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

import test_numeric_grid as grid  # noqa: E402



def measure(name: str, dtype) -> tuple[float, float, int]:
    """Worst error relative to its scale where no allowance applies, and worst error/tolerance."""
    worst_rel, worst_frac, cases = 0.0, 0.0, 0
    for case in grid.grid():
        args = grid._arguments(case, dtype)[name]
        for err, scale, allowance in grid.errors(name, args, dtype):
            with np.errstate(invalid="ignore", divide="ignore"):
                rel = np.where(err == 0, 0.0, err / scale)
                frac = np.where(err == 0, 0.0, err / ((grid.TARGET[dtype] + allowance) * scale))
            plain = allowance < 0.1 * grid.TARGET[dtype]
            worst_rel = max(worst_rel, float(np.max(rel[plain], initial=0.0)))
            worst_frac = max(worst_frac, float(np.max(frac, initial=0.0)))
        cases += 1
    return worst_rel, worst_frac, cases


def main() -> None:
    print(f"{'function':20} {'dtype':8} {'target':>7} {'worst rel. error':>17} {'worst err/tol':>14} {'cases':>6}")
    for name in grid.NAMES:
        for dtype in (np.float64, np.float32):
            rel, frac, cases = measure(name, dtype)
            print(f"{name:20} {dtype.__name__:8} {grid.TARGET[dtype]:7.0e} {rel:17.3g} {frac:14.3f} {cases:6d}", flush=True)
    print("worst rel. error: |got - exact| / scale over the entries with (almost) no rounding allowance; the scale")
    print("is |exact|, except 1 for log Z, log p* and KL near 0 and TPM(A) TPM(U) (max r - min r) for dTPM/dt.")
    print("worst err/tol: the largest error over all entries as a fraction of the test's tolerance (<= 1 passes).")


if __name__ == "__main__":
    main()
