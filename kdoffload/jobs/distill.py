"""The distill job: the teacher shrunk into a small student by a (T, alpha) sweep chosen on
validation data; the teacher and the demonstrations are made first if missing."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from kdoffload.distill.student import DistillConfig, sweep
from kdoffload.jobs.artifacts import require
from kdoffload.jobs.budget import DEFAULT_REGRET_WEIGHT, budget
from kdoffload.jobs.data import load_split
from kdoffload.jobs.progress import member_progress
from kdoffload.jobs.reporter import Reporter
from kdoffload.jobs.train import require_teacher
from kdoffload.model.checkpoint import load_checkpoint
from kdoffload.model.io import atomic_write_json
from kdoffload.model.parallel import JobMap, process_pool
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs


@dataclass(frozen=True)
class StudentJob:
    profile: Profile
    full: bool = False
    resume: bool = False
    epochs: int | None = None  # None: the budget's
    seed: int = 0
    transfer_samples: int | None = None  # None: the budget's
    temperatures: tuple[float, ...] = ()  # empty: DistillConfig's sweep
    alphas: tuple[float, ...] = ()
    workers: int = 2
    regret_weight: float = DEFAULT_REGRET_WEIGHT
    jobs: JobMap | None = None
    hidden: tuple[int, ...] | None = None  # None: the shipped student's widths


def run(cfg: StudentJob, reporter: Reporter) -> dict:
    profile, b = cfg.profile, budget(cfg.profile, cfg.full)
    teacher = require_teacher(profile, reporter, cfg.full, cfg.workers)
    load_checkpoint(teacher, "teacher", profile)  # a bad teacher is one line, before any progress bar
    demos = load_split(profile, "train", reporter, cfg.workers, cfg.full, cfg.jobs)
    transfer = b.transfer_samples if cfg.transfer_samples is None else cfg.transfer_samples
    dcfg = DistillConfig(transfer_samples=transfer, hidden=cfg.hidden)
    dcfg = replace(dcfg, train=replace(dcfg.train, epochs=cfg.epochs or b.student_epochs,
                                       seed=cfg.seed, regret_weight=cfg.regret_weight))
    if cfg.temperatures:
        dcfg = replace(dcfg, temperatures=tuple(cfg.temperatures))
    if cfg.alphas:
        dcfg = replace(dcfg, alphas=tuple(cfg.alphas))
    runs = Runs(profile.name)
    # Each member trains on one thread: `workers` of them at once on this machine unless an engine
    # was given (the same seeds give the same students either way).
    members = cfg.jobs if cfg.jobs is not None else (process_pool(cfg.workers) if cfg.workers > 1 else None)
    with reporter.progress() as bar:
        on_member, on_epoch = member_progress(bar, profile.name, dcfg.train.epochs,
                                              len(dcfg.temperatures) * len(dcfg.alphas) + 1, members)
        summary = sweep(profile, demos, teacher, dcfg, runs.network_dir("student"), cfg.resume,
                        on_member, on_epoch, members)
    atomic_write_json(runs.sweep_file, summary)
    sel = summary["selected"]
    reporter.show(f"student: T={sel['temperature']:g}, alpha={sel['alpha']:g} selected on validation "
                  f"(mean ratio {sel['val_mean_ratio']:.4f}; without KD {summary['nokd_val_mean_ratio']:.4f})",
                  markup=True, highlight=True)
    return summary


def require_selection(profile: Profile, reporter: Reporter, full: bool = False, workers: int = 2,
                      jobs: JobMap | None = None) -> dict:
    """The student sweep's selected (T, alpha), distilled first (the budget's defaults) if missing."""
    sweep_file: Path = require(Runs(profile.name).sweep_file,
                               lambda: run(StudentJob(profile, full=full, workers=workers, jobs=jobs), reporter))
    return json.loads(sweep_file.read_text())["selected"]
