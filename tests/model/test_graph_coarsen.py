"""Coarsening (model/graph_coarsen.py): acyclic, at most K, work conserved, deterministic."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from kdoffload.model.errors import InputError
from kdoffload.model.graph_coarsen import coarsen
from kdoffload.model.graph_import import coarsened, import_graph
from kdoffload.model.graphs import graph_from_dict


def _random_dag(n: int, seed: int, p: float = 0.08):
    rng = np.random.default_rng(seed)
    edges = [(u, v) for v in range(n) for u in range(v) if rng.random() < p]
    for v in range(1, n):  # connected: every task after the first has a predecessor or a successor
        if not any(e[1] == v for e in edges):
            edges.append((int(rng.integers(0, v)), v))
    edges.sort()
    entries = {v for v in range(n)} - {v for _, v in edges}
    cycles = [float(x) for x in rng.uniform(1e6, 1e8, n)]
    out_bits = [float(x) for x in rng.uniform(1e3, 1e6, n)]
    in_bits = [float(rng.uniform(1e3, 1e5)) if v in entries else 0.0 for v in range(n)]
    return edges, cycles, out_bits, in_bits


@pytest.mark.parametrize("n,k,seed", [(80, 64, 1), (100, 30, 2), (128, 15, 3), (90, 1, 4)])
def test_acyclic_at_most_k_cycles_and_bits_conserved(n, k, seed):
    edges, cycles, out_bits, in_bits = _random_dag(n, seed)
    c = coarsen(n, edges, cycles, out_bits, in_bits, k)
    assert len(c.groups) <= k
    assert sorted(t for g in c.groups for t in g) == list(range(n))
    assert all(u < v for u, v in c.edges)  # numbered topologically: acyclic
    assert nx.is_directed_acyclic_graph(nx.DiGraph(c.edges))
    assert sum(c.cycles) == pytest.approx(sum(cycles))
    assert sum(c.in_bits) + c.dropped_in_bits == pytest.approx(sum(in_bits))
    # an edge between subtasks exactly when some original edge joins their tasks
    group_of = {t: k for k, g in enumerate(c.groups) for t in g}
    assert set(c.edges) == {(group_of[u], group_of[v]) for u, v in edges if group_of[u] != group_of[v]}
    # a subtask's output: no less than that of the tasks in it that feed another subtask
    for k_, g in enumerate(c.groups):
        feeding = [t for t in g if any(u == t and group_of[v] != k_ for u, v in edges)]
        assert c.out_bits[k_] >= max((out_bits[t] for t in feeding), default=0) - 1e-6
    graph_from_dict({"n": len(c.groups), "edges": [list(e) for e in c.edges], "cycles": c.cycles,
                     "out_bits": c.out_bits, "in_bits": c.in_bits})  # a valid graph file


def test_deterministic():
    edges, cycles, out_bits, in_bits = _random_dag(110, 7)
    a = coarsen(110, edges, cycles, out_bits, in_bits, 20)
    b = coarsen(110, list(reversed(edges)), cycles, out_bits, in_bits, 20)
    assert a == b


def test_diamond_never_contracts_the_edge_with_another_path():
    # 0 -> 1 -> 3, 0 -> 2 -> 3 and 0 -> 3: the edge 0 -> 3 is the lightest merge (tiny cycles on
    # 0 and 3), but contracting it would close the cycle {0,3} -> 1 -> {0,3}.
    edges = [(0, 1), (0, 2), (0, 3), (1, 3), (2, 3)]
    c = coarsen(4, edges, [1.0, 100.0, 100.0, 1.0], [8.0] * 4, [8.0, 0, 0, 0], 3)
    assert len(c.groups) == 3
    assert [0, 3] not in c.groups
    assert nx.is_directed_acyclic_graph(nx.DiGraph(c.edges)) and all(u < v for u, v in c.edges)


def test_merged_edge_data_vanishes_and_parallel_edges_sum():
    # 0 -> 1, 0 -> 2, 1 -> 2: merging 0 and 1 (lightest) leaves one edge to 2 carrying both outputs.
    c = coarsen(3, [(0, 1), (0, 2), (1, 2)], [1.0, 1.0, 50.0], [10.0, 20.0, 5.0], [8.0, 0, 0], 2)
    assert c.groups == [[0, 1], [2]] and c.edges == [(0, 1)]
    assert c.out_bits == [30.0, 5.0] and c.cycles == [2.0, 50.0] and c.in_bits == [8.0, 0.0]
    chain = coarsen(2, [(0, 1)], [1.0, 2.0], [10.0, 20.0], [8.0, 0.0], 1)
    assert chain.out_bits == [20.0] and chain.in_bits == [8.0]  # the merged edge's 10 bits vanish


def test_no_edges_left_is_refused():
    with pytest.raises(InputError, match="cannot merge below 3 subtasks: 3 parts"):
        coarsen(3, [], [1.0] * 3, [8.0] * 3, [8.0] * 3, 2, "g.json")


def test_coarsened_names_and_notes():
    edges, cycles, out_bits, in_bits = _random_dag(70, 5)
    raw = {"n": 70, "names": [f"t{k}" for k in range(70)], "edges": [list(e) for e in edges],
           "cycles": cycles, "out_bits": out_bits, "in_bits": in_bits}
    notes: list[str] = []
    out = coarsened(raw, 10, "g", notes)
    assert out["n"] <= 10 and notes[0].startswith("coarsened 70 tasks to")
    merged = [n for n in notes if n.startswith("merged ")]
    named = [name for line in merged for name in line.split(": ", 1)[1].split(" + ")]
    assert len(named) == 70 - sum(1 for name in out["names"] if "(+" not in name)


def _dot(n: int) -> str:
    lines = ["digraph G {"]
    for v in range(n):
        lines.append(f'  {v} [size="{1000 + 10 * v}", expect_size="{500 + v}"]')
    for v in range(1, n):
        lines.append(f"  {v // 2} -> {v}")
    return "\n".join(lines + ["}"]) + "\n"


def test_dot_import_over_64_is_refused_then_coarsened(tmp_path):
    (tmp_path / "big.gv").write_text(_dot(100))
    with pytest.raises(InputError, match="100 tasks is more than the 64 kdoffload handles; --max-subtasks"):
        import_graph(tmp_path / "big.gv")
    notes: list[str] = []
    graph = import_graph(tmp_path / "big.gv", notes=notes, max_subtasks=40)
    assert graph.n == 40 and notes[0].startswith("coarsened 100 tasks to 40 subtasks")
    assert sum(graph.workload.cycles) == pytest.approx(sum(1000 + 10 * v for v in range(100)) * 2**20 / 2**20
                                                       * import_graph.__defaults__[0])


def test_apply_replays_the_merge_on_other_values():
    edges, cycles, out_bits, in_bits = _random_dag(90, 9)
    c = coarsen(90, edges, cycles, out_bits, in_bits, 12)
    cyc, out, inp = c.apply(np.array([cycles, cycles]), np.array([out_bits] * 2), np.array([in_bits] * 2))
    assert cyc.shape == (2, len(c.groups))
    assert np.allclose(cyc[1], c.cycles) and np.allclose(out[0], c.out_bits) and np.allclose(inp[0], c.in_bits)
