"""Derivations decided in the second process: whole groups of derivations that cite one
another, with the same verdicts, methods and certificates as when decided in one process."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import sympy as sp

from dpo_mixture.notation import beta
from dpo_mixture.proof import Derivation, Step, Verdict
from dpo_mixture.proof.derivation import APART_MIN_STEPS, _apart


def _derivation(name: str, steps: int, cites: str | None = None) -> Derivation:
    made = []
    for i in range(steps):
        given = (cites,) if cites and i == 0 else ()
        made.append(Step(f"{name}-{i}", "", sp.Gt(beta + i + 1, i, evaluate=False), "", given=given))
    return Derivation(name, name, tuple(made))


def test_groups_that_cite_one_another_stay_together_and_come_from_the_end():
    ds = (_derivation("a", 4), _derivation("b", 4), _derivation("c", 4), _derivation("d", 4, cites="b-1"),
          _derivation("e", 4))
    apart = [ds[i].id for i in _apart(ds)]  # positions in the report
    assert apart, "twenty steps in five derivations are worth sharing"
    assert ("b" in apart) == ("d" in apart)  # d cites b: never one without the other
    assert "e" in apart and "a" not in apart  # taken from the end of the report
    shared = sum(len(d.steps) for d in ds if d.id in apart)
    assert 0 < shared <= 0.5 * sum(len(d.steps) for d in ds)


def test_a_report_that_is_one_group_or_too_small_is_not_shared():
    chain = (_derivation("a", 5), _derivation("b", 5, cites="a-0"), _derivation("c", 5, cites="b-0"))
    assert _apart(chain) == ()  # every derivation cites the one before
    small = tuple(_derivation(c, 1) for c in "abcd")
    assert sum(len(d.steps) for d in small) < APART_MIN_STEPS and _apart(small) == ()


SCRIPT = textwrap.dedent(
    """
    import json, os, re, sys
    from dpo_mixture.cli._run import load
    from dpo_mixture.proof import Report, derivation
    from dpo_mixture.proof.audit import Auditor

    log = sys.argv[1]
    original = derivation.check_apart

    def check_apart(*args):
        with open(log, "a") as fh:
            fh.write(f"{os.getpid()}\\n")
        return original(*args)

    check_apart.__module__, check_apart.__qualname__ = derivation.__name__, "check_apart"
    derivation.check_apart = check_apart  # found by name in the second process, a fork
    loaded = load(None)
    with Auditor(parallel=True) as probe:
        assert probe.forked, "a fresh interpreter on Linux forks its second process"
    assert derivation._apart(loaded.derivations)

    def plain(report):
        text = json.dumps([r.to_json() for r in report.all_results])
        text = re.sub(r'"seconds": [0-9.e-]+', "", text)
        return re.sub(r"dummy_index=[0-9]+", "", text)

    shared = Report.run(loaded.derivations, parallel=True)
    alone = Report.run(loaded.derivations, parallel=False)
    library = "dpo_mixture.derivations.library" in sys.modules  # nothing cites it: never loaded
    print(json.dumps({"same": plain(shared) == plain(alone), "ok": shared.ok, "me": os.getpid(), "library": library}))
    """
)


def test_the_package_paper_decided_in_two_processes_is_the_paper_decided_in_one(tmp_path):
    log = tmp_path / "pids.txt"
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(log)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["same"] and out["ok"]
    assert not out["library"], "the library's own declarations would have joined the report's notation"
    pids = log.read_text().split()
    assert pids and all(int(pid) != out["me"] for pid in pids), "the shared derivations ran in the second process"


def test_a_report_refuses_two_derivations_with_one_id():
    """Review 49: two derivations named alike were accepted; the second process's answers,
    kept by derivation id, then gave the first one's false step the second one's "proved"."""
    import pytest

    from dpo_mixture.proof import Report

    false = Derivation("X", "X", (Step("xf", "", sp.Lt(beta, 0, evaluate=False), ""),))
    true = Derivation("X", "X", (Step("xt", "", sp.Gt(beta + 1, 1, evaluate=False), ""),))
    for parallel in (False, True):
        with pytest.raises(ValueError, match="derivation id 'X' appears more than once"):
            Report.run([false, true], parallel=parallel)


def test_answers_that_do_not_name_the_steps_are_not_taken():
    from dataclasses import replace

    from dpo_mixture.proof.derivation import _decided_as, _taken

    def _answers_fit(*args):
        return _taken(*args) is not None

    ds = (_derivation("a", 2), _derivation("b", 3))
    good = {1: [(_decided_as(ds[1], s), None, 0.0, ()) for s in ds[1].steps]}
    # review 49b F1: a strategy here rewrote a step's claim after the second process began
    changed = (ds[0], replace(ds[1], steps=(replace(ds[1].steps[0], claim=sp.Lt(beta, 0, evaluate=False)),
                                             *ds[1].steps[1:])))
    assert not _answers_fit(changed, (1,), good)
    assert _answers_fit(ds, (1,), good)
    assert not _answers_fit(ds, (1,), {1: good[1][::-1]})  # another order
    assert not _answers_fit(ds, (1,), {1: good[1][:2]})  # a step missing
    assert not _answers_fit(ds, (0, 1), good)  # a derivation missing
    assert not _answers_fit(ds, (1,), {0: good[1]})  # another derivation's place


class _CitesA0:
    """A strategy of a user's own whose certificate cites step ``a-0`` by name."""

    name = "cites a-0"

    def propose(self, step, context):
        from dpo_mixture.proof import ProofCertificate
        from dpo_mixture.proof.certificate import Instance

        return ProofCertificate("combination", instances=(Instance("a-0", ()),), data=(("multipliers", (1,)),),
                                conclusion=step.claim, hypotheses=tuple(step.hypotheses))


def test_a_step_cites_only_the_steps_it_names():
    """A certificate could cite any step decided before, named in given= or uses= or not; the
    second process holds only its own group's steps, so the verdict depended on where the step
    was decided.  A step now cites what it names (and the library): the same verdict anywhere."""
    from dpo_mixture.proof import Report, Strategy, Verdict

    class Cites(_CitesA0, Strategy):
        pass

    claim = sp.Gt(beta + 2, 1, evaluate=False)  # beta + 1 > 0 (step a-0) plus 1 > 0
    for uses, verdict in (((), Verdict.UNDECIDED), (("a-0",), Verdict.PROVED)):
        ds = (_derivation("a", 6), _derivation("b", 6),
              Derivation("c", "c", (Step("c-0", "", claim, "", uses=uses, strategy=Cites(), expected=verdict),)))
        got = {parallel: Report.run(ds, parallel=parallel).result("c-0").outcome for parallel in (False, True)}
        assert got[False].verdict is got[True].verdict is verdict, (uses, got)


def test_a_step_may_not_take_a_library_id():
    """Review 49b F2/F3: a step of a user's own named lib.mine was read as a library lemma, and
    one named lib.log-bound took the place of the library's own lemma."""
    import pytest

    from dpo_mixture.proof import Report, decide

    step = Step("lib.log-bound", "", sp.Gt(beta + 1, 1, evaluate=False), "")
    with pytest.raises(ValueError, match="ids that begin with 'lib.' belong to the library"):
        Report.run([Derivation("d", "d", (step,))])
    with pytest.raises(ValueError, match="ids that begin with 'lib.' belong to the library"):
        decide(step)


def test_a_step_rewritten_after_it_was_decided_has_no_verdict():
    """Review 49c F1: a later step's strategy rewrote an earlier, proved step (b > 0 became
    b < 0 through object.__setattr__); the report showed b < 0 proved, and a step citing it got
    it as a proved lemma."""
    import pytest

    from dpo_mixture.proof import NormalForm, Report, Strategy

    first = Step("xt", "", sp.Gt(beta, 0, evaluate=False), "")

    class Rewrites(Strategy):
        name = "rewrites"

        def propose(self, step, context):
            object.__setattr__(first, "claim", sp.Lt(beta, 0, evaluate=False))
            return NormalForm().propose(step, context)

    later = Step("a1", "", sp.Gt(beta + 1, 0, evaluate=False), "", strategy=Rewrites())
    cites = Step("a2", "", sp.Lt(beta, 0, evaluate=False), "", given=("xt",), expected=Verdict.UNDECIDED)
    # the report decides and keeps its own copies of the steps (round 52): the rewrite reaches
    # only the module's object, and the report shows the statement it decided
    report = Report.run([Derivation("A", "A", (first, later, cites))], parallel=False)
    assert first.claim == sp.Lt(beta, 0, evaluate=False)
    assert report.result("xt").step.claim == sp.Gt(beta, 0, evaluate=False)
    assert report.result("a2").outcome.verdict is not Verdict.PROVED


def test_a_registry_changed_after_the_fork_is_seen_by_the_step():
    """Review 49c F2: a strategy of the first process's share declared a in (0, 1) after the
    fork; the second process decided 1 - a > 0 with a merely positive and refuted it."""
    from dpo_mixture.notation import DOMAINS, Domain
    from dpo_mixture.proof import NormalForm, Report, Strategy

    a = sp.Symbol("a_registry_49c", positive=True)
    DOMAINS[a] = Domain.POSITIVE
    try:
        class Registers(Strategy):
            name = "registers"

            def propose(self, step, context):
                DOMAINS[a] = Domain.UNIT_INTERVAL
                return NormalForm().propose(step, context)

        first = Derivation("A", "A", (Step("a0", "", sp.Gt(beta + 1, 0, evaluate=False), "", strategy=Registers()),
                                      *_derivation("a", 7).steps))
        second = Derivation("B", "B", (Step("xt", "", sp.Gt(1 - a, 0, evaluate=False), ""), *_derivation("d", 5).steps))
        assert Report.run([first, second], parallel=True).result("xt").outcome.verdict is Verdict.PROVED
    finally:
        DOMAINS.pop(a, None)


def test_a_report_runs_with_the_loaded_objects_frozen_and_hands_the_collector_back(monkeypatch):
    """While the report runs, what was loaded is out of the collector's sight and collections
    wait for more new objects; afterwards both are as they were, also when the run fails."""
    import gc

    from dpo_mixture.cli import _run

    seen = []

    def fake(*args):
        seen.append((gc.get_threshold(), gc.get_freeze_count() > 0))
        raise RuntimeError("the run failed")

    monkeypatch.setattr(_run, "_run_report", fake)
    before = (gc.get_threshold(), gc.get_freeze_count())
    with pytest.raises(RuntimeError):
        _run.run_report((), 0)
    assert seen == [(_run.RUN_GC_THRESHOLD, True)]
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
