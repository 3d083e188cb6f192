"""Atomic file output for the command line: nothing half-written is ever left in place."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from . import UsageError

__all__ = ["writable_dir", "staging_dir", "publish", "write_atomic"]


def writable_dir(path: str | os.PathLike, argument: str) -> Path:
    """Create ``path`` if needed and check that files can be written there."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{argument} {out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{argument} {out}: cannot create directory ({exc.strerror})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"{argument} {out}: directory is not writable")
    return out


def staging_dir(out: Path) -> Path:
    """A fresh scratch directory beside ``out`` (same file system, so moves are atomic)."""
    return Path(tempfile.mkdtemp(prefix=".dpo-mixture-", dir=out))


def publish(staging: Path, out: Path, names: list[str]) -> None:
    """Move each staged file into ``out`` with an atomic rename, then drop the scratch dir."""
    try:
        for name in names:
            os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_atomic(path: str | os.PathLike, text: str, argument: str = "--output") -> None:
    """Write ``text`` to ``path`` through a temporary file and one rename."""
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{argument} {target}: directory {parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=parent)
    except OSError as exc:
        raise UsageError(f"{argument} {target}: cannot write there ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        mask = os.umask(0)  # mkstemp makes the file private; give it the usual permissions
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
