"""File commands of the emulated phone: sha256sum (also as a toybox applet), mkdir, rm, ls, cat."""

from __future__ import annotations

import hashlib
import shutil

from kdoffload.android.phone.shell import Call


def sha256sum(call: Call, args: list[str]) -> int:
    code = 0
    for name in args:
        path = call.path(name)
        if not path.is_file():
            what = "Is a directory" if path.is_dir() else "No such file or directory"
            code = call.fail(f"sha256sum: {name}: {what}")
            continue
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        call.print(f"{digest.hexdigest()}  {name}")
    return code


def mkdir(call: Call, args: list[str]) -> int:
    parents = "-p" in args
    code = 0
    for name in (a for a in args if not a.startswith("-")):
        path = call.path(name)
        if path.exists() and not parents:
            code = call.fail(f"mkdir: '{name}': File exists")
        elif not parents and not path.parent.is_dir():
            code = call.fail(f"mkdir: '{name}': No such file or directory")
        else:
            path.mkdir(parents=parents, exist_ok=parents)
    return code


def rm(call: Call, args: list[str]) -> int:
    flags = "".join(a[1:] for a in args if a.startswith("-"))
    recursive, force = "r" in flags or "R" in flags, "f" in flags
    code = 0
    for name in (a for a in args if not a.startswith("-")):
        path = call.path(name)
        if path == call.phone.storage.root:
            code = call.fail(f"rm: '{name}': refusing to remove the root")
        elif path.is_dir() and not path.is_symlink():
            if recursive:
                shutil.rmtree(path)
            else:
                code = call.fail(f"rm: {name}: is a directory")
        elif path.exists() or path.is_symlink():
            path.unlink()
        elif not force:
            code = call.fail(f"rm: {name}: No such file or directory")
    return code


def ls(call: Call, args: list[str]) -> int:
    names = [a for a in args if not a.startswith("-")] or ["."]
    code = 0
    for name in names:
        path = call.path(name)
        if path.is_dir():
            for entry in sorted(p.name for p in path.iterdir()):
                call.print(entry)
        elif path.exists():
            call.print(name)
        else:
            code = call.fail(f"ls: {name}: No such file or directory")
    return code


def cat(call: Call, args: list[str]) -> int:
    code = 0
    for name in args:
        path = call.path(name)
        if path.is_file():
            call.out += path.read_bytes()
        else:
            code = call.fail(f"cat: {name}: No such file or directory")
    return code


FILE_COMMANDS = {"sha256sum": sha256sum, "mkdir": mkdir, "rm": rm, "ls": ls, "cat": cat}


def toybox(call: Call, args: list[str]) -> int:
    if not args:
        call.print(" ".join(sorted(FILE_COMMANDS)))
        return 0
    applet = FILE_COMMANDS.get(args[0])
    if applet is None:
        return call.fail(f"toybox: Unknown command {args[0]}")
    return applet(call, args[1:])
