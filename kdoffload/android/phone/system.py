"""`run-as`, `logcat` and `getprop` on the emulated phone."""

from __future__ import annotations

from kdoffload.android.phone.files import FILE_COMMANDS
from kdoffload.android.phone.shell import Call, run_argv


def run_as(call: Call, args: list[str]) -> int:
    """Run a file command inside an installed app's data folder, as the app would."""
    if len(args) < 2:
        return call.fail("usage: run-as PACKAGE COMMAND...")
    package = args[0]
    if not call.phone.storage.is_installed(package):
        return call.fail(f"run-as: unknown package: {package}")
    inner = Call(call.phone, cwd=call.phone.storage.app_dir(package), stdin=call.stdin,
                 out=call.out, err=call.err)
    return run_argv(inner, args[1:], FILE_COMMANDS)


def logcat(call: Call, args: list[str]) -> int:
    if "-c" in args:
        call.phone.storage.clear_log()
        return 0
    if "-d" not in args:
        return call.fail("logcat: this emulated phone only dumps the log (-d) or clears it (-c)")
    tags = None
    if "-s" in args:
        tags = {a.split(":", 1)[0] for a in args[args.index("-s") + 1:] if not a.startswith("-")}
    for line in call.phone.storage.logcat(tags):
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
