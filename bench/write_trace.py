"""Write a realisation of a rate process as trace files, for tests and examples.

    python -m bench.write_trace --network 3g --seconds 600 --format mahimahi --out runs/traces/3g

csv writes OUT.csv (time_s,rate_up,rate_down); mahimahi and throughput write one file a
direction, OUT-up.mahi/OUT-down.mahi or OUT-up.log/OUT-down.log, as `kdoffload simulate
--trace-up/--trace-down --trace-format ...` reads them. The process is the one `kdoffload
simulate --network KIND --seed SEED` meets in its runs (the run's network seed).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import one_line_errors
from kdoffload.model.delay import DOWN, UP
from kdoffload.model.errors import InputError
from kdoffload.model.profile import load_profile
from kdoffload.scheduler.network import make_network
from kdoffload.scheduler.stream import sub_seeds
from kdoffload.scheduler.trace_writer import write_csv, write_mahimahi, write_throughput

SUFFIX = {"mahimahi": ".mahi", "throughput": ".log"}


def write(profile: str, kind: str, seconds: float, seed: int, fmt: str, out: Path) -> list[Path]:
    if not 0 < seconds <= 86_400:
        raise InputError(f"--seconds {seconds}: must be in (0, 86400]")
    network = make_network(kind, load_profile(profile), sub_seeds(seed)["network"])
    if not network.dynamic:
        raise InputError(f"--network {kind}: a static network has no rates of its own to write")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        return [write_csv(network, seconds, out.with_name(out.name + ".csv"))]
    writer = write_mahimahi if fmt == "mahimahi" else write_throughput
    return [writer(network, link, seconds, out.with_name(f"{out.name}-{side}{SUFFIX[fmt]}"))
            for link, side in ((UP, "up"), (DOWN, "down"))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="chain6")
    parser.add_argument("--network", default="3g")
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=("csv", "mahimahi", "throughput"), default="csv")
    parser.add_argument("--out", type=Path, required=True, help="path and stem of the files")
    args = parser.parse_args(argv)
    with one_line_errors():
        paths = write(args.profile, args.network, args.seconds, args.seed, args.format, args.out)
    print("wrote " + " and ".join(map(str, paths)))


if __name__ == "__main__":
    main()
