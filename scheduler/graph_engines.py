"""Engines that decide a task of any graph: a registry policy per graph, or a graph network.

Where a stream's tasks have different graphs (scheduler.graph_stream), an engine is asked for
the policy of each task's graph (`for_graph`) and decides with it. The registry's policies are
built from any profile, so each is built for each graph (cached); a graph network (the one
student for any graph) reads the graph as an input, so one network serves every graph. The
per-graph build happens before the timed call: it is what a phone does once per app, while the
graph network's features, forward pass and decoder are all inside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from kdoffload.model import native
from kdoffload.model.decider import DecoderConfig
from kdoffload.model.graph_decoding import LOCAL_SEARCH_PASSES, guarded_decision
from kdoffload.model.graph_features import GraphInputs, GraphNormalizer, profile_inputs
from kdoffload.model.policies import Policy, make_policy
from kdoffload.model.profile import Profile
from kdoffload.model.states import States

CACHED_GRAPHS = 64  # a family's tasks each have their own graph: keep a few, not one per task


@dataclass
class PerGraph:
    """A registry policy for any graph: built once for each graph it meets."""

    name: str
    seed: int = 0
    _built: dict = field(default_factory=dict)
    _rng: np.random.Generator | None = None

    def for_graph(self, graph: Profile) -> Policy:
        key = (graph.n, graph.edges, graph.edge_cores)
        policy = self._built.get(key)
        if policy is None:
            if len(self._built) >= CACHED_GRAPHS:
                self._built.clear()
            policy = self._built[key] = make_policy(self.name, graph, self.seed)
            if hasattr(policy, "rng"):  # random: one stream across graphs, as on one graph
                self._rng = self._rng or policy.rng
                policy.rng = self._rng
        return policy


Forward = Callable[[GraphInputs], np.ndarray]  # normalised inputs [S] -> logits [S, 64, 3]


@dataclass(frozen=True)
class GraphNet:
    """A graph network's decisions for any graph (argmax, or the guarded decoder on its logits).

    `native`: the features and the guarded decoder are the C++ core's (model.native), the same
    placements as the Python ones (tests/native hold them equal) at C++ speed."""

    name: str
    forward: Forward
    normalizer: GraphNormalizer
    guarded: bool
    native: bool = False

    def for_graph(self, graph: Profile) -> GraphNetPolicy:
        return GraphNetPolicy(self, graph, self.name)


@dataclass(frozen=True)
class GraphNetPolicy:
    """The network bound to one graph: a `model.policies.Policy`."""

    net: GraphNet
    graph: Profile
    name: str

    def decide(self, states: States) -> np.ndarray:
        graph, net = self.graph, self.net
        raw = GraphInputs(*native.graph_features(graph, states)) if net.native else profile_inputs(graph, states)
        logits = net.forward(net.normalizer(raw))[:, :graph.n]
        if not net.guarded:
            return np.asarray(logits).argmax(-1).astype(np.int8)
        if net.native:
            config = DecoderConfig()
            return native.graph_decide(graph, states, logits, config.top_k, config.ood_top_k, LOCAL_SEARCH_PASSES)[0]
        return guarded_decision(graph, states, logits)
