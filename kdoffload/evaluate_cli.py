"""`kdoffload evaluate` (held-out, shifted, or a user's own states) and `kdoffload robustness`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kdoffload import options, outputs
from kdoffload.common import ProfileOption, console, err_console, user_errors
from kdoffload.lazy import lazy
from kdoffload.pipeline import training_support
from kdoffload.mobile_export.config import ExportConfig, pte_path
from kdoffload.model.decider import TOP_K, Decoder
from kdoffload.model.errors import InputError
from kdoffload.model.io import atomic_write_json, atomic_write_text
from kdoffload.model.policies import baselines
from kdoffload.model.profile import Profile, check_name, load_profile
from kdoffload.model.regimes import load_regime, shipped_regimes
from kdoffload.model.runs import Runs
from kdoffload.model.states_file import load_states, solved

quality = lazy("kdoffload.evaluation.quality")
quality_report = lazy("kdoffload.evaluation.report")
robust = lazy("kdoffload.evaluation.robustness")
learning = lazy("kdoffload.learning")
policy = lazy("kdoffload.mobile_export.policy")

TopKOption = Annotated[int, typer.Option("--top-k", help="Candidates of verified top-K and guarded decoding.")]


def every_policy(profile: Profile, k: int) -> tuple[list, dict]:
    """Learned networks (each decoder), the exported student .pte (each decoder), the baselines."""
    runs = Runs(profile.name)
    support = training_support(profile)
    learned, params = quality.learned_policies(profile, runs, k, support)
    pte = pte_path(runs.export, ExportConfig.shipped())
    exported = [policy.load_pte_decider(profile, pte, decoder, k) for decoder in Decoder] if pte.exists() else []
    return learned + exported + baselines(profile), params


def _check_k(top_k: int) -> None:
    if top_k < 1:
        raise InputError(f"--top-k: must be at least 1, got {top_k}")


@user_errors
def evaluate(profile: ProfileOption = "chain6",
             full: Annotated[bool, typer.Option("--full", help="The larger budget.")] = False,
             top_k: TopKOption = TOP_K,
             states: Annotated[Path, typer.Option(
                 help="Evaluate on these states instead: a dataset .npz or a CSV (docs/formats.md).")] = None):
    """Every policy on held-out and shifted test states, or on a file of states; writes a report."""
    _check_k(top_k)
    prof = load_profile(profile)
    with outputs.holding(Runs(prof.name).dir):
        options.output_dir(Runs(prof.name).report, "report folder")  # before any work
        if states is None:
            learning.evaluate(prof, top_k, full)
        else:
            _evaluate_states(prof, states, top_k)


def _evaluate_states(prof: Profile, states: Path, top_k: int) -> None:
    stem = check_name(states.stem, f"{states}: file name")
    out_dir = Runs(prof.name).report
    demos = solved(prof, load_states(states, prof), str(states))
    policies, _ = every_policy(prof, top_k)
    metrics, ratios = quality.evaluate(prof, demos, policies)
    atomic_write_json(out_dir / f"states-{stem}.json",
                      {"profile": prof.name, "states_file": str(states), "samples": len(demos),
                       "policies": metrics})
    text = (f"# {prof.name}: decision quality on {states} ({len(demos):,} states)\n\n"
            + quality_report.markdown_table(metrics) + "\n")
    atomic_write_text(out_dir / f"states-{stem}.md", text)
    console.print(text, markup=False, highlight=False)
    console.print(f"wrote {out_dir / f'states-{stem}.json'} and {out_dir / f'states-{stem}.md'}", markup=False)


@user_errors
def robustness(profile: ProfileOption = "chain6",
               regime: Annotated[list[str], typer.Option(
                   help="A shipped regime name or a regime TOML (repeatable; default: every shipped one).")] = None,
               states: Annotated[int, typer.Option(help="States per regime.")] = 2000,
               seed: Annotated[int, typer.Option(help="Seed of the state draws.")] = 0,
               top_k: TopKOption = TOP_K):
    """Every policy and decoder on shifted regimes (configs/regimes/); writes report/robustness.*."""
    _check_k(top_k)
    if not 1 <= states <= 1_000_000:
        raise InputError(f"--states: must be between 1 and 1,000,000, got {states}")
    if seed < 0:
        raise InputError(f"--seed: must not be negative, got {seed}")
    prof = load_profile(profile)
    regimes = [load_regime(r) for r in (regime or shipped_regimes())]
    with outputs.holding(Runs(prof.name).dir):
        _robustness(prof, regimes, states, seed, top_k)


def _robustness(prof: Profile, regimes: list, states: int, seed: int, top_k: int) -> None:
    out_dir = options.output_dir(Runs(prof.name).report, "report folder")
    policies, _ = every_policy(prof, top_k)
    result = robust.robustness(prof, regimes, policies, states, seed,
                               lambda name: err_console.print(f"{name} done", markup=False))
    atomic_write_json(out_dir / "robustness.json", result)
    text = robust.markdown(result)
    atomic_write_text(out_dir / "robustness.md", text)
    console.print(text, markup=False, highlight=False)
    console.print(f"wrote {out_dir / 'robustness.json'} and {out_dir / 'robustness.md'}", markup=False)
