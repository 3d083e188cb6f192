"""Benchmark of dpo_mixture.numeric against hand-written code measured in the same run.

Run: python benchmarks/bench_numeric.py [--shapes 256x50257,64x128256] [--dtypes float32,float64]
     [--backends numpy,torch,jax] [--repeat 9] [--json FILE]

For ``log_policy``, ``tpm`` and ``kl_to_ref``, every shape, dtype and backend, it times the
generated function without checks (``validate=False``) and with them (the default) against the
best hand-written contender of ``numeric_contenders.py`` (same results, same accuracy), and
prints ``ours / contender``.  The calls are interleaved and each figure is the best of
``--repeat``, so that a busy machine slows both sides alike.  The naive one-liners (no reward
shift: less accurate on offset rewards) are timed for reference, as are the old baselines, in
a race of their own against the contender (see :func:`reference`).

On NumPy it also reports the peak memory of a call (``tracemalloc``: NumPy's allocations,
output included) in units of one input array.  Everything runs on one thread.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numeric_contenders as hand  # noqa: E402

from dpo_mixture import numeric  # noqa: E402



def race(fns: dict, repeat: int) -> dict:
    """Best time (s) of each function, the calls interleaved ``repeat`` times."""
    for fn in fns.values():
        fn()  # warm-up (compiles on first use)
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            out = fn()
            _block(out)
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def reference(contender, baselines: dict, repeat: int, contender_time: float) -> dict:
    """Times of the reference ``baselines`` (the one-liners, SciPy), raced against the
    hand-written ``contender`` in a race of their own and scaled to its time in the main race.

    They are kept out of the race of the generated code against the contender: they allocate
    several input-sized arrays per call, and in an interleaved race the call that follows them
    pays for the memory they hand back (NumPy's ``log_policy`` at 64 x 128,256 float32 read
    1.17 of the contender right after SciPy, 1.04 without it)."""
    t = race({"hand": contender, **baselines}, repeat)
    return {k: v / t["hand"] * contender_time for k, v in t.items() if k != "hand"}


def _block(out):
    for o in out if isinstance(out, tuple) else (out,):
        if hasattr(o, "block_until_ready"):
            o.block_until_ready()


def peak_memory(fn) -> int:
    fn()
    tracemalloc.start()
    out = fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del out
    return peak


def instance(batch: int, n: int, dtype, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    p_ref = rng.dirichlet(np.ones(n), batch)
    return {
        "p_ref": p_ref.astype(dtype),
        "log_p_ref": np.log(p_ref).astype(dtype),
        "p_A": rng.dirichlet(np.ones(n), batch).astype(dtype),
        "p_U": rng.dirichlet(np.ones(n), batch).astype(dtype),
        "alpha": rng.uniform(0.1, 0.9, batch).astype(dtype),
        "r": (3.0 + rng.normal(size=(batch, n))).astype(dtype),  # an offset: the shift matters
        "beta": 0.5,
    }


def numpy_rows(d, repeat):
    rows = []
    for name in hand.FUNCTIONS:
        args = hand.arguments(name, d)
        ours = getattr(numeric, name)
        contender = getattr(hand, f"numpy_{name}")
        fns = {
            "ours": lambda: ours(*args, validate=False),
            "checked": lambda: ours(*args),
            **{f"hand@{b >> 20}MiB": (lambda b=b: contender(*args, block_bytes=b)) for b in hand.BLOCK_BYTES},
        }
        t = race(fns, repeat)
        best_hand = min(v for k, v in t.items() if k.startswith("hand@"))
        if name == "log_policy":
            block = min((k for k in t if k.startswith("hand@")), key=t.get)
            t.update(reference(fns[block], {"naive": lambda: hand.numpy_naive_log_policy(*args),
                                            "scipy": lambda: hand.scipy_log_policy(*args)}, repeat, best_hand))
        one = d["r"].nbytes
        memory = {
            "ours": peak_memory(lambda: ours(*args, validate=False)) / one,
            "checked": peak_memory(lambda: ours(*args)) / one,
            "hand": peak_memory(lambda: contender(*args)) / one,
        }
        rows.append(dict(function=name, backend="numpy", ours=t["ours"], checked=t["checked"], hand=best_hand,
                         naive=t.get("naive"), scipy=t.get("scipy"), memory=memory))
    return rows


def torch_rows(d, repeat):
    import torch

    torch.set_num_threads(1)
    t = {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in d.items()}
    rows = []
    with torch.no_grad():
        for name in hand.FUNCTIONS:
            args = hand.arguments(name, t)
            ours = getattr(numeric, name)
            fns = {
                "ours": lambda: ours(*args, validate=False),
                "checked": lambda: ours(*args),
                "hand": lambda: getattr(hand, f"torch_{name}")(*args),
            }
            res = race(fns, repeat)
            if name == "log_policy":
                res.update(reference(fns["hand"], {"naive": lambda: hand.torch_naive_log_policy(*args)}, repeat,
                                     res["hand"]))
            rows.append(dict(function=name, backend="torch", ours=res["ours"], checked=res["checked"],
                             hand=res["hand"], naive=res.get("naive")))
    return rows


def jax_rows(d, repeat):
    import jax

    jax.config.update("jax_enable_x64", True)
    j = {k: jax.numpy.asarray(v) if isinstance(v, np.ndarray) else v for k, v in d.items()}
    contenders = hand.jax_contenders()
    rows = []
    for name in hand.FUNCTIONS:
        args = hand.arguments(name, j)
        ours = jax.jit(lambda *a, name=name: getattr(numeric, name)(*a, validate=False))
        checked = jax.jit(lambda *a, name=name: getattr(numeric, name)(*a))  # under jit: shapes only
        fns = {"ours": lambda: ours(*args), "checked": lambda: checked(*args), "hand": lambda: contenders[name](*args)}
        res = race(fns, repeat)
        if name == "log_policy":
            res.update(reference(fns["hand"], {"naive": lambda: contenders["naive_log_policy"](*args)}, repeat,
                                 res["hand"]))
        rows.append(dict(function=name, backend="jax", ours=res["ours"], checked=res["checked"], hand=res["hand"],
                         naive=res.get("naive")))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default="256x50257,64x128256")
    parser.add_argument("--dtypes", default="float32,float64")
    parser.add_argument("--backends", default="numpy,torch,jax")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = parser.parse_args()

    runners = {"numpy": numpy_rows, "torch": torch_rows, "jax": jax_rows}
    rows = []
    print(f"{'backend':6} {'shape':11} {'dtype':8} {'function':11} {'ours ms':>8} {'hand ms':>8} "
          f"{'ratio':>6} {'checked':>8} {'naive':>6} {'memory (inputs): ours/checked/hand':>35}", flush=True)
    for shape in args.shapes.split(","):
        batch, n = (int(v) for v in shape.split("x"))
        for dtype in args.dtypes.split(","):
            d = instance(batch, n, getattr(np, dtype))
            for backend in args.backends.split(","):
                for row in runners[backend](d, args.repeat):
                    row.update(shape=shape, dtype=dtype)
                    rows.append(row)
                    mem = row.get("memory")
                    mem_text = f"{mem['ours']:.2f}/{mem['checked']:.2f}/{mem['hand']:.2f}" if mem else ""
                    naive = f"{row['naive'] / row['hand']:.2f}" if row.get("naive") else ""
                    print(f"{backend:6} {shape:11} {dtype:8} {row['function']:11} {row['ours'] * 1e3:8.2f} "
                          f"{row['hand'] * 1e3:8.2f} {row['ours'] / row['hand']:6.2f} "
                          f"{row['checked'] / row['hand']:8.2f} {naive:>6} {mem_text:>35}", flush=True)
    print("ratio = ours (validate=False) / best hand-written; checked = default (validate=True) / hand;")
    print("naive = the one-liner without reward shift / hand; memory = peak NumPy allocation / one input array")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=1)


if __name__ == "__main__":
    main()
