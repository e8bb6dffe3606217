"""Decision quality over training seeds: each seed's teacher and student with every decoder,
on the held-out test states and on the shifted ones, and the spread of the mean ratio over seeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kdoffload.evaluation import quality
from kdoffload.model.dataset import Demonstrations
from kdoffload.model.decider import TOP_K
from kdoffload.model.features import Support
from kdoffload.model.learned import load_net_decider
from kdoffload.model.profile import Profile

SPLITS = ("test", "shifted")


def _scores(profile: Profile, path: Path, kind: str, k: int, support: Support | None,
            splits: dict[str, Demonstrations]) -> dict[str, dict]:
    """split -> policy name (kind, kind+topK, kind+guarded) -> metrics of one network."""
    decider, _, _ = load_net_decider(path, kind, profile, kind, support=support)
    policies = quality.with_decoders(decider, kind, k)
    return {split: quality.evaluate(profile, demos, policies)[0] for split, demos in splits.items()}


def score_seeds(profile: Profile, checkpoints: dict[int, dict[str, Path]], test: Demonstrations,
                shifted: Demonstrations, k: int = TOP_K, support: Support | None = None) -> dict:
    """`checkpoints`: seed -> {"teacher": path, "student": path}. Per seed, per split, per
    policy, the metrics of `quality.evaluate`; a network shared by seeds is scored once."""
    splits = {"test": test, "shifted": shifted}
    done: dict[Path, dict] = {}
    per_seed = {}
    for seed, networks in checkpoints.items():
        row = {split: {} for split in SPLITS}
        for kind, path in networks.items():
            if path not in done:
                done[path] = _scores(profile, path, kind, k, support, splits)
            for split in SPLITS:
                row[split].update(done[path][split])
        per_seed[seed] = row
    return per_seed


def spread(values) -> dict:
    """Mean, sample std (ddof=1), min and max of at least two numbers."""
    v = np.asarray(values, dtype=np.float64)
    return {"mean": float(v.mean()), "std": float(v.std(ddof=1)), "min": float(v.min()), "max": float(v.max())}


def summarise(per_seed: dict[int, dict], metric: str = "mean_ratio") -> dict:
    """split -> policy -> spread of `metric` over the seeds."""
    first = next(iter(per_seed.values()))
    return {split: {policy: spread([per_seed[s][split][policy][metric] for s in per_seed])
                    for policy in first[split]} for split in SPLITS}


def cell(s: dict) -> str:
    return f"{s['mean']:.4f} ± {s['std']:.4f} [{s['min']:.4f}, {s['max']:.4f}]"


def markdown(result: dict) -> str:
    """The report: its first line says what was measured, then one row per policy and decoder."""
    seeds = result["seeds"]
    teacher = ("one fixed teacher (runs/{p}/teacher) for every seed".format(p=result["profile"])
               if result["fixed_teacher"] else "a teacher trained per seed")
    threads = result["threads"]
    lines = [f"{result['profile']}: quality over seeds {', '.join(map(str, seeds))}: "
             f"{result['test_samples']:,} test states ({result['shifted_samples']:,} shifted), "
             f"{teacher}, torch threads: teacher {threads['teacher']}, student {threads['student']}",
             "",
             f"Student: T={result['temperature']:g}, alpha={result['alpha']:g}, transfer set "
             f"{result['transfer_samples']:,} states, {result['epochs']['student']} epochs; teacher "
             f"{result['epochs']['teacher']} epochs. Mean delay ratio (delay / optimal delay): "
             f"mean ± std over {len(seeds)} seeds [min, max].",
             "",
             "| policy | test mean ratio | shifted mean ratio |",
             "|---|---:|---:|"]
    summary = result["summary"]
    for policy in summary["test"]:
        lines.append(f"| {policy} | {cell(summary['test'][policy])} | {cell(summary['shifted'][policy])} |")
    lines += ["", "Per seed, test mean ratio:", "",
              "| policy | " + " | ".join(f"seed {s}" for s in seeds) + " |",
              "|---|" + "---:|" * len(seeds)]
    for policy in summary["test"]:
        values = [result["per_seed"][str(s)]["test"][policy]["mean_ratio"] for s in seeds]
        lines.append(f"| {policy} | " + " | ".join(f"{v:.4f}" for v in values) + " |")
    return "\n".join(lines) + "\n"
