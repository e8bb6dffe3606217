"""Graph + state -> the graph student's inputs, padded to N_MAX = 64 subtasks with a mask.

One recipe for every graph: per-subtask features (workload, place in the graph, HEFT's upward
rank), the state's scalars as the single-graph recipe has them (model/features.py), the
adjacency as a dense [64, 64] 0/1 matrix and a 0/1 mask of real subtasks. docs/formats.md
("Graph features") states the recipe exactly, for the C++ and Java ports.

Sizes, clocks, rates and the rank span decades, so they enter as natural logs; the place in the
graph enters as counts and as fractions of the longest path, which mean the same at N = 5 and
N = 64. The graph's size itself is no input: the model is to carry over to larger graphs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kdoffload.model.delay import Params
from kdoffload.model.features import _LOG_SCALARS, _TIME_SCALARS, Normalizer
from kdoffload.model.graph_family import edges_from_masks, pred_masks
from kdoffload.model.graph_heuristics import upward_ranks
from kdoffload.model.graphs import MAX_SUBTASKS
from kdoffload.model.profile import Profile
from kdoffload.model.states import States

RECIPE_VERSION = 1
N_MAX = MAX_SUBTASKS
NODE_FEATURES = ("log_cycles", "log_out_bits", "log_in_bits", "is_entry", "is_exit", "depth_frac",
                 "height_frac", "fan_in", "fan_out", "log_upward_rank", "rank_frac")
SCALAR_RECIPE = ([{"field": f, "transform": "log"} for f in _LOG_SCALARS]
                 + [{"field": f, "transform": "identity"} for f in _TIME_SCALARS])


@dataclass
class GraphInputs:
    """A batch of S graph + state inputs: nodes [S, 64, F_node], scalars [S, F_scalar],
    adjacency [S, 64, 64] (row i, column j: 1 when j -> i), mask [S, 64]; float32."""

    nodes: np.ndarray
    scalars: np.ndarray
    adjacency: np.ndarray
    mask: np.ndarray

    def __len__(self) -> int:
        return len(self.mask)

    def __getitem__(self, index) -> GraphInputs:
        return GraphInputs(self.nodes[index], self.scalars[index], self.adjacency[index], self.mask[index])

    def as_tuple(self) -> tuple[np.ndarray, ...]:
        """The network's input order."""
        return self.nodes, self.scalars, self.adjacency, self.mask


def adjacency_from_masks(pred_mask: np.ndarray) -> np.ndarray:
    """uint64 [S, 64] (bit j of entry i: j -> i) -> bool [S, 64, 64], [s, i, j] = bit j."""
    as_bytes = np.ascontiguousarray(pred_mask, dtype="<u8").view(np.uint8)
    return np.unpackbits(as_bytes.reshape(*pred_mask.shape, 8), axis=-1, bitorder="little").astype(bool)


def _longest_paths(adjacency: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges on the longest path from an entry to i (depth) and from i to an exit (height)."""
    depth = np.zeros(valid.shape)
    height = np.zeros(valid.shape)
    for i in range(N_MAX):  # predecessors have lower indices
        depth[:, i] = np.where(adjacency[:, i, :], depth + 1, 0).max(axis=1)
    for i in reversed(range(N_MAX)):
        height[:, i] = np.where(adjacency[:, :, i], height + 1, 0).max(axis=1)
    return depth * valid, height * valid


def graph_groups(n: np.ndarray, pred_mask: np.ndarray):
    """(profile of the graph, indices of the states that have it), once per distinct graph."""
    keys = np.concatenate([np.asarray(n)[:, None].astype(np.uint64), pred_mask], axis=1)
    graphs, group = np.unique(keys, axis=0, return_inverse=True)
    for g, key in enumerate(graphs):
        size = int(key[0])
        yield (Profile(name="graph", n=size, edges=edges_from_masks(size, key[1:])),
               np.flatnonzero(group.ravel() == g))


def _ranks(n: np.ndarray, pred_mask: np.ndarray, states: States) -> np.ndarray:
    """HEFT's upward rank (s) [S, 64], 0 past n; states sharing a graph go in one call."""
    rank = np.zeros((len(n), N_MAX))
    for profile, members in graph_groups(n, pred_mask):
        params = Params.from_states(cut_states(states[members], profile.n))
        rank[members, :profile.n] = upward_ranks(profile, params).reshape(profile.n, len(members)).T
    return rank


def cut_states(states: States, n: int) -> States:
    """Padded states -> their first n subtasks."""
    return States(**{k: v[:, :n] if v.ndim == 2 else v for k, v in states.to_dict().items()})


def _log(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """ln(values) where `where`, else 0 (padding, and a non-entry's in_bits)."""
    return np.where(where, np.log(np.where(where, values, 1.0)), 0.0)


def graph_inputs(n: np.ndarray, pred_mask: np.ndarray, states: States) -> GraphInputs:
    """Raw (unnormalised) inputs of S states, each with its graph: n [S], pred_mask uint64
    [S, 64], states with per-subtask fields padded to [S, 64]."""
    n = np.asarray(n, dtype=np.int64)
    valid = np.arange(N_MAX)[None, :] < n[:, None]
    adjacency = adjacency_from_masks(pred_mask) & valid[:, :, None] & valid[:, None, :]
    fan_in, fan_out = adjacency.sum(axis=2), adjacency.sum(axis=1)
    is_entry, is_exit = valid & (fan_in == 0), valid & (fan_out == 0)
    depth, height = _longest_paths(adjacency, valid)
    longest = np.maximum(depth.max(axis=1, keepdims=True), 1)
    rank = _ranks(n, pred_mask, states)
    columns = [_log(states.cycles, valid), _log(states.out_bits, valid), _log(states.in_bits, is_entry),
               is_entry, is_exit, depth / longest, height / longest, fan_in, fan_out, _log(rank, valid),
               rank / np.maximum(rank.max(axis=1, keepdims=True), 1e-300)]
    nodes = np.stack(columns, axis=2) * valid[:, :, None]
    scalars = np.stack([np.log(getattr(states, r["field"])) if r["transform"] == "log"
                        else getattr(states, r["field"]) for r in SCALAR_RECIPE], axis=1)
    return GraphInputs(nodes.astype(np.float32), scalars.astype(np.float32),
                       adjacency.astype(np.float32), valid.astype(np.float32))


def pad_states(states: States) -> States:
    """States of one graph (per-subtask fields [S, n]) -> padded to [S, 64] with 0 (cut_states' inverse)."""
    return States(**{k: np.pad(v, ((0, 0), (0, N_MAX - v.shape[1]))) if v.ndim == 2 else v
                     for k, v in states.to_dict().items()})


def profile_inputs(profile: Profile, states: States) -> GraphInputs:
    """Raw inputs of states of one single-graph profile (per-subtask fields [S, n])."""
    count = len(states)
    return graph_inputs(np.full(count, profile.n), np.repeat(pred_masks(profile.graph)[None], count, 0),
                        pad_states(states))


@dataclass(frozen=True)
class GraphNormalizer:
    """(x - mean) / std per node feature (fitted over real subtasks only) and per scalar;
    padded rows stay 0."""

    node: Normalizer
    scalar: Normalizer

    @classmethod
    def fit(cls, inputs: GraphInputs) -> GraphNormalizer:
        real = inputs.mask.astype(bool)
        return cls(Normalizer.fit(inputs.nodes[real]), Normalizer.fit(inputs.scalars))

    def __call__(self, inputs: GraphInputs) -> GraphInputs:
        nodes = self.node(inputs.nodes) * inputs.mask[..., None]
        return GraphInputs(nodes.astype(np.float32), self.scalar(inputs.scalars), inputs.adjacency,
                           inputs.mask)

    def to_dict(self) -> dict:
        return {"node": self.node.to_dict(), "scalar": self.scalar.to_dict()}

    @classmethod
    def from_dict(cls, d: dict) -> GraphNormalizer:
        return cls(Normalizer.from_dict(d["node"]), Normalizer.from_dict(d["scalar"]))


def recipe() -> dict:
    """What a manifest carries so a client can rebuild the inputs (docs/formats.md)."""
    return {"version": RECIPE_VERSION, "n_max": N_MAX, "node_features": list(NODE_FEATURES),
            "scalar_features": SCALAR_RECIPE, "adjacency": "row i, column j: 1 when j -> i",
            "inputs": ["nodes", "scalars", "adjacency", "mask"]}

