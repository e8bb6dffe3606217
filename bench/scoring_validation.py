"""How the guarded student's candidates are best scored, measured on validation streams only.

    python -m bench.scoring_validation --profile chain6-dyn --seeds 5001,5002,5003

Streams over the generated networks the student is trained on (`scheduler.trace_demos.NETWORKS`),
with seeds of their own (neither the table's seed 0 nor the demonstrations' seeds from 10,000
on), 0.2 tasks/s for 1800 s, decision time zero: per stream, each decision's mean end-to-end
delay over hindsight's, for the current-rate expert and the guarded student scoring its
candidates under each of `model.observation.RATE_ESTIMATES`. The eight networks of the
dynamic-network table are for evaluation; this is where a scoring is chosen.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from bench import one_line_errors
from kdoffload.model.observation import RATE_ESTIMATES
from kdoffload.model.profile import load_profile
from kdoffload.scheduler.engines import DecisionTime, EngineSet
from kdoffload.scheduler.stream import Scenario, poisson_workload, simulate, sub_seeds
from kdoffload.scheduler.trace_demos import NETWORKS


def run(args) -> str:
    from kdoffload.jobs.engines import checkpoint_engines

    profile = load_profile(args.profile)
    scorings = [f"student+guarded-{r}" for r in RATE_ESTIMATES]  # each scoring named, the shipped one too
    names = ["hindsight", "optimal", *scorings]
    engines = EngineSet.parse(",".join(names), checkpoint_engines())
    seeds = [int(s) for s in args.seeds.split(",") if s]
    lines = ["| network | seed | " + " | ".join(names[1:]) + " |", "|---|---|" + "---|" * (len(names) - 1)]
    ratios = {n: [] for n in names[1:]}
    for seed in seeds:
        workload = poisson_workload(profile, args.rate, args.duration, seed)
        for kind in NETWORKS:
            means = {}
            for name in names:
                engine = engines.make(name, profile, sub_seeds(seed)["policy"])
                result = simulate(profile, engine, workload, DecisionTime("zero"), Scenario(network=kind, seed=seed))
                means[name] = float(np.mean([r.done - r.arrival for r in result.records]))
            for name in names[1:]:
                ratios[name].append(means[name] / means["hindsight"])
            lines.append(f"| {kind} | {seed} | " + " | ".join(f"{ratios[n][-1]:.3f}" for n in names[1:]) + " |")
            print(lines[-1], file=sys.stderr, flush=True)
    lines.append("| mean | | " + " | ".join(f"{np.mean(ratios[n]):.3f}" for n in names[1:]) + " |")
    return "Mean end-to-end delay / hindsight's:\n\n" + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="chain6-dyn")
    parser.add_argument("--seeds", default="5001,5002,5003", help="comma-separated stream seeds")
    parser.add_argument("--rate", type=float, default=0.2, help="Poisson arrivals, tasks/s")
    parser.add_argument("--duration", type=float, default=1800.0, help="arrival window, s")
    args = parser.parse_args(argv)
    with one_line_errors():
        print(run(args), end="")


if __name__ == "__main__":
    main()
