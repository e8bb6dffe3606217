"""The ablation job: KD against hard labels over seeds, with the transfer-set control."""

from __future__ import annotations

from dataclasses import dataclass, replace

from kdoffload.distill import kd_ablation
from kdoffload.distill.student import DistillConfig
from kdoffload.jobs.budget import budget
from kdoffload.jobs.data import load_split
from kdoffload.jobs.distill import require_selection
from kdoffload.jobs.progress import member_progress
from kdoffload.jobs.reporter import Reporter
from kdoffload.model.checkpoint import load_checkpoint
from kdoffload.model.io import atomic_write_json, atomic_write_text
from kdoffload.model.parallel import JobMap
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs


@dataclass(frozen=True)
class AblationJob:
    profile: Profile
    seeds: tuple[int, ...]
    transfer_samples: int  # 0 skips the transfer-set variants
    epochs: int | None = None  # None: the budget's student epochs
    full: bool = False
    workers: int = 2
    jobs: JobMap | None = None


def run(cfg: AblationJob, reporter: Reporter) -> dict:
    profile, runs = cfg.profile, Runs(cfg.profile.name)
    selected = require_selection(profile, reporter, cfg.full, cfg.workers)
    demos = load_split(profile, "train", reporter, cfg.workers, cfg.full, cfg.jobs)
    test = load_split(profile, "test", reporter, cfg.workers, cfg.full, cfg.jobs)
    # The ablation's students have the shipped student's widths, whatever distill was asked for.
    main = load_checkpoint(runs.checkpoint("student"), "student", profile)
    dcfg = DistillConfig(transfer_samples=cfg.transfer_samples, hidden=tuple(main.net_config["hidden"]))
    dcfg = replace(dcfg, train=replace(dcfg.train, epochs=cfg.epochs or budget(profile, cfg.full).student_epochs))
    seeds = list(cfg.seeds)
    with reporter.progress() as bar:
        variants = len(kd_ablation.VARIANTS) if cfg.transfer_samples else 2
        on_member, on_epoch = member_progress(bar, profile.name, dcfg.train.epochs, variants * len(seeds), cfg.jobs)
        result = kd_ablation.run(profile, demos, test, runs.checkpoint("teacher"), selected["temperature"],
                                 selected["alpha"], seeds, cfg.transfer_samples, dcfg, runs.ablation,
                                 on_member, on_epoch, cfg.jobs)
    atomic_write_json(runs.report / "kd_ablation.json", result)
    text = kd_ablation.markdown(result)
    atomic_write_text(runs.report / "kd_ablation.md", text)
    reporter.show(text)
    return result
