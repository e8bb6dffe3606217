"""Runs engines over workloads and checks every run: one run, the rate sweep, the scale sweep.

Every engine in one comparison meets the same tasks (arrivals and states) and the same world
(network process, outages): only the decisions differ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kdoffload.model.profile import Profile
from kdoffload.scheduler.checks import check_run
from kdoffload.scheduler.engines import DecisionTime, EngineSet
from kdoffload.scheduler.metrics import Summary, summarise
from kdoffload.scheduler.stream import Scenario, Workload, simulate, sub_seeds

ZERO = DecisionTime("zero")
DEFAULT_SCALES = (1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001)


@dataclass(frozen=True)
class SimConfig:
    """Everything a comparison holds fixed: the app, the engines, what a decision costs, the world.

    The scenario's seed is the run's seed: arrivals, states, network, outages and the random
    policy all derive from it.
    """

    profile: Profile
    engines: EngineSet
    decision_time: DecisionTime
    scenario: Scenario

    @property
    def seed(self) -> int:
        return self.scenario.seed

    def charged(self, decision_time: DecisionTime) -> SimConfig:
        return SimConfig(self.profile, self.engines, decision_time, self.scenario)


def run_policy(cfg: SimConfig, name: str, workload: Workload) -> Summary:
    engine = cfg.engines.make(name, cfg.profile, sub_seeds(cfg.seed)["policy"], workload.graphs is not None)
    result = simulate(cfg.profile, engine, workload, cfg.decision_time, cfg.scenario)
    check_run(cfg.profile, result, workload)
    return summarise(result, cfg.profile.edge_cores)


def run_policies(cfg: SimConfig, workload: Workload, progress=None) -> list[Summary]:
    out = []
    for name in cfg.engines.names:
        out.append(run_policy(cfg, name, workload))
        if progress:
            progress(name)
    return out


@dataclass
class RateSweep:
    """Mean end-to-end delay against arrival rate, per policy, until every policy saturates.

    A policy is saturated at a rate when it serves less than `SATURATED` of it: the tasks
    arrive faster than they leave, and its queues grow for as long as the stream lasts.
    """

    SATURATED = 0.9

    rates: list[float]
    points: list[list[Summary]]  # per rate, per policy

    @classmethod
    def run(cls, cfg: SimConfig, unit: Workload, start_rate: float, factor: float, max_points: int,
            progress=None) -> RateSweep:
        """`unit` holds the tasks at one arrival per second; rates grow by `factor` from `start_rate`."""
        sweep = cls([], [])
        rate = start_rate
        while len(sweep.rates) < max_points:
            summaries = run_policies(cfg, unit.at_rate(rate))
            sweep.rates.append(rate)
            sweep.points.append(summaries)
            if progress:
                progress(rate)
            if all(cls.saturated(s, rate) for s in summaries):
                break
            rate *= factor
        return sweep

    @classmethod
    def saturated(cls, summary: Summary, rate: float) -> bool:
        return summary.served_rate < cls.SATURATED * rate

    def breakdown(self) -> dict[str, float | None]:
        """Per policy, the lowest swept rate at which it was saturated (None: never)."""
        out = {}
        for k, s in enumerate(self.points[0]):
            hit = [r for r, point in zip(self.rates, self.points) if self.saturated(point[k], r)]
            out[s.policy] = hit[0] if hit else None
        return out


@dataclass
class ScaleSweep:
    """Tasks s times lighter arriving s times as often, with the decision charged and without.

    Without decision time every delay scales exactly by s (States.scaled), so
    `mean_e2e / mean_e2e_zero` is the whole price of deciding on the device at that scale.
    """

    base_rate: float  # tasks/s at scale 1; at scale s they arrive at base_rate / s
    scales: list[float]
    charged: list[list[Summary]]  # per scale, per policy
    zero: list[list[Summary]]

    @classmethod
    def run(cls, cfg: SimConfig, unit: Workload, base_rate: float, scales, progress=None) -> ScaleSweep:
        """`unit` holds the tasks at one arrival per second."""
        sweep = cls(base_rate, [], [], [])
        workload = unit.at_rate(base_rate)
        for s in scales:
            if not (math.isfinite(s) and 0 < s <= 1):
                raise ValueError(f"scale {s} is not in (0, 1]")
            light = workload.compressed(s)
            sweep.scales.append(s)
            sweep.charged.append(run_policies(cfg, light))
            sweep.zero.append(run_policies(cfg.charged(ZERO), light))
            if progress:
                progress(s)
        return sweep

    def ratio(self, k: int, policy: int) -> float:
        return self.charged[k][policy].mean_e2e / self.zero[k][policy].mean_e2e
