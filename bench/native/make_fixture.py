"""A stand-in student for testing native and Java clients before a trained one exists.

A randomly initialised student network for a profile, exported by the project's own exporter
(`mobile_export.export.export_model`: lowering, verification, golden vectors, manifest format 2)
against a small exactly solved test set. Then every golden record's verified top-K and guarded
placements are recomputed by brute force, enumerating all 3^N placements: an independent check of
the beam search and candidate scoring that the Python, C++ and Java decoders share.

    python bench/native/make_fixture.py --out build/native/fixture [--profile chain6] [--int8]

`--int8` also writes the same network's int8 build (what `kdoffload export` ships), for clients
that must load the shipped format; the fp32 build carries the weights the C++ loop runs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from kdoffload.quiet import silence_third_party  # noqa: E402
from kdoffload.mobile_export.config import ExportConfig  # noqa: E402
from kdoffload.mobile_export.export import calibration_features, export_model  # noqa: E402
from kdoffload.model import dataset  # noqa: E402
from kdoffload.model.dataset import Demonstrations  # noqa: E402
from kdoffload.model.decoding import log_softmax  # noqa: E402
from kdoffload.model.delay import delays_of_placements  # noqa: E402
from kdoffload.model.features import Normalizer, Support, build_features  # noqa: E402
from kdoffload.model.nets import OffloadMLP, student_config  # noqa: E402
from kdoffload.model.profile import Profile, load_profile  # noqa: E402
from kdoffload.model.states import STATE_FIELDS, States, sample_states  # noqa: E402


def solved(profile: Profile, count: int, rng: np.random.Generator) -> Demonstrations:
    states = sample_states(profile, count, rng)
    # Native when built (the same labels and delays, in milliseconds instead of minutes on dagN).
    labels, optimal = dataset.SOLVERS[dataset.default_solver()](profile, states)
    return Demonstrations(profile, states, build_features(profile, states), labels, optimal, {"seed": 0})


def brute_force(profile: Profile, record: dict, k: int, extra: list[list[int]]) -> tuple[list, float, bool]:
    """The fastest of the k most probable placements (all 3^N ranked) and `extra`; ties lexicographic.

    Also whether the k-th place is tied (an int8 program's logits often tie): then any choice
    within the tie is a valid top-K set, and the caller checks bounds instead of equality.
    """
    every = np.array(list(itertools.product(range(3), repeat=profile.n)))  # lexicographic order
    logp = log_softmax(np.asarray(record["logits"], dtype=np.float32)[None])[0]
    score = logp[np.arange(profile.n), every].sum(axis=1)
    order = np.lexsort((np.arange(len(every)), -score))
    kth = score[order[k - 1]]
    sure, tied = every[score > kth + TIE], every[np.abs(score - kth) <= TIE]
    ambiguous = len(sure) + len(tied) > k
    candidates = np.unique(np.vstack([every[order[:k]], np.asarray(extra)]), axis=0)
    if ambiguous:  # the placements every valid top-K set holds, and the extras
        candidates = np.unique(np.vstack([sure, np.asarray(extra)]), axis=0)
    states = States.from_dict({f: np.asarray([record["state"][f]]) for f in STATE_FIELDS})
    delay = delays_of_placements(profile, states, candidates)
    best = min(range(len(candidates)), key=lambda c: (delay[c], tuple(candidates[c])))
    if ambiguous:
        allowed = {tuple(p) for p in np.vstack([sure, tied, np.asarray(extra)])}
        return sorted(allowed), float(delay[best]), True
    return candidates[best].tolist(), float(delay[best]), False


TIE = 1e-9  # log-probability sums closer than this are one tie (summation order moves the last bits)


def cross_check(profile: Profile, manifest: dict) -> None:
    decoder, n = manifest["decoder"], profile.n
    for index, g in enumerate(manifest["golden"]):
        singles = [[s] * n for s in range(3)]
        width = decoder["ood_top_k"] if g["out_of_support"] else decoder["top_k"]
        expected = {"topk": brute_force(profile, g, decoder["top_k"], [[0] * n]),
                    "guarded": brute_force(profile, g, width, singles + [g["greedy_placement"]])}
        for name, (placement, delay, ambiguous) in expected.items():
            got, got_delay = g[f"{name}_placement"], g[f"{name}_delay_s"]
            if ambiguous:  # a member of some valid top-K set, no slower than what every set holds
                wrong = tuple(got) not in placement or got_delay > delay * (1 + 1e-12)
            else:
                wrong = got != placement or abs(got_delay - delay) > 1e-12 * delay
            if wrong:
                raise SystemExit(f"golden[{index}]: {name} decoder chose {got} ({got_delay} s), "
                                 f"enumeration {'allows' if ambiguous else 'chose'} "
                                 f"{placement if not ambiguous else 'a tied top-K set'} ({delay} s)")


def make_fixture(profile_name: str, out: Path, golden: int, seed: int, int8: bool = False) -> None:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    profile = load_profile(profile_name)
    train, test = solved(profile, 4096, rng), solved(profile, max(golden, 64), rng)
    net = OffloadMLP(student_config(train.features.shape[1], profile.n)).eval()
    normalizer, support = Normalizer.fit(train.features), Support.fit(train.features)
    # A random network's decisions are no better for being fp32: int8's quality bound is not the point here.
    configs = [(ExportConfig(golden=golden), None)]
    if int8:
        configs.append((ExportConfig(quantization="int8", golden=golden, max_ratio_worsening=1.0),
                        calibration_features(train, normalizer, 512)))
    for cfg, calibration in configs:
        result = export_model(profile, net, normalizer, support, test, out, cfg, calibration)
        manifest = json.loads(result.manifest.read_text())
        cross_check(profile, manifest)
        print(f"wrote {out}: {result.pte.name} ({result.size_bytes} bytes), {result.floor.name}, "
              f"{result.manifest.name} ({len(manifest['golden'])} golden vectors, brute-force checked)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/native/fixture"))
    parser.add_argument("--profile", default="chain6")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--golden", type=int, default=64)
    parser.add_argument("--int8", action="store_true", help="Also write the int8 build.")
    args = parser.parse_args()
    silence_third_party()
    make_fixture(args.profile, args.out, args.golden, args.seed, args.int8)


if __name__ == "__main__":
    main()
