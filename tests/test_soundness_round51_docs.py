"""Review round 51d, the documents: what a document shows must be what the kernel checked.

Each test here failed on the code before its fix (a7a3da4): F5 (a refuted or nested equation
elsewhere counted as showing a definition), F6 (Sections and Claims never showed the
definitions their proved steps use), F3 (the "takes on trust" note found the fact by its
name), F7 (a worked example's table left out integer scalars)."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import Definition, Derivation, Identity, Paper, Report, Step, Verdict, declare, prose
from dpo_mixture.render import WorkedExample, render_documents

u = declare.scalar("u")
W = declare.scalar("W")
V = declare.scalar("V")
c = declare.scalar("c")

DEF_W = Definition("the lifted square", W, u**2 + 1)
DEF_V = Definition("the lifted square again", V, u**2 + 1)
HERE_W = r"Here $$W = u^{2} + 1$$."


def _md(*derivations, paper: Paper | None = None) -> str:
    report = Report.run(list(derivations))
    assert report.ok, [(r.step.id, r.outcome.verdict, r.outcome.method) for r in report.all_results]
    return render_documents(report, paper or Paper(title="A note"))[1]


def _body(md: str) -> str:
    return md.split("## A Machine log", 1)[0]


def _section(md: str, number: int) -> str:
    """The text of section ``number`` of a markdown document, up to the next one."""
    rest = md.split(f"\n## {number} ", 1)[1]
    return rest.split("\n## ", 1)[0]


def _bound_theorem() -> Derivation:
    claim = sp.Ge(W, 1)
    return Derivation(
        id="bound", title="A lower bound", kind="Theorem", label="bound", context=(DEF_W,),
        statement=(claim,), statement_text=prose("For every real ", u, ":"),
        steps=(Step("bound-step", "The bound", claim, prose("A square is nonnegative,"), facts=(DEF_W,)),),
    )


# --- F5: a definition is shown only where the document states it as that definition ----------
def test_a_refuted_equation_elsewhere_does_not_show_a_theorems_definition():
    # the only W = u^2 + 1 in the document was a refuted step of another section: Theorem 1 read
    # "W >= 1" for a W that nothing defined
    aside = Derivation(
        id="aside", title="An aside", kind="Section",
        intro=prose("A quantity that nothing defines need not be the lifted square:"),
        steps=(Step("aside-step", "Not a definition", sp.Eq(W, u**2 + 1), prose("the claim reads"),
                    expected=Verdict.REFUTED),),
    )
    md = _md(_bound_theorem(), aside)
    theorem = _section(md, 1)
    assert "**Theorem 1.**" in theorem and HERE_W in theorem.split("*Proof.*")[0]


def test_an_equation_inside_a_larger_formula_does_not_show_a_definition():
    # W = u^2 + 1 only as part of a conjunction in another derivation's text (one whose context
    # holds the definition): that states the conjunction, not the definition
    note = Derivation(
        id="note", title="A note", kind="Section", context=(DEF_W,),
        intro=prose("Where ", sp.And(sp.Eq(W, u**2 + 1), sp.Ge(u, 0)), " the bound is tight only at 0."), steps=(),
    )
    md = _md(_bound_theorem(), note)
    assert HERE_W in _section(md, 1).split("*Proof.*")[0]


def test_a_definition_the_theorem_text_writes_is_still_given():
    # prose states no definition (review 59a F2: its words may deny the equation, "not only for
    # V = u^2 + 1"), so the theorem whose text writes V = u^2 + 1 gets its Here line too; the
    # refuted W = u^2 + 1 of another section does not stop the Here line where nothing else shows it
    d = _bound_theorem()
    stated = Derivation(
        id="stated", title="Stated", kind="Theorem", label="stated", context=(DEF_V,),
        statement=(sp.Ge(V, 1),), statement_text=prose("For every real ", u, ", with ", sp.Eq(V, u**2 + 1), ":"),
        steps=(Step("stated-step", "The bound", sp.Ge(V, 1), prose("A square is nonnegative,"), facts=(DEF_V,)),),
    )
    aside = Derivation(
        id="aside5", title="An aside", kind="Section",
        steps=(Step("aside5-step", "Not a definition", sp.Eq(W, u**2 + 1), prose("the claim reads"),
                    expected=Verdict.REFUTED),),
    )
    md = _md(d, stated, aside)
    assert HERE_W in _section(md, 1)
    assert "Here" in _section(md, 2)


# --- F6: every derivation that shows an accepted step shows the definitions it relies on -----
def test_a_section_shows_the_definition_its_proved_step_uses():
    sec = Derivation(
        id="sec", title="A lower bound", kind="Section", context=(DEF_W,),
        intro=prose("For every real ", u, ":"),
        steps=(Step("sec-step", "The bound", sp.Ge(W, 1), prose("a square is nonnegative, so"), facts=(DEF_W,)),),
    )
    body = _body(_md(sec))
    assert HERE_W in body
    assert body.index(HERE_W) < body.index(r"\text{[proved]}")


def test_a_claim_shows_the_definition_its_statement_and_proof_use():
    clm = Derivation(
        id="clm", title="A claim", kind="Claim", context=(DEF_W,),
        statement=(sp.Ge(W, 1),), statement_text=prose("For every real ", u, ":"),
        steps=(Step("clm-step", "The bound again", sp.Ge(W, 1), prose("As before,"), facts=(DEF_W,)),),
    )
    claim = _section(_md(clm), 1)
    assert "**Claim.**" in claim and HERE_W in claim.split("*Proof.*")[0]


def test_a_theorems_proof_shows_a_definition_only_its_steps_use():
    # the statement speaks of u only; a proved step of the proof speaks of V := u^2 + 1
    claim = sp.Ge(u**2 + 1, 1, evaluate=False)
    d = Derivation(
        id="thm6", title="A bound", kind="Theorem", label="thm6", context=(DEF_V,),
        statement=(claim,), statement_text=prose("For every real ", u, ":"),
        steps=(Step("thm6-v", "The lifted square", sp.Ge(V, 1), prose("First,"), facts=(DEF_V,)),
               Step("thm6-step", "The bound", claim, prose("so"))),
    )
    theorem = _section(_md(d), 1)
    statement, proof = theorem.split("*Proof.*")
    assert "Here" not in statement
    assert proof.strip().startswith(r"Here $$V = u^{2} + 1$$.")


# --- F3: the trust note names the relation the kernel trusted ------------------------------------
def _trust_md(harmless: Identity, bogus: Identity) -> str:
    claim = sp.Gt((c - sp.Rational(1, 7))**2, 0)  # false at c = 1/7
    d = Derivation(
        id="unit", title="A square that never vanishes", kind="Theorem", label="unit",
        statement=(claim,), statement_text=prose("For every real ", c, ":"),
        steps=(Step("c-one", "A positive square", claim, prose("By the unit convention,"),
                    facts=(harmless, bogus), expected=Verdict.ASSUMED),),
    )
    md = _md(d)
    return md.split("takes on trust", 1)[1].split("\n", 1)[0]


BOGUS_TEX = r"\left(c - 1/7\right)^{2} = c^{2} + 1"


def test_the_trust_note_shows_the_fact_trusted_not_one_of_the_same_name():
    note = _trust_md(Identity("the unit convention", u + 1, 1 + u),
                     Identity("the unit convention", (c - sp.Rational(1, 7))**2, c**2 + 1))
    assert BOGUS_TEX in note and "u + 1" not in note


def test_the_trust_note_does_not_match_a_name_that_prefixes_anothers():
    # a fact named "the unit" matched the reason of one named "the unit: squares" by its prefix
    note = _trust_md(Identity("the unit", u + 1, 1 + u),
                     Identity("the unit: squares", (c - sp.Rational(1, 7))**2, c**2 + 1))
    assert BOGUS_TEX in note and "u + 1" not in note


# --- F7: a worked example shows every value its instance gives ------------------------------------
def _worked_report():
    from dpo_mixture.cli._run import run_report
    from dpo_mixture.notation import support_sum

    m = declare.scalar("m", integer=True, positive=True)
    g = declare.distribution("g")
    y = declare.index("y")
    step = Step("d-step", "bound", sp.Le(support_sum(g[y]**2) * m, 1), prose("the claim reads"),
                expected=Verdict.REFUTED)
    d = Derivation(id="d", title="A false bound", kind="Section", steps=(step,))

    def build(instance):
        return Derivation(id="ex", title="The instance", kind="Section", intro=prose("Here is the instance."), steps=())

    paper = Paper(title="Worked", examples=(WorkedExample("d-step", build, figure=False),))
    report = run_report((d,), 0, paper.examples, paper)
    assert report.ok
    return report, paper, m


def test_a_worked_example_shows_an_integer_scalar_of_its_instance():
    # the search's instance is m = 7, g = (1/2, 1/2); the table showed g only, and at m = 1 or 2
    # that g satisfies m sum g^2 <= 1: the instance shown did not refute the claim
    report, paper, m = _worked_report()
    instance = next(d for d in report.derivations if d.id == "ex").extras["instance"]
    section = _section(render_documents(report, paper)[1], 2)
    assert f"$$m = {instance[m]}$$" in section


def test_a_worked_example_reads_the_support_size_from_n():
    # the support's size was the first integer value of the instance, whatever its key
    from dpo_mixture.notation import n

    report, paper, m = _worked_report()
    ex = next(d for d in report.derivations if d.id == "ex")
    instance = ex.extras["instance"]
    ex.extras["instance"] = {m: instance[m], **{k: v for k, v in instance.items() if k != m}}
    section = _section(render_documents(report, paper)[1], 2)
    rows = [line for line in section.splitlines() if line.startswith("| $$") and "g(y)" not in line]
    assert len(rows) == int(instance[n]) and f"$$m = {instance[m]}$$" in section
