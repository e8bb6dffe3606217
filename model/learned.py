"""A trained network as a `Policy`: features, normalisation, inference, decoding."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from model.decoding import argmax_placements, verified_topk
from model.features import Normalizer, build_features
from model.nets import OffloadMLP
from model.system import Profile, States


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
