"""`kdoffload seeds`: the teacher and the student trained again with other seeds, and the spread
of their decision quality; writes runs/<profile>/report/seeds.{json,md}."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from kdoffload import options, outputs
from kdoffload.common import (AddressOption, EngineOption, ProfileOption, console, progress_bar, ray_or_none,
                              user_errors)
from kdoffload.lazy import lazy
from kdoffload.pipeline import ensure_dataset, training_support
from kdoffload.model import dataset
from kdoffload.model.decider import TOP_K
from kdoffload.model.errors import InputError
from kdoffload.model.io import atomic_write_json, atomic_write_text
from kdoffload.model.parallel import JobMap
from kdoffload.model.profile import Profile, load_profile
from kdoffload.model.runs import Runs

learning = lazy("kdoffload.learning")
training = lazy("kdoffload.distill.seeds")
scoring = lazy("kdoffload.evaluation.seeds")


def check_seeds(seeds: list[int] | None) -> list[int]:
    """At least two distinct seeds, each a valid seed: a spread needs two runs."""
    if not seeds:
        raise InputError("--seeds: give at least two seeds, e.g. --seeds 0 1 2")
    for s in seeds:
        options.seed(s, "--seeds")
    repeated = sorted({s for s in seeds if seeds.count(s) > 1})
    if repeated:
        raise InputError(f"--seeds: seed {repeated[0]} given twice; each seed is one run")
    if len(seeds) < 2:
        raise InputError("--seeds: give at least two seeds to measure a spread")
    return seeds


@user_errors
def seeds(profile: ProfileOption = "chain6",
          seed: Annotated[list[int], typer.Option("--seeds", help="Seeds to train with: --seeds 0 1 2.")] = None,
          more: Annotated[list[int], typer.Argument(
              metavar="SEED", help="The seeds after the first: --seeds 0 1 2.", show_default=False)] = None,
          full: Annotated[bool, typer.Option(
              "--full", help="The larger budget (datasets, and distill if missing).")] = False,
          fixed_teacher: Annotated[bool, typer.Option(
              "--fixed-teacher", help="Distil every student from the main teacher; only the student's "
                                      "seed varies.")] = False,
          engine: EngineOption = "local", address: AddressOption = None):
    """The main teacher and selected student trained once per seed; quality as mean ± std over seeds."""
    if more and not seed:
        raise InputError(f"unexpected argument {more[0]}: seeds follow --seeds")
    chosen = check_seeds([*(seed or []), *(more or [])])
    jobs = ray_or_none(engine, address)
    prof = load_profile(profile)
    with outputs.holding(Runs(prof.name).dir):
        seed_spread(prof, chosen, full, fixed_teacher, jobs)


def _teacher_progress(bar, profile_name: str, epochs: int):
    """(on_teacher, on_epoch): a fresh epoch bar for each teacher that trains."""
    state = {}

    def on_teacher(seed: int) -> None:
        state["on_epoch"] = learning._epoch_bar(bar, f"{profile_name} teacher seed {seed}", epochs)[1]

    return on_teacher, lambda epoch, record: state["on_epoch"](epoch, record)


def seed_spread(profile: Profile, seeds: list[int], full: bool = False, fixed_teacher: bool = False,
                jobs: JobMap | None = None, workers: int = 2) -> dict:
    """Train what is missing, score every seed on test and shifted states, write the report."""
    runs = Runs(profile.name)
    if not runs.sweep_file.exists():
        learning.distill(profile, full, workers=workers, jobs=jobs)
    selected = json.loads(runs.sweep_file.read_text())["selected"]
    plan = training.SeedPlan.from_main(profile, runs, seeds, fixed_teacher, selected)
    demos = dataset.load(ensure_dataset(profile, "train", workers=workers, full=full, jobs=jobs))
    with progress_bar() as bar:
        teachers = training.train_teachers(profile, demos, plan, runs,
                                           *_teacher_progress(bar, profile.name, plan.teacher.epochs))
        on_member, on_epoch = learning._member_progress(bar, profile.name, plan.student.epochs, len(seeds), jobs)
        students = training.train_students(profile, demos, plan, runs, teachers, jobs, on_member, on_epoch)
    test = dataset.load(ensure_dataset(profile, "test", workers=workers, full=full, jobs=jobs))
    shifted = dataset.load(ensure_dataset(profile, "shifted", workers=workers, full=full, jobs=jobs))
    per_seed = scoring.score_seeds(profile, {s: {"teacher": teachers[s], "student": students[s]} for s in seeds},
                                   test, shifted, TOP_K, training_support(profile, full, workers))
    result = {"profile": profile.name, "seeds": seeds, "fixed_teacher": fixed_teacher,
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
    console.print(text, markup=False, highlight=False)
    return result
