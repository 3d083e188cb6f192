"""Time limits (``proof/deadline.py``): a watchdog thread raises inside the limited block; it
never outlives its block and never fires into code that runs after it."""

from __future__ import annotations

import threading
import time

import pytest
import sympy as sp

from dpo_mixture.proof.deadline import TimeLimit, time_limit


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sum(range(100))


def test_a_block_past_its_budget_ends_with_time_limit():
    with pytest.raises(TimeLimit, match="time limit of 0.05 s reached"):
        with time_limit(0.05):
            _spin(5.0)


def test_a_block_whose_exit_never_ran_does_not_fire_into_what_follows():
    """CI once failed when the watchdog's exception landed in pytest's own code: a block whose
    exit never ran (an exception that lands in the with statement's machinery leaves it so)
    went on firing into whatever the thread did next, every half second, to the end of the run."""

    def open_and_leave():
        block = time_limit(0.05)
        block.__enter__()
        return block  # the exit never runs here

    block = open_and_leave()
    _spin(1.2)  # past the deadline and two more firings: nothing may land here
    block.__exit__(None, None, None)  # it did not fire, so it ends quietly


def test_no_watchdog_outlives_its_block():
    """A report decided in one process left watchdog threads behind for a moment, and a
    report decided right after it in two processes then started a fresh interpreter instead of
    a fork (review 49b F5)."""
    from dpo_mixture.notation import beta
    from dpo_mixture.proof import Derivation, Report, Step

    before = threading.active_count()
    for _ in range(3):
        with time_limit(5.0):
            pass
    steps = (Step("one", "", sp.Gt(beta + 1, 1, evaluate=False), ""),)
    Report.run([Derivation("d", "d", steps)], parallel=False)
    assert threading.active_count() == before
