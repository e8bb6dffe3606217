"""Plain cross-entropy against the regret-aware loss, for the teacher, on held-out states.

The regret-aware loss adds the expected flip regret under the network's softmax: what a wrong
label costs, from the delay model, rather than every wrong label costing the same.
"""

from __future__ import annotations

from pathlib import Path

from bench.kd_ablation import REPORTED
from bench.quality import policy_metrics
from model.dataset import Demonstrations
from model.decoding import argmax_placements, verified_topk
from model.features import Normalizer
from model.learned import NetPolicy
from model.system import Profile
from model.train import load_checkpoint, net_from_checkpoint


def scores(profile: Profile, test: Demonstrations, checkpoint: Path, kind: str) -> dict:
    payload = load_checkpoint(checkpoint, kind, profile)
    policy = NetPolicy(profile, net_from_checkpoint(payload), Normalizer.from_dict(payload["normalizer"]), kind)
    logits = policy.logits(test.states)
    argmax, _ = policy_metrics(profile, test, argmax_placements(logits))
    top8, _ = policy_metrics(profile, test, verified_topk(profile, test.states, logits, 8))
    return {"regret_weight": payload["train_config"]["regret_weight"],
            "val_mean_ratio": payload["best_score"], "epochs_run": payload["epoch"] + 1,
            "argmax": {k: argmax[k] for k in REPORTED}, "top8": {k: top8[k] for k in REPORTED}}


def markdown(profile: str, rows: dict, test_samples: int) -> str:
    lines = [f"# {profile}: teacher loss, plain cross-entropy against cross-entropy + flip regret", "",
             f"Same architecture, data, seed and budget; {test_samples:,} held-out test states.", "",
             "| loss | regret weight | val mean ratio | argmax mean ratio | argmax median | argmax within 1% "
             "| argmax mean w/o worst 1% | top-8 mean ratio |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in rows.items():
        a, t = r["argmax"], r["top8"]
        lines.append(f"| {name} | {r['regret_weight']:g} | {r['val_mean_ratio']:.4f} | {a['mean_ratio']:.4f} | "
                     f"{a['median_ratio']:.4f} | {a['within_1pct']:.3f} | "
                     f"{a['mean_ratio_without_worst_1pct']:.4f} | {t['mean_ratio']:.4f} |")
    return "\n".join(lines) + "\n"
