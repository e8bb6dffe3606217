"""The end-to-end job, step by step; each step reuses what an earlier run left in runs/."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.table import Table

from kdoffload.common import console, progress_bar
from kdoffload.model import dataset
from kdoffload.model.features import Support
from kdoffload.model.errors import InputError
from kdoffload.model.metrics import delay_ratio
from kdoffload.model.parallel import JobMap
from kdoffload.model.policies import OPTIMAL, baselines
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs
from kdoffload.model.states import shifted_profile

SPLIT_SEEDS = {"train": 0, "test": 1, "shifted": 2}  # own seeds: test draws never seen in training


DEFAULT_REGRET_WEIGHT = 1.0  # the regret-aware loss's weight (docs/results.md: it helps)


@dataclass(frozen=True)
class Budget:
    train_samples: int
    test_samples: int
    teacher_epochs: int
    student_epochs: int
    transfer_samples: int  # unlabelled states the teacher labels for the student (cheap: no oracle)


# `default` keeps `make demo` on chain6 under 15 minutes on two cores; `full` is the larger run.
BUDGETS = {
    "default": {"chain6": Budget(200_000, 20_000, 30, 40, 200_000),
                "dag10": Budget(60_000, 2_000, 60, 40, 200_000)},
    "full": {"chain6": Budget(1_000_000, 50_000, 60, 60, 1_000_000),
             "dag10": Budget(1_000_000, 5_000, 40, 25, 1_000_000)},
}


def budget(profile: Profile, full: bool = False) -> Budget:
    table = BUDGETS["full" if full else "default"]
    return table.get(profile.name, table["chain6" if profile.n <= 8 else "dag10"])


def dataset_path(profile_name: str, split: str) -> Path:
    return Runs(profile_name).data(split)


def make_dataset(profile: Profile, samples: int, seed: int, out: Path, workers: int,
                 force: bool = False, jobs: JobMap | None = None, solver: str | None = None) -> Path:
    with progress_bar() as bar:
        task = bar.add_task(f"{profile.name} demonstrations", total=samples, rate="")
        first: list[tuple[float, int]] = []  # (time, states) at the first report: cached shards are not work

        def report(done: int, total: int) -> None:
            now = time.perf_counter()
            if not first:
                first.append((now, done))
            t0, d0 = first[0]
            rate = (done - d0) / (now - t0) if now > t0 and done > d0 else 0.0
            bar.update(task, completed=done, rate=f"{rate:,.0f} states/s" if rate else "")

        return dataset.generate(profile, samples, seed, out, workers, force, report, jobs,
                                solver=solver or dataset.default_solver())


def ensure_dataset(profile: Profile, split: str, samples: int | None = None, workers: int = 2,
                   full: bool = False, jobs: JobMap | None = None) -> Path:
    """The split's dataset ("train", "test" or "shifted"), generated first if it is missing.

    An existing file is used as it is (it may come from `kdoffload data`), except that --full
    refuses one smaller than its budget rather than silently training on less.
    """
    path = dataset_path(profile.name, split)
    b = budget(profile, full)
    samples = samples or (b.train_samples if split == "train" else b.test_samples)
    drawn_from = shifted_profile(profile) if split == "shifted" else profile
    if path.exists():
        meta = dataset.read_meta(path)
        have = meta.get("samples", 0)
        if meta.get("profile") != drawn_from.to_dict():
            raise InputError(f"{path}: drawn from another graph or other ranges than profile "
                             f"{profile.name} has now; delete it (or move runs/{profile.name} aside) "
                             "to make it again")
        if have < 1:
            raise InputError(f"{path}: holds no states")
        if full and have < samples:
            raise InputError(f"{path}: holds {have:,} states, the --full budget wants {samples:,}; "
                             f"move runs/{profile.name} aside (or delete the file) and run again")
        return path
    return make_dataset(drawn_from, samples, SPLIT_SEEDS[split], path, workers, jobs=jobs)


def training_support(profile: Profile, full: bool = False, workers: int = 2) -> Support:
    """Where the training demonstrations' raw features lie: what a learned policy has seen."""
    return Support.fit(dataset.load(ensure_dataset(profile, "train", workers=workers, full=full)).features)


def print_summary(summary: dict, path: Path) -> None:
    share = summary["label_share"]
    console.print(f"{path}: {summary['samples']:,} states; labels local {share['local']:.1%}, "
                  f"edge {share['edge']:.1%}, cloud {share['cloud']:.1%}; optimum beats the best "
                  f"trivial policy in {summary['beats_best_trivial']:.1%} of states")


def baseline_ratios(profile: Profile, demos: dataset.Demonstrations) -> dict[str, dict]:
    out = {}
    for policy in baselines(profile):
        if policy.name == OPTIMAL:
            ratio = np.ones(len(demos))
        else:
            ratio = delay_ratio(demos, policy.decide(demos.states))
        out[policy.name] = {"mean_ratio": float(ratio.mean()), "median_ratio": float(np.median(ratio)),
                            "p95_ratio": float(np.quantile(ratio, 0.95))}
    return out


def print_baselines(profile: Profile, demos: dataset.Demonstrations) -> None:
    table = Table(title=f"{profile.name}: delay / optimal delay, {len(demos):,} states")
    for column in ("policy", "mean", "median", "p95"):
        table.add_column(column, justify="left" if column == "policy" else "right")
    for name, r in baseline_ratios(profile, demos).items():
        table.add_row(name, f"{r['mean_ratio']:.3f}", f"{r['median_ratio']:.3f}", f"{r['p95_ratio']:.3f}")
    console.print(table)
