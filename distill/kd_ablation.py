"""Does the teacher help? KD against hard labels over several seeds, and the transfer-set control.

Four students of the same architecture, same budget, evaluated on the held-out test set:
- `hard`: cross-entropy on the oracle's labels (no teacher);
- `kd`: the selected (T, alpha) distillation on the same states;
- `hard+transfer`: `hard` plus K unlabelled states carrying the teacher's argmax as a label;
- `kd+transfer`: `kd` plus the same K states carrying the teacher's soft targets.
`kd` - `hard` is what soft targets add on the same data; `hard+transfer` - `hard` is what more
(teacher-labelled) data adds; `kd+transfer` - `hard+transfer` separates soft targets from data.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from kdoffload.distill.student import DistillConfig, Member, student_data, train_members
from kdoffload.model.checkpoint import load_checkpoint
from kdoffload.model.dataset import Demonstrations
from kdoffload.model.decider import TOP_K
from kdoffload.model.learned import net_decider
from kdoffload.model.metrics import argmax_and_topk
from kdoffload.model.parallel import JobMap
from kdoffload.model.profile import Profile
from kdoffload.model.runs import checkpoint_in

VARIANTS = ("hard", "kd", "hard+transfer", "kd+transfer")
REPORTED = ("mean_ratio", "median_ratio", "within_1pct", "beyond_2x", "mean_ratio_without_worst_1pct")


def run(profile: Profile, demos: Demonstrations, test: Demonstrations, teacher_checkpoint: Path,
        temperature: float, alpha: float, seeds: list[int], transfer_samples: int, dcfg: DistillConfig,
        out_dir: Path, on_member=None, on_epoch=None, jobs: JobMap | None = None) -> dict:
    """Every (variant, seed) student, here or as the jobs of `jobs`; scored on `test` here."""
    teacher = load_checkpoint(teacher_checkpoint, "teacher", profile)
    with_regret = dcfg.train.regret_weight > 0
    datasets = {"plain": student_data(profile, demos, teacher, with_regret=with_regret)}
    if transfer_samples:
        for targets in ("soft", "hard"):
            datasets[targets] = student_data(profile, demos, teacher, transfer_samples,
                                             dcfg.transfer_seed, targets, with_regret)
    recipe = {"hard": ("plain", 1.0, 0.0), "kd": ("plain", temperature, alpha),
              "hard+transfer": ("hard", 1.0, 0.0), "kd+transfer": ("soft", temperature, alpha)}
    plan = [(variant, seed) for variant in VARIANTS if recipe[variant][0] in datasets for seed in seeds]
    members = [Member(f"{variant} seed {seed}", recipe[variant][0], *recipe[variant][1:],
                      replace(dcfg.train, seed=seed), checkpoint_in(out_dir, f"{variant}_seed{seed}"),
                      dcfg.hidden)
               for variant, seed in plan]
    trained = train_members(profile, demos, datasets, members, jobs=jobs, on_member=on_member,
                            on_epoch=on_epoch)
    results: dict[str, list[dict]] = {}
    for (variant, _), member, (net, _) in zip(plan, members, trained):
        policy = net_decider(profile, net, datasets[member.data_key].normalizer, variant)
        results.setdefault(variant, []).append(
            {"seed": member.train.seed, **argmax_and_topk(profile, test, policy.logits(test.states), REPORTED)})
    return {"profile": profile.name, "temperature": temperature, "alpha": alpha, "seeds": seeds,
            "transfer_samples": transfer_samples, "test_samples": len(test), "runs": results,
            "summary": {v: _spread(r) for v, r in results.items()}}


def _spread(runs: list[dict]) -> dict:
    out = {}
    for decoder in ("argmax", f"top{TOP_K}"):
        for key in REPORTED:
            values = np.array([r[decoder][key] for r in runs])
            out[f"{decoder}_{key}"] = {"mean": float(values.mean()), "std": float(values.std(ddof=1))
                                       if len(values) > 1 else 0.0, "min": float(values.min()),
                                       "max": float(values.max())}
    return out


def markdown(result: dict) -> str:
    lines = [f"# {result['profile']}: KD against hard labels",
             "",
             f"Student trained {len(result['seeds'])} times per variant (seeds {result['seeds']}); "
             f"T={result['temperature']:g}, alpha={result['alpha']:g}; transfer set "
             f"{result['transfer_samples']:,} unlabelled states; {result['test_samples']:,} held-out "
             "test states. Mean ± std over seeds [min, max].",
             "",
             "| variant | argmax mean ratio | argmax median | argmax within 1% | argmax mean w/o worst 1% "
             f"| top-{TOP_K} mean ratio |",
             "|---|---:|---:|---:|---:|---:|"]
    for variant, s in result["summary"].items():
        def cell(key, fmt="{:.4f}"):
            v = s[key]
            return f"{fmt.format(v['mean'])} ± {fmt.format(v['std'])} [{fmt.format(v['min'])}, {fmt.format(v['max'])}]"
        lines.append(f"| {variant} | {cell('argmax_mean_ratio')} | {cell('argmax_median_ratio')} | "
                     f"{cell('argmax_within_1pct', '{:.3f}')} | {cell('argmax_mean_ratio_without_worst_1pct')} | "
                     f"{cell(f'top{TOP_K}_mean_ratio')} |")
    return "\n".join(lines) + "\n"
