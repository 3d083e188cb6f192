"""GPU benchmark of the torch path: bandwidth reached, ratios to hand-written torch, no host sync.

Run on a machine with CUDA: python benchmarks/bench_gpu.py [--shape 1024x128256] [--out DIR]
(``--device cpu --shape 8x4096`` runs the same script on the CPU, as a dry run).

For ``log_policy``, ``tpm`` and ``kl_to_ref`` in float32 and bfloat16 it times, with CUDA
events (median of ``--repeat``): the generated function without and with checks, the
hand-written torch contender of ``numeric_contenders.py``, the naive one-liner, and (float32)
both sides under ``torch.compile``.  The bandwidth figure is the useful traffic (every input
read once, every output written once) over the time, as a fraction of the card's peak HBM
bandwidth and of a measured device-to-device copy.  It then runs every function, with checks,
under ``torch.cuda.set_sync_debug_mode("error")``: a host synchronisation would raise.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numeric_contenders as hand  # noqa: E402
import torch  # noqa: E402

from dpo_mixture import numeric  # noqa: E402

#: Peak HBM bandwidth (bytes/s) by device name fragment.
PEAK = {"H200": 4.8e12, "H100 PCIe": 2.0e12, "H100": 3.35e12, "A100": 2.0e12}


def timed(fn, repeat: int, device) -> float:
    """Median seconds per call."""
    for _ in range(3):
        fn()
    if device.type != "cuda":
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return statistics.median(times)
    torch.cuda.synchronize()
    times = []
    for _ in range(repeat):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        stop.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(stop) / 1e3)
    return statistics.median(times)


def instance(batch, n, dtype, device):
    g = torch.Generator(device="cpu").manual_seed(0)
    logits = torch.randn(batch, n, generator=g)
    d = {
        "log_p_ref": torch.log_softmax(logits, -1),
        "p_ref": torch.softmax(logits, -1),
        "p_A": torch.softmax(torch.randn(batch, n, generator=g), -1),
        "p_U": torch.softmax(torch.randn(batch, n, generator=g), -1),
        "alpha": torch.rand(batch, generator=g) * 0.8 + 0.1,
        "r": 3.0 + torch.randn(batch, n, generator=g),
    }
    return {k: v.to(device=device, dtype=dtype) for k, v in d.items()} | {"beta": 0.5}


def useful_bytes(name, args, out) -> int:
    tensors = [a for a in args if isinstance(a, torch.Tensor)]
    outs = out if isinstance(out, tuple) else (out,)
    return sum(t.numel() * t.element_size() for t in tensors + list(outs))


def peak_extra(fn, device, input_bytes) -> float | None:
    """Peak memory of a call beyond what was allocated before it, in input arrays."""
    if device.type != "cuda":
        return None
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    before = torch.cuda.memory_allocated()
    out = fn()
    torch.cuda.synchronize()
    extra = torch.cuda.max_memory_allocated() - before
    del out
    return extra / input_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", default="1024x128256")
    parser.add_argument("--dtypes", default="float32,bfloat16")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--compile", default="float32", help="dtypes to also time under torch.compile ('' for none)")
    parser.add_argument("--compile-budget", type=float, default=300.0,
                        help="seconds after which no further torch.compile is started")
    parser.add_argument("--out", default=os.environ.get("OUT", "."))
    args = parser.parse_args()
    begun = time.perf_counter()
    device = torch.device(args.device)
    batch, n = (int(v) for v in args.shape.split("x"))
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    peak = next((v for k, v in PEAK.items() if k in name), None)
    print(f"device: {name}; torch {torch.__version__}; peak HBM {peak and peak / 1e12} TB/s", flush=True)

    report = {"device": name, "shape": args.shape, "rows": [], "sync_check": {}}
    copy_bw = None
    if device.type == "cuda":
        x = torch.empty(batch * n, dtype=torch.float32, device=device)
        t = timed(lambda: x.clone(), args.repeat, device)
        copy_bw = 2 * x.numel() * 4 / t
        print(f"device-to-device copy: {copy_bw / 1e12:.2f} TB/s", flush=True)
        report["copy_bandwidth"] = copy_bw

    for dtype_name in args.dtypes.split(","):
        dtype = getattr(torch, dtype_name)
        d = instance(batch, n, dtype, device)
        for fname in hand.FUNCTIONS:
            a = hand.arguments(fname, d)
            ours = getattr(numeric, fname)
            contender = getattr(hand, f"torch_{fname}")
            variants = {
                "ours": lambda: ours(*a, validate=False),
                "checked": lambda: ours(*a),
                "hand": lambda: contender(*a),
            }
            if fname == "log_policy":
                variants["naive"] = lambda: hand.torch_naive_log_policy(*a)
            with torch.no_grad():  # eager first: the generated code exists before dynamo looks
                out, reference = variants["ours"](), variants["hand"]()
                diff = max(float((o.float() - h.float()).abs().max()) for o, h in zip(
                    out if isinstance(out, tuple) else (out,), reference if isinstance(reference, tuple) else (reference,)))
            if dtype_name in args.compile.split(",") and time.perf_counter() - begun < args.compile_budget:
                started = time.perf_counter()
                compiled_ours = torch.compile(lambda *x: ours(*x, validate=False))
                compiled_hand = torch.compile(contender)
                try:
                    compiled_ours(*a), compiled_hand(*a)
                    variants["ours compiled"] = lambda: compiled_ours(*a)
                    variants["hand compiled"] = lambda: compiled_hand(*a)
                except Exception as exc:  # noqa: BLE001 - report and go on
                    print(f"  torch.compile failed for {fname}: {type(exc).__name__}: {exc}"[:300], flush=True)
                print(f"  compiled {fname} in {time.perf_counter() - started:.0f} s", flush=True)
            good = useful_bytes(fname, a, out)
            inputs = sum(t.numel() * t.element_size() for t in a if isinstance(t, torch.Tensor) and t.dim() == 2)
            row = {"function": fname, "dtype": dtype_name, "useful_bytes": good, "max_abs_diff_vs_hand": diff}
            with torch.no_grad():
                for label, fn in variants.items():
                    t = timed(fn, args.repeat, device)
                    row[label] = t
                    row[label + " bw"] = good / t
                row["memory ours"] = peak_extra(variants["ours"], device, inputs / (3 if fname == "tpm" else 2))
                row["memory hand"] = peak_extra(variants["hand"], device, inputs / (3 if fname == "tpm" else 2))
            report["rows"].append(row)
            frac = (lambda v: f"{v / peak:5.1%}") if peak else (lambda v: "  n/a")
            for label in variants:
                print(f"{dtype_name:9} {fname:11} {label:14} {row[label] * 1e3:8.3f} ms  {row[label + ' bw'] / 1e12:6.2f} TB/s "
                      f"{frac(row[label + ' bw'])} of peak  ratio to hand {row[label] / row['hand']:5.2f}", flush=True)
            print(f"{'':9} {fname:11} peak extra memory (input arrays): ours {row['memory ours']}, hand {row['memory hand']}; "
                  f"max |ours - hand| {diff:.3g}", flush=True)

    if device.type == "cuda":  # the checks must not synchronise with the host
        d = instance(batch // 8 or 1, n, torch.float32, device)
        for fname in hand.FUNCTIONS:
            a = hand.arguments(fname, d)
            torch.cuda.synchronize()
            torch.cuda.set_sync_debug_mode("error")
            try:
                getattr(numeric, fname)(*a)  # validate=True
                result = "no synchronisation"
            except RuntimeError as exc:
                result = f"synchronised: {exc}"[:300]
            finally:
                torch.cuda.set_sync_debug_mode("default")
            torch.cuda.synchronize()
            report["sync_check"][fname] = result
            print(f"sync check {fname}: {result}", flush=True)

    with open(os.path.join(args.out, "bench_gpu.json"), "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1, default=str)


if __name__ == "__main__":
    main()
