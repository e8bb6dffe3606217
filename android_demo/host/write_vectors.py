"""Vectors the Java core must reproduce: the delay model, Greedy, the decoders, the executor.

For each profile: random states and placements with their delays (model/delay.py), the greedy
placement of each state (model/policies.py), the three decoders on random logits (half of them
on a coarse grid, so that ties in logits and in beam scores are common) with random
out-of-support flags (model/decider.py), the top-K and guarded decoders scoring their candidates
from observed backlogs (rate_estimate backlog, a fifth of the states with nothing queued), raw
observations with their summary
(model/observation.py), and a stream of tasks on shared resources with per-task
decision times, executed by scheduler/executor.py on a static network. Beside them,
graphs.json: daggen graphs of several sizes up to 64 subtasks with HEFT's placements
(model/graph_heuristics.py), the graph student's inputs, raw and normalised by statistics fitted
on them (model/graph_features.py), and the guarded decision for any graph
(model/graph_decoding.py).

    python android_demo/host/write_vectors.py --out build/android_host/vectors
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from kdoffload.model.decider import Decoder, DecoderConfig, decode  # noqa: E402
from kdoffload.model.delay import delays  # noqa: E402
from kdoffload.model.graph_features import GraphNormalizer, profile_inputs  # noqa: E402
from kdoffload.model.graph_decoding import LOCAL_SEARCH_PASSES, PAIR_WORK, guarded_decision, heft_placements  # noqa: E402
from kdoffload.model.io import atomic_write_text  # noqa: E402
from kdoffload.model import observation as obs  # noqa: E402
from kdoffload.model.policies import Greedy  # noqa: E402
from kdoffload.model.profile import load_profile  # noqa: E402
from kdoffload.model.states import STATE_FIELDS, sample_states  # noqa: E402
from kdoffload.scheduler.executor import Executor, tasks_from_states  # noqa: E402
from kdoffload.scheduler.network import Static  # noqa: E402


def state_records(states) -> list[dict]:
    return [{f: getattr(states, f)[k].tolist() for f in STATE_FIELDS} for k in range(len(states))]


def stream(profile, states, rng: np.random.Generator, tasks: int) -> dict:
    """Arrivals dense enough that tasks queue for the device core, the edge and the links."""
    placements = rng.integers(0, 3, size=(tasks, profile.n))
    mean_delay = float(delays(profile, states[:tasks], placements).mean())
    arrivals = np.cumsum(rng.exponential(0.6 * mean_delay, size=tasks))
    # Some decisions cost nothing (no core), the rest up to 5% of a task's delay.
    decision_s = np.where(rng.random(tasks) < 0.2, 0.0, rng.uniform(0, 0.05 * mean_delay, size=tasks))
    executor = Executor(profile, Static())
    runs = tasks_from_states(states[:tasks])
    out = {"arrivals_s": arrivals.tolist(), "placements": placements.tolist(),
           "decision_s": decision_s.tolist(), "decision_start_s": [], "start_s": [], "done_s": []}
    for k, arrival in enumerate(arrivals.tolist()):
        # As scheduler/stream.py's simulate() does it with every decision on the device core.
        begin = executor.device.first_idle(arrival)
        begin, start = executor.reserve_decision(k, arrival, begin, float(decision_s[k]))
        record = executor.run(k, arrival, begin, start, runs[k], placements[k])
        out["decision_start_s"].append(begin)
        out["start_s"].append(start)
        out["done_s"].append(record.done)
    return out


def decoded(profile, states, rng: np.random.Generator) -> dict:
    count = len(states)
    logits = rng.normal(0, 2, size=(count, profile.n, 3)).astype(np.float32)
    coarse = rng.random(count) < 0.5
    logits[coarse] = (rng.integers(-2, 3, size=(int(coarse.sum()), profile.n, 3)) * 0.5).astype(np.float32)
    flagged = rng.random(count) < 0.3
    out = {"logits": logits.tolist(), "out_of_support": flagged.tolist(), **DecoderConfig().to_manifest()}
    for decoder in Decoder:
        config = DecoderConfig(decoder)
        out[decoder.value] = decode(profile, states, logits, config, flagged).tolist()
    return out


def backlog_decoded(profile, states, decoders: dict, rng: np.random.Generator) -> dict:
    """The top-K and guarded decoders of `decoders`' logits and flags with rate_estimate backlog:
    per state a raw observation whose backlogs (on the order of the all-local delay, none in a
    fifth of the states) the candidates start behind."""
    count = len(states)
    logits = np.asarray(decoders["logits"], dtype=np.float32)
    flagged = np.asarray(decoders["out_of_support"], dtype=bool)
    scale = delays(profile, states, np.zeros((count, profile.n), dtype=np.int8))
    busy = rng.exponential(1.0, size=(count, 3)) * scale[:, None]
    busy[rng.random(count) < 0.2] = 0.0
    up = np.exp(rng.uniform(np.log(1e5), np.log(1e8), (count, obs.HISTORY)))
    seen = obs.Observation(up, up * rng.uniform(1, 5, (count, obs.HISTORY)), *busy.T.copy())
    out = {"observations": [seen.record(k) for k in range(count)]}
    for decoder in (Decoder.TOPK, Decoder.GUARDED):
        config = DecoderConfig(decoder, rate_estimate="backlog")
        out[decoder.value] = decode(profile, states, logits, config, flagged, busy).tolist()
    return out


def observations(rng: np.random.Generator, count: int = 200) -> dict:
    """Raw observations and their summary (model/observation.py); a few hold still."""
    up = np.exp(rng.uniform(np.log(1e3), np.log(1e9), (count, obs.HISTORY)))
    down = up * rng.uniform(1, 5, (count, obs.HISTORY))
    up[:10] = up[:10, :1]
    seen = obs.Observation(up, down, *rng.uniform(0, 5, (3, count)))
    summary = seen.summary()
    return {"raw": [seen.record(k) for k in range(count)],
            "summary": np.stack([summary[f] for f in obs.FIELDS], axis=1).tolist()}


def vectors(name: str, count: int, tasks: int, seed: int) -> dict:
    profile = load_profile(name)
    rng = np.random.default_rng(seed)
    states = sample_states(profile, count, rng)
    placements = rng.integers(0, 3, size=(count, profile.n))
    decoders = decoded(profile, states, rng)
    out = {
        "profile": {"name": profile.name, "n": profile.n, "edges": [list(e) for e in profile.edges],
                    "edge_cores": profile.edge_cores},
        "states": state_records(states),
        "placements": placements.tolist(),
        "delays_s": delays(profile, states, placements).tolist(),
        "greedy": Greedy(profile).decide(states).tolist(),
        "decoders": decoders,
        "stream": stream(profile, states, rng, tasks),
        "observations": observations(rng),
    }
    out["decoders"]["backlog"] = backlog_decoded(profile, states, decoders, np.random.default_rng(seed + 1))
    return out


def graph_vectors(n: int, count: int, seed: int) -> dict:
    """One daggen graph of n subtasks: states, logits (half on a coarse grid, for ties), flags,
    and what HEFT and the guarded decision for any graph make of them."""
    profile = load_profile(f"daggen:n={n},seed={seed}")
    rng = np.random.default_rng(seed)
    states = sample_states(profile, count, rng)
    logits = rng.normal(0, 2, size=(count, n, 3)).astype(np.float32)
    logits[: count // 2] = (rng.integers(-2, 3, size=(count // 2, n, 3)) * 0.5).astype(np.float32)
    flagged = rng.random(count) < 0.3
    config = DecoderConfig()
    raw = profile_inputs(profile, states)
    normalizer = GraphNormalizer.fit(raw)
    inputs = {"nodes": raw.nodes[:, :n].tolist(), "scalars": raw.scalars.tolist(),
              "normalizer": normalizer.to_dict(), "normalised_nodes": normalizer(raw).nodes[:, :n].tolist(),
              "normalised_scalars": normalizer(raw).scalars.tolist()}
    return {"profile": {"name": profile.name, "n": n, "edges": [list(e) for e in profile.edges],
                        "edge_cores": profile.edge_cores},
            "states": state_records(states), "logits": logits.tolist(), "out_of_support": flagged.tolist(),
            "top_k": config.top_k, "ood_top_k": config.ood_top_k, "local_search_passes": LOCAL_SEARCH_PASSES,
            "pair_work": PAIR_WORK, "heft": heft_placements(profile, states).tolist(), "features": inputs,
            "guarded": guarded_decision(profile, states, logits, config, flagged).tolist()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--states", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for name in ("chain6", "dag10"):
        path = args.out / f"{name}.json"
        atomic_write_text(path, json.dumps(vectors(name, args.states, args.tasks, args.seed)))
        print(f"wrote {path}")
    # An observing profile's manifest (a random student's, no .pte): its decoder scores from the
    # observed backlogs and its golden records were made so, behind non-zero queues.
    from bench.observation_cost import random_manifest

    _, dyn, _ = random_manifest("chain6-dyn", args.out / "chain6-dyn.manifest.json", seed=args.seed + 7)
    print(f"wrote {dyn}")
    graphs = [graph_vectors(n, 20, args.seed + n) for n in (1, 7, 20, 40, 64)]
    atomic_write_text(args.out / "graphs.json", json.dumps({"graphs": graphs}))
    print(f"wrote {args.out / 'graphs.json'}")


if __name__ == "__main__":
    main()
