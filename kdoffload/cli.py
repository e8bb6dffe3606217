"""The `kdoffload` command: parses, calls a library function, prints. No logic lives here."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from kdoffload.common import ProfileOption, console, progress_bar, user_errors
from kdoffload import pipeline
from model import dataset
from model.system import load_profile

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Learned computation-offloading decisions: demonstrations to a phone.")


@app.command()
@user_errors
def data(
    profile: ProfileOption = "chain6",
    samples: Annotated[int, typer.Option(help="How many states to draw and solve.")] = 200_000,
    seed: Annotated[int, typer.Option(help="Seed of the state draws.")] = 0,
    out: Annotated[Path, typer.Option(help="Output .npz (default runs/<profile>/data/train.npz).")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 2,
    force: Annotated[bool, typer.Option(help="Overwrite an existing output.")] = False,
):
    """Generate optimal demonstrations (state -> optimal placement) for a profile."""
    prof = load_profile(profile)
    out = out or pipeline.dataset_path(prof.name, "train")
    path = pipeline.make_dataset(prof, samples, seed, out, workers, force)
    pipeline.print_summary(dataset.summary(dataset.load(path)), path)


@app.command()
@user_errors
def demo(
    profile: Annotated[list[str], typer.Option("--profile", "-p", help="Profiles to run.")] = None,
    samples: Annotated[int, typer.Option(help="Override the default budget's state count.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 2,
):
    """Demonstrations for each profile, then every baseline's mean delay against the optimum."""
    for name in profile or ["chain6", "dag10"]:
        prof = load_profile(name)
        started = time.perf_counter()
        path = pipeline.ensure_dataset(prof, "train", samples, workers)
        demos = dataset.load(path)
        pipeline.print_summary(dataset.summary(demos), path)
        pipeline.print_baselines(prof, demos)
        console.print(f"[dim]{prof.name}: {time.perf_counter() - started:.1f} s[/dim]\n")


def main() -> None:
    app()
