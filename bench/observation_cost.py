"""What the observation features cost per native decision: features built in C++ for a profile
without them (before) and, in the same run, summary + features for an observation profile (after);
and the whole guarded decision with and without them and the backlog scoring.

    python -m bench.observation_cost [--before MANIFEST --after MANIFEST] [--states 500]

Without manifests it builds random-weight students' manifests of chain6 and chain6-dyn (the
features' cost does not depend on the weights; their support is fitted on 4,096 states, so the
timed states are in it about as often as a trained student's).

Features: each repetition times, in thread CPU time, `--rounds` feature builds of the first golden
state in C++ (`kdo_time_features`), alternating before and after so both see the same machine;
prints the median and p99 over repetitions of ns per decision and the difference of the medians.

Decisions: each repetition decides `--states` sampled states once per path, the paths taking turns
every 10 states (in rotating order), through the C++ decider (`kdo_decide`, `kdo_decide_observed`: features, support
check, the manifest's weights as a plain loop, guarded decoding), each decision timed in C++
(steady clock); the paths are chain6 without an observation, and chain6-dyn given a moving
observation (its summary timed with the decision) with its candidates scored from an idle phone
and from the observed backlogs, pinned to `--cpu`; prints the p50 and p99 over every decision of
every repetition, and the median difference between two paths' times of the same state.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
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


def random_manifest(profile_name: str, path, seed: int = 7, moving: bool = True, fit: int = 32):
    """A manifest of a random fp32 student with golden vectors (no .pte: the C++ decider runs the
    reference weights), its records' observations moving or absent; and the same student as a
    Python `Decider` (guarded), to hold the C++ decisions to. Normalisation and support are fitted
    on `fit` states (at least the 32 golden ones, which come first)."""
    profile = load_profile(profile_name)
    rng = np.random.default_rng(seed)
    fitted = sample_states(profile, max(fit, 32), rng)
    seen_fitted = obs.moving_observation(fitted, rng) if moving and profile.observation else None
    raw_fitted = build_features(profile, fitted, seen_fitted)
    states = fitted[np.arange(32)]
    seen = None if seen_fitted is None else seen_fitted[np.arange(32)]
    raw = raw_fitted[:32]
    torch.manual_seed(seed)
    net = OffloadMLP(student_config(raw.shape[1], profile.n)).eval()
    normalizer, support = Normalizer.fit(raw_fitted), Support.fit(raw_fitted)
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


CHUNK = 10  # states decided by one path before the next path's turn


class TimedDecider:
    """A manifest's guarded student through the C++ decider, each decision's nanoseconds kept."""

    def __init__(self, profile, manifest: Path, rate_estimate: str | None = None):
        self.native = native.NativeDecider(profile, manifest, "guarded", rate_estimate=rate_estimate)
        self.profile = profile

    def ns(self, states, seen: obs.Observation | None) -> np.ndarray:
        """[S] ns per decision (with `seen`: the observed path, its summary timed too)."""
        lib, n = native._lib(), self.profile.n
        struct, keep = native._states(self.profile, states)
        labels = np.empty((len(states), n), dtype=np.int8)
        out = np.empty(len(states))
        if seen is None:
            lib.kdo_decide.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
            code = lib.kdo_decide(self.native.handle, ctypes.byref(struct), labels.ctypes.data, out.ctypes.data)
        else:
            code = lib.kdo_decide_observed(
                self.native.handle, ctypes.byref(struct), np.ascontiguousarray(seen.rate_up_history),
                np.ascontiguousarray(seen.rate_down_history), seen.backlogs(), labels, out)
        if code != 0:
            raise SystemExit(lib.kdo_last_error().decode("utf-8", "replace"))
        return out


def time_decisions(before: Path, after: Path, count: int, repeats: int, cpu: int, seed: int = 11) -> str:
    """The decision table: chain6 without an observation, chain6-dyn with one, scored from an
    idle phone and from its backlogs, alternating on the same sampled states."""
    plain, observing = load_profile("chain6"), load_profile("chain6-dyn")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})  # one core: no migration between the paths' turns
    rng = np.random.default_rng(seed)
    states = sample_states(observing, count, rng)
    seen = obs.moving_observation(states, rng)
    paths = {"chain6, no observation, guarded (scored from an idle phone)":
             (TimedDecider(plain, before), None),
             "chain6-dyn, summary + features, guarded scored from an idle phone":
             (TimedDecider(observing, after, "current"), seen),
             "chain6-dyn, summary + features, guarded scored from the backlogs (shipped)":
             (TimedDecider(observing, after, "backlog"), seen)}
    times = {name: [] for name in paths}
    for _ in range(repeats):
        for turn, start in enumerate(range(0, count, CHUNK)):  # paths in turn every few states
            chunk = np.arange(start, min(start + CHUNK, count))
            names = list(paths)
            for name in names[turn % 3:] + names[:turn % 3]:  # each path first as often: warm caches
                decider, observation = paths[name]
                times[name].append(decider.ns(states[chunk], None if observation is None else observation[chunk]))
    lines = ["| decision (C++, plain-loop forward) | p50 ns | p99 ns |", "|---|---|---|"]
    pooled = {name: np.concatenate(parts) for name, parts in times.items()}
    for name, ns in pooled.items():
        lines.append(f"| {name} | {np.median(ns):.0f} | {np.percentile(ns, 99):.0f} |")
    first, idle, backlog = pooled.values()
    # State by state, a few microseconds apart: the median of paired differences is what the
    # machine's drift between turns leaves least of.
    lines.append(f"added by observing (summary, features, wider input): {np.median(idle - first):.0f} ns; "
                 f"by the backlog scoring: {np.median(backlog - idle):.0f} ns (medians of the "
                 "differences on the same state in the same turn)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="manifest of a profile without observations "
                        "(default: a random chain6 student's)")
    parser.add_argument("--after", type=Path, help="manifest of an observation profile "
                        "(default: a random chain6-dyn student's)")
    parser.add_argument("--rounds", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--states", type=int, default=500, help="states decided per path and repetition")
    parser.add_argument("--cpu", type=int, default=1, help="the CPU the decisions are pinned to")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="kdo-observation-cost-"))
    args.before = args.before or random_manifest("chain6", scratch / "chain6.manifest.json", fit=4096)[1]
    args.after = args.after or random_manifest("chain6-dyn", scratch / "chain6-dyn.manifest.json", fit=4096)[1]
    before, after = [], []
    for _ in range(args.repeats):
        before.append(time_features(args.before, False, args.rounds))
        after.append(time_features(args.after, True, args.rounds))
    b, a = np.asarray(before), np.asarray(after)
    print("| features per decision | median ns | p99 ns |\n|---|---|---|")
    print(f"| before ({args.before.name}, no observation) | {np.median(b):.0f} | {np.percentile(b, 99):.0f} |")
    print(f"| after (summary + features) | {np.median(a):.0f} | {np.percentile(a, 99):.0f} |")
    print(f"added per decision: {np.median(a) - np.median(b):.0f} ns (median difference)\n")
    print(time_decisions(args.before, args.after, args.states, args.repeats, args.cpu))


if __name__ == "__main__":
    main()
