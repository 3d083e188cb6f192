"""Benchmark of dpo_mixture.numeric against hand-written baselines measured in the same run.

Run: python benchmarks/bench_numeric.py [--batch 256] [--n 50257] [--repeat 5]

Prints one row per comparison: the best time of the generated function, the best time of the
baseline, and their ratio (below 1 means the generated code is faster).  The plain
``sympy.lambdify`` of the ``Sum`` runs a Python loop, so it is timed on a few rows only and
compared per row.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.special
import sympy as sp

from dpo_mixture import model, numeric
from dpo_mixture.notation import beta as beta_sym, n as n_sym, p_ref as p_ref_sym, r as r_sym


def best(fn, repeat: int) -> float:
    fn()  # warm-up (and compile on first use)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--n", type=int, default=50_257)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--loop-rows", type=int, default=2, help="rows for the plain-lambdify loop")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    shape = (args.batch, args.n)
    log_p_ref = np.log(rng.dirichlet(np.ones(args.n), args.batch))
    p_A = rng.dirichlet(np.ones(args.n), args.batch)
    p_U = rng.dirichlet(np.ones(args.n), args.batch)
    r = rng.normal(size=shape)
    beta, alpha = 0.5, rng.uniform(0.1, 0.9, args.batch)
    rows = []

    def hand_log_policy():
        x = log_p_ref + r / beta
        return x - scipy.special.logsumexp(x, axis=-1, keepdims=True)

    ours = best(lambda: numeric.log_policy(log_p_ref, r, beta, validate=False), args.repeat)
    rows.append(("log_policy (numpy)", ours, "x - scipy logsumexp(x)", best(hand_log_policy, args.repeat)))
    checked = best(lambda: numeric.log_policy(log_p_ref, r, beta), args.repeat)
    rows.append(("log_policy (numpy, validate=True)", checked, "x - scipy logsumexp(x)", rows[-1][3]))

    def hand_tpm():
        x = r / beta
        log_m_a = scipy.special.logsumexp(x, b=p_A, axis=-1)
        log_m_u = scipy.special.logsumexp(x, b=p_U, axis=-1)
        tpm_a = scipy.special.expit(np.log(alpha) + log_m_a - np.log1p(-alpha) - log_m_u)
        return tpm_a, 1.0 - tpm_a

    ours = best(lambda: numeric.tpm(p_A, p_U, alpha, r, beta, validate=False), args.repeat)
    rows.append(("tpm (numpy)", ours, "scipy logsumexp(b=p) + expit", best(hand_tpm, args.repeat)))

    # The Sum expression: plain lambdify prints a Python loop over k (arrays indexed from 1).
    plain = sp.lambdify([p_ref_sym, r_sym, beta_sym, n_sym], model.partition_function(), modules="numpy")
    p_row = np.concatenate([[0.0], np.exp(log_p_ref[0])])
    r_row = np.concatenate([[0.0], r[0]])
    loop_rows = max(1, args.loop_rows)
    per_row_loop = best(lambda: [plain(p_row, r_row, beta, args.n) for _ in range(loop_rows)], 1) / loop_rows
    per_row_ours = best(lambda: numeric.log_partition(log_p_ref, r, beta, validate=False), args.repeat) / args.batch
    rows.append(("log_partition, per row", per_row_ours, "plain sympy.lambdify(Sum), per row", per_row_loop))

    try:
        import torch
    except ImportError:  # pragma: no cover - optional
        torch = None
    if torch is not None:
        tl, tr = torch.from_numpy(log_p_ref), torch.from_numpy(r)
        ours = best(lambda: numeric.log_policy(tl, tr, beta, validate=False), args.repeat)
        base = best(lambda: torch.log_softmax(tl + tr / beta, -1), args.repeat)
        rows.append(("log_policy (torch CPU)", ours, "torch.log_softmax(lp + r/beta, -1)", base))

    print(f"batch {args.batch} x n {args.n}, float64, best of {args.repeat}")
    print(f"{'function':38} {'time (s)':>10}  {'baseline':38} {'time (s)':>10} {'ratio':>8}")
    for name, t_ours, base_name, t_base in rows:
        print(f"{name:38} {t_ours:10.4g}  {base_name:38} {t_base:10.4g} {t_ours / t_base:8.3g}")


if __name__ == "__main__":
    main()
