"""The distillation loss, with both terms visible."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

UNLABELLED = -1  # label of a transfer-set state: only the teacher speaks for it


class KDLoss(nn.Module):
    """alpha * T^2 * KL(teacher_T || student_T) + (1 - alpha) * CE(label, student), per subtask.

    Both terms are means over (batch, subtask); the CE term skips UNLABELLED entries, so a batch
    of pure transfer states trains on the teacher alone. T^2 keeps the soft term's gradient on
    the same scale as the hard term's whatever the temperature.

    Shapes: student_logits, teacher_logits [B, N, 3]; labels [B, N] int64.
    Returns (loss, kd_term, ce_term), the terms before weighting.
    """

    def __init__(self, temperature: float = 4.0, alpha: float = 0.9):
        super().__init__()
        if temperature <= 0 or not 0 <= alpha <= 1:
            raise ValueError(f"need temperature > 0 and 0 <= alpha <= 1, got {temperature}, {alpha}")
        self.temperature, self.alpha = temperature, alpha

    def forward(self, student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        t = self.temperature
        log_student = F.log_softmax(student_logits / t, dim=-1)
        log_teacher = F.log_softmax(teacher_logits / t, dim=-1)
        kd = (log_teacher.exp() * (log_teacher - log_student)).sum(-1).mean()
        labelled = labels != UNLABELLED
        if labelled.any():
            ce = F.cross_entropy(student_logits[labelled], labels[labelled])
        else:
            ce = student_logits.sum() * 0.0
        loss = self.alpha * t * t * kd + (1 - self.alpha) * ce
        return loss, kd, ce
