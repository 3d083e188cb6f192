"""Print the README's benchmark tables (Markdown) from the JSON of a benchmark run.

Run: python benchmarks/bench_table.py benchmarks/results/bench_numeric_cpu_s49.json
     python benchmarks/bench_table.py --gpu benchmarks/results/bench_gpu_h100.json
"""

from __future__ import annotations

import argparse
import json


def cpu_table(rows) -> str:
    lines = [
        "| backend | shape | dtype | function | `validate=False` / hand | default / hand | naive / hand | peak memory (inputs) ours, checked, hand |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        naive = f"{r['naive'] / r['hand']:.2f}" if r.get("naive") else ""
        if r.get("scipy"):
            naive += f" (scipy {r['scipy'] / r['hand']:.2f})"
        mem = r.get("memory")
        mem_text = f"{mem['ours']:.2f}, {mem['checked']:.2f}, {mem['hand']:.2f}" if mem else ""
        lines.append(
            f"| {r['backend']} | {r['shape']} | {r['dtype']} | `{r['function']}` | {r['ours'] / r['hand']:.2f} | "
            f"{r['checked'] / r['hand']:.2f} | {naive} | {mem_text} |"
        )
    return "\n".join(lines)


def gpu_table(report) -> str:
    peak = {"H100": 3.35e12}.get(next((k for k in ("H100",) if k in report["device"]), ""), None)
    lines = [
        "| dtype | function | variant | ms | TB/s | of peak HBM | / hand (eager) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in report["rows"]:
        for label in ("ours", "checked", "hand", "naive", "ours compiled", "hand compiled"):
            if label not in r:
                continue
            bw = r[label + " bw"]
            frac = f"{bw / peak:.1%}" if peak else ""
            lines.append(f"| {r['dtype']} | `{r['function']}` | {label} | {r[label] * 1e3:.3f} | {bw / 1e12:.2f} | {frac} | "
                         f"{r[label] / r['hand']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--gpu", action="store_true")
    args = parser.parse_args()
    with open(args.path, encoding="utf-8") as handle:
        data = json.load(handle)
    print(gpu_table(data) if args.gpu else cpu_table(data))


if __name__ == "__main__":
    main()
