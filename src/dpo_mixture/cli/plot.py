"""``dpo-mixture plot``: TPM(A) and TPM(U) of one instance against beta, as a PNG (matplotlib)."""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from . import UsageError
from ._files import publish, staging_dir
from ._instance import EXAMPLE
from .eval import add_instance_options, instance_from_args

MISSING = "matplotlib is not installed: pip install 'dpo-mixture[plot]'"
EXAMPLES = """examples:
  dpo-mixture plot                                  built-in example instance -> tpm_vs_beta.png
  dpo-mixture plot -o ce.png --input ce.json        an instance in the counterexample schema
  dpo-mixture plot --alpha 1/2 --beta 1/4 --r 0,1,2 --p-A 1/20,17/20,1/10 --p-U 1/2,3/10,1/5

The curves are the numeric functions tpm and residual_mass_bound on a log grid of beta; the
instance's own beta is marked. Negative rewards: write --r=-1,0,1. Needs the plot extra:
  pip install 'dpo-mixture[plot]'
"""


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "plot",
        help="plot TPM(A), TPM(U), alpha and the residual bound against beta (PNG)",
        description=(
            "Draw the total masses of both components against beta on a log axis for one instance "
            "(the built-in example unless --input or the flags give one)."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-o", "--output", default="tpm_vs_beta.png", metavar="FILE.png", help="where to write the PNG (default: tpm_vs_beta.png)")
    add_instance_options(p)
    p.add_argument("--beta-min", type=float, metavar="B", help="left end of the beta axis")
    p.add_argument("--beta-max", type=float, metavar="B", help="right end of the beta axis")
    p.set_defaults(handler=run)


#: The widest beta axis drawn: a log axis beyond it overflows in matplotlib's tick code.
AXIS_RANGE = (1e-200, 1e200)


def _betas(args, inst):
    import numpy as np

    from ..plotting import beta_grid

    grid = beta_grid(inst.arrays()["r"], float(inst.beta))
    # the automatic range follows the rewards' spread; it is clipped to what the axis can draw
    lo = args.beta_min if args.beta_min is not None else max(float(grid[0]), AXIS_RANGE[0])
    hi = args.beta_max if args.beta_max is not None else min(float(grid[-1]), AXIS_RANGE[1])
    for name, value in (("--beta-min", lo), ("--beta-max", hi)):
        if not (np.isfinite(value) and value > 0):
            raise UsageError(f"{name}: must be a finite number > 0, got {value}")
        if not AXIS_RANGE[0] <= value <= AXIS_RANGE[1]:
            raise UsageError(f"{name}: the beta axis is drawn between {AXIS_RANGE[0]:g} and {AXIS_RANGE[1]:g}, got {value:g}")
    if lo >= hi:
        raise UsageError(f"--beta-max: must exceed --beta-min ({hi:g} <= {lo:g})")
    return np.logspace(np.log10(lo), np.log10(hi), 400)


def run(args) -> int:
    out = Path(args.output)
    if out.suffix.lower() != ".png":
        raise UsageError(f"--output {out}: expected a file name ending in .png")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"--output {out}: directory {parent} does not exist")
    if out.is_dir():
        raise UsageError(f"--output {out}: is a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"--output {out}: directory {parent} is not writable")
    inst = instance_from_args(args, default=EXAMPLE)
    betas = _betas(args, inst)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError(MISSING) from None
    from ..plotting import instance_figure

    title = r"Total masses against $\beta$" + (" (built-in example instance)" if inst is EXAMPLE else "")
    fig, curves = instance_figure(inst, title=title, betas=betas)
    staging = staging_dir(parent)  # same directory, so the final rename is atomic
    try:
        fig.savefig(staging / out.name, format="png")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish(staging, parent, [out.name])
    print(out)
    if not betas[0] <= float(inst.beta) <= betas[-1]:
        print(f"the instance's own beta = {float(inst.beta):.6g} lies outside the drawn range, so it is not marked")
    below = curves.beta[curves.below_alpha]
    if below.size:
        print(f"TPM(A) < alpha = {curves.alpha:.6g} for beta in [{below.min():.4g}, {below.max():.4g}] on the grid")
    else:
        print(f"TPM(A) >= alpha = {curves.alpha:.6g} everywhere on the grid")
    return 0
