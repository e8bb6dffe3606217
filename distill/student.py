"""Student training from the teacher: the (T, alpha) sweep, the hard-label ablation, transfer sets.

The student sees the teacher's training rows and is selected on the teacher's validation rows,
so nothing it is chosen on was ever trained on by either network. A transfer set adds states
that no oracle labelled: with soft targets they carry only the teacher's distributions
(`UNLABELLED` hard labels); in the control, the teacher's argmax stands in as a hard label.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from kdoffload.distill.loss import UNLABELLED, KDLoss
from kdoffload.model.checkpoint import Checkpoint, checkpoint_from_bytes, load_checkpoint
from kdoffload.model.dataset import Demonstrations
from kdoffload.model.features import Normalizer, build_features
from kdoffload.model.io import atomic_write
from kdoffload.model.nets import OffloadMLP, student_config
from kdoffload.model.parallel import JobMap
from kdoffload.model.profile import Profile
from kdoffload.model.runs import StudentLayout, checkpoint_in
from kdoffload.model.states import sample_states
from kdoffload.model.train import TrainConfig, expected_regret, fit, flip_regret, make_validator


@dataclass
class DistillConfig:
    temperatures: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0)
    alphas: tuple[float, ...] = (0.5, 0.9)
    transfer_samples: int = 0
    transfer_seed: int = 3  # distinct from the train (0), test (1) and shifted (2) draws
    hidden: tuple[int, ...] | None = None  # the students' hidden widths; None: the default size
    # A student step is tiny: one thread avoids two-thread synchronisation that costs more than
    # the arithmetic, and larger batches amortise Python's per-step overhead.
    train: TrainConfig = field(default_factory=lambda: TrainConfig(
        epochs=40, batch_size=1024, lr=3e-3, patience=10, threads=1, regret_weight=1.0))


@dataclass
class StudentData:
    """Rows the student trains on: features, hard labels (or UNLABELLED), teacher logits."""

    x: torch.Tensor
    labels: torch.Tensor
    teacher_logits: torch.Tensor
    train_rows: np.ndarray
    val_rows: np.ndarray
    normalizer: Normalizer
    regret: torch.Tensor | None = None  # [S', N, 3]; zero on transfer rows (no oracle there)


def teacher_logits(teacher: OffloadMLP, x: torch.Tensor, batch: int = 16384) -> torch.Tensor:
    with torch.inference_mode():
        return torch.cat([teacher(x[a:a + batch]) for a in range(0, len(x), batch)])


def student_data(profile: Profile, demos: Demonstrations, teacher_checkpoint: Checkpoint,
                 transfer_samples: int = 0, transfer_seed: int = 3,
                 transfer_targets: str = "soft", with_regret: bool = False,
                 certified_only: bool = True) -> StudentData:
    """The demonstrations plus `transfer_samples` teacher-only states, appended after them.
    With `certified_only`, demonstrations whose label is not certified optimal are not trained on."""
    normalizer = teacher_checkpoint.normalizer
    teacher = teacher_checkpoint.net()
    val_rows = np.asarray(teacher_checkpoint.extra["split"]["val"], dtype=np.int64)
    rows = np.flatnonzero(demos.certified) if certified_only else np.arange(len(demos))
    train_rows = np.setdiff1d(rows, val_rows)
    x = torch.from_numpy(normalizer(demos.features))
    labels = torch.from_numpy(demos.labels.astype(np.int64))
    regret = torch.from_numpy(flip_regret(profile, demos)) if with_regret else None
    if transfer_samples > 0:
        extra = sample_states(profile, transfer_samples, np.random.default_rng([transfer_seed, 7]))
        x_extra = torch.from_numpy(normalizer(build_features(profile, extra)))
        if transfer_targets == "soft":
            y_extra = torch.full((transfer_samples, profile.n), UNLABELLED, dtype=torch.int64)
        else:
            y_extra = teacher_logits(teacher, x_extra).argmax(-1)
        train_rows = np.concatenate([train_rows, len(x) + np.arange(transfer_samples)])
        x, labels = torch.cat([x, x_extra]), torch.cat([labels, y_extra])
        if regret is not None:
            regret = torch.cat([regret, torch.zeros((transfer_samples, profile.n, 3))])
    return StudentData(x, labels, teacher_logits(teacher, x), train_rows, val_rows, normalizer, regret)


def train_student(profile: Profile, demos: Demonstrations, data: StudentData, temperature: float,
                  alpha: float, cfg: TrainConfig, checkpoint: Path, resume: bool = False,
                  on_epoch=None, extra_header: dict | None = None,
                  hidden: tuple[int, ...] | None = None) -> tuple[OffloadMLP, list[dict]]:
    """One student; alpha = 0 is the hard-label ablation (plain cross-entropy, no teacher).

    `hidden` gives its hidden widths (default: the size-budgeted two layers of `student_config`).

    With `cfg.regret_weight` > 0 and regret in `data`, the expected flip regret under the
    student's softmax is added, as for the teacher.
    """
    torch.manual_seed(cfg.seed)
    net = OffloadMLP(student_config(data.x.shape[1], profile.n, hidden))
    loss = KDLoss(temperature, alpha)
    rows = torch.from_numpy(data.train_rows)

    def loss_fn(batch: torch.Tensor):
        r = rows[batch]
        logits = net(data.x[r])
        total, kd, ce = loss(logits, data.teacher_logits[r], data.labels[r])
        parts = {"kd": kd.item(), "ce": ce.item()}
        if data.regret is not None and cfg.regret_weight > 0:
            expected = expected_regret(logits, data.regret[r])
            total = total + cfg.regret_weight * expected
            parts["regret"] = expected.item()
        return total, {"loss": total.item(), **parts}

    header = Checkpoint.start("student", profile, net, data.normalizer, cfg,
                             distill={"temperature": temperature, "alpha": alpha, **(extra_header or {})})
    validate = make_validator(profile, demos, data.val_rows, data.x[data.val_rows])
    return fit(net, loss_fn, len(data.train_rows), validate, cfg, checkpoint, header, resume, on_epoch)


@dataclass(frozen=True)
class Member:
    """One student to train: its rows (`data_key` into the datasets), loss, settings, checkpoint."""

    name: str
    data_key: str
    temperature: float
    alpha: float
    train: TrainConfig
    checkpoint: Path
    hidden: tuple[int, ...] | None = None  # None: the default student's widths


def student_job(member: Member, resume_from: bytes | None, *, profile: Profile, demos: Demonstrations,
                datasets: dict[str, StudentData], extra_header: dict) -> tuple[bytes, list[dict]]:
    """One student trained in a scratch directory (on any worker): its checkpoint bytes, history."""
    torch.set_num_threads(member.train.threads)  # a worker process starts with its own count
    with tempfile.TemporaryDirectory() as scratch:
        path = checkpoint_in(Path(scratch))
        if resume_from is not None:
            path.write_bytes(resume_from)
        _, history = train_student(profile, demos, datasets[member.data_key], member.temperature,
                                   member.alpha, member.train, path, resume_from is not None,
                                   extra_header=extra_header, hidden=member.hidden)
        return path.read_bytes(), history


def train_members(profile: Profile, demos: Demonstrations, datasets: dict[str, StudentData],
                  members: list[Member], resume: bool = False, extra_header: dict | None = None,
                  jobs: JobMap | None = None, on_member=None,
                  on_epoch=None) -> list[tuple[OffloadMLP, list[dict]]]:
    """Train `members`: here, one after another, or as the jobs of `jobs`; (net, history) each.

    `on_member(name)` is called before a member trains here, or when it comes back from `jobs`
    (whose workers report no epochs). Either way each checkpoint ends at `member.checkpoint`.
    """
    extra_header = extra_header or {}
    if jobs is None:
        out = []
        for m in members:
            if on_member:
                on_member(m.name)
            out.append(train_student(profile, demos, datasets[m.data_key], m.temperature, m.alpha,
                                     m.train, m.checkpoint, resume, on_epoch, extra_header, m.hidden))
        return out
    args = [(m, m.checkpoint.read_bytes() if resume and m.checkpoint.exists() else None) for m in members]
    shared = {"profile": profile, "demos": demos, "datasets": datasets, "extra_header": extra_header}
    results: list = [None] * len(members)
    for position, (checkpoint, history) in jobs(student_job, args, shared):
        member = members[position]
        atomic_write(member.checkpoint, lambda f: f.write(checkpoint))
        net = checkpoint_from_bytes(checkpoint, str(member.checkpoint), "student").net()
        results[position] = (net, history)
        if on_member:
            on_member(member.name)
    return results


def sweep(profile: Profile, demos: Demonstrations, teacher_checkpoint: Path, dcfg: DistillConfig,
          out_dir: Path, resume: bool = False, on_member=None, on_epoch=None,
          jobs: JobMap | None = None) -> dict:
    """Train one student per (T, alpha) and the hard-label ablation; keep the best on validation.

    Writes `<out_dir>/checkpoint.pt` (the selected student), `<out_dir>/nokd/checkpoint.pt`,
    and one checkpoint per sweep member under `<out_dir>/sweep/`. Returns the sweep's scores.
    Members run in this process, or as the jobs of `jobs` (same seeds, same students).
    """
    layout = StudentLayout(out_dir)
    teacher = load_checkpoint(teacher_checkpoint, "teacher", profile)
    data = student_data(profile, demos, teacher, dcfg.transfer_samples, dcfg.transfer_seed,
                        with_regret=dcfg.train.regret_weight > 0)
    grid = [(t, a) for t in dcfg.temperatures for a in dcfg.alphas]
    members = [Member(f"student T={t:g} alpha={a:g}", "plain", t, a, dcfg.train,
                      layout.member(t, a), dcfg.hidden) for t, a in grid]
    members.append(Member("student without KD (hard labels only)", "plain", 1.0, 0.0, dcfg.train,
                          layout.nokd, dcfg.hidden))
    trained = train_members(profile, demos, {"plain": data}, members, resume,
                            {"transfer_samples": dcfg.transfer_samples}, jobs, on_member, on_epoch)
    scores = {key: (min(h["val_score"] for h in history), m.checkpoint)
              for key, m, (_, history) in zip(grid, members, trained)}
    best = min(scores, key=lambda key: (scores[key][0], key))
    chosen = Path(scores[best][1]).read_bytes()
    atomic_write(layout.checkpoint, lambda f: f.write(chosen))  # a kill leaves the old one or this
    return {"selected": {"temperature": best[0], "alpha": best[1], "val_mean_ratio": scores[best][0]},
            "sweep": [{"temperature": t, "alpha": a, "val_mean_ratio": s} for (t, a), (s, _) in scores.items()],
            "nokd_val_mean_ratio": min(h["val_score"] for h in trained[-1][1])}
