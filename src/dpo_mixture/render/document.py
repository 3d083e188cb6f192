"""Assemble the document: the paper's frame around the checked derivations, then the machine log.

The body reads like mathematics: every derivation becomes a section, a theorem-like one states
its result in an environment and proves it step by step, each step a sentence (its
justification) and a display printed from the relation the engine decided, with the verdict as
a margin tag.  A step with hypotheses reads "Assume ... . Then".  A defined quantity is never
read as a free one: a definition that a statement or an accepted step speaks of is shown with
it ("Here W = ...") unless the document states it as that definition.  The appendix lists every
step's id, method and verdict in one table.

Numbers (sections, results, tables, figures, citations) are assigned here once, in reading
order, and both writers print them; the paper writer also emits ``\\label``/``\\ref`` so that
LaTeX numbers agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..notation import Domain, y
from ..proof import Derivation, Report, StepResult, Verdict
from ..proof.derivation import RESULT_KINDS, gives_a_name
from ..proof.evaluate import EvaluationError, evaluate
from ..proof.facts import unfold
from .blocks import (
    Appendix, Bibliography, CitationMark, Display, Env, Figure, Front, Heading, Link, Math, Para, Proof, Table, Text,
)
from .layout import relation_lines, width
from .paper import Paper
from .printer import latex


def _tex(expr: Any) -> str:
    """Maths inside a sentence or a table cell: fractions as a/b."""
    return latex(expr, inline=True)
from .prose import Citation, Prose, Ref, as_prose

__all__ = ["FigureFile", "document_blocks", "THEOREM_KINDS"]

#: Derivation kinds printed as numbered theorem-like environments (one shared counter).
THEOREM_KINDS = RESULT_KINDS  # the engine's results: a statement there must be proved
#: Kinds printed as an unnumbered environment, named by the derivation's ``extras["name"]``.
CLAIM_KINDS = ("Claim",)
#: Hypotheses are written inline when each is at most the first width (em) and all together at
#: most the second; otherwise they are displayed.  Inline maths cannot break inside a formula.
_INLINE_HYPOTHESIS_EM = 20.0
_INLINE_HYPOTHESES_EM = 30.0


def _opened(e: sp.Basic) -> sp.Basic:
    """``e`` with its named operators opened (what they stand for), or ``e`` where that fails."""
    from ..proof.kernel import open_operators

    try:
        return open_operators(e)
    except (ValueError, TypeError, AttributeError, RecursionError):
        return e


@dataclass(frozen=True)
class FigureFile:
    """A figure written beside the documents: its file name and caption, for one derivation."""

    derivation: str
    path: str
    caption: Prose


@dataclass
class _Target:
    word: str
    number: str
    label: str  # the label the paper writer puts on the target


class _Numbers:
    """Numbers of everything a reference can point at, assigned in reading order."""

    def __init__(self) -> None:
        self.targets: dict[str, _Target] = {}
        self.counts: dict[str, int] = {}

    def add(self, label: str, word: str, counter: str | None) -> str:
        number = ""
        if counter is not None:
            self.counts[counter] = self.counts.get(counter, 0) + 1
            number = str(self.counts[counter])
        if label in self.targets:
            raise ValueError(f"label {label!r} is used twice in the document")
        self.targets[label] = _Target(word, number, label)
        return number


class _Builder:
    def __init__(self, report: Report, paper: Paper, figures: tuple[FigureFile, ...]):
        self.report = report
        self.paper = paper
        self.figures = {f.derivation: f for f in figures}
        self.examples = {}  # derivation id of a worked example -> the step whose instance it uses
        self.example_of = {}  # step id -> derivation id of its worked example
        for ex in paper.examples:
            for d in report.derivations:
                if d.extras.get("example_of") == ex.step:
                    self.examples[d.id] = ex
                    self.example_of[ex.step] = d.id
        self.cite_numbers = {ref.key: i + 1 for i, ref in enumerate(paper.references)}
        self.cited: set[str] = set()
        self.numbers = _Numbers()
        self._number_everything()
        # the definitions each derivation states as such, each as the set of its two sides
        # (target, body), and those the "Here" lines have shown so far in reading order
        self._stated = self._stated_definitions()
        self._shown: set = set()

    # --- numbering ------------------------------------------------------------------------
    def _number_everything(self) -> None:
        n = self.numbers
        section = 0
        if self.paper.introduction:
            section += 1
            n.add("introduction", "Section", "section")
        for d in self.report.derivations:
            n.add(_section_label(d), "Section", "section")
            if d.kind not in THEOREM_KINDS and d.kind not in CLAIM_KINDS:
                n.targets[d.id] = n.targets[_section_label(d)]  # a plain section is cited by its id too
            if d.kind in THEOREM_KINDS:
                n.add(d.id, d.kind, "result")
            elif d.kind in CLAIM_KINDS:
                n.add(d.id, d.extras.get("name") or d.title, None)
            for r in self.report.results[d.id]:
                if self._has_table(r):
                    n.add(_table_label(r.step.id), "Table", "table")
            if d.id in self.examples:
                n.add(_table_label(d.id), "Table", "table")
                if d.extras.get("quantities"):
                    n.add(_table_label(f"{d.id}-values"), "Table", "table")
                if self.examples[d.id].figure:
                    n.add(_figure_label(d.id), "Figure", "figure")
        if self.paper.conclusion:
            n.add("conclusion", "Section", "section")
        n.add("appendix-log", "Appendix", "appendix")
        n.targets["appendix-log"].number = "A"
        n.add("table-log", "Table", "table")

    def _has_table(self, r: StepResult) -> bool:
        return r.outcome.counterexample is not None and r.step.id not in self.example_of

    # --- inline ---------------------------------------------------------------------------
    def inline(self, value: Any) -> tuple:
        """Tokens for prose, a plain string (checked as prose is: text that carries maths of its
        own, ``$u < 1$`` say, is refused, so no formula reaches the reader unchecked), or maths."""
        if isinstance(value, sp.Basic):
            return (Math(_tex(value)),)
        out = []
        for part in as_prose(value).parts:
            if isinstance(part, str):
                out.append(Text(part))
            elif isinstance(part, sp.Basic):
                out.append(Math(_tex(part)))
            elif isinstance(part, Ref):
                out.append(self.link(part))
            elif isinstance(part, Citation):
                out.append(self.citation(part))
        return tuple(out)

    def link(self, ref: Ref) -> Link:
        target = self.numbers.targets.get(ref.label)
        if target is None:
            raise ValueError(f"reference to {ref.label!r}, which is no result, section, table or figure of the document")
        word = target.word if ref.capital or not target.number else target.word.lower()
        return Link(target.label, word, target.number)

    def citation(self, cite: Citation) -> CitationMark:
        missing = [k for k in cite.keys if k not in self.cite_numbers]
        if missing:
            raise ValueError(f"citation of {missing}, which the paper's references do not list")
        self.cited.update(cite.keys)
        return CitationMark(cite.keys, tuple(self.cite_numbers[k] for k in cite.keys), cite.detail)

    # --- steps ----------------------------------------------------------------------------
    def step_blocks(self, r: StepResult, d: Derivation) -> list:
        step, outcome = r.step, r.outcome
        tag = outcome.verdict.value if r.ok else f"{outcome.verdict.value}, expected {step.expected.value}"
        blocks: list = []
        text = list(self.inline(step.justification))
        hyps = tuple(r.assumptions)
        # a step the engine accepted reads "Assume ... . Then"; any other "If ..., then", which asserts nothing
        accepted = outcome.verdict in (Verdict.PROVED, Verdict.ASSUMED)
        opening, closing = ("Assume ", ". Then") if accepted else ("If ", ", then")
        widths = [width(latex(h)) for h in hyps]
        if hyps and max(widths) <= _INLINE_HYPOTHESIS_EM and sum(widths) <= _INLINE_HYPOTHESES_EM:
            text += [Text(" " + opening)] if text else [Text(opening)]
            for i, h in enumerate(hyps):
                if i:
                    text.append(Text(" and " if i == len(hyps) - 1 else ", "))
                text.append(Math(_tex(h)))
            text.append(Text(closing))
            blocks.append(Para(tuple(text)))
        elif hyps:
            blocks.append(Para(tuple(text) + (Text((" " if text else "") + opening.strip()),)))
            blocks.append(Display(tuple(line for h in hyps for line in relation_lines(h))))
            blocks.append(Para((Text(closing.strip(". ,").capitalize() if accepted else "then"),)))
        elif text:
            blocks.append(Para(tuple(text)))
        blocks.append(Display(relation_lines(step.claim, step.chain), tag=tag))
        if outcome.verdict is Verdict.ASSUMED and outcome.assumed:
            blocks.append(Para(_assumed_tokens(r, d)))
        ce = outcome.counterexample
        if ce is not None and step.id in self.example_of:
            section = self.numbers.targets[_section_label_id(self.example_of[step.id])]
            blocks.append(Para((
                Text("The engine's search finds an instance that satisfies the hypotheses and violates the claim; "),
                Link(_section_label_id(self.example_of[step.id]), section.word, section.number),
                Text(" works through it."),
            )))
        elif ce is not None:
            blocks.extend(self.counterexample_blocks(r, d))
        return blocks

    def counterexample_blocks(self, r: StepResult, d: Derivation) -> list:
        ce = r.outcome.counterexample
        vectors = [(name, v) for name, v in ce.values.items() if isinstance(v, tuple)]
        scalars = [(name, v) for name, v in ce.values.items() if not isinstance(v, tuple)]
        index = y  # the notation's output index, the one the columns are written in
        label = _table_label(r.step.id)
        caption: list = [Text("A counterexample that the search found, ")]
        caption += _confirmation(ce.confirmation)
        if vectors or not scalars:
            header = ((Math("y"),),) + tuple((Math(_tex(sp.IndexedBase(name)[index])),) for name, _ in vectors)
            rows = tuple(
                ((Math(str(i + 1)),),) + tuple((Math(_number(v[i])),) for _, v in vectors)
                for i in range(ce.n)
            )
            caption.append(Text(": the instance" + ("" if scalars else " in the table")))
            for i, (name, v) in enumerate(scalars):
                caption += [Text(", " if i else " "), Math(f"{_tex(sp.Symbol(name))} = {_number(v)}")]
        else:  # numbers only: one row of them, no column of outputs
            header = tuple((Math(_tex(sp.Symbol(name))),) for name, _ in scalars)
            rows = (tuple((Math(_number(v)),) for _, v in scalars),)
            caption.append(Text(": the instance in the table"))
        shown = self.shown_values(r, d)
        if shown:
            caption.append(Text("; there "))
            for i, tex in enumerate(shown):
                caption += [Text(", " if i else ""), Math(tex)]
        caption.append(Text("."))
        number = self.numbers.targets[label].number
        return [Table(header, rows, tuple(caption), number=number, label=label, align="c" * len(header))]

    def shown_values(self, r: StepResult, d: Derivation) -> list[str]:
        ce = r.outcome.counterexample
        # the definitions the search read the step with (its model's, and its own of fresh
        # symbols): a fact it set aside (a definition of a declared quantity) gives no value here
        facts = tuple(r.theory.definitions)
        out = []
        listed = {str(name) for name in ce.values}  # the instance's own values are in the caption already
        for expr in r.step.show:
            if isinstance(expr, sp.Symbol) and expr.name in listed:
                continue
            opened = unfold(expr, facts)
            missing = _free_quantities(opened) - {_key(k) for k in ce.instance}
            if missing:
                raise ValueError(f"step {r.step.id!r}: show= entry {expr} speaks of {', '.join(sorted(map(str, missing)))}, "
                                 "which the step's counterexample does not fix (a quantity the step does not use, or "
                                 "an output: show a sum or a max over it); show quantities of the step")
            value = _real_value(opened, ce.instance)
            if value is None:
                # log 0, 1/0, the square root of a negative number, here or inside: no real value
                shown = r"\text{ is undefined}"
            else:
                shown = f"= {_tex(value)}" if value.is_Rational else r"\approx " + _number(sp.N(value, 12), digits=6)
            out.append(f"{_tex(expr)} {shown}")
        return out

    # --- derivations ----------------------------------------------------------------------
    def derivation_blocks(self, d: Derivation) -> list:
        results = self.report.results[d.id]
        label = _section_label(d)
        blocks: list = [Heading(self.inline(d.title), 1, self.numbers.targets[label].number, label)]
        if d.intro:
            blocks.append(Para(self.inline(d.intro)))
        steps = [b for r in results for b in self.step_blocks(r, d)]
        if d.kind in THEOREM_KINDS or d.kind in CLAIM_KINDS:
            inner: list = []
            if d.statement_text:
                inner.append(Para(self.inline(d.statement_text)))
            for rel in d.statement:
                inner.append(Display(relation_lines(rel, defines=gives_a_name(rel, d))))
            for r in (self.report.unestablished(d) if d.kind in THEOREM_KINDS else []):
                # a result whose statement the engine did not establish is never shown as one
                verdict = r.outcome.verdict
                why = (" is false: the refutation below gives an instance where it fails." if verdict is Verdict.REFUTED
                       else f" is {verdict.value}: the engine neither proved nor refuted it.")
                inner.append(Para((Text("Not established as stated: "), Math(_tex(r.step.claim)), Text(why))))
            # a defined quantity is never read as a free one: the definitions the statement
            # reaches are shown with it, those only the proof's accepted steps reach open the proof
            inner += _here(self.unshown_definitions(d))
            steps = _here(self.unshown_definitions(d, _accepted_displays(results))) + steps
            for r, hidden in (self.report.hidden_hypotheses(d) if d.kind in THEOREM_KINDS else []):
                # never shown as a result without the hypotheses it holds under
                said = [Text("Not established as stated: the proof below shows "), Math(_tex(r.step.claim)),
                        Text(" only under "), *_joined([[Math(_tex(h))] for h in hidden]),
                        Text(", which the statement does not show.")]
                inner.append(Para(tuple(said)))
            target = self.numbers.targets[d.id]
            name = d.extras.get("name", "")
            if d.kind in CLAIM_KINDS:
                blocks.append(Env("claim", d.kind, "", self.inline(name), d.id, tuple(inner)))
            else:
                blocks.append(Env(d.kind.lower(), d.kind, target.number, self.inline(name), d.id, tuple(inner)))
            # a refutation of the statement itself; a wrong step elsewhere in a proof is shown as such
            refuted = any(r.outcome.verdict is Verdict.REFUTED and r.step.claim in d.statement for r in results)
            blocks.append(Proof("Refutation" if refuted else "Proof", tuple(steps)))
        else:
            for rel in d.statement:
                blocks.append(Display(relation_lines(rel, defines=gives_a_name(rel, d))))
            # a section's displays and accepted steps, like a result's, never read a defined quantity as a free one
            blocks += _here(self.unshown_definitions(d, [*d.statement, *_accepted_displays(results)]))
            if d.id in self.examples:
                blocks.extend(self.example_tables(d))
            blocks.extend(steps)
        if d.id in self.examples:
            blocks.extend(self.example_figure(d))
        if d.outro:
            blocks.append(Para(self.inline(d.outro)))
        return blocks

    def example_tables(self, d: Derivation) -> list:
        """The instance of a worked example, output by output, and the quantities it asks for."""
        from ..notation import declared_domain, n as size

        instance = d.extras["instance"]
        vectors = [(k, v) for k, v in instance.items() if isinstance(k, sp.IndexedBase)]
        # every value the instance gives is shown: the support's size as the rows, the vectors as
        # columns, any other quantity (an integer scalar too) in the caption; an output has none
        scalars = [(k, v) for k, v in instance.items() if not isinstance(k, sp.IndexedBase)
                   and k != size and declared_domain(k) not in ("SIZE", "OUTPUT")]
        index = y  # the notation's output index, the one the columns are written in
        # (shown, expression in y, facts), evaluated per output in the derivation's own model:
        # the header must be the expression, or a quantity the model defines as it
        derived = tuple(d.extras.get("columns", ()))
        for shown, e, _ in derived:
            if not _same_in_model(shown, e, d.context):
                raise ValueError(f"derivation {d.id!r}: the column headed {sp.sstr(shown)} shows {sp.sstr(e)}, which "
                                 "its model does not define it to be")
        header = ((Math("y"),),) + tuple((Math(_tex(k[index])),) for k, _ in vectors) + tuple(
            (Math(_tex(shown)),) for shown, _, _ in derived
        )
        rows = []
        for i in range(_support_size(instance)):
            row = [(Math(str(i + 1)),)] + [(Math(_number(v[i])),) for _, v in vectors]
            for _, e, _facts in derived:
                value = evaluate(unfold(e.xreplace({index: sp.Integer(i + 1)}), d.context), instance, "exact")
                row.append((Math(_value(value)),))
            rows.append(tuple(row))
        caption: list = [Text("The instance")]
        for i, (k, v) in enumerate(scalars):
            caption += [Text(", " if i else " "), Math(f"{_tex(k)} = {_number(v)}")]
        caption.append(Text(", one row per output."))
        label = _table_label(d.id)
        blocks: list = [Table(header, tuple(rows), tuple(caption), self.numbers.targets[label].number, label,
                              align="c" * len(header))]
        quantities = d.extras.get("quantities", ())
        if quantities:
            label = _table_label(f"{d.id}-values")
            rows = []
            for expr, _facts in quantities:  # the model's definitions only: no fact the engine did not check
                try:
                    value = sp.sympify(evaluate(unfold(expr, d.context), instance, "exact"))
                except EvaluationError as exc:
                    raise ValueError(f"derivation {d.id!r}: the quantity {sp.sstr(expr)} has no value at the "
                                     f"instance in its model ({exc})") from None
                exact = value if value.is_Rational else sp.simplify(value)
                rows.append(((Math(_tex(expr)),), (Math(_tex(exact)),), (Math(_value(value)),)))
            header = ((Text("quantity"),), (Text("exact value"),), (Text("decimal"),))
            blocks.append(Table(header, tuple(rows), (Text("Moments and masses at the instance."),),
                                self.numbers.targets[label].number, label, align="lcr"))
        return blocks

    def example_figure(self, d: Derivation) -> list:
        if not self.examples[d.id].figure:
            return []
        label = _figure_label(d.id)
        number = self.numbers.targets[label].number
        fig = self.figures.get(d.id)
        if fig is not None:
            return [Figure(fig.path, self.inline(fig.caption), number, label)]
        # no file: the figure keeps its number and label, and says how to get it drawn
        return [Figure("", (Text("Not drawn: the figures need matplotlib (pip install 'dpo-mixture[plot]')."),),
                       number, label)]

    # --- frame ----------------------------------------------------------------------------
    def blocks(self) -> list:
        p = self.paper
        out: list = [Front(p.title, tuple(p.authors), self.inline(p.abstract))]
        if p.introduction:
            out.append(Heading((Text("Introduction"),), 1, self.numbers.targets["introduction"].number, "introduction"))
            out.extend(Para(self.inline(par)) for par in p.introduction)
        out.extend(self.conventions())
        for d in self.report.derivations:
            out.extend(self.derivation_blocks(d))
        if p.conclusion:
            out.append(Heading((Text("Conclusion"),), 1, self.numbers.targets["conclusion"].number, "conclusion"))
            out.extend(Para(self.inline(par)) for par in p.conclusion)
        appendix = [Appendix(), *self.machine_log()]
        if p.references:
            uncited = [r.key for r in p.references if r.key not in self.cited]
            if uncited:
                raise ValueError(f"the paper's references {uncited} are never cited in the text")
            out.append(Bibliography(tuple((r.key, self.cite_numbers[r.key], _reference_text(r)) for r in p.references)))
        return out + appendix

    def _stated_definitions(self) -> dict:
        """The definitions each derivation states as such, by derivation id, each as
        ``{target, body}``: an equation ``target = body`` of the statement of a derivation
        whose context holds that same definition (unless a step of it refuted it or left it
        open; it prints with ``:=``).  A step states nothing, for its own derivation or a later
        one: its claim ``W = body`` is proved by unfolding the definition and prints as a claim
        (and may come after a display that needs it), and so may its justification.  Prose
        states nothing either, its words may say anything of the equation ("not only for
        W = a - 1"); nor does an equation inside an ``And``.  A derivation's statements count
        for it and for those after it in reading order (:meth:`unshown_definitions`), never for
        one before it."""
        stated: dict = {}
        for d in self.report.derivations:
            stated[d.id] = set()
            held = {frozenset((df.target, df.expr)) for df in d.context if hasattr(df, "target")}
            if not held:
                continue
            results = self.report.results[d.id]
            open_claims = {r.step.claim for r in results if r.outcome.verdict not in _ACCEPTED}
            # a statement that holds under hypotheses (shown in its text or not) says what W is
            # only there: "if u = 0, then W = u^2 + 1"
            open_claims |= {r.step.claim for r in results if r.assumptions or r.step.hypotheses}
            # (prose states none: its words may say anything of the equation, "not only for W = ...")
            maths = [rel for rel in d.statement if rel not in open_claims]
            for m in maths:
                if isinstance(m, sp.Eq) and frozenset((m.lhs, m.rhs)) in held:
                    stated[d.id].add(frozenset((m.lhs, m.rhs)))
        return stated

    def _stated_by_now(self, d: Derivation) -> set:
        """The definitions stated as such by ``d`` and the derivations before it."""
        out: set = set()
        for e in self.report.derivations:
            out |= self._stated.get(e.id, set())
            if e.id == d.id:
                break
        return out

    def unshown_definitions(self, d: Derivation, displays: list | None = None) -> list:
        """The definitions of ``d``'s context that ``displays`` (by default its statement, the
        hypotheses in its text included) use, directly or through another one, and that the
        document does not state as that definition (see :meth:`_stated_definitions`; ``W = V``
        with V defined too shows nothing): read without them, ``W >= 1`` would be a claim
        about every ``W``."""
        # the context's definitions, and those a step's own facts add to its model (a fresh
        # name the step defines): the kernel, the search and verify read them all
        definitions: dict = {}
        for df in (*d.context, *(df for r in self.report.results[d.id] for df in r.theory.definitions)):
            if hasattr(df, "target") and df not in definitions.setdefault(_key(df.target), []):
                definitions[_key(df.target)].append(df)
        used: list = []
        # what the displays speak of
        todo = list(displays) if displays is not None else [*d.statement, *as_prose(d.statement_text).maths()]
        while todo:
            e = sp.sympify(todo.pop(0))
            # and what its named operators stand for (TPM(A; x) speaks of alpha)
            e = sp.Tuple(e, _opened(e))
            for q in [*e.free_symbols, *(x.base for x in e.atoms(sp.Indexed))]:
                for df in definitions.get(_key(q), ()):
                    if df not in used:
                        used.append(df)
                        todo.append(df.expr)
        stated = self._shown | self._stated_by_now(d)
        unshown = [df for df in used if frozenset((df.target, df.expr)) not in stated]
        self._shown |= {frozenset((df.target, df.expr)) for df in unshown}  # shown once: later results rely on it
        return unshown

    def conventions(self) -> list:
        """One sentence with the declared domain of every quantity the body states something
        about whose domain restricts it (``x < 0``, a distribution): a result shown without
        it could read as true for every real value."""
        from ..notation import declared_domain
        from ..proof.theory import domain_of

        found: dict = {}
        for d in self.report.derivations:
            # the bodies of the context's definitions too: a 'Here W = m - 1' line speaks of m
            bodies = [df.expr for df in d.context if hasattr(df, "target")]
            targets = [df.target for df in d.context if hasattr(df, "target")]
            defined = {*targets, *(t.base for t in targets if isinstance(t, sp.Indexed))}
            # everything the derivation displays: its statement and the maths of its texts, and
            # of each step its claim, display chain, hypotheses, justification and shown values
            shown = [*d.statement, *bodies]
            shown += [e for e, _ in d.extras.get("quantities", ())] if d.id in self.examples else []
            prose = [m for text in (d.intro, d.statement_text, d.outro) for m in as_prose(text).maths()]
            items = [(e, None, False) for e in shown] + [(e, None, True) for e in prose]
            for r in self.report.results[d.id]:
                step = r.step
                displayed = (step.claim, *step.chain, *r.assumptions, *step.show)
                items += [(e, r.theory, False) for e in displayed]
                items += [(e, r.theory, True) for e in as_prose(step.justification).maths()]
            # an output the prose names alone ("a chosen output y_w") is a position, as in a formula
            positions = {i for e, _, _ in items if isinstance(e, sp.Basic) for x in e.atoms(sp.Indexed) for i in x.indices}
            for e, theory, in_prose in items:
                if not isinstance(e, sp.Basic):
                    continue
                e = sp.Tuple(e, _opened(e))  # the quantities behind named operators too
                bases = {i.base for i in e.atoms(sp.Indexed)}
                for q in [*_stated_scalars(e), *bases]:
                    if in_prose and q in positions:
                        continue
                    dom = domain_of(q)
                    derived = declared_domain(q) == "DERIVED" or q in defined or (
                        theory is not None and theory.definition(q) is not None)
                    if isinstance(dom, Domain) and dom not in _UNRESTRICTED and not derived:
                        found[_tex(q)] = (q, dom)
        if not found:
            return []
        relations, worded = [], {}
        for key in sorted(found):
            q, dom = found[key]
            tokens = _domain_tokens(q, dom)
            if len(tokens) == 1:
                relations.append(tokens)
            else:
                worded.setdefault(dom, []).append(q)
        parts = [_joined(relations)] if relations else []
        for dom, qs in worded.items():
            names = _joined([[Math(_tex(q))] for q in qs])
            what = _DOMAIN_WORDS.get(dom, f" in the domain {dom.value}").strip()
            if len(qs) > 1:
                what = _PLURAL.get(what, what)
            parts.append(names + [Text((" are " if len(qs) > 1 else " is ") + what)])
        said: list = [Text("Throughout, ")]
        for i, part in enumerate(parts):
            said += ([Text("; ")] if i else []) + part
        return [Para(tuple(said + [Text(".")]))]

    def machine_log(self) -> list:
        results = self.report.all_results
        counts = {v: sum(r.outcome.verdict is v for r in results) for v in Verdict}
        mismatched = sum(not r.ok for r in results)
        summary = ", ".join(f"{counts[v]} {v.value}" for v in Verdict if counts[v])
        label = "table-log"
        intro = (
            Text(f"Every step of the body, in reading order, with the strategy that decided it and its verdict "
                 f"({len(results)} steps: {summary}; "
                 + ("every verdict is the one its step expects). " if not mismatched
                    else f"{mismatched} verdicts differ from what their steps expect). ")
                 + "A step is *proved* when a symbolic strategy closed it, *refuted* when the engine's search "
                   "found an instance that satisfies its hypotheses and violates it, *assumed* when it cites an "
                   "outside result or takes something on trust (named at the step), and *undecided* otherwise. Identifiers are those of the report, "),
            Text("`report.json`"),
            Text("."),
        )
        rows = []
        for d in self.report.derivations:
            target = self.numbers.targets[d.id]
            where = Link(target.label, target.word, target.number)
            for r in self.report.results[d.id]:
                verdict = r.outcome.verdict.value if r.ok else f"{r.outcome.verdict.value} (expected {r.step.expected.value})"
                rows.append(((where,), (Text(f"`{r.step.id}`"),), (Text(_method(r)),), (Text(verdict),)))
        number = self.numbers.targets[label].number
        return [
            Heading((Text("Machine log"),), 1, "A", "appendix-log"),
            Para(intro),
            Table(((Text("Where"),), (Text("Step"),), (Text("Method"),), (Text("Verdict"),)), tuple(rows),
                  (Text("The verdict of every step."),), number, label, align="llLl", long=True),
        ]


#: The verdicts of the steps a document shows as established.
_ACCEPTED = (Verdict.PROVED, Verdict.ASSUMED)


def _accepted_displays(results) -> list:
    """What the accepted steps among ``results`` display: claims, chains and hypotheses."""
    return [e for r in results if r.outcome.verdict in _ACCEPTED for e in (r.step.claim, *r.step.chain, *r.assumptions)]


def _here(definitions: list) -> list:
    """The paragraph "Here W = ... ." stating ``definitions``, or nothing."""
    if not definitions:
        return []
    return [Para((Text("Here "), *_joined([[Math(_tex(df.relation))] for df in definitions]), Text(".")))]


def _method(r: StepResult) -> str:
    """The strategy that decided the step, in words (the report has the engine's full text)."""
    verdict = r.outcome.verdict
    if verdict is Verdict.REFUTED:
        return "counterexample search"
    if verdict is Verdict.ASSUMED:
        return "cited" if all(a.startswith("cited: ") for a in r.outcome.assumed) else "taken on trust (see the step)"
    if verdict is Verdict.UNDECIDED:
        return "none closed it"
    strategy = r.step.strategy
    name = getattr(strategy, "name", None) if strategy is not None else "normal form"
    cited = [*r.step.given, *r.step.uses]
    return (name or type(strategy).__name__) + (f", citing {len(cited)} step" + ("s" if len(cited) > 1 else "") if cited else "")


#: A declared domain as what it says of a quantity ``q``: a relation, or words after ``q``.
_DOMAIN_WORDS = {
    Domain.REAL: " real", Domain.INTEGER: " an integer", Domain.POSITIVE_INTEGER: " a positive integer",
    Domain.REAL_VECTOR: " a real vector over the support", Domain.DISTRIBUTION: " a distribution, positive on the support",
    Domain.SPARSE_DISTRIBUTION: " a distribution that may vanish", Domain.POSITIVE_VECTOR: " positive on the support",
    Domain.NONNEGATIVE_VECTOR: " nonnegative on the support",
}


def _stated_scalars(e: sp.Basic) -> list:
    """The scalar quantities ``e`` states something about: not an output (a position of a
    function over the support, which the text names as such), and not the support's size where
    it only bounds a sum.  A declared integer counts (``w^2 >= w`` holds for integers only)."""
    from ..notation import declared_domain

    positions = {i for x in e.atoms(sp.Indexed) for i in x.indices}
    labels = {x.base.label for x in e.atoms(sp.Indexed)}
    # a sum's limits dropped: what is left of the support's size is stated about
    bodies = e.replace(lambda x: isinstance(x, sp.Sum), lambda x: x.function.xreplace({lim[0]: sp.Dummy() for lim in x.limits}))
    return [q for q in bodies.free_symbols if isinstance(q, sp.Symbol) and not isinstance(q, sp.Dummy)
            and q not in labels and q not in positions and declared_domain(q) != "OUTPUT"]


def _key(q) -> sp.Basic:
    """A quantity as its definition names it: an entry ``g(y)`` by its base ``g``."""
    return q.base if isinstance(q, sp.Indexed) else q


def _joined(items: list) -> list:
    """Token lists joined as ``a, b and c``."""
    out: list = []
    for i, item in enumerate(items):
        if i:
            out.append(Text(" and " if i == len(items) - 1 else ", "))
        out += item
    return out


#: The domain words of several quantities at once.
_PLURAL = {
    "a distribution, positive on the support": "distributions, positive on the support",
    "a distribution that may vanish": "distributions that may vanish",
    "an integer": "integers",
    "a positive integer": "positive integers",
}

#: Domains that say nothing beyond what a symbol is: not listed among the conventions.
_UNRESTRICTED = (Domain.REAL, Domain.REAL_VECTOR)


def _domain_tokens(q: sp.Basic, dom: Domain) -> list:
    relation = {
        Domain.POSITIVE: lambda: sp.Gt(q, 0, evaluate=False), Domain.NONNEGATIVE: lambda: sp.Ge(q, 0, evaluate=False),
        Domain.NEGATIVE: lambda: sp.Lt(q, 0, evaluate=False), Domain.NONPOSITIVE: lambda: sp.Le(q, 0, evaluate=False),
        Domain.UNIT_INTERVAL: lambda: sp.And(sp.Lt(0, q, evaluate=False), sp.Lt(q, 1, evaluate=False), evaluate=False),
    }.get(dom)
    if relation is not None:
        return [Math(_tex(relation()))]
    return [Math(_tex(q)), Text(_DOMAIN_WORDS.get(dom, f" in the domain {dom.value}"))]


def _declared_tokens(q: sp.Basic, dom: Domain) -> list:
    tokens = _domain_tokens(q, dom)
    return tokens if len(tokens) == 1 else [Text("it is" + tokens[1].text)]


def _assumed_tokens(r: StepResult, d: Derivation) -> tuple:
    """What an assumed step takes on trust, each item typeset: a domain override as the
    relation it imposes, an unverified identity or definition as its equation, a citation by
    its reference, an assumed lemma by its id; anything else in the engine's words."""
    from ..proof.theory import domain_of

    step = r.step
    facts = [*step.facts, *getattr(d, "context", ())]
    items: list[list] = []
    for why in dict.fromkeys(r.outcome.assumed):
        trusted = _trusted_facts(why, facts, r.theory)
        override = next((q for q, dom in step.domains.items()
                         if why.startswith(f"for this step {q} is taken in the domain '{dom.value}' (")), None)
        if trusted:
            items.append(_joined([[Text(f"{fact.name} "), Math(_tex(fact.relation))] for fact in trusted]))
        elif override is not None:
            declared = domain_of(override)
            items.append([*_domain_tokens(override, step.domains[override]), Text(" (for this step; ")]
                         + ([Text("its declaration says "), *_declared_tokens(override, declared), Text(")")]
                            if isinstance(declared, Domain) else [Text("nothing declares it)")]))
        elif why.startswith("cited: "):  # the justification states what is cited, with its maths typeset
            items.append([Text("the outside result it cites")])
        elif re.match(r"rests on \S+, which is assumed", why):
            items.append([Text(f"the assumed step `{why.split()[2].rstrip(',')}`, on which it rests")])
        else:
            items.append([Text(f"`{why}`")])
    out: list = [Text("This step is assumed, not proved; it takes on trust ")]
    for i, item in enumerate(items):
        if i:
            out.append(Text("; and " if i == len(items) - 1 else "; "))
        out.extend(item)
    out.append(Text("."))
    return tuple(out)


def _key(k) -> sp.Basic:
    return k.label if isinstance(k, sp.IndexedBase) else k


def _support_size(instance: dict) -> int:
    """The support's size of an instance: its value of ``n``, else the length of its vectors."""
    from ..notation import n as size

    if size in instance:
        return int(instance[size])
    return max((len(v) for k, v in instance.items() if isinstance(k, sp.IndexedBase)), default=0)


def _trusted_facts(why: str, facts: list, theory) -> list:
    """The facts the kernel's reason ``why`` names as taken on trust, found by the whole
    reason, never by a fact's name alone (names need not be unique, nor free of ": "): a
    model definition whose declaration could not be checked by the kernel's own record of
    it, any other fact by the full text of the relation the kernel judged ("name: lhs = rhs
    is taken on trust", its operators opened or not).  Each distinct relation that fits is
    listed; none fits where the reason is of another kind."""
    from ..proof.kernel import opened_fact

    found: list = []
    if theory is not None:
        found += [df for df, reason in theory.unverified() if reason == why]
    for f in [*facts, *(getattr(theory, "definitions", ()) if theory is not None else ())]:
        if not hasattr(f, "relation") or not hasattr(f, "name"):
            continue
        forms = [f]
        try:
            forms.append(opened_fact(f))
        except (ValueError, TypeError, AttributeError, RecursionError):
            pass
        for g in forms:
            lhs, rhs = (g.target, g.expr) if hasattr(g, "target") else (g.lhs, g.rhs)
            if why == f"{g.name}: {sp.sstr(lhs)} = {sp.sstr(rhs)} is taken on trust":
                found.append(f)
                break
    out: list = []
    for f in found:  # one entry per relation
        if all(f.relation != g.relation for g in out):
            out.append(f)
    return out


def _free_quantities(e: sp.Expr) -> set:
    """The scalars, vectors and free outputs ``e`` speaks of (bound indices aside)."""
    bases = {b.label for b in e.atoms(sp.IndexedBase)}
    return {s for s in e.free_symbols if isinstance(s, sp.Symbol)} | bases


def _exact_real(e: sp.Expr, instance: dict):
    """The exact value of ``e`` at ``instance`` if it is a finite real number, else ``None``."""
    try:
        v = sp.sympify(evaluate(e, instance, "exact"))
    except (EvaluationError, ZeroDivisionError, ValueError, TypeError, KeyError, IndexError):
        return None
    return None if v.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or v.is_extended_real is not True else v


def _real_value(e: sp.Expr, instance: dict):
    """The exact value of ``e`` at ``instance`` when every part of it (outside the sums'
    bodies, which the sums' own values cover) is real and finite; ``None`` otherwise: the
    principal branch's log(-1)^2 + 1 is a real number, but log(-1) has no real value."""
    from ..model import SupportMax, SupportMin
    from ..notation import n
    from ..proof.facts import _bound_indices

    bound = _bound_indices(e)
    parts = [node for node in sp.preorder_traversal(e)
             if isinstance(node, sp.Expr) and not node.is_Atom and not node.free_symbols & bound and node is not e]
    if any(_exact_real(node, instance) is None for node in parts):
        return None
    size = int(instance[n]) if n in instance else 0
    for node in sp.preorder_traversal(e):  # and every summand, at every output of the instance
        if isinstance(node, (sp.Sum, SupportMax, SupportMin)):
            body, index = (node.function, node.limits[0][0]) if isinstance(node, sp.Sum) else node.args
            if node.free_symbols & bound:
                continue  # inside another sum: checked with it, at each of its outputs
            if any(_real_value(body.xreplace({index: sp.Integer(i)}), instance) is None for i in range(1, size + 1)):
                return None
    return _exact_real(e, instance)


def _confirmation(text: str) -> list:
    """The search's confirmation note with its numbers typeset: ``1e-40`` as ``10^{-40}``."""
    out: list = [Text("confirmed (")]
    pos = 0
    for m in re.finditer(r"(\d+(?:\.\d+)?)e(-?\d+)", text):
        out.append(Text(text[pos:m.start()]))
        mantissa, power = m.groups()
        out.append(Math(("" if mantissa == "1" else mantissa + r" \cdot ") + f"10^{{{power}}}"))
        pos = m.end()
    out.append(Text(text[pos:] + ")"))
    return [t for t in out if not (isinstance(t, Text) and not t.text)]


def _value(value: Any) -> str:
    """An exact rational as it is, anything else as a decimal to six significant digits."""
    value = sp.sympify(value)
    if value.is_Rational:
        return _tex(value)
    return r"\approx " + _tex(sp.Float(sp.N(value, 30), 6))


def _number(value: Any, digits: int = 12) -> str:
    value = sp.sympify(value)
    if value.is_Float:
        return _tex(sp.Float(value, digits))
    return _tex(value)


def _reference_text(ref) -> tuple:
    # "Rafailov et al." ends its own sentence: no second full stop
    parts: list = [Text(ref.authors + ("" if ref.authors.endswith(".") else ".") + " "), Text(f"*{ref.title}*. ")]
    tail = ", ".join(x for x in (ref.venue, ref.year) if x)
    if tail:
        parts.append(Text(tail + "."))
    if ref.url:
        parts.append(Text(f" `{ref.url}`"))
    return tuple(parts)


def _section_label(d: Derivation) -> str:
    return _section_label_id(d.id)


def _section_label_id(derivation_id: str) -> str:
    return f"sec-{derivation_id}"


def _table_label(name: str) -> str:
    return f"tab-{name}"


def _figure_label(name: str) -> str:
    return f"fig-{name}"


def document_blocks(report: Report, paper: Paper, figures: tuple[FigureFile, ...] = ()) -> list:
    """All blocks of the document, in reading order.

    >>> from dpo_mixture.proof import Step
    >>> from dpo_mixture.notation import beta
    >>> d = Derivation("d", "A lemma", (Step("s", "t", sp.Gt(beta, 0, evaluate=False), "Declared."),), kind="Lemma")
    >>> blocks = document_blocks(Report.run([d]), Paper("A note"))
    >>> [type(b).__name__ for b in blocks][:5]  # the conventions' sentence says beta > 0
    ['Front', 'Para', 'Heading', 'Env', 'Proof']
    """
    return _Builder(report, paper, tuple(figures)).blocks()


def _same_in_model(shown: sp.Expr, expr: sp.Expr, context) -> bool:
    """Whether a table's header ``shown`` stands for ``expr``: the same expression once the
    model's definitions are unfolded (the normal form decides)."""
    from ..proof.normal_form import difference_is_zero

    if shown == expr:
        return True
    return difference_is_zero(unfold(shown, tuple(context)), unfold(expr, tuple(context)), tuple(context))[0]
