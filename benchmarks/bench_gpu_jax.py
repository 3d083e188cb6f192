"""GPU benchmark of the JAX path: time under ``jax.jit``, ratios to hand-written JAX, XLA's memory plan.

Run on a machine with a CUDA build of jaxlib:
python benchmarks/bench_gpu_jax.py [--shape 1024x128256] [--out DIR]
(``--shape 8x4096`` on a CPU-only jaxlib runs the same script as a dry run).

For ``log_policy``, ``tpm`` and ``kl_to_ref`` in float32 and bfloat16 it times, with the wall
clock around ``block_until_ready`` (median of ``--repeat`` interleaved rounds): the generated function under
``jax.jit`` without and with checks (under ``jit`` only shapes are checked), the same function
called eagerly without and with its checks (values checked on the device, one boolean per
argument read back; eager JAX runs one kernel per operation), and the hand-written contender of ``numeric_contenders.py`` under
``jax.jit``.  The bandwidth figure is the useful traffic (every input read once, every output
written once) over the time.  The memory figure is XLA's own plan for the compiled call
(temporaries plus output) in input-sized arrays.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numeric_contenders as hand  # noqa: E402
import numpy as np  # noqa: E402

from dpo_mixture import numeric  # noqa: E402

#: Peak HBM bandwidth (bytes/s) by device kind fragment.
PEAK = {"H200": 4.8e12, "H100 PCIe": 2.0e12, "H100": 3.35e12, "A100": 2.0e12}


def race(fns: dict, repeat: int) -> dict:
    """Median seconds per call of each function, each call waited for; the calls are
    interleaved (one of each per round), so that a change of clock speed or a neighbour's
    load falls on every variant alike."""
    for fn in fns.values():
        for _ in range(3):
            jax.block_until_ready(fn())
    times = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            jax.block_until_ready(fn())
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def instance(batch, n, dtype):
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((batch, n), dtype=np.float32)
    d = {
        "log_p_ref": logits - np.log(np.exp(logits - logits.max(-1, keepdims=True)).sum(-1, keepdims=True))
        - logits.max(-1, keepdims=True),
        "p_ref": _softmax(logits),
        "p_A": _softmax(rng.standard_normal((batch, n), dtype=np.float32)),
        "p_U": _softmax(rng.standard_normal((batch, n), dtype=np.float32)),
        "alpha": rng.random(batch, dtype=np.float32) * 0.8 + 0.1,
        "r": 3.0 + rng.standard_normal((batch, n), dtype=np.float32),
    }
    return {k: jax.device_put(jnp.asarray(v, dtype=dtype)) for k, v in d.items()} | {"beta": 0.5}


def nbytes(x) -> int:
    return x.size * x.dtype.itemsize


def memory_plan(fn, args, one: int) -> float | None:
    """XLA's temporaries plus output for the compiled call, in input-sized arrays."""
    try:
        analysis = fn.lower(*args).compile().memory_analysis()
        return (analysis.temp_size_in_bytes + analysis.output_size_in_bytes) / one
    except Exception:  # noqa: BLE001 - not every backend reports a plan
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", default="1024x128256")
    parser.add_argument("--dtypes", default="float32,bfloat16")
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--out", default=os.environ.get("OUT", "."))
    args = parser.parse_args()
    device = jax.devices()[0]
    name = getattr(device, "device_kind", str(device))
    peak = next((v for k, v in PEAK.items() if k in name), None)
    print(f"device: {name} ({device.platform}); jax {jax.__version__}; peak HBM {peak and peak / 1e12} TB/s",
          flush=True)
    batch, n = (int(v) for v in args.shape.split("x"))
    report = {"device": name, "platform": device.platform, "shape": args.shape, "rows": []}
    x = jax.device_put(jnp.zeros(batch * n, jnp.float32))
    copy = jax.jit(lambda v: v + 1)
    t = race({"copy": lambda: copy(x)}, args.repeat)["copy"]
    report["copy_bandwidth"] = 2 * nbytes(x) / t
    print(f"read-and-write pass (x + 1): {report['copy_bandwidth'] / 1e12:.2f} TB/s", flush=True)
    del x

    contenders = hand.jax_contenders()
    for dtype_name in args.dtypes.split(","):
        d = instance(batch, n, getattr(jnp, dtype_name))
        for fname in hand.FUNCTIONS:
            a = hand.arguments(fname, d)
            ours = getattr(numeric, fname)
            jit_ours = jax.jit(lambda *v, f=ours: f(*v, validate=False))
            jit_checked = jax.jit(lambda *v, f=ours: f(*v))
            contender = contenders[fname]
            variants = {
                "ours": lambda: jit_ours(*a),
                "checked (jit)": lambda: jit_checked(*a),
                "ours (eager)": lambda: ours(*a, validate=False),
                "checked (eager)": lambda: ours(*a),
                "hand": lambda: contender(*a),
            }
            if fname == "log_policy":
                variants["naive"] = lambda: contenders["naive_log_policy"](*a)
            out, reference = variants["ours"](), variants["hand"]()
            pairs = zip(out if isinstance(out, tuple) else (out,),
                        reference if isinstance(reference, tuple) else (reference,))
            diff = max(float(jnp.max(jnp.abs(o.astype(jnp.float32) - h.astype(jnp.float32)))) for o, h in pairs)
            outs = out if isinstance(out, tuple) else (out,)
            good = sum(nbytes(v) for v in a if hasattr(v, "dtype")) + sum(nbytes(o) for o in outs)
            one = nbytes(a[0])
            row = {"function": fname, "dtype": dtype_name, "useful_bytes": good, "max_abs_diff_vs_hand": diff,
                   "memory ours": memory_plan(jit_ours, a, one), "memory hand": memory_plan(contender, a, one)}
            row.update(race(variants, args.repeat))
            report["rows"].append(row)
            frac = (lambda v: f"{v / peak:5.1%}") if peak else (lambda v: "  n/a")
            for label in variants:
                bw = good / row[label]
                print(f"{dtype_name:9} {fname:11} {label:16} {row[label] * 1e3:8.3f} ms  {bw / 1e12:6.2f} TB/s "
                      f"{frac(bw)} of peak  ratio to hand {row[label] / row['hand']:5.2f}", flush=True)
            print(f"{'':9} {fname:11} XLA plan, temporaries + output (input arrays): ours {row['memory ours']}, "
                  f"hand {row['memory hand']}; max |ours - hand| {diff:.3g}", flush=True)

    with open(os.path.join(args.out, "bench_gpu_jax.json"), "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1, default=str)


if __name__ == "__main__":
    main()
