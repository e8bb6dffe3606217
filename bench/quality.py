"""Decision quality on held-out states: every policy's delay against the optimum.

The mean ratio is dominated by a heavy tail (one wrong label can ship tens of Mbit over a slow
uplink), so beside it stand the median, the share within 1% of the optimum, the share beyond
2x, and the mean without the worst 1%.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from model.dataset import Demonstrations
from model.decider import Decider, Decoder, DecoderConfig
from model.decoding import argmax_placements, guarded_with_support, verified_topk
from model.delay import delays
from model.features import Support
from model.learned import load_net_decider
from model.policies import Policy, baselines
from model.system import LABELS, Profile

OOD_TOP_K = 32


def ratio_metrics(ratio: np.ndarray) -> dict:
    ordered = np.sort(ratio)
    keep = ordered[: max(1, int(np.floor(len(ordered) * 0.99)))]
    return {"mean_ratio": float(ratio.mean()), "median_ratio": float(np.median(ratio)),
            "p95_ratio": float(np.quantile(ratio, 0.95)), "p99_ratio": float(np.quantile(ratio, 0.99)),
            "within_1pct": float((ratio <= 1.01).mean()), "beyond_2x": float((ratio > 2).mean()),
            "mean_ratio_without_worst_1pct": float(keep.mean())}


def policy_metrics(profile: Profile, demos: Demonstrations, placements: np.ndarray) -> tuple[dict, np.ndarray]:
    cost = delays(profile, demos.states, placements)
    ratio = cost / demos.optimal_delay
    correct = placements == demos.labels
    per_label = {name: float(correct[demos.labels == k].mean()) if (demos.labels == k).any() else None
                 for k, name in enumerate(LABELS)}
    return {"mean_delay_s": float(cost.mean()), **ratio_metrics(ratio),
            "label_accuracy": float(correct.mean()), "label_accuracy_by_label": per_label,
            "exact_match": float(correct.all(axis=1).mean())}, ratio


def learned_policies(profile: Profile, run_dir: Path, k: int,
                     support: Support | None) -> tuple[list[Decider], dict]:
    """Teacher and students found under run_dir, each with argmax, verified top-K and guarded
    decoding; and each network's parameter count."""
    found, params = [], {}
    for name, path, kind in (("teacher", run_dir / "teacher" / "checkpoint.pt", "teacher"),
                             ("student", run_dir / "student" / "checkpoint.pt", "student"),
                             ("student-nokd", run_dir / "student" / "nokd" / "checkpoint.pt", "student")):
        if not path.exists():
            continue
        decider, net, _ = load_net_decider(path, kind, profile, name, support=support)
        params[name] = net.parameter_count()
        found.append(decider)
        if name != "student-nokd":
            for decoder in (Decoder.TOPK, Decoder.GUARDED):
                config = DecoderConfig(decoder, k, max(k, OOD_TOP_K))
                found.append(decider.with_decoder(config, config.label(name)))
    return found, params


def argmax_and_topk(profile: Profile, test: Demonstrations, logits, keys, k: int = 8) -> dict:
    """The metrics `keys` of argmax and of verified top-k decoding of the same logits."""
    argmax, _ = policy_metrics(profile, test, argmax_placements(logits))
    topk, _ = policy_metrics(profile, test, verified_topk(profile, test.states, logits, k))
    return {"argmax": {key: argmax[key] for key in keys}, f"top{k}": {key: topk[key] for key in keys}}


def evaluate(profile: Profile, demos: Demonstrations, policies: list[Policy]) -> tuple[dict, dict]:
    """Metrics per policy name, and each policy's per-state ratio (for the CDF figure).

    A learned policy also reports the share of states it flagged as out of its training support.
    """
    metrics, ratios = {}, {}
    for policy in policies:
        flagged = None
        if policy.name == "optimal":
            placements = demos.labels  # the test set's labels are the exact optimum
        elif isinstance(policy, Decider):
            placements, flagged = policy.decide_flagged(demos.states)
        else:
            placements = policy.decide(demos.states)
        metrics[policy.name], ratios[policy.name] = policy_metrics(profile, demos, placements)
        metrics[policy.name]["out_of_support"] = None if flagged is None else float(flagged.mean())
    return metrics, ratios


def all_policies(profile: Profile, run_dir: Path, k: int = 8,
                 support: Support | None = None) -> tuple[list[Policy], dict]:
    learned, params = learned_policies(profile, run_dir, k, support)
    return learned + baselines(profile), params


def quality_against_k(profile: Profile, demos: Demonstrations, decider: Decider,
                      ks=(1, 2, 4, 8, 16, 32)) -> list[dict]:
    """Verified top-K and guarded: mean ratio and Python decode cost per state as K grows.

    K=1 top-K is argmax plus all-local; guarded uses K in support and max(K, 32) out of it.
    """
    logits = decider.logits(demos.states)
    flagged = decider.out_of_support(demos.states)
    rows = []
    for k in ks:
        started = time.perf_counter()
        placements = verified_topk(profile, demos.states, logits, k)
        per_state_us = (time.perf_counter() - started) / len(demos) * 1e6
        _, ratio = policy_metrics(profile, demos, placements)
        started = time.perf_counter()
        guarded = guarded_with_support(profile, demos.states, logits, k, max(k, OOD_TOP_K), flagged)
        guarded_us = (time.perf_counter() - started) / len(demos) * 1e6
        _, guarded_ratio = policy_metrics(profile, demos, guarded)
        rows.append({"k": k, "candidates": k + 1, **ratio_metrics(ratio),
                     "batched_decode_us_per_state": per_state_us,
                     "guarded": {**ratio_metrics(guarded_ratio), "batched_decode_us_per_state": guarded_us}})
    argmax_ratio = delays(profile, demos.states, argmax_placements(logits)) / demos.optimal_delay
    rows.insert(0, {"k": 0, "candidates": 1, **ratio_metrics(argmax_ratio),
                    "batched_decode_us_per_state": 0.0})
    return rows
