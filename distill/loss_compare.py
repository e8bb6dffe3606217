"""Plain cross-entropy against the regret-aware loss, for the teacher, on held-out states.

The regret-aware loss adds the expected flip regret under the network's softmax: what a wrong
label costs, from the delay model, rather than every wrong label costing the same.
"""

from __future__ import annotations

from pathlib import Path

from kdoffload.distill.kd_ablation import REPORTED
from kdoffload.model.dataset import Demonstrations
from kdoffload.model.decider import TOP_K
from kdoffload.model.learned import load_net_decider
from kdoffload.model.metrics import argmax_and_topk
from kdoffload.model.profile import Profile


def scores(profile: Profile, test: Demonstrations, checkpoint: Path, kind: str) -> dict:
    decider, _, saved = load_net_decider(checkpoint, kind, profile, kind)
    return {"regret_weight": saved.train_config["regret_weight"],
            "val_mean_ratio": saved.best_score, "epochs_run": saved.epoch + 1,
            **argmax_and_topk(profile, test, decider.logits(test.states), REPORTED)}


def markdown(profile: str, rows: dict, test_samples: int) -> str:
    lines = [f"# {profile}: teacher loss, plain cross-entropy against cross-entropy + flip regret", "",
             f"Same architecture, data, seed and budget; {test_samples:,} held-out test states.", "",
             "| loss | regret weight | val mean ratio | argmax mean ratio | argmax median | argmax within 1% "
             f"| argmax mean w/o worst 1% | top-{TOP_K} mean ratio |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in rows.items():
        a, t = r["argmax"], r[f"top{TOP_K}"]
        lines.append(f"| {name} | {r['regret_weight']:g} | {r['val_mean_ratio']:.4f} | {a['mean_ratio']:.4f} | "
                     f"{a['median_ratio']:.4f} | {a['within_1pct']:.3f} | "
                     f"{a['mean_ratio_without_worst_1pct']:.4f} | {t['mean_ratio']:.4f} |")
    return "\n".join(lines) + "\n"
