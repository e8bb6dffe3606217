"""What a simulation will cost, estimated before it starts; too much is refused with the estimate.

An event is one reservation the executor makes (a decision, a subtask run, a transfer hop), one
outage window drawn, or one step of a Gauss–Markov rate process. Their count bounds both the time
and the memory of a command. The virtual time is bounded too: past 2**32 s a float64 no longer
resolves a microsecond, and a subtask's run would vanish in the rounding of its start time.
"""

from __future__ import annotations

from dataclasses import dataclass

from kdoffload.model.errors import InputError
from kdoffload.model.profile import Profile
from kdoffload.scheduler.engines import DecisionTime
from kdoffload.scheduler.faults import parse_means
from kdoffload.scheduler.network import GRIDDED

MAX_EVENTS = 10_000_000
MAX_TIME_S = 2.0**32
GM_STEP_S = 0.05  # scheduler.network.GaussMarkov's grid


def task_events(profile: Profile) -> int:
    """Reservations of one task at most: its decision, each subtask, two hops per datum moved."""
    data = len(profile.edges) + len(profile.entries) + len(profile.exits)
    return 1 + profile.n + 2 * data


@dataclass(frozen=True)
class Estimate:
    """One command's work: `runs` runs of `tasks` tasks over at least `horizon` s of virtual time."""

    tasks: int
    runs: int
    horizon: float
    events: int
    culprit: str = ""  # the option behind most of the events, when it is not the task count

    def check(self, what: str) -> Estimate:
        if self.horizon > MAX_TIME_S:
            raise InputError(f"{what}: virtual time would reach at least {self.horizon:.3g} s, beyond "
                             f"{MAX_TIME_S:.3g} s where float64 time no longer resolves 1 us")
        if self.events > MAX_EVENTS:
            raise InputError(f"{self.culprit or what}: about {self.events:,} events to simulate ({self.runs} runs of "
                             f"{self.tasks:,} tasks), at most {MAX_EVENTS:,}")
        return self


def estimate(profile: Profile, tasks: int, span: float, runs: int, decision: DecisionTime,
             network: str, random_outages: str | None) -> Estimate:
    """`tasks` arriving over `span` s, run `runs` times (policies x sweep points).

    The horizon is a lower bound: the arrivals' span plus every charged decision (fixed, or a
    phone's mean), which all hold the one device core in turn. Processes that advance with time are counted over it.
    """
    horizon = span + tasks * _per_decision(decision)
    parts = {"": tasks * task_events(profile)}
    if random_outages is not None:
        up, down = parse_means(random_outages, "random outages")
        parts[f"random outages {random_outages}"] = int(min(horizon / (up + down), 1e18))
    if network in GRIDDED:
        parts[f"network {network}"] = int(min(horizon / GM_STEP_S, 1e18))
    culprit = max(parts, key=parts.get)
    return Estimate(tasks, runs, horizon, sum(parts.values()) * runs, culprit)


def _per_decision(decision: DecisionTime) -> float:
    """What a decision is known to cost before the run; a measured one is not known yet."""
    if decision.mode == "fixed":
        return decision.fixed_s
    if decision.mode == "sampled":
        return sum(decision.samples_s) / len(decision.samples_s)
    return 0.0
