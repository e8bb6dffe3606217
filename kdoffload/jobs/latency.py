"""The latency job: one decision timed on every path (oracle, eager, .pte in Python and C++,
floor, C++ loop); the exports it times are made first unless current."""

from __future__ import annotations

from dataclasses import dataclass

from kdoffload.evaluation import latency as latency_run, latency_native, latency_report
from kdoffload.jobs.data import load_split
from kdoffload.jobs.export import ensure_export
from kdoffload.jobs.reporter import Reporter
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs


@dataclass(frozen=True)
class LatencyJob:
    profile: Profile
    states: int = 2000  # test states every path decides
    oracle_states: int = 300  # of those, how many the oracle solves
    native: bool = True  # also time through kdo_bench (built if needed)
    cpu: int = 0  # the core everything is pinned to


def run(cfg: LatencyJob, reporter: Reporter) -> dict:
    profile, runs = cfg.profile, Runs(cfg.profile.name)
    test = load_split(profile, "test", reporter)
    for _, export in latency_run.EXPORTS:
        ensure_export(profile, export, reporter)
    checkpoints = {m: runs.checkpoint(m) for m in ("student", "teacher")}
    runner = latency_native.build_runner() if cfg.native else None
    timing = latency_run.LatencyConfig(states=cfg.states, oracle_states=cfg.oracle_states, cpu=cfg.cpu)
    result = latency_run.run_latency(test, latency_run.Sources(checkpoints, runs.export), runner, runs.bench, timing)
    reporter.show(latency_report.markdown(result))
    reporter.show(f"{runs.bench / 'latency.json'}\n{runs.bench / 'latency.md'}\n{runs.bench / 'latency.png'}")
    return result
