"""Where the shipped guarded decision parts from the current-rate expert, task by task, on one network.

    python -m bench.guard_diagnosis --profile chain6-dyn --network lte [--levers exact,k32]

Runs the dynamic-network table's stream on one of its processes (seed 0, 0.2 tasks/s for 1800 s,
decision time zero) with the shipped decision (`student+guarded`, candidates scored from the
observed backlogs), and at each of its decisions asks what `optimal` (the exact placement on the
rates of the moment, from an idle phone) would have chosen there: whether that placement was
among the guard's candidates, and how the two compare under the guard's own scoring. Then, for
the record, the stream's mean end-to-end delay under `optimal` and under each lever of
`bench.scoring_validation` (chosen there, on validation streams, never here).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

import numpy as np

from bench import one_line_errors
from bench.scoring_validation import SHIPPED, GuardLever
from kdoffload.model.decoding import fastest
from kdoffload.model.delay import delays
from kdoffload.model.errors import InputError
from kdoffload.model.oracle import solve
from kdoffload.model.profile import load_profile
from kdoffload.scheduler.dynamic_table import PROCESSES
from kdoffload.scheduler.engines import DecisionTime, Engine, EngineSet
from kdoffload.scheduler.stream import Scenario, poisson_workload, simulate, sub_seeds


@dataclass
class Watch:
    """The shipped guard, deciding as it does, noting per task what `optimal` would have done."""

    guard: GuardLever
    rows: list = field(default_factory=list)  # (guard's, optimal's, in candidates, T guard, T optimal)

    @property
    def profile(self):
        return self.guard.profile

    def decide_flagged(self, states, observation=None):
        candidates, busy, flagged = self.guard.candidates(states, observation)
        chosen = fastest(self.profile, states, candidates, busy)
        exact = solve(self.profile, states)[0].astype(np.int8)
        both = np.concatenate([chosen, exact])
        mine, theirs = delays(self.profile, states[np.array([0, 0])], both, np.concatenate([busy, busy]))
        present = bool((candidates[0] == exact[0]).all(axis=1).any())
        self.rows.append((chosen[0].tolist(), exact[0].tolist(), present, float(mine), float(theirs)))
        return chosen, flagged

    def decide(self, states):
        return self.decide_flagged(states)[0]


def report(rows: list) -> list[str]:
    differ = [r for r in rows if r[0] != r[1]]
    absent = [r for r in differ if not r[2]]
    present = [r for r in differ if r[2]]
    lines = [f"tasks: {len(rows)}; the guard chose what optimal would have on {len(rows) - len(differ)}",
             f"differ: {len(differ)}; optimal's placement not among the candidates: {len(absent)} "
             f"({sum(r[4] < r[3] for r in absent)} of them faster under the guard's scoring, by "
             f"{sum(max(r[3] - r[4], 0.0) for r in absent):.3f} s in all); among them but slower under "
             f"the guard's scoring: {sum(r[4] > r[3] for r in present)}; tied with the guard's: "
             f"{sum(r[4] == r[3] for r in present)}",
             "", "| guard's | optimal's | among the candidates | T guard's (s, backlog-scored) | T optimal's | gain |",
             "|---|---|---|---|---|---|"]
    for r in sorted(differ, key=lambda r: r[4] - r[3]):
        lines.append(f"| {''.join(map(str, r[0]))} | {''.join(map(str, r[1]))} | {'yes' if r[2] else 'no'} | "
                     f"{r[3]:.3f} | {r[4]:.3f} | {(r[3] - r[4]) / r[3]:+.1%} |")
    return lines


def run(args) -> str:
    from kdoffload.jobs.engines import checkpoint_engines

    if args.network not in PROCESSES:
        raise InputError(f"--network: {args.network!r} is not one of {', '.join(PROCESSES)}")
    levers = [v for v in args.levers.split(",") if v]
    for lever in levers:
        GuardLever.check(lever)
    profile = load_profile(args.profile)
    learned = checkpoint_engines()
    decider = learned[SHIPPED](profile)
    workload = poisson_workload(profile, args.rate, args.duration, args.seed)
    scenario = Scenario(network=args.network, seed=args.seed)
    watch = Watch(GuardLever(decider, "exact"))

    def mean(engine) -> float:
        result = simulate(profile, engine, workload, DecisionTime("zero"), scenario)
        return float(np.mean([r.done - r.arrival for r in result.records]))

    means = {"hindsight": mean(EngineSet.parse("hindsight").make("hindsight", profile, sub_seeds(args.seed)["policy"])),
             SHIPPED: mean(Engine(SHIPPED, watch)),
             "optimal": mean(EngineSet.parse("optimal").make("optimal", profile, 0))}
    for lever in levers:
        means[f"{SHIPPED}+{lever}"] = mean(Engine(lever, GuardLever(decider, lever)))
    lines = [f"{args.network}, seed {args.seed}:", "", *report(watch.rows), "",
             "| policy | mean end-to-end (s) | / hindsight |", "|---|---|---|"]
    lines += [f"| {name} | {value:.4f} | {value / means['hindsight']:.3f} |" for name, value in means.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="chain6-dyn")
    parser.add_argument("--network", default="lte", help=f"one of {', '.join(PROCESSES)}")
    parser.add_argument("--seed", type=int, default=0, help="the table's seed")
    parser.add_argument("--rate", type=float, default=0.2, help="Poisson arrivals, tasks/s")
    parser.add_argument("--duration", type=float, default=1800.0, help="arrival window, s")
    parser.add_argument("--levers", default="", help="levers of bench.scoring_validation, comma-separated")
    args = parser.parse_args(argv)
    with one_line_errors():
        print(run(args), end="")


if __name__ == "__main__":
    main()
