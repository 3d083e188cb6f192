"""The audit: the certified search, run on every step the kernel accepted.

Auditing does not change a correct verdict, so it can run beside the engine: an
:class:`Auditor` hands each audit to a second process (a fresh interpreter, started when the
auditor is made, so that it imports the package while the first steps are checked) and the
main process goes on with the next steps; :meth:`Auditor.result` collects the answers at the
end.  Where no second process can be had (one CPU), the audit runs in place.  Either way
each audit has a time limit.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

from .deadline import TimeLimit, time_limit
from .search import Problem, SearchResult, search

__all__ = ["Auditor", "run_audit"]


#: Instances of an audit that floats cannot screen and that are screened again at 60 digits.
AUDIT_SLOW_SCREENS = 3
#: Ties at 60 digits an audit decides in exact numbers (a proved identity ties everywhere, and
#: each exact evaluation of a transcendental expression costs a quarter of a second).
AUDIT_EXACT_TIES = 1
#: Float candidates an audit has confirmed in vain before it stops confirming them.
AUDIT_FALSE_ALARMS = 2


def run_audit(problem: Problem, samples: int, seed: int, seconds: float | None) -> SearchResult | None:
    """The certified search on ``problem``; ``None`` when it ran out of time or could not run."""
    try:
        with time_limit(seconds):
            return search(problem, samples=samples, seed=seed, slow_screens=AUDIT_SLOW_SCREENS,
                          exact_ties=AUDIT_EXACT_TIES, false_alarms=AUDIT_FALSE_ALARMS)
    except (TimeLimit, ValueError, TypeError, RecursionError):
        return None


class Auditor:
    """Audits in a second process when one is available, else in place.

    >>> import sympy as sp
    >>> from dpo_mixture.notation import beta
    >>> with Auditor(parallel=False) as auditor:
    ...     job = auditor.submit(Problem(sp.Gt(beta, 1)), 30, 0, 5.0)
    ...     auditor.result(job).counterexample is not None
    True
    """

    def __init__(self, parallel: bool = True):
        self._pool = None
        self._done: dict[int, Any] = {}
        self._jobs: dict[int, Any] = {}
        self._next = 0
        if parallel and (os.cpu_count() or 1) > 1:
            try:  # spawn, not fork: forking a process with threads (JAX, timers) can deadlock
                self._pool = multiprocessing.get_context("spawn").Pool(1)
            except (OSError, ValueError):  # no second process here: audit in place
                self._pool = None

    def submit(self, problem: Problem, samples: int, seed: int, seconds: float | None) -> int:
        """Start an audit; returns a ticket for :meth:`result`."""
        ticket = self._next
        self._next += 1
        if self._pool is None:
            self._done[ticket] = run_audit(problem, samples, seed, seconds)
        else:
            self._jobs[ticket] = (self._pool.apply_async(run_audit, (problem, samples, seed, seconds)), (problem, samples, seed, seconds))
        return ticket

    def result(self, ticket: int) -> SearchResult | None:
        """The audit's result (waits for it)."""
        if ticket in self._done:
            return self._done[ticket]
        job, args = self._jobs.pop(ticket)
        try:
            value = job.get(timeout=(args[3] or 600) + 60)
        except Exception:  # the worker failed or hung: audit in place instead
            value = run_audit(*args)
        self._done[ticket] = value
        return value

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> "Auditor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
