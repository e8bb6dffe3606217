"""Demonstrations from streams over moving networks: what the phone saw, and the best causal label.

A stream of tasks runs through the simulator over a generated network process (never a real
trace: those are for evaluation). At each decision the recorder keeps the state as the phone
sees it (rates of that instant), its observation (probed rate history, backlogs:
`model.observation`) and the label: by default the expected-delay optimum
(`scheduler.forecast`: the placement of least mean delay over futures drawn from the network's
law given the past, from the queues as they are), or with `labels = "hindsight"` the hindsight
per-task optimum (`scheduler.hindsight.best_placement`: best for the one future the task then
meets, which no decision can know). The stream goes on with that placement, or with a random
one in a share `explore` of the tasks, so the queues the demonstrations start from are those of
a good policy with some of a bad one's.

The file is a dataset (`model.dataset`'s format: features, labels, optimal_delay, states, meta)
with the raw observation as extra members (`observation.RAW_FIELDS`). Its `optimal_delay` is the
delay model's T(label) on the state as seen, so a validator's ratio measures imitation of the
label; the end-to-end delays a student reaches are the simulator's to measure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kdoffload.model import dataset
from kdoffload.model.delay import delays
from kdoffload.model.errors import InputError
from kdoffload.model.features import build_features
from kdoffload.model.io import atomic_write
from kdoffload.model.observation import Observation, still_observation
from kdoffload.model.profile import Profile
from kdoffload.model.states import States
from kdoffload.scheduler.engines import DecisionTime, Engine
from kdoffload.scheduler.forecast import FUTURES, forecast_policy
from kdoffload.scheduler.hindsight import HindsightPolicy
from kdoffload.scheduler.network import KINDS
from kdoffload.scheduler.stream import Scenario, counted_workload, simulate

# Generated processes only (those this build of the simulator has); load from idle to busy, tasks/s.
NETWORKS = tuple(k for k in ("gauss-markov", "good-bad", "markov", "gauss-markov-outages") if k in KINDS)
TASK_RATES = (0.1, 0.2, 0.5, 1.0)
LABELS = ("forecast", "hindsight")  # the experts a stream's decisions can be labelled by
SEED_BASE = 10_000  # stream seeds start here: apart from the small seeds evaluations run with


@dataclass(frozen=True)
class StreamPlan:
    """The streams one demonstration file is drawn from: every network x every task rate x seeds."""

    networks: tuple[str, ...] = NETWORKS
    task_rates: tuple[float, ...] = TASK_RATES
    seeds: tuple[int, ...] = (0,)
    tasks_per_stream: int = 500
    explore: float = 0.1  # share of tasks run with a random placement instead of the label
    labels: str = "forecast"  # LABELS: the expected-delay optimum, or the hindsight optimum
    futures: int = FUTURES  # forecast labels: futures per decision


@dataclass
class Recorder:
    """A simulator engine's policy that records each decision and runs the label's expert.

    `sees_future`, `attach` and `arriving` are the stream's protocol for a policy that reads the
    world (`scheduler.hindsight.HindsightPolicy`); `decide_flagged` receives the observation.
    """

    profile: Profile
    explore: float
    seed: int
    labels_from: str = "forecast"
    futures: int = FUTURES
    oracle: object = None  # the HindsightPolicy that labels (built in __post_init__)
    states: list = field(default_factory=list)
    observations: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    sees_future = True

    def __post_init__(self):
        self.oracle = (forecast_policy(self.profile, self.seed, self.futures) if self.labels_from == "forecast"
                       else HindsightPolicy(self.profile))
        self._rng = np.random.default_rng(self.seed)

    @property
    def name(self) -> str:
        return "hindsight-recorder"

    def attach(self, executor, tasks, decision_time) -> None:
        self.oracle.attach(executor, tasks, decision_time)

    def arriving(self, k: int, arrival: float, decision_start: float) -> None:
        self.oracle.arriving(k, arrival, decision_start)

    def decide_flagged(self, states: States, observation: Observation | None = None):
        if self.oracle._task is None:  # the stream's untimed warm-up call: nothing to record
            return np.zeros((1, self.profile.n), dtype=np.int8), np.zeros(1, dtype=bool)
        label = self.oracle.decide(states)
        self.states.append(states)
        self.observations.append(observation)
        self.labels.append(label[0])
        run = label
        if self._rng.random() < self.explore:
            run = self._rng.integers(0, 3, size=(1, self.profile.n)).astype(np.int8)
        return run, np.zeros(1, dtype=bool)


def record_stream(profile: Profile, network: str, task_rate: float, seed: int, plan: StreamPlan) -> Recorder:
    """One stream's demonstrations (decision time zero: the label is the task's own optimum)."""
    recorder = Recorder(profile, plan.explore, seed, plan.labels, plan.futures)
    workload = counted_workload(profile, plan.tasks_per_stream, seed).at_rate(task_rate)
    simulate(profile, Engine(recorder.name, recorder), workload, DecisionTime("zero"),
             Scenario(network=network, seed=seed))
    return recorder


def generate(profile: Profile, plan: StreamPlan, out: Path, progress=None) -> Path:
    """Every stream of `plan`, written to `out` as one dataset (atomically)."""
    if not profile.observation:
        raise InputError(f"profile {profile.name}: has no observation recipe (set observation = "
                         "\"rate-history\") to learn from what the phone observed")
    states, observations, labels = [], [], []
    streams = [(n, r, s) for n in plan.networks for r in plan.task_rates for s in plan.seeds]
    for done, (network, rate, seed) in enumerate(streams):
        rec = record_stream(profile, network, rate, SEED_BASE + seed * 1000 + done, plan)
        states += rec.states
        observations += rec.observations
        labels += rec.labels
        if progress:
            progress(done + 1, len(streams))
    write(profile, States.concat(states), Observation.concat(observations),
          np.asarray(labels, dtype=np.int8), out, {"plan": plan.__dict__ | {"seeds": list(plan.seeds)}})
    return out


def with_still_demos(profile: Profile, streams: Path, still: Path, out: Path) -> Path:
    """One training file: the stream demonstrations and `model.dataset`'s exact demonstrations
    of still states (observation: their own rates, nothing queued), so the student keeps what
    today's student knows where the network holds still."""
    moving, fixed = dataset.load(streams), dataset.load(still)
    observation = Observation.concat([load_observation(streams), still_observation(fixed.states)])
    labels = np.concatenate([moving.labels, fixed.labels])
    write(profile, States.concat([moving.states, fixed.states]), observation, labels, out,
          {"parts": {"streams": {"samples": len(moving), "meta": moving.meta},
                     "still": {"samples": len(fixed), "seed": fixed.meta["seed"]}}})
    return out


def write(profile: Profile, states: States, observation: Observation, labels: np.ndarray, out: Path,
          extra_meta: dict) -> None:
    """The dataset file of `model.dataset`, plus the raw observation members."""
    arrays = {"features": build_features(profile, states, observation), "labels": labels,
              "optimal_delay": delays(profile, states, labels), "gap": np.zeros(len(labels)),
              "certified": np.ones(len(labels), dtype=bool), **states.to_dict(), **observation.to_dict()}
    meta = {"profile": profile.to_dict(), "seed": 0, "samples": len(labels),
            "format_version": dataset.DATASET_VERSION, "source": "trace-streams", **extra_meta}
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    atomic_write(Path(out), lambda f: np.savez(f, **arrays))


def load_observation(path: Path) -> Observation | None:
    """The raw observation members of a dataset file, or None (a file of still states)."""
    with np.load(path) as z:
        if "rate_up_history" not in z.files:
            return None
        return Observation.from_dict({k: z[k] for k in z.files})


def main(argv: list[str] | None = None) -> None:
    """python -m kdoffload.scheduler.trace_demos --profile chain6-dyn [--still 60000] [--seeds 4]

    Writes runs/<profile>/data/train.npz (stream demonstrations + still exact ones), where
    `kdoffload train` and `kdoffload distill` find the profile's training set.
    """
    import argparse
    import time

    from kdoffload.model.profile import load_profile
    from kdoffload.model.runs import Runs

    parser = argparse.ArgumentParser(description="Demonstrations from streams over moving networks")
    parser.add_argument("--profile", default="chain6-dyn")
    parser.add_argument("--seeds", type=int, default=4, help="streams per network and task rate")
    parser.add_argument("--tasks", type=int, default=400, help="tasks per stream")
    parser.add_argument("--still", type=int, default=60_000, help="still exact demonstrations joined")
    parser.add_argument("--labels", choices=LABELS, default="forecast", help="the expert that labels")
    parser.add_argument("--futures", type=int, default=FUTURES, help="futures per forecast label")
    args = parser.parse_args(argv)
    profile, data = load_profile(args.profile), Runs(args.profile).data("train")
    began = time.perf_counter()
    streams, still = data.with_name("streams.npz"), data.with_name("still.npz")
    plan = StreamPlan(seeds=tuple(range(args.seeds)), tasks_per_stream=args.tasks, labels=args.labels,
                      futures=args.futures)
    generate(profile, plan, streams,
             progress=lambda done, total: print(f"stream {done}/{total}", flush=True))
    dataset.generate(profile, args.still, 0, still, force=True, solver=dataset.default_solver())
    with_still_demos(profile, streams, still, data)
    print(f"{data}: {len(dataset.load(data)):,} demonstrations in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
