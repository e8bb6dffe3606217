"""The simulate job: a stream of tasks through each policy, on the local task scheduler."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from kdoffload.jobs.reporter import Reporter
from kdoffload.model.profile import Profile
from kdoffload.scheduler import report
from kdoffload.scheduler.budget import estimate, task_events
from kdoffload.scheduler.graph_stream import GraphMix
from kdoffload.scheduler.harness import RateSweep, ScaleSweep, SimConfig, run_policies
from kdoffload.scheduler.stream import counted_workload, file_workload, poisson_workload

RATE_FACTOR, RATE_POINTS = 1.6, 14
BUDGET_DRAWS = 32  # graphs drawn to size a stream of many graphs' tasks for the estimate


@dataclass(frozen=True)
class SimulateJob:
    sim: SimConfig
    out: Path
    rate: float = 0.5  # Poisson arrivals, tasks/s (the sweeps' start)
    duration: float = 600.0  # arrival window of a single run, s
    arrivals: Path | None = None  # a file of arrival times instead of Poisson arrivals
    tasks: int = 300  # tasks per sweep point
    sweep_rate: bool = False
    sweep_scale: bool = False
    scales: tuple[float, ...] = ()
    settings: dict | None = None  # the command's settings, as the reports record them
    mix: GraphMix | None = None  # tasks of several graphs (a family profile gives its own without it)

    @property
    def single(self) -> bool:
        return not (self.sweep_rate or self.sweep_scale)


def check_budget(job: SimulateJob) -> None:
    """Refuse, with the estimate, a job whose runs would not end in reasonable time or memory."""
    sim, policies = job.sim, len(job.sim.engines.names)
    counted = _heaviest_task(job)

    def check(count, span, runs, what):
        estimate(counted, count, span, runs, sim.decision_time, sim.scenario.network,
                 sim.scenario.random_outages).check(what)

    if job.single and job.arrivals is None:  # a file's arrivals are counted when it is read
        check(math.ceil(job.rate * job.duration), job.duration, policies, "--rate x --duration")
    if job.sweep_rate:
        check(job.tasks, job.tasks / job.rate, policies * RATE_POINTS, "--sweep-rate --tasks")
    if job.sweep_scale:
        check(job.tasks, job.tasks / job.rate, 2 * policies * len(job.scales), "--sweep-scale --tasks")


def _heaviest_task(job: SimulateJob) -> Profile:
    """The graph whose task the estimate counts: the stream profile's, or where tasks have
    different graphs the heaviest of a few drawn as the run draws them."""
    prof = job.sim.profile
    mix = job.mix or (GraphMix.of_family(prof) if prof.family else None)
    if mix is None:
        return prof
    return max(mix.draw(BUDGET_DRAWS, job.sim.seed)[0], key=task_events)


def check_engines(job: SimulateJob) -> None:
    """Build each named graph engine once: a missing graph student or export is refused before
    any run rather than after the engines named before it."""
    engines = job.sim.engines
    for name in engines.names:
        if name in engines.graphs:
            engines.graphs[name](job.sim.seed)


def run(job: SimulateJob, reporter: Reporter) -> None:
    if job.single:
        _single(job, reporter)
    if job.sweep_rate:
        _rate_sweep(job, reporter)
    if job.sweep_scale:
        _scale_sweep(job, reporter)


def _single(job: SimulateJob, reporter: Reporter) -> None:
    sim, out = job.sim, job.out
    prof, scenario = sim.profile, sim.scenario
    if job.arrivals is not None:
        workload = file_workload(prof, job.arrivals, scenario.seed, job.mix)
        estimate(_heaviest_task(job), len(workload.arrivals), workload.duration, len(sim.engines.names),
                 sim.decision_time, scenario.network, scenario.random_outages).check(str(job.arrivals))
    else:
        workload = poisson_workload(prof, job.rate, job.duration, scenario.seed, job.mix)
    summaries = run_policies(sim, workload, lambda name: reporter.note(f"{name} done", highlight=True))
    table = report.run_table(summaries)
    config = {**job.settings, "rate": None if job.arrivals else job.rate, "duration": workload.duration,
              "arrivals": str(job.arrivals) if job.arrivals else None, "tasks": len(workload.arrivals)}
    horizon = max(s.makespan for s in summaries)
    record = {"config": config, "machine": report.machine(),
              "outage_windows": scenario.build(prof)[1].describe(horizon),
              "summaries": [s.to_dict() for s in summaries]}
    _write(out, "run", record, _heading(prof, config, "Simulation") + table)
    reporter.show(table)
    reporter.show(f"wrote {out / 'run.json'} and {out / 'run.md'}", highlight=True)


def _rate_sweep(job: SimulateJob, reporter: Reporter) -> None:
    sim, out, prof = job.sim, job.out, job.sim.profile
    unit = counted_workload(prof, job.tasks, sim.seed, job.mix)
    sweep = RateSweep.run(sim, unit, job.rate, RATE_FACTOR, RATE_POINTS,
                          lambda r: reporter.note(f"rate {r:.3g}/s done", highlight=True))
    config = {**job.settings, "tasks": job.tasks, "start_rate": job.rate, "factor": RATE_FACTOR}
    record = {"config": config, "machine": report.machine(), "rates": sweep.rates,
              "breakdown_rate": sweep.breakdown(),
              "points": [[s.to_dict() for s in point] for point in sweep.points]}
    table = report.rate_table(sweep)
    _write(out, "sweep_rate", record, _heading(prof, config, "Rate sweep: mean e2e (s)") + table)
    figure = report.rate_figure(sweep, f"{prof.name}: end-to-end delay vs arrival rate "
                                       f"(decision time {config['decision_time']})", out / "sweep_rate.png")
    reporter.show(table)
    first = {name: (f"{r:.3g}/s" if r else "never") for name, r in sweep.breakdown().items()}
    reporter.show("saturated from: " + ", ".join(f"{k} {v}" for k, v in first.items()), highlight=True)
    reporter.show(f"wrote {out / 'sweep_rate.json'}, {out / 'sweep_rate.md'} and {figure}", highlight=True)


def _scale_sweep(job: SimulateJob, reporter: Reporter) -> None:
    sim, out, prof, rate = job.sim, job.out, job.sim.profile, job.rate
    unit = counted_workload(prof, job.tasks, sim.seed, job.mix)
    sweep = ScaleSweep.run(sim, unit, rate, list(job.scales),
                           lambda s: reporter.note(f"scale {s:g} done", highlight=True))
    config = {**job.settings, "tasks": job.tasks, "base_rate": rate}
    record = {"config": config, "machine": report.machine(), "scales": sweep.scales,
              "charged": [[s.to_dict() for s in point] for point in sweep.charged],
              "zero": [[s.to_dict() for s in point] for point in sweep.zero]}
    table = report.scale_table(sweep)
    _write(out, "sweep_scale", record, _heading(prof, config, "Scale sweep") + table)
    figure = report.scale_figure(sweep, f"{prof.name}: tasks s times lighter, arriving at "
                                        f"{rate:g}/s x 1/s", out / "sweep_scale.png")
    reporter.show(table)
    reporter.show(f"wrote {out / 'sweep_scale.json'}, {out / 'sweep_scale.md'} and {figure}", highlight=True)


def _write(out: Path, stem: str, record: dict, text: str) -> None:
    """A run's record and its markdown, side by side."""
    report.write_json(out / f"{stem}.json", record)
    report.write_text(out / f"{stem}.md", text)


def _heading(prof: Profile, config: dict, title: str) -> str:
    settings = ", ".join(f"{k} {v}" for k, v in config.items() if v not in (None, (), []))
    return f"# {title}: {prof.name}\n\n{settings}\n\n"
