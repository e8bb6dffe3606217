"""Training the one student for any graph: the teacher by imitation, the student by distillation.

1. certified demonstrations of the plan's families and shipped profiles (graph_data.py);
   validation graphs are drawn with another seed, so no validation graph is a training graph;
2. the teacher: per-subtask cross-entropy on the certified labels;
3. a transfer set of graphs and states nobody solved: drawn from the training mixes at sizes up
   to 30, labelled by the teacher alone;
4. students by the project's KD loss (distill/loss.py) for each (T, alpha), the one with the
   best validation mean T/T* (argmax decisions) kept.
The loop is model/train.py's `fit` (cosine schedule, early stopping, per-epoch checkpoints).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from kdoffload.distill.graph_data import DemoPlan, GraphDemos, draw_graph_states, load_demos, make_demos
from kdoffload.distill.graph_model import STUDENT, TEACHER, GraphNetConfig, GraphOffloadNet, load_graph_net
from kdoffload.distill.loss import UNLABELLED, KDLoss
from kdoffload.model.checkpoint import Checkpoint
from kdoffload.model.errors import InputError
from kdoffload.model.graph_features import N_MAX, GraphInputs, GraphNormalizer
from kdoffload.model.io import atomic_write, atomic_write_json
from kdoffload.model.runs import GraphStudentLayout
from kdoffload.model.train import TrainConfig, fit

# Validation graphs: new draws of the training mixes, up to N = 10 so that numpy's exhaustive
# search certifies them in seconds wherever the native core is not built.
VALIDATION_PLAN = DemoPlan(sizes=((6, 60), (8, 60), (10, 60)), profiles=("chain6", "dag10"),
                           profile_states=150, seed=1)


@dataclass
class GraphTrainConfig:
    out_dir: Path
    plan: DemoPlan = field(default_factory=DemoPlan)
    validation: DemoPlan = VALIDATION_PLAN
    solver: str = "native"
    workers: int = 1
    teacher: GraphNetConfig = TEACHER
    student: GraphNetConfig = STUDENT
    # Sized for this 2-core machine shared with other jobs: small batches (many steps for the
    # arithmetic), up to 16 and 12 epochs, stopping after 4 without a better validation score.
    teacher_train: TrainConfig = field(default_factory=lambda: TrainConfig(
        epochs=16, batch_size=64, lr=2e-3, patience=4, threads=1))
    student_train: TrainConfig = field(default_factory=lambda: TrainConfig(
        epochs=12, batch_size=64, lr=3e-3, patience=4, threads=1))
    # (T, alpha): (4, 0.9) lost to (2, 0.5) on validation in every run of the smaller recipe.
    sweep: tuple[tuple[float, float], ...] = ((2.0, 0.5),)
    transfer_states: int = 24000
    transfer_sizes: tuple[int, int] = (5, 30)
    transfer_seed: int = 3
    # A trained graph teacher to distil from instead of training one (a student of another size
    # from the same teacher); it must have been trained on this plan's normalised inputs.
    teacher_checkpoint: Path | None = None


@dataclass
class Tensors:
    """A dataset as padded tensors: the inputs, the labels [S, 64] (UNLABELLED past n and on
    transfer states), optionally the teacher's logits [S, 64, 3]."""

    nodes: torch.Tensor
    scalars: torch.Tensor
    adjacency: torch.Tensor  # bool, to keep 4 KB per state
    mask: torch.Tensor
    n: np.ndarray
    labels: torch.Tensor
    teacher_logits: torch.Tensor | None = None

    @classmethod
    def of(cls, inputs: GraphInputs, n: np.ndarray, labels: np.ndarray) -> Tensors:
        return cls(torch.from_numpy(inputs.nodes), torch.from_numpy(inputs.scalars),
                   torch.from_numpy(inputs.adjacency.astype(bool)), torch.from_numpy(inputs.mask),
                   np.asarray(n), torch.from_numpy(labels.astype(np.int64)))

    def batch(self, rows) -> tuple[tuple[torch.Tensor, ...], slice]:
        """The network inputs of `rows`, padded to the largest graph among them (the network is
        the same at any padding; this saves most of the arithmetic on small graphs)."""
        rows = torch.as_tensor(rows)
        p = max(1, int(self.n[rows.numpy()].max()))
        return ((self.nodes[rows, :p], self.scalars[rows], self.adjacency[rows, :p, :p].float(),
                 self.mask[rows, :p]), slice(0, p))


def forward_all(net: GraphOffloadNet, data: Tensors, batch: int = 512) -> torch.Tensor:
    """Logits [S, 64, 3] of every state (0 past each graph's n)."""
    out = torch.zeros(len(data.n), N_MAX, 3)
    with torch.inference_mode():
        for a in range(0, len(data.n), batch):
            rows = torch.arange(a, min(a + batch, len(data.n)))
            inputs, cols = data.batch(rows)
            out[rows, cols] = net(*inputs)
    return out


def argmax_placements(logits: torch.Tensor) -> np.ndarray:
    return logits.argmax(-1).numpy().astype(np.int8)


def make_validator(demos: GraphDemos, data: Tensors):
    """Model selection on the validation graphs' mean T/T* of argmax decisions."""

    def validate(net: GraphOffloadNet) -> tuple[float, dict]:
        placements = argmax_placements(forward_all(net, data))
        ratio = demos.delays(placements) / demos.optimal_delay
        valid = data.mask.bool().numpy()
        accuracy = float((placements[valid] == demos.labels[valid]).mean())
        return float(ratio.mean()), {"val_mean_ratio": float(ratio.mean()), "val_label_accuracy": accuracy}

    return validate


def header(kind: str, net: GraphOffloadNet, normalizer: GraphNormalizer, cfg: TrainConfig, **extra) -> Checkpoint:
    return Checkpoint(kind, {"name": "any-graph"}, net.config.to_dict(), normalizer,
                      dataclasses.asdict(cfg), net.state_dict(), extra=extra)


def _epoch_line(log, what: str):
    return lambda epoch, record: log(f"{what} epoch {epoch}: validation mean T/T* {record['val_score']:.4f}")


def train_teacher(cfg: GraphTrainConfig, train: Tensors, validate, normalizer: GraphNormalizer,
                  log=print) -> GraphOffloadNet:
    torch.manual_seed(cfg.teacher_train.seed)
    net = GraphOffloadNet(cfg.teacher)

    def loss_fn(idx: torch.Tensor):
        inputs, cols = train.batch(idx)
        ce = F.cross_entropy(net(*inputs).reshape(-1, 3), train.labels[idx, cols].reshape(-1),
                             ignore_index=UNLABELLED)
        return ce, {"ce": ce.item()}

    fit(net, loss_fn, len(train.n), validate, cfg.teacher_train, cfg.out_dir / "teacher.pt",
        header("graph-teacher", net, normalizer, cfg.teacher_train), on_epoch=_epoch_line(log, "teacher"))
    return net


def train_student(cfg: GraphTrainConfig, data: Tensors, validate, normalizer: GraphNormalizer,
                  temperature: float, alpha: float, path: Path, log=print) -> tuple[GraphOffloadNet, list[dict]]:
    torch.manual_seed(cfg.student_train.seed)
    net = GraphOffloadNet(cfg.student)
    loss = KDLoss(temperature, alpha)

    def loss_fn(idx: torch.Tensor):
        inputs, cols = data.batch(idx)
        real = inputs[3].bool()
        # KDLoss takes [B, N, 3]: the batch's real subtasks as B rows of one subtask each.
        student = net(*inputs)[real].unsqueeze(1)
        teacher = data.teacher_logits[idx, cols][real].unsqueeze(1)
        total, kd, ce = loss(student, teacher, data.labels[idx, cols][real].unsqueeze(1))
        return total, {"kd": kd.item(), "ce": ce.item()}

    return fit(net, loss_fn, len(data.n), validate, cfg.student_train, path,
               header("graph-student", net, normalizer, cfg.student_train,
                      distill={"temperature": temperature, "alpha": alpha}),
               on_epoch=_epoch_line(log, f"student T={temperature:g} alpha={alpha:g}"))


def reused_teacher(path: Path, normalizer: GraphNormalizer, log=print) -> GraphOffloadNet:
    checkpoint = load_graph_net(path, "graph-teacher")
    if checkpoint.normalizer.to_dict() != normalizer.to_dict():
        raise InputError(f"{path}: a teacher of other inputs (its normaliser is not this plan's)")
    log(f"teacher: {path} ({checkpoint.net.parameter_count():,} parameters), not trained again")
    return checkpoint.net


def transfer_set(cfg: GraphTrainConfig) -> GraphDemos:
    """Graphs and states of the training mixes that no solver saw (labels all UNLABELLED)."""
    return draw_graph_states(cfg.transfer_states, cfg.transfer_sizes, cfg.transfer_seed)


def _cat(a: Tensors, b: Tensors) -> Tensors:
    return Tensors(*(torch.cat([getattr(a, f), getattr(b, f)]) for f in ("nodes", "scalars", "adjacency", "mask")),
                   np.concatenate([a.n, b.n]), torch.cat([a.labels, b.labels]))


def run(cfg: GraphTrainConfig, log=print) -> Path:
    """The whole job; writes teacher.pt, student.pt (the selected one) and train.json to out_dir."""
    cfg.out_dir.mkdir(parents=True, exist_ok=True)
    data_dir = GraphStudentLayout(cfg.out_dir).data
    train_demos = load_demos(make_demos(cfg.plan, data_dir, cfg.solver, cfg.workers, log=log))
    val_demos = load_demos(make_demos(cfg.validation, data_dir, cfg.solver, cfg.workers, log=log))
    train_demos = train_demos.subset(np.flatnonzero(train_demos.certified))
    val_demos = val_demos.subset(np.flatnonzero(val_demos.certified))
    raw_train = train_demos.inputs()
    normalizer = GraphNormalizer.fit(raw_train)
    train = Tensors.of(normalizer(raw_train), train_demos.n, train_demos.labels)
    val = Tensors.of(normalizer(val_demos.inputs()), val_demos.n, val_demos.labels)
    validate = make_validator(val_demos, val)
    log(f"teacher: {len(train.n)} certified training states, {len(val.n)} validation states")
    teacher = (train_teacher(cfg, train, validate, normalizer, log) if cfg.teacher_checkpoint is None
               else reused_teacher(cfg.teacher_checkpoint, normalizer, log))
    teacher_score = validate(teacher)[0]
    transfer = transfer_set(cfg)
    student_data = _cat(train, Tensors.of(normalizer(transfer.inputs()), transfer.n, transfer.labels))
    student_data.teacher_logits = forward_all(teacher, student_data)
    sweep = []
    for temperature, alpha in cfg.sweep:
        path = cfg.out_dir / f"student_T{temperature:g}_a{alpha:g}.pt"
        student, history = train_student(cfg, student_data, validate, normalizer, temperature, alpha, path, log)
        score = validate(student)[0]
        sweep.append({"temperature": temperature, "alpha": alpha, "val_mean_ratio": score,
                      "epochs": len(history), "checkpoint": path.name})
        log(f"student T={temperature:g} alpha={alpha:g}: validation mean T/T* {score:.4f}")
    best = min(sweep, key=lambda r: r["val_mean_ratio"])
    chosen = (cfg.out_dir / best["checkpoint"]).read_bytes()
    atomic_write(GraphStudentLayout(cfg.out_dir).student, lambda f: f.write(chosen))
    summary = {"train_states": len(train.n), "validation_states": len(val.n),
               "transfer_states": len(transfer), "teacher_val_mean_ratio": teacher_score,
               "teacher": str(cfg.teacher_checkpoint or "trained here"),
               "sweep": sweep, "selected": best, "teacher_parameters": teacher.parameter_count(),
               "student_parameters": GraphOffloadNet(cfg.student).parameter_count(),
               "train_files": list(train_demos.names)}
    atomic_write_json(cfg.out_dir / "train.json", summary)
    log(json.dumps({k: summary[k] for k in ("train_states", "teacher_val_mean_ratio", "selected")}))
    return GraphStudentLayout(cfg.out_dir).student
