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

from ..model import SupportMax, SupportMin
from ..notation import M_A, M_U, Z, alpha, beta, n as _n, p_A, p_ref, p_U, r, support_sum, y as _y
from ..proof import (
    Definition, Differentiate, Identity, Implication, Lemmas, LimitOf, Monotone, NormalForm, Problem, Step, Strategy,
    Verdict, decide, search, unfold,
)
from ..proof.certificate import ProofCertificate
from ..proof.theory import key_of
from ..proof.deadline import DEFAULT_SECONDS, TimeLimit, time_limit
from ..proof.evaluate import evaluate
from ..proof.strategies import Context
from .parser import parse_with_conditions
from .vocabulary import FACTS, SUPPORT, vocabulary

__all__ = ["ClaimVerdict", "check_claim", "DEFAULT_SAMPLES", "QUICK_SAMPLES"]

#: Instances the counterexample search tries by default.
DEFAULT_SAMPLES = 400
#: Instances searched before any proof attempt, so that false claims are refuted at once
#: (the screening is compiled and batched: the whole default search costs about a tenth of a
#: second, less than one rejected proof attempt).
QUICK_SAMPLES = DEFAULT_SAMPLES


def _without_z(facts: tuple) -> tuple:
    """The facts with ``Z``, ``M_A``, ``M_U`` left opaque (positive numbers)."""
    return tuple(f for f in facts if not (isinstance(f, Definition) and f.target in (Z, M_A, M_U)))


#: ``p_ref`` a distribution of its own (not unfolded into the mixture) and its tilted sum folded
#: into ``Z``: what a claim about ``p_theta`` and ``p_ref`` alone needs, in expressions a
#: fraction of the size of the split ones.  Both identities follow from the model, so they cost
#: no trust.
_WHOLE = (
    *(f for f in _without_z(FACTS) if not (isinstance(f, Definition) and key_of(f.target) == p_ref)),
    Identity("Z = E_{p_ref}[exp(r/beta)]", support_sum(p_ref[_y] * sp.exp(r[_y] / beta)), Z),
    Identity("p_ref sums to one", support_sum(p_ref[_y]), 1),
)


#: Z split over the components, and the moments folded back into their names: facts the kernel
#: proves from the model's definitions, so they cost no trust.
_SPLIT = (
    *_without_z(FACTS),
    Definition("Z = alpha M_A + (1 - alpha) M_U (Lemma 1)", Z, alpha * M_A + (1 - alpha) * M_U),
    Identity("M_A = E_{p_A}[exp(r/beta)] > 0", support_sum(p_A[_y] * sp.exp(r[_y] / beta)), M_A),
    Identity("M_U = E_{p_U}[exp(r/beta)] > 0", support_sum(p_U[_y] * sp.exp(r[_y] / beta)), M_U),
)


def _conjuncts(rel: sp.Basic) -> list:
    return [p for a in rel.args for p in _conjuncts(a)] if isinstance(rel, sp.And) else [rel]


@dataclass(frozen=True, repr=False)
class _Attempts(Strategy):
    """Several sound proof attempts, proposed in turn; the kernel accepts or rejects each."""

    name = "normal form and implication"

    def propose(self, step: Step, context: Context):
        # smallest expressions first: a normal form with Z opaque is cheap to check, and where it
        # fails the kernel says so quickly; Z unfolded into its sum comes last
        plans: list[tuple[Strategy, tuple, str]] = [
            (NormalForm(expand=False), _without_z(FACTS), "Z kept as a positive number"),
            (NormalForm(), _without_z(FACTS), "Z kept as a positive number"),
            (NormalForm(reparametrize=(alpha,)), _SPLIT, "alpha = u/(1+u); Z through M_A, M_U"),
            (NormalForm(), FACTS, ""),
        ]
        claim = context.goal.claim
        if claim.has(sp.Derivative):
            plans.insert(0, (Differentiate(), FACTS, ""))
        if claim.has(sp.Limit):
            plans.insert(0, (LimitOf(), FACTS, ""))
        if context.goal.hypotheses:
            plans += [
                (Implication(reparametrize=(alpha,)), _SPLIT, "alpha = u/(1+u); Z through M_A, M_U"),
                (Implication(), FACTS, ""),
            ]
        if claim.has(sp.log) or claim.has(sp.exp):
            plans.append((Monotone("exp"), FACTS, "both sides exponentiated"))
        # the lemmas with Z kept whole first: its expressions are a fraction of the size of the
        # split ones, so a certificate found there is checked several times faster
        lemmas = [(Lemmas(), _WHOLE, "p_ref and Z kept whole"),
                  (Lemmas(reparametrize=(alpha,)), _SPLIT, "alpha = u/(1+u); Z through M_A, M_U")]
        if any(not isinstance(part, sp.Eq) for part in _conjuncts(claim)):
            # an inequality usually needs a lemma; one about a logarithm or a support-wide
            # extremum nearly always does, so the lemmas go first there, else after one cheap
            # attempt (the order only decides which proof is found first, never whether one is)
            first = claim.has(sp.log, SupportMax, SupportMin)
            at = 0 if first else 1
            plans[at:at] = lemmas
        else:
            plans += lemmas
        return self._one_by_one(plans, step, context)

    @staticmethod
    def _one_by_one(plans, step: Step, context: Context):
        """Each plan's certificates, made only when the kernel has rejected the earlier ones."""
        for strategy, facts, note in plans:
            try:
                cert = strategy.propose(Step(step.id, step.title, step.claim, "", facts=facts,
                                             hypotheses=step.hypotheses, conditions=step.conditions), context)
                # a lazy plan stays lazy: its next certificate is made only if the kernel
                # rejected the one before
                certs = iter(cert) if isinstance(cert, (tuple, list)) or hasattr(cert, "__next__") else iter((cert,) if cert is not None else ())
            except TimeLimit:
                raise
            except Exception:  # a proposal that fails is simply not made
                continue
            while True:
                try:
                    c = next(certs)
                except StopIteration:
                    break
                except TimeLimit:
                    raise
                except Exception:  # the plan failed part way: its later proposals are not made
                    break
                yield ProofCertificate(c.rule, c.facts, c.instances, c.data, c.conclusion,
                                       c.hypotheses, proposer=f"{c.proposer or strategy.name}" + (f" ({note})" if note else ""))


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


def _open(conditions) -> list:
    """The conditions that the sign rules do not already show (``beta != 0`` adds nothing), as
    the kernel's definedness rule would discharge them."""
    from ..proof.definedness import Condition
    from ..proof.kernel import _signs_discharge
    from ..proof.sign import sign_context
    from ..proof.theory import Theory

    theory = Theory.of(FACTS)
    out = []
    with sign_context(theory.sign_context()):
        for c in conditions:
            op = {sp.Ne: "!=", sp.StrictGreaterThan: ">", sp.GreaterThan: ">="}.get(type(c))
            if op is None or c.rhs != 0 or not _signs_discharge(theory, Condition(c.lhs, op)):
                out.append(c)
    return out


def _for_every(rel: sp.Basic) -> sp.Basic:
    """A hypothesis between vectors means "at every output": written with the support-wide
    extremum of the difference, so that it is not read at one output only.

    >>> from dpo_mixture.notation import r
    >>> _for_every(sp.Gt(r[_y], 0))
    SupportMin(r[k], k) > 0
    """
    from ..model import SupportMax, SupportMin
    from ..notation import k

    if isinstance(rel, sp.And):
        return sp.And(*(_for_every(a) for a in rel.args), evaluate=False)
    d = rel.lhs - rel.rhs
    if _y not in d.free_symbols:
        return rel
    d = d.xreplace({_y: k})
    low, high = SupportMin(d, k), SupportMax(d, k)
    if isinstance(rel, sp.Eq):
        return sp.And(sp.Le(high, 0, evaluate=False), sp.Ge(low, 0, evaluate=False), evaluate=False)
    if isinstance(rel, sp.Ne):  # nonzero at every output
        return sp.Gt(SupportMin(d**2, k), 0, evaluate=False)
    if isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan)):
        return rel.func(low, 0, evaluate=False)
    return rel.func(high, 0, evaluate=False)


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


def _texts(assume) -> list:
    if isinstance(assume, (str, sp.Basic)):
        return [assume]
    texts = list(assume)
    for t in texts:
        if not isinstance(t, (str, sp.Basic)):
            raise TypeError(f"each hypothesis is text or a SymPy relation, not {type(t).__name__}")
    return texts


_RELATION_TYPES = (sp.Eq, sp.Le, sp.Lt, sp.Ge, sp.Gt, sp.And)


def _pieces(item, vocab) -> tuple[list[tuple[str, sp.Basic]], tuple]:
    """Parse text (recording where it is defined), or take a SymPy relation as it is."""
    if isinstance(item, str):
        pieces, conditions = parse_with_conditions(item, vocab)
        return list(pieces), conditions
    if item in (sp.true, sp.false):
        raise ValueError(f"the relation evaluated to {item} when it was built; build it with evaluate=False")
    if not isinstance(item, _RELATION_TYPES):
        raise ValueError(f"a claim is a relation (Eq, Le, Lt, Ge, Gt, And), not {type(item).__name__}")
    parts = list(item.args) if isinstance(item, sp.And) else [item]
    return [(sp.sstr(p), p) for p in parts], ()


def check_claim(
    conclusion,
    assume=(),
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    seconds: float = DEFAULT_SECONDS,
    let: dict[str, str] | None = None,
) -> ClaimVerdict:
    """Prove ``conclusion`` from ``assume``, refute it with a certified counterexample, or say
    undecided after ``samples`` instances of the search (seeded by ``seed``), all within
    ``seconds``.

    ``conclusion`` and each hypothesis are text in the claim language, or SymPy relations built
    from :mod:`dpo_mixture.notation` and :mod:`dpo_mixture.declare`.  ``let`` declares names of
    your own for the text, ``{"pi": "distribution", "b": "temperature"}`` (kinds as in
    :data:`~dpo_mixture.claims.vocabulary.KINDS`).

    Raises :class:`~dpo_mixture.claims.ClaimSyntaxError` (a ``ValueError``) for text outside
    the claim language, naming the token and its column.

    >>> check_claim("TPM_A <= alpha", samples=200).verdict
    <Verdict.REFUTED: 'refuted'>
    >>> check_claim("KL(pi, p_ref) >= 0", let={"pi": "distribution"}).verdict
    <Verdict.PROVED: 'proved'>
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 0:
        raise ValueError(f"samples must be a nonnegative integer, not {samples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an integer, not {seed!r}")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 < seconds < float("inf"):
        raise ValueError(f"seconds must be a positive, finite number, not {seconds!r}")
    vocab = vocabulary(let)
    pieces, conditions = _pieces(conclusion, vocab)
    claim = pieces[0][1] if len(pieces) == 1 else sp.And(*(rel for _, rel in pieces), evaluate=False)
    hyp_texts = _texts(assume)
    hyp_pieces: list[tuple[str, sp.Basic]] = []
    hyp_conditions: list[sp.Basic] = []
    for text in hyp_texts:
        found, where = _pieces(text, vocab)
        hyp_pieces += found
        hyp_conditions += where
    # a hypothesis holds only where it is defined (p_A/p_A == 1 says p_A != 0): what its
    # definedness needs is a hypothesis too, so that no search instance breaks it
    hyps = tuple(dict.fromkeys([*(_for_every(rel) for _, rel in hyp_pieces),
                                *(_for_every(c) for c in _open(hyp_conditions))]))
    from ..proof.facts import Definition
    from ..proof.verify import name_clash

    clash = name_clash([claim, *hyps, *conditions, *(f.relation for f in FACTS)],
                       [f for f in FACTS if isinstance(f, Definition)])
    if clash:  # the claim would read as another one
        raise ValueError(f"the claim cannot be shown unambiguously: {clash}")
    try:
        step = Step("claim", str(conclusion), claim, "checked on request", strategy=_Attempts(), hypotheses=hyps,
                    facts=FACTS, support=SUPPORT, conditions=conditions, search_samples=samples)
    except ValueError as exc:
        why = str(exc).replace("step 'claim': ", "")
        if "are identical" in why:  # a module's advice (evaluate=False) does not apply to a claim
            why = (f"both sides of {sp.sstr(claim)} are the same expression once SymPy has written them out, "
                   "so the claim says nothing to decide")
        raise ValueError(why) from None
    quick = min(samples, QUICK_SAMPLES)
    verdict, ce, tried = Verdict.UNDECIDED, None, 0
    try:
        with time_limit(seconds):
            # a short search first: a false claim is refuted before any proof is paid for
            first = None if progress is None else (lambda i, _total: progress(i, samples))
            # an instance where the claim is undefined is no counterexample: its conditions filter
            found = search(Problem(claim, hyps + tuple(conditions), FACTS, SUPPORT), samples=quick, seed=seed,
                           progress=first)
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
                    none = "could evaluate none" in outcome.method or (samples == quick and "could evaluate none" in found.note)
                    if none and found.evaluated == 0:
                        cause = (outcome.method if "could evaluate none" in outcome.method else found.note).split("instances", 1)[-1].lstrip(": ")
                        method = f"undecided: {why}; the search could evaluate none of {tried} instances" + (f": {cause}" if cause else "")
                    else:
                        method = f"undecided: {why}; no counterexample among {tried} instances"
    except TimeLimit as exc:
        verdict, ce, method = Verdict.UNDECIDED, None, f"undecided: {exc}"
    except RecursionError:  # (sigmoid nested 90 deep unfolds past Python's recursion limit)
        raise ValueError("the claim is nested too deeply to decide") from None
    # vectors are shown at every output (the counterexample names the output where it fails)
    evidence = {} if ce is None else _evidence(pieces + hyp_pieces, {k: v for k, v in ce.instance.items() if k != _y})
    return ClaimVerdict(
        verdict=verdict,
        counterexample=None if ce is None else ce.to_json(),
        method=method,
        samples=tried,
        claim=str(conclusion),
        assumptions=tuple(str(h) for h in hyp_texts),
        evidence=evidence,
    )

