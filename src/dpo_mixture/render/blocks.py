"""The document as a list of neutral blocks, built from a :class:`~dpo_mixture.proof.Report`.

Both writers (:mod:`.latex_doc` and :mod:`.markdown_doc`) print the same blocks, so the paper
and the blog page cannot drift apart.  Every formula in a block is printed here from a SymPy
object by :func:`~dpo_mixture.render.printer.latex`; prose carries only inline ``$...$``
mentions of symbols.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from ..proof import Derivation, Report, StepResult, Verdict
from ..proof.evaluate import evaluate
from ..proof.facts import unfold
from ..proof.search import free_quantities
from .printer import latex

__all__ = ["Heading", "Para", "Display", "Env", "Table", "Figure", "document_blocks", "relation_lines"]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str  # prose with inline $...$ maths


@dataclass(frozen=True)
class Display:
    """Aligned lines ``lhs & rel rhs`` (already LaTeX), with an optional tag beside them."""

    lines: tuple[str, ...]
    tag: str = ""


@dataclass(frozen=True)
class Env:
    """A theorem-like or proof environment holding further blocks."""

    kind: str  # lemma, theorem, proposition, proof
    title: str
    blocks: tuple[Any, ...]
    number: str = ""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""


@dataclass(frozen=True)
class Figure:
    path: str
    caption: str


_REL = {"==": "=", "<": "<", "<=": r"\leq", ">": ">", ">=": r"\geq", "!=": r"\neq"}
_VERDICT_LABEL = {
    Verdict.PROVED: "proved",
    Verdict.REFUTED: "refuted",
    Verdict.UNDECIDED: "undecided",
    Verdict.ASSUMED: "assumed",
}


def _rel_symbol(rel: sp.Basic) -> str:
    return _REL[rel.rel_op]


def relation_lines(rel: sp.Basic, chain: tuple[sp.Expr, ...] = ()) -> tuple[str, ...]:
    """Aligned display lines for ``rel`` (and its chain), one relation sign per line.

    >>> from dpo_mixture.notation import beta
    >>> relation_lines(sp.Le(beta, 2))
    ('\\\\beta &\\\\leq 2',)
    """
    if isinstance(rel, sp.And):
        return tuple(line for a in rel.args for line in relation_lines(a))
    # lhs = c1 = c2 ... (rel) rhs: every link an equality but the last
    points = [*chain, rel.rhs]
    signs = ["="] * len(chain) + [_rel_symbol(rel)]
    lines = [f"{latex(rel.lhs)} &{signs[0]} {latex(points[0])}"]
    for sign, point in zip(signs[1:], points[1:]):
        lines.append(f"&{sign} {latex(point)}")
    return tuple(lines)


def _number(value: Any) -> str:
    value = sp.sympify(value)
    if value.is_Float:
        return latex(sp.Float(value, 12))
    return latex(value)


def _counterexample_table(result: StepResult, context: tuple) -> Table:
    ce = result.outcome.counterexample
    assert ce is not None
    rows = []
    for name, value in ce.values.items():
        label = latex(sp.IndexedBase(name)) if isinstance(value, tuple) else latex(sp.Symbol(name))
        if isinstance(value, tuple):
            shown = ",\\ ".join(_number(v) for v in value)
            rows.append((f"${label}$", f"$({shown})$"))
        else:
            rows.append((f"${label}$", f"${_number(value)}$"))
    # expressions the step asks to show, evaluated exactly where possible
    values = ce.instance
    facts = tuple(context) + tuple(result.step.facts)
    for expr in result.step.show:
        value = sp.sympify(evaluate(unfold(expr, facts), values, "exact"))
        shown = latex(value) if value.is_Rational else r"\approx " + _number(sp.N(value, 12))
        rows.append((f"${latex(expr)}$", f"${shown}$"))
    return Table(("quantity", "value"), tuple(rows), caption=f"Counterexample to step {result.step.id} ({ce.confirmation}).")


def _step_blocks(result: StepResult, context: tuple) -> list:
    step, outcome = result.step, result.outcome
    verdict = _VERDICT_LABEL[outcome.verdict]
    expected = "" if result.ok else f" (expected {step.expected.value})"
    blocks: list = [
        Para(f"**{step.title}** [`{step.id}`]. {step.justification}"),
        Display(relation_lines(step.claim, step.chain), tag=f"{verdict}{expected}"),
    ]
    if result.assumptions:
        lines = tuple(line for h in result.assumptions for line in relation_lines(h))
        blocks[1:1] = [Para("Under the hypotheses"), Display(lines)]
    note = f"Verdict: *{verdict}*{expected}, by {outcome.method}."
    if outcome.verdict is Verdict.UNDECIDED and outcome.samples:
        note = f"Verdict: *{verdict}*{expected}; {outcome.method}."
    cited = [*step.given, *step.uses]
    if cited:
        note += " It cites " + ", ".join(f"`{ref}`" for ref in cited) + "."
    blocks.append(Para(note))
    if outcome.counterexample is not None:
        blocks.append(_counterexample_table(result, context))
    return blocks


def _derivation_blocks(d: Derivation, results: list[StepResult], number: int) -> list:
    blocks: list = [Heading(d.title, 1)]
    if d.intro:
        blocks.append(Para(d.intro))
    if d.kind in ("Lemma", "Theorem", "Proposition", "Corollary"):
        inner: list = []
        if d.statement_text:
            inner.append(Para(d.statement_text))
        for rel in d.statement:
            inner.append(Display(relation_lines(rel)))
        blocks.append(Env(d.kind.lower(), d.title, tuple(inner), number=str(number)))
        blocks.append(Env("proof", "", tuple(b for r in results for b in _step_blocks(r, d.context))))
    else:
        for rel in d.statement:
            blocks.append(Display(relation_lines(rel)))
        for r in results:
            blocks.extend(_step_blocks(r, d.context))
    if d.outro:
        blocks.append(Para(d.outro))
    return blocks


def _summary_table(report: Report) -> Table:
    counts: dict[str, int] = {}
    for r in report.all_results:
        counts[r.outcome.verdict.value] = counts.get(r.outcome.verdict.value, 0) + 1
    rows = tuple((v, str(counts.get(v, 0))) for v in ("proved", "refuted", "undecided", "assumed"))
    return Table(("verdict", "steps"), rows, caption="Machine verdicts over all steps.")


INTRODUCTION = (
    "This document is generated by dpo-mixture. It studies preference tuning with a "
    "KL penalty when the reference model is a mixture of an aligned component "
    "$p_{\\mathcal{A}}$ and an unaligned component $p_{\\mathcal{U}}$. Every displayed "
    "relation is printed from the SymPy expression that the engine checked, and every "
    "step carries the verdict the engine computed: *proved* when a symbolic strategy "
    "closed it, *refuted* when the engine's own search found an instance that breaks it "
    "(confirmed in exact or 60-digit arithmetic), *undecided* otherwise, and *assumed* "
    "for a cited outside fact."
)


def document_blocks(report: Report, figures: tuple[Figure, ...] = ()) -> list:
    """All blocks of the document, in reading order."""
    blocks: list = [Para(INTRODUCTION), _summary_table(report)]
    numbered = 0
    for d in report.derivations:
        if d.kind in ("Lemma", "Theorem", "Proposition", "Corollary"):
            numbered += 1
        blocks.extend(_derivation_blocks(d, report.results[d.id], numbered))
    for fig in figures:
        blocks.append(fig)
    return blocks
