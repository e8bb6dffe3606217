"""What one export is: which model, lowered how, verified against what, and where it goes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from kdoffload.model.decider import OOD_TOP_K, TOP_K, Decoder, DecoderConfig
from kdoffload.model.errors import InputError

FORMAT_VERSION = 2  # the manifest schema of docs/formats.md, read by every client
MODELS = ("student", "teacher")
BACKENDS = ("xnnpack", "portable")
QUANTIZATIONS = ("fp32", "int8")


def shipped_quantization(model: str, backend: str) -> str:
    """What `kdoffload export` writes unless told: the student a phone gets is int8 on XNNPACK
    (within 32 KB at more than twice the parameters an fp32 student could carry; docs/results.md,
    "Student size"); the teacher and the portable backend stay fp32."""
    return "int8" if model == "student" and backend == "xnnpack" else "fp32"


@dataclass(frozen=True)
class ExportConfig:
    """One export's settings. The dataclass default is the fp32 reference build (exact to eager,
    carrying its weights for the C++ reference loop); `shipped()` is what a phone gets."""

    model: str = "student"
    backend: str = "xnnpack"
    quantization: str = "fp32"
    top_k: int = TOP_K                # the decoder's K, carried in the manifest
    ood_top_k: int = OOD_TOP_K        # guarded decoder's K for states out of the training support
    golden: int = 32                  # golden vectors in the manifest (at least 16)
    calibration_states: int = 2048    # int8: demonstration states the observers see (and as many from widened ranges)
    logit_tolerance: float = 1e-4     # fp32: |pte - eager| on every logit of the test set
    min_agreement: float = 0.999      # fp32: share of test states with the eager placement
    max_ratio_worsening: float = 0.01  # int8: the guarded decoder's mean delay ratio may grow by at most this share

    def __post_init__(self):
        for value, allowed, field in ((self.model, MODELS, "model"), (self.backend, BACKENDS, "backend"),
                                      (self.quantization, QUANTIZATIONS, "quantization")):
            if value not in allowed:
                raise InputError(f"{field}: {value!r} is not one of {', '.join(allowed)}")
        if self.quantization == "int8" and self.backend != "xnnpack":
            raise InputError("quantization int8: needs backend xnnpack (the quantized kernels live there)")
        if self.top_k < 1:
            raise InputError(f"top_k: must be at least 1, got {self.top_k}")
        self.decoder  # K and the widened K checked where the decoder is defined
        if self.golden < 16:
            raise InputError(f"golden: at least 16 vectors, got {self.golden}")

    @classmethod
    def shipped(cls, model: str = "student", backend: str = "xnnpack") -> "ExportConfig":
        return cls(model=model, backend=backend, quantization=shipped_quantization(model, backend))

    @property
    def decoder(self) -> DecoderConfig:
        """The decoder the manifest ships: guarded, with this export's K and widened K."""
        return DecoderConfig(Decoder.GUARDED, self.top_k, self.ood_top_k)

    def decoder_for(self, profile) -> DecoderConfig:
        """The decoder `profile`'s manifest ships: `decoder`, and for a profile that observes,
        candidates scored from the observed backlogs of the phone's core and links."""
        return dataclasses.replace(self.decoder, rate_estimate="backlog" if profile.observation else "current")

    @property
    def stem(self) -> str:
        return f"{self.model}_{self.backend}_{self.quantization}"


def pte_path(export_dir: Path, cfg: ExportConfig) -> Path:
    return Path(export_dir) / f"{cfg.stem}.pte"


def manifest_path(export_dir: Path, cfg: ExportConfig) -> Path:
    return Path(export_dir) / f"{cfg.stem}.manifest.json"


def manifest_for(pte: Path) -> Path:
    pte = Path(pte)
    return pte.with_name(pte.name.removesuffix(".pte") + ".manifest.json")


def floor_path(export_dir: Path, backend: str) -> Path:
    return Path(export_dir) / f"floor_{backend}.pte"
