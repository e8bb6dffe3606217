"""A stream of tasks through one decision engine: arrive, decide (charged), execute.

Tasks are taken in arrival order. A task's decision starts at the first instant after its
arrival that the device core is idle (`DeviceCore`); the engine then sees the task's own state
(unscaled: what a trained model's input is built from) with the network's rates of that instant.
The decision holds the device core for its charged time, in the first idle stretch long enough,
and the task's subtasks are placed on the shared resources from its end on. A decision charged
zero time needs no core and happens at the arrival.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kdoffload.model.delay import DOWN, UP
from kdoffload.model.errors import InputError
from kdoffload.model.graph_features import cut_states
from kdoffload.model.observation import Observation, observe
from kdoffload.model.profile import Profile
from kdoffload.model.states import States, sample_states
from kdoffload.scheduler.budget import MAX_TIME_S
from kdoffload.scheduler.csvfile import read_rows
from kdoffload.scheduler.engines import DecisionTime, Engine
from kdoffload.scheduler.executor import Executor, Log, TaskRecord, tasks_from_states
from kdoffload.scheduler.faults import Faults, make_faults
from kdoffload.scheduler.graph_stream import GraphMix
from kdoffload.scheduler.network import make_network
from kdoffload.scheduler.traces import TraceFiles


def sub_seeds(seed: int) -> dict[str, int]:
    """Independent seeds for each random part of a run, all from the one --seed."""
    names = ("arrivals", "states", "network", "outages", "policy")
    values = np.random.SeedSequence(seed).generate_state(len(names))
    return {name: int(v) for name, v in zip(names, values)}


@dataclass
class Workload:
    """The tasks of a run: arrival times [K] s (non-decreasing) and each task's state.

    `scale` shrinks the execution (`States.scaled`) but not what the engine sees.
    """

    arrivals: np.ndarray
    states: States
    duration: float  # arrivals fall in [0, duration)
    scale: float = 1.0
    # Per task the profile of its graph when tasks have different graphs (states then padded to
    # 64 subtasks, scheduler.graph_stream); None: every task has the stream profile's graph.
    graphs: tuple[Profile, ...] | None = None

    def graph(self, k: int) -> Profile | None:
        """Task k's own graph, or None when it is the stream profile's."""
        return None if self.graphs is None else self.graphs[k]

    def state(self, k: int) -> States:
        """Task k's state (S = 1), cut to its own graph's subtasks."""
        view = self.states[k]
        return view if self.graphs is None else cut_states(view, self.graphs[k].n)

    def at_rate(self, factor: float) -> Workload:
        """The same tasks arriving `factor` times as often."""
        return dataclasses.replace(self, arrivals=self.arrivals / factor,
                                   duration=self.duration / factor)

    def compressed(self, s: float) -> Workload:
        """Every task s times lighter and arriving s times as often: the same run in units of s."""
        return dataclasses.replace(self, arrivals=self.arrivals * s, duration=self.duration * s,
                                   scale=self.scale * s)


def _tasks(profile: Profile, count: int, seed: int, mix: GraphMix | None) -> dict:
    """The tasks' states (and graphs, when they differ): a family gives each task its own graph."""
    if mix is None and profile.family is not None:
        mix = GraphMix.of_family(profile)
    if mix is None:
        return {"states": sample_states(profile, count, np.random.default_rng(sub_seeds(seed)["states"]))}
    graphs, states = mix.draw(count, sub_seeds(seed)["states"])
    return {"states": states, "graphs": graphs}


def poisson_workload(profile: Profile, rate: float, duration: float, seed: int,
                     mix: GraphMix | None = None) -> Workload:
    if not (math.isfinite(rate) and rate > 0):
        raise InputError(f"rate {rate}: must be a positive number of tasks per second")
    if not (math.isfinite(duration) and duration > 0):
        raise InputError(f"duration {duration}: must be a positive number of seconds")
    seeds = sub_seeds(seed)
    rng = np.random.default_rng(seeds["arrivals"])
    gaps = rng.exponential(1.0 / rate, size=int(rate * duration * 2 + 100))
    while gaps.sum() < duration:
        gaps = np.concatenate([gaps, rng.exponential(1.0 / rate, size=len(gaps))])
    arrivals = np.cumsum(gaps)
    arrivals = arrivals[arrivals < duration]
    if len(arrivals) == 0:
        raise InputError(f"rate {rate}, duration {duration}: no task arrives; raise either")
    return Workload(arrivals, duration=duration, **_tasks(profile, len(arrivals), seed, mix))


def counted_workload(profile: Profile, tasks: int, seed: int, mix: GraphMix | None = None) -> Workload:
    """`tasks` Poisson arrivals at one task per second (sweeps rescale it with `at_rate`)."""
    if tasks < 1:
        raise InputError(f"tasks {tasks}: must be at least 1")
    seeds = sub_seeds(seed)
    arrivals = np.cumsum(np.random.default_rng(seeds["arrivals"]).exponential(1.0, size=tasks))
    # one mean gap after the last
    return Workload(arrivals, duration=float(arrivals[-1] + 1.0), **_tasks(profile, tasks, seed, mix))


def file_workload(profile: Profile, path: Path, seed: int, mix: GraphMix | None = None) -> Workload:
    """Arrival times from a CSV with one column `time_s` (non-negative, non-decreasing)."""
    path = Path(path)
    rows = [r for r in read_rows(path, "arrivals") if any(c.strip() for c in r)]
    if not rows or [c.strip() for c in rows[0]] != ["time_s"]:
        raise InputError(f"{path}: expected a CSV with the single column time_s")
    times = []
    for line, row in enumerate(rows[1:], start=2):
        try:
            value = float(row[0]) if len(row) == 1 else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0:
            raise InputError(f"{path}: line {line}: time_s must be a number >= 0, got {','.join(row)!r}")
        if times and value < times[-1]:
            raise InputError(f"{path}: line {line}: time_s {value} is before {times[-1]}")
        times.append(value)
    if not times:
        raise InputError(f"{path}: no arrivals")
    return Workload(np.asarray(times), duration=times[-1], **_tasks(profile, len(times), seed, mix))


@dataclass(frozen=True)
class Scenario:
    """The world a run happens in: how the wireless rates move, and when things fail."""

    network: str = "static"
    trace: TraceFiles = TraceFiles()
    edge_outages: tuple[str, ...] = ()
    link_outages: tuple[str, ...] = ()
    random_outages: str | None = None
    seed: int = 0

    def build(self, profile: Profile):
        """A fresh network process and fault set: every engine meets the same world."""
        seeds = sub_seeds(self.seed)
        network = make_network(self.network, profile, seeds["network"], self.trace)
        faults = make_faults(list(self.edge_outages), list(self.link_outages), self.random_outages,
                             seeds["outages"])
        return network, faults


@dataclass
class RunResult:
    """One engine's run over a workload."""

    policy: str
    records: list[TaskRecord]
    log: Log
    decision_wall_s: list[float]  # measured per task
    decision_s: list[float]  # charged per task
    arrived: int
    horizon: float  # end of the arrival window (at or after the last arrival)
    faults: Faults = field(default_factory=Faults)
    out_of_support: list = field(default_factory=list)  # per task: bool, or None (no notion)


def observed(network, executor: Executor, view: States, t: float, scale: float = 1.0) -> Observation:
    """What the phone knows at a decision at t: the rates it probed (its state's own where the
    network holds still) and the seconds queued on its core and wireless links, in the units of
    the unscaled state the engine sees."""
    if network.dynamic:
        rates_at = network.rates_at
    else:
        rates = (float(view.rate_up[0]), float(view.rate_down[0]))
        rates_at = lambda s: rates  # noqa: E731
    free = (executor.device.free, executor.link_free[UP], executor.link_free[DOWN])
    return observe(rates_at, t, tuple((f - t) / scale for f in free))


def simulate(profile: Profile, engine: Engine, workload: Workload, decision_time: DecisionTime,
             scenario: Scenario = Scenario()) -> RunResult:
    network, faults = scenario.build(profile)
    executor = Executor(profile, network, faults)
    states = workload.states
    tasks = tasks_from_states(states.scaled(workload.scale) if workload.scale != 1.0 else states)
    uses_core = decision_time.uses_core
    # An engine that reads the future (hindsight) is shown the stream's queues and each task.
    lookahead = engine.policy if getattr(engine.policy, "sees_future", False) else None
    if lookahead is not None:
        lookahead.attach(executor, tasks, decision_time)
    else:  # a warm-up call, untimed: the first call pays for lazy imports and caches, no later one does
        engine.decide(workload.state(0), graph=workload.graph(0))
    horizon = max(workload.duration, float(workload.arrivals[-1]))
    result = RunResult(engine.name, [], executor.log, [], [], len(tasks), horizon, faults)
    for k, arrival in enumerate(workload.arrivals.tolist()):
        begin = executor.device.first_idle(arrival) if uses_core else arrival
        view, graph = workload.state(k), workload.graph(k)
        if network.dynamic:
            up, down = network.rates_at(begin)
            view.rate_up, view.rate_down = np.array([up]), np.array([down])
        if lookahead is not None:
            lookahead.arriving(k, arrival, begin)
        seen = observed(network, executor, view, begin, workload.scale) if engine.observes else None
        placement, wall = engine.decide(view, seen, graph)
        charged = decision_time.charge(wall, k)
        begin, start = executor.reserve_decision(k, arrival, begin, charged)
        record = executor.run(k, arrival, begin, start, tasks[k], placement, graph)
        if record.done > MAX_TIME_S:  # slow links can take a run there; the CLI foresees the rest
            raise InputError(f"task {k} finishes at t = {record.done:.3g} s, beyond {MAX_TIME_S:.3g} s "
                             "where float64 time no longer resolves 1 us (links too slow?)")
        result.records.append(record)
        result.decision_wall_s.append(wall)
        result.decision_s.append(charged)
        result.out_of_support.append(engine.last_out_of_support)
    return result
