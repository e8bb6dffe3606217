"""Certified share and solve time of the native branch and bound against N, on daggen graphs
with the DRL offloading papers' parameters, drawn as bench/paper_graphs.py draws them (the same
graphs and states as the heuristic table's at the same seed), each state under its own budget; beside it greedy's and HEFT's
T / T* on certified states.

    python -m bench.exact_scaling --out runs/exact-scaling --sizes 10,20,30,40,50 \\
        --graphs 5 --states 4 --seconds 1 [--nodes 1000000]

A node budget certifies the same states on any machine, however loaded. A time budget counts
the CPU time of the thread that solves (the branch and bound's budget, CLOCK_THREAD_CPUTIME_ID),
so on a shared machine it measures the search rather than the load; on an idle core it is also
what a user waits.

writes exact_scaling.json (with the budget's clock) and exact_scaling.md (the table of
docs/graphs.md). A state's time is the wall time of its solve call (one state per call, so the
~20 µs of ctypes around it is in), and beside it the process's CPU time: what the solve had of
a core, and what a time budget is compared with.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from kdoffload.model import native
from kdoffload.model.io import atomic_write_json, atomic_write_text

from bench.paper_graphs import SPEC, draw_many

# What --seconds counts: the solving thread's CPU time (native/src/solvers.hpp, SearchBudget).
BUDGET_CLOCK = "thread CPU time"


def solve_each(profile, states, seconds: float, max_nodes: int) -> dict[str, np.ndarray]:
    """One certified solve per state under `seconds` and `max_nodes` (0: no limit), timed around it."""
    rows = {"delay": [], "lower": [], "certified": [], "nodes": [], "seconds": [], "cpu_seconds": []}
    for k in range(len(states)):
        began, began_cpu = time.perf_counter(), time.process_time()
        _, delay, lower, certified, nodes = native.solve_certified(profile, states[k:k + 1], max_nodes, seconds)
        rows["seconds"].append(time.perf_counter() - began)
        rows["cpu_seconds"].append(time.process_time() - began_cpu)
        for key, value in (("delay", delay), ("lower", lower), ("certified", certified), ("nodes", nodes)):
            rows[key].append(value[0])
    return {k: np.array(v) for k, v in rows.items()}


def size_record(n: int, graphs: int, states_per_graph: int, seconds: float, nodes: int, seed: int) -> dict:
    parts, ratios = [], {"greedy": [], "heft": []}
    for instance in draw_many(n, graphs, states_per_graph, seed):
        profile, states = instance.profile, instance.states
        solved = solve_each(profile, states, seconds, nodes)
        parts.append(solved)
        for name, heuristic in (("greedy", native.greedy), ("heft", native.heft)):
            delay = heuristic(profile, states)[1]
            ratios[name].append((delay / solved["delay"])[solved["certified"]])
    rows = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    open_gap = ((rows["delay"] - rows["lower"]) / rows["delay"])[~rows["certified"]]
    record = {"n": n, "states": len(rows["delay"]), "certified": float(rows["certified"].mean()),
              "p50_s": float(np.median(rows["seconds"])), "p99_s": float(np.percentile(rows["seconds"], 99)),
              "cpu_p50_s": float(np.median(rows["cpu_seconds"])),
              "cpu_p99_s": float(np.percentile(rows["cpu_seconds"], 99)),
              "nodes_p50": float(np.median(rows["nodes"])), "nodes_p99": float(np.percentile(rows["nodes"], 99)),
              "gap_max": float(open_gap.max()) if len(open_gap) else 0.0}
    for name, values in ratios.items():
        values = np.concatenate(values)
        record[f"{name}_mean"] = float(values.mean()) if len(values) else None
        record[f"{name}_p99"] = float(np.percentile(values, 99)) if len(values) else None
    return record


def table(records: list[dict], budget: str) -> str:
    lines = [f"| N | states | certified within {budget} | time p50 / p99 s | CPU p50 / p99 s | nodes p50 / p99 | "
             "largest gap left | greedy T/T* mean / p99 | HEFT T/T* mean / p99 |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    ratio = (lambda r, name: "–" if r[f"{name}_mean"] is None
             else f"{r[f'{name}_mean']:.3f} / {r[f'{name}_p99']:.3f}")
    for r in records:
        lines.append(f"| {r['n']} | {r['states']} | {r['certified']:.0%} | {r['p50_s']:.4f} / {r['p99_s']:.3f} | "
                     f"{r['cpu_p50_s']:.4f} / {r['cpu_p99_s']:.3f} | "
                     f"{r['nodes_p50']:.0f} / {r['nodes_p99']:.0f} | {r['gap_max']:.1%} | "
                     f"{ratio(r, 'greedy')} | {ratio(r, 'heft')} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/exact-scaling"))
    parser.add_argument("--sizes", default="10,20,30,40,50")
    parser.add_argument("--graphs", type=int, default=5, help="daggen graphs per size")
    parser.add_argument("--states", type=int, default=4, help="states per graph")
    parser.add_argument("--seconds", type=float, default=1.0,
                        help="time budget per state: the solving thread's CPU seconds (0: none)")
    parser.add_argument("--nodes", type=int, default=0, help="node budget per state (0: none)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    records = [size_record(int(n), args.graphs, args.states, args.seconds, args.nodes, args.seed)
               for n in args.sizes.split(",")]
    budget = " and ".join(([f"{args.seconds:g} s CPU"] if args.seconds else []) +
                          ([f"{args.nodes:,} nodes"] if args.nodes else [])) or "no budget"
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write_json(args.out / "exact_scaling.json", {"budget_s": args.seconds, "budget_clock": BUDGET_CLOCK,
                                                         "budget_nodes": args.nodes, "family": SPEC,
                                                         "sizes": records})
    text = table(records, budget)
    atomic_write_text(args.out / "exact_scaling.md", text)
    print(text, end="")


if __name__ == "__main__":
    main()
