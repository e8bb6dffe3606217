"""The compare-loss job: the teacher trained again with the other loss, both scored on test states."""

from __future__ import annotations

from dataclasses import dataclass

from kdoffload.distill import loss_compare
from kdoffload.jobs.data import load_split
from kdoffload.jobs.progress import epoch_bar
from kdoffload.jobs.reporter import Reporter
from kdoffload.jobs.train import require_teacher
from kdoffload.model.checkpoint import load_checkpoint
from kdoffload.model.io import atomic_write_json, atomic_write_text
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs
from kdoffload.model.train import TrainConfig, train_teacher


@dataclass(frozen=True)
class CompareLossJob:
    profile: Profile
    full: bool = False
    workers: int = 2


def run(cfg: CompareLossJob, reporter: Reporter) -> dict:
    profile, runs = cfg.profile, Runs(cfg.profile.name)
    main = require_teacher(profile, reporter, cfg.full, cfg.workers)
    main_cfg = load_checkpoint(main, "teacher", profile).train_config
    other_weight = 0.0 if main_cfg["regret_weight"] > 0 else 1.0
    demos = load_split(profile, "train", reporter, cfg.workers, cfg.full)
    test = load_split(profile, "test", reporter, cfg.workers, cfg.full)
    train_cfg = TrainConfig(**{**main_cfg, "regret_weight": other_weight})
    with reporter.progress() as bar:
        _, on_epoch = epoch_bar(bar, f"{profile.name} teacher, regret weight {other_weight:g}", train_cfg.epochs)
        other = train_teacher(profile, demos, train_cfg, runs.loss_compare(other_weight), resume=True,
                              on_epoch=on_epoch)
    rows = {}
    for path in sorted((main, other), key=lambda p: load_checkpoint(p, "teacher").train_config["regret_weight"]):
        result = loss_compare.scores(profile, test, path, "teacher")
        rows["cross-entropy" if result["regret_weight"] == 0 else "cross-entropy + flip regret"] = result
    atomic_write_json(runs.report / "loss_compare.json", {"profile": profile.name, "test_samples": len(test),
                                                          "teachers": rows})
    text = loss_compare.markdown(profile.name, rows, len(test))
    atomic_write_text(runs.report / "loss_compare.md", text)
    reporter.show(text)
    return rows
