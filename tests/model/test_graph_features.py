"""The graph feature recipe: equal to its written definition, padded and masked, batch-independent."""

from __future__ import annotations

import numpy as np
import pytest

from kdoffload.model import daggen
from kdoffload.model.delay import Params
from kdoffload.model.graph_family import member_profile, pred_masks
from kdoffload.model.graph_features import (N_MAX, NODE_FEATURES, GraphNormalizer, adjacency_from_masks,
                                            graph_inputs, profile_inputs)
from kdoffload.model.graph_heuristics import upward_ranks
from kdoffload.model.profile import load_profile
from kdoffload.model.states import States, sample_states

PROFILES = ["chain6", "dag10", "daggen:n=9,fat=0.4,jump=2,seed=5", "daggen:n=40,fat=0.7,seed=2"]


def _longest(n, edges, forward: bool) -> list[int]:
    """Edges on the longest path into (forward) or out of each subtask, by plain recursion."""
    memo: dict[int, int] = {}

    def walk(i):
        if i not in memo:
            nxt = [j for j, k in edges if k == i] if forward else [k for j, k in edges if j == i]
            memo[i] = max((walk(m) + 1 for m in nxt), default=0)
        return memo[i]

    return [walk(i) for i in range(n)]


@pytest.mark.parametrize("name", PROFILES)
def test_features_follow_the_written_recipe(name):
    profile = load_profile(name)
    states = sample_states(profile, 3, np.random.default_rng(0))
    inputs = profile_inputs(profile, states)
    n, edges = profile.n, profile.edges
    depth, height = _longest(n, edges, True), _longest(n, edges, False)
    longest = max(max(depth), 1)
    rank = upward_ranks(profile, Params.from_states(states)).reshape(n, 3).T
    col = {f: k for k, f in enumerate(NODE_FEATURES)}
    for s in range(3):
        nodes = inputs.nodes[s].astype(np.float64)
        for i in range(n):
            entry, exit_ = i in profile.entries, i in profile.exits
            expect = {"log_cycles": np.log(states.cycles[s, i]), "log_out_bits": np.log(states.out_bits[s, i]),
                      "log_in_bits": np.log(states.in_bits[s, i]) if entry else 0.0,
                      "is_entry": float(entry), "is_exit": float(exit_), "depth_frac": depth[i] / longest,
                      "height_frac": height[i] / longest,
                      "fan_in": sum(k == i for _, k in edges), "fan_out": sum(j == i for j, _ in edges),
                      "log_upward_rank": np.log(rank[s, i]), "rank_frac": rank[s, i] / rank[s].max()}
            for feature, value in expect.items():
                assert nodes[i, col[feature]] == pytest.approx(value, rel=1e-6, abs=1e-6), (i, feature)
        assert not nodes[n:].any() and inputs.mask[s].sum() == n
        assert inputs.scalars[s, 0] == pytest.approx(np.log(states.f_device[s]), rel=1e-6)
        assert inputs.scalars[s, 6] == pytest.approx(states.edge_wait[s], rel=1e-6)
    expected_adjacency = np.zeros((N_MAX, N_MAX))
    for j, i in edges:
        expected_adjacency[i, j] = 1
    assert (inputs.adjacency == expected_adjacency).all()


def test_mixed_graphs_in_one_batch_equal_each_alone():
    params = daggen.DaggenParams(n=12)
    rng = np.random.default_rng(4)
    family = load_profile("daggen:n=12", allow_family=True)
    singles, graphs = [], []
    for size in (5, 12, 30, 64):
        graph = daggen.generate(daggen.DaggenParams(**{**params.__dict__, "n": size}), rng)
        profile = member_profile(family, graph)
        state = sample_states(profile, 1, rng)
        singles.append(profile_inputs(profile, state))
        graphs.append((graph, state))
    n = np.array([g.n for g, _ in graphs])
    masks = np.stack([pred_masks(g) for g, _ in graphs])
    padded = [{k: np.pad(v, ((0, 0), (0, N_MAX - g.n))) if v.ndim == 2 else v
               for k, v in s.to_dict().items()} for g, s in graphs]
    batch = graph_inputs(n, masks, States(**{k: np.concatenate([p[k] for p in padded]) for k in padded[0]}))
    for k, single in enumerate(singles):
        for a, b in zip(batch[k:k + 1].as_tuple(), single.as_tuple()):
            assert np.array_equal(a, b)


def test_adjacency_bits_round_trip():
    masks = np.zeros((1, N_MAX), dtype=np.uint64)
    masks[0, 63] = np.uint64(1) << np.uint64(62)
    masks[0, 5] = np.uint64(0b1011)
    adjacency = adjacency_from_masks(masks)[0]
    assert adjacency[63, 62] and adjacency[5, [0, 1, 3]].all() and adjacency.sum() == 4


def test_normaliser_keeps_padding_zero_and_round_trips():
    profile = load_profile("dag10")
    inputs = profile_inputs(profile, sample_states(profile, 50, np.random.default_rng(1)))
    normalizer = GraphNormalizer.fit(inputs)
    normal = normalizer(inputs)
    assert not normal.nodes[:, 10:].any()
    real = normal.nodes[:, :10].reshape(-1, len(NODE_FEATURES))
    assert np.abs(real.mean(axis=0)).max() < 1e-4
    again = GraphNormalizer.from_dict(normalizer.to_dict())(inputs)
    assert np.array_equal(again.nodes, normal.nodes) and np.array_equal(again.scalars, normal.scalars)
