"""How a command ends: whatever escapes it becomes one line and an exit code, in one place.

Every command runs inside `BoundaryGroup.invoke`: an InputError (a check named the field or
file) or an OSError (a file the system refused) is exit 2, anything else is a bug of ours, exit
1, with the command and the file it was working on; `--verbose` prints the traceback as well.
Ctrl-C (kdoffload.interrupt) is exit 130 and its one line.
"""

from __future__ import annotations

import importlib
import os
import traceback
from pathlib import Path

import typer
from typer.core import TyperCommand, TyperGroup

from kdoffload.common import say_error
from kdoffload.interrupt import say_interrupted
from kdoffload.quiet import VERBOSE_ENV
from kdoffload.model.errors import InputError

UNEXPECTED = "unexpected"  # every line the boundary writes for an exception no check named has it
# Our own packages: where the traceback is searched for the file a failing step was working on.
PACKAGES = ("kdoffload", "model", "distill", "mobile_export", "scheduler", "evaluation")
FILE_LOCALS = ("path", "file", "checkpoint", "manifest", "out", "pte")


def _working_file(error: BaseException) -> str | None:
    """The file the failing step was working on: the error's own, else the innermost frame of
    our code holding a path in a local named like one."""
    if isinstance(error, OSError) and error.filename:
        return str(error.filename)
    found = None
    for frame, _ in traceback.walk_tb(error.__traceback__):
        module = frame.f_globals.get("__name__", "")
        if module.split(".")[0] not in PACKAGES:
            continue
        for name in FILE_LOCALS:
            value = frame.f_locals.get(name)
            if isinstance(value, Path):
                found = str(value)
                break
    return found


def unexpected_line(command: str, error: BaseException) -> str:
    """What the boundary says for an exception no check named."""
    where = _working_file(error)
    on = f" (working on {where})" if where else ""
    kind = type(error).__name__
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
        return f"{command}: {UNEXPECTED} {kind}{on}: {reason}"
    return (f"{command}: {UNEXPECTED} {kind}{on}: {error} (a bug in kdoffload; --verbose shows "
            "the traceback)")


class Deferred(TyperCommand):
    """A subcommand group listed by its name and help, whose module is imported only when it runs
    (or shows its own help): `kdoffload --help` then never imports what it needs."""

    def __init__(self, name: str, target: str, help: str):
        super().__init__(name, help=help)
        self.target = target  # "module:attribute" of the typer app

    def load(self) -> TyperCommand:
        module, _, attribute = self.target.partition(":")
        return typer.main.get_command(getattr(importlib.import_module(module), attribute))

    def make_context(self, info_name, args, parent=None, **extra):
        return self.load().make_context(info_name, args, parent=parent, **extra)


class BoundaryGroup(TyperGroup):
    """The top-level command group: every subcommand's ending goes through `invoke`.

    `deferred` (name -> ("module:attribute", help)) adds the groups whose modules load on use."""

    deferred: dict[str, tuple[str, str]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (target, help) in self.deferred.items():
            self.add_command(Deferred(name, target, help))

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except typer.BadParameter as err:  # an option out of its bounds or choices: one line too
            say_error(err.format_message())
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # typer's own endings: an exit code, a usage error
        except KeyboardInterrupt:
            say_interrupted()
            raise typer.Exit(130) from None
        except InputError as err:
            say_error(str(err))
            raise typer.Exit(2) from None
        except Exception as err:
            if os.environ.get(VERBOSE_ENV):
                traceback.print_exc()
            say_error(unexpected_line(f"kdoffload {ctx.invoked_subcommand}", err))
            raise typer.Exit(2 if isinstance(err, OSError) else 1) from None


def is_boundary_line(line: str) -> bool:
    """Whether an error line came from the boundary rather than from a check that named the input."""
    return f": {UNEXPECTED} " in line
