"""Teacher, student and evaluation steps of the job, with progress bars; each reuses runs/."""

from __future__ import annotations

import platform
from dataclasses import replace
from pathlib import Path

from kdoffload.common import console, progress_bar
from kdoffload.pipeline import DEFAULT_REGRET_WEIGHT, budget, ensure_dataset, training_support
from kdoffload.evaluation import quality, report as quality_report
from kdoffload.distill.student import DistillConfig, sweep
from kdoffload.model import dataset
from kdoffload.model.checkpoint import load_checkpoint
from kdoffload.model.decider import TOP_K
from kdoffload.model.io import atomic_write_json
from kdoffload.model.parallel import JobMap, process_pool
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs
from kdoffload.model.train import TrainConfig, train_teacher

# Chosen on validation data: the expected-flip-regret term lowers the teacher's mean delay ratio
# (see docs/results.md), so it is on by default; 0 gives the plain per-subtask cross-entropy.


def _epoch_bar(bar, task_name: str, epochs: int):
    task = bar.add_task(task_name, total=epochs, rate="")

    def on_epoch(epoch: int, record: dict) -> None:
        loss = record.get("loss", record.get("ce", float("nan")))
        bar.update(task, completed=epoch + 1, rate=(
            f"loss {loss:.4f}  val acc {record['val_label_accuracy']:.2%}  "
            f"val ratio {record['val_mean_ratio']:.4f}"))

    return task, on_epoch


def _member_progress(bar, profile_name: str, epochs: int, members: int, jobs: JobMap | None):
    """(on_member, on_epoch): an epoch bar per student here; one bar of finished students on jobs."""
    if jobs is not None:
        task = bar.add_task(f"{profile_name} students", total=members, rate="")
        return (lambda name: bar.update(task, advance=1, rate=name)), None
    state = {}

    def on_member(name: str) -> None:
        state["task"], state["on_epoch"] = _epoch_bar(bar, f"{profile_name} {name}", epochs)

    return on_member, lambda e, r: state["on_epoch"](e, r)


def teacher_path(profile: Profile) -> Path:
    return Runs(profile.name).checkpoint("teacher")


def train(profile: Profile, full: bool = False, resume: bool = False, epochs: int | None = None,
          seed: int = 0, regret_weight: float = DEFAULT_REGRET_WEIGHT, workers: int = 2,
          augment_log_scale: float = 0.0) -> Path:
    demos = dataset.load(ensure_dataset(profile, "train", workers=workers, full=full))
    cfg = TrainConfig(epochs=epochs or budget(profile, full).teacher_epochs, seed=seed,
                      regret_weight=regret_weight, augment_log_scale=augment_log_scale)
    with progress_bar() as bar:
        _, on_epoch = _epoch_bar(bar, f"{profile.name} teacher", cfg.epochs)
        path = train_teacher(profile, demos, cfg, teacher_path(profile).parent, resume, on_epoch)
    saved = load_checkpoint(path, "teacher", profile)
    console.print(f"teacher: {saved.net().parameter_count():,} parameters, best "
                  f"validation mean ratio {saved.best_score:.4f} (epoch {saved.best_epoch + 1}) "
                  f"-> {path}")
    return path


def distill(profile: Profile, full: bool = False, resume: bool = False, epochs: int | None = None,
            seed: int = 0, transfer_samples: int | None = None, temperatures=None, alphas=None,
            workers: int = 2, regret_weight: float = DEFAULT_REGRET_WEIGHT, jobs: JobMap | None = None,
            hidden: tuple[int, ...] | None = None) -> dict:
    teacher = teacher_path(profile)
    if not teacher.exists():
        train(profile, full=full, workers=workers)
    load_checkpoint(teacher, "teacher", profile)  # a bad teacher is one line, before any progress bar
    demos = dataset.load(ensure_dataset(profile, "train", workers=workers, full=full, jobs=jobs))
    if transfer_samples is None:
        transfer_samples = budget(profile, full).transfer_samples
    dcfg = DistillConfig(transfer_samples=transfer_samples, hidden=hidden)
    dcfg = replace(dcfg, train=replace(dcfg.train, epochs=epochs or budget(profile, full).student_epochs,
                                       seed=seed, regret_weight=regret_weight))
    if temperatures:
        dcfg = replace(dcfg, temperatures=tuple(temperatures))
    if alphas:
        dcfg = replace(dcfg, alphas=tuple(alphas))
    out_dir = Runs(profile.name).network_dir("student")
    # Each member trains on one thread: `workers` of them at once on this machine unless an engine
    # was given (the same seeds give the same students either way).
    members = jobs if jobs is not None else (process_pool(workers) if workers > 1 else None)
    with progress_bar() as bar:
        on_member, on_epoch = _member_progress(bar, profile.name, dcfg.train.epochs,
                                               len(dcfg.temperatures) * len(dcfg.alphas) + 1, members)
        summary = sweep(profile, demos, teacher, dcfg, out_dir, resume, on_member, on_epoch, members)
    atomic_write_json(Runs(profile.name).sweep_file, summary)
    sel = summary["selected"]
    console.print(f"student: T={sel['temperature']:g}, alpha={sel['alpha']:g} selected on validation "
                  f"(mean ratio {sel['val_mean_ratio']:.4f}; without KD {summary['nokd_val_mean_ratio']:.4f})")
    return summary


def evaluate(profile: Profile, k: int = TOP_K, full: bool = False, workers: int = 2) -> dict:
    test = dataset.load(ensure_dataset(profile, "test", workers=workers, full=full))
    shifted = dataset.load(ensure_dataset(profile, "shifted", workers=workers, full=full))
    support = training_support(profile, full, workers)
    policies, params = quality.all_policies(profile, Runs(profile.name), k, support)
    metrics, ratios = quality.evaluate(profile, test, policies)
    shifted_metrics, _ = quality.evaluate(profile, shifted, policies)
    params = {name: params.get(name) for name in ("teacher", "student")}
    student = next((p for p in policies if p.name == "student"), None)
    report = {"profile": profile.name, "test": {"samples": len(test), "seed": test.meta["seed"]},
              "policies": metrics, "params": params,
              "shifted": {"samples": len(shifted), "seed": shifted.meta["seed"], "policies": shifted_metrics},
              "topk_curve": quality.quality_against_k(profile, test, student) if student else [],
              "machine": {"python": platform.python_version(), "platform": platform.platform()}}
    out_dir = Runs(profile.name).report
    quality_report.write_report(out_dir, report, ratios)
    console.print((out_dir / "quality.md").read_text(), markup=False, highlight=False)
    return report


def ablation(profile: Profile, seeds: list[int], transfer_samples: int, epochs: int | None = None,
             full: bool = False, workers: int = 2, jobs: JobMap | None = None) -> dict:
    """KD against hard labels over seeds, with the transfer-set control; writes the report."""
    import json

    from kdoffload.distill import kd_ablation
    from kdoffload.model.io import atomic_write_text

    sweep_file = Runs(profile.name).sweep_file
    if not sweep_file.exists():
        distill(profile, full, workers=workers)
    selected = json.loads(sweep_file.read_text())["selected"]
    demos = dataset.load(ensure_dataset(profile, "train", workers=workers, full=full, jobs=jobs))
    test = dataset.load(ensure_dataset(profile, "test", workers=workers, full=full, jobs=jobs))
    # The ablation's students have the shipped student's widths, whatever distill was asked for.
    main = load_checkpoint(Runs(profile.name).checkpoint("student"), "student", profile)
    dcfg = DistillConfig(transfer_samples=transfer_samples, hidden=tuple(main.net_config["hidden"]))
    dcfg = replace(dcfg, train=replace(dcfg.train, epochs=epochs or budget(profile, full).student_epochs))
    out_dir = Runs(profile.name).ablation
    with progress_bar() as bar:
        variants = len(kd_ablation.VARIANTS) if transfer_samples else 2
        on_member, on_epoch = _member_progress(bar, profile.name, dcfg.train.epochs, variants * len(seeds), jobs)
        result = kd_ablation.run(profile, demos, test, teacher_path(profile), selected["temperature"],
                                 selected["alpha"], seeds, transfer_samples, dcfg, out_dir, on_member,
                                 on_epoch, jobs)
    report_dir = Runs(profile.name).report
    atomic_write_json(report_dir / "kd_ablation.json", result)
    text = kd_ablation.markdown(result)
    atomic_write_text(report_dir / "kd_ablation.md", text)
    console.print(text, markup=False, highlight=False)
    return result


def compare_loss(profile: Profile, full: bool = False, workers: int = 2) -> dict:
    """Train the teacher again with the other loss and compare both on the test set."""
    from kdoffload.distill import loss_compare
    from kdoffload.model.io import atomic_write_text

    main = teacher_path(profile)
    if not main.exists():
        train(profile, full, workers=workers)
    main_cfg = load_checkpoint(main, "teacher", profile).train_config
    other_weight = 0.0 if main_cfg["regret_weight"] > 0 else 1.0
    demos = dataset.load(ensure_dataset(profile, "train", workers=workers, full=full))
    test = dataset.load(ensure_dataset(profile, "test", workers=workers, full=full))
    cfg = TrainConfig(**{**main_cfg, "regret_weight": other_weight})
    other_dir = Runs(profile.name).loss_compare(other_weight)
    with progress_bar() as bar:
        _, on_epoch = _epoch_bar(bar, f"{profile.name} teacher, regret weight {other_weight:g}", cfg.epochs)
        other = train_teacher(profile, demos, cfg, other_dir, resume=True, on_epoch=on_epoch)
    rows = {}
    for path in sorted((main, other), key=lambda p: load_checkpoint(p, "teacher").train_config["regret_weight"]):
        result = loss_compare.scores(profile, test, path, "teacher")
        rows["cross-entropy" if result["regret_weight"] == 0 else "cross-entropy + flip regret"] = result
    report_dir = Runs(profile.name).report
    atomic_write_json(report_dir / "loss_compare.json", {"profile": profile.name, "test_samples": len(test),
                                                         "teachers": rows})
    text = loss_compare.markdown(profile.name, rows, len(test))
    atomic_write_text(report_dir / "loss_compare.md", text)
    console.print(text, markup=False, highlight=False)
    return rows
