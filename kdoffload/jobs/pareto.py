"""The pareto job: students of other sizes, fp32 and int8, against quality and decision time."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from kdoffload.distill.student import DistillConfig
from kdoffload.evaluation import latency_native, latency_report, pareto as sweep, pareto_report as sweep_report
from kdoffload.jobs.budget import DEFAULT_REGRET_WEIGHT, budget
from kdoffload.jobs.data import load_split
from kdoffload.jobs.distill import require_selection
from kdoffload.jobs.reporter import Reporter
from kdoffload.model.decider import TOP_K
from kdoffload.model.io import atomic_write_json, atomic_write_text
from kdoffload.model.parallel import JobMap
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs


@dataclass(frozen=True)
class ParetoJob:
    profile: Profile
    jobs: JobMap  # where the candidates train
    grid: tuple[tuple[int, ...], ...] | None = None  # None: the sweep's default grid
    quants: tuple[str, ...] = ("fp32", "int8")
    top_k: int = TOP_K
    epochs: int | None = None  # None: the budget's student epochs
    native: bool = True  # time each export through kdo_bench
    cpu: int = 0
    full: bool = False


def run(cfg: ParetoJob, reporter: Reporter) -> dict:
    profile, run_paths = cfg.profile, Runs(cfg.profile.name)
    grid = list(cfg.grid) if cfg.grid else list(sweep.DEFAULT_GRID)
    selected = require_selection(profile, reporter, cfg.full)
    train = load_split(profile, "train", reporter, full=cfg.full)
    test = load_split(profile, "test", reporter, full=cfg.full)
    b = budget(profile, cfg.full)
    dcfg = DistillConfig(transfer_samples=b.transfer_samples)
    dcfg = replace(dcfg, train=replace(dcfg.train, epochs=cfg.epochs or b.student_epochs, seed=0,
                                       regret_weight=DEFAULT_REGRET_WEIGHT))
    paths = run_paths.pareto
    with reporter.progress() as bar:
        task = bar.add_task(f"{profile.name} students", total=len(grid), rate="")
        sweep.train_candidates(profile, train, run_paths.checkpoint("teacher"), dcfg, selected["temperature"],
                               selected["alpha"], grid, paths, cfg.jobs,
                               on_member=lambda name: bar.update(task, advance=1, rate=name))
    runner = latency_native.build_runner() if cfg.native else None
    with reporter.progress() as bar:
        task = bar.add_task(f"{profile.name} exports", total=len(grid) * len(cfg.quants), rate="")
        rows = sweep.measure(profile, train, test, grid, list(cfg.quants), cfg.top_k, paths, runner, cpu=cfg.cpu,
                             on_row=lambda r: bar.update(task, advance=1, rate=f"{r['name']} {r['quant']}"))
    machine = {"cpu": latency_report.device_info()["device"], "cores": os.cpu_count(),
               "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    result = sweep.summarise(profile, rows, len(test), train.meta, dcfg, selected["temperature"],
                             selected["alpha"], machine)
    report = run_paths.report
    atomic_write_json(report / "pareto.json", result)
    text = sweep_report.markdown(result)
    atomic_write_text(report / "pareto.md", text)
    sweep_report.figure(result, report / "pareto.png")
    reporter.show(text)
    reporter.show(f"{report / 'pareto.json'}\n{report / 'pareto.md'}\n{report / 'pareto.png'}")
    return result
