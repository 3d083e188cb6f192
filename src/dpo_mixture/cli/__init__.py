"""The command line: the only part of the package that touches files and exit codes.

Each subcommand lives in a module of this package that exposes ``add_parser(subparsers)``;
the parser it adds sets ``handler``, a function ``(args) -> int`` that returns the exit code.
Any :class:`UsageError` (or ``ValueError`` from bad input) ends in exit status 2 with one line
on stderr and no traceback.  ``check`` and ``build`` exit 4 when the audit caught the kernel
accepting a false step (an internal soundness error); any other defect of the package exits 4
too, with one line, never with a verdict's status.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

__all__ = ["main", "run", "UsageError", "SUBCOMMANDS"]

#: Subcommand modules, in the order ``--help`` lists them.
#: The status of a defect of the package itself, like a soundness error caught by the audit.
INTERNAL_ERROR = 4

SUBCOMMANDS = ("build", "check", "verify", "claim", "export", "eval", "plot")


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        raise UsageError(f"{self.prog}: {message}")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dpo-mixture",
        description="Machine-checked mathematics of preference tuning as a mixture.",
        epilog="Example: dpo-mixture build --out build/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:  # a subcommand not written yet
            if exc.name == f"{__name__}.{name}":
                continue
            raise
        module.add_parser(sub)
    return parser


def run() -> None:
    """The ``dpo-mixture`` command: :func:`main`, then leave at once with its status.

    When the command is done, every file it wrote is closed and the second process is gone;
    what is left is the interpreter's teardown of the objects SymPy keeps in its caches, which
    takes a quarter of a second after a check and changes nothing on disk.  The streams are
    flushed and the process ends without it (``os._exit``)."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        parser = _build_parser()
        args = parser.parse_args(argv)
        return int(args.handler(args))
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a defect of the package: never a verdict's status (1 reads "refuted")
        text = " ".join(str(exc).split())[:300]
        print(f"error: internal error ({type(exc).__name__}: {text}); please report it", file=sys.stderr)
        return INTERNAL_ERROR
