"""The emulated phone's shell: a command line split like sh does, then one of a few commands.

Anything else answers as a phone's sh would, "not found" with exit code 127; a command never
reports success for work it did not do.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Callable

from kdoffload.android.phone.storage import OutsideSandbox


@dataclass
class Call:
    """One command's world: the phone, its working directory, stdin, and what it printed."""

    phone: object  # kdoffload.android.phone.server.Phone
    cwd: str = "/"
    stdin: Callable[[int], bytes] | None = None
    out: bytearray = field(default_factory=bytearray)
    err: bytearray = field(default_factory=bytearray)

    def print(self, text: str) -> None:
        self.out += (text + "\n").encode()

    def fail(self, text: str, code: int = 1) -> int:
        self.err += (text + "\n").encode()
        return code

    def path(self, device_path: str):
        return self.phone.storage.host_path(device_path, self.cwd)


Command = Callable[[Call, list[str]], int]


def run_line(call: Call, line: str, commands: dict[str, Command]) -> int:
    """Run one command line; returns its exit code (output is in call.out / call.err)."""
    try:
        argv = shlex.split(line)
    except ValueError as err:
        return call.fail(f"sh: syntax error: {err}", 2)
    # adb's legacy install appends `</dev/null`; that much of sh's redirection is understood.
    argv = [a for a in argv if a != "</dev/null"]
    if any(a[:1] in "<>|;&" or a[:2] in ("1>", "2>") for a in argv if a):
        return call.fail(f"sh: {line!r}: the emulated phone runs one plain command, no redirection", 2)
    if not argv:
        return 0
    return run_argv(call, argv, commands)


def run_argv(call: Call, argv: list[str], commands: dict[str, Command]) -> int:
    name = argv[0].rsplit("/", 1)[-1] if argv[0].startswith("/system/bin/") else argv[0]
    command = commands.get(name)
    if command is None:
        return call.fail(f"sh: {argv[0]}: not found", 127)
    try:
        return command(call, argv[1:])
    except OutsideSandbox as err:
        return call.fail(f"{name}: {err}: Permission denied")
