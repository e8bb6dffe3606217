"""The demo job: demonstrations, baselines, teacher, student, evaluation, per profile.

Every artifact an earlier run made is reused as it is; only what is missing is made."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from rich.table import Table

from kdoffload.jobs import distill, evaluate
from kdoffload.jobs.artifacts import require
from kdoffload.jobs.data import ensure_dataset, show_summary
from kdoffload.jobs.reporter import Reporter
from kdoffload.jobs.train import require_teacher
from kdoffload.model import dataset
from kdoffload.model.metrics import delay_ratio
from kdoffload.model.policies import OPTIMAL, baselines
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs


@dataclass(frozen=True)
class DemoJob:
    profiles: tuple[Profile, ...]
    full: bool = False
    workers: int = 2


def run(cfg: DemoJob, reporter: Reporter) -> None:
    for profile in cfg.profiles:
        started = time.perf_counter()
        path = ensure_dataset(profile, "train", reporter, workers=cfg.workers, full=cfg.full)
        demos = dataset.load(path)
        show_summary(reporter, dataset.summary(demos), path)
        reporter.show(baseline_table(profile, demos), markup=True, highlight=True)
        require_teacher(profile, reporter, cfg.full, cfg.workers)
        require(Runs(profile.name).checkpoint("student"),
                lambda: distill.run(distill.StudentJob(profile, full=cfg.full, workers=cfg.workers), reporter))
        evaluate.run(evaluate.EvaluateJob(profile, full=cfg.full, workers=cfg.workers), reporter)
        reporter.show(f"[dim]{profile.name}: {time.perf_counter() - started:.0f} s[/dim]\n", markup=True,
                      highlight=True)


def baseline_ratios(profile: Profile, demos: dataset.Demonstrations) -> dict[str, dict]:
    out = {}
    for policy in baselines(profile):
        if policy.name == OPTIMAL:
            ratio = np.ones(len(demos))
        else:
            ratio = delay_ratio(demos, policy.decide(demos.states))
        out[policy.name] = {"mean_ratio": float(ratio.mean()), "median_ratio": float(np.median(ratio)),
                            "p95_ratio": float(np.quantile(ratio, 0.95))}
    return out


def baseline_table(profile: Profile, demos: dataset.Demonstrations) -> Table:
    table = Table(title=f"{profile.name}: delay / optimal delay, {len(demos):,} states")
    for column in ("policy", "mean", "median", "p95"):
        table.add_column(column, justify="left" if column == "policy" else "right")
    for name, r in baseline_ratios(profile, demos).items():
        table.add_row(name, f"{r['mean_ratio']:.3f}", f"{r['median_ratio']:.3f}", f"{r['p95_ratio']:.3f}")
    return table
