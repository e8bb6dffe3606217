"""`run-as`, `logcat` and `getprop` on the emulated phone."""

from __future__ import annotations

import re

from kdoffload.android.phone.apk import apk_info
from kdoffload.android.phone.files import FILE_COMMANDS
from kdoffload.android.phone.shell import Call, run_argv

LOGCAT_WAIT_S = 3600.0  # a follow read whose adb went away ends at last


def run_as(call: Call, args: list[str]) -> int:
    """Run a file command inside an installed app's data folder, as the app would; as on a
    phone, only for a package whose manifest says android:debuggable."""
    if len(args) < 2:
        return call.fail("usage: run-as PACKAGE COMMAND...")
    package = args[0]
    if not call.phone.storage.is_installed(package):
        return call.fail(f"run-as: unknown package: {package}")
    if not apk_info(call.path(f"/data/app/{package}/base.apk").read_bytes()).debuggable:
        return call.fail(f"run-as: package not debuggable: {package}")
    inner = Call(call.phone, cwd=call.phone.storage.app_dir(package), stdin=call.stdin,
                 out=call.out, err=call.err)
    return run_argv(inner, args[1:], FILE_COMMANDS)


def logcat(call: Call, args: list[str]) -> int:
    """`-c` clears; `-d` dumps; otherwise it follows the log, as logcat does, until `-m N` lines
    have matched `-e REGEX` (no -m: until the reader goes away). `-s TAG...` keeps those tags."""
    if "-c" in args:
        call.phone.storage.clear_log()
        return 0
    tags, pattern, count, rest = None, None, None, list(args)
    while rest:
        option = rest.pop(0)
        if option == "-s":
            tags = set()
            while rest and not rest[0].startswith("-"):
                tags.add(rest.pop(0).split(":", 1)[0])
        elif option in ("-e", "-m") and rest:
            value = rest.pop(0)
            try:
                pattern = re.compile(value) if option == "-e" else pattern
                count = int(value) if option == "-m" else count
            except (re.error, ValueError):
                return call.fail(f"logcat: {option} {value}: invalid")
        elif option != "-d":
            return call.fail(f"logcat: unknown option {option}")
    storage = call.phone.storage
    if "-d" in args:
        lines = storage.logcat(tags, pattern)
    else:
        lines = storage.follow_log(tags, pattern, count or 1 << 30, LOGCAT_WAIT_S)
    for line in lines:
        call.print(line)
    return 0


def getprop(call: Call, args: list[str]) -> int:
    props = call.phone.properties
    if args:
        call.print(props.get(args[0], ""))
    else:
        for key in sorted(props):
            call.print(f"[{key}]: [{props[key]}]")
    return 0
