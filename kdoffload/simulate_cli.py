"""`kdoffload simulate`: a stream of tasks through each policy, on the local task scheduler."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from kdoffload import options, outputs
from kdoffload.choices import TraceFormat as TraceFormatName
from kdoffload.common import ConsoleReporter, ProfileOption, user_errors
from kdoffload.model.errors import InputError
from kdoffload.model.runs import Runs

MIN_SCALE = 1e-9
MAX_TASKS = 10_000_000  # one run's tasks: beyond this the records alone outgrow memory



def _baselines() -> str:
    from kdoffload.model.policies import SIMULATED

    return ",".join(SIMULATED)


@user_errors
def simulate(
    profile: ProfileOption = "dag10",
    policies: Annotated[str, typer.Option(default_factory=_baselines,
                                          help="Comma-separated decision engines (default: the baselines).")] = ...,
    rate: Annotated[float, typer.Option(help="Poisson arrival rate, tasks/s (the sweeps' start).")] = 0.5,
    duration: Annotated[float, typer.Option(help="Arrival window of a single run, s.")] = 600.0,
    seed: Annotated[int, typer.Option(help="Seed of arrivals, states, network and outages.")] = 0,
    decision_time: Annotated[str, typer.Option(
        help="What a decision costs: measured (its wall time here), zero, or fixed:US.")] = "measured",
    decision_time_from: Annotated[Path, typer.Option(
        help="A phone's result (runs/<profile>/bench/phone-<serial>.json): decisions cost what "
             "they cost there, sampled from its measured times.")] = None,
    network: Annotated[str, typer.Option(
        help="static, gauss-markov, good-bad, markov, gauss-markov-outages, 3g or lte.")] = "static",
    trace: Annotated[Path, typer.Option(help="CSV time_s,rate_up,rate_down (bit/s) to replay.")] = None,
    trace_up: Annotated[Path, typer.Option(help="Uplink trace file (with --trace-down).")] = None,
    trace_down: Annotated[Path, typer.Option(help="Downlink trace file (with --trace-up).")] = None,
    trace_format: Annotated[TraceFormatName, typer.Option(
        help="Format of --trace-up/--trace-down: mahimahi (ms delivery times), throughput "
             "(s and Mbit/s per line, a sample holding until the next) or pensieve (the same lines, "
             "a sample holding over the interval up to its time, as Pensieve's simulator).")] = None,
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
    mix: Annotated[list[str], typer.Option(
        help="PROFILE[@WEIGHT]: tasks of several graphs (a profile, a family, a graph file); "
             "repeatable. --profile stays the world: its edge cores and network ranges.")] = None,
    graph_run: Annotated[Path, typer.Option(
        help="The graph student's folder, for the graph-student engines (default runs/graph-student).")] = None,
):
    """Run a stream of tasks through each policy: end-to-end delay, decision share, load, faults."""
    from kdoffload.android.results import decision_samples_us, load_phone_result
    from kdoffload.jobs import simulate as job
    from kdoffload.jobs.engines import graph_engines, learned_engines
    from kdoffload.model.profile import load_profile
    from kdoffload.model.runs import GRAPH_STUDENT
    from kdoffload.scheduler.engines import DecisionTime, EngineSet
    from kdoffload.scheduler.graph_stream import GraphMix
    from kdoffload.scheduler.harness import SimConfig
    from kdoffload.scheduler.stream import Scenario

    options.seed(seed)
    options.number(rate, "--rate", 0, 1e6, open_low=True)
    options.number(duration, "--duration", 0, 1e7, open_low=True)
    options.count(tasks, "--tasks", 1, 10_000_000)
    if not (sweep_rate or sweep_scale) and arrivals is None and rate * duration > MAX_TASKS:
        raise InputError(f"--rate x --duration: {rate * duration:,.0f} tasks expected, at most {MAX_TASKS:,}")
    prof = load_profile(profile, allow_family=True)  # a family: each task its own graph
    tasks_mix = GraphMix.parse(mix, prof) if mix else None
    scenario = Scenario(network, _trace_files(trace, trace_up, trace_down, trace_format),
                        tuple(edge_outage or ()), tuple(link_outage or ()), random_outages, seed)
    scenario.build(prof)  # bad network or outage options fail here, before any work
    decision = DecisionTime.parse(decision_time)
    if decision_time_from is not None:
        decision = DecisionTime.sampled(decision_samples_us(load_phone_result(decision_time_from),
                                                            str(decision_time_from)),
                                        seed, str(decision_time_from))
    reporter = ConsoleReporter()
    engines = EngineSet.parse(policies, learned_engines(reporter), graph_engines(graph_run or GRAPH_STUDENT),
                              many_graphs=tasks_mix is not None or prof.family is not None)
    sim = SimConfig(prof, engines, decision, scenario)
    settings = {"profile": prof.name, "policies": list(sim.engines.names), "seed": seed,
                "decision_time": str(sim.decision_time), "network": network,
                **scenario.trace.describe(), "edge_outages": scenario.edge_outages,
                "link_outages": scenario.link_outages, "random_outages": random_outages,
                "mix": tasks_mix.describe() if tasks_mix else None}
    run = job.SimulateJob(sim, out or Runs(prof.name).sim, rate, duration, arrivals, tasks, sweep_rate,
                          sweep_scale, tuple(_scales(scales)) if sweep_scale else (), settings, tasks_mix)
    job.check_budget(run)
    job.check_engines(run)
    run = replace(run, out=options.output_dir(run.out, "--out"))  # before any work
    with outputs.holding(Runs(prof.name).dir, run.out):  # a learned engine may export into runs/<profile>
        job.run(run, reporter)


def _trace_files(csv: Path | None, up: Path | None, down: Path | None, fmt: TraceFormatName | None):
    from kdoffload.scheduler.traces import TraceFiles, TraceFormat

    if fmt is not None and up is None and down is None:
        raise InputError("--trace-format: applies to --trace-up/--trace-down (--trace is a CSV)")
    return TraceFiles(csv, up, down, TraceFormat(fmt.value) if fmt else TraceFormat.mahimahi)


def _scales(text: str | None) -> list[float]:
    from kdoffload.scheduler.harness import DEFAULT_SCALES

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
