"""The graph teacher and student: one network for any task graph, padded to 64 subtasks.

No weight belongs to a subtask position or to a graph: every subtask is encoded by the same
layer from its own features and the state's scalars, then each round of message passing mixes
in the mean of its predecessors' states (A h), of its successors' states (A^T h) and of the
whole graph's (the masked mean), with dense masked matmuls over the padded adjacency so the
program exports with static shapes. Both directions matter: a subtask's best site depends on
where its inputs come from and on where its outputs must go, and the global term carries
contention (how much else wants the edge and the links). The head gives 3 site logits per
subtask; padding rows are 0.

The inputs are GraphInputs.as_tuple(): nodes [B, P, F_node], scalars [B, F_scalar],
adjacency [B, P, P], mask [B, P], for any padding P (training pads to the batch's largest
graph, export to 64).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from kdoffload.model.errors import InputError
from kdoffload.model.graph_features import N_MAX, NODE_FEATURES, SCALAR_RECIPE, GraphNormalizer

MAX_WIDTH, MAX_ROUNDS = 4096, 32  # far beyond what is trained; a hostile header builds nothing huge


@dataclass(frozen=True)
class GraphNetConfig:
    hidden: int  # width of every subtask's state
    rounds: int  # rounds of message passing
    node_features: int = len(NODE_FEATURES)
    scalar_features: int = len(SCALAR_RECIPE)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> GraphNetConfig:
        return cls(**{k: int(d[k]) for k in ("hidden", "rounds", "node_features", "scalar_features")})


TEACHER = GraphNetConfig(hidden=64, rounds=4)
# The student: small enough for a .pte of a few tens of KB and a forward pass of tens of µs at
# 64 padded subtasks (docs/graphs.md, "One student for any graph").
STUDENT = GraphNetConfig(hidden=32, rounds=3)


class GraphOffloadNet(nn.Module):
    """(nodes, scalars, adjacency, mask) -> logits [B, P, 3]."""

    def __init__(self, config: GraphNetConfig):
        super().__init__()
        self.config = config
        h = config.hidden
        self.encode_node = nn.Linear(config.node_features, h)
        self.encode_scalars = nn.Linear(config.scalar_features, h, bias=False)
        # Per round: self, predecessors' mean, successors' mean, graph mean -> h, as one matmul.
        self.rounds = nn.ModuleList(nn.Linear(4 * h, h) for _ in range(config.rounds))
        self.head = nn.Linear(h, 3)

    def forward(self, nodes: torch.Tensor, scalars: torch.Tensor, adjacency: torch.Tensor,
                mask: torch.Tensor) -> torch.Tensor:
        # Written for the exported program as much as for training: degrees and counts are
        # products with the mask (exact, sums of 0/1), every product is a bmm, and the graph's
        # mean reaches every row as a rank-1 product. A reduction, a broadcasting matmul or an
        # expand would each split the program out of the XNNPACK delegate onto portable kernels
        # (4 delegate calls and 25 portable ops a forward, 2.5x slower natively at width 32).
        batch, padded = mask.shape
        keep = mask.reshape(batch, padded, 1)
        row = mask.reshape(batch, 1, padded)
        succ = adjacency.transpose(1, 2)
        # The mean over an empty set (an entry's predecessors) is 0, not a division by 0.
        to_pred = adjacency / torch.bmm(adjacency, keep).clamp(min=1.0)
        to_succ = succ / torch.bmm(succ, keep).clamp(min=1.0)
        to_all = row / torch.bmm(row, keep).clamp(min=1.0)  # [B, 1, P]
        every_row = keep * 0.0 + 1.0  # [B, P, 1]
        h = torch.relu(self.encode_node(nodes) + self.encode_scalars(scalars).reshape(batch, 1, -1)) * keep
        for layer in self.rounds:
            graph_mean = torch.bmm(every_row, torch.bmm(to_all, h))
            context = torch.cat([h, torch.bmm(to_pred, h), torch.bmm(to_succ, h), graph_mean], dim=-1)
            h = (h + torch.relu(layer(context))) * keep
        return self.head(h) * keep

    def example_inputs(self) -> tuple[torch.Tensor, ...]:
        """Batch 1, padded to 64: the static shapes the phone feeds and export traces."""
        c = self.config
        return (torch.zeros(1, N_MAX, c.node_features), torch.zeros(1, c.scalar_features),
                torch.zeros(1, N_MAX, N_MAX), torch.ones(1, N_MAX))

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())


@dataclass
class GraphCheckpoint:
    """A trained graph network read back: the net (best weights, eval mode), its normaliser,
    and the rest of the checkpoint's header (history, distillation settings)."""

    net: GraphOffloadNet
    normalizer: GraphNormalizer
    payload: dict


def load_graph_net(path: Path, kind: str) -> GraphCheckpoint:
    """A graph-teacher or graph-student checkpoint written by distill/graph_train.py."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such checkpoint")
    try:
        # weights_only: a checkpoint is data; unpickling arbitrary objects would run its code.
        payload = torch.load(path, map_location="cpu", weights_only=True)
        got = payload["kind"]
    except Exception as err:
        raise InputError(f"{path}: not a readable kdoffload checkpoint ({type(err).__name__})") from None
    if got != kind:
        raise InputError(f"{path}: a {got} checkpoint, expected a {kind}")
    try:
        config = GraphNetConfig.from_dict(payload["net_config"])
        if not (1 <= config.hidden <= MAX_WIDTH and 0 <= config.rounds <= MAX_ROUNDS):
            raise ValueError("size")
        net = GraphOffloadNet(config)
        net.load_state_dict(payload["best_state"])
        normalizer = GraphNormalizer.from_dict(payload["normalizer"])
    except (KeyError, TypeError, ValueError, RuntimeError) as err:
        raise InputError(f"{path}: net_config, best_state or normalizer missing or mangled "
                         f"({type(err).__name__})") from None
    net.eval()
    return GraphCheckpoint(net, normalizer, payload)
