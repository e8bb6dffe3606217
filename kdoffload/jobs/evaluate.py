"""The evaluate job: every policy on held-out and shifted test states, or on a file of states."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path

from kdoffload.evaluation import quality, report as quality_report
from kdoffload.jobs.data import load_split, training_support
from kdoffload.jobs.reporter import Reporter
from kdoffload.mobile_export.config import ExportConfig, pte_path
from kdoffload.model.decider import TOP_K, Decoder
from kdoffload.model.io import atomic_write_json, atomic_write_text
from kdoffload.model.policies import baselines
from kdoffload.model.profile import Profile, check_name
from kdoffload.model.runs import Runs
from kdoffload.model.states_file import load_states, solved


@dataclass(frozen=True)
class EvaluateJob:
    profile: Profile
    top_k: int = TOP_K
    full: bool = False
    workers: int = 2
    states: Path | None = None  # a file of states to score instead of the test splits


def run(cfg: EvaluateJob, reporter: Reporter) -> dict:
    if cfg.states is not None:
        return _on_states(cfg.profile, cfg.states, cfg.top_k, reporter)
    profile, runs = cfg.profile, Runs(cfg.profile.name)
    test = load_split(profile, "test", reporter, cfg.workers, cfg.full)
    shifted = load_split(profile, "shifted", reporter, cfg.workers, cfg.full)
    support = training_support(profile, reporter, cfg.full, cfg.workers)
    policies, params = quality.all_policies(profile, runs, cfg.top_k, support)
    metrics, ratios = quality.evaluate(profile, test, policies)
    shifted_metrics, _ = quality.evaluate(profile, shifted, policies)
    params = {name: params.get(name) for name in ("teacher", "student")}
    student = next((p for p in policies if p.name == "student"), None)
    report = {"profile": profile.name, "test": {"samples": len(test), "seed": test.meta["seed"]},
              "policies": metrics, "params": params,
              "shifted": {"samples": len(shifted), "seed": shifted.meta["seed"], "policies": shifted_metrics},
              "topk_curve": quality.quality_against_k(profile, test, student) if student else [],
              "machine": {"python": platform.python_version(), "platform": platform.platform()}}
    quality_report.write_report(runs.report, report, ratios)
    reporter.show((runs.report / "quality.md").read_text())
    return report


def every_policy(profile: Profile, k: int, reporter: Reporter) -> tuple[list, dict]:
    """Learned networks (each decoder), the exported student .pte (each decoder), the baselines."""
    from kdoffload.mobile_export.policy import load_pte_decider

    runs = Runs(profile.name)
    learned, params = quality.learned_policies(profile, runs, k, training_support(profile, reporter))
    pte = pte_path(runs.export, ExportConfig.shipped())
    exported = [load_pte_decider(profile, pte, decoder, k) for decoder in Decoder] if pte.exists() else []
    return learned + exported + baselines(profile), params


def _on_states(profile: Profile, states: Path, top_k: int, reporter: Reporter) -> dict:
    stem = check_name(states.stem, f"{states}: file name")
    out_dir = Runs(profile.name).report
    demos = solved(profile, load_states(states, profile), str(states))
    policies, _ = every_policy(profile, top_k, reporter)
    metrics, _ = quality.evaluate(profile, demos, policies)
    result = {"profile": profile.name, "states_file": str(states), "samples": len(demos), "policies": metrics}
    atomic_write_json(out_dir / f"states-{stem}.json", result)
    text = (f"# {profile.name}: decision quality on {states} ({len(demos):,} states)\n\n"
            + quality_report.markdown_table(metrics) + "\n")
    atomic_write_text(out_dir / f"states-{stem}.md", text)
    reporter.show(text)
    reporter.show(f"wrote {out_dir / f'states-{stem}.json'} and {out_dir / f'states-{stem}.md'}", highlight=True)
    return result
