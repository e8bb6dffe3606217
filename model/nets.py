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


# The shipped student: two hidden layers of 96, exported as int8. `kdoffload pareto` selects it on
# chain6 and on dag10 at a million demonstrations (docs/results.md, "Student size"): the best
# guarded top-8 quality whose int8 .pte stays within 32 KB (21-23 KB) and whose argmax decision
# stays within 3 µs native p50. Its fp32 .pte (57-64 KB) is the reference build, not the shipped one.
STUDENT_HIDDEN = (96, 96)


def teacher_config(in_features: int, n_subtasks: int) -> NetConfig:
    return NetConfig(in_features, n_subtasks, TEACHER_HIDDEN)


def student_config(in_features: int, n_subtasks: int, hidden: tuple[int, ...] | None = None) -> NetConfig:
    """The default student, or one with the given hidden widths (the size sweep's)."""
    return NetConfig(in_features, n_subtasks, tuple(hidden) if hidden else STUDENT_HIDDEN)
