"""``dpo-mixture eval``: the numeric functions on one instance, as a table or JSON."""

from __future__ import annotations

import argparse
import json

import numpy as np

from . import UsageError
from ._instance import Instance, load_json, parse_flags

EXAMPLES = """examples:
  dpo-mixture eval --alpha 1/2 --beta 1/4 --r 0,1,2 --p-A 1/20,17/20,1/10 --p-U 1/2,3/10,1/5
  dpo-mixture eval --input counterexample.json --json

Numbers may be integers, decimals or fractions (1/3); exp(.), log(.), sqrt(.) are accepted.
The JSON file has the schema of a counterexample in report.json:
  {"alpha": "1/2", "beta": "1/4", "r": ["0", "1", "2"], "p_A": [...], "p_U": [...]}
"""

#: Scalar outputs, in the order printed, with a description for the table.
SCALARS = (
    ("tpm_A", "total mass of the aligned component"),
    ("tpm_U", "total mass of the unaligned component"),
    ("log_Z", "log of the partition function"),
    ("kl", "KL(p_theta || p_ref)"),
    ("residual_bound", "residual-mass floor under tpm_U"),
)
VECTORS = ("alpha_A", "alpha_U", "p_theta")


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "eval",
        help="evaluate TPM, log Z, KL, the residual bound and the weights on one instance",
        description=(
            "Evaluate the numeric functions (float64, generated from the model's expressions) on one "
            "instance given by flags or by a JSON file."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_instance_options(p)
    p.add_argument("--json", action="store_true", help="print the values as JSON")
    p.set_defaults(handler=run)


def add_instance_options(p: argparse.ArgumentParser) -> None:
    """``--input`` or the five flags that spell an instance out."""
    p.add_argument("--input", metavar="FILE.json", help="read the instance from a JSON file (counterexample schema)")
    p.add_argument("--alpha", metavar="A", help="mixture weight of p_A, in (0, 1)")
    p.add_argument("--beta", metavar="B", help="KL coefficient, > 0")
    p.add_argument("--r", metavar="R1,R2,...", help="rewards over the support")
    p.add_argument("--p-A", dest="p_A", metavar="P1,P2,...", help="the aligned component (sums to 1)")
    p.add_argument("--p-U", dest="p_U", metavar="P1,P2,...", help="the unaligned component (sums to 1)")


def instance_from_args(args, default: Instance | None = None) -> Instance:
    """The instance named by ``--input`` or the flags; ``default`` when neither is given."""
    flags = {key: getattr(args, key) for key in ("alpha", "beta", "r", "p_A", "p_U")}
    given = [key for key, value in flags.items() if value is not None]
    if args.input is not None:
        if given:
            names = ", ".join("--" + key.replace("_", "-") for key in given)
            raise UsageError(f"--input: give either --input or the flags, not both (also got {names})")
        return load_json(args.input)
    if not given and default is not None:
        return default
    return parse_flags(**flags)


def evaluate_instance(inst: Instance) -> dict:
    """Every output of ``eval`` for ``inst``, as Python floats (and lists of floats)."""
    from .. import numeric

    a = inst.arrays()
    p_A, p_U, alpha, r, beta = a["p_A"], a["p_U"], a["alpha"], a["r"], a["beta"]
    # The reference model is the mixture (model.mixture_reference); it is an input of the
    # functions below, not one of their results.
    p_ref = alpha * p_A + (1 - alpha) * p_U
    tpm_A, tpm_U = numeric.tpm(p_A, p_U, alpha, r, beta)
    weight_A, weight_U = numeric.mixture_weights(p_A, p_U, alpha, r, beta)
    with np.errstate(divide="ignore"):
        log_p_ref = np.log(p_ref)
    return {
        "tpm_A": float(tpm_A),
        "tpm_U": float(tpm_U),
        "log_Z": float(numeric.log_partition(log_p_ref, r, beta)),
        "kl": float(numeric.kl_to_ref(p_ref, r, beta)),
        "residual_bound": float(numeric.residual_mass_bound(alpha, r, beta)),
        "alpha_A": [float(v) for v in weight_A],
        "alpha_U": [float(v) for v in weight_U],
        "p_theta": [float(v) for v in numeric.policy(p_ref, r, beta)],
    }


def format_table(inst: Instance, values: dict) -> str:
    """A plain-text table: the instance, the scalar outputs, then the per-output vectors."""
    lines = [f"instance: n = {inst.n}, alpha = {inst.alpha}, beta = {inst.beta}"]
    width = max(len(name) for name, _ in SCALARS)
    for name, what in SCALARS:
        lines.append(f"  {name.ljust(width)}  {values[name]!r:<24}{what}")
    lines.append("")
    heads = ("y", "r", "p_A", "p_U", *VECTORS)
    rows = [heads]
    for i in range(inst.n):
        rows.append(
            (str(i + 1), str(inst.r[i]), str(inst.p_A[i]), str(inst.p_U[i]), *(f"{values[v][i]:.12g}" for v in VECTORS))
        )
    widths = [max(len(row[j]) for row in rows) for j in range(len(heads))]
    for row in rows:
        lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    gap = values["tpm_A"] - float(inst.alpha)
    where = f"below alpha by {-gap:.6g}" if gap < 0 else f"above alpha by {gap:.6g}" if gap > 0 else "equal to alpha (in float64)"
    lines.append("")
    lines.append(f"TPM(A) is {where}; TPM(U) >= residual bound: {values['tpm_U'] >= values['residual_bound']}")
    return "\n".join(lines)


def run(args) -> int:
    inst = instance_from_args(args)
    values = evaluate_instance(inst)
    if args.json:
        print(json.dumps({"instance": inst.to_json(), **values}, indent=2))
    else:
        print(format_table(inst, values))
    return 0
