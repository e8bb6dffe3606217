"""Decision engines: any `model.policies.Policy` under a name, timed for real on every call.

`make_engine(name, profile)` knows every policy of the registry in `model.policies`. Learned
policies are passed in by the caller as a mapping of factories, `{"student": build_student}` with
`build_student(profile) -> Policy`; the scheduler imports no trained model and keeps no list of
its own. Engines that decide any graph (scheduler.graph_engines) come as `{"graph-student":
build(seed)}` beside them; where a stream's tasks have different graphs only those and the
registry's policies (built for each graph) can decide, and any other name is refused.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

from kdoffload.model.errors import InputError
from kdoffload.model.observation import Observation
from kdoffload.model.policies import POLICIES, Policy, canonical, make_policy
from kdoffload.model.profile import Profile
from kdoffload.model.states import States
from kdoffload.scheduler.forecast import NAME as FORECAST
from kdoffload.scheduler.forecast import forecast_policy
from kdoffload.scheduler.hindsight import NAME as HINDSIGHT
from kdoffload.scheduler.hindsight import HindsightPolicy
from kdoffload.scheduler.graph_engines import PerGraph

Factories = Mapping[str, Callable[[Profile], Policy]]
# name -> build(seed): an engine for any graph, with `for_graph(profile) -> Policy`
GraphFactories = Mapping[str, Callable[[int], object]]


def known_engines(learned: Factories = {}, graphs: GraphFactories = {}) -> list[str]:
    return list(POLICIES) + [HINDSIGHT, FORECAST] + sorted(learned) + sorted(graphs)


def _unknown(name: str, learned: Factories, graphs: GraphFactories = {}) -> InputError:
    return InputError(f"policy {name!r}: unknown (known: {', '.join(known_engines(learned, graphs))})")


def _one_graph_only(name: str, graphs: GraphFactories) -> InputError:
    able = ", ".join(sorted(graphs) + list(POLICIES))
    return InputError(f"policy {name!r}: decides only its profile's one graph, and these tasks have "
                      f"different graphs (engines for any graph: {able})")


@dataclass(frozen=True)
class DecisionTime:
    """What a decision costs in the timeline: its measured wall time, nothing, or a fixed time."""

    mode: str  # "measured" | "zero" | "fixed" | "sampled"
    fixed_s: float = 0.0
    # sampled: a measured distribution (a phone's decision times); task k draws from it with a
    # generator seeded by (seed, k), so every policy of a comparison pays the same for task k.
    samples_s: tuple[float, ...] = ()
    seed: int = 0
    source: str = ""

    @classmethod
    def sampled(cls, samples_us, seed: int, source: str) -> DecisionTime:
        samples = tuple(float(v) * 1e-6 for v in samples_us)
        if not samples or not all(math.isfinite(v) and v >= 0 for v in samples):
            raise InputError(f"{source}: decision times must be a non-empty list of numbers >= 0")
        return cls("sampled", samples_s=samples, seed=seed, source=source)

    @classmethod
    def parse(cls, text: str) -> DecisionTime:
        if text in ("measured", "zero"):
            return cls(text)
        kind, _, value = text.partition(":")
        if kind == "fixed":
            try:
                micros = float(value)
            except ValueError:
                micros = math.nan
            if math.isfinite(micros) and micros >= 0:
                return cls("fixed", micros * 1e-6)
        raise InputError(f"decision time {text!r}: expected measured, zero or fixed:US "
                         "(microseconds >= 0)")

    @property
    def uses_core(self) -> bool:
        """Whether a decision occupies the device core for a time (zero never does)."""
        return self.mode in ("measured", "sampled") or self.fixed_s > 0

    def charge(self, wall_s: float, task: int = 0) -> float:
        if self.mode == "sampled":
            pick = np.random.default_rng((self.seed, task)).integers(len(self.samples_s))
            return self.samples_s[pick]
        return wall_s if self.mode == "measured" else (0.0 if self.mode == "zero" else self.fixed_s)

    def __str__(self) -> str:
        if self.mode == "sampled":
            return f"sampled from {self.source}"
        return f"fixed:{self.fixed_s * 1e6:g}" if self.mode == "fixed" else self.mode


@dataclass
class Engine:
    """A policy asked for one state at a time, as on the phone, with the call's wall time."""

    name: str
    policy: Policy
    # Whether the last state decided lay outside the policy's training support (None: the
    # policy has no such notion, as the baselines).
    last_out_of_support: bool | None = None

    @property
    def observes(self) -> bool:
        """Whether the policy decides on what the phone observed too (its profile's observation
        recipe): the stream then builds the observation for each decision."""
        return bool(getattr(getattr(self.policy, "profile", None), "observation", None))

    def decide(self, state: States, observation: Observation | None = None,
               graph: Profile | None = None) -> tuple[list[int], float]:
        """The placement of a one-state batch and the seconds the call took on this machine.

        A policy with `decide_timed` (a native engine) reports its own time, measured in C++
        without the Python call around it; a `Decider` also says whether the state was out of
        its training support, and reads `observation` if its profile has a recipe for it.
        `graph`: the task's own graph, where tasks differ (the engine is then one for any graph).
        """
        policy = self.policy if graph is None else self.policy.for_graph(graph)
        if hasattr(policy, "decide_timed"):
            placement, took = (policy.decide_timed(state, observation) if self.observes
                               else policy.decide_timed(state))
            return np.asarray(placement)[0].tolist(), took
        flagged = None
        began = time.perf_counter()
        if hasattr(policy, "decide_flagged"):
            placement, flagged = (policy.decide_flagged(state, observation) if self.observes
                                  else policy.decide_flagged(state))
        else:
            placement = policy.decide(state)
        took = time.perf_counter() - began
        self.last_out_of_support = None if flagged is None else bool(flagged[0])
        return np.asarray(placement)[0].tolist(), took


def make_engine(name: str, profile: Profile, seed: int = 0, learned: Factories = {},
                graphs: GraphFactories = {}, many_graphs: bool = False) -> Engine:
    """The engine of a registry policy (an alias gives its registry name) or a learned one.

    `many_graphs`: the stream's tasks have different graphs, so the engine must decide any graph
    (a graph engine, or a registry policy built for each graph); any other is refused."""
    if many_graphs:
        if name in graphs:
            return Engine(name, graphs[name](seed))
        if canonical(name) in POLICIES:
            return Engine(canonical(name), PerGraph(canonical(name), seed))
        known = name in learned or name in (HINDSIGHT, FORECAST)
        raise _one_graph_only(name, graphs) if known else _unknown(name, learned, graphs)
    if name in graphs:
        return Engine(name, graphs[name](seed).for_graph(profile))
    if name in learned:
        return Engine(name, learned[name](profile))
    if name == HINDSIGHT:  # the simulator's own: it reads the network's future
        return Engine(name, HindsightPolicy(profile))
    if name == FORECAST:  # the simulator's own: it reads the stream's queues and the past
        return Engine(name, forecast_policy(profile, seed))
    if canonical(name) in POLICIES:
        return Engine(canonical(name), make_policy(name, profile, seed))
    raise _unknown(name, learned)


@dataclass(frozen=True)
class EngineSet:
    """The engines one comparison runs, by name, with the learned factories that can build them."""

    names: tuple[str, ...]
    learned: Factories = field(default_factory=dict)
    graphs: GraphFactories = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str, learned: Factories = {}, graphs: GraphFactories = {},
              many_graphs: bool = False) -> EngineSet:
        """A comma-separated list of engine names, each checked, none twice (aliases resolved);
        with `many_graphs` each must decide any graph, refused here before any work."""
        names = [n if n in learned or n in graphs else canonical(n)
                 for n in (n.strip() for n in text.split(",")) if n]
        if not names:
            raise InputError("policies: name at least one policy")
        for name in names:
            if name not in POLICIES and name not in learned and name not in graphs \
                    and name not in (HINDSIGHT, FORECAST):
                raise _unknown(name, learned, graphs)
            if many_graphs and name not in POLICIES and name not in graphs:
                raise _one_graph_only(name, graphs)
        if len(set(names)) != len(names):
            raise InputError("policies: a policy is named twice")
        return cls(tuple(names), learned, graphs)

    def make(self, name: str, profile: Profile, seed: int, many_graphs: bool = False) -> Engine:
        return make_engine(name, profile, seed, self.learned, self.graphs, many_graphs)
