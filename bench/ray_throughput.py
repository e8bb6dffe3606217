"""Demonstrations per second: the local process pool against Ray on one and two nodes.

    python -m bench.ray_throughput [--samples 1048576] [--out FILE]

Every engine makes the same chain6 dataset (same seed, so the same bytes, which is checked).
Per engine: the rate of a whole run; the fixed cost of a run (a one-state run: the pool's
process spawn, or for Ray, already connected, a round trip and the final write); and the
overhead per shard, from runs of one-state shards, (wall(256) - wall(1)) / 255: dispatch,
result transfer and the driver's atomic save, with almost no solving. Joining Ray (connect,
ship code, start workers) is timed apart. The Ray clusters are `ray start`ed on 127.0.0.1
with the same CPUs in total as the pool's workers, and stopped afterwards.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import ray

from bench import ray_cluster
from kdoffload.model import dataset
from kdoffload.model.io import atomic_write_text
from kdoffload.model.parallel import process_pool
from kdoffload.ray_jobs import ray_jobs
from kdoffload.model.profile import load_profile

OVERHEAD_SHARDS = 256


def _timed(profile, samples: int, out: Path, jobs, shard_size: int = dataset.SHARD_SIZE) -> tuple[float, bytes]:
    started = time.perf_counter()
    dataset.generate(profile, samples, 0, out, jobs=jobs, force=True, shard_size=shard_size)
    return time.perf_counter() - started, out.read_bytes()


def _measure(profile, samples: int, scratch: Path, jobs) -> dict:
    wall, data = _timed(profile, samples, scratch / "d.npz", jobs)
    one, _ = _timed(profile, 1, scratch / "o.npz", jobs, shard_size=1)
    many, _ = _timed(profile, OVERHEAD_SHARDS, scratch / "o.npz", jobs, shard_size=1)
    return {"states_per_s": samples / wall, "run_start_s": one,
            "overhead_ms": 1e3 * (many - one) / (OVERHEAD_SHARDS - 1), "bytes": data}


def _on_cluster(profile, samples: int, scratch: Path, nodes: int, cpus: int) -> dict:
    os.environ.update(ray_cluster.RAY_ENV)
    temp_dir = Path(f"/tmp/kdo-ray-bench-{os.getpid()}")  # Ray's socket paths must stay short
    try:
        address = ray_cluster.start(temp_dir, nodes, cpus)
        jobs = ray_jobs(address)
        join_s, _ = _timed(profile, 2 * nodes * cpus, scratch / "warm.npz", jobs, shard_size=1)
        return {"join_s": join_s, **_measure(profile, samples, scratch, jobs)}
    finally:
        ray.shutdown()
        ray_cluster.stop(temp_dir)


def measure(samples: int) -> list[dict]:
    profile = load_profile("chain6")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        for workers in (1, 2):
            rows.append({"engine": "local pool", "nodes": 1, "workers": workers,
                         **_measure(profile, samples, scratch, process_pool(workers))})
        for nodes, cpus in ((1, 2), (2, 1)):
            rows.append({"engine": "ray", "nodes": nodes, "workers": nodes * cpus,
                         **_on_cluster(profile, samples, scratch, nodes, cpus)})
    if len({row.pop("bytes") for row in rows}) != 1:
        raise SystemExit("engines disagree: the datasets differ")
    return rows


def markdown(rows: list[dict], samples: int, load: float) -> str:
    lines = [f"chain6, {samples:,} states in shards of {dataset.SHARD_SIZE:,}; overhead from "
             f"{OVERHEAD_SHARDS} one-state shards. All outputs byte-identical. Two cores, "
             f"load average {load:.1f} during the run (other work shared the machine).", "",
             "| engine | nodes | workers | states/s | fixed cost per run (s) | overhead per shard (ms) "
             "| joining Ray (s) |", "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        join = f"{r['join_s']:.1f}" if "join_s" in r else "-"
        lines.append(f"| {r['engine']} | {r['nodes']} | {r['workers']} | {r['states_per_s']:,.0f} | "
                     f"{r['run_start_s']:.2f} | {r['overhead_ms']:.1f} | {join} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1_048_576)
    parser.add_argument("--out", type=Path, help="Also write the table here.")
    args = parser.parse_args()
    rows = measure(args.samples)
    text = markdown(rows, args.samples, os.getloadavg()[1])
    print(text)
    if args.out:
        atomic_write_text(args.out, text)


if __name__ == "__main__":
    main()
