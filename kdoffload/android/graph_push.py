"""`kdoffload android push --graph FILE`: the graph student's export, the task graph and states
of that graph onto the phone.

The app has no TOML reader, so the graph file (docs/formats.md "Task graphs"; validated by
model.graphs, which refuses a bad one in one line) becomes the JSON the app reads
(android_demo/core TaskGraphFile): {"format": FORMAT, "version": 1, "name", "digest",
"edge_cores", "graph": the [graph] table}. The digest is the SHA-256 of the structure
{"n":N,"edges":[[j,i],...]}; the app computes it again and names the graph by it in its result.
States are drawn for the graph with the project's default ranges and edge cores (the graph
student's training conditions), around its nominal workload when the file gives one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from kdoffload.android.adb import Adb
from kdoffload.android.push import (REMOTE_ROOT, PushConfig, remove_other_models, app_runtime_version,
                                    check_runtime, push_files, write_states_file)
from kdoffload.model.errors import InputError
from kdoffload.model.io import atomic_write_text
from kdoffload.model.nesting import parse_json
from kdoffload.model.profile import Profile, check_name, load_graph, load_profile
from kdoffload.model.runs import GraphStudentLayout, Runs

FORMAT = "kdoffload task graph"
VERSION = 1
GRAPH_KIND = "graph-student"  # the graph student's manifest says so (mobile_export/graph_export.py)


@dataclass(frozen=True)
class PushedGraph:
    model_dir: str   # the phone folder: the export, its manifest, bench_states.json, the graph
    graph_file: str  # the task graph's JSON in it


def graph_profile(source: str | Path) -> Profile:
    """The graph to decide for: a graph file (named by its file name), else the graph of a
    profile (a shipped name, a profile file, a daggen spec with seed=), named as the profile."""
    path = Path(source)
    if path.suffix == ".toml" and not path.is_file():
        raise InputError(f"{path}: no such graph file")
    if path.suffix == ".toml":
        graph, name = load_graph(path), path.stem
    else:
        profile = load_profile(source)
        graph, name = profile.graph, profile.name
    check_name(name, f"--graph {source}: the graph's name")
    return Profile(name, graph.n, graph.edges, names=graph.names, workload=graph.workload)


def digest(profile: Profile) -> str:
    structure = {"n": profile.n, "edges": [list(e) for e in profile.edges]}
    return hashlib.sha256(json.dumps(structure, separators=(",", ":")).encode()).hexdigest()


def task_graph(profile: Profile) -> dict:
    """What the app reads (TaskGraphFile)."""
    return {"format": FORMAT, "version": VERSION, "name": profile.name, "digest": digest(profile),
            "edge_cores": profile.edge_cores, "graph": profile.graph.to_dict()}


def graph_export_files(run_dir: Path, cfg: PushConfig) -> tuple[Path, Path]:
    """The graph student's .pte and manifest in its run folder (`kdoffload graph export`)."""
    from kdoffload.mobile_export.config import ExportConfig
    from kdoffload.mobile_export.graph_export import export_stem

    export = GraphStudentLayout(Path(run_dir)).export
    stem = export / export_stem(ExportConfig(model=cfg.model, quantization=cfg.quant))
    pte, manifest = stem.with_suffix(".pte"), stem.with_suffix(".manifest.json")
    for path in (pte, manifest):
        if not path.is_file():
            raise InputError(f"{path}: no such file (kdoffload graph export --run {run_dir} makes it)")
    if parse_json(manifest.read_bytes(), manifest).get("kind") != GRAPH_KIND:
        raise InputError(f"{manifest}: kind: not a graph student's manifest")
    return pte, manifest


def remote_dir(profile: Profile) -> str:
    """Apart from the profiles' folders: a graph may share a shipped profile's name."""
    return f"{REMOTE_ROOT}/graph-{profile.name}"


def push_graph(adb: Adb, graph: Profile, run_dir: Path, cfg: PushConfig, progress=print) -> PushedGraph:
    pte, manifest = graph_export_files(run_dir, cfg)
    check_runtime(manifest, app_runtime_version())
    runs = Runs(graph.name)
    states = write_states_file(graph, cfg, runs.phone_states)
    graph_file = atomic_write_text(runs.phone_graph, json.dumps(task_graph(graph)))
    remote = remote_dir(graph)
    remove_other_models(adb, remote, {pte.name, manifest.name})
    push_files(adb, [pte, manifest, states, graph_file], remote, progress)
    return PushedGraph(remote, f"{remote}/{graph_file.name}")
