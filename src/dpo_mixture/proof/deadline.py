"""Time limits that work on any thread.

:func:`time_limit` runs a block under a wall-clock budget.  A watchdog thread raises an
exception *inside the thread that runs the block* when the budget is spent (CPython's
``PyThreadState_SetAsyncExc``), so the limit works off the main thread too, where ``SIGALRM``
cannot be used.  Like a signal, the exception is delivered between bytecodes: a single C call
that never returns to Python is not interrupted, which is why the numeric evaluators also
refuse arguments whose size would make one such call run for long (see :mod:`.evaluate`).

Limits nest: an inner block with a shorter budget ends first, and an outer budget that runs
out while an inner block is running ends both.

>>> import time
>>> try:
...     with time_limit(0.05):
...         while True:
...             time.sleep(0.001)
... except TimeLimit as exc:
...     print(exc)
time limit of 0.05 s reached
"""

from __future__ import annotations

import ctypes
import sys
import threading
from contextlib import contextmanager

__all__ = ["TimeLimit", "time_limit", "DEFAULT_SECONDS"]

#: Budget of one step or one claim when nobody says otherwise.
DEFAULT_SECONDS = 30.0


class TimeLimit(Exception):
    """A block ran past its budget."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"time limit of {seconds:g} s reached")


class _Expired(BaseException):
    """Delivered into the limited thread; a subclass is made per block so limits nest.

    A ``BaseException``, so that ``except Exception`` clauses inside the block (SymPy has
    many) do not swallow it."""


#: Half-second checks a watchdog makes, after its deadline, without finding its block's opening
#: frame on the thread's stack before it gives up (a generator suspended inside a limited block
#: is off the stack until it is resumed).
AWAY_CHECKS = 120


def _frame(depth: int):
    """The frame ``depth`` calls up from the caller's, or None where the stack is shallower."""
    try:
        return sys._getframe(depth + 1)
    except ValueError:
        return None


def _on_stack(thread_id: int, frame) -> bool:
    """Whether ``frame`` is on the stack of the thread ``thread_id``."""
    f = sys._current_frames().get(thread_id)
    while f is not None:
        if f is frame:
            return True
        f = f.f_back
    return False


def _set_async_exc(thread_id: int, exc: type | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


#: The longest budget a timer can wait for (``threading.TIMEOUT_MAX``, about 292 years on Linux).
MAX_SECONDS = threading.TIMEOUT_MAX


@contextmanager
def time_limit(seconds: float | None):
    """Raise :class:`TimeLimit` in this thread if the block runs longer than ``seconds``.

    ``None`` or a nonpositive budget means no limit.
    """
    if seconds is None or seconds <= 0:
        yield
        return
    seconds = min(seconds, MAX_SECONDS)  # a longer wait overflows the platform's timer
    expired = type("_ExpiredHere", (_Expired,), {})
    target = threading.get_ident()
    # the frame whose with statement opened the block (this generator's caller's caller): the
    # block runs in it or below it
    opener = _frame(2)
    lock = threading.Lock()
    state = {"done": False, "fired": False}
    stop = threading.Event()

    def watch() -> None:
        # fire at the deadline, then again every half second while the block still runs:
        # an exception delivered inside a __del__ or a finally clause can be swallowed.  Fire
        # only while the opening frame is on the thread's stack: a block whose exit never ran
        # (an exception that landed in the with statement's own machinery) must not go on
        # firing into whatever the thread does next
        if stop.wait(seconds):
            return
        away = 0
        while True:
            with lock:
                if state["done"]:
                    return
                if opener is None or _on_stack(target, opener):
                    away = 0
                    state["fired"] = True
                    _set_async_exc(target, expired)
                else:
                    away += 1
                    if away > AWAY_CHECKS:
                        return
            if stop.wait(0.5):
                return

    watcher = threading.Thread(target=watch, daemon=True, name="dpo-mixture time limit")
    try:
        watcher.start()  # inside the try: whatever lands from here on reaches the bookkeeping
        try:
            yield
        finally:
            # the watchdog must learn that the block is over even if its exception lands here,
            # in this clause: else it would go on firing into whatever code runs next.  An
            # enclosing block's exception may land here too: it is held until the bookkeeping is
            # done (else this watchdog would never stop), then passed on
            foreign = None
            while True:
                try:
                    with lock:
                        state["done"] = True
                        fired = state["fired"]
                        if fired:
                            _set_async_exc(target, None)  # drop the exception if it is still pending
                    stop.set()
                    if watcher.is_alive():
                        watcher.join(1.0)  # it wakes at once: no watchdog outlives its block
                    break
                except _Expired as exc:
                    if not isinstance(exc, expired):
                        foreign = exc
                    continue
            if foreign is not None:
                raise foreign
    except expired:
        raise TimeLimit(seconds) from None
    if fired:
        raise TimeLimit(seconds)
