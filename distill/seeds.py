"""Training over seeds: a teacher and a student per seed, with everything but the seed held fixed.

The settings are those of the main networks (runs/<profile>/teacher and the student the sweep
selected), so a seed's networks differ from the shipped ones by their seed alone. With a fixed
teacher only the students vary: each is distilled from the main teacher. A network whose
checkpoint says its run ended is not trained again; an interrupted one resumes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

from kdoffload.distill.student import DistillConfig, Member, StudentData, student_data, train_members
from kdoffload.model.checkpoint import load_checkpoint
from kdoffload.model.dataset import Demonstrations
from kdoffload.model.errors import InputError
from kdoffload.model.parallel import JobMap
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs
from kdoffload.model.train import TrainConfig, run_finished, train_teacher


@dataclass(frozen=True)
class SeedPlan:
    """What every seed shares; `teacher` and `student` are configs whose seed is replaced."""

    seeds: tuple[int, ...]
    fixed_teacher: bool
    teacher: TrainConfig
    student: TrainConfig
    temperature: float
    alpha: float
    transfer_samples: int
    transfer_seed: int = DistillConfig.transfer_seed
    hidden: tuple[int, ...] | None = None  # the main student's widths

    @classmethod
    def from_main(cls, profile: Profile, runs: Runs, seeds, fixed_teacher: bool, selected: dict) -> SeedPlan:
        """The plan that repeats the main teacher and the selected (T, alpha) student per seed."""
        teacher = load_checkpoint(runs.checkpoint("teacher"), "teacher", profile)
        student = load_checkpoint(runs.checkpoint("student"), "student", profile)
        return cls(tuple(seeds), fixed_teacher, _config(teacher.train_config), _config(student.train_config),
                   float(selected["temperature"]), float(selected["alpha"]),
                   int(student.extra.get("distill", {}).get("transfer_samples", 0)),
                   hidden=tuple(student.net_config["hidden"]))

    @property
    def student_network(self) -> str:
        """The seed folder's student (Runs.SEED_NETWORKS): which teacher it learned from."""
        return "student-fixed-teacher" if self.fixed_teacher else "student"

    @property
    def extra_header(self) -> dict:
        """What a student's checkpoint records beyond (T, alpha); its folder says which teacher."""
        return {"transfer_samples": self.transfer_samples}

    @property
    def distill_header(self) -> dict:
        return {"temperature": self.temperature, "alpha": self.alpha, **self.extra_header}


def _config(saved: dict) -> TrainConfig:
    known = {f.name for f in fields(TrainConfig)}
    return TrainConfig(**{k: v for k, v in saved.items() if k in known})


def teacher_checkpoints(plan: SeedPlan, runs: Runs) -> dict[int, Path]:
    """The main teacher for its own seed (a run of it would repeat it bit for bit) and under
    --fixed-teacher; a seed folder's teacher otherwise."""
    return {seed: runs.checkpoint("teacher") if plan.fixed_teacher or seed == plan.teacher.seed
            else runs.seed_checkpoint(seed, "teacher") for seed in plan.seeds}


def student_checkpoints(plan: SeedPlan, runs: Runs) -> dict[int, Path]:
    """The main student where its seed and its teacher are the main ones; a seed folder's otherwise."""
    def main(seed: int) -> bool:
        return seed == plan.student.seed and (plan.fixed_teacher or seed == plan.teacher.seed)

    return {seed: runs.checkpoint("student") if main(seed) else runs.seed_checkpoint(seed, plan.student_network)
            for seed in plan.seeds}


def train_teachers(profile: Profile, demos: Demonstrations, plan: SeedPlan, runs: Runs,
                   on_teacher=None, on_epoch=None) -> dict[int, Path]:
    """Each seed's teacher (none with a fixed teacher), trained here unless already finished."""
    paths = teacher_checkpoints(plan, runs)
    if plan.fixed_teacher:
        return paths
    for seed, path in paths.items():
        cfg = replace(plan.teacher, seed=seed)
        if run_finished(path, "teacher", cfg, profile):
            continue
        if on_teacher:
            on_teacher(seed)
        train_teacher(profile, demos, cfg, path.parent, resume=True, on_epoch=on_epoch)
    return paths


def _student_finished(path: Path, cfg: TrainConfig, header: dict, profile: Profile) -> bool:
    if not run_finished(path, "student", cfg, profile):
        return False
    if load_checkpoint(path, "student").extra.get("distill") != header:
        raise InputError(f"{path}: distilled with another (T, alpha) or transfer set than "
                         f"this run's; delete {path.parent} to train it afresh")
    return True


def train_students(profile: Profile, demos: Demonstrations, plan: SeedPlan, runs: Runs,
                   teachers: dict[int, Path], jobs: JobMap | None = None, on_member=None,
                   on_epoch=None) -> dict[int, Path]:
    """Each seed's student, distilled from `teachers[seed]`; here one by one, or as `jobs`.

    The students' rows depend on the teacher (its logits, its validation split), so there is one
    `StudentData` per distinct teacher; here they are built one at a time to bound memory.
    """
    paths = student_checkpoints(plan, runs)
    members = {}
    for seed in plan.seeds:
        cfg = replace(plan.student, seed=seed)
        if not _student_finished(paths[seed], cfg, plan.distill_header, profile):
            members[seed] = Member(f"student seed {seed}", str(teachers[seed]), plan.temperature,
                                   plan.alpha, cfg, paths[seed], plan.hidden)
    if not members:
        return paths
    data: dict[str, StudentData] = {}

    def rows_of(teacher: str) -> dict[str, StudentData]:
        if teacher not in data:
            data[teacher] = student_data(profile, demos, load_checkpoint(Path(teacher), "teacher", profile),
                                         plan.transfer_samples, plan.transfer_seed,
                                         with_regret=plan.student.regret_weight > 0)
        return {teacher: data[teacher]}

    if jobs is not None:
        datasets = {k: v for m in members.values() for k, v in rows_of(m.data_key).items()}
        train_members(profile, demos, datasets, list(members.values()), True, plan.extra_header, jobs,
                      on_member, on_epoch)
        return paths
    for seed, member in members.items():
        if not plan.fixed_teacher:
            data.clear()  # the previous seed's rows are not needed again
        train_members(profile, demos, rows_of(member.data_key), [member], True,
                      plan.extra_header, None, on_member, on_epoch)
    return paths
