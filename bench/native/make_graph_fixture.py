"""The input of `kdo_bench --graph`: one task graph, raw states, logits and the guarded decision
Python makes of each (model/graph_decoding.py), which the runner must reproduce before it times.

    python bench/native/make_graph_fixture.py --out build/native/graph50.json \\
        --profile "daggen:n=50,fat=0.7,density=0.6,regularity=0.7,ccr=0.5,seed=0" --guide heft

--guide says where the logits come from until a graph student's export is given: `heft`
(HEFT's placement, 1 at its site and 0 elsewhere: a guide that is right about as often as HEFT)
or `random` (standard normal: a guide that knows nothing, so the local search works hardest).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from kdoffload.model.decider import DecoderConfig
from kdoffload.model.delay import delays
from kdoffload.model.graph_decoding import LOCAL_SEARCH_PASSES, PAIR_WORK, guarded_decision, heft_placements
from kdoffload.model.io import atomic_write_json
from kdoffload.model.profile import load_profile
from kdoffload.model.states import sample_states

PAPER_GRAPH = "daggen:n=50,fat=0.7,density=0.6,regularity=0.7,ccr=0.5,seed=0"


def guide_logits(guide: str, profile, states, rng) -> np.ndarray:
    if guide == "heft":
        return np.eye(3, dtype=np.float32)[heft_placements(profile, states)]
    return rng.normal(size=(len(states), profile.n, 3)).astype(np.float32)


def fixture(profile, count: int, seed: int, guide: str, ood_every: int) -> dict:
    rng = np.random.default_rng(seed)
    states = sample_states(profile, count, rng)
    logits = guide_logits(guide, profile, states, rng)
    flagged = (np.arange(count) % ood_every == ood_every - 1) if ood_every else np.zeros(count, bool)
    return {**fixture_of(profile, states, logits, flagged), "guide": guide}


def fixture_of(profile, states, logits: np.ndarray, flagged: np.ndarray) -> dict:
    """The fixture of given states and logits [S, N, 3]: each case with Python's guarded decision."""
    config = DecoderConfig()
    placements = guarded_decision(profile, states, logits, config, flagged)
    found = delays(profile, states, placements)
    raw = states.to_dict()
    cases = [{"state": {key: value[k].tolist() for key, value in raw.items()}, "logits": logits[k].tolist(),
              "out_of_support": bool(flagged[k]), "placement": placements[k].tolist(),
              "delay_s": float(found[k])} for k in range(len(states))]
    return {"profile": {"name": profile.name, "n": profile.n, "edges": [list(e) for e in profile.edges],
                        "edge_cores": profile.edge_cores},
            "decoder": {"top_k": config.top_k, "ood_top_k": config.ood_top_k,
                        "local_search_passes": LOCAL_SEARCH_PASSES, "pair_work": PAIR_WORK},
            "cases": cases}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--profile", default=PAPER_GRAPH, help="a profile, a profile file or a daggen spec with seed=")
    parser.add_argument("--states", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--guide", choices=("heft", "random"), default="heft")
    parser.add_argument("--ood-every", type=int, default=0, help="every K-th state out of support (0: none)")
    args = parser.parse_args(argv)
    profile = load_profile(args.profile)
    atomic_write_json(args.out, fixture(profile, args.states, args.seed, args.guide, args.ood_every))
    print(f"wrote {args.out}: {args.states} states of {profile.name} (n = {profile.n}), guide {args.guide}")


if __name__ == "__main__":
    main()
