"""Plain against guided branch and bound: nodes and time per state, on daggen graphs with the
DRL offloading papers' parameters (bench.paper_graphs), each state under a node budget.

    python -m bench.guided_search --out runs/guided-search --sizes dag16,16,30 --graphs 10 --states 10 \\
        --nodes 1000000 [--student runs/graph-student/student.pt]

The guide is the graph student's logits with --student, else HEFT's placement as logits (its
site first at every subtask): the guided search branches on each subtask's sites in the guide's
order and starts from the guarded decision (model/graph_decoding.py) of those logits. Times are
measured in C++ around each state's whole call (for the guided search: the guarded decision plus
the search; the guide's own time is not in it). Labels must
equal plain branch and bound's wherever both certify; the command fails otherwise. Beside them,
the nodes plain branch and bound takes with the optimum as its first incumbent: what is left is
the proof, the least any guide's incumbent can leave.

writes guided_search.json and guided_search.md (the table of docs/graphs.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bench.crossover import student_logits
from bench.paper_graphs import SPEC, draw
from kdoffload.distill.graph_model import load_graph_net
from kdoffload.model import native
from kdoffload.model.decider import DecoderConfig
from kdoffload.model.graph_decoding import LOCAL_SEARCH_PASSES
from kdoffload.model.io import atomic_write_json, atomic_write_text
from kdoffload.model.profile import load_profile
from kdoffload.model.states import sample_states

RUNS = ("plain", "guided")


def heft_logits(profile, states) -> np.ndarray:
    """HEFT's placement as logits [S, N, 3]: 1 at its site, 0 elsewhere."""
    return np.eye(3, dtype=np.float32)[native.heft(profile, states)[0]]


def guide_logits(checkpoint, profile, states) -> np.ndarray:
    """The guide: the graph student's logits when a checkpoint is given, else HEFT's placement."""
    return heft_logits(profile, states) if checkpoint is None else student_logits(checkpoint, profile, states)


def solve_both(profile, states, max_nodes: int, checkpoint=None) -> dict[str, tuple]:
    config = DecoderConfig()
    return {run: native.guided_solve(profile, states, guide_logits(checkpoint, profile, states) if run == "guided"
                                     else None, config.top_k, config.ood_top_k, LOCAL_SEARCH_PASSES, max_nodes)
            for run in RUNS}


def graphs_of(size: str, graphs: int, seed: int) -> list:
    """A size's graphs: `graphs` daggen graphs of N = size drawn as the papers draw theirs, or the
    shipped profile of that name."""
    if size.isdigit():
        return [draw(int(size), graph, 0, seed).profile for graph in range(graphs)]
    return [load_profile(size)]


def size_record(size: str, graphs: int, states_per_graph: int, max_nodes: int, seed: int,
                checkpoint=None) -> dict:
    parts, floor = {run: [] for run in RUNS}, []
    profiles = graphs_of(size, graphs, seed)
    # A shipped profile is one graph: it takes all the states a size's graphs would.
    per_graph = states_per_graph * (graphs if len(profiles) == 1 else 1)
    for graph, profile in enumerate(profiles):
        states = sample_states(profile, per_graph, np.random.default_rng([seed, profile.n, graph]))
        solved = solve_both(profile, states, max_nodes, checkpoint)
        both = solved["plain"][2] & solved["guided"][2]
        if not np.array_equal(solved["plain"][0][both], solved["guided"][0][both]):
            raise SystemExit(f"{size} graph {graph}: guided labels differ from plain branch and bound")
        for run in RUNS:
            parts[run].append(solved[run][2:])
        # The floor of any guide: the optimum itself as the first incumbent leaves only the proof.
        floor.append(native.solve_certified(profile, states, max_nodes, 0.0, incumbent=solved["plain"][0])[4])
    record = {"graphs": size if len(profiles) == 1 else f"daggen N = {size}", "states": graphs * states_per_graph, "optimum_first_nodes_p50": float(np.median(np.concatenate(floor)))}
    for run in RUNS:
        certified, nodes, seconds = (np.concatenate(column) for column in zip(*parts[run]))
        record[run] = {"certified": float(certified.mean()), "nodes_p50": float(np.median(nodes)),
                       "nodes_p99": float(np.percentile(nodes, 99)),
                       "p50_us": float(np.median(seconds) * 1e6), "p99_us": float(np.percentile(seconds, 99) * 1e6)}
    record["nodes_ratio_p50"] = record["plain"]["nodes_p50"] / max(record["guided"]["nodes_p50"], 1.0)
    return record


def table(records: list[dict], max_nodes: int) -> str:
    lines = [f"| graphs | states | certified within {max_nodes:,} nodes, plain / guided | nodes p50, plain / guided "
             "| nodes p50, optimum as first incumbent | fewer nodes at the median | time p50 / p99 µs, plain | time p50 / p99 µs, guided |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in records:
        plain, guided = r["plain"], r["guided"]
        lines.append(f"| {r['graphs']} | {r['states']} | {plain['certified']:.0%} / {guided['certified']:.0%} | "
                     f"{plain['nodes_p50']:.0f} / {guided['nodes_p50']:.0f} | {r['optimum_first_nodes_p50']:.0f} | "
                     f"{r['nodes_ratio_p50']:.1f}× | "
                     f"{plain['p50_us']:.0f} / {plain['p99_us']:.0f} | {guided['p50_us']:.0f} / {guided['p99_us']:.0f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/guided-search"))
    parser.add_argument("--sizes", default="dag16,16,30", help="daggen sizes N or shipped profile names")
    parser.add_argument("--graphs", type=int, default=10, help="daggen graphs per size")
    parser.add_argument("--states", type=int, default=10, help="states per graph")
    parser.add_argument("--nodes", type=int, default=1_000_000, help="node budget per state (0: none)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--student", type=Path, help="a graph student checkpoint (student.pt) to guide with; "
                                                     "default: HEFT's placement")
    args = parser.parse_args(argv)
    checkpoint = None if args.student is None else load_graph_net(args.student, "graph-student")
    records = [size_record(size, args.graphs, args.states, args.nodes, args.seed, checkpoint)
               for size in args.sizes.split(",")]
    atomic_write_json(args.out / "guided_search.json", {"budget_nodes": args.nodes, "family": SPEC,
                                                         "guide": str(args.student or "heft"), "sizes": records})
    text = table(records, args.nodes)
    atomic_write_text(args.out / "guided_search.md", text)
    print(text, end="")


if __name__ == "__main__":
    main()
