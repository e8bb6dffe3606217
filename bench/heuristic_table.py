"""The heuristics' T / T* on certified optima: against N, and against the uplink rate.

    python -m bench.heuristic_table --out runs/heuristic-table --sizes 10,20,30,40,50 \\
        --rates 3,7,11,15,19 --rate-n 20 --graphs 5 --states 4 --nodes 1000000

Graphs and states are drawn as the DRL offloading papers draw theirs (bench/paper_graphs.py);
each state is solved by the certified solve (model/exact.py) under a node budget, and every
heuristic of the policy registry is charged at T(x) on the same state. Only certified states
enter the ratios: an uncertified T is an upper bound on T*, so a ratio over it could flatter a
heuristic. Against the rate, each state keeps its graph, clocks and loads, and its uplink is
set to the rate (its downlink keeps the drawn downlink/uplink ratio).

Size: (sizes + rates) x graphs x states solves, each stopped at --nodes (1,000,000 nodes is a few
seconds at N >= 40 on this machine, so the defaults take minutes). Writes heuristic_table.json
(every state's T*, certificate and each heuristic's T) and heuristic_table.md (both tables).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

from bench.paper_graphs import Instance, draw_many
from kdoffload.model import exact
from kdoffload.model.delay import delays
from kdoffload.model.graphs import MAX_SUBTASKS
from kdoffload.model.io import atomic_write_json, atomic_write_text
from kdoffload.model.policies import make_policy

HEURISTICS = ("greedy", "heft", "round-robin", "random", "all-local", "all-edge", "all-cloud")


def with_uplink(instance: Instance, rate_mbps: float) -> Instance:
    """The same graph and states with every uplink at `rate_mbps` (downlink/uplink ratio kept)."""
    states, rate = instance.states, rate_mbps * 1e6
    fixed = dataclasses.replace(states, rate_up=np.full(len(states), rate),
                                rate_down=states.rate_down * (rate / states.rate_up))
    return dataclasses.replace(instance, states=fixed)


def solve_rows(instances: list[Instance], budget: exact.Budget, seed: int) -> list[dict]:
    """Per state: its graph, T* (or the best found), the certificate and each heuristic's T."""
    rows = []
    for instance in instances:
        profile, states = instance.profile, instance.states
        solution = exact.solve_certified(profile, states, budget, "native")
        heuristic = {name: delays(profile, states, make_policy(name, profile, seed).decide(states))
                     for name in HEURISTICS}
        for k in range(len(states)):
            rows.append({"graph": instance.spec, "state": k, "certified": bool(solution.certified[k]),
                         "delay": float(solution.delay[k]), "lower_bound": float(solution.lower_bound[k]),
                         "nodes": int(solution.nodes[k]),
                         "heuristics": {name: float(heuristic[name][k]) for name in HEURISTICS}})
    return rows


def summarise(rows: list[dict]) -> dict:
    """States, certified count, and each heuristic's mean and p99 T/T* over the certified ones."""
    certified = [r for r in rows if r["certified"]]
    out = {"states": len(rows), "certified": len(certified)}
    for name in HEURISTICS:
        ratios = np.array([r["heuristics"][name] / r["delay"] for r in certified])
        out[name] = ({"mean": float(ratios.mean()), "p99": float(np.percentile(ratios, 99))}
                     if len(ratios) else None)
    return out


def table(cells: list[dict], key: str, title: str) -> str:
    head = f"| {title} | certified / states | " + " | ".join(HEURISTICS) + " |"
    lines = [head, "|---:|---:|" + "---:|" * len(HEURISTICS)]
    for cell in cells:
        ratios = [("–" if cell[name] is None else f"{cell[name]['mean']:.3f} / {cell[name]['p99']:.3f}")
                  for name in HEURISTICS]
        lines.append(f"| {cell[key]:g} | {cell['certified']} / {cell['states']} | " + " | ".join(ratios) + " |")
    return "\n".join(lines) + "\n"


def _progress(cell: dict, what: str) -> dict:
    print(f"{what}: {cell['certified']} of {cell['states']} certified", file=sys.stderr, flush=True)
    return cell


def run(args: argparse.Namespace) -> dict:
    budget = exact.Budget(max_nodes=args.nodes)
    by_size, by_rate = [], []
    for n in args.sizes:
        rows = solve_rows(draw_many(n, args.graphs, args.states, args.seed), budget, args.seed)
        by_size.append(_progress({"n": n, **summarise(rows), "rows": rows}, f"N = {n}"))
    base = draw_many(args.rate_n, args.graphs, args.states, args.seed)
    for rate in args.rates:
        rows = solve_rows([with_uplink(i, rate) for i in base], budget, args.seed)
        by_rate.append(_progress({"rate_mbps": rate, **summarise(rows), "rows": rows}, f"{rate:g} Mbit/s"))
    return {"budget_nodes": args.nodes, "graphs": args.graphs, "states_per_graph": args.states,
            "seed": args.seed, "rate_n": args.rate_n, "heuristics": list(HEURISTICS),
            "by_size": by_size, "by_rate": by_rate}


def markdown(result: dict) -> str:
    per = f"{result['graphs']} graphs x {result['states_per_graph']} states"
    return (f"T/T* mean / p99 on certified states ({per} per row, {result['budget_nodes']:,} nodes each)\n\n"
            + table(result["by_size"], "n", "N") + "\n"
            + f"At N = {result['rate_n']}, every state's uplink set to the rate:\n\n"
            + table(result["by_rate"], "rate_mbps", "uplink Mbit/s"))


def _numbers(kind, low: float, high: float):
    """An argparse type: a comma-separated list of numbers in [low, high]."""
    def parse(text: str) -> list:
        values = [kind(v) for v in text.split(",")]
        if not all(low <= v <= high for v in values):
            raise ValueError(text)
        return values
    parse.__name__ = f"list of {kind.__name__} from {low:g} to {high:g}"
    return parse


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/heuristic-table"))
    parser.add_argument("--sizes", type=_numbers(int, 1, MAX_SUBTASKS), default=[10, 20, 30, 40, 50], help="N of table (a)")
    parser.add_argument("--rates", type=_numbers(float, 0.001, 1e6), default=[3, 7, 11, 15, 19],
                        help="uplink rates of table (b), Mbit/s")
    parser.add_argument("--rate-n", type=int, default=20, help="N of table (b)")
    parser.add_argument("--graphs", type=int, default=5, help="graphs per row")
    parser.add_argument("--states", type=int, default=4, help="states per graph")
    parser.add_argument("--nodes", type=int, default=1_000_000, help="node budget per state (0: none)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for name, ok in (("--rate-n", 1 <= args.rate_n <= MAX_SUBTASKS), ("--graphs", args.graphs >= 1),
                     ("--states", args.states >= 1), ("--nodes", args.nodes >= 0), ("--seed", args.seed >= 0)):
        if not ok:
            parser.error(f"{name}: out of range")
    began = time.perf_counter()
    result = run(args)
    result["seconds"] = time.perf_counter() - began
    atomic_write_json(args.out / "heuristic_table.json", result)
    text = markdown(result)
    atomic_write_text(args.out / "heuristic_table.md", text)
    print(text, end="")
    print(f"wrote {args.out / 'heuristic_table.md'} and {args.out / 'heuristic_table.json'} "
          f"in {result['seconds']:.0f} s")


if __name__ == "__main__":
    main()
