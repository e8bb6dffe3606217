"""The graph student's demonstrations: which families, sizes and shipped profiles, made once.

A plan names daggen parameter mixes, the graph sizes and how many states of each, and the
shipped profiles (each one graph). Every (mix, size) is one per-state-graph file made by
`graph_family.generate_family`; a shipped profile's states are written in the same layout, so
one loader reads them all. A file that exists is kept: the plan's names carry everything that
decides its bytes (mix, size, count, seed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kdoffload.model import daggen, exact
from kdoffload.model.dataset import _atomic_savez, _versions
from kdoffload.model.delay import delays
from kdoffload.model.graph_family import LAYOUT, generate_family, member_profile, pred_masks
from kdoffload.model.graph_features import GraphInputs, cut_states, graph_groups, graph_inputs, pad_states
from kdoffload.model.graphs import MAX_SUBTASKS
from kdoffload.model.nesting import parse_json
from kdoffload.model.errors import InputError
from kdoffload.model.parallel import JobMap
from kdoffload.model.profile import load_profile
from kdoffload.model.states import SCALAR_FIELDS, SUBTASK_FIELDS, States, sample_states

# Training mixes: the DRL papers' setting and three around it (wide/narrow, dense/sparse, long
# jumps, communication-light and -heavy). Held-out mixes lie outside every one of them.
TRAIN_MIXES = (
    "fat=0.7,density=0.6,regularity=0.7,jump=1,ccr=0.5",
    "fat=0.4,density=0.3,regularity=0.5,jump=2,ccr=0.3",
    "fat=0.9,density=0.8,regularity=0.9,jump=1,ccr=1",
    "fat=0.6,density=0.5,regularity=0.3,jump=2,ccr=0.1",
)
HELD_OUT_MIXES = (
    "fat=0.2,density=0.5,regularity=0.7,jump=1,ccr=0.5",
    "fat=0.8,density=0.9,regularity=0.6,jump=3,ccr=2",
    "fat=0.5,density=0.7,regularity=0.8,jump=1,ccr=0.2,mindata=5e3,maxdata=5e6",
)
SHIPPED = ("chain6", "dag10", "dag12", "dag14", "dag16")


@dataclass(frozen=True)
class DemoPlan:
    """Which demonstrations to make: every mix at every (size, states per mix), plus
    `profile_states` states of each shipped profile."""

    mixes: tuple[str, ...] = TRAIN_MIXES
    # Twice the states per size of the first recipe, and four times the shipped profiles': small
    # graphs certify in milliseconds, and the shipped profiles are where a student is compared
    # with each profile's own (docs/graphs.md, "One student for any graph").
    sizes: tuple[tuple[int, int], ...] = ((5, 1200), (6, 1200), (8, 1800), (10, 1800), (12, 1800),
                                          (14, 1000), (16, 600), (20, 120))
    profiles: tuple[str, ...] = SHIPPED
    profile_states: int = 4000
    seed: int = 0


def family_spec(mix: str, n: int) -> str:
    return f"daggen:n={n},{mix}"


def _file_name(what: str, samples: int, seed: int) -> str:
    tag = what.replace("daggen:", "").replace(",", "_").replace("=", "")
    return f"{tag}_s{samples}_seed{seed}.npz"


def profile_demos(name: str, samples: int, seed: int, out: Path, solver: str) -> Path:
    """A shipped profile's states and optima in the per-state-graph layout (every state its graph)."""
    profile = load_profile(name)
    states = sample_states(profile, samples, np.random.default_rng([seed, 11]))
    solution = exact.solve_certified(profile, states, exact.DEFAULT_BUDGET, solver)
    n = profile.n
    arrays = {"n_subtasks": np.full(samples, n, dtype=np.int16),
              "pred_mask": np.repeat(pred_masks(profile.graph)[None], samples, axis=0),
              "labels": np.full((samples, MAX_SUBTASKS), -1, dtype=np.int8),
              "optimal_delay": solution.delay, "gap": solution.gap, "certified": solution.certified}
    arrays["labels"][:, :n] = solution.labels
    arrays.update(pad_states(states).to_dict())
    meta = {"profile": profile.to_dict(), "layout": LAYOUT, "seed": seed, "samples": samples,
            "versions": _versions()}
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    _atomic_savez(out, arrays)
    return out


def make_demos(plan: DemoPlan, out_dir: Path, solver: str, workers: int = 1,
               jobs: JobMap | None = None, log=print) -> list[Path]:
    """Every file of the plan in `out_dir` (made when missing), in plan order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, samples in plan.sizes:
        for mix in plan.mixes:
            spec = family_spec(mix, n)
            path = out_dir / _file_name(spec, samples, plan.seed)
            if not path.exists():
                log(f"demonstrations: {spec}, {samples} states")
                generate_family(load_profile(spec, allow_family=True), samples, plan.seed, path,
                                workers, jobs, solver)
            paths.append(path)
    for name in plan.profiles:
        path = out_dir / _file_name(name, plan.profile_states, plan.seed)
        if not path.exists():
            log(f"demonstrations: {name}, {plan.profile_states} states")
            profile_demos(name, plan.profile_states, plan.seed, path, solver)
        paths.append(path)
    return paths


@dataclass
class GraphDemos:
    """Demonstrations of many graphs, padded to MAX_SUBTASKS: n [S], pred_mask uint64 [S, 64],
    labels int8 [S, 64] (-1 past n), optimal_delay [S], certified bool [S], and the states
    (per-subtask fields [S, 64], 0 past n)."""

    n: np.ndarray
    pred_mask: np.ndarray
    labels: np.ndarray
    optimal_delay: np.ndarray
    certified: np.ndarray
    states: States
    source: np.ndarray  # [S] index into `names`: which file each state came from
    names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.n)

    def inputs(self) -> GraphInputs:
        """The raw graph inputs of every state."""
        return graph_inputs(self.n, self.pred_mask, self.states)

    def delays(self, placements: np.ndarray) -> np.ndarray:
        """T(x_s; s) [S] for one placement per state, padded [S, 64] (entries past n ignored)."""
        out = np.zeros(len(self))
        for profile, members in graph_groups(self.n, self.pred_mask):
            out[members] = delays(profile, cut_states(self.states[members], profile.n),
                                  placements[members, :profile.n])
        return out

    def subset(self, index: np.ndarray) -> GraphDemos:
        return GraphDemos(self.n[index], self.pred_mask[index], self.labels[index],
                          self.optimal_delay[index], self.certified[index], self.states[index],
                          self.source[index], self.names)


def load_demos(paths: list[Path]) -> GraphDemos:
    """Read per-state-graph files into one padded batch."""
    parts = []
    for path in paths:
        with np.load(path) as z:
            if parse_json(str(z["meta"]), path).get("layout") != LAYOUT:
                raise InputError(f"{path}: not a per-state-graph dataset")
            parts.append({k: z[k] for k in z.files if k != "meta"})
    cat = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    source = np.concatenate([np.full(len(p["n_subtasks"]), k) for k, p in enumerate(parts)])
    states = States(**{k: cat[k] for k in SUBTASK_FIELDS + SCALAR_FIELDS})
    return GraphDemos(cat["n_subtasks"].astype(np.int64), cat["pred_mask"], cat["labels"],
                      cat["optimal_delay"], cat["certified"], states, source,
                      tuple(Path(p).stem for p in paths))


def draw_graph_states(count: int, sizes: tuple[int, int], seed: int,
                      mixes: tuple[str, ...] = TRAIN_MIXES) -> GraphDemos:
    """`count` graphs of the mixes (in turn) with sizes uniform in `sizes`, one state each,
    unsolved: labels UNLABELLED (-1), no optimum."""
    rng = np.random.default_rng([seed, 23])
    n, masks, parts = np.zeros(count, dtype=np.int64), np.zeros((count, MAX_SUBTASKS), dtype=np.uint64), []
    for k in range(count):
        size = int(rng.integers(sizes[0], sizes[1] + 1))
        family = load_profile(family_spec(mixes[k % len(mixes)], size), allow_family=True)
        graph = daggen.generate(family.family, rng)
        state = sample_states(member_profile(family, graph), 1, rng)
        n[k], masks[k] = graph.n, pred_masks(graph)
        parts.append(pad_states(state))
    states = States.concat(parts)
    return GraphDemos(n, masks, np.full((count, MAX_SUBTASKS), -1, dtype=np.int8), np.zeros(count),
                      np.zeros(count, dtype=bool), states, np.zeros(count, dtype=np.int64), ("drawn",))
