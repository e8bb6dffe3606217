"""The data job: optimal demonstrations of a profile, and the splits every later job requires."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from kdoffload.jobs.artifacts import require
from kdoffload.jobs.budget import budget
from kdoffload.jobs.reporter import Reporter
from kdoffload.model import dataset
from kdoffload.model.errors import InputError
from kdoffload.model.features import Support
from kdoffload.model.parallel import JobMap
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs
from kdoffload.model.states import shifted_profile

SPLIT_SEEDS = {"train": 0, "test": 1, "shifted": 2}  # own seeds: test draws never seen in training


@dataclass(frozen=True)
class DataConfig:
    profile: Profile
    samples: int
    seed: int
    out: Path
    workers: int = 2
    force: bool = False
    jobs: JobMap | None = None
    solver: str | None = None  # None: native when built, else numpy


def run(cfg: DataConfig, reporter: Reporter) -> Path:
    path = make_dataset(cfg.profile, cfg.samples, cfg.seed, cfg.out, cfg.workers, reporter, cfg.force,
                        cfg.jobs, cfg.solver)
    show_summary(reporter, dataset.summary(dataset.load(path)), path)
    return path


def make_dataset(profile: Profile, samples: int, seed: int, out: Path, workers: int, reporter: Reporter,
                 force: bool = False, jobs: JobMap | None = None, solver: str | None = None) -> Path:
    with reporter.progress() as bar:
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


def ensure_dataset(profile: Profile, split: str, reporter: Reporter, samples: int | None = None,
                   workers: int = 2, full: bool = False, jobs: JobMap | None = None) -> Path:
    """The split's dataset ("train", "test" or "shifted"), generated first if it is missing.

    An existing file is used as it is (it may come from `kdoffload data`), except that --full
    refuses one smaller than its budget rather than silently training on less.
    """
    b = budget(profile, full)
    samples = samples or (b.train_samples if split == "train" else b.test_samples)
    drawn_from = shifted_profile(profile) if split == "shifted" else profile

    def check(path: Path) -> None:
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

    path = Runs(profile.name).data(split)
    return require(path, lambda: make_dataset(drawn_from, samples, SPLIT_SEEDS[split], path, workers,
                                              reporter, jobs=jobs), check)


def load_split(profile: Profile, split: str, reporter: Reporter, workers: int = 2, full: bool = False,
               jobs: JobMap | None = None) -> dataset.Demonstrations:
    """The split's demonstrations, generated first if missing."""
    return dataset.load(ensure_dataset(profile, split, reporter, workers=workers, full=full, jobs=jobs))


def training_support(profile: Profile, reporter: Reporter, full: bool = False, workers: int = 2) -> Support:
    """Where the training demonstrations' raw features lie: what a learned policy has seen."""
    return Support.fit(load_split(profile, "train", reporter, workers, full).features)


def show_summary(reporter: Reporter, summary: dict, path: Path) -> None:
    share = summary["label_share"]
    reporter.show(f"{path}: {summary['samples']:,} states; labels local {share['local']:.1%}, "
                  f"edge {share['edge']:.1%}, cloud {share['cloud']:.1%}; optimum beats the best "
                  f"trivial policy in {summary['beats_best_trivial']:.1%} of states", markup=True, highlight=True)
