"""Review round 37: the normal form's stand-in for a substitution it cannot carry out is its
own symbol.  Handed out by carry_out_subs and put in a claim, it cancelled the substitution:
[d/dx x|x|]_{x=1} = subs was proved for every real subs (the left side is 2)."""

from __future__ import annotations

import pytest
import sympy as sp

from dpo_mixture import Derivation, Step, Verdict
from dpo_mixture.proof.certificate import ProofCertificate
from dpo_mixture.proof.kernel import Goal, check
from dpo_mixture.proof.normal_form import carry_out_subs


def test_a_substitution_of_a_kinked_derivative_has_no_stand_in():
    """A kinked derivative's substitution used to become a reserved placeholder, which a forged
    claim could name; since review 50e it is not carried out at all (the derivative may not
    exist, and a stand-in could not move with its point)."""
    x = sp.Symbol("x_r37", real=True)
    s = sp.Subs(sp.Derivative(sp.Abs(x) * x, x), x, 1)  # = 2
    with pytest.raises(ValueError, match="kink"):
        carry_out_subs(s)
    forged = sp.Dummy("subs", real=True)
    claim = sp.Eq(s, forged, evaluate=False)
    judgment = check(Goal(claim), ProofCertificate("normal-form", conclusion=claim))
    assert judgment.verdict is not Verdict.PROVED
    (result,) = Derivation(id="opaque", title="t", steps=(Step("s", "", claim, "", search_samples=10),)).check()
    assert result.outcome.verdict is not Verdict.PROVED


def test_a_free_placeholder_in_a_hypothesis_is_refused_too():
    x, w = sp.Symbol("x_r37b", real=True), sp.Dummy("w", real=True)
    claim = sp.Ge(x**2 + w**2, 0, evaluate=False)
    judgment = check(Goal(claim, (sp.Gt(w, 0, evaluate=False),)), ProofCertificate("normal-form", conclusion=claim,
                                                                                 hypotheses=(sp.Gt(w, 0, evaluate=False),)))
    assert judgment.verdict is not Verdict.PROVED and "placeholder" in judgment.reason


def test_a_proved_statement_is_headed_proof_beside_a_refuted_step():
    """The proof of a proved Proposition was headed "Refutation" when another of its steps was
    refuted (a deliberately wrong step beside the right ones)."""
    from dpo_mixture.proof import Report
    from dpo_mixture.render import Paper, render_documents

    x = sp.Symbol("x_r37c", real=True)
    statement = sp.Ge(x**2 + 1, 2 * x, evaluate=False)
    d = Derivation(id="prop", title="A proposition", kind="Proposition", statement=(statement,), steps=(
        Step("main", "", statement, "", search_samples=20),
        Step("wrong", "", sp.Ge(x**2, 2 * x, evaluate=False), "", expected="refuted", search_samples=50)))
    report = Report.run([d], seed=0)
    assert report.results["prop"][0].outcome.verdict is Verdict.PROVED
    assert report.results["prop"][1].outcome.verdict is Verdict.REFUTED
    tex, markdown = render_documents(report, Paper(title="Headings"))
    for text in (tex, markdown):
        assert "Refutation" not in text and "Proof" in text


def test_a_counterexample_of_numbers_only_is_a_row_of_them():
    """A counterexample with no vector showed an empty table with a lone y column."""
    from dpo_mixture.proof import Report
    from dpo_mixture.render import Paper, render_documents

    x = sp.Symbol("x_r37d", real=True)
    d = Derivation(id="nums", title="Numbers", steps=(
        Step("wrong", "", sp.Ge(x**2, 2 * x, evaluate=False), "", expected="refuted", search_samples=50),))
    report = Report.run([d], seed=0)
    _, markdown = render_documents(report, Paper(title="Numbers"))
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| $$x"))
    table = lines[start:start + 4]  # header, rule, one row of values, then no more rows
    assert "y" not in table[0] and table[2] == "| $$1$$ |" and not table[3].startswith("|")


def test_verify_reads_the_accented_names_that_declare_accepts(tmp_path):
    from dpo_mixture.proof.verify import _printed_name_ok

    for name in (r"\hat{r}", r"\bar{f}", r"\tilde{m}", r"\mathbf{m}", r"\hat{\pi}_{A}", r"\bar{f}(x)"):
        assert _printed_name_ok("latex", name), name
    # a number, a formula, a power, or a letter in a font that looks like the plain letter
    for bad in (r"\mathrm{1}", "1", "x+y", r"\frac{1}{2}", r"\cos", "z^{2}", r"\mathrm{m}", r"\mathit{z}"):
        assert not _printed_name_ok("latex", bad), bad


def test_plot_refuses_an_axis_it_cannot_draw(tmp_path, capsys):
    from dpo_mixture.cli import main

    out = tmp_path / "p.png"
    code = main(["plot", "-o", str(out), "--beta-min", "1e-300", "--beta-max", "1e300"])
    assert code == 2 and not out.exists()
    assert "--beta-min" in capsys.readouterr().err


def test_a_name_of_the_packages_in_another_domain_is_refused_when_checked():
    """A user's t (real) was checked and built, and its report then failed verify: the name is
    the package's temperature (positive).  check refuses it first, with the reason."""
    from dpo_mixture import declare
    from dpo_mixture.proof.verify import name_clash

    t = declare.scalar("t")
    why = name_clash([sp.Ge(t**2 + 1, 2 * t, evaluate=False)])
    assert why and "package's quantities" in why and "rename" in why
    assert name_clash([sp.Ge(declare.scalar("t_mine") ** 2, 0, evaluate=False)]) is None


def test_a_module_named_like_maths_gets_a_plain_default_title():
    from dpo_mixture.render import Paper

    assert Paper.default("n_alpha").title == "Derivations" and Paper.default("n_alpha").file_stem == "n_alpha"
    assert Paper.default("reward_variance").title == "Reward variance"


def test_a_counterexample_of_vectors_only_has_a_finished_caption():
    from dpo_mixture import declare
    from dpo_mixture.notation import support_sum
    from dpo_mixture.proof import Report
    from dpo_mixture.render import Paper, render_documents

    k, f = declare.index("k_r37e"), declare.reward("f_r37e")
    d = Derivation(id="vec", title="Vectors", steps=(
        Step("wrong", "", sp.Ge(support_sum(f[k], k), 0, evaluate=False), "", expected="refuted", search_samples=50),))
    report = Report.run([d], seed=0)
    _, markdown = render_documents(report, Paper(title="Vectors"))
    caption = next(line for line in markdown.splitlines() if "A counterexample that the search found" in line)
    assert caption.rstrip().endswith("the instance in the table.")
