"""`kdoffload seeds`: the teacher and the student trained again with other seeds (kdoffload.jobs.seeds)."""

from __future__ import annotations

from typing import Annotated

import typer

from kdoffload import options, outputs
from kdoffload.common import AddressOption, ConsoleReporter, EngineOption, ProfileOption, ray_or_none, user_errors
from kdoffload.model.errors import InputError
from kdoffload.model.runs import Runs


def check_seeds(seeds: list[int] | None) -> list[int]:
    """At least two distinct seeds, each a valid seed: a spread needs two runs."""
    if not seeds:
        raise InputError("--seeds: give at least two seeds, e.g. --seeds 0 1 2")
    for s in seeds:
        options.seed(s, "--seeds")
    repeated = sorted({s for s in seeds if seeds.count(s) > 1})
    if repeated:
        raise InputError(f"--seeds: seed {repeated[0]} given twice; each seed is one run")
    if len(seeds) < 2:
        raise InputError("--seeds: give at least two seeds to measure a spread")
    return seeds


@user_errors
def seeds(profile: ProfileOption = "chain6",
          seed: Annotated[list[int], typer.Option("--seeds", help="Seeds to train with: --seeds 0 1 2.")] = None,
          more: Annotated[list[int], typer.Argument(
              metavar="SEED", help="The seeds after the first: --seeds 0 1 2.", show_default=False)] = None,
          full: Annotated[bool, typer.Option(
              "--full", help="The larger budget (datasets, and distill if missing).")] = False,
          fixed_teacher: Annotated[bool, typer.Option(
              "--fixed-teacher", help="Distil every student from the main teacher; only the student's "
                                      "seed varies.")] = False,
          engine: EngineOption = "local", address: AddressOption = None):
    """The main teacher and selected student trained once per seed; quality as mean ± std over seeds."""
    from kdoffload.jobs import seeds as job
    from kdoffload.model.profile import load_profile

    if more and not seed:
        raise InputError(f"unexpected argument {more[0]}: seeds follow --seeds")
    chosen = check_seeds([*(seed or []), *(more or [])])
    jobs = ray_or_none(engine, address)
    prof = load_profile(profile)
    with outputs.holding(Runs(prof.name).dir):
        job.run(job.SeedsJob(prof, tuple(chosen), full, fixed_teacher, jobs), ConsoleReporter())
