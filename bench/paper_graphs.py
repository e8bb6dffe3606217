"""Task graphs and states drawn as the DRL offloading papers draw theirs (MRLCO, DRLTO, TPTO):
daggen with fat 0.7 and regularity 0.7, density from 0.5 to 0.7 and ccr from 0.3 to 0.5.

Every draw comes from (seed, n, graph index) alone, so a bench that asks for graph k of size n
gets the same graph and states whatever else it draws; each graph is named by its seeded spec,
which `kdoffload graph show` or `--profile` turns back into it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kdoffload.model.profile import Profile, load_profile
from kdoffload.model.states import States, sample_states

DENSITY = (0.5, 0.7)
CCR = (0.3, 0.5)
SPEC = "daggen:n={n},fat=0.7,density={density:.3f},regularity=0.7,ccr={ccr:.3f},seed={graph_seed}"


@dataclass(frozen=True)
class Instance:
    """One drawn graph (its seeded spec and profile) and its states."""

    spec: str
    profile: Profile
    states: States


def draw(n: int, graph: int, states: int, seed: int) -> Instance:
    """Graph `graph` of size n with the papers' parameters, and `states` states of it."""
    rng = np.random.default_rng([seed, n, graph])
    density, ccr = rng.uniform(*DENSITY), rng.uniform(*CCR)
    spec = SPEC.format(n=n, density=density, ccr=ccr, graph_seed=int(rng.integers(2**31)))
    profile = load_profile(spec)
    return Instance(spec, profile, sample_states(profile, states, rng))


def draw_many(n: int, graphs: int, states: int, seed: int) -> list[Instance]:
    return [draw(n, graph, states, seed) for graph in range(graphs)]
