"""Imitation training: the loop (shared with distillation) and the teacher.

Every epoch ends with an atomic checkpoint holding the weights, the optimiser, the best weights
so far and the early-stopping counters. Shuffling is drawn from (seed, epoch) and the learning
rate is a function of the epoch, so a run resumed from any checkpoint ends where an
uninterrupted run would. The checkpoint format is model/checkpoint.py.
"""

from __future__ import annotations

import copy
import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from kdoffload.model.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from kdoffload.model.dataset import Demonstrations
from kdoffload.model.decoding import argmax_placements
from kdoffload.model.delay import delays
from kdoffload.model.errors import InputError
from kdoffload.model.features import Normalizer, scale_augment, scale_invariance_masks
from kdoffload.model.metrics import delay_ratio
from kdoffload.model.nets import OffloadMLP, teacher_config
from kdoffload.model.profile import Profile
from kdoffload.model.runs import checkpoint_in


@dataclass
class TrainConfig:
    epochs: int = 40
    batch_size: int = 512
    lr: float = 2e-3
    weight_decay: float = 1e-4
    patience: int = 8          # epochs without a better validation score before stopping
    val_fraction: float = 0.1
    seed: int = 0
    threads: int = 2           # this machine has two cores; more threads only contend
    regret_weight: float = 0.0  # > 0 adds the expected flip regret to the loss
    augment_log_scale: float = 0.0  # > 0: rescale each training state by the model's exact invariances
    certified_only: bool = True  # an uncertified state's label is only the best found: leave it out


# -- the loop ----------------------------------------------------------------------------------

LossFn = Callable[[torch.Tensor], tuple[torch.Tensor, dict]]
Validate = Callable[[OffloadMLP], tuple[float, dict]]


def fit(net: OffloadMLP, loss_fn: LossFn, n_train: int, validate: Validate, cfg: TrainConfig,
        checkpoint: Path, header: Checkpoint, resume: bool = False,
        on_epoch: Callable[[int, dict], None] | None = None) -> tuple[OffloadMLP, list[dict]]:
    """Train until `cfg.epochs` or early stopping; returns the best-on-validation net and history.

    Every epoch saves `header` (kind, profile, net_config, normalizer, ...) with the progress.
    """
    torch.set_num_threads(cfg.threads)
    optimizer = torch.optim.AdamW(net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    state = header.progress()
    best_state = copy.deepcopy(net.state_dict())
    if resume and checkpoint.exists():
        saved = load_checkpoint(checkpoint, header.kind, None)
        if saved.net_config != header.net_config or saved.train_config != header.train_config:
            raise InputError(f"{checkpoint}: made with other settings: resuming it would mix two runs; start afresh instead")
        net.load_state_dict(saved.last_state)
        optimizer.load_state_dict(saved.optimizer)
        best_state = saved.best_state
        state = saved.progress()
    for epoch in range(state["epoch"] + 1, cfg.epochs):
        if state["bad_epochs"] >= cfg.patience:
            break
        for group in optimizer.param_groups:  # cosine decay, a function of the epoch alone
            group["lr"] = cfg.lr * 0.5 * (1 + math.cos(math.pi * epoch / cfg.epochs))
        net.train()
        order = np.random.default_rng([cfg.seed, epoch]).permutation(n_train)
        totals: dict[str, float] = {}
        batches = 0
        for start in range(0, n_train, cfg.batch_size):
            idx = torch.from_numpy(order[start:start + cfg.batch_size])
            loss, parts = loss_fn(idx)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            for k, v in parts.items():
                totals[k] = totals.get(k, 0.0) + v
            batches += 1
        net.eval()
        score, metrics = validate(net)
        record = {"epoch": epoch, **{k: v / batches for k, v in totals.items()}, **metrics,
                  "val_score": score}
        state["history"].append(record)
        if score < state["best_score"]:
            state.update(best_score=score, best_epoch=epoch, bad_epochs=0)
            best_state = copy.deepcopy(net.state_dict())
        else:
            state["bad_epochs"] += 1
        state["epoch"] = epoch
        save_checkpoint(checkpoint, replace(header, **state, last_state=net.state_dict(),
                                            optimizer=optimizer.state_dict(), best_state=best_state))
        if on_epoch:
            on_epoch(epoch, record)
    net.load_state_dict(best_state)
    net.eval()
    return net, state["history"]


def run_finished(checkpoint: Path, kind: str, cfg: TrainConfig, profile: Profile | None = None) -> bool:
    """Whether `checkpoint` holds a run of `cfg` that `fit` would not train further.

    False when there is no checkpoint; a checkpoint made with other settings is an error, since
    resuming it would mix two runs. Mirrors `fit`'s stopping rule, so a finished run can be
    skipped before its (possibly costly) training data is built.
    """
    if not checkpoint.exists():
        return False
    saved = load_checkpoint(checkpoint, kind, profile)
    if saved.train_config != asdict(cfg):
        raise InputError(f"{checkpoint}: trained with other settings than this run's; "
                         f"delete {checkpoint.parent} to train it afresh")
    return saved.epoch >= cfg.epochs - 1 or saved.bad_epochs >= cfg.patience


# -- data for training -------------------------------------------------------------------------

@dataclass
class Split:
    """Indices into the demonstrations: train and validation, disjoint, fixed by the seed."""

    train: np.ndarray
    val: np.ndarray

    @classmethod
    def of(cls, count: int, val_fraction: float, seed: int) -> Split:
        order = np.random.default_rng([seed, 10**6]).permutation(count)
        n_val = max(1, int(round(count * val_fraction)))
        return cls(np.sort(order[n_val:]), np.sort(order[:n_val]))

    def within(self, keep: np.ndarray) -> Split:
        """The rows where `keep` [S] bool holds, in both parts."""
        return Split(self.train[keep[self.train]], self.val[keep[self.val]])


def flip_regret(profile: Profile, demos: Demonstrations, cap: float = 10.0) -> np.ndarray:
    """[S, N, 3] relative cost of moving one subtask of x* to each site: (T(x') - T*) / T*.

    What a wrong label costs, from the delay model; capped so one pathological state cannot
    dominate a batch.
    """
    regret = np.zeros(demos.labels.shape + (3,), dtype=np.float32)
    for i in range(profile.n):
        for site in range(3):
            moved = demos.labels.copy()
            moved[:, i] = site
            cost = delays(profile, demos.states, moved)
            regret[:, i, site] = np.minimum(cost / demos.optimal_delay - 1.0, cap)
    return np.maximum(regret, 0.0)


def expected_regret(logits: torch.Tensor, regret: torch.Tensor) -> torch.Tensor:
    """The flip regret expected under the softmax of `logits` [B, N, 3], averaged over B and N.

    Differentiable where the argmax's regret is not: it moves probability off costly sites.
    """
    return (torch.softmax(logits, dim=-1) * regret).sum(-1).mean()


def imitation_loss(logits: torch.Tensor, labels: torch.Tensor, regret: torch.Tensor | None,
                   regret_weight: float) -> tuple[torch.Tensor, dict]:
    """Per-subtask cross-entropy, plus optionally the expected flip regret under the softmax.

    logits [B, N, 3], labels [B, N] int64, regret [B, N, 3] or None.
    """
    ce = F.cross_entropy(logits.reshape(-1, 3), labels.reshape(-1))
    parts = {"ce": ce.item()}
    if regret is None or regret_weight == 0:
        return ce, parts
    expected = expected_regret(logits, regret)
    parts["regret"] = expected.item()
    return ce + regret_weight * expected, parts


def placement_metrics(profile: Profile, demos: Demonstrations, idx: np.ndarray,
                      placements: np.ndarray) -> dict:
    ratio = delay_ratio(demos, placements, idx)
    labels = demos.labels[idx]
    return {"mean_ratio": float(ratio.mean()), "label_accuracy": float((placements == labels).mean()),
            "exact_match": float((placements == labels).all(axis=1).mean())}


def make_validator(profile: Profile, demos: Demonstrations, idx: np.ndarray, x_val: torch.Tensor) -> Validate:
    """Model selection on what matters: the mean delay ratio of argmax decisions."""

    def validate(net: OffloadMLP) -> tuple[float, dict]:
        with torch.inference_mode():
            placements = argmax_placements(net(x_val).numpy())
        metrics = placement_metrics(profile, demos, idx, placements)
        return metrics["mean_ratio"], {f"val_{k}": v for k, v in metrics.items()}

    return validate


def train_teacher(profile: Profile, demos: Demonstrations, cfg: TrainConfig, out_dir: Path,
                  resume: bool = False, on_epoch=None) -> Path:
    """Imitation-train the teacher; writes `<out_dir>/checkpoint.pt` every epoch and returns it."""
    torch.manual_seed(cfg.seed)
    split = Split.of(len(demos), cfg.val_fraction, cfg.seed)
    if cfg.certified_only:
        split = split.within(demos.certified)
    normalizer = Normalizer.fit(demos.features[split.train])
    x = torch.from_numpy(normalizer(demos.features))
    masks = scale_invariance_masks(profile)
    y = torch.from_numpy(demos.labels.astype(np.int64))
    regret = torch.from_numpy(flip_regret(profile, demos)) if cfg.regret_weight > 0 else None
    train_idx = torch.from_numpy(split.train)
    net = OffloadMLP(teacher_config(x.shape[1], profile.n))

    def loss_fn(batch: torch.Tensor):
        rows = train_idx[batch]
        inputs = x[rows]
        if cfg.augment_log_scale > 0:
            # Seeded by the batch's content, which the epoch's shuffle fixes: resumable.
            rng = np.random.default_rng([cfg.seed, int(rows[0]), len(rows), int(rows[-1])])
            raw = scale_augment(demos.features[rows.numpy()], masks, rng, cfg.augment_log_scale)
            inputs = torch.from_numpy(normalizer(raw))
        return imitation_loss(net(inputs), y[rows], None if regret is None else regret[rows],
                              cfg.regret_weight)

    header = Checkpoint.start("teacher", profile, net, normalizer, cfg,
                             split={"val": split.val.tolist()}, data_meta=demos.meta)
    checkpoint = checkpoint_in(out_dir)
    fit(net, loss_fn, len(split.train), make_validator(profile, demos, split.val, x[split.val]),
        cfg, checkpoint, header, resume, on_epoch)
    return checkpoint
