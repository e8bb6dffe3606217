"""A test fixture made by a script, kept under build/ until something the script read changes.

    python tests/kdoffload/android/fixture_cache.py [--root DIR] OUT SCRIPT [ARG ...]

runs SCRIPT in this process as `SCRIPT --out OUT ARG ...`, unless OUT/stamp.json records a build
of the same SCRIPT and ARGs whose inputs are all unchanged: every file of the repository the build
opened for reading (--root, default this repository: the script, each module it imported, the profile and data files it loaded;
seen by an audit hook, so no list is kept by hand that could miss one) by its sha256, and the
versions of the packages that lower and run the program. A build a subprocess of SCRIPT does is
not seen (neither fixture script starts one). The check imports nothing heavy: a current fixture
costs a fraction of a second, so pytest's fixtures and the Makefile's targets both call this.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import runpy
import sys
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PACKAGES = ("torch", "executorch", "numpy")
STAMP = "stamp.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def versions() -> dict[str, str | None]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def is_input(path: Path, out: Path, root: Path = REPO) -> bool:
    """A source the build read: inside the repository, not a byte-code cache, not the venv or
    build/ (outputs, the native library: the fixture's exact labels do not depend on which
    solver found them), not the fixture itself."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    if not parts or parts[0] in (".venv", "build", ".git") or "__pycache__" in parts:
        return False
    return out not in path.parents and path.is_file()


def current(out: Path, command: list[str], root: Path = REPO) -> bool:
    try:
        stamp = json.loads((out / STAMP).read_text())
        if stamp["command"] != command or stamp["packages"] != versions():
            return False
        return all((root / name).is_file() and sha256(root / name) == digest
                   for name, digest in stamp["inputs"].items())
    except (OSError, ValueError, KeyError, TypeError):
        return False


def build(out: Path, script: Path, args: list[str], root: Path = REPO) -> dict[str, str]:
    """Runs the script; returns {repository path: sha256} of every input it opened."""
    opened: set[Path] = set()

    def hook(event: str, hook_args: tuple) -> None:
        if event == "open" and isinstance(hook_args[0], (str, bytes, os.PathLike)):
            mode, flags = hook_args[1], hook_args[2]
            writes = any(c in mode for c in "wax+") if isinstance(mode, str) else \
                bool(flags & (os.O_WRONLY | os.O_RDWR))
            if not writes:
                opened.add(Path(os.fsdecode(hook_args[0])).resolve())

    sys.addaudithook(hook)  # an audit hook stays for the process: this process builds once
    sys.argv = [str(script), "--out", str(out), *args]
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exit_:
        if exit_.code not in (None, 0):
            raise
    opened.add(script.resolve())
    return {str(p.relative_to(root)): sha256(p) for p in sorted(opened) if is_input(p, out.resolve(), root)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the tree whose files are inputs")
    parser.add_argument("out", type=Path)
    parser.add_argument("script", type=Path)
    parser.add_argument("args", nargs=argparse.REMAINDER, help="passed to SCRIPT after --out OUT")
    cli = parser.parse_args()
    root, out, script, args = cli.root.resolve(), cli.out.resolve(), cli.script.resolve(), cli.args
    if not script.is_file():
        parser.error(f"{script}: no such script")
    command = [str(script.relative_to(root)), *args]
    if current(out, command, root):
        print(f"{out}: current (no input of {command[0]} changed)")
        return
    (out / STAMP).unlink(missing_ok=True)  # a build that fails leaves no stamp behind
    inputs = build(out, script, args, root)
    stamp = {"command": command, "packages": versions(), "inputs": inputs}
    tmp = out / f"{STAMP}.tmp"
    tmp.write_text(json.dumps(stamp, indent=1) + "\n")
    os.replace(tmp, out / STAMP)
    print(f"{out}: built by {command[0]} ({len(inputs)} inputs recorded)")

if __name__ == "__main__":
    main()
