"""What the observation features cost per native decision: features built in C++ for a profile
without them (before) and, in the same run, summary + features for an observation profile (after).

    python -m bench.observation_cost [--before MANIFEST --after MANIFEST]

Without manifests it builds random-weight students' manifests of chain6 and chain6-dyn (the
features' cost does not depend on the weights).

Each repetition times, in thread CPU time, `--rounds` feature builds of the first golden state in C++
(`kdo_time_features`), alternating before and after so both see the same machine; prints the
median and p99 over repetitions of ns per decision and the difference of the medians.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import tempfile
from pathlib import Path

import numpy as np
import torch

from kdoffload.mobile_export.config import ExportConfig
from kdoffload.mobile_export.golden import golden_vectors
from kdoffload.mobile_export.manifest import build_manifest, file_record
from kdoffload.model import native
from kdoffload.model import observation as obs
from kdoffload.model.decider import DecoderConfig
from kdoffload.model.features import Normalizer, Support, build_features
from kdoffload.model.learned import net_decider
from kdoffload.model.nets import OffloadMLP, student_config
from kdoffload.model.profile import load_profile
from kdoffload.model.states import sample_states


def random_manifest(profile_name: str, path, seed: int = 7, moving: bool = True):
    """A manifest of a random fp32 student with golden vectors (no .pte: the C++ decider runs the
    reference weights), its records' observations moving or absent; and the same student as a
    Python `Decider` (guarded), to hold the C++ decisions to."""
    profile = load_profile(profile_name)
    rng = np.random.default_rng(seed)
    states = sample_states(profile, 32, rng)
    seen = obs.moving_observation(states, rng) if moving and profile.observation else None
    raw = build_features(profile, states, seen)
    torch.manual_seed(seed)
    net = OffloadMLP(student_config(raw.shape[1], profile.n)).eval()
    normalizer, support = Normalizer.fit(raw), Support.fit(raw)
    features = normalizer(raw)
    decider = net_decider(profile, net, normalizer, "student", DecoderConfig(), support)
    logits = decider.forward(features)
    # Made with the decoder the manifest ships (for a profile that observes: rate_estimate backlog).
    golden = golden_vectors(profile, states, features, logits, ExportConfig().decoder_for(profile), support,
                            observation=seen)
    record = file_record("student.pte", b"")
    manifest = build_manifest(profile, ExportConfig(), net, normalizer, support, record, record, golden, {})
    path.write_text(json.dumps(manifest))
    return profile, path, decider


def time_features(manifest: Path, observed: bool, rounds: int) -> float:
    lib = native._lib()
    lib.kdo_time_features.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int,
                                      ctypes.POINTER(ctypes.c_double)]
    ns = ctypes.c_double()
    if lib.kdo_time_features(str(manifest).encode(), int(observed), rounds, ctypes.byref(ns)) != 0:
        raise SystemExit(f"{manifest}: {lib.kdo_last_error().decode('utf-8', 'replace')}")
    return ns.value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="manifest of a profile without observations "
                        "(default: a random chain6 student's)")
    parser.add_argument("--after", type=Path, help="manifest of an observation profile "
                        "(default: a random chain6-dyn student's)")
    parser.add_argument("--rounds", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="kdo-observation-cost-"))
    args.before = args.before or random_manifest("chain6", scratch / "chain6.manifest.json")[1]
    args.after = args.after or random_manifest("chain6-dyn", scratch / "chain6-dyn.manifest.json")[1]
    before, after = [], []
    for _ in range(args.repeats):
        before.append(time_features(args.before, False, args.rounds))
        after.append(time_features(args.after, True, args.rounds))
    b, a = np.asarray(before), np.asarray(after)
    print("| features per decision | median ns | p99 ns |\n|---|---|---|")
    print(f"| before ({args.before.name}, no observation) | {np.median(b):.0f} | {np.percentile(b, 99):.0f} |")
    print(f"| after (summary + features) | {np.median(a):.0f} | {np.percentile(a, 99):.0f} |")
    print(f"added per decision: {np.median(a) - np.median(b):.0f} ns (median difference)")


if __name__ == "__main__":
    main()
