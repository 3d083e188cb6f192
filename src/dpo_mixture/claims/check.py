"""Decide a claim: a kernel-checked proof, a certified counterexample, or an honest "undecided".

:func:`check_claim` parses the claim and its hypotheses (:mod:`.parser`, which also records
where the claim is defined), runs a short counterexample search (a false claim is refuted
before any proof is attempted), then builds one :class:`~dpo_mixture.proof.Step` in the model
of :mod:`.vocabulary` and hands it to the engine's :func:`~dpo_mixture.proof.decide`.  The
proof attempts are proposals; the kernel checks each one:

* the sum normal form with every definition unfolded;
* the sign of the difference read directly, with ``Z`` kept as an opaque positive number (a
  statement proved for *every* positive ``Z`` holds for the model's ``Z``);
* the normal form with ``alpha = u/(1 + u)``, ``u > 0`` (a bijection onto ``(0, 1)``) and ``Z``
  split over the two components;
* with hypotheses, multipliers for them found by :class:`~dpo_mixture.proof.Implication`.

When none is accepted, the search looks for a counterexample over instances of the model
(every definition unfolded, the support restricted to ``p_ref > 0``).  A violation counts
only when confirmed in exact rational arithmetic, or at 60 digits and then certified by
outward-rounded interval arithmetic, so rounding never refutes a true statement.  The whole
claim runs under a time budget (``seconds``, default 30 s).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import mpmath
import sympy as sp

from ..notation import M_A, M_U, Z, alpha, beta, n as _n, p_A, p_U, r, support_sum, y as _y
from ..proof import Definition, Identity, Implication, NormalForm, Problem, Step, Strategy, Verdict, decide, search, unfold
from ..proof.certificate import ProofCertificate
from ..proof.deadline import DEFAULT_SECONDS, TimeLimit, time_limit
from ..proof.evaluate import evaluate
from ..proof.strategies import Context
from .parser import parse_with_conditions
from .vocabulary import FACTS, SUPPORT

__all__ = ["ClaimVerdict", "check_claim", "DEFAULT_SAMPLES", "QUICK_SAMPLES"]

#: Instances the counterexample search tries by default.
DEFAULT_SAMPLES = 400
#: Instances searched before any proof attempt, so that false claims are refuted at once.
QUICK_SAMPLES = 60


def _without_z(facts: tuple) -> tuple:
    """The facts with ``Z``, ``M_A``, ``M_U`` left opaque (positive numbers)."""
    return tuple(f for f in facts if not (isinstance(f, Definition) and f.target in (Z, M_A, M_U)))


#: Z split over the components, and the moments folded back into their names: facts the kernel
#: proves from the model's definitions, so they cost no trust.
_SPLIT = (
    *_without_z(FACTS),
    Definition("Z = alpha M_A + (1 - alpha) M_U (Lemma 1)", Z, alpha * M_A + (1 - alpha) * M_U),
    Identity("M_A = E_{p_A}[exp(r/beta)] > 0", support_sum(p_A[_y] * sp.exp(r[_y] / beta)), M_A),
    Identity("M_U = E_{p_U}[exp(r/beta)] > 0", support_sum(p_U[_y] * sp.exp(r[_y] / beta)), M_U),
)


@dataclass(frozen=True, repr=False)
class _Attempts(Strategy):
    """Several sound proof attempts, proposed in turn; the kernel accepts or rejects each."""

    name = "normal form and implication"

    def propose(self, step: Step, context: Context) -> tuple[ProofCertificate, ...]:
        plans: list[tuple[Strategy, tuple, str]] = [
            (NormalForm(), FACTS, ""),
            (NormalForm(expand=False), _without_z(FACTS), "Z kept as a positive number"),
            (NormalForm(reparametrize=(alpha,)), _SPLIT, "alpha = u/(1+u); Z through M_A, M_U"),
            (NormalForm(), _without_z(FACTS), "Z kept as a positive number"),
        ]
        if context.goal.hypotheses:
            plans += [
                (Implication(reparametrize=(alpha,)), _SPLIT, "alpha = u/(1+u); Z through M_A, M_U"),
                (Implication(), FACTS, ""),
            ]
        out = []
        for strategy, facts, note in plans:
            try:
                cert = strategy.propose(Step(step.id, step.title, step.claim, "", facts=facts,
                                             hypotheses=step.hypotheses, conditions=step.conditions), context)
            except Exception:  # a proposal that fails is simply not made
                continue
            if cert is not None:
                out.append(ProofCertificate(cert.rule, cert.facts, cert.instances, cert.data, cert.conclusion,
                                            cert.hypotheses, proposer=f"{strategy.name}" + (f" ({note})" if note else "")))
        return tuple(out)


# --- the verdict -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ClaimVerdict:
    """The answer to one claim.

    ``verdict`` is ``Verdict.PROVED``, ``REFUTED`` or ``UNDECIDED``; ``counterexample`` is the
    instance in the report's schema (name -> exact value as a string, vectors as lists), or
    ``None``; ``method`` says what decided it; ``samples`` how many instances the search tried
    (the short search that precedes the proof attempts counts too).  ``evidence`` holds, for a
    counterexample, the values of the sides of the conclusion and of the hypotheses there (as
    short decimal strings).
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


def _confirmed(ce) -> str:
    if ce.confirmation == "exact":
        return "counterexample search, violation confirmed exactly (rational arithmetic)"
    return f"counterexample search, violation confirmed at {ce.confirmation}"


def _show(value: Any) -> str:
    if isinstance(value, (sp.Rational, int)):
        return str(value)
    return mpmath.nstr(mpmath.mpf(value), 12)


def _side_values(rel: sp.Basic, values: dict) -> str:
    """``lhs = ..., rhs = ...`` of a relation at an instance (for vectors: at each output)."""
    parts = []
    for label, side in (("lhs", rel.lhs), ("rhs", rel.rhs)):
        side = unfold(side, FACTS)
        if _y in side.free_symbols and _y not in values:
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
    seconds: float = DEFAULT_SECONDS,
) -> ClaimVerdict:
    """Prove ``conclusion`` from ``assume``, refute it with a certified counterexample, or say
    undecided after ``samples`` instances of the search (seeded by ``seed``), all within
    ``seconds``.

    Raises :class:`~dpo_mixture.claims.ClaimSyntaxError` (a ``ValueError``) for text outside
    the claim language, naming the token and its column.

    >>> check_claim("TPM_A <= alpha", samples=200).verdict
    <Verdict.REFUTED: 'refuted'>
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 0:
        raise ValueError(f"samples must be a nonnegative integer, not {samples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an integer, not {seed!r}")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
        raise ValueError(f"seconds must be a positive number, not {seconds!r}")
    pieces, conditions = parse_with_conditions(conclusion)
    pieces = list(pieces)
    claim = pieces[0][1] if len(pieces) == 1 else sp.And(*(rel for _, rel in pieces), evaluate=False)
    hyp_texts = _texts(assume)
    hyp_pieces: list[tuple[str, sp.Basic]] = []
    for text in hyp_texts:
        hyp_pieces += parse_with_conditions(text)[0]
    hyps = tuple(rel for _, rel in hyp_pieces)
    try:
        step = Step("claim", conclusion, claim, "checked on request", strategy=_Attempts(), hypotheses=hyps,
                    facts=FACTS, support=SUPPORT, conditions=conditions, search_samples=samples)
    except ValueError as exc:
        raise ValueError(str(exc).replace("step 'claim': ", "")) from None
    quick = min(samples, QUICK_SAMPLES)
    verdict, ce, tried = Verdict.UNDECIDED, None, 0
    try:
        with time_limit(seconds):
            # a short search first: a false claim is refuted before any proof is paid for
            first = None if progress is None else (lambda i, _total: progress(i, samples))
            found = search(Problem(claim, hyps, FACTS, SUPPORT), samples=quick, seed=seed, progress=first)
            tried = found.samples
            if found.counterexample is not None:
                verdict, ce = Verdict.REFUTED, found.counterexample
                method = _confirmed(ce)
            else:
                shifted = None if progress is None else (lambda i, total: progress(quick + i, quick + total))
                outcome = decide(step, seed=seed + 1, samples=samples - quick, progress=shifted, context=FACTS,
                                 seconds=seconds, audit=0)
                verdict, ce, tried = outcome.verdict, outcome.counterexample, quick + outcome.samples
                method = outcome.method
                if verdict is Verdict.ASSUMED:  # a claim assumes only what it says it assumes
                    verdict, method = Verdict.UNDECIDED, f"no proof without trusting: {'; '.join(outcome.assumed)}"
                if ce is not None:
                    method = _confirmed(ce)
                elif verdict is Verdict.UNDECIDED:
                    why = outcome.detail or "no proof was accepted"
                    method = f"undecided: {why}; no counterexample among {tried} instances"
    except TimeLimit as exc:
        verdict, ce, method = Verdict.UNDECIDED, None, f"undecided: {exc}"
    # vectors are shown at every output (the counterexample names the output where it fails)
    evidence = {} if ce is None else _evidence(pieces + hyp_pieces, {k: v for k, v in ce.instance.items() if k != _y})
    return ClaimVerdict(
        verdict=verdict,
        counterexample=None if ce is None else ce.to_json(),
        method=method,
        samples=tried,
        claim=conclusion,
        assumptions=tuple(hyp_texts),
        evidence=evidence,
    )

