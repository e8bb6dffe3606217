"""Importers: a user's task graph in a published format -> a TaskGraph (docs/graphs.md).

- Graphviz DOT as published with MRLCO (daggen's output with node `size`, `expect_size` and edge
  `size`, all bytes). Its environment uploads `size` bytes when it offloads a task, computes a
  task in `size` / (capacity in bytes/s) seconds, and downloads `expect_size` bytes of result.
  So here: cycles = size * cycles_per_byte; an entry's device input = 8 * size bits; the
  output = 8 * expect_size bits (an edge's `size`, when larger, wins: one output feeds every
  successor in this project's model). `node [...]` and `edge [...]` defaults apply as in Graphviz.
- WfCommons WfFormat JSON (schema 1.5, the one wfcommons 1.6 reads), read by `wfcommons` itself:
  cycles = runtime * cores * the clock of the machine the task ran on (the instance's only machine
  where the task names none, `default_clock` where that leaves no speed); output = the bytes of
  its output files, an entry's device input the bytes of its input files, times 8. A measured 0 (a runtime under the file's ms resolution, an empty output,
  an entry that reads no file) is read as the least the graph takes (1 cycle, 1 byte) and said.

Subtasks are renumbered in topological order (ties by their order in the file); the original
identifiers become the subtask names. A graph of more than `max_subtasks` tasks (at most 64) is
coarsened (model/graph_coarsen.py) and what each subtask holds is said in the notes.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import math
from importlib import metadata
import tempfile
from pathlib import Path

from kdoffload.model.daggen import REFERENCE_CLOCK
from kdoffload.model.errors import InputError
from kdoffload.model.graphs import MAX_MAGNITUDE, MAX_SUBTASKS, TaskGraph, graph_from_dict
from kdoffload.model.nesting import parse_json

# MRLCO's device computes 1 MiB of `size` per second; mapped onto the reference device clock.
DOT_CYCLES_PER_BYTE = REFERENCE_CLOCK / 2**20
DOT_SUFFIXES = (".gv", ".dot")
WFFORMAT_SUFFIXES = (".json",)
WFFORMAT_VERSIONS = ("1.5",)  # the schema versions the wfcommons pinned in pyproject.toml reads


def import_graph(path: Path, cycles_per_byte: float = DOT_CYCLES_PER_BYTE,
                 default_clock: float = REFERENCE_CLOCK, notes: list[str] | None = None,
                 max_subtasks: int | None = None) -> TaskGraph:
    """The graph in `path`, by its suffix: .gv/.dot (MRLCO's DOT) or .json (WfFormat); what the
    reader had to assume (and what a coarsening to `max_subtasks` merged) is appended to `notes`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.suffix in DOT_SUFFIXES:
        return import_dot(path, cycles_per_byte, notes, max_subtasks)
    if path.suffix in WFFORMAT_SUFFIXES:
        return import_wfformat(path, default_clock, notes, max_subtasks)
    raise InputError(f"{path}: unknown graph format (expected {', '.join(DOT_SUFFIXES + WFFORMAT_SUFFIXES)})")


def _to_task_graph(graph: nx.DiGraph, path: Path, workload, kind: str = "node",
                   how: str = "", notes: list[str] | None = None,
                   max_subtasks: int | None = None) -> TaskGraph:
    """Renumber `graph` topologically and validate; `workload(node, graph)` -> (c, out, in).
    A workload out of range names the file's own task (`kind` and its id) and how it was derived."""
    import networkx as nx  # here, not at the top: `kdoffload graph --help` should not pay for it

    loops = list(nx.selfloop_edges(graph))
    if loops:
        raise InputError(f"{path}: edge {loops[0][0]} -> {loops[0][1]} is a self-loop")
    position = {node: k for k, node in enumerate(graph.nodes)}
    try:
        order = list(nx.lexicographical_topological_sort(graph, key=position.__getitem__))
    except nx.NetworkXUnfeasible:
        cycle = [u for u, _ in nx.find_cycle(graph)]
        raise InputError(f"{path}: the graph is cyclic: {' -> '.join(map(str, cycle + cycle[:1]))}") from None
    index_of = {node: i for i, node in enumerate(order)}
    rows = [workload(node, graph) for node in order]
    for node, row in zip(order, rows):
        for field, value in zip(("cycles", "out_bits", "in_bits"), row):
            entry_free = field == "in_bits" and graph.in_degree(node) > 0
            if not (math.isfinite(value) and (entry_free or 0 < value <= MAX_MAGNITUDE)):
                raise InputError(f"{path}: {kind} {node}: {field} {value:g} must be positive and at most "
                                 f"{MAX_MAGNITUDE:g}{how}")
    columns = list(zip(*rows)) if order else [(), (), ()]
    names = [str(node) for node in order]
    raw = {"n": len(order), "names": names,
           "edges": [[index_of[u], index_of[v]] for u, v in graph.edges],
           "cycles": list(columns[0]), "out_bits": list(columns[1]), "in_bits": list(columns[2])}
    limit = MAX_SUBTASKS if max_subtasks is None else max_subtasks
    if raw["n"] > limit:
        if max_subtasks is None:
            raise InputError(f"{path}: {raw['n']} tasks is more than the {MAX_SUBTASKS} kdoffload handles; "
                             f"--max-subtasks K (1..{MAX_SUBTASKS}) merges tasks until at most K remain")
        raw = coarsened(raw, max_subtasks, str(path), notes)
    return graph_from_dict(raw, source=str(path))


def coarsened(raw: dict, max_subtasks: int, where: str, notes: list[str] | None = None) -> dict:
    """A graph dict (n, names, edges, workload) merged to at most `max_subtasks` subtasks; the
    merge is said in `notes` (the subtasks' sizes, then each merged subtask's tasks by name)."""
    from kdoffload.model.graph_coarsen import coarsen, describe

    names = raw.get("names") or [str(k) for k in range(raw["n"])]
    coarse = coarsen(raw["n"], raw["edges"], raw["cycles"], raw["out_bits"], raw["in_bits"],
                     max_subtasks, where)
    sizes = sorted((len(g) for g in coarse.groups), reverse=True)
    if notes is not None:
        notes.append(f"coarsened {raw['n']} tasks to {len(coarse.groups)} subtasks "
                     f"(--max-subtasks {max_subtasks}); tasks per subtask, largest first: "
                     + " ".join(map(str, sizes)))
        if coarse.dropped_in_bits:
            notes.append(f"{coarse.dropped_in_bits:g} bits of device input dropped: entries merged "
                         "under a subtask with another predecessor")
        notes += ["merged " + line for line in describe(coarse.groups, names)]
    return {"n": len(coarse.groups),
            "names": [names[g[0]] + (f" (+{len(g) - 1})" if len(g) > 1 else "") for g in coarse.groups],
            "edges": [list(e) for e in coarse.edges], "cycles": coarse.cycles,
            "out_bits": coarse.out_bits, "in_bits": coarse.in_bits}


# -- Graphviz DOT (MRLCO) ------------------------------------------------------------------------

def _dot_number(attributes: dict, key: str, where: str, path: Path) -> float:
    text = str(attributes.get(key, "")).strip().strip('"')
    try:
        return float(text)
    except ValueError:
        raise InputError(f"{path}: {where}: {key}: missing or not a number ({text!r})") from None


def _dot_attributes(item, where: str, path: Path) -> dict:
    """An item's attributes; one without a value is refused: pydot reads an unquoted `1e6` as
    `1` and a separate attribute `e6` (Graphviz warns of the same split), which would import 1."""
    attributes = item.get_attributes()
    for key, value in attributes.items():
        if value is None:
            raise InputError(f"{path}: {where}: attribute {key} has no value (write numbers with an "
                             f'exponent quoted, like size="1e6")')
    return attributes


def _sequence(item) -> int:
    return item.obj_dict.get("sequence", 0)


def _endpoint_names(end) -> list[str]:
    """The nodes an edge end names: a node id (a port after it is a place on the node's drawing,
    not another node), or every node of a `{a b}` subgraph."""
    if isinstance(end, str):  # `a`, `"a b"`, or either with a port (`a:out`, `"a":out:n`)
        if end.startswith('"'):
            return [end[1:end.index('"', 1)] if '"' in end[1:] else end[1:]]
        return [end.split(":", 1)[0]]
    names = [name.strip('"') for name in end.get("nodes", {}) if name not in ("node", "edge", "graph")]
    for sub in end.get("subgraphs", {}).values():
        names += [name for s in sub for name in _endpoint_names(s)]
    return names


def _dot_walk(graph, defaults: dict, nodes: dict, edges: list, path: Path) -> None:
    """Nodes (name -> attributes) and edges (u, v, attributes) of `graph` and its subgraphs, in
    the file's order, with `node [...]` / `edge [...]` defaults applied as Graphviz does: a default
    reaches what is created after it in its graph and that graph's subgraphs; a node stated again
    only adds its own attributes."""
    defaults = {"node": dict(defaults["node"]), "edge": dict(defaults["edge"])}  # a subgraph's stay in it

    def created(name: str) -> dict:
        return nodes.setdefault(name, dict(defaults["node"]))

    items = graph.get_nodes() + graph.get_edges() + graph.get_subgraphs()
    for item in sorted(items, key=_sequence):
        kind = item.obj_dict.get("type")
        if kind == "subgraph":
            _dot_walk(item, defaults, nodes, edges, path)
        elif kind == "node":
            name = _endpoint_names(item.get_name())[0]
            if name in ("node", "edge"):
                defaults[name].update(_dot_attributes(item, f"{name} defaults", path))
            elif name != "graph":
                created(name).update(_dot_attributes(item, f"node {name}", path))
        else:
            sources, targets = _endpoint_names(item.get_source()), _endpoint_names(item.get_destination())
            where = f"edge {' '.join(sources)} -> {' '.join(targets)}"
            attrs = {**defaults["edge"], **_dot_attributes(item, where, path)}
            for u in sources:
                created(u)
                for v in targets:
                    created(v)
                    edges.append((u, v, attrs))


def import_dot(path: Path, cycles_per_byte: float = DOT_CYCLES_PER_BYTE,
               notes: list[str] | None = None, max_subtasks: int | None = None) -> TaskGraph:
    """MRLCO's DOT task graph (see the module docstring for the mapping)."""
    import pydot  # the DOT grammar is pydot's, not ours

    said = io.StringIO()  # pydot prints its parser's complaint to stdout: it becomes our line
    try:
        with contextlib.redirect_stdout(said):
            parsed = pydot.graph_from_dot_file(str(path))
    except Exception as err:  # pydot raises its parser's own errors, not one type
        detail = "nested too deeply" if isinstance(err, RecursionError) else type(err).__name__
        raise InputError(f"{path}: not a Graphviz DOT file ({detail})") from None
    if not parsed:
        complaint = [line.strip() for line in said.getvalue().splitlines() if line.strip().startswith("Expected")]
        raise InputError(f"{path}: not a Graphviz DOT file" + (f": {complaint[0]}" if complaint else ""))
    if len(parsed) != 1:
        raise InputError(f"{path}: holds {len(parsed)} graphs; a task graph file holds one digraph")
    import networkx as nx

    dot, graph = parsed[0], nx.DiGraph()
    if dot.get_type() != "digraph":
        raise InputError(f"{path}: an undirected graph; a task graph is a digraph (edges a -> b)")
    attributes: dict[str, dict] = {}
    edges: list = []
    _dot_walk(dot, {"node": {}, "edge": {}}, attributes, edges, path)
    if attributes and not any("expect_size" in attrs for attrs in attributes.values()):
        # daggen's own --dot output (github.com/frs69wq/daggen) writes node `size` as a cost in
        # flop and no task output; only MRLCO's dialect gives bytes to map onto a phone's task.
        raise InputError(f"{path}: no node has expect_size: MRLCO's DOT gives size and expect_size in "
                         "bytes; daggen's own --dot output (size in flop, no task outputs) is not read")
    for name, attrs in attributes.items():
        graph.add_node(name, size=_dot_number(attrs, "size", f"node {name}", path),
                       expect_size=_dot_number(attrs, "expect_size", f"node {name}", path))
    out_bytes = {name: 0.0 for name in graph.nodes}
    for u, v, attrs in edges:
        if "size" in attrs:
            size = _dot_number(attrs, "size", f"edge {u} -> {v}", path)
            if not (math.isfinite(size) and 0 <= size <= MAX_MAGNITUDE):
                raise InputError(f"{path}: edge {u} -> {v}: size: must be a number from 0 to "
                                 f"{MAX_MAGNITUDE:g} bytes, got {size:g}")
            out_bytes[u] = max(out_bytes[u], size)
        graph.add_edge(u, v)

    def workload(node, g):
        size, expect = g.nodes[node]["size"], g.nodes[node]["expect_size"]
        entry = g.in_degree(node) == 0
        return size * cycles_per_byte, 8.0 * max(expect, out_bytes[node]), 8.0 * size if entry else 0.0

    return _to_task_graph(graph, path, workload, "node",
                          f" (cycles = size x {cycles_per_byte:g} cycles per byte; bits = 8 x bytes)",
                          notes, max_subtasks)


# -- WfCommons WfFormat ----------------------------------------------------------------------------

# What kdoffload reads of an instance. wfcommons validates against the WfFormat release schema,
# which it fetches from the network; this offline schema is handed to it instead, and
# wfcommons' own semantic checks (dependencies, file references) still run.
_WFFORMAT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object", "required": ["name", "schemaVersion", "workflow"],
    "properties": {"workflow": {
        "type": "object", "required": ["specification"],
        "properties": {"specification": {
            "type": "object", "required": ["tasks"],
            "properties": {
                "tasks": {"type": "array", "items": {"type": "object", "required": ["id", "name", "parents"]}},
                "files": {"type": "array", "items": {"type": "object", "required": ["id", "sizeInBytes"],
                                                     "properties": {"sizeInBytes": {"type": "number"}}}}}},
            "execution": {"type": "object", "properties": {
                "tasks": {"type": "array", "items": {
                    "type": "object", "required": ["id", "runtimeInSeconds"],
                    "properties": {"runtimeInSeconds": {"type": "number"}, "coreCount": {"type": "number"}}}},
                "machines": {"type": "array", "items": {"type": "object", "properties": {
                    "cpu": {"type": "object", "properties": {"speedInMHz": {"type": "number"}}}}}}}}}}},
}


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _read_instance(path: Path):
    # Our own parse first: nesting bounded (wfcommons' parser recurses), UTF-8, valid JSON.
    raw = parse_json(path.read_bytes(), path)
    _check_instance(raw, path)
    from wfcommons.wfinstances import Instance  # heavy (pandas, scipy): only when importing

    errors = _Errors()
    logger = logging.getLogger("kdoffload.wfformat")
    logger.propagate, logger.handlers = False, [errors]
    with tempfile.TemporaryDirectory() as tmp:
        schema = Path(tmp) / "schema.json"
        schema.write_text(json.dumps(_WFFORMAT_SCHEMA))
        try:
            return Instance(path, schema_file=str(schema), logger=logger)
        except (RuntimeError, KeyError, TypeError, ValueError) as err:
            detail = errors.messages[0] if errors.messages else f"{type(err).__name__}: {err}"
            raise InputError(f"{path}: not a WfFormat instance: {detail}") from None


def _check_instance(raw, path: Path) -> None:
    """What wfcommons would misread rather than refuse: an older schema (1.4 and before keep tasks
    under workflow.tasks, where wfcommons 1.6 finds none) and a task without a measured run
    (wfcommons gives it a runtime of 0, which would pass for a very short task)."""
    if not isinstance(raw, dict):
        return  # wfcommons' own check names what is missing
    version = raw.get("schemaVersion")
    if version is not None and str(version) not in WFFORMAT_VERSIONS:
        raise InputError(f"{path}: schemaVersion {version}: this reader takes WfFormat "
                         f"{', '.join(WFFORMAT_VERSIONS)} (as wfcommons {metadata.version('wfcommons')} does); "
                         "convert the file with WfFormat's tools/wfcommons-migrate-instance.py")
    workflow = raw.get("workflow")
    specification = workflow.get("specification") if isinstance(workflow, dict) else None
    tasks = specification.get("tasks") if isinstance(specification, dict) else None
    if not isinstance(tasks, list):
        return
    execution = workflow.get("execution")
    runs = execution.get("tasks") if isinstance(execution, dict) else None
    if not isinstance(runs, list):
        raise InputError(f"{path}: workflow.execution.tasks: missing; a task's work comes from its "
                         "measured runtimeInSeconds (a specification alone gives none)")
    measured = {run.get("id") for run in runs if isinstance(run, dict)}
    for task in tasks:
        if isinstance(task, dict) and task.get("id") not in measured:
            raise InputError(f"{path}: task {task.get('id')}: not in workflow.execution.tasks, so it has "
                             "no runtimeInSeconds to give its work")


def import_wfformat(path: Path, default_clock: float = REFERENCE_CLOCK,
                    notes: list[str] | None = None, max_subtasks: int | None = None) -> TaskGraph:
    """A WfCommons workflow instance (see the module docstring for the mapping). What was read
    as the least amount (a runtime of 0, a task without output or entry without input bytes)
    is said in `notes`."""
    workflow = _read_instance(path).workflow
    # A task that names no machine ran on the instance's one machine when it lists only one
    # (Nextflow's instances list their host once and name it on no task).
    machines = list((getattr(workflow, "machines", None) or {}).values())
    only_clock = machines[0].cpu_speed * 1e6 if len(machines) == 1 and machines[0].cpu_speed else default_clock
    floored = {"cycles": 0, "out_bits": 0, "in_bits": 0}

    def least(value: float, unit: float, field: str) -> float:
        # Measured 0 is below the instance's resolution (runtimes are given to the ms), not absent
        # work: the least amount the graph takes keeps the task and its dependencies.
        if value == 0:
            floored[field] += 1
            return unit
        return value

    def workload(node, g):
        task = g.nodes[node]["task"]
        clock = next((m.cpu_speed * 1e6 for m in task.machines or [] if m and m.cpu_speed), only_clock)
        entry = g.in_degree(node) == 0
        in_bytes = sum(f.size for f in task.input_files) if entry else 0.0
        return (least(task.runtime * (task.cores or 1) * clock, 1.0, "cycles"),
                least(8.0 * sum(f.size for f in task.output_files), 8.0, "out_bits"),
                least(8.0 * in_bytes, 8.0, "in_bits") if entry else 0.0)

    merged: list[str] = []
    graph = _to_task_graph(workflow, path, workload, "task",
                           " (cycles = runtime x cores x clock; bits = 8 x the bytes of its files)",
                           merged, max_subtasks)
    if notes is not None:
        said = {"cycles": "{} of runtime 0 s read as 1 cycle",
                "out_bits": "{} without output bytes read as 1 byte out",
                "in_bits": "{} without input bytes read as 1 byte in (entries)"}
        notes += [said[field].format(f"{count} task{'s' if count > 1 else ''}")
                  for field, count in floored.items() if count]
        notes += merged
    return graph
