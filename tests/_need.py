"""Skip a test for a missing tool outside CI; in CI (``CI`` set) a missing tool is a failure."""

from __future__ import annotations

import os

import pytest


def need(available: bool, why: str) -> None:
    """Require a tool: in CI its absence fails the test, elsewhere it skips with ``why``."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide this: {why}")
    pytest.skip(why)
