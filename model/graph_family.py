"""Demonstrations of a family profile: every state comes with its own graph of the family.

The `.npz` keeps the single-graph dataset's field names and pads the subtask axis to
MAX_SUBTASKS (docs/formats.md): `n_subtasks` int16 [S]; `pred_mask` uint64 [S, 64], bit j of
pred_mask[s, i] set when subtask j feeds subtask i; `cycles`, `out_bits`, `in_bits` float64
[S, 64], 0 past n; `labels` int8 [S, 64], -1 past n; `optimal_delay`, the certificate (`gap`,
`certified`, as in single-graph datasets) and the per-state scalars [S]; `meta` names the family
and `layout = "per-state-graph"`. There are no `features`: a model that reads the graph itself
is the next step, and its recipe will say how to build them.

Shards draw graphs and states from (seed, shard index) alone, as single-graph datasets do, so
the file is the same whatever the worker count.
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
SHARD_SIZE = 1024


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


def make_family_shard(family_dict: dict, seed: int, index: int, count: int,
                      solver: str = "numpy") -> dict[str, np.ndarray]:
    """One shard's arrays (in a worker): per state a graph of the family, a state, its optimum."""
    family = profile_from_dict(family_dict, allow_family=True)
    rng = np.random.default_rng(np.random.SeedSequence([seed, index]))
    out = {"n_subtasks": np.zeros(count, dtype=np.int16),
           "pred_mask": np.zeros((count, MAX_SUBTASKS), dtype=np.uint64),
           "labels": np.full((count, MAX_SUBTASKS), -1, dtype=np.int8),
           "optimal_delay": np.zeros(count), "gap": np.zeros(count),
           "certified": np.zeros(count, dtype=bool)}
    out.update({k: np.zeros((count, MAX_SUBTASKS)) for k in SUBTASK_FIELDS})
    out.update({k: np.zeros(count) for k in SCALAR_FIELDS})
    for k in range(count):
        graph = daggen.generate(family.family, rng)
        profile = member_profile(family, graph)
        state = sample_states(profile, 1, rng)
        solution = exact.solve_certified(profile, state, exact.DEFAULT_BUDGET, solver)
        n = graph.n
        out["n_subtasks"][k], out["pred_mask"][k] = n, pred_masks(graph)
        out["labels"][k, :n], out["optimal_delay"][k] = solution.labels[0], solution.delay[0]
        out["gap"][k], out["certified"][k] = solution.gap[0], solution.certified[0]
        for key, value in state.to_dict().items():
            if key in SUBTASK_FIELDS:
                out[key][k, :n] = value[0]
            else:
                out[key][k] = value[0]
    return out


def generate_family(family: Profile, samples: int, seed: int, out: Path, workers: int = 1,
                    jobs: JobMap | None = None, solver: str = "numpy") -> Path:
    """Write `samples` (>= 1) demonstrations of the family profile `family` to `out`, replacing
    it (the CLI has checked the output path and the counts where they entered)."""
    out = Path(out)
    if family.family is None:
        raise InputError(f"profile {family.name}: not a family (use `kdoffload data` for one graph)")
    check_solver(solver, member_profile(family, TaskGraph(family.n, ())))
    family_dict = family.to_dict()
    starts = range(0, samples, SHARD_SIZE)
    args = [(family_dict, seed, k, min(SHARD_SIZE, samples - s), solver) for k, s in enumerate(starts)]
    parts: list = [None] * len(args)
    for position, arrays in (jobs or process_pool(workers))(make_family_shard, args, {}):
        parts[position] = arrays
    arrays = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    meta = {"profile": family_dict, "layout": LAYOUT, "seed": seed, "samples": samples,
            "shard_size": SHARD_SIZE, "versions": _versions()}
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    _atomic_savez(out, arrays)
    return out


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
