"""`kdoffload evaluate` (held-out, shifted, or a user's own states) and `kdoffload robustness`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kdoffload import options, outputs
from kdoffload.common import ConsoleReporter, ProfileOption, decoder_k, user_errors
from kdoffload.model.runs import Runs

TopKOption = Annotated[int, typer.Option("--top-k", min=1, default_factory=decoder_k,
                                         help="Candidates of verified top-K and guarded decoding.")]


@user_errors
def evaluate(profile: ProfileOption = "chain6",
             full: Annotated[bool, typer.Option("--full", help="The larger budget.")] = False,
             top_k: TopKOption = ...,
             states: Annotated[Path, typer.Option(
                 help="Evaluate on these states instead: a dataset .npz or a CSV (docs/formats.md).")] = None):
    """Every policy on held-out and shifted test states, or on a file of states; writes a report."""
    from kdoffload.jobs import evaluate as job
    from kdoffload.model.profile import load_profile

    prof = load_profile(profile)
    with outputs.holding(Runs(prof.name).dir):
        options.output_dir(Runs(prof.name).report, "report folder")  # before any work
        job.run(job.EvaluateJob(prof, top_k, full, states=states), ConsoleReporter())


@user_errors
def robustness(profile: ProfileOption = "chain6",
               regime: Annotated[list[str], typer.Option(
                   help="A shipped regime name or a regime TOML (repeatable; default: every shipped one).")] = None,
               states: Annotated[int, typer.Option(min=1, max=1_000_000, help="States per regime.")] = 2000,
               seed: Annotated[int, typer.Option(min=0, help="Seed of the state draws.")] = 0,
               top_k: TopKOption = ...):
    """Every policy and decoder on shifted regimes (configs/regimes/); writes report/robustness.*."""
    from kdoffload.jobs import robustness as job
    from kdoffload.model.profile import load_profile
    from kdoffload.model.regimes import load_regime, shipped_regimes

    prof = load_profile(profile)
    regimes = tuple(load_regime(r) for r in (regime or shipped_regimes()))
    with outputs.holding(Runs(prof.name).dir):
        options.output_dir(Runs(prof.name).report, "report folder")
        job.run(job.RobustnessJob(prof, regimes, states, seed, top_k), ConsoleReporter())
