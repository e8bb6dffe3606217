"""Decision quality as delay over the optimum: the one ratio every report, check and loss uses.

The mean ratio is dominated by a heavy tail (one wrong label can ship tens of Mbit over a slow
uplink), so beside it stand the median, the share within 1% of the optimum, the share beyond
2x, and the mean without the worst 1%.
"""

from __future__ import annotations

import numpy as np

from kdoffload.model.dataset import Demonstrations
from kdoffload.model.decider import TOP_K
from kdoffload.model.decoding import argmax_placements, verified_topk
from kdoffload.model.delay import delays
from kdoffload.model.profile import LABELS, Profile


def delay_ratio(demos: Demonstrations, placements: np.ndarray, rows=slice(None)) -> np.ndarray:
    """T(placement) / T(x*) for each state of `demos` (or of its `rows`): [S] >= 1."""
    return delays(demos.profile, demos.states[rows], placements) / demos.optimal_delay[rows]


def ratio_metrics(ratio: np.ndarray) -> dict:
    ordered = np.sort(ratio)
    keep = ordered[: max(1, int(np.floor(len(ordered) * 0.99)))]
    return {"mean_ratio": float(ratio.mean()), "median_ratio": float(np.median(ratio)),
            "p95_ratio": float(np.quantile(ratio, 0.95)), "p99_ratio": float(np.quantile(ratio, 0.99)),
            "within_1pct": float((ratio <= 1.01).mean()), "beyond_2x": float((ratio > 2).mean()),
            "mean_ratio_without_worst_1pct": float(keep.mean())}


def policy_metrics(profile: Profile, demos: Demonstrations, placements: np.ndarray) -> tuple[dict, np.ndarray]:
    """Every quality figure of one policy's placements, and its per-state ratio."""
    cost = delays(profile, demos.states, placements)
    ratio = cost / demos.optimal_delay
    correct = placements == demos.labels
    per_label = {name: float(correct[demos.labels == k].mean()) if (demos.labels == k).any() else None
                 for k, name in enumerate(LABELS)}
    return {"mean_delay_s": float(cost.mean()), **ratio_metrics(ratio),
            "label_accuracy": float(correct.mean()), "label_accuracy_by_label": per_label,
            "exact_match": float(correct.all(axis=1).mean())}, ratio


def argmax_and_topk(profile: Profile, test: Demonstrations, logits, keys, k: int = TOP_K) -> dict:
    """The metrics `keys` of argmax and of verified top-k decoding of the same logits."""
    argmax, _ = policy_metrics(profile, test, argmax_placements(logits))
    topk, _ = policy_metrics(profile, test, verified_topk(profile, test.states, logits, k))
    return {"argmax": {key: argmax[key] for key in keys}, f"top{k}": {key: topk[key] for key in keys}}
