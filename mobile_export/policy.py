"""A `Decider` backed by a .pte through the ExecuTorch Python runtime, one state per call.

The phone's loop, in Python: the same decision path as every other client, with a forward
function that calls the program on a [1, F] input. The model is trusted only after every check
of `checks.open_checked`, golden vectors included.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from kdoffload.mobile_export.checks import check_golden, open_checked
from kdoffload.mobile_export.config import ExportConfig, manifest_for, pte_path
from kdoffload.mobile_export.runtime import PteProgram
from kdoffload.model.decider import Decider, DecoderConfig, Decoder, Forward
from kdoffload.model.features import Normalizer, Support
from kdoffload.model.profile import Profile


def pte_forward(program: PteProgram) -> Forward:
    """Each state is its own call, as on the phone."""

    def forward(features: np.ndarray) -> np.ndarray:
        rows = torch.from_numpy(np.ascontiguousarray(features, dtype=np.float32))
        return np.stack([program.run(rows[s : s + 1]).numpy()[0] for s in range(len(rows))])

    return forward


@dataclass
class PteModel:
    """A checked export: the loaded program, its manifest, and the decider over both."""

    program: PteProgram
    manifest: dict
    decider: Decider


def load_pte(profile: Profile, pte: Path, decoder: Decoder | str | None = None,
             top_k: int | None = None, name: str | None = None) -> PteModel:
    """Open, check and replay the golden vectors; the decoder defaults to the manifest's."""
    program, manifest = open_checked(pte, profile)
    features = manifest["features"]
    config = DecoderConfig.from_manifest(manifest["decoder"], decoder, top_k)
    model = manifest["export"].get("model", "model")
    decider = Decider(profile, Normalizer.from_dict(features), pte_forward(program), config,
                      Support.from_dict(features["support"]), name or config.label(f"{model}-pte"))
    check_golden(manifest, manifest_for(Path(pte)), decider)
    return PteModel(program, manifest, decider)


def load_pte_decider(profile: Profile, pte: Path, decoder: Decoder | str | None = None,
                     top_k: int | None = None, name: str | None = None) -> Decider:
    return load_pte(profile, pte, decoder, top_k, name).decider


def exported_decider(profile: Profile, export_dir: Path, cfg: ExportConfig = ExportConfig(),
                     decoder: Decoder | str | None = None) -> Decider:
    """The decider of `<export_dir>/<model>_<backend>_<quant>.pte` (what `kdoffload export` wrote)."""
    return load_pte_decider(profile, pte_path(export_dir, cfg), decoder)
