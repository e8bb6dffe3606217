"""A trained network as a `Policy`: features, normalisation, inference, decoding."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from model.decoding import argmax_placements, verified_topk
from model.features import Normalizer, build_features
from model.nets import OffloadMLP
from model.system import Profile, States
from model.train import load_checkpoint, net_from_checkpoint


@dataclass
class NetPolicy:
    """decoder "argmax" (the paper's) or "topk" (verified top-K, K = `k`)."""

    profile: Profile
    net: OffloadMLP
    normalizer: Normalizer
    name: str
    decoder: str = "argmax"
    k: int = 8

    def logits(self, states: States) -> np.ndarray:
        features = self.normalizer(build_features(self.profile, states))
        with torch.inference_mode():
            return self.net(torch.from_numpy(features)).numpy()

    def decide(self, states: States) -> np.ndarray:
        logits = self.logits(states)
        if self.decoder == "topk":
            return verified_topk(self.profile, states, logits, self.k)
        return argmax_placements(logits)


def load_net_policy(path, kind: str, profile: Profile, name: str, decoder: str = "argmax",
                    k: int = 8) -> tuple[NetPolicy, dict]:
    """The checkpoint at `path` (checked against `profile`) as a policy, and its payload."""
    payload = load_checkpoint(path, kind, profile)
    policy = NetPolicy(profile, net_from_checkpoint(payload), Normalizer.from_dict(payload["normalizer"]),
                       name, decoder, k)
    return policy, payload
