"""Numbers and paths from the command line, checked where they enter, before any work starts.

Each check returns the value or raises an InputError naming the option and what is wrong.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

from kdoffload.model.errors import InputError

MAX_SEED = 2**32 - 1
# Bytes one demonstration holds in memory while a dataset is assembled (features, labels, state
# fields, their concatenation copy), per subtask and per state: a generous over-estimate.
BYTES_PER_STATE = 600
BYTES_PER_SUBTASK = 80


def count(value: int, option: str, low: int = 1, high: int | None = None) -> int:
    if value < low or (high is not None and value > high):
        bound = f"from {low:,} to {high:,}" if high is not None else f"at least {low:,}"
        raise InputError(f"{option}: must be {bound}, got {value:,}")
    return value


def seed(value: int, option: str = "--seed") -> int:
    return count(value, option, 0, MAX_SEED)


def number(value: float, option: str, low: float | None = None, high: float | None = None,
           open_low: bool = False) -> float:
    """A finite float within [low, high] (or (low, high] with open_low)."""
    if not math.isfinite(value):
        raise InputError(f"{option}: must be a finite number, got {value}")
    too_low = low is not None and (value <= low if open_low else value < low)
    if too_low or (high is not None and value > high):
        left = "(" if open_low else "["
        raise InputError(f"{option}: must lie in {left}{low if low is not None else '-inf'}, "
                         f"{high if high is not None else 'inf'}], got {value}")
    return value


def memory_bytes() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def states_fit(samples: int, n: int, option: str = "--samples") -> int:
    """Refuse, with the estimate, a state count whose arrays cannot fit in this machine's memory."""
    need = samples * (BYTES_PER_STATE + BYTES_PER_SUBTASK * n)
    have = memory_bytes()
    if need > have // 2:
        raise InputError(f"{option}: {samples:,} states need about {need / 2**30:.1f} GiB, "
                         f"more than half of this machine's {have / 2**30:.1f} GiB")
    return samples


def cpu(index: int, option: str = "--cpu") -> int:
    allowed = sorted(os.sched_getaffinity(0))
    if index not in allowed:
        raise InputError(f"{option}: CPU {index} is not available here (available: "
                         f"{', '.join(map(str, allowed))})")
    return index


def output_file(path: Path, option: str, force: bool = False, suffix: str | None = None) -> Path:
    """A file the command may write: not a directory, its folder creatable and writable."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{option} {path}: is a directory")
    if suffix and path.suffix != suffix:
        raise InputError(f"{option} {path}: must be a {suffix} file")
    if path.exists() and not force:
        raise InputError(f"{option} {path}: already exists (use --force to overwrite)")
    _writable_folder(path.parent, option, path)
    return path


def output_dir(path: Path, option: str) -> Path:
    """A folder the command may write files in: not a file, creatable and writable."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(f"{option} {path}: is a file, not a folder")
    _writable_folder(path, option, path)
    return path


def _writable_folder(folder: Path, option: str, target: Path) -> None:
    """The nearest existing folder of `folder` takes a file: tried, since permission bits say
    nothing to root and nothing of a read-only mount."""
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise InputError(f"{option} {target}: {folder} is a file, not a folder")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as err:
        raise InputError(f"{option} {target}: {folder} is not writable ({err.strerror})") from None
