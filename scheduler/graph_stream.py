"""Streams whose tasks have different graphs: a family's (each task its own), or a weighted mix.

A mix is a list of components, each a profile of one graph (a shipped name, a TOML, a
`daggen:...,seed=K` spec or a graph file on the stream's own settings) or a family (each task
drawn from it gets its own graph), with a weight. Task k draws its component, then its graph
(for a family) and then its state, from (seed, k) alone: the same tasks whatever else the run
holds. The stream's own profile stays the world: the edge's cores and the network's ranges.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kdoffload.model import daggen
from kdoffload.model.errors import InputError
from kdoffload.model.graph_family import member_profile
from kdoffload.model.graph_features import pad_states
from kdoffload.model.graphs import read_graph
from kdoffload.model.profile import Profile, load_profile, read_toml
from kdoffload.model.states import States, sample_states


@dataclass(frozen=True)
class GraphMix:
    """Where each task's graph comes from: (profile, weight) pairs, weights summing to 1."""

    components: tuple[tuple[Profile, float], ...]

    @classmethod
    def of_family(cls, family: Profile) -> GraphMix:
        return cls(((family, 1.0),))

    @classmethod
    def parse(cls, entries: list[str], world: Profile) -> GraphMix:
        """Each entry `PROFILE[@WEIGHT]` (weight 1 when left out)."""
        if not entries:
            raise InputError("mix: name at least one profile or graph file")
        parsed = [_component(entry, world) for entry in entries]
        total = sum(weight for _, weight in parsed)
        return cls(tuple((profile, weight / total) for profile, weight in parsed))

    @property
    def largest_n(self) -> int:
        return max(p.family.largest_n if p.family else p.n for p, _ in self.components)

    def describe(self) -> list[str]:
        return [f"{p.family.spec() if p.family else p.name}@{w:.3g}" for p, w in self.components]

    def draw(self, count: int, seed: int) -> tuple[tuple[Profile, ...], States]:
        """Per task its graph's profile and its state, padded to 64 subtasks."""
        weights = np.array([w for _, w in self.components])
        graphs, states = [], []
        for k in range(count):
            rng = np.random.default_rng([seed, k])
            pick = int(rng.choice(len(weights), p=weights)) if len(weights) > 1 else 0
            profile = self.components[pick][0]
            if profile.family:  # the recipe of the family's demonstrations (model.graph_family)
                profile = member_profile(profile, daggen.generate(profile.family, rng))
            graphs.append(profile)
            states.append(pad_states(sample_states(profile, 1, rng)))
        return tuple(graphs), States.concat(states)


def _component(entry: str, world: Profile) -> tuple[Profile, float]:
    # daggen specs hold commas and '=', never '@': the last '@' starts the weight.
    source, at, weight_text = entry.rpartition("@") if "@" in entry else (entry, "", "")
    weight = 1.0
    if at:
        try:
            weight = float(weight_text)
        except ValueError:
            weight = -1.0
        if not (0 < weight < float("inf")):
            raise InputError(f"mix {entry!r}: weight must be a positive number, got {weight_text!r}")
    path = Path(source)
    if path.suffix == ".toml" and path.is_file() and set(read_toml(path)) == {"graph"}:
        return member_profile(world, read_graph(path)), weight  # a graph file: the world's settings
    # The stream has one edge server: every task's decision counts the world's cores.
    return dataclasses.replace(load_profile(source, allow_family=True), edge_cores=world.edge_cores), weight
