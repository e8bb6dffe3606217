"""Graphs as data: graph files, profiles that name or inline them, spreads, and the old profiles
producing exactly the arrays they produced before graphs became data."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from kdoffload.model import native
from kdoffload.model.dataset import make_shard
from kdoffload.model.errors import InputError
from kdoffload.model.graphs import read_graph, write_graph
from kdoffload.model.profile import load_profile, profile_from_dict
from kdoffload.model.states import STATE_FIELDS, sample_states

# sha256 over (name, bytes) of every array, sorted by name, for 16 states of shard 3 of seed 7,
# as produced by the code before graphs became data (commit 15f578b).
STATE_HASHES = {
    "chain6": "9ef8380c0c7abbe1d5f581bd6947c5004716d7f3ca1a77a75392f7171520f4a7",
    "dag10": "d9b2eea50436b19aa96b664ba4a0ba4e8e86db253fe3220931dc2191ce60812d",
    "dag12": "7c18546aa7b45274f22a82158aea40134459aa1596cb29b402aea3d8e9411b65",
    "dag14": "560332526d313217697a20421a7ff94a693fc512c0a0733701edf84eff3f6cfa",
    "dag16": "fa7c7883c6590576c8c6980505ee49dd2dfe329e89e5ca5f48e2e43e78284681",
}
SHARD_HASHES = {
    "chain6": "33e6490965c976cb6c22364205e8889b78c96e2b2b7966e4fb9f36c49e6b4475",
    "dag10": "c846e49d8efae66b0269cec398301075bedb1fcbd9dd3380a4531b001bb1cb5f",
    "dag12": "b195453876e9690371c0b5aa63aa376f341f616d3fed1533d286ef968d430378",
    "dag14": "eaf659e118eaa72b2f4906743689cd930390651fbd77b267bd9792ad57d5b05a",
    "dag16": "a35857dd47db35e0647e1019b3e5defd685fbe90036cae922360c964f657bc2c",
}

# The arrays a shard held then (arrays added since are new information, not a change).
SHARD_ARRAYS = sorted(("features", "labels", "optimal_delay") + STATE_FIELDS)


def _digest(arrays: dict, keys) -> str:
    h = hashlib.sha256()
    for key in keys:
        h.update(key.encode())
        h.update(np.ascontiguousarray(arrays[key]).tobytes())
    return h.hexdigest()


@pytest.mark.parametrize("name", sorted(STATE_HASHES))
def test_old_profiles_draw_the_same_states(name):
    states = sample_states(load_profile(name), 16, np.random.default_rng(np.random.SeedSequence([7, 3])))
    arrays = states.to_dict()
    assert _digest(arrays, list(arrays)) == STATE_HASHES[name]


@pytest.mark.skipif(not native.available(), reason="the native core is not built")
@pytest.mark.parametrize("name", sorted(SHARD_HASHES))
def test_old_profiles_make_the_same_dataset_arrays(name):
    arrays = make_shard(load_profile(name).to_dict(), 7, 3, 16, "native")
    assert _digest(arrays, SHARD_ARRAYS) == SHARD_HASHES[name]


def test_old_profile_dict_is_unchanged():
    assert set(load_profile("dag10").to_dict()) == {"name", "edge_cores", "graph", "ranges"}
    assert set(load_profile("dag10").to_dict()["graph"]) == {"n", "edges"}


GRAPH = """[graph]
n = 3
names = ["capture", "detect", "render"]
edges = [[0, 1], [1, 2], [0, 2]]
cycles = [1e8, 4e8, 2e8]
out_bits = [2e6, 1e5, 8e5]
in_bits = [4e6, 0, 0]
"""


def test_profile_names_a_graph_file_and_spreads_its_workload(tmp_path):
    (tmp_path / "g.toml").write_text(GRAPH)
    (tmp_path / "app.toml").write_text('name = "app"\ngraph = "g.toml"\n[spread]\ncycles = [1.0, 1.0]\n')
    profile = load_profile(tmp_path / "app.toml")
    assert profile.names == ("capture", "detect", "render") and profile.edges == ((0, 1), (0, 2), (1, 2))
    assert profile_from_dict(profile.to_dict()) == profile  # the dict inlines the file
    states = sample_states(profile, 500, np.random.default_rng(0))
    assert np.array_equal(states.cycles, np.broadcast_to([1e8, 4e8, 2e8], (500, 3)))
    ratio = states.out_bits / np.array([2e6, 1e5, 8e5])
    assert ratio.min() >= 0.5 and ratio.max() <= 2.0 and ratio.std() > 0.1
    assert np.all(states.in_bits[:, 1:] == 0) and np.all(states.in_bits[:, 0] > 0)


def test_graph_file_round_trips(tmp_path):
    graph = read_graph(_write(tmp_path / "g.toml", GRAPH))
    write_graph(tmp_path / "h.toml", graph, "copy")
    assert read_graph(tmp_path / "h.toml") == graph
    with pytest.raises(InputError, match='a graph file, not a profile .* graph = "h.toml"'):
        load_profile(tmp_path / "h.toml")


def _write(path, text):
    path.write_text(text)
    return path


BAD = [
    ("cycle", GRAPH.replace("[[0, 1], [1, 2], [0, 2]]", "[[0, 1], [1, 2], [2, 0]]"), "graph.edges: the graph is cyclic"),
    ("self-loop", GRAPH.replace("[0, 2]]", "[1, 1]]"), "graph.edges: [1, 1] is a self-loop"),
    ("out of range", GRAPH.replace("[0, 2]]", "[0, 3]]"), "names a subtask outside 0..2"),
    ("zero work", GRAPH.replace("4e8", "0"), "graph.cycles[1]: must be positive"),
    ("negative bits", GRAPH.replace("1e5", "-1e5"), "graph.out_bits[1]: must be positive"),
    ("too many", GRAPH.replace("n = 3", "n = 65"), "graph.n: 65 subtasks is more than the 64"),
    ("half a workload", GRAPH.replace("in_bits = [4e6, 0, 0]\n", ""), "graph.in_bits: missing"),
    ("input off an entry", GRAPH.replace("[4e6, 0, 0]", "[4e6, 1, 0]"), "graph.in_bits[1]: subtask 1 has a predecessor"),
]


@pytest.mark.parametrize("label, text, message", BAD, ids=[b[0] for b in BAD])
def test_bad_graph_is_one_line_naming_file(tmp_path, label, text, message):
    path = _write(tmp_path / "g.toml", text)
    with pytest.raises(InputError) as err:
        read_graph(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)
    assert "\n" not in str(err.value)


def test_workload_ranges_and_spread_are_exclusive(tmp_path):
    _write(tmp_path / "g.toml", GRAPH)
    with pytest.raises(InputError, match="ranges.cycles: the graph's nominal workload"):
        load_profile(_write(tmp_path / "a.toml", 'name = "a"\ngraph = "g.toml"\n[ranges]\ncycles = [1e7, 1e8]\n'))
    with pytest.raises(InputError, match="spread: needs a graph with a nominal workload"):
        load_profile(_write(tmp_path / "b.toml", 'name = "b"\n[graph]\nn = 2\nedges = [[0, 1]]\n'
                            '[spread]\ncycles = [1.0, 2.0]\n'))
