"""One export: checkpoint -> verified .pte + manifest + floor program, written only if verified.

Nothing touches the disk until the program has passed verification; then the .pte, the floor
and last the manifest are each written atomically, so a reader never sees a manifest whose
.pte is missing or a manifest that describes an older .pte.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from kdoffload.mobile_export.config import FORMAT_VERSION, ExportConfig, floor_path, manifest_path, pte_path
from kdoffload.mobile_export.golden import golden_vectors, select_golden
from kdoffload.mobile_export.lower import export_bytes, floor_bytes
from kdoffload.mobile_export.manifest import build_manifest, file_record
from kdoffload.mobile_export.runtime import PteProgram
from kdoffload.mobile_export.verify import ExportRefused, Verification, verify
from kdoffload.model import oracle
from kdoffload.model.checkpoint import Checkpoint, load_checkpoint
from kdoffload.model.dataset import Demonstrations
from kdoffload.model.decider import DecoderConfig
from kdoffload.model.errors import InputError
from kdoffload.model.features import Normalizer, Support, build_features
from kdoffload.model.io import atomic_write, atomic_write_text
from kdoffload.model.nesting import parse_json
from kdoffload.model.nets import OffloadMLP
from kdoffload.model.observation import moving_observation
from kdoffload.model.profile import Profile
from kdoffload.model.states import sample_states, shifted_profile

OUT_OF_SUPPORT_GOLDEN = 8  # golden states drawn beyond the training ranges


@dataclass
class ExportResult:
    pte: Path
    manifest: Path
    floor: Path
    size_bytes: int
    verification: Verification
    seconds: float


CALIBRATION_WIDENING = 4.0  # the ranges of the out-of-support golden states too


def calibration_features(train: Demonstrations, normalizer: Normalizer, count: int, seed: int = 0,
                         widening: float | None = CALIBRATION_WIDENING) -> np.ndarray:
    """Normalised features the int8 observers see: `count` demonstration states drawn without
    replacement, and as many states drawn from the profile's ranges widened `widening` times
    (inputs only: no solver runs; None: none). Ranges calibrated on training states alone clip
    the features of a state outside them, and the decisions there suffered (docs/results.md,
    "int8 off the training ranges").
    """
    rng = np.random.default_rng([seed, 7])
    idx = np.sort(rng.choice(len(train), size=min(count, len(train)), replace=False))
    inside = normalizer(train.features[idx])
    if widening is None:
        return inside
    profile = train.profile
    wide = sample_states(shifted_profile(profile, widening), count, np.random.default_rng([seed, 8]))
    return np.concatenate([inside, normalizer(build_features(profile, wide))])


def out_of_support_golden(profile: Profile, program: PteProgram, normalizer: Normalizer,
                          config: DecoderConfig, support: Support, count: int) -> list[dict]:
    """Golden records of states drawn from ranges widened 4x, as the program decides them."""
    states = sample_states(shifted_profile(profile, 4.0), count * 4, np.random.default_rng([count, 4]))
    states = states[np.flatnonzero(support.outside(build_features(profile, states)))[:count]]
    features = normalizer(build_features(profile, states))
    return golden_vectors(profile, states, features, program.logits(features), config, support,
                          oracle.solve(profile, states)[0])


def observed_golden(profile: Profile, program: PteProgram, normalizer: Normalizer, config: DecoderConfig,
                    support: Support, states, count: int) -> list[dict]:
    """Golden records of test states seen with moving rate histories and queued work (a profile
    that observes): they exercise every observation feature, which still records hold at 0."""
    states = states[:count]
    seen = moving_observation(states, np.random.default_rng([count, 9]))
    features = normalizer(build_features(profile, states, seen))
    return golden_vectors(profile, states, features, program.logits(features), config, support,
                          oracle.solve(profile, states)[0], observation=seen)


def export_model(profile: Profile, net: OffloadMLP, normalizer: Normalizer, support: Support,
                 test: Demonstrations, export_dir: Path, cfg: ExportConfig = ExportConfig(),
                 calibration: np.ndarray | None = None, source: dict | None = None) -> ExportResult:
    """Lower, verify on `test`, then write. Raises ExportRefused (nothing written) on failure.

    `support` is the training set's feature support, carried in the manifest for clients.
    `source` (the checkpoint's file record) goes into the manifest, so a stale export is visible.
    """
    started = time.perf_counter()
    if test.profile.name != profile.name or test.features.shape[1] != net.config.in_features:
        raise ExportRefused(f"test set of profile {test.profile.name} with {test.features.shape[1]} "
                            f"features does not fit {profile.name} / {net.config.in_features} inputs")
    pte_file, manifest_file = pte_path(export_dir, cfg), manifest_path(export_dir, cfg)
    floor_file = floor_path(export_dir, cfg.backend)
    data = export_bytes(net, cfg.backend, cfg.quantization, calibration)
    features = normalizer(test.features)
    program = PteProgram(data, label=pte_file.name)
    report, logits = verify(program, net, features, test, cfg, support)
    decoder = cfg.decoder_for(profile)
    golden = select_golden(profile, test.states, features, logits, test.labels, decoder, support, cfg.golden)
    golden += out_of_support_golden(profile, program, normalizer, decoder, support, OUT_OF_SUPPORT_GOLDEN)
    if profile.observation:
        golden += observed_golden(profile, program, normalizer, decoder, support, test.states, cfg.golden)
    floor = floor_bytes(net.config.in_features, profile.n, cfg.backend)
    manifest = build_manifest(profile, cfg, net, normalizer, support, file_record(pte_file.name, data),
                              file_record(floor_file.name, floor), golden, report.to_dict())
    manifest["export"]["checkpoint"] = source
    manifest["export"]["seconds"] = round(time.perf_counter() - started, 2)
    atomic_write(pte_file, lambda f: f.write(data))
    atomic_write(floor_file, lambda f: f.write(floor))
    # Compact: the weights and golden vectors are long lists that pretty-printing puts one per line.
    atomic_write_text(manifest_file, json.dumps(manifest, separators=(",", ":")) + "\n")
    return ExportResult(pte_file, manifest_file, floor_file, len(data), report,
                        time.perf_counter() - started)


def export_is_current(manifest: Path, checkpoint: Path, cfg: ExportConfig, profile: Profile | None = None) -> bool:
    """Whether `manifest` describes an export, in this format, of the checkpoint as it is now,
    shipping `cfg`'s decoder (for `profile` where given: `ExportConfig.decoder_for`).

    A missing, torn or foreign manifest is not current, nor is one whose checkpoint is missing
    (nothing shows what it was made from).
    """
    if not (manifest.exists() and checkpoint.exists()):
        return False
    try:
        current = parse_json(manifest.read_bytes(), manifest)
    except InputError:
        return False
    if not isinstance(current, dict):
        return False
    made_from = (current.get("export") or {}).get("checkpoint") or {}
    return (current.get("format_version") == FORMAT_VERSION
            and current.get("decoder") == (cfg.decoder if profile is None else cfg.decoder_for(profile)).to_manifest()
            and made_from.get("sha256") == hashlib.sha256(checkpoint.read_bytes()).hexdigest())


def current_export(profile: Profile, checkpoint: Path, export_dir: Path, cfg: ExportConfig,
                   splits: Callable[[], tuple[Demonstrations, Demonstrations]],
                   on_export: Callable[[], None] | None = None) -> Path:
    """The .pte of `cfg`'s export of `checkpoint` in `export_dir`, made unless it is current.

    `splits()` gives (train, test) and is called only when an export is made; `on_export` is
    told first. Raises ExportRefused when verification refuses the export. An export whose
    checkpoint is not here (copied from another machine) is used as it is: every client checks
    it when it loads it.
    """
    manifest = manifest_path(export_dir, cfg)
    if export_is_current(manifest, checkpoint, cfg, profile) or (manifest.exists() and not checkpoint.exists()):
        return pte_path(export_dir, cfg)
    read = read_checkpoint(profile, checkpoint, cfg.model)  # a bad checkpoint fails before any data
    if on_export:
        on_export()
    train, test = splits()
    return export_checkpoint(profile, read, train, test, export_dir, cfg).pte


def read_checkpoint(profile: Profile, checkpoint: Path, model: str) -> tuple[Checkpoint, dict]:
    """A teacher/student checkpoint, checked, and its file record (sha256, size)."""
    saved = load_checkpoint(checkpoint, model, profile)
    return saved, file_record(Path(checkpoint).name, Path(checkpoint).read_bytes())


def export_checkpoint(profile: Profile, checkpoint: tuple[Checkpoint, dict], train: Demonstrations,
                      test: Demonstrations, export_dir: Path,
                      cfg: ExportConfig = ExportConfig()) -> ExportResult:
    """Export the best weights of a checkpoint read by `read_checkpoint`.

    `train` gives the feature support the manifest carries, and int8's calibration states.
    """
    saved, source = checkpoint
    net, normalizer = saved.net(), saved.normalizer
    calibration = None
    if cfg.quantization == "int8":
        calibration = calibration_features(train, normalizer, cfg.calibration_states)
    return export_model(profile, net, normalizer, Support.fit(train.features), test, export_dir, cfg,
                        calibration, source)
