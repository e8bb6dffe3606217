"""Task graphs as data: subtasks, edges, optional names and nominal workloads; the graph file.

A graph file is TOML with one `[graph]` table (docs/formats.md): `n`, `edges` as [from, to] pairs
with from < to (subtasks are numbered in topological order), and optionally `names` and the
nominal workload `cycles`, `out_bits`, `in_bits` (lists of n numbers; `in_bits` is positive on
entries and 0 elsewhere). A profile holds the same table inline or names the file.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from kdoffload.model.errors import InputError
from kdoffload.model.io import atomic_write_text
from kdoffload.model.nesting import parse_toml

# Any size, clock, rate or time a file may give: far beyond any real one, far below where a sum
# of them overflows a float.
MAX_MAGNITUDE = 1e30

# Every placement and every predecessor set fits one 64-bit word; the Python side handles this
# many subtasks everywhere (the solvers may handle fewer, and say so).
MAX_SUBTASKS = 64
WORKLOAD_FIELDS = ("cycles", "out_bits", "in_bits")
GRAPH_KEYS = {"n", "edges", "names"} | set(WORKLOAD_FIELDS)


@dataclass(frozen=True)
class Workload:
    """Nominal work and data of every subtask: states vary them around these values."""

    cycles: tuple[float, ...]  # CPU cycles
    out_bits: tuple[float, ...]  # output sent to each successor (and, for exits, to the device)
    in_bits: tuple[float, ...]  # device input: positive on entries, 0 elsewhere


@dataclass(frozen=True)
class TaskGraph:
    """N subtasks in topological order, edges j -> i with j < i, optional names and workload."""

    n: int
    edges: tuple[tuple[int, int], ...]
    names: tuple[str, ...] | None = None
    workload: Workload | None = None

    @property
    def entries(self) -> tuple[int, ...]:
        targets = {i for _, i in self.edges}
        return tuple(i for i in range(self.n) if i not in targets)

    @property
    def exits(self) -> tuple[int, ...]:
        sources = {j for j, _ in self.edges}
        return tuple(i for i in range(self.n) if i not in sources)

    def to_dict(self) -> dict:
        """The `[graph]` table: `graph_from_dict(g.to_dict()) == g`; absent parts stay absent."""
        out: dict = {"n": self.n, "edges": [list(e) for e in self.edges]}
        if self.names is not None:
            out["names"] = list(self.names)
        if self.workload is not None:
            out.update({key: list(getattr(self.workload, key)) for key in WORKLOAD_FIELDS})
        return out


def graph_from_dict(raw, source: str = "graph", prefix: str = "graph.") -> TaskGraph:
    """A validated TaskGraph; any fault is one InputError naming `source` and the key."""

    def fail(key: str, problem: str) -> InputError:
        return InputError(f"{source}: {prefix}{key}: {problem}")

    if not isinstance(raw, dict):
        raise InputError(f"{source}: {prefix.rstrip('.')}: must be a table with n and edges")
    for key in raw:
        if key not in GRAPH_KEYS:
            raise fail(key, f"unknown key (expected one of {', '.join(sorted(GRAPH_KEYS))})")
    n = raw.get("n")
    if not is_int(n) or n < 1:
        raise fail("n", f"must be an integer >= 1, got {n!r}")
    if n > MAX_SUBTASKS:
        raise fail("n", f"{n} subtasks is more than the {MAX_SUBTASKS} kdoffload handles")
    edges = _check_edges(raw.get("edges", []), n, fail)
    names = _check_names(raw.get("names"), n, fail)
    graph = TaskGraph(n, edges, names)
    given = [k for k in WORKLOAD_FIELDS if k in raw]
    if given and len(given) != len(WORKLOAD_FIELDS):
        missing = sorted(set(WORKLOAD_FIELDS) - set(given))
        raise fail(missing[0], "missing (a workload gives cycles, out_bits and in_bits together)")
    if not given:
        return graph
    entries = set(graph.entries)
    workload = {key: _check_workload(raw[key], key, n, entries, fail) for key in WORKLOAD_FIELDS}
    return TaskGraph(n, edges, names, Workload(**workload))


def is_int(value) -> bool:
    """An int that is not a bool (TOML and JSON integers)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _check_edges(raw_edges, n: int, fail) -> tuple[tuple[int, int], ...]:
    if not isinstance(raw_edges, list):
        raise fail("edges", "must be a list of [from, to] pairs")
    edges = []
    for e in raw_edges:
        if not (isinstance(e, list) and len(e) == 2 and all(is_int(v) for v in e)):
            raise fail("edges", f"{e!r} is not a [from, to] pair of integers")
        j, i = e
        if not (0 <= j < n and 0 <= i < n):
            raise fail("edges", f"{e!r} names a subtask outside 0..{n - 1}")
        if j == i:
            raise fail("edges", f"{e!r} is a self-loop")
        edges.append((j, i))
    if len(set(edges)) != len(edges):
        raise fail("edges", "an edge is listed twice")
    cycle = find_cycle(n, edges)
    if cycle:
        raise fail("edges", "the graph is cyclic: " + " -> ".join(map(str, cycle)))
    for j, i in edges:
        if j >= i:
            raise fail("edges", f"[{j}, {i}] is not in topological order (need from < to)")
    return tuple(sorted(edges, key=lambda e: (e[1], e[0])))


def _check_names(names, n: int, fail) -> tuple[str, ...] | None:
    if names is None:
        return None
    if not (isinstance(names, list) and len(names) == n and all(isinstance(v, str) for v in names)):
        raise fail("names", f"must be a list of {n} strings")
    return tuple(names)


def _check_workload(values, key: str, n: int, entries: set[int], fail) -> tuple[float, ...]:
    if not isinstance(values, list) or len(values) != n:
        raise fail(key, f"must be a list of {n} numbers")
    out = []
    for i, v in enumerate(values):
        if not (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)):
            raise fail(f"{key}[{i}]", f"must be a number, got {v!r}")
        if key == "in_bits" and i not in entries:
            if v != 0:
                raise fail(f"{key}[{i}]", f"subtask {i} has a predecessor: its device input must be 0")
        elif not 0 < v <= MAX_MAGNITUDE:
            raise fail(f"{key}[{i}]", f"must be positive (and at most {MAX_MAGNITUDE:g}), got {v!r}")
        out.append(float(v))
    return tuple(out)


def find_cycle(n: int, edges) -> list[int] | None:
    """One directed cycle as a vertex list (first vertex repeated at the end), or None."""
    succ: dict[int, list[int]] = {v: [] for v in range(n)}
    for j, i in edges:
        succ[j].append(i)
    colour = [0] * n  # 0 new, 1 on the stack, 2 done
    for root in range(n):
        if colour[root]:
            continue
        # Iterative DFS: an imported graph of 64 subtasks may be a 64-deep chain.
        stack, path = [(root, iter(succ[root]))], [root]
        colour[root] = 1
        while stack:
            v, children = stack[-1]
            w = next(children, None)
            if w is None:
                stack.pop()
                path.pop()
                colour[v] = 2
            elif colour[w] == 1:
                return path[path.index(w):] + [w]
            elif colour[w] == 0:
                colour[w] = 1
                stack.append((w, iter(succ[w])))
                path.append(w)
    return None


def read_graph(path: Path) -> TaskGraph:
    """A graph file by path; a missing, non-TOML or invalid file is one InputError naming it."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such graph file")
    raw = parse_toml(path.read_bytes(), path)
    unknown = sorted(set(raw) - {"graph"})
    if unknown or "graph" not in raw:
        raise InputError(f"{path}: a graph file holds one [graph] table"
                         + (f" (unknown key {unknown[0]!r})" if unknown else ""))
    return graph_from_dict(raw["graph"], source=str(path))


def graph_toml(graph: TaskGraph, comment: str = "") -> str:
    """The graph file's text: one `[graph]` table, one line per key."""
    lines = [f"# {line}" for line in comment.splitlines()] + ["[graph]"]
    for key, value in graph.to_dict().items():
        lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _toml_value(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON's escapes are TOML's basic-string escapes
    if isinstance(value, float):
        return repr(value)  # shortest repr that reads back to the same float
    return str(value)


def write_graph(path: Path, graph: TaskGraph, comment: str = "") -> Path:
    """Write a graph file atomically (it reads back to an equal TaskGraph)."""
    return atomic_write_text(Path(path), graph_toml(graph, comment))


def levels(graph: TaskGraph) -> list[int]:
    """Each subtask's level: 0 for entries, else 1 + the deepest predecessor's."""
    level = [0] * graph.n
    for j, i in graph.edges:  # sorted by target, and every source precedes its target
        level[i] = max(level[i], level[j] + 1)
    return level


def summary(graph: TaskGraph) -> dict:
    """What `kdoffload graph show` prints: size, shape and, if given, the nominal workload."""
    level = levels(graph)
    out = {"subtasks": graph.n, "edges": len(graph.edges), "entries": list(graph.entries),
           "exits": list(graph.exits), "levels": max(level) + 1,
           "widest_level": max(level.count(v) for v in set(level))}
    if graph.workload is not None:
        w = graph.workload
        out.update({"total_cycles": sum(w.cycles), "total_out_bits": sum(w.out_bits),
                    "total_in_bits": sum(w.in_bits)})
    return out
