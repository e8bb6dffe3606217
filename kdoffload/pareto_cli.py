"""`kdoffload pareto`: students of other sizes, fp32 and int8, against quality and decision time."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from typing import Annotated

import typer

from kdoffload import options, outputs
from kdoffload.common import (AddressOption, EngineOption, ProfileOption, console, progress_bar,
                              ray_or_none, user_errors)
from kdoffload.lazy import lazy
from kdoffload.pipeline import DEFAULT_REGRET_WEIGHT, budget, ensure_dataset
from kdoffload.mobile_export.config import QUANTIZATIONS
from kdoffload.model import dataset
from kdoffload.model.decider import TOP_K
from kdoffload.model.errors import InputError
from kdoffload.model.io import atomic_write_json, atomic_write_text
from kdoffload.model.widths import parse_hidden
from kdoffload.model.parallel import process_pool
from kdoffload.model.profile import load_profile
from kdoffload.model.runs import Runs

learning = lazy("kdoffload.learning")
sweep = lazy("kdoffload.evaluation.pareto")
student = lazy("kdoffload.distill.student")
sweep_report = lazy("kdoffload.evaluation.pareto_report")
latency_native = lazy("kdoffload.evaluation.latency_native")
latency_report = lazy("kdoffload.evaluation.latency_report")


@user_errors
def pareto(profile: ProfileOption = "chain6",
           full: Annotated[bool, typer.Option("--full", help="The larger budget (more states, epochs).")] = False,
           hidden: Annotated[list[str], typer.Option(
               help="Hidden widths of a candidate, like 64x64 (repeatable; default: a grid of 9).")] = None,
           quant: Annotated[list[str], typer.Option(help="fp32 and/or int8 (repeatable; default both).")] = None,
           top_k: Annotated[int, typer.Option("--top-k", help="K of the exports' top-K and guarded decoders.")] = TOP_K,
           epochs: Annotated[int, typer.Option(help="Override the budget's student epochs.")] = None,
           native: Annotated[bool, typer.Option(help="Time each export through kdo_bench (built if needed).")] = True,
           cpu: Annotated[int, typer.Option(help="The core the native timing is pinned to.")] = 0,
           workers: Annotated[int, typer.Option(help="Students trained at once on this machine.")] = 2,
           engine: EngineOption = "local", address: AddressOption = None):
    """Sweep student width and depth x fp32/int8: quality against .pte size and native decision time."""
    grid = [parse_hidden(h) for h in hidden] if hidden else list(sweep.DEFAULT_GRID)
    if len(set(grid)) != len(grid):
        raise InputError("--hidden: a candidate is given twice")
    quants = quant or list(QUANTIZATIONS)
    for q in quants:
        if q not in QUANTIZATIONS:
            raise InputError(f"--quant: {q!r} is not one of {', '.join(QUANTIZATIONS)}")
    options.count(top_k, "--top-k", 1, 64)
    options.count(workers, "--workers", 1, 256)
    options.cpu(cpu)
    if epochs is not None:
        options.count(epochs, "--epochs", 1, 100_000)
    jobs = ray_or_none(engine, address) or process_pool(workers)
    prof = load_profile(profile)
    run = Runs(prof.name)
    with outputs.holding(run.dir):
        if not run.sweep_file.exists():
            learning.distill(prof, full)
        selected = json.loads(run.sweep_file.read_text())["selected"]
        train = dataset.load(ensure_dataset(prof, "train", full=full))
        test = dataset.load(ensure_dataset(prof, "test", full=full))
        b = budget(prof, full)
        dcfg = student.DistillConfig(transfer_samples=b.transfer_samples)
        dcfg = replace(dcfg, train=replace(dcfg.train, epochs=epochs or b.student_epochs, seed=0,
                                           regret_weight=DEFAULT_REGRET_WEIGHT))
        paths = run.pareto
        with progress_bar() as bar:
            task = bar.add_task(f"{prof.name} students", total=len(grid), rate="")
            sweep.train_candidates(prof, train, learning.teacher_path(prof), dcfg, selected["temperature"],
                                   selected["alpha"], grid, paths, jobs,
                                   on_member=lambda name: bar.update(task, advance=1, rate=name))
        runner = latency_native.build_runner() if native else None
        with progress_bar("exports") as bar:
            task = bar.add_task(f"{prof.name} exports", total=len(grid) * len(quants), rate="")
            rows = sweep.measure(prof, train, test, grid, quants, top_k, paths, runner, cpu=cpu,
                                 on_row=lambda r: bar.update(task, advance=1, rate=f"{r['name']} {r['quant']}"))
        machine = {"cpu": latency_report.device_info()["device"], "cores": os.cpu_count(),
                   "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}
        result = sweep.summarise(prof, rows, len(test), train.meta, dcfg, selected["temperature"],
                                 selected["alpha"], machine)
        atomic_write_json(run.report / "pareto.json", result)
        text = sweep_report.markdown(result)
        atomic_write_text(run.report / "pareto.md", text)
        sweep_report.figure(result, run.report / "pareto.png")
        console.print(text, markup=False, highlight=False)
        console.print(f"{run.report / 'pareto.json'}\n{run.report / 'pareto.md'}\n{run.report / 'pareto.png'}",
                      markup=False, highlight=False)
