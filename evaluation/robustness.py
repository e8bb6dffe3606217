"""Decisions off the training distribution: every policy and decoder on named shift regimes.

Each regime moves some sampling ranges beyond training (`configs/regimes/`); its states are solved
exactly, and every policy's delay is taken as a ratio to that optimum. Learned policies report
which share of states they flagged as outside their training support (where the guarded decoder
widens its candidate set).
"""

from __future__ import annotations

import numpy as np

from kdoffload.evaluation import quality
from kdoffload.model.policies import Policy
from kdoffload.model.profile import Profile
from kdoffload.model.regimes import Regime
from kdoffload.model.states import sample_states
from kdoffload.model.states_file import solved

IN_DISTRIBUTION = "in-distribution"
REPORTED = ("mean_ratio", "p99_ratio", "beyond_2x", "out_of_support")


def regime_states(profile: Profile, regime: Regime | None, count: int, seed: int):
    """Solved states of one regime (None: the profile's own ranges), seeded per regime name."""
    drawn_from = regime.apply(profile) if regime else profile
    name = regime.name if regime else IN_DISTRIBUTION
    rng = np.random.default_rng([seed, *name.encode()])
    return solved(profile, sample_states(drawn_from, count, rng), name)


def robustness(profile: Profile, regimes: list[Regime], policies: list[Policy], count: int,
               seed: int, progress=None) -> dict:
    """Per regime (in-distribution first), the REPORTED metrics of every policy."""
    table = {}
    for regime in [None, *regimes]:
        demos = regime_states(profile, regime, count, seed)
        metrics, _ = quality.evaluate(profile, demos, policies)
        name = regime.name if regime else IN_DISTRIBUTION
        table[name] = {"moves": regime.moves if regime else "nothing",
                       "policies": {p: {k: m.get(k) for k in REPORTED} for p, m in metrics.items()}}
        if progress:
            progress(name)
    return {"profile": profile.name, "states_per_regime": count, "seed": seed, "regimes": table}


def markdown(result: dict) -> str:
    regimes = list(result["regimes"])
    policies = list(result["regimes"][regimes[0]]["policies"])
    head = "| policy | " + " | ".join(regimes) + " |"
    rule = "|---|" + "---:|" * len(regimes)

    def table(cell) -> list[str]:
        rows = [head, rule]
        for p in policies:
            rows.append(f"| {p} | " + " | ".join(cell(result["regimes"][r]["policies"][p]) for r in regimes) + " |")
        return rows

    def fmt(value, pattern):
        return "—" if value is None else pattern.format(value)

    lines = [f"# {result['profile']}: robustness off the training distribution", "",
             f"{result['states_per_regime']:,} states per regime (seed {result['seed']}), each solved "
             "exactly. Regimes: " + "; ".join(f"**{r}** moves {result['regimes'][r]['moves']}"
                                              for r in regimes) + ".", "",
             "Mean delay ratio (delay / optimal delay):", "", *table(lambda m: fmt(m["mean_ratio"], "{:.4f}")), "",
             "Share of states beyond 2x the optimum / p99 ratio:", "",
             *table(lambda m: f"{fmt(m['beyond_2x'], '{:.2%}')} / {fmt(m['p99_ratio'], '{:.3f}')}"), "",
             "Share of states flagged out of the training support (learned policies):", "",
             *table(lambda m: fmt(m["out_of_support"], "{:.1%}"))]
    return "\n".join(lines) + "\n"
