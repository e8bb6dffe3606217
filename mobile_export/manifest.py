"""The manifest that travels beside each .pte (format version 2, docs/formats.md).

Everything a client needs to turn a raw state into the model's input and to trust the model:
the profile, the feature recipe with its normalisation, shapes, labels, the .pte's digest,
the export settings, the decoder, golden vectors and, for fp32, the weights as plain lists (so
a client can evaluate the same MLP without a runtime).
"""

from __future__ import annotations

import hashlib
from importlib import metadata

from kdoffload.mobile_export.config import FORMAT_VERSION, ExportConfig
from kdoffload.model.features import Normalizer, Support, feature_recipe
from kdoffload.model.nets import OffloadMLP
from kdoffload.model.profile import LABELS, Profile


def file_record(name: str, data: bytes) -> dict:
    return {"file": name, "sha256": hashlib.sha256(data).hexdigest(), "size_bytes": len(data)}


def profile_record(profile: Profile) -> dict:
    return {"name": profile.name, "n": profile.n, "edges": [list(e) for e in profile.edges],
            "edge_cores": profile.edge_cores, "entries": list(profile.entries),
            "exits": list(profile.exits)}


def versions() -> dict:
    def version(dist: str) -> str | None:
        try:
            return metadata.version(dist).split("+")[0]
        except metadata.PackageNotFoundError:
            return None

    return {"executorch_version": version("executorch"), "torch_version": version("torch")}


def build_manifest(profile: Profile, cfg: ExportConfig, net: OffloadMLP, normalizer: Normalizer,
                   support: Support, pte: dict, floor: dict, golden: list[dict],
                   verification: dict) -> dict:
    """`pte` and `floor` are `file_record`s; `verification` is the run that made the golden vectors."""
    width = net.config.in_features
    return {
        "format_version": FORMAT_VERSION,
        "profile": profile_record(profile),
        # The exported program is the bare MLP: the client standardises its input.
        "features": {"order": feature_recipe(profile), **normalizer.to_dict(),
                     "normalisation": "client: (x - mean) / std, after each transform",
                     "support": support.to_dict()},
        "input_shape": [1, width],
        "output_shape": [1, profile.n, 3],
        "labels": list(LABELS),
        "pte": pte,
        "floor": floor,
        "export": {"model": cfg.model, "backend": cfg.backend, "quantization": cfg.quantization,
                   "net_config": net.config.to_dict(), "parameters": net.parameter_count(),
                   **versions()},
        "decoder": cfg.decoder_for(profile).to_manifest(),
        "verification": {**verification, "logit_tolerance": cfg.logit_tolerance},
        "golden": golden,
        # The int8 program is not this MLP any more: its logits would fail the golden check.
        "reference_weights": net.linear_layers() if cfg.quantization == "fp32" else None,
    }
