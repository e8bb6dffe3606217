"""Why learn at all: decision time against N for exact search and for the graph student, and the
quality each reaches within a phone-sized budget, on daggen graphs drawn as the DRL offloading
papers draw theirs (bench.paper_graphs).

    python -m bench.crossover --out runs/crossover \\
        --pte runs/graph-student-a16/export/graph_student_xnnpack_fp32.pte \\
        --sizes 10,16,20,30,40,50 --graphs 4 --states 4 --nodes 200000

Per size: plain branch and bound (time to certify, each state under a node cap), branch and
bound guided by the student's logits (its guarded decision the first incumbent; the student's
forward is not in its time), and the student's own decisions natively (kdo_bench on the
export: features, forward, then argmax or the guarded decoder). Times are C++ steady_clock
around one state's whole decision: the searches through the C API, the student's in kdo_bench
(per graph p50 and p99 over its timed decisions; the table gives the median of the graphs'
p50s and the largest of their p99s). Quality within the budget: each search's incumbent when
its budget runs out (the anytime search under max_seconds, checked between nodes), the
student's decisions as they are; T over T* where plain branch and bound
certified, else over the best placement any of them found. A * marks a method whose p50 (for
a search: of its budgeted call) exceeds the budget.

writes crossover.json, crossover.md (the table of docs/graphs.md) and crossover.png.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import torch

from bench.native.make_graph_fixture import fixture_of
from bench.paper_graphs import draw_many
from kdoffload.distill.graph_model import load_graph_net
from kdoffload.model import native
from kdoffload.model.delay import delays
from kdoffload.model.graph_features import profile_inputs
from kdoffload.model.io import atomic_write_json, atomic_write_text

BUDGET_S = 100e-6  # a phone-sized budget for one decision
METHODS = ("plain", "guided", "argmax", "guarded")


def manifest_of(pte: Path) -> Path:
    return pte.with_name(pte.name.removesuffix(".pte") + ".manifest.json")


def student_logits(checkpoint, profile, states) -> np.ndarray:
    """[S, N, 3] float32: the student's logits (eager) for states of one graph."""
    inputs = checkpoint.normalizer(profile_inputs(profile, states))
    with torch.inference_mode():
        logits = checkpoint.net(*(torch.from_numpy(a) for a in inputs.as_tuple())).numpy()
    return np.ascontiguousarray(logits[:, :profile.n])


def native_times(pte: Path, profile, states, logits, iters: int, workdir: Path) -> dict:
    """kdo_bench on one graph: the export's goldens checked, then the student's decisions timed."""
    runner = native.library_path().resolve().parent / "kdo_bench"
    graph, record = workdir / "graph.json", workdir / "bench.json"
    atomic_write_json(graph, fixture_of(profile, states, logits, np.zeros(len(states), bool)))
    done = subprocess.run([str(runner), "--model", str(pte), "--manifest", str(manifest_of(pte)),
                           "--graph", str(graph), "--iters", str(iters), "--warmup", str(iters // 10),
                           "--json", str(record)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"kdo_bench on {profile.name}: {done.stderr.strip()}")
    return json.loads(record.read_text())["decisions"]["graph"]


def instance_record(instance, checkpoint, decoder: tuple[int, int, int], max_nodes: int, pte: Path,
                    iters: int, workdir: Path) -> dict:
    profile, states = instance.profile, instance.states
    logits = student_logits(checkpoint, profile, states)
    plain = native.guided_solve(profile, states, None, *decoder, max_nodes)
    guided = native.guided_solve(profile, states, logits, *decoder, max_nodes)
    both = plain[2] & guided[2]
    if not np.array_equal(plain[0][both], guided[0][both]):
        raise SystemExit(f"{instance.spec}: guided labels differ from plain branch and bound")
    # The anytime searches under the time budget, and how long they really took: the budget is
    # checked between nodes, so a first incumbent that takes longer overruns it.
    budgeted = {"plain": native.guided_solve(profile, states, None, *decoder, 0, BUDGET_S),
                "guided": native.guided_solve(profile, states, logits, *decoder, 0, BUDGET_S)}
    within = {"plain": budgeted["plain"][1], "guided": budgeted["guided"][1],
              "argmax": delays(profile, states, logits.argmax(-1).astype(np.int8)),
              "guarded": native.graph_decide(profile, states, logits, *decoder)[1]}
    best = np.minimum.reduce([plain[1], guided[1], *within.values()])
    reference = np.where(plain[2], plain[1], best)
    timed = native_times(pte, profile, states, logits, iters, workdir)
    return {"certified": plain[2], "seconds": {"plain": plain[4], "guided": guided[4]},
            "budgeted_seconds": {run: budgeted[run][4] for run in budgeted},
            "nodes": {"plain": plain[3], "guided": guided[3]},
            "ratio": {m: within[m] / reference for m in METHODS},
            "native": {m: timed[f"student_{m}"] for m in ("forward", "argmax", "guarded")}}


def size_record(n: int, parts: list[dict], max_nodes: int) -> dict:
    certified = np.concatenate([p["certified"] for p in parts])
    record = {"n": n, "states": int(len(certified)), "graphs": len(parts), "max_nodes": max_nodes,
              "certified": float(certified.mean())}
    for run in ("plain", "guided"):
        seconds = np.concatenate([p["seconds"][run] for p in parts]) * 1e6
        nodes = np.concatenate([p["nodes"][run] for p in parts])
        budgeted = np.concatenate([p["budgeted_seconds"][run] for p in parts]) * 1e6
        record[run] = {"p50_us": float(np.median(seconds)), "p99_us": float(np.percentile(seconds, 99)),
                       "nodes_p50": float(np.median(nodes)), "budgeted_p50_us": float(np.median(budgeted)),
                       "budgeted_p99_us": float(np.percentile(budgeted, 99))}
    for m in ("forward", "argmax", "guarded"):
        record[m] = {"p50_us": float(np.median([p["native"][m]["p50_us"] for p in parts])),
                     "p99_us": float(max(p["native"][m]["p99_us"] for p in parts))}
    certified_ratio = {m: np.concatenate([p["ratio"][m] for p in parts]) for m in METHODS}
    record["within_budget"] = {m: {"mean_ratio": float(r.mean()), "p99_ratio": float(np.percentile(r, 99))}
                               for m, r in certified_ratio.items()}
    return record


def table(records: list[dict]) -> str:
    budget_us = BUDGET_S * 1e6
    lines = ["| N | states | plain certified | plain p50 / p99 µs | guided p50 / p99 µs | argmax p50 / p99 µs "
             f"| guarded p50 / p99 µs | mean T/T* within {budget_us:g} µs: plain / guided / argmax / guarded |",
             "|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in records:
        times = " | ".join(f"{r[m]['p50_us']:,.0f} / {r[m]['p99_us']:,.0f}" for m in METHODS)
        quality = " / ".join(f"{r['within_budget'][m]['mean_ratio']:.3f}"
                             + ("*" if r[m].get("budgeted_p50_us", r[m]["p50_us"]) > budget_us else "")
                             for m in METHODS)
        lines.append(f"| {r['n']} | {r['states']} | {r['certified']:.0%} | {times} | {quality} |")
    return "\n".join(lines) + "\n"


def figure(records: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["n"] for r in records]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for method, label, color in (("plain", "branch and bound (plain)", "tab:red"),
                                 ("guided", "branch and bound (student-guided)", "tab:orange"),
                                 ("guarded", "student, guarded decision", "tab:blue"),
                                 ("argmax", "student, argmax", "tab:green")):
        ax.plot(sizes, [r[method]["p50_us"] for r in records], "o-", color=color, label=f"{label}, p50")
        ax.plot(sizes, [r[method]["p99_us"] for r in records], ":", color=color, alpha=0.7)
    ax.axhline(BUDGET_S * 1e6, color="gray", linestyle="--", label=f"{BUDGET_S * 1e6:g} µs budget")
    ax.set_yscale("log")
    ax.set_xlabel("subtasks N")
    ax.set_ylabel("decision time, µs (dotted: p99)")
    ax.set_title(f"Decision time against N (search capped at {records[0]['max_nodes']:,} nodes)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    with tempfile.NamedTemporaryFile(suffix=".png", dir=path.parent, delete=False) as tmp:
        fig.savefig(tmp.name, dpi=120)
    plt.close(fig)
    Path(tmp.name).replace(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pte", type=Path, required=True, help="the graph student's export (manifest beside it)")
    parser.add_argument("--student", type=Path, help="its checkpoint (default: student.pt of the run the export is in)")
    parser.add_argument("--sizes", default="10,16,20,30,40,50")
    parser.add_argument("--graphs", type=int, default=4)
    parser.add_argument("--states", type=int, default=4)
    parser.add_argument("--nodes", type=int, default=200_000, help="node cap of each certified search")
    parser.add_argument("--iters", type=int, default=1000, help="kdo_bench's timed decisions per graph")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not native.available():
        raise SystemExit(f"the native core is not built ({native.BUILD_HINT})")
    checkpoint = load_graph_net(args.student or args.pte.parent.parent / "student.pt", "graph-student")
    manifest = json.loads(manifest_of(args.pte).read_text())
    decoder = (manifest["decoder"]["top_k"], manifest["decoder"]["ood_top_k"], manifest["decoder"]["local_search_passes"])
    args.out.mkdir(parents=True, exist_ok=True)
    records = []
    with tempfile.TemporaryDirectory() as work:
        for n in (int(s) for s in args.sizes.split(",")):
            parts = [instance_record(inst, checkpoint, decoder, args.nodes, args.pte, args.iters, Path(work))
                     for inst in draw_many(n, args.graphs, args.states, args.seed)]
            records.append(size_record(n, parts, args.nodes))
            print(table(records[-1:]).splitlines()[-1], flush=True)
    summary = {"pte": str(args.pte), "budget_us": BUDGET_S * 1e6, "graphs": args.graphs,
               "states_per_graph": args.states, "sizes": records}
    atomic_write_json(args.out / "crossover.json", summary)
    atomic_write_text(args.out / "crossover.md", table(records))
    figure(records, args.out / "crossover.png")
    print(table(records))
    print(f"wrote {args.out}/crossover.json, crossover.md, crossover.png")


if __name__ == "__main__":
    main()
