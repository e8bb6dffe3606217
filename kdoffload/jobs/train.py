"""The train job: the teacher learns the exact expert by imitation (demonstrations made if missing)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kdoffload.jobs.artifacts import require
from kdoffload.jobs.budget import DEFAULT_REGRET_WEIGHT, budget
from kdoffload.jobs.data import load_split
from kdoffload.jobs.progress import epoch_bar
from kdoffload.jobs.reporter import Reporter
from kdoffload.model.checkpoint import load_checkpoint
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs
from kdoffload.model.train import TrainConfig, train_teacher


@dataclass(frozen=True)
class TeacherJob:
    profile: Profile
    full: bool = False
    resume: bool = False
    epochs: int | None = None  # None: the budget's
    seed: int = 0
    regret_weight: float = DEFAULT_REGRET_WEIGHT
    workers: int = 2
    augment_log_scale: float = 0.0


def run(cfg: TeacherJob, reporter: Reporter) -> Path:
    profile = cfg.profile
    demos = load_split(profile, "train", reporter, cfg.workers, cfg.full)
    train_cfg = TrainConfig(epochs=cfg.epochs or budget(profile, cfg.full).teacher_epochs, seed=cfg.seed,
                            regret_weight=cfg.regret_weight, augment_log_scale=cfg.augment_log_scale)
    teacher = Runs(profile.name).checkpoint("teacher")
    with reporter.progress() as bar:
        _, on_epoch = epoch_bar(bar, f"{profile.name} teacher", train_cfg.epochs)
        path = train_teacher(profile, demos, train_cfg, teacher.parent, cfg.resume, on_epoch)
    saved = load_checkpoint(path, "teacher", profile)
    reporter.show(f"teacher: {saved.net().parameter_count():,} parameters, best "
                  f"validation mean ratio {saved.best_score:.4f} (epoch {saved.best_epoch + 1}) "
                  f"-> {path}", markup=True, highlight=True)
    return path


def require_teacher(profile: Profile, reporter: Reporter, full: bool = False, workers: int = 2) -> Path:
    """The main teacher's checkpoint, trained first (the budget's defaults) if it is missing."""
    return require(Runs(profile.name).checkpoint("teacher"),
                   lambda: run(TeacherJob(profile, full=full, workers=workers), reporter))
