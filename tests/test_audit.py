"""The audit: a step the kernel accepted is searched too; a counterexample is a soundness error."""

from __future__ import annotations

import sympy as sp

from dpo_mixture.cli import main
from dpo_mixture.notation import beta
from dpo_mixture.proof import Derivation, Report, Step, Verdict, decide
from dpo_mixture.proof import kernel


def _broken_kernel(monkeypatch):
    """Simulate a bug in the kernel: it accepts every certificate."""
    def accept(self):
        return kernel.Judgment(Verdict.PROVED, "a broken kernel", (), (), kernel._SEAL)

    monkeypatch.setattr(kernel._Check, "run", accept)


def test_a_wrongly_accepted_step_is_caught_by_the_audit(monkeypatch):
    _broken_kernel(monkeypatch)
    out = decide(Step("wrong", "", sp.Gt(beta, 1), ""))
    assert out.verdict is Verdict.REFUTED and out.soundness_error == "normal form"
    assert "SOUNDNESS ERROR" in out.method and out.counterexample is not None


def test_steps_resting_on_a_caught_step_are_not_proved(monkeypatch):
    _broken_kernel(monkeypatch)
    wrong = Step("wrong", "", sp.Gt(beta, 1), "")
    after = Step("after", "", sp.Gt(beta + 1, 1, evaluate=False), "", given=("wrong",))  # true, but cites it
    report = Report.run([Derivation("d", "d", (wrong, after))], parallel=True)
    verdicts = {r.step.id: r.outcome.verdict for r in report.all_results}
    assert verdicts == {"wrong": Verdict.REFUTED, "after": Verdict.UNDECIDED}
    assert [r.step.id for r in report.soundness_errors] == ["wrong"]


def test_check_exits_4_on_a_soundness_error(monkeypatch, tmp_path, capsys):
    _broken_kernel(monkeypatch)
    module = tmp_path / "mine.py"
    module.write_text(
        "import sympy as sp\n"
        "from dpo_mixture.notation import beta\n"
        "from dpo_mixture.proof import Derivation, Step\n"
        "D = Derivation('d', 'd', (Step('wrong', '', sp.Gt(beta, 1), ''),))\n"
    )
    assert main(["check", str(module)]) == 4
    assert "SOUNDNESS ERROR at wrong" in capsys.readouterr().out


def test_a_correct_kernel_passes_the_audit():
    out = decide(Step("right", "", sp.Gt(beta + 1, 1, evaluate=False), ""))
    assert out.verdict is Verdict.PROVED and not out.soundness_error and out.samples > 0


def test_the_auditor_gives_the_same_answers_in_a_second_process_as_in_place():
    """Audits waiting in the queue are taken back and run in place; the one the second process
    began is waited for; every answer is the one an audit in place gives."""
    from dpo_mixture.proof.audit import Auditor
    from dpo_mixture.proof.search import Problem

    problems = [Problem(sp.Gt(beta, c)) for c in (1, -1, 2, 0, 3)]  # false, true, false, true, false
    expected = [True, False, True, False, True]
    for parallel in (False, True):
        with Auditor(parallel=parallel) as auditor:
            tickets = [auditor.submit(pr, 30, 0, 30.0) for pr in problems]
            found = [auditor.result(t).counterexample is not None for t in tickets]
            assert [auditor.result(t).counterexample is not None for t in tickets] == found  # asked twice
        assert found == expected, parallel


def test_the_second_process_is_a_fork_only_where_that_is_safe(monkeypatch):
    import sys
    import threading

    from dpo_mixture.proof import audit

    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(sys, "platform", "linux")
    for name in audit.THREADED_LIBRARIES:
        monkeypatch.delitem(sys.modules, name, raising=False)
    assert audit.start_method() == "fork"
    monkeypatch.setitem(sys.modules, "jax", object())  # a library with threads of its own
    assert audit.start_method() == "spawn"
    monkeypatch.delitem(sys.modules, "jax")
    monkeypatch.setattr(threading, "active_count", lambda: 2)  # a timer thread, say
    assert audit.start_method() == "spawn"
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert audit.start_method() == "spawn"


def test_a_stalled_second_process_never_holds_the_engine_up(monkeypatch):
    from dpo_mixture.proof import audit
    from dpo_mixture.proof.search import Problem

    monkeypatch.setattr(audit, "PATIENCE", 0.2)
    with audit.Auditor(parallel=True) as auditor:
        assert auditor._pool is not None  # this machine (and CI's) has two CPUs
        monkeypatch.setattr(auditor._pool, "apply_async", lambda *a, **k: None)  # a worker that never answers
        tickets = [auditor.submit(Problem(sp.Gt(beta, c)), 30, 0, 30.0) for c in (1, -1)]
        assert [auditor.result(t).counterexample is not None for t in tickets] == [True, False]


def _refuted_then_cited():
    false = Step("false", "", sp.Gt(beta, 1), "", expected=Verdict.REFUTED)
    cites = Step("cites", "", sp.Gt(beta + 1, 1, evaluate=False), "", given=("false",), expected=Verdict.UNDECIDED)
    return [Derivation("d", "d", (false, cites))]


def test_searches_beside_the_engine_give_the_verdicts_of_searches_in_place():
    """A step the kernel rejects is searched in the second process; a step citing it names
    the cited step's final verdict, as in place."""
    runs = [Report.run(_refuted_then_cited(), parallel=parallel) for parallel in (False, True)]
    for report in runs:
        false, cites = report.all_results
        assert false.outcome.verdict is Verdict.REFUTED and false.outcome.counterexample is not None
        assert false.outcome.search is None
        assert cites.outcome.verdict is Verdict.UNDECIDED
        assert cites.outcome.method == "depends on step 'false', which is refuted"
    assert [r.outcome.method for r in runs[0].all_results] == [r.outcome.method for r in runs[1].all_results]
    assert runs[0].all_results[0].outcome.counterexample.values == runs[1].all_results[0].outcome.counterexample.values


def test_derivations_decided_then_follow_their_host_and_see_the_counterexample():
    seen = []

    def then(outcome_of):
        ce = outcome_of("false").counterexample
        seen.append(ce)
        value = ce.instance[beta]
        step = Step("at-the-instance", "", sp.Le(beta * value, beta, evaluate=False), "")  # true: the counterexample has beta <= 1
        yield "d", Derivation("after-d", "after", (step,))

    for parallel in (False, True):
        report = Report.run(_refuted_then_cited() + [Derivation("e", "e", (Step("last", "", sp.Gt(beta + 1, 1, evaluate=False), ""),))],
                            parallel=parallel, then=then)
        assert [d.id for d in report.derivations] == ["d", "after-d", "e"]
        assert report.result("at-the-instance").outcome.verdict is Verdict.PROVED
    assert all(ce is not None for ce in seen)


def test_a_search_beside_the_engine_keeps_its_time_limit():
    from dpo_mixture.proof.audit import run_search
    from dpo_mixture.proof.search import Problem

    slow = run_search(Problem(sp.Gt(beta + 1, 1, evaluate=False)), 10**7, 0, 0.2)  # true: the search never ends early
    assert slow == "undecided: time limit of 0.2 s reached (set Step.seconds for a larger budget)"
    found = run_search(Problem(sp.Gt(beta, 1)), 100, 0, 30.0)
    assert found.counterexample is not None


def test_close_never_waits_forever_for_a_stuck_pool(monkeypatch):
    """A pool whose worker died can block CPython's terminate/join for good; closing the
    auditor then hung a whole build (seen once in CI)."""
    import threading

    from dpo_mixture.proof import audit

    release = threading.Event()

    class Stuck:
        def terminate(self):
            release.wait()

        def join(self):
            pass

    monkeypatch.setattr(audit, "CLOSE_SECONDS", 0.2)
    auditor = audit.Auditor(parallel=False)
    auditor._pool = Stuck()
    closing = threading.Thread(target=auditor.close, daemon=True)
    closing.start()
    closing.join(5)
    stuck = closing.is_alive()
    release.set()
    assert not stuck and auditor._pool is None


def test_expressions_cross_to_the_second_process_as_they_were_written():
    """Pickle rebuilds an expression by calling its class, which evaluates: ``-1/p < 0`` came
    back as ``True`` and ``p/p`` as ``1``, so that a certificate or an audit in the other process
    spoke of another statement.  What crosses now arrives as it left, node for node."""
    import pickle

    from dpo_mixture.notation import p, y, support_sum
    from dpo_mixture.proof.audit import received, send

    x = p[y]
    sent = [
        sp.StrictLessThan(-1 / x, 0, evaluate=False),
        sp.Eq(sp.Mul(x, sp.Pow(x, -1), evaluate=False), 1, evaluate=False),
        sp.Mul(2, sp.Rational(1, 2), evaluate=False),
        support_sum(x),  # a sum: built with evaluation off it would read Sum(1*p[y], ...)
        sp.Ge(support_sum(x * sp.log(x)), 0, evaluate=False),
    ]
    assert any(pickle.loads(pickle.dumps(e)) != e for e in sent)  # what plain pickling did
    for e in sent:
        back = received(send(e))
        assert back == e and sp.srepr(back) == sp.srepr(e)


def _fails_over_there(parent: int, log: str) -> str:
    import os

    with open(log, "a") as fh:
        fh.write(f"{os.getpid() == parent}\n")
    if os.getpid() != parent:
        raise RuntimeError("this job fails in the second process")
    return "done here"


def _no_answer_survives(log: str) -> float:
    with open(log, "a") as fh:
        fh.write("ran\n")
    return float("nan")  # nan != nan: the answer never arrives equal to itself


def test_a_job_that_fails_in_the_second_process_is_run_here_once(tmp_path):
    """A failed job went back to the front of the queue and was handed to the second process
    again and again; it is now left for this process, which runs it once."""
    import os
    import time

    from dpo_mixture.proof.audit import Auditor

    log = tmp_path / "runs.txt"
    with Auditor(parallel=True) as auditor:
        ticket = auditor.beside(_fails_over_there, (os.getpid(), str(log)))
        time.sleep(1.0)  # time enough for many round trips, were it handed on again
        assert auditor.result(ticket) == "done here"
    runs = log.read_text().split()
    assert runs[-1] == "True" and runs.count("True") == 1 and runs.count("False") <= 1


def test_an_answer_that_does_not_survive_the_trip_is_worked_out_here(tmp_path):
    import math

    from dpo_mixture.proof.audit import Auditor

    log = tmp_path / "runs.txt"
    with Auditor(parallel=True) as auditor:
        assert math.isnan(auditor.result(auditor.beside(_no_answer_survives, (str(log),))))
    assert 1 <= log.read_text().split().count("ran") <= 2


def test_the_second_process_holds_two_jobs_and_the_engine_takes_a_search_first(monkeypatch):
    """The second process is handed IN_FLIGHT jobs at once (the next one waits in its pipe);
    what the engine takes back while it waits is a counterexample search first (a worked
    example waits for one), then the newest audit."""
    from dpo_mixture.proof import audit
    from dpo_mixture.proof.search import Problem

    ran: list[str] = []
    real_audit, real_search = audit.run_audit, audit.run_search

    def recorded_audit(problem, *args):
        ran.append(f"audit {sp.sstr(problem.conclusion)}")
        return real_audit(problem, *args)

    def recorded_search(problem, *args):
        ran.append(f"search {sp.sstr(problem.conclusion)}")
        return real_search(problem, *args)

    monkeypatch.setattr(audit, "run_audit", recorded_audit)
    monkeypatch.setattr(audit, "PATIENCE", 0.2)
    handed: list = []
    with audit.Auditor(parallel=True) as auditor:
        assert auditor._pool is not None  # this machine (and CI's) has two CPUs
        # a second process that takes its jobs and never answers
        monkeypatch.setattr(auditor._pool, "apply_async", lambda *a, **k: handed.append(a))
        args = lambda c: (Problem(sp.Gt(beta, c)), 30, 0, 30.0)  # noqa: E731
        first = auditor.beside(audit.run_audit, args(1), patience=0.2)
        auditor.beside(audit.run_audit, args(2))
        auditor.beside(recorded_search, args(3))
        auditor.beside(audit.run_audit, args(4))
        auditor.beside(audit.run_audit, args(5))
        assert len(handed) == audit.IN_FLIGHT == 2
        assert auditor.result(first).counterexample is not None
    # taken back while the first was awaited: the search, then the audits newest first; then
    # the first itself, once its patience ran out
    assert ran == ["search beta > 3", "audit beta > 5", "audit beta > 4", "audit beta > 1"]
