"""Shared by ``build`` and ``check``: load a derivations module and run the engine with progress.

The package's own document and a user's module load the same way: a module exposes
``DERIVATIONS`` (or module-level :class:`~dpo_mixture.proof.Derivation` objects, in the order
they are defined) and, optionally, ``PAPER``, a :class:`~dpo_mixture.render.Paper` that frames
the documents.  A module without ``PAPER`` gets :meth:`Paper.default` with its own name.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

from ..proof import Derivation, Report
from ..render.paper import Paper
from . import UsageError

__all__ = ["Loaded", "load", "load_derivations", "run_report", "add_seed_option"]

#: The package's own document: its derivations module.
OWN_MODULE = "dpo_mixture.derivations"


@dataclass(frozen=True)
class Loaded:
    """What a derivations module declares: its derivations and the frame of its documents."""

    derivations: tuple[Derivation, ...]
    paper: Paper


def add_seed_option(parser) -> None:
    parser.add_argument("--seed", type=int, default=0, help="seed of the counterexample search (default 0)")


def _import_file(path: str) -> ModuleType:
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
    # as `python PATH.py` would: the module's own folder comes first on the path, so that it can
    # import a sibling module of the user's
    folder = str(file.resolve().parent)
    sys.path.insert(0, folder)
    with collect_problems() as problems:
        try:
            spec.loader.exec_module(module)
        except (Exception, SystemExit) as exc:  # the user's code: report it in one line
            first = str(exc).splitlines()[0] if str(exc) else ""
            raise UsageError(f"PATH {path}: importing it failed: {type(exc).__name__}: {first}") from None
        finally:
            if folder in sys.path:
                sys.path.remove(folder)
    if problems:
        raise UsageError(f"PATH {path}: {len(problems)} step(s) cannot be checked as built: " + " | ".join(problems))
    return module


def load(path: str | None) -> Loaded:
    """The derivations and the paper of the module at ``path`` (default: the package's own)."""
    module = importlib.import_module(OWN_MODULE) if path is None else _import_file(path)
    where = OWN_MODULE if path is None else f"PATH {path}"
    found = getattr(module, "DERIVATIONS", None)
    if found is None:
        found = [v for v in vars(module).values() if isinstance(v, Derivation)]
    if not isinstance(found, (tuple, list)):
        raise UsageError(f"{where}: DERIVATIONS must be a tuple or list of dpo_mixture.proof.Derivation, "
                         f"not {type(found).__name__}")
    found = tuple(found)
    if not found or not all(isinstance(d, Derivation) for d in found):
        raise UsageError(f"{where}: defines no dpo_mixture.proof.Derivation (set DERIVATIONS or define some)")
    paper = getattr(module, "PAPER", None)
    if paper is None:
        paper = Paper.default(Path(path).stem if path else module.__name__.rsplit(".", 1)[-1])
    elif not isinstance(paper, Paper):
        raise UsageError(f"{where}: PAPER must be a dpo_mixture.Paper, not {type(paper).__name__}")
    return Loaded(found, paper)


def load_derivations(path: str | None) -> tuple[Derivation, ...]:
    """The derivations of the module at ``path`` (default: the package's own document)."""
    return load(path).derivations


def run_report(derivations, seed: int, examples=(), paper=None) -> Report:
    """Run the engine; on a terminal, name each step on stderr as it is decided.

    Each worked example (:class:`~dpo_mixture.render.WorkedExample`) whose step was refuted is
    then built from that step's counterexample, decided like any other derivation, and placed
    right after the derivation that holds the step.
    """
    # what is loaded by now (SymPy, the package, the modules' derivations) lives to the end of
    # the run: the cyclic collector need not walk it again at every collection, and the second
    # process, a fork, then shares its pages instead of copying them as the collector writes.
    # (It is handed back to the collector afterwards: a process that runs many reports, a test
    # suite, keeps no garbage of its own for good.)  While the report runs, the collector waits
    # for RUN_GC_THRESHOLD new objects instead of 700: SymPy makes and drops them by the
    # hundred thousand, and most collections would find nothing to free.
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(*RUN_GC_THRESHOLD)
    try:
        return _run_report(derivations, seed, examples, paper)
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


#: The collector's thresholds while a report runs (see :func:`run_report`).
RUN_GC_THRESHOLD = (10_000, 20, 20)


def _run_report(derivations, seed: int, examples, paper) -> Report:
    progress = None
    if sys.stderr.isatty():
        def progress(step_id: str) -> None:
            print(f"\r\033[Kchecking {step_id} ...", end="", file=sys.stderr, flush=True)
    try:
        return Report.run(derivations, seed=seed, progress=progress, parallel=True,
                          then=_worked_examples(tuple(derivations), tuple(examples)) if examples else None,
                          shown=_paper_maths(paper))
    finally:
        if progress is not None:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


def _paper_maths(paper) -> list:
    """The maths a paper's own prose prints (abstract, introduction, conclusion)."""
    if paper is None:
        return []
    texts = [paper.abstract, *paper.introduction, *paper.conclusion]
    return [m for text in texts if hasattr(text, "maths") for m in text.maths()]


def _worked_examples(derivations: tuple, examples: tuple):
    """What the report decides after the derivations: each worked example whose step was
    refuted, built from that step's counterexample and placed after the step's derivation."""
    def then(outcome_of):
        built_ids: set[str] = set()
        for ex in examples:
            host = next((d for d in derivations if any(s.id == ex.step for s in d.steps)), None)
            if host is None:
                raise UsageError(f"PAPER: worked example of step {ex.step!r}, which no derivation has")
            counterexample = outcome_of(ex.step).counterexample
            if counterexample is None:
                continue  # the step was not refuted: there is no instance to work through
            instance = dict(counterexample.instance)
            try:
                built = ex.build(instance)
            except Exception as exc:  # noqa: BLE001 - the module's own code failed: bad input, not ours
                raise UsageError(f"PAPER: the worked example of {ex.step!r} could not be built "
                                 f"({type(exc).__name__}: {exc})") from None
            if not isinstance(built, Derivation):
                raise UsageError(f"PAPER: the worked example of {ex.step!r} built a {type(built).__name__}, not a Derivation")
            built = replace(built, extras={**built.extras, "example_of": ex.step, "instance": instance, "figure": ex.figure})
            taken = {s.id for d in derivations for s in d.steps} | {d.id for d in derivations} | built_ids
            clash = sorted({s.id for s in built.steps} & taken) or ([built.id] if built.id in taken else [])
            if clash:
                raise UsageError(f"PAPER: the worked example of {ex.step!r} reuses ids {clash}")
            built_ids |= {built.id} | {s.id for s in built.steps}
            yield host.id, built

    return then
