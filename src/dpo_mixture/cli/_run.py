"""Shared by ``build`` and ``check``: load derivations and run the engine with progress."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from ..proof import Derivation, Report
from . import UsageError

__all__ = ["load_derivations", "run_report", "add_seed_option"]


def add_seed_option(parser) -> None:
    parser.add_argument("--seed", type=int, default=0, help="seed of the counterexample search (default 0)")


def load_derivations(path: str | None) -> tuple[Derivation, ...]:
    """The document's derivations, or those of a user's module at ``path``.

    A user module either defines ``DERIVATIONS`` (a sequence) or module-level
    :class:`~dpo_mixture.proof.Derivation` objects, taken in the order they are defined.
    """
    if path is None:
        from ..derivations import all_derivations

        return all_derivations()
    file = Path(path)
    if file.suffix != ".py":
        raise UsageError(f"PATH {path}: expected a Python file ending in .py")
    if not file.is_file():
        raise UsageError(f"PATH {path}: no such file")
    from ..proof.step import collect_problems

    spec = importlib.util.spec_from_file_location(f"dpo_mixture_user_{file.stem}", file)
    if spec is None or spec.loader is None:
        raise UsageError(f"PATH {path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    with collect_problems() as problems:
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # the user's code: report it in one line
            first = str(exc).splitlines()[0] if str(exc) else ""
            raise UsageError(f"PATH {path}: importing it failed: {type(exc).__name__}: {first}") from None
    if problems:
        raise UsageError(f"PATH {path}: {len(problems)} step(s) cannot be checked as built: " + " | ".join(problems))
    found = getattr(module, "DERIVATIONS", None)
    if found is None:
        found = [v for v in vars(module).values() if isinstance(v, Derivation)]
    found = tuple(found)
    if not found or not all(isinstance(d, Derivation) for d in found):
        raise UsageError(f"PATH {path}: defines no dpo_mixture.proof.Derivation (set DERIVATIONS or define some)")
    return found


def run_report(derivations, seed: int) -> Report:
    """Run the engine; on a terminal, name each step on stderr as it is decided."""
    progress = None
    if sys.stderr.isatty():
        def progress(step_id: str) -> None:
            print(f"\r\033[Kchecking {step_id} ...", end="", file=sys.stderr, flush=True)
    try:
        return Report.run(derivations, seed=seed, progress=progress, parallel=True)
    finally:
        if progress is not None:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
