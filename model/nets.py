"""Teacher and student networks: normalised features [B, F] -> logits [B, N, 3].

Normalisation stays with the client, not inside the network: the manifest carries the mean and
std, every client (C++, Java, Python) applies them, and the exported program is the bare MLP.
One 3-way head per subtask (local / edge / cloud) is one linear layer of N * 3 outputs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class NetConfig:
    in_features: int
    n_subtasks: int
    hidden: tuple[int, ...]

    def to_dict(self) -> dict:
        return {**asdict(self), "hidden": list(self.hidden)}

    @classmethod
    def from_dict(cls, d: dict) -> NetConfig:
        return cls(int(d["in_features"]), int(d["n_subtasks"]), tuple(int(h) for h in d["hidden"]))


class OffloadMLP(nn.Module):
    """ReLU MLP with one linear 3-way head per subtask."""

    def __init__(self, config: NetConfig):
        super().__init__()
        self.config = config
        widths = (config.in_features, *config.hidden)
        layers: list[nn.Module] = []
        for a, b in zip(widths[:-1], widths[1:]):
            layers += [nn.Linear(a, b), nn.ReLU()]
        layers.append(nn.Linear(widths[-1], config.n_subtasks * 3))
        self.body = nn.Sequential(*layers)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """features [B, F] (normalised) -> logits [B, N, 3]."""
        return self.body(features).view(-1, self.config.n_subtasks, 3)

    def example_inputs(self) -> tuple[torch.Tensor]:
        """Batch 1, static shape: what the phone feeds it, and what export traces."""
        return (torch.zeros(1, self.config.in_features),)

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def linear_layers(self) -> list[dict]:
        """Weights as plain lists (for clients that evaluate the MLP without a runtime)."""
        linears = [m for m in self.body if isinstance(m, nn.Linear)]
        return [{"weight": m.weight.detach().tolist(), "bias": m.bias.detach().tolist(),
                 "activation": "relu" if k < len(linears) - 1 else "none"}
                for k, m in enumerate(linears)]


TEACHER_HIDDEN = (512, 512, 256)


# An fp32 .pte carries 4 bytes a parameter plus ~3.6 KB of program: 7,000 parameters keep the
# student's .pte under 32 KB. (On chain6, 80 wide with 9.8k parameters reached a validation mean
# ratio of 1.100 against 1.121 at 64 wide, but its .pte is 42 KB.)
STUDENT_MAX_PARAMS = 7_000


def student_hidden(in_features: int, n_subtasks: int) -> tuple[int, ...]:
    """Two hidden layers of the widest multiple of 8 that fits STUDENT_MAX_PARAMS."""
    def params(w: int) -> int:
        return in_features * w + w + w * w + w + w * 3 * n_subtasks + 3 * n_subtasks

    width = 8
    while params(width + 8) <= STUDENT_MAX_PARAMS:
        width += 8
    return (width, width)


def teacher_config(in_features: int, n_subtasks: int) -> NetConfig:
    return NetConfig(in_features, n_subtasks, TEACHER_HIDDEN)


def student_config(in_features: int, n_subtasks: int, hidden: tuple[int, ...] | None = None) -> NetConfig:
    """The default student, or one with the given hidden widths (the size sweep's)."""
    return NetConfig(in_features, n_subtasks, tuple(hidden) if hidden else student_hidden(in_features, n_subtasks))
