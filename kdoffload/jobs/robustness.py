"""The robustness job: every policy and decoder on shifted regimes; writes report/robustness.*."""

from __future__ import annotations

from dataclasses import dataclass

from kdoffload.evaluation import robustness as robust
from kdoffload.jobs.evaluate import every_policy
from kdoffload.jobs.reporter import Reporter
from kdoffload.model.decider import TOP_K
from kdoffload.model.io import atomic_write_json, atomic_write_text
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs


@dataclass(frozen=True)
class RobustnessJob:
    profile: Profile
    regimes: tuple  # loaded regimes (model.regimes.load_regime)
    states: int = 2000
    seed: int = 0
    top_k: int = TOP_K


def run(cfg: RobustnessJob, reporter: Reporter) -> dict:
    out_dir = Runs(cfg.profile.name).report
    policies, _ = every_policy(cfg.profile, cfg.top_k, reporter)
    result = robust.robustness(cfg.profile, list(cfg.regimes), policies, cfg.states, cfg.seed,
                               lambda name: reporter.note(f"{name} done", highlight=True))
    atomic_write_json(out_dir / "robustness.json", result)
    text = robust.markdown(result)
    atomic_write_text(out_dir / "robustness.md", text)
    reporter.show(text)
    reporter.show(f"wrote {out_dir / 'robustness.json'} and {out_dir / 'robustness.md'}", highlight=True)
    return result
