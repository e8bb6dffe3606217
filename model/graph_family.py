"""Demonstrations of a family profile: every state comes with its own graph of the family.

The `.npz` keeps the single-graph dataset's field names and pads the subtask axis to
MAX_SUBTASKS (docs/formats.md): `n_subtasks` int16 [S]; `pred_mask` uint64 [S, 64], bit j of
pred_mask[s, i] set when subtask j feeds subtask i; `cycles`, `out_bits`, `in_bits` float64
[S, 64], 0 past n; `labels` int8 [S, 64], -1 past n; `optimal_delay`, the certificate (`gap`,
`certified`, as in single-graph datasets) and the per-state scalars [S]; `meta` names the family
and `layout = "per-state-graph"`. There are no `features`: a model that reads the graph itself
is the next step, and its recipe will say how to build them.

State k draws its graph and its state from (seed, k) alone, so the file is the same whatever
the worker count or the shard size. Shards are small: at N = 20-30 a state's certified solve
takes a second or more, and a few large shards would leave workers idle at the end.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np

from kdoffload.model import daggen, exact
from kdoffload.model.dataset import _atomic_savez, _versions, check_solver
from kdoffload.model.errors import InputError
from kdoffload.model.graphs import MAX_SUBTASKS, TaskGraph
from kdoffload.model.nesting import parse_json
from kdoffload.model.parallel import JobMap, process_pool
from kdoffload.model.profile import Profile, profile_from_dict
from kdoffload.model.states import SCALAR_FIELDS, SUBTASK_FIELDS, States, sample_states

LAYOUT = "per-state-graph"
SHARD_SIZE = 32  # states per job: at N = 20-30 tens of seconds to minutes, so the last jobs end close together


def member_profile(family: Profile, graph: TaskGraph) -> Profile:
    """The single-graph profile of one state: the family's settings on one of its graphs."""
    return dataclasses.replace(family, n=graph.n, edges=graph.edges, names=graph.names,
                               workload=graph.workload, family=None)


def pred_masks(graph: TaskGraph) -> np.ndarray:
    """[MAX_SUBTASKS] uint64: bit j of entry i set when j -> i is an edge."""
    masks = np.zeros(MAX_SUBTASKS, dtype=np.uint64)
    for j, i in graph.edges:
        masks[i] |= np.uint64(1) << np.uint64(j)
    return masks


def edges_from_masks(n: int, masks: np.ndarray) -> tuple[tuple[int, int], ...]:
    """The edges of a stored graph, in the order TaskGraph keeps them (by target, then source)."""
    return tuple((j, i) for i in range(n) for j in range(i) if (int(masks[i]) >> j) & 1)


def _empty_shard(count: int) -> dict[str, np.ndarray]:
    out = {"n_subtasks": np.zeros(count, dtype=np.int16),
           "pred_mask": np.zeros((count, MAX_SUBTASKS), dtype=np.uint64),
           "labels": np.full((count, MAX_SUBTASKS), -1, dtype=np.int8),
           "optimal_delay": np.zeros(count), "gap": np.zeros(count),
           "certified": np.zeros(count, dtype=bool)}
    out.update({k: np.zeros((count, MAX_SUBTASKS)) for k in SUBTASK_FIELDS})
    out.update({k: np.zeros(count) for k in SCALAR_FIELDS})
    return out


def _store(out: dict, k: int, graph: TaskGraph, state: States, solution: exact.Solution) -> None:
    n = graph.n
    out["n_subtasks"][k], out["pred_mask"][k] = n, pred_masks(graph)
    out["labels"][k, :n], out["optimal_delay"][k] = solution.labels[0], solution.delay[0]
    out["gap"][k], out["certified"][k] = solution.gap[0], solution.certified[0]
    for key in SUBTASK_FIELDS:
        out[key][k, :n] = getattr(state, key)[0]
    for key in SCALAR_FIELDS:
        out[key][k] = getattr(state, key)[0]


def make_family_shard(family_dict: dict, seed: int, start: int, count: int, solver: str = "numpy",
                      max_nodes: int = exact.DEFAULT_BUDGET.max_nodes) -> dict[str, np.ndarray]:
    """States start .. start + count - 1 (in a worker): per state a graph of the family, a state,
    its certified solve under `max_nodes`. State k draws from (seed, k) alone, so the file is the
    same whatever the shard size or the worker count."""
    family = profile_from_dict(family_dict, allow_family=True)
    budget = exact.Budget(max_nodes=max_nodes)
    out = _empty_shard(count)
    for k in range(count):
        rng = np.random.default_rng([seed, start + k])
        graph = daggen.generate(family.family, rng)
        profile = member_profile(family, graph)
        state = sample_states(profile, 1, rng)
        _store(out, k, graph, state, exact.solve_certified(profile, state, budget, solver))
    return out


def generate_family(family: Profile, samples: int, seed: int, out: Path, workers: int = 1,
                    jobs: JobMap | None = None, solver: str = "numpy",
                    max_nodes: int = exact.DEFAULT_BUDGET.max_nodes) -> Path:
    """Write `samples` (>= 1) demonstrations of the family profile `family` to `out`, replacing
    it (the CLI has checked the output path and the counts where they entered); each state's
    certified solve stops at `max_nodes` (0: never; numpy's solves are exact regardless)."""
    out = Path(out)
    if family.family is None:
        raise InputError(f"profile {family.name}: not a family (use `kdoffload data` for one graph)")
    check_solver(solver, member_profile(family, TaskGraph(family.n, ())))
    family_dict = family.to_dict()
    args = [(family_dict, seed, start, min(SHARD_SIZE, samples - start), solver, max_nodes)
            for start in range(0, samples, SHARD_SIZE)]
    parts: list = [None] * len(args)
    for position, arrays in (jobs or process_pool(workers))(make_family_shard, args, {}):
        parts[position] = arrays
    arrays = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    meta = {"profile": family_dict, "layout": LAYOUT, "seed": seed, "samples": samples,
            "max_nodes": max_nodes, "versions": _versions()}
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    _atomic_savez(out, arrays)
    return out


def certified_share(path: Path) -> float:
    """The share of a family dataset's states whose solve is certified optimal."""
    with np.load(path) as z:
        return float(z["certified"].mean())


def load_member(path: Path, k: int) -> tuple[Profile, States, np.ndarray, float]:
    """State k of a family dataset: its profile, its state, its optimal placement and delay."""
    with np.load(path) as z:
        meta = parse_json(str(z["meta"]), path)
        if meta.get("layout") != LAYOUT:
            raise InputError(f"{path}: not a per-state-graph dataset")
        n, masks = int(z["n_subtasks"][k]), z["pred_mask"][k]
        family = profile_from_dict(meta["profile"], str(path), allow_family=True)
        profile = dataclasses.replace(family, n=n, edges=edges_from_masks(n, masks), family=None)
        state = States(**{f: z[f][k:k + 1, :n] if f in SUBTASK_FIELDS else z[f][k:k + 1]
                          for f in SUBTASK_FIELDS + SCALAR_FIELDS})
        return profile, state, z["labels"][k, :n], float(z["optimal_delay"][k])
