"""The dynamic-network table of docs/simulation.md: policies x moving networks, mean and p95 delay.

    python -m bench.dynamic_table --profile chain6 --out runs/dynamic --rate 0.2 --duration 1800

Networks: the processes `gauss-markov`, `good-bad`, `markov`, `gauss-markov-outages`, `3g`,
`lte`, and trace files written from 3G-like and LTE-like realisations of their own seeds (a
Mahimahi up/down pair, throughput logs; in OUT/traces/). Policies: the baselines, `optimal`
(exact on the decision's rates), `hindsight` (the per-task optimum under the rates the task
meets), `forecast` (the per-task optimum of the expected delay given the past), and every
learned engine named with --learned. Decisions cost nothing (--decision-time zero), as in the
issue's runs; hindsight and forecast are charged nothing either, as no phone could run them.

writes dynamic.json, dynamic.md (the tables: delays, delays / hindsight's, and each learned
engine against the aims) and dynamic.png (the figure: one network's uplink rate over time with
each policy's decisions drawn under it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from bench import one_line_errors
from kdoffload.model.profile import load_profile
from kdoffload.scheduler import report
from kdoffload.scheduler.dynamic_table import (POLICIES, TRACE_SECONDS, aims_table, delay_table, hindsight_table,
                                               networks, run_network, uplink_over)
from kdoffload.scheduler.engines import DecisionTime, EngineSet
from kdoffload.scheduler.forecast import FUTURES, NAME as FORECAST, forecast_policy
from kdoffload.scheduler.harness import SimConfig
from kdoffload.scheduler.stream import Scenario, poisson_workload, sub_seeds

FIGURE_SECONDS = 300.0


def learned(names: list[str]) -> dict:
    if not names:
        return {}
    from kdoffload.jobs.engines import learned_engines
    from kdoffload.common import ConsoleReporter

    return learned_engines(ConsoleReporter())


def run(args) -> str:
    profile = load_profile(args.profile)
    extra = [n for n in args.learned.split(",") if n]
    # forecast with the count asked for (a learned-style factory takes precedence over the registry's)
    experts = {FORECAST: lambda p: forecast_policy(p, sub_seeds(args.seed)["policy"], args.futures)}
    engines = EngineSet.parse(",".join(POLICIES + tuple(extra)), {**learned(extra), **experts})
    cfg = SimConfig(profile, engines, DecisionTime.parse(args.decision_time), Scenario(seed=args.seed))
    workload = poisson_workload(profile, args.rate, args.duration, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = [run_network(cfg, net, workload, lambda n, p: print(f"  {n}: {p}", file=sys.stderr))
            for net in networks(profile, args.out / "traces", args.seed, args.trace_seconds)]
    names = list(engines.names)
    text = (f"Mean / p95 end-to-end delay (s):\n\n{delay_table(rows, names)}\n"
            f"Mean / hindsight's mean:\n\n{hindsight_table(rows, names)}")
    for name in extra:
        text += f"\n{name} against the aims:\n\n{aims_table(rows, name)}"
    figure_row = next(r for r in rows if r.network.name == args.figure)
    times, uplink = uplink_over(figure_row.network, profile, FIGURE_SECONDS)
    report.decisions_figure(figure_row, workload.arrivals, times, uplink, FIGURE_SECONDS,
                            args.out / "dynamic.png")
    report.write_json(args.out / "dynamic.json", {
        "profile": profile.name, "rate": args.rate, "duration": args.duration, "seed": args.seed,
        "tasks": len(workload.arrivals), "decision_time": args.decision_time, "futures": args.futures,
        "machine": report.machine(),
        "networks": [{"name": r.network.name, "source": r.network.source,
                      "summaries": [s.to_dict() for s in r.summaries],
                      "offloaded_share": {p: float(np.mean(v)) for p, v in r.offloaded.items()},
                      "optimal_later_than_all_local": r.share_slower("optimal", "all-local")
                      if {"optimal", "all-local"} <= set(r.e2e) else None}
                     for r in rows]})
    report.write_text(args.out / "dynamic.md", text)
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="chain6")
    parser.add_argument("--out", type=Path, default=Path("runs/dynamic"))
    parser.add_argument("--rate", type=float, default=0.2, help="Poisson arrivals, tasks/s")
    parser.add_argument("--duration", type=float, default=1800.0, help="arrival window, s")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--decision-time", default="zero")
    parser.add_argument("--learned", default="", help="comma-separated learned engines to add")
    parser.add_argument("--trace-seconds", type=float, default=TRACE_SECONDS,
                        help="length of each written trace, s (it repeats)")
    parser.add_argument("--futures", type=int, default=FUTURES, help="forecast: futures per decision")
    parser.add_argument("--figure", default="3g trace (Mahimahi)", help="the network of the figure")
    args = parser.parse_args(argv)
    with one_line_errors():
        print(run(args), end="")


if __name__ == "__main__":
    main()
