"""A `Policy` backed by a .pte through the ExecuTorch Python runtime, one state per call.

The phone's loop, in Python: features from the raw state, the manifest's normalisation, one
`forward` on a [1, F] input, then argmax or verified top-K decoding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from mobile_export.checks import open_checked
from mobile_export.config import ExportConfig, pte_path
from mobile_export.runtime import PteProgram
from model.decoding import argmax_placements, verified_topk
from model.features import Normalizer, build_features
from model.system import Profile, States


@dataclass
class PtePolicy:
    """decoder "argmax" or "topk" (verified top-K, K = `k`)."""

    profile: Profile
    program: PteProgram
    normalizer: Normalizer
    name: str
    decoder: str = "argmax"
    k: int = 8
    manifest: dict = field(default_factory=dict, repr=False)  # the checked manifest it came with

    def logits(self, states: States) -> np.ndarray:
        """[S, N, 3]; each state is its own call, as on the phone."""
        features = torch.from_numpy(self.normalizer(build_features(self.profile, states)))
        return np.stack([self.program.run(features[s : s + 1]).numpy()[0] for s in range(len(states))])

    def decide(self, states: States) -> np.ndarray:
        logits = self.logits(states)
        if self.decoder == "topk":
            return verified_topk(self.profile, states, logits, self.k)
        return argmax_placements(logits)


def load_pte_policy(profile: Profile, pte: Path, decoder: str = "argmax",
                    k: int | None = None, name: str | None = None) -> PtePolicy:
    """Every loading check runs first (see checks.open_checked); K defaults to the manifest's."""
    program, manifest = open_checked(pte, profile)
    normalizer = Normalizer.from_dict(manifest["features"])
    model = manifest.get("export", {}).get("model", "model")
    k = k or int(manifest.get("decoder", {}).get("top_k", 8))
    default_name = f"{model}-pte" if decoder == "argmax" else f"{model}-pte+top{k}"
    return PtePolicy(profile, program, normalizer, name or default_name, decoder, k, manifest)


def exported_policy(profile: Profile, export_dir: Path, cfg: ExportConfig = ExportConfig(),
                    decoder: str = "argmax") -> PtePolicy:
    """The policy of `<export_dir>/<model>_<backend>_<quant>.pte` (what `kdoffload export` wrote)."""
    return load_pte_policy(profile, pte_path(export_dir, cfg), decoder)
