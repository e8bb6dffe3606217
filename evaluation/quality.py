"""Decision quality on held-out states: every policy's delay against the optimum (model.metrics)."""

from __future__ import annotations

import time


from kdoffload.model.dataset import Demonstrations
from kdoffload.model.decider import TOP_K, Decider, Decoder, DecoderConfig, decode
from kdoffload.model.decoding import argmax_placements, verified_topk
from kdoffload.model.features import Support
from kdoffload.model.learned import load_net_decider
from kdoffload.model.metrics import delay_ratio, policy_metrics, ratio_metrics
from kdoffload.model.policies import OPTIMAL, Policy, baselines
from kdoffload.model.profile import Profile
from kdoffload.model.runs import KINDS, Runs


def learned_policies(profile: Profile, runs: Runs, k: int,
                     support: Support | None) -> tuple[list[Decider], dict]:
    """Teacher and students found in `runs`, each with argmax, verified top-K and guarded
    decoding; and each network's parameter count."""
    found, params = [], {}
    for name, kind in KINDS.items():
        path = runs.checkpoint(name)
        if not path.exists():
            continue
        decider, net, _ = load_net_decider(path, kind, profile, name, support=support)
        params[name] = net.parameter_count()
        found += with_decoders(decider, name, k) if name != "student-nokd" else [decider]
    return found, params


def with_decoders(decider: Decider, name: str, k: int) -> list[Decider]:
    """`decider` with argmax, verified top-K and guarded decoding, named as reports show them."""
    return [decider.with_decoder(config, config.label(name))
            for config in (DecoderConfig(decoder, k) for decoder in Decoder)]


def evaluate(profile: Profile, demos: Demonstrations, policies: list[Policy]) -> tuple[dict, dict]:
    """Metrics per policy name, and each policy's per-state ratio (for the CDF figure).

    A learned policy also reports the share of states it flagged as out of its training support.
    """
    metrics, ratios = {}, {}
    for policy in policies:
        flagged = None
        if policy.name == OPTIMAL:
            placements = demos.labels  # the test set's labels are the exact optimum
        elif isinstance(policy, Decider):
            placements, flagged = policy.decide_flagged(demos.states)
        else:
            placements = policy.decide(demos.states)
        metrics[policy.name], ratios[policy.name] = policy_metrics(profile, demos, placements)
        metrics[policy.name]["out_of_support"] = None if flagged is None else float(flagged.mean())
    return metrics, ratios


def all_policies(profile: Profile, runs: Runs, k: int = TOP_K,
                 support: Support | None = None) -> tuple[list[Policy], dict]:
    learned, params = learned_policies(profile, runs, k, support)
    return learned + baselines(profile), params


def quality_against_k(profile: Profile, demos: Demonstrations, decider: Decider,
                      ks=(1, 2, 4, 8, 16, 32)) -> list[dict]:
    """Verified top-K and guarded: mean ratio and Python decode cost per state as K grows.

    K=1 top-K is argmax plus all-local; guarded widens K out of support as `DecoderConfig` says.
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
        guarded = decode(profile, demos.states, logits, DecoderConfig(Decoder.GUARDED, k), flagged)
        guarded_us = (time.perf_counter() - started) / len(demos) * 1e6
        _, guarded_ratio = policy_metrics(profile, demos, guarded)
        rows.append({"k": k, "candidates": k + 1, **ratio_metrics(ratio),
                     "batched_decode_us_per_state": per_state_us,
                     "guarded": {**ratio_metrics(guarded_ratio), "batched_decode_us_per_state": guarded_us}})
    argmax_ratio = delay_ratio(demos, argmax_placements(logits))
    rows.insert(0, {"k": 0, "candidates": 1, **ratio_metrics(argmax_ratio),
                    "batched_decode_us_per_state": 0.0})
    return rows
