"""The guarded decision for any task graph (N <= 64): candidates from the model, the heuristics,
then a bounded local search, every placement scored by the delay model (docs/model.md).

For one state, from its per-subtask logits [N, 3] (log-probabilities are logits too):
1. candidates: the K most probable placements (beam top-K, K = DecoderConfig's top_k, or its
   widened ood_top_k for a state out of the training support), the greedy placement, HEFT's
   placement and the three single-site placements;
2. the fastest candidate, ties to the lexicographically smallest placement;
3. first-improvement one-flip local search from it: the placements that move one subtask to
   another site are taken in scan order (flip 2i + r moves subtask i to the r-th of its two other
   sites, lower first), cyclically from the flip after the last move; the first that is strictly
   faster replaces the current placement. It stops once 2N flips in a row lower nothing (a
   one-flip local optimum) or after passes * 2N flips scored (`passes` full scans' worth).
Step 3 only ever lowers T, and step 2 keeps the best of a set that holds greedy's, HEFT's and
every single-site placement, so the decision is never worse than any of them, by construction.

The C++ core (native/src/graph_decoder.cpp) and the Java core (GraphDecoder) are ports of this
function, placement for placement.
"""

from __future__ import annotations

import numpy as np

from kdoffload.model import native
from kdoffload.model.decider import DecoderConfig
from kdoffload.model.decoding import single_site_candidates, topk_placements
from kdoffload.model.delay import delays
from kdoffload.model.graph_heuristics import Heft
from kdoffload.model.policies import Greedy
from kdoffload.model.profile import Profile
from kdoffload.model.states import States

# The local search scores at most this many scans' worth of flips (2N each). On daggen graphs of
# N = 30-50 it reaches a one-flip local optimum well within 8 in nearly every state.
# First improvement rather than best: at N = 50 the C++ port scores 228 flips a decision against
# best improvement's 541, for guarded T/T* within 0.003 on the evaluation sets (docs/graphs.md).
LOCAL_SEARCH_PASSES = 8


def lexicographic_first(candidates: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Per row, the index of the lexicographically smallest eligible candidate.

    candidates [B, C, N] int8, eligible [B, C] bool (at least one per row) -> [B] ints.
    Column by column, so it holds for any N (a base-3 code overflows int64 past N = 39).
    """
    keep = eligible.copy()
    for column in range(candidates.shape[2]):
        sites = np.where(keep, candidates[:, :, column], 3)
        keep &= sites == sites.min(axis=1, keepdims=True)
    return np.argmax(keep, axis=1)


def score(profile: Profile, states: States, candidates: np.ndarray) -> np.ndarray:
    """T of every candidate of every state: candidates [B, C, N] -> [B, C] seconds."""
    batch, width, n = candidates.shape
    lanes = states[np.repeat(np.arange(batch), width)]
    return delays(profile, lanes, candidates.reshape(-1, n)).reshape(batch, width)


def best_candidates(profile: Profile, states: States, candidates: np.ndarray):
    """The fastest candidate per state, ties to the smallest: ([B, N] int8, its T [B])."""
    cost = score(profile, states, candidates)
    pick = lexicographic_first(candidates, cost == cost.min(axis=1, keepdims=True))
    rows = np.arange(len(candidates))
    return candidates[rows, pick].copy(), cost[rows, pick]


def one_flips(placements: np.ndarray) -> np.ndarray:
    """Every placement one move away, in scan order: [B, N] -> [B, 2N, N] int8.

    Flip 2i + r moves subtask i to the r-th (r = 0, 1) of its two other sites, lower first.
    """
    batch, n = placements.shape
    flips = np.repeat(placements[:, None, :], 2 * n, axis=1)
    subtask = np.repeat(np.arange(n), 2)
    offset = np.tile([1, 2], n)  # (site + 1) % 3 and (site + 2) % 3, sorted below
    current = placements[:, subtask]
    first, second = (current + 1) % 3, (current + 2) % 3
    moved = np.where(offset == 1, np.minimum(first, second), np.maximum(first, second))
    flips[:, np.arange(2 * n), subtask] = moved
    return flips


def local_search(profile: Profile, states: States, placements: np.ndarray, cost: np.ndarray,
                 passes: int = LOCAL_SEARCH_PASSES):
    """First-improvement one-flip search (module docstring): ([B, N] int8, T [B]), never slower.

    Vectorised over states: each step scores every flip of the current placement, and the
    first strictly faster one in cyclic scan order from the cursor is the one the ports' scan
    reaches first, `step + 1` flips later.
    """
    placements, cost = placements.copy(), cost.copy()
    flips = 2 * placements.shape[1]
    budget = passes * flips
    cursor, scored = np.zeros(len(placements), int), np.zeros(len(placements), int)
    active = np.arange(len(placements)) if budget > 0 else np.arange(0)
    while len(active):
        moved = one_flips(placements[active])
        order = (cursor[active, None] + np.arange(flips)) % flips
        flip_cost = np.take_along_axis(score(profile, states[active], moved), order, axis=1)
        improving = flip_cost < cost[active, None]
        step = np.argmax(improving, axis=1)
        keep = improving.any(axis=1) & (scored[active] + step + 1 <= budget)
        rows, step = np.flatnonzero(keep), step[keep]
        pick = order[rows, step]
        active = active[rows]
        placements[active] = moved[rows, pick]
        cost[active] = flip_cost[rows, step]
        scored[active] += step + 1
        cursor[active] = (pick + 1) % flips
    return placements, cost


def guarded_decision(profile: Profile, states: States, logits: np.ndarray,
                     config: DecoderConfig = DecoderConfig(), out_of_support: np.ndarray | None = None,
                     passes: int = LOCAL_SEARCH_PASSES) -> np.ndarray:
    """Placements [S, N] int8 for states of one graph from their logits [S, N, 3]."""
    logits = np.asarray(logits)
    if logits.shape != (len(states), profile.n, 3):
        raise ValueError(f"logits shape {logits.shape} != ({len(states)}, {profile.n}, 3)")
    flagged = np.zeros(len(states), bool) if out_of_support is None else np.asarray(out_of_support, bool)
    placements = np.empty((len(states), profile.n), dtype=np.int8)
    for mask, width in ((~flagged, config.top_k), (flagged, config.ood_top_k)):
        if mask.any():
            placements[mask] = _decide(profile, states[mask], logits[mask], width, passes)
    return placements


def heft_placements(profile: Profile, states: States) -> np.ndarray:
    """HEFT's placements [S, N]: the C++ port where it is built (the same placements, held
    equal by tests/native), as numpy's HEFT schedules states of different rank orders one by
    one, ~80 ms a state at N = 50."""
    if native.available():
        return native.heft(profile, states)[0]
    return Heft(profile).decide(states)


def _decide(profile: Profile, states: States, logits: np.ndarray, k: int, passes: int) -> np.ndarray:
    beam, _ = topk_placements(logits, k)
    guaranteed = np.stack([Greedy(profile).decide(states), heft_placements(profile, states)], axis=1)
    singles = single_site_candidates(len(states), profile.n)
    candidates = np.concatenate([beam, guaranteed.astype(np.int8), singles], axis=1)
    start, cost = best_candidates(profile, states, candidates)
    return local_search(profile, states, start, cost, passes)[0]
