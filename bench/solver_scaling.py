"""Exact solver time against N: native exhaustive search and branch and bound (time and nodes,
median and p99) on dag10/12/14/16, beside the native student's decision time where a stand-in
student exists (build/native/fixture-<profile>, made by bench/native/make_fixture.py).

    python -m bench.solver_scaling --out runs/scaling

writes scaling.json, scaling.md (the table of docs/latency.md) and scaling.png (log scale).
All times are measured in C++ (one call of steady_clock around each solve).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from kdoffload.model import native
from kdoffload.model.io import atomic_write, atomic_write_text
from kdoffload.model.profile import load_profile
from kdoffload.model.states import sample_states

REPO = Path(__file__).resolve().parents[1]
PROFILES = ("dag10", "dag12", "dag14", "dag16")
# The exhaustive search visits ~1.5 * 3^N nodes: 16 subtasks take seconds a state.
EXHAUSTIVE_STATES = {"dag10": 200, "dag12": 20, "dag14": 4, "dag16": 2}


def solver_record(profile, states, method: str) -> dict:
    ns = native.time_solve_ns(profile, states, method)
    _, _, nodes = native.solve_with_nodes(profile, states, method)
    return {"states": len(states), "p50_us": float(np.median(ns)) / 1e3,
            "p99_us": float(np.percentile(ns, 99)) / 1e3,
            "nodes_p50": float(np.median(nodes)), "nodes_p99": float(np.percentile(nodes, 99))}


def student_record(name: str, iters: int) -> dict | None:
    """kdo_bench's guarded and argmax decision times on the profile's stand-in student."""
    fixture = REPO / "build" / "native" / f"fixture-{name}"
    if not (fixture / "student_xnnpack_fp32.manifest.json").is_file():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.json"
        subprocess.run([str(REPO / "build" / "native" / "kdo_bench"), "--model", "student_xnnpack_fp32.pte",
                        "--manifest", "student_xnnpack_fp32.manifest.json", "--iters", str(iters),
                        "--warmup", "1000", "--json", str(out)], cwd=fixture, check=True, capture_output=True)
        pte = json.loads(out.read_text())["decisions"]["pte"]
    return {path: {"p50_us": pte[path]["p50_us"], "p99_us": pte[path]["p99_us"]} for path in ("argmax", "guarded")}


def table(rows: list[dict]) -> str:
    lines = ["| profile | N | exhaustive p50 / p99 µs | exhaustive nodes | B&B p50 / p99 µs | "
             "B&B nodes p50 / p99 | student argmax p50 µs | student guarded p50 / p99 µs |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        ex, bb, st = r["exhaustive"], r["branch_bound"], r["student"]
        student = (f"{st['argmax']['p50_us']:.2f} | {st['guarded']['p50_us']:.2f} / {st['guarded']['p99_us']:.2f}"
                   if st else "— | —")
        lines.append(f"| {r['profile']} | {r['n']} | {ex['p50_us']:,.0f} / {ex['p99_us']:,.0f} | "
                     f"{ex['nodes_p50']:,.0f} | {bb['p50_us']:.1f} / {bb['p99_us']:.1f} | "
                     f"{bb['nodes_p50']:,.0f} / {bb['nodes_p99']:,.0f} | {student} |")
    return "\n".join(lines) + "\n"


def figure(rows: list[dict], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = [r["n"] for r in rows]
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for key, label, colour in (("exhaustive", "exhaustive search", "tab:red"),
                               ("branch_bound", "branch and bound", "tab:blue")):
        ax.plot(n, [r[key]["p50_us"] for r in rows], "o-", color=colour, label=f"{label} p50")
        ax.plot(n, [r[key]["p99_us"] for r in rows], "o--", color=colour, alpha=0.6, label=f"{label} p99")
    with_student = [r for r in rows if r["student"]]
    if with_student:
        ax.plot([r["n"] for r in with_student], [r["student"]["guarded"]["p50_us"] for r in with_student],
                "s-", color="tab:green", label="student, guarded p50")
        ax.plot([r["n"] for r in with_student], [r["student"]["argmax"]["p50_us"] for r in with_student],
                "s:", color="tab:green", label="student, argmax p50")
    ax.set_yscale("log")
    ax.set_xticks(n)
    ax.set_xlabel("subtasks N (dagN profiles)")
    ax.set_ylabel("one decision, µs (log scale)")
    ax.set_title("Exact solvers (native C++) against the native student", fontsize=10)
    ax.grid(which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    atomic_write(path, lambda f: fig.savefig(f, format="png", dpi=120))
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "runs" / "scaling")
    parser.add_argument("--states", type=int, default=2000, help="States for the branch and bound.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--student-iters", type=int, default=20000)
    args = parser.parse_args()
    rows = []
    for name in PROFILES:
        profile = load_profile(name)
        states = sample_states(profile, args.states, np.random.default_rng(args.seed))
        rows.append({"profile": name, "n": profile.n,
                     "branch_bound": solver_record(profile, states, "branch_bound"),
                     "exhaustive": solver_record(profile, states[:EXHAUSTIVE_STATES[name]], "exhaustive"),
                     "student": student_record(name, args.student_iters)})
        print(json.dumps(rows[-1]))
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out / "scaling.json", json.dumps(rows, indent=2) + "\n")
    atomic_write_text(args.out / "scaling.md", table(rows))
    figure(rows, args.out / "scaling.png")
    print(table(rows))


if __name__ == "__main__":
    main()
