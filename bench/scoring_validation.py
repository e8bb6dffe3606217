"""How the guarded student's candidates are best scored, measured on validation streams only.

    python -m bench.scoring_validation --profile chain6-dyn --seeds 5001,5002,5003 [--levers exact,k32]

Streams over the generated networks the student is trained on (`scheduler.trace_demos.NETWORKS`),
with seeds of their own (neither the table's seed 0 nor the demonstrations' seeds from 10,000
on), 0.2 tasks/s for 1800 s, decision time zero: per stream, each decision's mean end-to-end
delay over hindsight's, for the current-rate expert and the guarded student scoring its
candidates under each of `model.observation.RATE_ESTIMATES` (`--scorings`). The eight networks
of the dynamic-network table are for evaluation; this is where a scoring is chosen.

`--levers`: changes to the shipped decision (backlog scoring) measured beside it, each a column
`student+guarded-backlog+<lever>` (`LEVERS`; none of them ships):
- `exact`: the current-rate exact placement (what `optimal` decides) as one more candidate;
- `exact-backlog`: the exact placement under the guard's own scoring (every placement scored
  from the observed backlogs), as one more candidate: the guard then decides as it does;
- `exact>F`: the current-rate exact placement replaces the guard's choice only when it is
  faster under the guard's scoring by more than the share F (`exact>0.1`: 10%);
- `exact>Ss`: the same, by more than S seconds (`exact>0.3s`);
- `exact-robust`: the current-rate exact placement replaces the guard's choice only when it is
  faster under the guard's scoring both at the rates of the moment and at the lowest rate each
  direction showed in the observed history;
- `k32`: K = 32 candidates for every state, not only those out of the training support.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from bench import one_line_errors
from kdoffload.model.decoding import fastest, single_site_candidates, topk_placements
from kdoffload.model.delay import delays
from kdoffload.model.errors import InputError
from kdoffload.model.observation import RATE_ESTIMATES
from kdoffload.model.oracle import all_placements, solve
from kdoffload.model.policies import Greedy
from kdoffload.model.profile import load_profile
from kdoffload.scheduler.engines import DecisionTime, Engine, EngineSet
from kdoffload.scheduler.stream import Scenario, poisson_workload, simulate, sub_seeds
from kdoffload.scheduler.trace_demos import NETWORKS

SHIPPED = "student+guarded-backlog"
LEVER = re.compile(r"^(exact|exact-backlog|exact-robust|k32|exact>(\d+(?:\.\d+)?)(s?))$")


class GuardLever:
    """The shipped guarded decision (candidates scored from the observed backlogs) with one lever."""

    def __init__(self, decider, lever: str):
        match = self.check(lever)
        self.decider, self.profile, self.lever = decider, decider.profile, lever
        self.threshold, self.seconds = float(match.group(2) or 0.0), match.group(3) == "s"
        self.greedy = Greedy(self.profile)
        self.name = f"{SHIPPED}+{lever}"

    @staticmethod
    def check(lever: str) -> re.Match:
        match = LEVER.match(lever)
        if not match:
            raise InputError(f"--levers: {lever!r} is not exact, exact-backlog, exact-robust, exact>F, "
                             "exact>Ss or k32")
        return match

    def candidates(self, states, observation=None):
        """The shipped guard's candidates [S, C, N] (K widened out of support, or K = 32 for
        `k32`), the backlogs they are scored behind [S, 3], and which states were out of support."""
        d, profile = self.decider, self.profile
        raw = d.features(states, observation)
        flagged = d.support.outside(raw) if d.support is not None else np.zeros(len(states), dtype=bool)
        logits = d.forward(d.normalizer(raw))
        busy = observation.backlogs() if observation is not None else np.zeros((len(states), 3))
        wide = self.lever == "k32" or bool(flagged[0])
        top, _ = topk_placements(logits, d.config.ood_top_k if wide else d.config.top_k)
        greedy = self.greedy.decide(states)[:, None, :].astype(np.int8)
        return np.concatenate([top, greedy, single_site_candidates(len(states), profile.n)], axis=1), busy, flagged

    def decide_flagged(self, states, observation=None):
        profile = self.profile
        candidates, busy, flagged = self.candidates(states, observation)
        if self.lever == "exact-backlog":
            candidates = np.concatenate([candidates, self.exact_behind(states, busy)[:, None, :]], axis=1)
        exact = solve(profile, states)[0].astype(np.int8)
        if self.lever == "exact":
            candidates = np.concatenate([candidates, exact[:, None, :]], axis=1)
        chosen = fastest(profile, states, candidates, busy)
        if self.lever.startswith("exact>"):
            mine, theirs = delays(profile, states, chosen, busy), delays(profile, states, exact, busy)
            beats = theirs < (mine - self.threshold if self.seconds else mine * (1.0 - self.threshold))
            chosen = np.where(beats[:, None], exact, chosen)
        if self.lever == "exact-robust":
            low = states if observation is None else dataclasses.replace(
                states, rate_up=np.minimum(states.rate_up, observation.rate_up_history.min(axis=1)),
                rate_down=np.minimum(states.rate_down, observation.rate_down_history.min(axis=1)))
            beats = ((delays(profile, states, exact, busy) < delays(profile, states, chosen, busy))
                     & (delays(profile, low, exact, busy) < delays(profile, low, chosen, busy)))
            chosen = np.where(beats[:, None], exact, chosen)
        return chosen.astype(np.int8), flagged

    def exact_behind(self, states, busy) -> np.ndarray:
        """[S, N]: the exact placement of each state under the guard's scoring (all 3^N scored)."""
        every = all_placements(self.profile.n)
        out = []
        for k in range(len(states)):
            cost = delays(self.profile, states[np.zeros(len(every), dtype=int) + k], every,
                          np.repeat(busy[k:k + 1], len(every), axis=0))
            out.append(every[np.flatnonzero(cost == cost.min())[0]])
        return np.asarray(out, dtype=np.int8)

    def decide(self, states):
        return self.decide_flagged(states)[0]


def stream_means(args, seed: int, kind: str) -> dict[str, float]:
    """One validation stream: each column's mean end-to-end delay, hindsight's first."""
    from kdoffload.jobs.engines import checkpoint_engines

    profile = load_profile(args.profile)
    learned = checkpoint_engines()
    levers = [GuardLever(learned[SHIPPED](profile), lever) for lever in _names(args.levers)]
    engines = EngineSet.parse(",".join(["hindsight", "optimal", *_scorings(args)]), learned)
    workload = poisson_workload(profile, args.rate, args.duration, seed)
    means = {}
    for name in [*engines.names, *(lever.name for lever in levers)]:
        lever = next((v for v in levers if v.name == name), None)
        engine = Engine(name, lever) if lever else engines.make(name, profile, sub_seeds(seed)["policy"])
        result = simulate(profile, engine, workload, DecisionTime("zero"), Scenario(network=kind, seed=seed))
        means[name] = float(np.mean([r.done - r.arrival for r in result.records]))
    return means


def _names(text: str) -> list[str]:
    return [n for n in text.split(",") if n]


def _scorings(args) -> list[str]:
    for estimate in _names(args.scorings):
        if estimate not in RATE_ESTIMATES:
            raise InputError(f"--scorings: {estimate!r} is not one of {', '.join(RATE_ESTIMATES)}")
    return [f"student+guarded-{r}" for r in _names(args.scorings)]  # the shipped one named too


def run(args) -> str:
    if args.jobs < 1:
        raise InputError(f"--jobs: {args.jobs} is not a number of processes of at least 1")
    _scorings(args)
    for lever in _names(args.levers):
        GuardLever.check(lever)
    streams = [(seed, kind) for seed in (int(s) for s in _names(args.seeds)) for kind in NETWORKS]
    with ProcessPoolExecutor(args.jobs) as pool:  # streams are independent: one per worker
        results = list(pool.map(stream_means, [args] * len(streams), *zip(*streams)))
    names = list(results[0])[1:]
    lines = ["| network | seed | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    ratios = {n: [means[n] / means["hindsight"] for means in results] for n in names}
    for k, (seed, kind) in enumerate(streams):
        lines.append(f"| {kind} | {seed} | " + " | ".join(f"{ratios[n][k]:.3f}" for n in names) + " |")
    lines.append("| mean | | " + " | ".join(f"{np.mean(ratios[n]):.4f}" for n in names) + " |")
    if _names(args.levers) and SHIPPED in ratios:
        shipped = np.asarray(ratios[SHIPPED])
        lines.append("| better than the shipped on | | " + " | ".join(
            f"{int(np.sum(np.asarray(ratios[n]) < shipped))} of {len(shipped)}" for n in names) + " |")
    return "Mean end-to-end delay / hindsight's:\n\n" + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="chain6-dyn")
    parser.add_argument("--seeds", default="5001,5002,5003", help="comma-separated stream seeds")
    parser.add_argument("--rate", type=float, default=0.2, help="Poisson arrivals, tasks/s")
    parser.add_argument("--duration", type=float, default=1800.0, help="arrival window, s")
    parser.add_argument("--scorings", default=",".join(RATE_ESTIMATES),
                        help="rate estimates of the guarded student's columns, comma-separated")
    parser.add_argument("--levers", default="", help="levers on the shipped decision, comma-separated "
                        "(exact, exact-backlog, exact-robust, exact>F, exact>Ss, k32)")
    parser.add_argument("--jobs", type=int, default=1, help="streams run at once, one per process")
    args = parser.parse_args(argv)
    with one_line_errors():
        print(run(args), end="")


if __name__ == "__main__":
    main()
