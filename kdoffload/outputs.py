"""What a command writes: one run at a time on it, and never an artifact replaced unasked.

The lock: a run holds `fcntl.flock` on `runs/.<profile>.lock` for everything it writes under
`runs/<profile>/`, or on `.<name>.lock` beside an output elsewhere (`data --out`, `simulate --out`). A
second run on the same outputs is refused in one line that names the holder (pid, command, start
time). The kernel drops a flock when its process dies however it dies, so a dead run's lock file
never blocks; the file is removed when its run ends. While it holds the lock a run is the only
writer there, so any temporary file of an atomic write (`.<name>.*.tmp`) it finds then is a
killed run's, and it removes them.

The rule for existing outputs: an artifact later steps build on (dataset, checkpoint, student
sweep, ablation, export) is never replaced unless the command is told `--force` (make it again)
or, where it can, `--resume` (continue it). Reports are measurements of those artifacts and are
written again by every run. `demo` reuses every artifact that exists and makes only what is missing.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

from kdoffload.model.errors import InputError
from kdoffload.model.runs import Runs

def lock_scope(path: Path) -> tuple[Path, Path]:
    """(lock file, what it covers) for an output: its runs/<profile>/ folder, else the output
    itself; the lock is `.<name>.lock` beside what it covers (so a file straight in runs/ and a
    profile's folder never share one, and no folder is made for a file)."""
    path = Path(path)
    try:
        inside = path.resolve().relative_to(Runs.root.resolve()).parts
    except ValueError:
        inside = ()
    covers = Runs(inside[0]).dir if inside else path
    return covers.parent / f".{covers.name}.lock", covers


def _command_line() -> str:
    if Path(sys.argv[0]).name == "kdoffload":
        return shlex.join(["kdoffload", *sys.argv[1:]])
    return "kdoffload (in process)"


def _holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"pid {info['pid']} ({info['command']}, since {info['started']})"
    except (ValueError, KeyError, OSError):
        return "another run (it has not said which yet)"


def _made_folders(folder: Path) -> list[Path]:
    """The folders that `mkdir(parents=True)` of `folder` would create, innermost first."""
    made = []
    while not folder.exists():
        made.append(folder)
        folder = folder.parent
    return made


@contextmanager
def _locked(lock: Path, covers: Path) -> Iterator[None]:
    made = _made_folders(lock.parent)
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = _acquire(lock, covers)
    except OSError as err:
        raise InputError(f"{covers}: cannot take its lock {lock} ({err.strerror})") from None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "command": _command_line(),
                                  "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}).encode(), 0)
        remove_stale_temporaries(covers)
        yield
    finally:
        lock.unlink(missing_ok=True)  # before the unlock: a waiting run then locks a fresh file
        os.close(fd)
        for folder in made:  # a refused run leaves no empty folders behind
            try:
                folder.rmdir()
            except OSError:
                break


def _acquire(lock: Path, covers: Path) -> int:
    """An fd holding the flock of the file now at `lock` (not one its last holder unlinked)."""
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise InputError(f"{covers}: in use by {holder}; wait for it to end or stop it") from None
        try:
            if os.stat(lock).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


def remove_stale_temporaries(covers: Path) -> list[Path]:
    """Temporary files of atomic writes under `covers` (or named after it): a killed run's."""
    found = list(covers.parent.glob(f".{covers.name}.*.tmp"))
    for folder in [covers, *covers.parent.glob(f"{covers.name}.*")]:
        if folder.is_dir():
            found += folder.rglob(".*.tmp")
    for path in found:
        path.unlink(missing_ok=True)
    return found


@contextmanager
def holding(*outputs: Path) -> Iterator[None]:
    """The locks of every output, taken before any work and held until the command ends."""
    scopes = {}
    for output in outputs:
        lock, covers = lock_scope(output)
        scopes.setdefault(lock.resolve() if lock.parent.exists() else lock.absolute(), (lock, covers))
    with ExitStack() as stack:
        for key in sorted(scopes):
            stack.enter_context(_locked(*scopes[key]))
        yield


def replaceable(path: Path, force: bool, resume: bool | None = None) -> Path:
    """Refuse an artifact that exists unless --force (or --resume, where the command has it)."""
    if force and resume:
        raise InputError("--force and --resume: choose one (start over, or continue)")
    if Path(path).exists() and not (force or resume):
        how = "--resume continues it, --force makes it again" if resume is not None \
            else "use --force to make it again"
        raise InputError(f"{path}: already exists ({how})")
    return Path(path)
