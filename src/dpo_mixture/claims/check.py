"""Decide a claim: a symbolic proof, an exact counterexample, or an honest "undecided".

:func:`check_claim` parses the claim and its hypotheses (:mod:`.parser`), runs a short
counterexample search (a false claim is refuted before any proof is attempted), then builds one
:class:`~dpo_mixture.proof.Step` in the model of :mod:`.vocabulary` and hands it to the
engine's :func:`~dpo_mixture.proof.decide` with the rest of the samples.  The proof attempts
are sound by construction:

* the sum normal form with every definition unfolded;
* the same with ``Z`` kept as an opaque positive number (a statement proved for *every*
  positive ``Z`` holds for the model's ``Z``), which lets logarithms of ``Z`` expand;
* with hypotheses, the engine's :class:`~dpo_mixture.proof.Implication`, both ways.

When none closes, the engine's structured counterexample search runs over instances of the
model (every definition unfolded, the support restricted to ``p_ref > 0``).  A violation counts
only when confirmed in exact rational arithmetic, or at 60 digits with a margin *and* then
certified by outward-rounded interval arithmetic (:mod:`.certify`), so rounding never refutes a
true statement.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable

import mpmath
import numpy as np
import sympy as sp

from ..model import SupportMax, SupportMin
from ..notation import M_A, M_U, Z, alpha, beta, k as _k, n as _n, p_A, p_U, r, support_sum, y as _y
from ..proof import Definition, Identity, Implication, NormalForm, Problem, Step, Strategy, Verdict, decide, search, unfold
from ..proof.sign import sign
from ..proof.strategies import relation_parts
from ..proof.evaluate import evaluate, register
from ..proof.verdict import Outcome
from .certify import certify
from .parser import parse_labelled
from .vocabulary import FACTS, SCALARS, SUPPORT, VECTORS

__all__ = ["ClaimVerdict", "check_claim", "DEFAULT_SAMPLES", "PROOF_SECONDS"]

#: Instances the counterexample search tries by default.
DEFAULT_SAMPLES = 400
#: Instances searched before any proof attempt, so that false claims are refuted at once.
QUICK_SAMPLES = 60
#: Wall-clock limit of each symbolic proof attempt (where the platform allows one).
PROOF_SECONDS = 4.0


# --- evaluation of support-wide extrema ------------------------------------------------------
def _extremum_rule(node: sp.Basic, walk: Callable, numbers: Any, env: dict) -> Any:
    """``max``/``min`` over the support: bind the index to every output, then reduce."""
    body, index = node.args
    missing = object()
    saved = env.get(index, missing)
    env[index] = np.arange(1, int(env[_n]) + 1)
    try:
        values = walk(body)
    finally:
        if saved is missing:
            del env[index]
        else:
            env[index] = saved
    if not isinstance(values, np.ndarray):
        return values
    if numbers.kind == "float":
        return float(np.max(values) if isinstance(node, SupportMax) else np.min(values))
    pick = max if isinstance(node, SupportMax) else min
    return pick(values)


register(SupportMax, _extremum_rule)
register(SupportMin, _extremum_rule)


# --- proof attempts --------------------------------------------------------------------------
class _Timeout(Exception):
    pass


@contextmanager
def _time_limit(seconds: float):
    """Interrupt the block after ``seconds`` (main thread on POSIX only; elsewhere no limit)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or seconds <= 0:
        yield
        return

    def on_alarm(signum, frame):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _without_z(facts: tuple) -> tuple:
    return tuple(f for f in facts if not (isinstance(f, Definition) and f.target == Z))


#: ``alpha = a / (1 + a)`` with ``a > 0`` runs over exactly ``(0, 1)``: a statement proved for
#: every ``a > 0`` holds for every ``alpha``, and the sign analysis sees ``1 - alpha > 0``
#: through positive coefficients instead of a cancellation.
_A = sp.Symbol("a_alpha", positive=True)
_REPARAMETRIZED = (
    *_without_z(FACTS),
    Definition("alpha = a/(1 + a), a > 0", alpha, _A / (1 + _A)),
    Definition("Z = alpha M_A + (1 - alpha) M_U (Lemma 1)", Z, alpha * M_A + (1 - alpha) * M_U),
    Identity("M_A = E_{p_A}[exp(r/beta)] > 0", support_sum(p_A[_y] * sp.exp(r[_y] / beta)), M_A),
    Identity("M_U = E_{p_U}[exp(r/beta)] > 0", support_sum(p_U[_y] * sp.exp(r[_y] / beta)), M_U),
)


@dataclass(frozen=True, repr=False)
class _DirectSign(Strategy):
    """Unfold the definitions without expanding and read the sign of the difference directly:
    expansion would turn ``(1 - alpha) p_U`` into a difference of nonnegative terms."""

    name = "sign analysis"

    def attempt(self, step: Step) -> Outcome | None:
        parts = [relation_parts(r) for r in (step.claim.args if isinstance(step.claim, sp.And) else (step.claim,))]
        for d, op in parts:
            if op == "==":
                return None
            e = unfold(d, step.facts)
            if not any(_meets(sign(form), op) for form in (e, sp.factor_terms(e))):
                return None
        return Outcome(Verdict.PROVED, "the sign of the difference follows from the declared signs")


def _meets(s: str | None, op: str) -> bool:
    return s == "pos" if op == ">" else s in ("pos", "nonneg", "zero")


#: Proof attempts in order: (strategy, facts, what the facts assume beyond the definitions).
#: Keeping ``Z`` opaque is sound: a statement proved for every positive ``Z`` holds for ``Z``.
_PLANS: tuple[tuple[Strategy, tuple, str], ...] = (
    (NormalForm(), FACTS, ""),
    (_DirectSign(), _without_z(FACTS), " (Z kept as a positive number)"),
    (NormalForm(), _REPARAMETRIZED, " (alpha = a/(1+a); Z through M_A, M_U)"),
    (NormalForm(), _without_z(FACTS), " (Z kept as a positive number)"),
)
_IMPLICATIONS: tuple[tuple[Strategy, tuple, str], ...] = (
    (Implication(), _REPARAMETRIZED, " (alpha = a/(1+a); Z through M_A, M_U)"),
    (Implication(), FACTS, ""),
)


@dataclass(frozen=True, repr=False)
class _Attempts(Strategy):
    """Try several sound proof attempts in turn; the first that closes wins."""

    claim: sp.Basic | None = None
    hypotheses: tuple = ()
    seconds: float = PROOF_SECONDS
    name = "normal form and implication"

    def attempt(self, step: Step) -> Outcome | None:
        if self.claim is not None:  # the step carries the search's form; prove the original
            step = replace(step, claim=self.claim, hypotheses=self.hypotheses)
        plans = _PLANS + (_IMPLICATIONS if step.hypotheses else ())
        for strategy, facts, note in plans:
            try:
                with _time_limit(self.seconds):
                    outcome = strategy.attempt(replace(step, facts=facts, strategy=strategy))
            except (_Timeout, NotImplementedError, ValueError, TypeError, AttributeError,
                    ZeroDivisionError, RecursionError, sp.PolynomialError, sp.GeneratorsNeeded):
                continue
            if outcome is not None and outcome.verdict is Verdict.PROVED:
                what = outcome.method.split(" using ")[0]  # the engine lists every fact offered
                return replace(outcome, method=f"{strategy.name}: {what}, using the model's definitions{note}")
        return None


def _for_search(rel: sp.Basic) -> sp.Basic:
    """A relation between vectors ("for every y") as one scalar relation on its extreme output.

    ``f(y) <= g(y)`` for every ``y`` iff ``max_y d(y) <= 0`` with
    ``d = (f - g) / (1 + |f| + |g|)``: the scaling keeps the sign and lets the search's margin
    stay relative to the size of the two sides, and one array evaluation replaces a loop over
    the outputs.  Only the search reads this form: proofs and certificates use the original.
    """
    if isinstance(rel, sp.And):
        return sp.And(*(_for_search(a) for a in rel.args), evaluate=False)
    f, g = rel.lhs, rel.rhs
    if _y not in (f - g).free_symbols:
        return rel
    size = 1 + sp.Max(f, -f, evaluate=False) + sp.Max(g, -g, evaluate=False)  # Abs(exp(x)) makes re(x)
    d = ((f - g) / size).xreplace({_y: _k})
    high, low = SupportMax(d, _k), SupportMin(d, _k)
    if isinstance(rel, sp.Eq):
        return sp.And(sp.Le(high, 0, evaluate=False), sp.Ge(low, 0, evaluate=False), evaluate=False)
    if isinstance(rel, (sp.StrictLessThan, sp.LessThan)):
        return rel.func(high, 0, evaluate=False)
    return rel.func(low, 0, evaluate=False)


# --- the verdict -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ClaimVerdict:
    """The answer to one claim.

    ``verdict`` is ``Verdict.PROVED``, ``REFUTED`` or ``UNDECIDED``; ``counterexample`` is the
    instance in the report's schema (name -> exact value as a string, vectors as lists), or
    ``None``; ``method`` says what decided it; ``samples`` how many instances the search tried
    (the short search that precedes the proof attempts counts too).  ``evidence`` holds, for a counterexample, the values of the
    sides of the conclusion and of the hypotheses there (as short decimal strings).
    """

    verdict: Verdict
    counterexample: dict[str, Any] | None
    method: str
    samples: int
    claim: str = ""
    assumptions: tuple[str, ...] = ()
    evidence: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """``{"verdict", "method", "samples", "counterexample"}``, as ``--json`` prints it."""
        return {
            "verdict": self.verdict.value,
            "method": self.method,
            "samples": self.samples,
            "counterexample": self.counterexample,
        }

    @property
    def exit_code(self) -> int:
        """0 proved, 1 refuted, 3 undecided."""
        return {Verdict.PROVED: 0, Verdict.REFUTED: 1}.get(self.verdict, 3)


def _instance(values: dict[str, Any]) -> dict:
    """The search's named values back as the evaluator's symbol -> value mapping."""
    out: dict = {}
    for name, value in values.items():
        if name in VECTORS:
            out[VECTORS[name]] = list(value)
            out[_n] = len(value)
        elif name in SCALARS:
            out[SCALARS[name]] = value
    return out


def _show(value: Any) -> str:
    if isinstance(value, sp.Rational) or isinstance(value, int):
        return str(value)
    return mpmath.nstr(mpmath.mpf(value), 12)


def _side_values(rel: sp.Basic, values: dict) -> str:
    """``lhs = ..., rhs = ...`` of a relation at an instance (for vectors: at each output)."""
    parts = []
    for label, side in (("lhs", rel.lhs), ("rhs", rel.rhs)):
        side = unfold(side, FACTS)
        if _y in side.free_symbols:
            vals = [evaluate(side.xreplace({_y: i}), values, "mp") for i in range(1, values[_n] + 1)]
            parts.append(f"{label} = [" + ", ".join(_show(v) for v in vals) + "]")
        else:
            parts.append(f"{label} = {_show(evaluate(side, values, 'mp'))}")
    return ", ".join(parts)


def _evidence(pieces: list[tuple[str, sp.Basic]], values: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    for text, rel in pieces:
        try:
            out[text] = _side_values(rel, values)
        except (ValueError, TypeError, ZeroDivisionError, OverflowError, KeyError):
            continue
    return out


def _texts(assume: str | Iterable[str]) -> list[str]:
    if isinstance(assume, str):
        return [assume]
    texts = list(assume)
    for t in texts:
        if not isinstance(t, str):
            raise TypeError(f"each hypothesis is text, not {type(t).__name__}")
    return texts


def check_claim(
    conclusion: str,
    assume: str | Iterable[str] = (),
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> ClaimVerdict:
    """Prove ``conclusion`` from ``assume``, refute it with an exact counterexample, or say
    undecided after ``samples`` instances of the search (seeded by ``seed``).

    Raises :class:`~dpo_mixture.claims.ClaimSyntaxError` (a ``ValueError``) for text outside
    the claim language, naming the token and its column.

    >>> check_claim("TPM_A <= alpha", samples=200).verdict
    <Verdict.REFUTED: 'refuted'>
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 0:
        raise ValueError(f"samples must be a nonnegative integer, not {samples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an integer, not {seed!r}")
    pieces = list(parse_labelled(conclusion))
    claim = pieces[0][1] if len(pieces) == 1 else sp.And(*(rel for _, rel in pieces), evaluate=False)
    hyp_texts = _texts(assume)
    hyp_pieces: list[tuple[str, sp.Basic]] = []
    for text in hyp_texts:
        hyp_pieces += parse_labelled(text)
    hyps = tuple(rel for _, rel in hyp_pieces)
    search_claim, search_hyps = _for_search(claim), tuple(_for_search(h) for h in hyps)
    unfolded = (unfold(claim, FACTS), tuple(unfold(h, FACTS) for h in hyps))

    def certified(ce) -> str | None:
        """How the violation is confirmed, or None when rounding could have faked it."""
        if ce.confirmation == "exact":
            return "counterexample search, violation confirmed exactly (rational arithmetic)"
        if certify(*unfolded, _instance(ce.values)):
            return f"counterexample search, violation confirmed at {ce.confirmation} and certified by interval arithmetic"
        return None

    # A short search first: a false claim is refuted before any proof attempt is paid for.
    quick = min(samples, QUICK_SAMPLES)
    first = None if progress is None else (lambda i, _total: progress(i, samples))
    found = search(Problem(search_claim, search_hyps, FACTS, SUPPORT), samples=quick, seed=seed, progress=first)
    ce, tried = found.counterexample, found.samples
    method = certified(ce) if ce is not None else None
    if method is not None:
        verdict = Verdict.REFUTED
    else:
        step = Step(
            "claim", conclusion, search_claim, "checked on request",
            strategy=_Attempts(claim, hyps), hypotheses=search_hyps, facts=FACTS, support=SUPPORT,
        )
        rest = samples - quick
        shifted = None if progress is None else (lambda i, total: progress(quick + i, quick + total))
        outcome = decide(step, seed=seed + 1, samples=rest, progress=shifted)
        verdict, ce, tried = outcome.verdict, outcome.counterexample, quick + outcome.samples
        method = outcome.method
        if ce is not None:
            method = certified(ce)
            if method is None:
                verdict, ce = Verdict.UNDECIDED, None
                method = (
                    f"undecided: no proof closed; a candidate counterexample after {tried} instances "
                    "could not be certified by interval arithmetic"
                )
        elif verdict is Verdict.UNDECIDED:
            method = f"undecided: no proof closed and no counterexample among {tried} instances"
    evidence = {} if ce is None else _evidence(pieces + hyp_pieces, _instance(ce.values))
    return ClaimVerdict(
        verdict=verdict,
        counterexample=None if ce is None else ce.to_json(),
        method=method,
        samples=tried,
        claim=conclusion,
        assumptions=tuple(hyp_texts),
        evidence=evidence,
    )
