"""Require an artifact, making it first if it is missing: the one rule every job follows.

An artifact that exists is used as it is (after its own check, which may refuse it); only a
missing one is made. Whether an export is current is `mobile_export.export.current_export`'s
rule, not this one: an export follows its checkpoint, which a plain "exists" cannot see.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable


class Refused(Exception):
    """A step refused its result on purpose (verification refused an export): one line, exit 1."""


def require(path: Path, make: Callable[[], object], check: Callable[[Path], None] | None = None) -> Path:
    """`path`, checked by `check` if it exists, else made by `make()` (which writes it)."""
    path = Path(path)
    if path.exists():
        if check is not None:
            check(path)
        return path
    make()
    return path
