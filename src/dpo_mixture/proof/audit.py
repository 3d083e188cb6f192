"""The audit: the certified search, run on every step the kernel accepted.

Auditing does not change a correct verdict, so it can run beside the engine: an
:class:`Auditor` hands each audit to a second process (a fork of this one where that is safe,
else a fresh interpreter that imports the package while the first steps are checked) and the
main process goes on with the next steps; :meth:`Auditor.result` collects the answers at the
end.  Where no second process can be had (one CPU), the audit runs in place.  Either way
each audit has a time limit.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import pickle
import sys
import threading
from typing import Any

import sympy as sp
from sympy.concrete.expr_with_limits import ExprWithLimits

from .deadline import TimeLimit, time_limit
from .search import Problem, SearchResult, search

__all__ = ["Auditor", "run_audit", "run_search"]


#: Instances of an audit that floats cannot screen and that are screened again at 60 digits.
AUDIT_SLOW_SCREENS = 3
#: Ties at 60 digits an audit decides in exact numbers (a proved identity ties everywhere, and
#: each exact evaluation of a transcendental expression costs a quarter of a second).
AUDIT_EXACT_TIES = 1
#: Float candidates an audit has confirmed in vain before it stops confirming them.
AUDIT_FALSE_ALARMS = 2


def _readable(problem: Problem | None) -> Problem:
    if problem is None:  # raised in the second process: the engine then runs the job in place
        raise RuntimeError("the problem could not be read back in the second process")
    return problem


def run_audit(problem: Problem, samples: int, seed: int, seconds: float | None) -> SearchResult | None:
    """The certified search on ``problem``; ``None`` when it ran out of time or could not run."""
    problem = _readable(problem)
    try:
        with time_limit(seconds):
            return search(problem, samples=samples, seed=seed, slow_screens=AUDIT_SLOW_SCREENS,
                          exact_ties=AUDIT_EXACT_TIES, false_alarms=AUDIT_FALSE_ALARMS, rational_ties=True,
                          batch=samples)
    except (TimeLimit, ValueError, TypeError, RecursionError):
        return None


def run_search(problem: Problem, samples: int, seed: int, seconds: float | None,
               progress=None) -> SearchResult | str:
    """The counterexample search of a step the kernel did not accept: its result, or why there
    is none (a sentence).  It may run beside the engine like an audit (a step that cites this
    one is undecided whatever the search finds)."""
    problem = _readable(problem)
    try:
        with time_limit(seconds):
            return search(problem, samples=samples, seed=seed, progress=progress)
    except TimeLimit as exc:
        return f"undecided: {exc} (set Step.seconds for a larger budget)"
    except (ValueError, TypeError) as exc:
        return f"search impossible: {exc}"


#: Seconds the engine waits for the second process's answer before it runs the audit itself.
PATIENCE = 5.0
#: Jobs handed to the second process at once: the next one waits in its pipe while it works on
#: one, so that it never sits idle while this process (busy, holding the interpreter's lock)
#: gets round to answering and handing on.  Only those are out of reach of :meth:`Auditor.result`,
#: which runs the rest here when the engine asks for them.
IN_FLIGHT = 2
#: Seconds :meth:`Auditor.close` waits for the second process to end.
CLOSE_SECONDS = 10.0
#: Modules that run threads of their own (a fork of a process holding them can deadlock).
THREADED_LIBRARIES = ("jax", "torch", "tensorflow")


def start_method() -> str:
    """How the second process starts: a fork where that is safe (Linux, no other thread in this
    process, no library with threads of its own loaded), so that it begins auditing at once with
    everything already imported; else a fresh interpreter (spawn), which imports the package
    first."""
    safe = (sys.platform.startswith("linux") and threading.active_count() == 1
            and not any(name in sys.modules for name in THREADED_LIBRARIES)
            and "fork" in multiprocessing.get_all_start_methods())
    return "fork" if safe else "spawn"


#: What the second process answers when an audit failed there (it is run again in place).
_FAILED = object()


#: SymPy classes whose constructor evaluates (reorders, combines, decides): pickle rebuilds a
#: node by calling its class, so these are rebuilt by :func:`_node` instead.
_EVALUATING = (sp.core.operations.AssocOp, sp.Pow, sp.Function, sp.core.relational.Relational, sp.Piecewise,
               sp.logic.boolalg.BooleanFunction, ExprWithLimits)


def _node(cls, args: tuple) -> sp.Basic:
    """A SymPy node with exactly the arguments it was sent with: built with evaluation off
    (``-1/p < 0`` would arrive as ``True``, ``p/p`` as ``1``).  A sum (an expression with limits)
    is not built by its class at all, which folds piecewise parts of its body and multiplies it
    by the orientation of its range whatever the evaluation: its arguments are set as they
    were, as the class itself sets them once it has built them."""
    if issubclass(cls, ExprWithLimits):
        node = sp.Expr.__new__(cls)
        node._args = tuple(args)
        node.is_commutative = args[0].is_commutative
        return node
    with sp.evaluate(False):
        return cls(*args)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, _EVALUATING):
            return _node, (type(obj), obj.args)
        return NotImplemented


def send(value: Any) -> bytes:
    """``value`` as bytes for the other process, every expression rebuilt there node for node
    as it was written (see :func:`_node`; a search problem travels as the report's text).

    >>> from dpo_mixture.notation import p, y, support_sum
    >>> claim = sp.StrictLessThan(-1 / p[y], 0, evaluate=False)
    >>> received(send(claim)) == claim, received(send(support_sum(p[y]))) == support_sum(p[y])
    (True, True)
    """
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def received(data: bytes) -> Any:
    """What :func:`send` sent."""
    return pickle.loads(data)


def run_sent(job, data: bytes) -> bytes:
    """Run ``job`` on the arguments :func:`send` sent, in the second process, and send back its
    answer, once the answer is known to arrive equal to itself (else the job fails there and
    this process runs it)."""
    value = job(*received(data))
    out = send(value)
    if received(out) != value:
        raise ValueError("the answer does not survive the trip between the processes")
    return out


class Auditor:
    """Audits in a second process when one is available, else in place.

    The audits wait in a queue of this process and the second process is handed one at a time,
    so that when the engine has decided every step and asks for the answers, it takes the
    audits the second process has not begun and runs them itself, instead of waiting for the
    second process to work through them alone.

    >>> import sympy as sp
    >>> from dpo_mixture.notation import beta
    >>> with Auditor(parallel=False) as auditor:
    ...     job = auditor.submit(Problem(sp.Gt(beta, 1)), 30, 0, 5.0)
    ...     auditor.result(job).counterexample is not None
    True
    """

    def __init__(self, parallel: bool = True):
        self._pool = None
        self._lock = threading.Condition()
        self._done: dict[int, Any] = {}
        self._queue: dict[int, tuple] = {}  # waiting, in the order submitted
        self._running: dict[int, tuple] = {}  # handed to the second process (IN_FLIGHT at a time)
        self._next = 0
        self._patience: dict[int, float] = {}  # tickets that may keep the second process longer
        self._here: set[int] = set()  # tickets this process runs itself (they failed over there)
        self._method = start_method()
        if parallel and (os.cpu_count() or 1) > 1:
            try:
                self._pool = multiprocessing.get_context(self._method).Pool(1)
            except (OSError, ValueError):  # no second process here: audit in place
                self._pool = None
        self._first_workers = self._workers() if self._pool is not None else frozenset()

    @property
    def parallel(self) -> bool:
        """Whether a second process takes the work (else :meth:`submit` runs it at once)."""
        return self._pool is not None

    @property
    def forked(self) -> bool:
        """Whether the second process is a fork of this one, holding everything this process
        held when the auditor was made (so that a job may name objects instead of sending them)."""
        return self._pool is not None and self._method == "fork"

    def submit(self, problem: Problem, samples: int, seed: int, seconds: float | None, job=run_audit) -> int:
        """Start an audit (or another search ``job``, such as :func:`run_search`, with the same
        arguments); returns a ticket for :meth:`result`."""
        return self.beside(job, (problem, samples, seed, seconds))

    def beside(self, job, args: tuple, patience: float = PATIENCE) -> int:
        """Queue ``job(*args)``, a function of a module (the second process finds it by name),
        for the second process; returns a ticket for :meth:`result`.  ``patience``: the seconds
        :meth:`result` waits for the second process's answer once nothing else is left to do,
        before it runs the job itself.  Without a second process the job runs at once."""
        ticket = self._next
        self._next += 1
        if self._pool is None:
            self._done[ticket] = job(*args)
            return ticket
        with self._lock:
            self._queue[ticket] = (job, args)
            if patience != PATIENCE:
                self._patience[ticket] = patience
            self._hand_on()
        return ticket

    def _hand_on(self) -> None:
        """Give the second process the next audit of the queue, if it holds fewer than
        :data:`IN_FLIGHT` (lock held).  A job that failed there once is left for this process."""
        if len(self._running) >= IN_FLIGHT or self._pool is None:
            return
        waiting = [t for t in self._queue if t not in self._here]
        if not waiting:
            return
        # another job (a counterexample search, which runs to its end unless it finds one)
        # before the audits: the short audits are what the two processes share at the end
        ticket = next((t for t in waiting if self._queue[t][0] is not run_audit), waiting[0])
        work = self._queue.pop(ticket)
        self._running[ticket] = work
        job, args = work
        try:
            self._pool.apply_async(run_sent, (job, send(args)), callback=lambda value: self._finished(ticket, value),
                                   error_callback=lambda exc: self._finished(ticket, _FAILED))
        except ValueError:  # the pool is closing: the audit is run here when it is asked for
            self._queue[ticket] = self._running.pop(ticket)
            return
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):  # cannot be sent: run it here
            self._here.add(ticket)
            self._queue = {ticket: self._running.pop(ticket), **self._queue}
        self._hand_on()  # the next one, up to IN_FLIGHT

    def _finished(self, ticket: int, value: Any) -> None:
        """The second process answered (called on the pool's thread)."""
        with self._lock:
            work = self._running.pop(ticket, None)
            if value is not _FAILED:
                try:
                    value = received(value)
                except Exception:  # noqa: BLE001 - an answer that cannot be read is no answer
                    value = _FAILED
            if ticket in self._done:
                pass  # already audited here (the second process was slow)
            elif value is _FAILED and work is not None:
                self._here.add(ticket)
                self._queue = {ticket: work, **self._queue}  # the worker failed: audit it here
            else:
                self._done[ticket] = value
            self._hand_on()
            self._lock.notify_all()

    def result(self, ticket: int) -> SearchResult | None:
        """The audit's result.  One the second process has not begun is run here.  While the
        second process works on the one asked for, this process runs the audits at the back of
        the queue (the second process takes them from the front); with none left, it waits a
        few seconds at most and then runs the audit itself, so that a stalled second process
        never holds the engine up."""
        while True:
            with self._lock:
                if ticket in self._done:
                    return self._done[ticket]
                if ticket in self._queue:
                    work, mine = self._queue.pop(ticket), ticket
                elif ticket not in self._running:
                    raise KeyError(f"no audit with ticket {ticket}")
                elif self._queue:
                    # a counterexample search first (what the engine waits for next, a worked
                    # example's, is one), else the newest audit
                    mine = next((t for t in reversed(self._queue) if self._queue[t][0] is not run_audit),
                                next(reversed(self._queue)))
                    work = self._queue.pop(mine)
                elif self._wait(ticket):
                    continue
                else:  # the second process is slow or stalled: audit it here as well
                    work, mine = self._running[ticket], ticket
            job, args = work
            value = job(*args)
            with self._lock:
                self._done.setdefault(mine, value)
                if mine == ticket:
                    return self._done[ticket]

    def _wait(self, ticket: int) -> bool:
        """Wait (lock held) for the second process to answer ``ticket``: at most the ticket's
        patience, and no longer once the second process has died (its job is then lost)."""
        left = self._patience.get(ticket, PATIENCE)
        while left > 0:
            if self._lock.wait_for(lambda: ticket not in self._running, timeout=min(PATIENCE, left)):
                return True
            left -= PATIENCE
            if self._pool is None or self._workers() != self._first_workers:
                return False
        return False

    def _workers(self) -> frozenset:
        """The process ids of the second process (the pool replaces a worker that died)."""
        return frozenset(p.pid for p in getattr(self._pool, "_pool", ()) if p.is_alive())

    def close(self) -> None:
        """End the second process.  Once its worker has died, CPython's ``Pool.terminate`` and
        ``join`` can wait forever, so they run on a thread of their own, waited for at most
        :data:`CLOSE_SECONDS` (the pool's processes are daemons: they end with this one)."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            closer = threading.Thread(target=lambda: (pool.terminate(), pool.join()), daemon=True)
            closer.start()
            closer.join(CLOSE_SECONDS)

    def __enter__(self) -> "Auditor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
