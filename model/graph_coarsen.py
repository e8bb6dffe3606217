"""Coarsening: merge an imported graph's tasks until at most K subtasks remain (docs/graphs.md).

Rule: repeatedly contract one edge u -> v that keeps the graph acyclic (no other path from u to
v), choosing the edge whose merged subtask is the lightest (the least cycles of u and v together,
so the largest merged subtask grows as little as it can), ties by the least data on the edge (u's
output), then by the endpoints' first original index. A merged subtask's cycles are the sum of
its tasks'; the data on a merged edge vanishes (both ends run on one site); where u and v both
fed a successor, the two edges become one carrying the sum. Its output is v's, plus u's when u
fed any task other than v (this project's model sends one output to every successor, so a merge
can only over-state what reaches v's successors, never drop data). Its device input is the sum
of both tasks' when it is still an entry; an entry merged under a task that has another
predecessor is no longer an entry, and its device input (which the graph file can only hold on
entries) is said in the notes as dropped. Deterministic: no set or hash order decides anything.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from kdoffload.model.errors import InputError


@dataclass(frozen=True)
class Coarse:
    """The coarse graph, numbered topologically (ties by first task): `groups[k]` the original
    indices subtask k holds (ascending)."""

    groups: list[list[int]]
    edges: list[tuple[int, int]]  # indices into groups
    cycles: list[float]
    out_bits: list[float]
    in_bits: list[float]
    dropped_in_bits: float
    merges: tuple[tuple[int, int, bool, bool], ...] = ()  # (u, v, u fed others, still an entry)
    order: tuple[int, ...] = ()  # the surviving original index of each subtask, in coarse order

    def apply(self, cycles, out_bits, in_bits):
        """Other values of the same tasks (a state's, [..., n] arrays) merged as this coarsening
        merged the nominal ones: (cycles, out_bits, in_bits), each [..., len(groups)]."""
        import numpy as np

        cyc, out, inp = (np.array(a, dtype=float, copy=True) for a in (cycles, out_bits, in_bits))
        for u, v, fed_others, entry in self.merges:
            cyc[..., u] += cyc[..., v]
            out[..., u] = out[..., v] + (out[..., u] if fed_others else 0.0)
            inp[..., u] = inp[..., u] + inp[..., v] if entry else 0.0
        keep = list(self.order)
        return cyc[..., keep], out[..., keep], inp[..., keep]


def coarsen(n: int, edges, cycles, out_bits, in_bits, max_subtasks: int, where: str = "graph") -> Coarse:
    """Merge tasks of the DAG (`edges` as (u, v) over 0..n-1) until at most `max_subtasks` remain."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((int(u), int(v)) for u, v in edges)
    cyc, out, inp = list(map(float, cycles)), list(map(float, out_bits)), list(map(float, in_bits))
    members = {k: [k] for k in range(n)}
    dropped = 0.0
    merges: list[tuple[int, int, bool, bool]] = []
    version = [0] * n  # bumped when a node changes: heap entries with an older stamp are stale

    def entry(u: int, v: int):
        return (cyc[u] + cyc[v], out[u], u, v, version[u], version[v])

    heap = [entry(u, v) for u, v in graph.edges]
    heapq.heapify(heap)
    while graph.number_of_nodes() > max_subtasks:
        if not heap:
            raise InputError(f"{where}: cannot merge below {graph.number_of_nodes()} subtasks: "
                             f"{nx.number_weakly_connected_components(graph)} parts share no edge "
                             f"(--max-subtasks {max_subtasks})")
        _, _, u, v, su, sv = heapq.heappop(heap)
        if u not in graph or v not in graph or su != version[u] or sv != version[v] \
                or not graph.has_edge(u, v):
            continue
        graph.remove_edge(u, v)
        if nx.has_path(graph, u, v):  # another path: contracting would close a cycle
            graph.add_edge(u, v)
            continue  # re-pushed if u or v changes later
        # merge v into u
        u_feeds_others = graph.out_degree(u) > 0
        was_entry = graph.in_degree(u) == 0
        preds_v, succs_v = list(graph.predecessors(v)), list(graph.successors(v))
        graph.remove_node(v)
        graph.add_edges_from((p, u) for p in preds_v)
        graph.add_edges_from((u, s) for s in succs_v)
        cyc[u] += cyc[v]
        out[u] = out[v] + (out[u] if u_feeds_others else 0.0)
        merges.append((u, v, u_feeds_others, graph.in_degree(u) == 0))
        if graph.in_degree(u) == 0:
            inp[u] += inp[v]
        else:
            if was_entry:
                dropped += inp[u]
            inp[u] = 0.0
        members[u] = sorted(members[u] + members.pop(v))
        version[u] += 1  # every entry naming u is stale; its edges go in again with new keys
        for p in sorted(graph.predecessors(u)):
            heapq.heappush(heap, entry(p, u))
        for s in sorted(graph.successors(u)):
            heapq.heappush(heap, entry(u, s))
    # topological again (a merge can give u a predecessor numbered after it), ties by first task
    order = list(nx.lexicographical_topological_sort(graph, key=lambda node: members[node][0]))
    index = {node: k for k, node in enumerate(order)}
    return Coarse(groups=[members[node] for node in order],
                  edges=sorted((index[a], index[b]) for a, b in graph.edges),
                  cycles=[cyc[node] for node in order], out_bits=[out[node] for node in order],
                  in_bits=[inp[node] for node in order], dropped_in_bits=dropped,
                  merges=tuple(merges), order=tuple(order))


def describe(groups: list[list[int]], names: list[str]) -> list[str]:
    """One line per merged subtask: `k: a + b + c` (original names), in the coarse numbering."""
    return [f"{k}: {' + '.join(names[i] for i in group)}" for k, group in enumerate(groups) if len(group) > 1]
