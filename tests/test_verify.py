"""``dpo-mixture verify``: certificates re-checked from report.json alone; tampering is caught."""

from __future__ import annotations

import copy
import json

import pytest

from dpo_mixture.cli import main
from dpo_mixture.derivations import all_derivations
from dpo_mixture.proof import Report
from dpo_mixture.proof.verify import verify_report


@pytest.fixture(scope="module")
def data():
    return json.loads(json.dumps(Report.run(all_derivations()).to_json()))


def test_every_verdict_rechecks(data):
    results = verify_report(data)
    assert results and all(r.ok for r in results)
    kinds = {r.recorded for r in results}
    assert {"proved", "refuted", "assumed"} <= kinds


def _first(data, verdict, rule=None):
    for i, step in enumerate(data["steps"]):
        if step["verdict"] == verdict and (rule is None or (step["certificate"] or {}).get("rule") == rule):
            return i
    raise AssertionError("no such step")


def test_a_changed_multiplier_is_caught(data):
    bad = copy.deepcopy(data)
    i = _first(bad, "proved", "combination")
    mults = bad["steps"][i]["certificate"]["data"]["multipliers"]["tuple"]
    mults[-1] = {"sympy": "Integer(-7)"}
    by_id = {r.step_id: r for r in verify_report(bad)}
    assert not by_id[bad["steps"][i]["id"]].ok


def test_a_changed_claim_is_caught(data):
    bad = copy.deepcopy(data)
    i = _first(bad, "proved")
    bad["steps"][i]["goal"]["claim"] = "StrictLessThan(Symbol('beta', positive=True), Integer(1))"
    assert not {r.step_id: r for r in verify_report(bad)}[bad["steps"][i]["id"]].ok


def test_a_changed_counterexample_is_caught(data):
    bad = copy.deepcopy(data)
    i = _first(bad, "refuted")
    ce = bad["steps"][i]["counterexample"]
    key = next(k for k, v in ce.items() if isinstance(v, list))
    ce[key] = ["0"] * len(ce[key])
    assert not {r.step_id: r for r in verify_report(bad)}[bad["steps"][i]["id"]].ok


def test_a_step_citing_a_failed_step_fails_too(data):
    bad = copy.deepcopy(data)
    i = next(j for j, s in enumerate(bad["steps"]) if s["id"] == "gibbs-termwise")
    bad["steps"][i]["certificate"]["data"]["multipliers"]["tuple"][-1] = {"sympy": "Integer(-1)"}
    by_id = {r.step_id: r for r in verify_report(bad)}
    assert not by_id["gibbs-termwise"].ok and not by_id["gibbs-inequality"].ok


def test_cli_verify(tmp_path, data, capsys):
    good = tmp_path / "report.json"
    good.write_text(json.dumps(data))
    assert main(["verify", str(good)]) == 0
    assert "0 failed" in capsys.readouterr().out
    bad = copy.deepcopy(data)
    bad["steps"][_first(bad, "proved")]["goal"]["claim"] = "StrictLessThan(Symbol('beta', positive=True), Integer(1))"
    tampered = tmp_path / "bad.json"
    tampered.write_text(json.dumps(bad))
    assert main(["verify", str(tampered)]) == 1


@pytest.mark.parametrize("content, message", [
    ("not json", "not JSON"),
    ('{"steps": [{"id": "x", "verdict": "proved", "goal": {"claim": "__import__(\\"os\\")"}}]}', "not allowed"),
    ('{"nothing": 1}', "not a dpo-mixture report"),
])
def test_cli_verify_rejects_bad_files_in_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "r.json"
    path.write_text(content)
    assert main(["verify", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def _single(data, step_id):
    out = copy.deepcopy(data)
    out["steps"] = [s for s in out["steps"] if s["id"] == step_id]
    return out


def test_a_counterexample_outside_the_domains_is_not_reconfirmed(data):
    bad = copy.deepcopy(data)
    i = _first(bad, "refuted")
    ce = bad["steps"][i]["counterexample"]
    ce["beta"] = "-1"  # beta is declared positive
    assert not {r.step_id: r for r in verify_report(bad)}[bad["steps"][i]["id"]].ok


def test_a_displayed_statement_must_be_the_checked_one(data):
    bad = copy.deepcopy(data)
    i = _first(bad, "proved")
    bad["steps"][i]["statement"] = r"\TPM(\mathcal{A};x) \geq \alpha(x)"
    assert not {r.step_id: r for r in verify_report(bad)}[bad["steps"][i]["id"]].ok


def test_huge_values_are_refused_at_once(data):
    bad = copy.deepcopy(data)
    i = _first(bad, "refuted")
    bad["steps"][i]["counterexample"]["beta"] = "1e100000000"
    assert not {r.step_id: r for r in verify_report(bad)}[bad["steps"][i]["id"]].ok


# --- round 14: a report that names, declares or prints one quantity and checks another ---------

@pytest.fixture(scope="module")
def small():
    """A user's report: x positive, z real, a probability; z > 0 is refuted."""
    import sympy as sp

    from dpo_mixture import Derivation, Step, Verdict, declare

    x, z, a = declare.scalar("x_r14", positive=True), declare.scalar("z_r14"), declare.probability("a_r14")
    d = Derivation("r14", "r14", (
        Step("pos", "", sp.Gt(x + 1, 1, evaluate=False), ""),
        Step("sq", "", sp.Ge(z**2, 0, evaluate=False), ""),
        Step("prob", "", sp.Gt(1 - a, 0), ""),
        Step("bad", "", sp.Gt(z, 0), "", expected=Verdict.REFUTED),
    ))
    report = json.loads(json.dumps(Report.run([d]).to_json()))
    assert all(r.ok for r in verify_report(report))
    return report


Z_REAL = "DeclaredSymbol('z_r14', 'REAL', real=True)"


def _as_proved(report, replacement=None):
    """Step 'bad' (z > 0) rewritten as proved by the normal form, its z replaced."""
    bad = next(s for s in report["steps"] if s["id"] == "bad")
    assert Z_REAL in bad["goal"]["claim"]
    claim = bad["goal"]["claim"].replace(Z_REAL, replacement or Z_REAL)
    bad["goal"]["claim"] = claim
    bad["verdict"] = bad["expected"] = "proved"
    bad["counterexample"] = None
    bad["certificate"] = {"rule": "normal-form", "facts": [], "instances": [], "data": {"expand": True},
                          "conclusion": claim, "hypotheses": [], "proposer": "normal form"}
    return report


@pytest.mark.parametrize("other", [
    "Symbol('z_r14', positive=True)",                                   # a plain symbol of the declared name
    "DeclaredSymbol('z_r14', 'REAL', positive=True, real=True)",        # the declared domain, another sign
    "Dummy('z_r14', dummy_index=7, positive=True)",                    # a placeholder, which no name check saw
])
def test_round14_a_quantity_that_only_shares_a_declared_name_is_refused(small, other):
    bad = _as_proved(copy.deepcopy(small), other)
    bad["steps"] = [s for s in bad["steps"] if s["id"] != "sq"]  # only the declarations name the real z now
    by_id = {r.step_id: r for r in verify_report(bad)}
    assert not by_id["bad"].ok


def test_round14_a_quantity_printed_as_a_declared_one_is_refused(small):
    bad = _as_proved(copy.deepcopy(small), "Symbol('zz_r14', positive=True)")
    bad["notation"]["zz_r14"] = {"latex": "z_{r14}"}
    by_id = {r.step_id: r for r in verify_report(bad)}
    assert not by_id["bad"].ok and "print as" in by_id["bad"].detail


@pytest.mark.parametrize("name, domain", [("a_r14", "POSITIVE"), ("z_r14", "POSITIVE")])
def test_round14_a_declared_domain_must_be_the_one_its_quantity_has(small, name, domain):
    bad = copy.deepcopy(small)
    pair = next(p for p in bad["declarations"] if f"'{name}'" in p[0])
    pair[1] = domain
    with pytest.raises(ValueError, match="the report declares"):
        verify_report(bad)


# --- round 15: assumptions a declared domain does not give; notation that is not a name ---------

def test_round15_a_quantity_may_not_carry_assumptions_beyond_its_domain(small):
    bad = copy.deepcopy(small)
    text = json.dumps(bad).replace(json.dumps(Z_REAL)[1:-1], "Symbol('z_r14', rational=True)")
    bad = json.loads(text)
    assert any("rational=True" in p[0] for p in bad["declarations"])
    results = {r.step_id: r for r in verify_report(bad)}
    assert not results["sq"].ok and "(algebraic, rational)" in results["sq"].detail


@pytest.mark.parametrize("shown", ["-1", "1", "x + 1", r"\frac{1}{2}", r"x \leq 1",
                                   # round 17: shapes that render like another name or a number
                                   "z_{r14}{}", r"\mathit{z}", "z^{2}", r"\cos(\pi)", r"e^{i\pi}", r"\Gamma(0)"])
def test_round15_the_notation_prints_names_only(small, shown):
    bad = copy.deepcopy(small)
    bad["notation"]["x_r14"] = {"latex": shown}  # x + 1 > 1 would show as -1 + 1 > 1
    with pytest.raises(ValueError, match="which is not a name"):
        verify_report(bad)


# --- round 16: a counterexample's vectors and the overrides of a refuted step -------------------

@pytest.fixture(scope="module")
def vectors():
    import sympy as sp

    from dpo_mixture import Derivation, Step, Verdict, declare
    from dpo_mixture.notation import y

    from dpo_mixture.notation import support_sum

    p, k = declare.distribution("p_r16"), declare.index("k_r16")
    d = Derivation("r16", "r16", (
        Step("half", "", sp.Le(p[y], sp.Rational(1, 2)), "", expected=Verdict.REFUTED),
        Step("norm", "", sp.Eq(support_sum(p[k], k), 1), ""),  # true: p sums to one
    ))
    report = json.loads(json.dumps(Report.run([d]).to_json()))
    assert report["steps"][0]["verdict"] == "refuted" and all(r.ok for r in verify_report(report))
    return report


def test_round16_every_vector_of_a_counterexample_has_one_entry_per_output(vectors):
    """p = (1/4, 3/4) is a distribution on two outputs; read with n = 1 it would put
    p(1) = 1/4 alone on the support, and a size listed after the vectors overrode theirs."""
    bad = copy.deepcopy(vectors)
    name = next(k for k, v in bad["steps"][0]["counterexample"].items() if isinstance(v, list))
    norm = bad["steps"][1]
    norm["verdict"], norm["certificate"] = "refuted", None
    norm["counterexample"] = {name: ["1/4", "3/4"], "n": "1"}  # sum over 1..1 is 1/4: no counterexample
    assert not {r.step_id: r for r in verify_report(bad)}["norm"].ok


def test_round16_a_recorded_vector_keeps_its_own_assumptions(vectors):
    bad = copy.deepcopy(vectors)
    step = bad["steps"][0]
    ce = step["counterexample"]
    name = next(k for k, v in ce.items() if isinstance(v, list))
    base = next(q for q, _ in bad["declarations"] if f"'{name}'" in q)
    from dpo_mixture.notation import Domain
    from dpo_mixture.proof.serial import loads
    from dpo_mixture.proof.theory import Theory
    from dpo_mixture.proof.verify import model_shown

    step["goal"]["domains"] = [[base, "REAL_VECTOR"]]  # an override dropping p's positivity, shown as such
    step["model"] = model_shown(Theory((), ((loads(base), Domain.REAL_VECTOR),)))
    ce.clear()
    ce.update({name: ["-1", "2"], "y": "2", "n": "2"})
    result = verify_report(bad)[0]
    assert not result.ok and "drops what its assumptions say" in result.detail


def test_round17_the_printed_names_of_genuine_reports_are_names():
    from dpo_mixture.proof.verify import _PRINTED_PATTERN, _printed_name_ok

    for shown in ["z", r"p_{\mathrm{ref}}", r"\pi_{\theta}", r"\pi^{*}", r"\pi_{0}", "Z(t)", r"A(\theta)",
                  r"\alpha_{\mathcal{A}}", "r'"]:
        assert _printed_name_ok("latex", shown), shown
    # the package's own operator: a report may not print a name of its own so
    assert not _printed_name_ok("latex", r"\TPM(\mathcal{A};x)")
    for pattern in ["{name}({i})", "{name}({i};x)", r"{name}({i}\midx)"]:
        assert _PRINTED_PATTERN.fullmatch(pattern), pattern


# --- round 18: hidden hypotheses, inexact numbers, vectors whose entries print alike --------------

def _goal_r18(claim, hypotheses=()):
    from dpo_mixture.proof.kernel import Goal
    from dpo_mixture.proof.theory import Theory

    return Goal(claim, tuple(hypotheses), Theory((), ()), (), ())


def test_round18_a_report_that_shows_no_hypotheses_states_none():
    import sympy as sp

    from dpo_mixture.proof.verify import _displayed, model_shown
    from dpo_mixture.render.printer import latex

    z = sp.Symbol("z_r18", real=True)
    goal = _goal_r18(sp.Gt(2 * z, 0), (sp.Gt(z, 0),))  # true only under a hypothesis it must show
    step = {"statement": latex(goal.claim), "model": model_shown(goal.theory)}
    for shown in ({}, {"hypotheses": None}, {"hypotheses": []}):
        assert not _displayed({**step, **shown}, goal), shown
    assert _displayed({**step, "hypotheses": [latex(goal.hypotheses[0])]}, goal)


def test_round18_an_inexact_number_is_refused():
    import sympy as sp

    from dpo_mixture.proof.verify import _name_problem

    x = sp.Symbol("x_r18", positive=True)
    goal = _goal_r18(sp.Gt(x + sp.Float("0.30000000000000004", 17), x + sp.Float("0.29999999999999999", 17), evaluate=False))
    assert "inexact" in _name_problem(goal, (), None, {}, {}, {})
    assert _name_problem(_goal_r18(sp.Gt(x + sp.Rational(3, 10), x, evaluate=False)), (), None, {}, {}, {}) is None


def test_round18_two_vectors_whose_entries_print_alike_are_refused():
    """u printed v' with entries {name}({i};x), and v printed v with entries {name}'({i};x): both
    entries print v'(i;x)."""
    import sympy as sp

    from dpo_mixture.notation import y
    from dpo_mixture.proof.kernel import Goal
    from dpo_mixture.proof.theory import Theory
    from dpo_mixture.proof.verify import _name_problem, _printed

    u, v = sp.IndexedBase(sp.Symbol("u_r18", positive=True)), sp.IndexedBase(sp.Symbol("v_r18", real=True))
    goal = Goal(sp.Gt(u[y], 0, evaluate=False), (sp.Gt(v[y], 0, evaluate=False),), Theory((), ()), (), ())
    notation = {"u_r18": {"latex": "v'", "indexed": "{name}({i};x)"}, "v_r18": {"latex": "v", "indexed": "{name}'({i};x)"}}
    with _printed(notation):
        problem = _name_problem(goal, (), None, {}, {}, {})
    assert problem and "entries of two different vectors print alike" in problem
    with _printed({"u_r18": {"latex": "u"}, "v_r18": {"latex": "v"}}):
        assert _name_problem(goal, (), None, {}, {}, {}) is None


def test_what_is_worked_out_from_the_declared_domains_follows_their_contents():
    """Review 49d F1: the theory remembered its sign context and its probabilities by the
    number of declared domains; verify adds a report's declarations and takes them back, so a
    second report that declares the same symbol otherwise (positive, not in (0, 1)) was checked
    with the first one's, and 1 - a > 0, false at a = 2, re-checked as proved."""
    import copy

    import sympy as sp

    from dpo_mixture.notation import DOMAINS, Domain
    from dpo_mixture.proof import Derivation, Report, Step
    from dpo_mixture.proof.verify import verify_report

    a = sp.Symbol("a_verify_49d", positive=True)
    DOMAINS[a] = Domain.UNIT_INTERVAL
    try:
        step = Step("s1", "positive", sp.Gt(1 - a, 0, evaluate=False), "a < 1")
        first = Report.run([Derivation("A", "A", (step,))]).to_json()
    finally:
        DOMAINS.pop(a, None)
    assert first["declarations"] == [[sp.srepr(a), "UNIT_INTERVAL"]]
    second = copy.deepcopy(first)
    second["declarations"] = [[sp.srepr(a), "POSITIVE"]]
    assert all(v.ok for v in verify_report(first))
    assert not verify_report(second)[0].ok  # a = 2 breaks it: the certificate must not re-check


def test_the_support_worked_out_from_the_declared_domains_follows_them_too():
    """Review 49e F1: the definitions that say where the support is were remembered per theory
    alone; after a report declaring a in (0, 1), one declaring it positive re-checked
    a s1(y) + (1 - a) s2(y) > 0 as proved (false at a = 2, s1 = (0, 1), s2 = (1, 0), y = 1)."""
    import copy

    import sympy as sp

    from dpo_mixture.notation import DOMAINS, Domain, y
    from dpo_mixture.proof import Derivation, Report, Step
    from dpo_mixture.proof.facts import Definition
    from dpo_mixture.proof.verify import verify_report

    a = sp.Symbol("a_verify_49e", positive=True)
    s1 = sp.IndexedBase(sp.Symbol("s1_verify_49e", nonnegative=True))
    s2 = sp.IndexedBase(sp.Symbol("s2_verify_49e", nonnegative=True))
    g = sp.IndexedBase(sp.Symbol("g_verify_49e", positive=True))
    declared = {a: Domain.UNIT_INTERVAL, s1: Domain.SPARSE_DISTRIBUTION, s2: Domain.SPARSE_DISTRIBUTION,
                g: Domain.POSITIVE_VECTOR}
    DOMAINS.update(declared)
    try:
        mix = Definition("mix", g[y], a * s1[y] + (1 - a) * s2[y])
        step = Step("s1", "positive", sp.Gt(a * s1[y] + (1 - a) * s2[y], 0, evaluate=False), "support", facts=(mix,))
        first = Report.run([Derivation("A", "A", (step,), context=(mix,))]).to_json()
    finally:
        for q in declared:
            DOMAINS.pop(q, None)
    assert all(v.ok for v in verify_report(first))
    second = copy.deepcopy(first)
    second["declarations"] = [[q, "POSITIVE" if d == "UNIT_INTERVAL" else d] for q, d in first["declarations"]]
    assert second["declarations"] != first["declarations"]
    assert not verify_report(second)[0].ok


def test_a_name_check_prints_each_object_once_and_forgets_the_prints_after(monkeypatch):
    import sympy as sp

    from dpo_mixture.notation import beta
    from dpo_mixture.proof import verify
    from dpo_mixture.render import printer

    printed = []
    real = printer.latex
    monkeypatch.setattr(printer, "latex", lambda e, **kw: printed.append(e) or real(e, **kw))
    z = sp.Symbol("z_once", positive=True)
    assert verify.name_clash([beta * z + z, z / beta]) is None
    assert 0 < printed.count(z) <= 2  # (its own print, and once more as an expression's part at most)
    assert verify._PRINTS.get() is None
    assert verify.name_clash([beta + sp.Symbol("beta")]) == "two different quantities are named beta"
    assert verify._PRINTS.get() is None


def test_name_checks_in_two_threads_keep_their_prints_apart():
    """61b F2: the print memo is each check's own (a context variable, not a global): two checks
    that overlap in two threads neither fail nor leave it behind, and a later check with
    another notation still finds its clash."""
    import sys
    import threading

    import sympy as sp

    from dpo_mixture.notation import beta
    from dpo_mixture.proof import verify

    xs = [sp.Symbol(f"z61_{i}", positive=True) for i in range(30)]
    long, short = [beta * sum(xs[: i + 1]) for i in range(30)], [beta * xs[0]]
    errors: list = []

    def run(exprs, times):
        try:
            for _ in range(times):
                assert verify.name_clash(exprs) is None
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # (threads switch often: the checks interleave)
    try:
        threads = [threading.Thread(target=run, args=(long, 2)), threading.Thread(target=run, args=(short, 100))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == [] and verify._PRINTS.get() is None
    w = sp.Symbol("w", positive=True)
    assert verify.name_clash([w + beta]) is None
    with verify._printed({"w": {"latex": r"\beta"}}):  # a report's notation: w printed as \beta
        assert verify.name_clash([w + beta]).startswith(r"two different quantities print as \beta: ")
