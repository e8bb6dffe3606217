"""How long family demonstrations take: local workers, then a Ray cluster of 1-CPU nodes on
this machine, on the same states (the outputs must be the same bytes).

    python -m bench.family_demos_timing --profile daggen:n=20,n_max=30 --samples 1000 \\
        --out runs/family-demos-timing [--workers 2] [--nodes 2] [--max-nodes 2000000] [--engines local,ray]

Size: --samples certified solves per engine; at N = 20-30 a state takes about a second to tens
of seconds on one core, so 1,000 states are minutes to an hour: measure a small count first.
The cluster is started with `ray start` on 127.0.0.1 (bench/ray_cluster.py) and its processes
(only those of its own temp dir) are stopped afterwards. Writes family_demos_timing.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import ray_cluster
from kdoffload.model.exact import DEFAULT_BUDGET
from kdoffload.model.graph_family import generate_family
from kdoffload.model.io import atomic_write_json, atomic_write_text
from kdoffload.model.parallel import process_pool
from kdoffload.model.profile import load_profile


def timed(family, args, out: Path, jobs) -> dict:
    began = time.perf_counter()
    generate_family(family, args.samples, args.seed, out, jobs=jobs, solver="native", max_nodes=args.max_nodes)
    seconds = time.perf_counter() - began
    with np.load(out) as z:
        certified = z["certified"]
        return {"seconds": seconds, "states_per_s": args.samples / seconds,
                "certified": float(certified.mean()), "certified_per_s": float(certified.sum()) / seconds,
                "n_mean": float(z["n_subtasks"].mean())}


def stop_cluster(temp_dir: Path, grace_s: float = 10.0) -> None:
    """End the processes of this cluster alone (their command lines name its temp dir), by pid:
    `ray stop` would end every Ray process on the machine, other users' too."""
    mine = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _names(p, temp_dir)]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in mine:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in mine):
            time.sleep(0.5)
    shutil.rmtree(temp_dir, ignore_errors=True)


def _names(proc: Path, temp_dir: Path) -> bool:
    try:
        return str(temp_dir).encode() in (proc / "cmdline").read_bytes()
    except OSError:
        return False


def on_ray(family, args, out: Path) -> dict:
    from kdoffload.ray_jobs import ray_jobs

    temp_dir = Path(tempfile.mkdtemp(prefix="kdo-ray-", dir="/tmp"))
    try:
        address = ray_cluster.start(temp_dir, nodes=args.nodes, cpus=1)
        os.environ.update(ray_cluster.RAY_ENV)
        return timed(family, args, out, ray_jobs(address))
    finally:
        stop_cluster(temp_dir)


def markdown(result: dict) -> str:
    lines = [f"{result['profile']}, {result['samples']:,} states, {result['max_nodes']:,} nodes per state; "
             f"outputs byte-identical: {result['identical']}",
             "", "| engine | nodes x CPUs | wall s | states/s | certified | certified states/s |",
             "|---|---:|---:|---:|---:|---:|"]
    for row in result["runs"]:
        lines.append(f"| {row['engine']} | {row['layout']} | {row['seconds']:.0f} | {row['states_per_s']:.2f} | "
                     f"{row['certified']:.1%} | {row['certified_per_s']:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="daggen:n=20,n_max=30")
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2, help="local worker processes")
    parser.add_argument("--nodes", type=int, default=2, help="Ray nodes of 1 CPU each")
    parser.add_argument("--engines", type=lambda t: t.split(","), default=["local", "ray"],
                        help="local, ray or both; rows of another engine with the same settings are kept")
    parser.add_argument("--max-nodes", type=int, default=DEFAULT_BUDGET.max_nodes, help="search nodes per state")
    parser.add_argument("--out", type=Path, default=Path("runs/family-demos-timing"))
    args = parser.parse_args(argv)
    if args.samples < 1 or args.workers < 1 or args.nodes < 1 or args.max_nodes < 0:
        parser.error("--samples, --workers and --nodes must be >= 1, --max-nodes >= 0")
    if not args.engines or set(args.engines) - {"local", "ray"}:
        parser.error(f"--engines: local, ray or both, got {','.join(args.engines)}")
    family = load_profile(args.profile, allow_family=True)
    args.out.mkdir(parents=True, exist_ok=True)
    runs = earlier_runs(args)
    for engine in args.engines:
        if engine == "local":
            row = {"engine": "local pool", "layout": f"1 x {args.workers}",
                   **timed(family, args, args.out / "local.npz", process_pool(args.workers))}
        else:
            row = {"engine": "ray", "layout": f"{args.nodes} x 1", **on_ray(family, args, args.out / "ray.npz")}
        runs = [r for r in runs if r["engine"] != row["engine"]] + [row]
        text = write(args, runs)  # after each engine: a failed Ray run keeps the local row
    print(text, end="")


def _settings(args: argparse.Namespace) -> dict:
    return {"profile": args.profile, "samples": args.samples, "seed": args.seed, "max_nodes": args.max_nodes}


def earlier_runs(args: argparse.Namespace) -> list[dict]:
    """The rows a previous run of the same settings left in --out (to rerun one engine alone)."""
    path = args.out / "family_demos_timing.json"
    if not path.exists():
        return []
    earlier = json.loads(path.read_text())
    return earlier["runs"] if all(earlier.get(k) == v for k, v in _settings(args).items()) else []


def write(args: argparse.Namespace, runs: list[dict]) -> str:
    files = [args.out / name for name in ("local.npz", "ray.npz") if (args.out / name).exists()]
    identical = len(files) == 2 and files[0].read_bytes() == files[1].read_bytes()
    result = {**_settings(args), "load_average": os.getloadavg(), "identical": identical, "runs": runs}
    atomic_write_json(args.out / "family_demos_timing.json", result)
    text = markdown(result)
    atomic_write_text(args.out / "family_demos_timing.md", text)
    return text


if __name__ == "__main__":
    main()
