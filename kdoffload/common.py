"""What every command shares: one-line user errors, the profile option, the progress bar."""

from __future__ import annotations

import functools
import os
from enum import Enum
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)

from kdoffload.jobs.artifacts import Refused
from kdoffload.quiet import VERBOSE_ENV
from kdoffload.model.errors import InputError

console = Console(soft_wrap=True)
err_console = Console(stderr=True)

ProfileOption = Annotated[str, typer.Option(
    "--profile", "-p", help="A shipped profile (chain6, dag10) or the path of a profile TOML.")]


def decoder_k() -> int:
    """The decoder's K as a default, read when a command runs (its module imports numpy)."""
    from kdoffload.model.decider import TOP_K

    return TOP_K


def say_error(message: str) -> None:
    """An error as the one line a command ends with, on stderr."""
    err_console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)


def user_errors(command):
    """Bad input ends as one line on stderr and exit code 2, never a traceback.

    The command group's boundary (kdoffload.boundary) does the same for every command; this
    keeps a command function called on its own (not through the app) to the same promise.
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except InputError as err:
            say_error(str(err))
            raise typer.Exit(2) from None
        except Refused as err:  # a step refused its own result (an export verification refused)
            err_console.print(str(err), markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


class ConsoleReporter:
    """The reporter the commands hand their jobs (kdoffload.jobs.reporter): rich on stdout and stderr."""

    def show(self, item, markup: bool = False, highlight: bool = False) -> None:
        console.print(item, markup=markup, highlight=highlight)

    def note(self, text: str, highlight: bool = False) -> None:
        err_console.print(text, markup=False, highlight=highlight)

    def progress(self) -> Progress:
        return progress_bar()


def progress_bar(unit: str = "states") -> Progress:
    """A rich bar with count, rate and ETA; it goes to stderr so stdout stays parseable."""
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("eta"),
        TimeRemainingColumn(), console=err_console, transient=False,
    )


class Engine(str, Enum):
    local = "local"  # processes on this machine
    ray = "ray"  # Ray tasks


EngineOption = Annotated[Engine, typer.Option(
    help="Where jobs run: local (processes on this machine) or ray (Ray tasks).")]
AddressOption = Annotated[str, typer.Option(
    help="With --engine ray: a cluster to join (auto, host:port, ray://host:port); default a local Ray.")]


def ray_or_none(engine: Engine | str, address: str | None):
    """The Ray JobMap under --engine ray, else None (the caller's local default).

    Ray is imported here only when asked for, so the local engine needs no Ray installed.
    """
    if engine not in ("local", "ray"):
        raise InputError(f"--engine: must be local or ray, got {engine!r}")
    if engine == "local":
        if address is not None:
            raise InputError("--address: only meaningful with --engine ray")
        return None
    from kdoffload.ray_jobs import ray_jobs
    return ray_jobs(address, verbose=bool(os.environ.get(VERBOSE_ENV)))
