"""A trained network as a `Decider`: the eager forward function and loading from a checkpoint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from kdoffload.model.checkpoint import Checkpoint, load_checkpoint
from kdoffload.model.decider import Decider, DecoderConfig, Decoder, Forward
from kdoffload.model.features import Normalizer, Support
from kdoffload.model.nets import OffloadMLP
from kdoffload.model.profile import Profile

ARGMAX = DecoderConfig(Decoder.ARGMAX)


def eager_forward(net: OffloadMLP) -> Forward:
    """The network in torch, the whole batch in one call."""

    def forward(features: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return net(torch.from_numpy(features)).numpy()

    return forward


def net_decider(profile: Profile, net: OffloadMLP, normalizer: Normalizer, name: str,
                config: DecoderConfig = ARGMAX, support: Support | None = None) -> Decider:
    return Decider(profile, normalizer, eager_forward(net), config, support, name)


def load_net_decider(path: Path, kind: str, profile: Profile, name: str,
                     config: DecoderConfig = ARGMAX,
                     support: Support | None = None) -> tuple[Decider, OffloadMLP, Checkpoint]:
    """The checkpoint at `path` (checked against `profile`): its decider, network and contents."""
    checkpoint = load_checkpoint(path, kind, profile)
    net = checkpoint.net()
    decider = net_decider(profile, net, checkpoint.normalizer, name, config, support)
    return decider, net, checkpoint
