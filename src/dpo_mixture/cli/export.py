"""``dpo-mixture export``: write the numeric functions as a standalone module."""

from __future__ import annotations

import argparse
import os
import tempfile

from . import UsageError

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``export`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "export",
        help="write the numeric functions as a standalone module (no SymPy needed)",
        description="Generate the numeric functions from the model and write them as one "
        "Python module for the chosen array library.",
        epilog="Example: dpo-mixture export --backend torch -o dpo_numeric_torch.py",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--backend", choices=("numpy", "torch", "jax"), default="numpy",
                        help="array library of the generated code (default: numpy)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.py",
                        help="where to write the module")
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the module for ``args.backend`` to ``args.output`` atomically; returns 0."""
    from ..numeric.export import module_source

    output = os.fspath(args.output)
    if not output.endswith(".py"):
        raise UsageError(f"export: --output must name a .py file, got {output!r}")
    directory = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(directory):
        raise UsageError(f"export: directory {directory!r} does not exist")
    source = module_source(args.backend)
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".py.tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(source)
        os.replace(tmp, output)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return 0
