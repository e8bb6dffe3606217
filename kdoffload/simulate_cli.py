"""`kdoffload simulate`: a stream of tasks through each policy, on the local task scheduler."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from kdoffload.android.results import decision_samples_us, load_phone_result
from kdoffload import options, outputs
from kdoffload.lazy import lazy
from kdoffload.common import ProfileOption, console, err_console, user_errors
from kdoffload.model.errors import InputError
from kdoffload.model.policies import SIMULATED
from kdoffload.model.profile import Profile, load_profile
from kdoffload.model.runs import Runs
from kdoffload.scheduler.budget import estimate
from kdoffload.scheduler.engines import DecisionTime, EngineSet
from kdoffload.scheduler.harness import DEFAULT_SCALES, RateSweep, ScaleSweep, SimConfig, run_policies
from kdoffload.scheduler.stream import Scenario, counted_workload, file_workload, poisson_workload
from kdoffload.scheduler.traces import TraceFiles, TraceFormat

report = lazy("kdoffload.scheduler.report")

BASELINE_NAMES = ",".join(SIMULATED)
RATE_FACTOR, RATE_POINTS = 1.6, 14
MIN_SCALE = 1e-9
MAX_TASKS = 10_000_000  # one run's tasks: beyond this the records alone outgrow memory


@user_errors
def simulate(
    profile: ProfileOption = "dag10",
    policies: Annotated[str, typer.Option(help="Comma-separated decision engines.")] = BASELINE_NAMES,
    rate: Annotated[float, typer.Option(help="Poisson arrival rate, tasks/s (the sweeps' start).")] = 0.5,
    duration: Annotated[float, typer.Option(help="Arrival window of a single run, s.")] = 600.0,
    seed: Annotated[int, typer.Option(help="Seed of arrivals, states, network and outages.")] = 0,
    decision_time: Annotated[str, typer.Option(
        help="What a decision costs: measured (its wall time here), zero, or fixed:US.")] = "measured",
    decision_time_from: Annotated[Path, typer.Option(
        help="A phone's result (runs/<profile>/bench/phone-<serial>.json): decisions cost what "
             "they cost there, sampled from its measured times.")] = None,
    network: Annotated[str, typer.Option(help="static, gauss-markov or good-bad.")] = "static",
    trace: Annotated[Path, typer.Option(help="CSV time_s,rate_up,rate_down (bit/s) to replay.")] = None,
    trace_up: Annotated[Path, typer.Option(help="Uplink trace file (with --trace-down).")] = None,
    trace_down: Annotated[Path, typer.Option(help="Downlink trace file (with --trace-up).")] = None,
    trace_format: Annotated[TraceFormat, typer.Option(
        help="Format of --trace-up/--trace-down: mahimahi (ms delivery times) or throughput "
             "(s and Mbit/s per line).")] = None,
    arrivals: Annotated[Path, typer.Option(help="CSV of arrival times (column time_s).")] = None,
    edge_outage: Annotated[list[str], typer.Option(help="START:END s; repeatable.")] = None,
    link_outage: Annotated[list[str], typer.Option(
        help="LINK:START:END, LINK wireless or backhaul; repeatable.")] = None,
    random_outages: Annotated[str, typer.Option(
        help="MEAN_UP:MEAN_DOWN s: random edge outages.")] = None,
    sweep_rate: Annotated[bool, typer.Option(help="Sweep arrival rates to saturation.")] = False,
    sweep_scale: Annotated[bool, typer.Option(help="Sweep task scale s (rate x 1/s).")] = False,
    tasks: Annotated[int, typer.Option(help="Tasks per sweep point.")] = 300,
    scales: Annotated[str, typer.Option(help="Comma-separated scales in (0, 1].")] = None,
    out: Annotated[Path, typer.Option(help="Output directory (default runs/<profile>/sim).")] = None,
):
    """Run a stream of tasks through each policy: end-to-end delay, decision share, load, faults."""
    options.seed(seed)
    options.number(rate, "--rate", 0, 1e6, open_low=True)
    options.number(duration, "--duration", 0, 1e7, open_low=True)
    options.count(tasks, "--tasks", 1, 10_000_000)
    if not (sweep_rate or sweep_scale) and arrivals is None and rate * duration > MAX_TASKS:
        raise InputError(f"--rate x --duration: {rate * duration:,.0f} tasks expected, at most {MAX_TASKS:,}")
    prof = load_profile(profile)
    scenario = Scenario(network, _trace_files(trace, trace_up, trace_down, trace_format),
                        tuple(edge_outage or ()), tuple(link_outage or ()), random_outages, seed)
    scenario.build(prof)  # bad network or outage options fail here, before any work
    decision = DecisionTime.parse(decision_time)
    if decision_time_from is not None:
        decision = DecisionTime.sampled(decision_samples_us(load_phone_result(decision_time_from),
                                                            str(decision_time_from)),
                                        seed, str(decision_time_from))
    sim = SimConfig(prof, EngineSet.parse(policies, learned_engines()), decision, scenario)
    _check_budget(sim, rate, duration, arrivals, tasks, sweep_rate, sweep_scale, scales)
    out = options.output_dir(out or Runs(prof.name).sim, "--out")  # before any work
    config = {"profile": prof.name, "policies": list(sim.engines.names), "seed": seed,
              "decision_time": str(sim.decision_time), "network": network,
              **scenario.trace.describe(), "edge_outages": scenario.edge_outages,
              "link_outages": scenario.link_outages, "random_outages": random_outages}
    with outputs.holding(Runs(prof.name).dir, out):  # a learned engine may export into runs/<profile>
        if not (sweep_rate or sweep_scale):
            _single(sim, rate, duration, arrivals, out, config)
        if sweep_rate:
            _rate_sweep(sim, rate, tasks, out, config)
        if sweep_scale:
            _scale_sweep(sim, rate, tasks, _scales(scales), out, config)


def _trace_files(csv: Path | None, up: Path | None, down: Path | None,
                 fmt: TraceFormat | None) -> TraceFiles:
    if fmt is not None and up is None and down is None:
        raise InputError("--trace-format: applies to --trace-up/--trace-down (--trace is a CSV)")
    return TraceFiles(csv, up, down, fmt or TraceFormat.mahimahi)


def _check_budget(sim: SimConfig, rate, duration, arrivals, tasks, sweep_rate, sweep_scale, scales):
    """Refuse, with the estimate, a command whose runs would not end in reasonable time or memory."""
    policies = len(sim.engines.names)

    def check(count, span, runs, what):
        estimate(sim.profile, count, span, runs, sim.decision_time, sim.scenario.network,
                 sim.scenario.random_outages).check(what)

    if not (sweep_rate or sweep_scale):
        if arrivals is None:  # a file's arrivals are counted when it is read
            check(math.ceil(rate * duration), duration, policies, "--rate x --duration")
    if sweep_rate:
        check(tasks, tasks / rate, policies * RATE_POINTS, "--sweep-rate --tasks")
    if sweep_scale:
        check(tasks, tasks / rate, 2 * policies * len(_scales(scales)), "--sweep-scale --tasks")


def learned_engines() -> dict:
    """Every learned engine the simulator can build: from checkpoints and from the export."""
    from kdoffload.engines import checkpoint_engines
    from kdoffload.export_cli import pte_engines

    return {**checkpoint_engines(), **pte_engines()}


def _single(sim: SimConfig, rate, duration, arrivals, out, config):
    prof, scenario = sim.profile, sim.scenario
    if arrivals is not None:
        workload = file_workload(prof, arrivals, scenario.seed)
        estimate(prof, len(workload.arrivals), workload.duration, len(sim.engines.names),
                 sim.decision_time, scenario.network, scenario.random_outages).check(str(arrivals))
    else:
        workload = poisson_workload(prof, rate, duration, scenario.seed)
    summaries = run_policies(sim, workload, _done)
    table = report.run_table(summaries)
    config = {**config, "rate": None if arrivals else rate, "duration": workload.duration,
              "arrivals": str(arrivals) if arrivals else None, "tasks": len(workload.arrivals)}
    horizon = max(s.makespan for s in summaries)
    record = {"config": config, "machine": report.machine(),
              "outage_windows": scenario.build(prof)[1].describe(horizon),
              "summaries": [s.to_dict() for s in summaries]}
    report.write_json(out / "run.json", record)
    report.write_text(out / "run.md", _heading(prof, config, "Simulation") + table)
    console.print(table, markup=False, highlight=False)
    console.print(f"wrote {out / 'run.json'} and {out / 'run.md'}", markup=False)


def _rate_sweep(sim: SimConfig, rate, tasks, out, config):
    prof = sim.profile
    unit = counted_workload(prof, tasks, sim.seed)
    _check_rate(rate)
    sweep = RateSweep.run(sim, unit, rate, RATE_FACTOR, RATE_POINTS,
                          lambda r: err_console.print(f"rate {r:.3g}/s done"))
    config = {**config, "tasks": tasks, "start_rate": rate, "factor": RATE_FACTOR}
    record = {"config": config, "machine": report.machine(), "rates": sweep.rates,
              "breakdown_rate": sweep.breakdown(),
              "points": [[s.to_dict() for s in point] for point in sweep.points]}
    table = report.rate_table(sweep)
    report.write_json(out / "sweep_rate.json", record)
    report.write_text(out / "sweep_rate.md", _heading(prof, config, "Rate sweep: mean e2e (s)") + table)
    figure = report.rate_figure(sweep, f"{prof.name}: end-to-end delay vs arrival rate "
                                       f"(decision time {config['decision_time']})", out / "sweep_rate.png")
    console.print(table, markup=False, highlight=False)
    first = {name: (f"{r:.3g}/s" if r else "never") for name, r in sweep.breakdown().items()}
    console.print("saturated from: " + ", ".join(f"{k} {v}" for k, v in first.items()), markup=False)
    console.print(f"wrote {out / 'sweep_rate.json'}, {out / 'sweep_rate.md'} and {figure}", markup=False)


def _scale_sweep(sim: SimConfig, rate, tasks, scales, out, config):
    prof = sim.profile
    unit = counted_workload(prof, tasks, sim.seed)
    _check_rate(rate)
    sweep = ScaleSweep.run(sim, unit, rate, scales, lambda s: err_console.print(f"scale {s:g} done"))
    config = {**config, "tasks": tasks, "base_rate": rate}
    record = {"config": config, "machine": report.machine(), "scales": sweep.scales,
              "charged": [[s.to_dict() for s in point] for point in sweep.charged],
              "zero": [[s.to_dict() for s in point] for point in sweep.zero]}
    table = report.scale_table(sweep)
    report.write_json(out / "sweep_scale.json", record)
    report.write_text(out / "sweep_scale.md", _heading(prof, config, "Scale sweep") + table)
    figure = report.scale_figure(sweep, f"{prof.name}: tasks s times lighter, arriving at "
                                        f"{rate:g}/s x 1/s", out / "sweep_scale.png")
    console.print(table, markup=False, highlight=False)
    console.print(f"wrote {out / 'sweep_scale.json'}, {out / 'sweep_scale.md'} and {figure}", markup=False)


def _scales(text: str | None) -> list[float]:
    if text is None:
        return list(DEFAULT_SCALES)
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise InputError(f"--scales {text!r}: expected comma-separated numbers") from None
    if not values or any(not 0 < v <= 1 for v in values):
        raise InputError(f"--scales {text!r}: every scale must be in (0, 1]")
    # A scale divides the arrival interval and multiplies every task's work: below MIN_SCALE
    # the arrival rate it derives overflows (1 / 1e-320 is infinite) or means nothing.
    tiny = [v for v in values if v < MIN_SCALE]
    if tiny:
        raise InputError(f"--scales {text!r}: scale {tiny[0]:g} makes the arrival rate "
                         f"{1 / tiny[0]:g} times the base; every scale must be at least {MIN_SCALE:g}")
    return values


def _check_rate(rate: float) -> None:
    if not rate > 0 or rate == float("inf"):
        raise InputError(f"--rate {rate}: must be a positive number of tasks per second")


def _heading(prof: Profile, config: dict, title: str) -> str:
    settings = ", ".join(f"{k} {v}" for k, v in config.items() if v not in (None, (), []))
    return f"# {title}: {prof.name}\n\n{settings}\n\n"


def _done(name: str) -> None:
    err_console.print(f"{name} done", markup=False)
