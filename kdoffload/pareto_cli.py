"""`kdoffload pareto`: students of other sizes, fp32 and int8, against quality and decision time."""

from __future__ import annotations

from typing import Annotated

import typer

from kdoffload import options, outputs
from kdoffload.choices import Quantization
from kdoffload.common import (AddressOption, ConsoleReporter, EngineOption, ProfileOption, decoder_k, ray_or_none,
                              user_errors)
from kdoffload.model.errors import InputError
from kdoffload.model.widths import parse_hidden
from kdoffload.model.runs import Runs


@user_errors
def pareto(profile: ProfileOption = "chain6",
           full: Annotated[bool, typer.Option("--full", help="The larger budget (more states, epochs).")] = False,
           hidden: Annotated[list[str], typer.Option(
               help="Hidden widths of a candidate, like 64x64 (repeatable; default: a grid of 9).")] = None,
           quant: Annotated[list[Quantization], typer.Option(help="fp32 and/or int8 (repeatable; default both).")] = None,
           top_k: Annotated[int, typer.Option("--top-k", min=1, max=64, default_factory=decoder_k,
                                              help="K of the exports' top-K and guarded decoders.")] = ...,
           epochs: Annotated[int, typer.Option(min=1, max=100_000, help="Override the budget's student epochs.")] = None,
           native: Annotated[bool, typer.Option(help="Time each export through kdo_bench (built if needed).")] = True,
           cpu: Annotated[int, typer.Option(help="The core the native timing is pinned to.")] = 0,
           workers: Annotated[int, typer.Option(min=1, max=256, help="Students trained at once on this machine.")] = 2,
           engine: EngineOption = "local", address: AddressOption = None):
    """Sweep student width and depth x fp32/int8: quality against .pte size and native decision time."""
    from kdoffload.jobs import pareto as job
    from kdoffload.mobile_export.config import QUANTIZATIONS
    from kdoffload.model.parallel import process_pool
    from kdoffload.model.profile import load_profile

    grid = [parse_hidden(h, "--hidden") for h in hidden] if hidden else None
    if grid and len(set(grid)) != len(grid):
        raise InputError("--hidden: a candidate is given twice")
    quants = [q.value for q in quant] if quant else list(QUANTIZATIONS)
    options.cpu(cpu)
    jobs = ray_or_none(engine, address) or process_pool(workers)
    prof = load_profile(profile)
    cfg = job.ParetoJob(prof, jobs, tuple(grid) if grid else None, tuple(quants), top_k, epochs, native, cpu, full)
    with outputs.holding(Runs(prof.name).dir):
        job.run(cfg, ConsoleReporter())
