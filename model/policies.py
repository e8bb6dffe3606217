"""Offloading policies behind one interface: `decide(states) -> placements [S, N] int8`.

The learned policies (teacher, student, top-K decoding) implement the same `Policy` protocol, so
evaluation, benchmarks and the task scheduler treat every policy alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np

from kdoffload.model import native, oracle
from kdoffload.model.delay import Params, Schedule, delays
from kdoffload.model.errors import InputError
from kdoffload.model.graph_heuristics import Heft, RoundRobin
from kdoffload.model.profile import CLOUD, DEVICE, EDGE, Profile
from kdoffload.model.states import States

OPTIMAL = "optimal"  # the exact expert's one name, in reports and in the simulator


class Policy(Protocol):
    name: str

    def decide(self, states: States) -> np.ndarray:
        """Placements [S, N] int8 (0 local, 1 edge, 2 cloud) for a batch of states."""
        ...


@dataclass
class Everywhere:
    """Every subtask on one site: all-local, all-edge or all-cloud."""

    profile: Profile
    site: int
    name: str = ""

    def __post_init__(self):
        self.name = self.name or ("all-local", "all-edge", "all-cloud")[self.site]

    def decide(self, states: States) -> np.ndarray:
        return np.full((len(states), self.profile.n), self.site, dtype=np.int8)


@dataclass
class RandomPolicy:
    """Each subtask on a uniformly random site; seeded, so a run can be repeated exactly."""

    profile: Profile
    seed: int = 0
    name: str = "random"
    rng: np.random.Generator = field(init=False)

    def __post_init__(self):
        self.rng = np.random.default_rng(self.seed)

    def decide(self, states: States) -> np.ndarray:
        return self.rng.integers(0, 3, size=(len(states), self.profile.n), dtype=np.int8)


@dataclass
class Greedy:
    """Each subtask in index order goes where it would finish earliest given the earlier choices.

    For an exit, "finish" is when its output is on the device: finishing early in the cloud is
    worth nothing if the result then crawls back. Ties go to the lower site (local first).
    """

    profile: Profile
    name: str = "greedy"

    def decide(self, states: States) -> np.ndarray:
        lanes = len(states)
        schedule = Schedule(self.profile, Params.from_states(states), lanes)
        exits = set(self.profile.exits)
        choice = np.zeros((lanes, self.profile.n), dtype=np.int8)
        for i in range(self.profile.n):
            options, finish = [], []
            for site in (DEVICE, EDGE, CLOUD):
                option = schedule.copy()
                done = option.place(i, site)
                if i in exits:
                    done = option.copy().fetch(option.arrays[f"at{i}"].copy(), DEVICE,
                                               option.params.out_bits[i])
                options.append(option)
                finish.append(done)
            best = np.argmin(np.stack(finish), axis=0).astype(np.int8)
            choice[:, i] = best
            schedule = options[0].select(best == DEVICE, options[1].select(best == EDGE, options[2]))
        return choice


@dataclass
class BestTrivial:
    """The best of all-local, all-edge and all-cloud for each state (it needs the delay model)."""

    profile: Profile
    name: str = "best-trivial"

    def decide(self, states: States) -> np.ndarray:
        n = self.profile.n
        costs = np.stack([delays(self.profile, states, np.full((len(states), n), s, dtype=np.int8))
                          for s in (DEVICE, EDGE, CLOUD)])
        best = np.argmin(costs, axis=0).astype(np.int8)
        return np.repeat(best[:, None], n, axis=1)


@dataclass
class Optimal:
    """The exact expert: x* = argmin T(x), ties to the lexicographically smallest placement."""

    profile: Profile
    name: str = OPTIMAL

    def decide(self, states: States) -> np.ndarray:
        return oracle.solve(self.profile, states)[0]


# The registry: every non-learned policy by the one name reports and the simulator show, as a
# factory of (profile, seed); only random uses the seed. Adding a policy is adding its entry
# (and its name to BASELINES if evaluation should compare it). Learned policies need trained
# artifacts, so their callers build them and pass them beside these.
Factory = Callable[[Profile, int], Policy]
POLICIES: dict[str, Factory] = {
    "all-local": lambda profile, seed: Everywhere(profile, DEVICE),
    "all-edge": lambda profile, seed: Everywhere(profile, EDGE),
    "all-cloud": lambda profile, seed: Everywhere(profile, CLOUD),
    "random": lambda profile, seed: RandomPolicy(profile, seed),
    "greedy": lambda profile, seed: Greedy(profile),
    "heft": lambda profile, seed: Heft(profile),
    "round-robin": lambda profile, seed: RoundRobin(profile),
    "best-trivial": lambda profile, seed: BestTrivial(profile),
    OPTIMAL: lambda profile, seed: Optimal(profile),
    # The exact expert in C++ (same placements), charged at its C++ time; needs `make native`.
    "optimal-native": lambda profile, seed: native.NativeOptimal(profile),
}
# The simulator's names for the optimum before it took the reports' name; still accepted.
ALIASES = {"oracle": OPTIMAL, "oracle-native": "optimal-native"}
# What the quality reports compare, cheapest first (optimal-native would repeat optimal).
BASELINES = ("all-local", "all-edge", "all-cloud", "random", "greedy", "best-trivial", OPTIMAL)
# What `kdoffload simulate` runs unless told.
SIMULATED = (OPTIMAL, "greedy", "all-local", "all-edge", "all-cloud", "random")


def canonical(name: str) -> str:
    """A registry name for `name`, aliases resolved (unknown names are returned as they are)."""
    return ALIASES.get(name, name)


def make_policy(name: str, profile: Profile, seed: int = 0) -> Policy:
    try:
        factory = POLICIES[canonical(name)]
    except KeyError:
        raise InputError(f"policy {name!r}: unknown (known: {', '.join(POLICIES)})") from None
    return factory(profile, seed)


def baselines(profile: Profile, seed: int = 0) -> list[Policy]:
    """The non-learned policies the reports compare, cheapest first."""
    return [make_policy(name, profile, seed) for name in BASELINES]
