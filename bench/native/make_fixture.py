"""A stand-in student for testing kdo_bench before the real one exists.

Builds a random MLP (F -> 64 -> 64 -> N*3) for a profile, lowers it to an XNNPACK .pte, lowers a
"floor" program of the same input width (no model: a slice and a reshape), and writes a manifest
(format version 1) whose golden vectors come from the project's own Python: features from
model/features.py, the verified top-K from model/decoding.py, delays from model/delay.py. A
second top-K here enumerates all 3^N placements and must agree: an independent check of the
beam search that both the Python decoder and the runner use.

    python bench/native/make_fixture.py --out build/native/fixture [--profile chain6]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from mobile_export.lower import lower  # noqa: E402
from model.decoding import argmax_placements, verified_topk  # noqa: E402
from model.io import atomic_write  # noqa: E402
from model.delay import delays, delays_of_placements  # noqa: E402
from model.features import Normalizer, build_features, feature_recipe  # noqa: E402
from model.system import LABELS, Profile, load_profile, sample_states  # noqa: E402


@dataclass
class FixtureConfig:
    profile: str = "chain6"
    out: Path = Path("build/native/fixture")
    hidden: int = 64
    top_k: int = 8
    golden: int = 64  # golden vectors in the manifest (the runner also times over these states)
    fit_states: int = 4096  # states the normalisation statistics are fitted on
    seed: int = 0


class RandomStudent(torch.nn.Module):
    """features [1, F] -> logits [1, N, 3]."""

    def __init__(self, width: int, n: int, hidden: int):
        super().__init__()
        self.n = n
        self.layers = torch.nn.Sequential(
            torch.nn.Linear(width, hidden), torch.nn.ReLU(),
            torch.nn.Linear(hidden, hidden), torch.nn.ReLU(),
            torch.nn.Linear(hidden, n * 3),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x).reshape(1, self.n, 3)


class Floor(torch.nn.Module):
    """features [1, F] -> [1, N, 3] with no arithmetic worth the name: the runtime's own cost."""

    def __init__(self, width: int, n: int):
        super().__init__()
        self.n, self.pad = n, max(0, 3 * n - width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.pad:
            x = torch.nn.functional.pad(x, (0, self.pad))
        return (x[:, : 3 * self.n] * 1.0).reshape(1, self.n, 3)


def export_pte(module: torch.nn.Module, width: int, path: Path) -> None:
    write_atomically(path, lower(module.eval(), (torch.zeros(1, width),), "xnnpack"))


def write_atomically(path: Path, data: bytes) -> None:
    atomic_write(path, lambda f: f.write(data))


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """[N, 3] float32 -> [N, 3] float64."""
    z = logits.astype(np.float64)
    top = z.max(axis=1, keepdims=True)
    return z - (top + np.log(np.exp(z - top).sum(axis=1, keepdims=True)))


def enumerated_top_k(profile: Profile, states, k: int, logits: np.ndarray, topk: int):
    """Verified top-K by brute force: rank all 3^N placements by probability (ties:
    lexicographically smallest), add all-local, keep the fastest (ties: lexicographically
    smallest). Returns (placement [N], delay)."""
    every = np.array(list(itertools.product(range(3), repeat=profile.n)))  # lexicographic order
    log_prob = log_softmax(logits)[np.arange(profile.n), every].sum(axis=1)
    order = np.lexsort((np.arange(len(every)), -log_prob))  # stable: lexicographic among ties
    candidates = every[order[:topk]]
    if not (candidates == 0).all(axis=1).any():
        candidates = np.vstack([candidates, np.zeros(profile.n, dtype=int)])
    delay = delays_of_placements(profile, states, candidates, k=k)
    best = min(range(len(candidates)), key=lambda c: (delay[c], tuple(candidates[c])))
    return candidates[best], float(delay[best])


def state_dict_of(states, k: int) -> dict:
    return {f: getattr(states, f)[k].tolist() for f in (
        "cycles", "out_bits", "in_bits", "f_device", "f_edge", "f_cloud", "edge_wait",
        "rate_up", "rate_down", "lat_wireless", "rate_backhaul", "lat_backhaul")}


def golden_vectors(cfg: FixtureConfig, profile: Profile, normalizer: Normalizer,
                   student: RandomStudent, rng: np.random.Generator) -> list[dict]:
    states = sample_states(profile, cfg.golden, rng)
    features = normalizer(build_features(profile, states))
    with torch.no_grad():  # batch 1, as exported
        logits = np.stack([student(torch.from_numpy(features[k : k + 1]))[0].numpy()
                           for k in range(len(features))])
    chosen = verified_topk(profile, states, logits, cfg.top_k)
    chosen_delay = delays(profile, states, chosen)
    vectors = []
    for k in range(cfg.golden):
        enumerated, enumerated_delay = enumerated_top_k(profile, states, k, logits[k], cfg.top_k)
        same_delay = abs(enumerated_delay - chosen_delay[k]) <= 1e-12 * chosen_delay[k]
        if enumerated.tolist() != chosen[k].tolist() or not same_delay:
            raise SystemExit(f"golden[{k}]: model/decoding.py chose {chosen[k].tolist()} "
                             f"({chosen_delay[k]} s), enumeration {enumerated.tolist()} "
                             f"({enumerated_delay} s)")
        vectors.append({
            "state": state_dict_of(states, k),
            "features": features[k].tolist(),
            "logits": logits[k].tolist(),
            "argmax_placement": argmax_placements(logits[k : k + 1])[0].tolist(),
            "topk_placement": chosen[k].tolist(),
            "topk_delay_s": float(chosen_delay[k]),
        })
    return vectors


def reference_weights(student: RandomStudent) -> list[dict]:
    linears = [m for m in student.layers if isinstance(m, torch.nn.Linear)]
    return [{"weight": m.weight.detach().tolist(), "bias": m.bias.detach().tolist(),
             "activation": "none" if m is linears[-1] else "relu"} for m in linears]


def manifest(cfg: FixtureConfig, profile: Profile, normalizer: Normalizer, student: RandomStudent,
             pte: Path, golden: list[dict]) -> dict:
    import executorch.version

    width = len(feature_recipe(profile))
    return {
        "format_version": 1,
        "profile": {"name": profile.name, "n": profile.n, "edges": [list(e) for e in profile.edges],
                    "edge_cores": profile.edge_cores, "entries": list(profile.entries),
                    "exits": list(profile.exits)},
        "features": {"order": feature_recipe(profile), **normalizer.to_dict()},
        "input_shape": [1, width],
        "output_shape": [1, profile.n, 3],
        "labels": list(LABELS),
        "pte": {"file": pte.name, "sha256": hashlib.sha256(pte.read_bytes()).hexdigest(),
                "size_bytes": pte.stat().st_size},
        "export": {"model": "student", "backend": "xnnpack", "quantization": "fp32",
                   "executorch_version": executorch.version.__version__,
                   "torch_version": torch.__version__.split("+")[0]},
        "decoder": {"top_k": cfg.top_k},
        "golden": golden,
        "reference_weights": reference_weights(student),
    }


def make_fixture(cfg: FixtureConfig) -> None:
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    profile = load_profile(cfg.profile)
    width = len(feature_recipe(profile))
    cfg.out.mkdir(parents=True, exist_ok=True)
    fit_states = sample_states(profile, cfg.fit_states, rng)
    normalizer = Normalizer.fit(build_features(profile, fit_states))
    student = RandomStudent(width, profile.n, cfg.hidden).eval()
    pte = cfg.out / "student_xnnpack_fp32.pte"
    export_pte(student, width, pte)
    export_pte(Floor(width, profile.n), width, cfg.out / "floor_xnnpack_fp32.pte")
    golden = golden_vectors(cfg, profile, normalizer, student, rng)
    text = json.dumps(manifest(cfg, profile, normalizer, student, pte, golden), indent=1)
    write_atomically(cfg.out / "student_xnnpack_fp32.manifest.json", text.encode())
    print(f"wrote {cfg.out}: {pte.name} ({pte.stat().st_size} bytes), floor_xnnpack_fp32.pte, "
          f"student_xnnpack_fp32.manifest.json ({len(golden)} golden vectors)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = FixtureConfig()
    parser.add_argument("--out", type=Path, default=defaults.out)
    parser.add_argument("--profile", default=defaults.profile)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--golden", type=int, default=defaults.golden)
    args = parser.parse_args()
    make_fixture(FixtureConfig(profile=args.profile, out=args.out, seed=args.seed,
                               golden=args.golden))


if __name__ == "__main__":
    main()
