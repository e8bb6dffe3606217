"""The seeds job: the teacher and the selected student trained again per seed, and the spread of
their decision quality; writes runs/<profile>/report/seeds.{json,md}."""

from __future__ import annotations

from dataclasses import dataclass

from kdoffload.distill import seeds as training
from kdoffload.evaluation import seeds as scoring
from kdoffload.jobs.data import load_split, training_support
from kdoffload.jobs.distill import require_selection
from kdoffload.jobs.progress import member_progress, teacher_progress
from kdoffload.jobs.reporter import Reporter
from kdoffload.model.decider import TOP_K
from kdoffload.model.io import atomic_write_json, atomic_write_text
from kdoffload.model.parallel import JobMap
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs


@dataclass(frozen=True)
class SeedsJob:
    profile: Profile
    seeds: tuple[int, ...]
    full: bool = False
    fixed_teacher: bool = False  # every student distilled from the main teacher
    jobs: JobMap | None = None
    workers: int = 2


def run(cfg: SeedsJob, reporter: Reporter) -> dict:
    """Train what is missing, score every seed on test and shifted states, write the report."""
    profile, runs, seeds = cfg.profile, Runs(cfg.profile.name), list(cfg.seeds)
    selected = require_selection(profile, reporter, cfg.full, cfg.workers, cfg.jobs)
    plan = training.SeedPlan.from_main(profile, runs, seeds, cfg.fixed_teacher, selected)
    demos = load_split(profile, "train", reporter, cfg.workers, cfg.full, cfg.jobs)
    with reporter.progress() as bar:
        teachers = training.train_teachers(profile, demos, plan, runs,
                                           *teacher_progress(bar, profile.name, plan.teacher.epochs))
        on_member, on_epoch = member_progress(bar, profile.name, plan.student.epochs, len(seeds), cfg.jobs)
        students = training.train_students(profile, demos, plan, runs, teachers, cfg.jobs, on_member, on_epoch)
    test = load_split(profile, "test", reporter, cfg.workers, cfg.full, cfg.jobs)
    shifted = load_split(profile, "shifted", reporter, cfg.workers, cfg.full, cfg.jobs)
    per_seed = scoring.score_seeds(profile, {s: {"teacher": teachers[s], "student": students[s]} for s in seeds},
                                   test, shifted, TOP_K, training_support(profile, reporter, cfg.full, cfg.workers))
    result = {"profile": profile.name, "seeds": seeds, "fixed_teacher": cfg.fixed_teacher,
              "temperature": plan.temperature, "alpha": plan.alpha, "transfer_samples": plan.transfer_samples,
              "epochs": {"teacher": plan.teacher.epochs, "student": plan.student.epochs},
              "threads": {"teacher": plan.teacher.threads, "student": plan.student.threads},
              "test_samples": len(test), "shifted_samples": len(shifted),
              "checkpoints": {str(s): {"teacher": str(teachers[s]), "student": str(students[s])} for s in seeds},
              "summary": scoring.summarise(per_seed),
              "per_seed": {str(s): per_seed[s] for s in seeds}}
    atomic_write_json(runs.report / "seeds.json", result)
    text = scoring.markdown(result)
    atomic_write_text(runs.report / "seeds.md", text)
    reporter.show(text)
    return result
