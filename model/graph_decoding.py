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
   one-flip local optimum) or after passes * 2N flips scored (`passes` full scans' worth);
4. pair moves (pair_work > 0; 0 is the decoder before them): two subtasks moved at once, which
   a one-flip optimum misses when each move alone is slower (a parent and its child both moved
   off the device, each alone adding a transfer; two subtasks trading sites, each alone
   overloading one). Pair p = (i, j), i < j in scan order (i, then j); its eligible moves are the
   exchange (i takes j's site, j takes i's; sites differ) and, for an edge i -> j, both to one
   site neither is on (lower first). Each round scans them from the first; the first strictly
   faster one is taken and step 3 runs again from it (a fresh scan and budget). It stops at a
   round that lowers nothing or once pair_work // N pair moves are scored in all (a pair move
   replays up to N subtasks, so pair_work bounds the step's replay work, whatever N).
Steps 3 and 4 only ever lower T, and step 2 keeps the best of a set that holds greedy's, HEFT's
and every single-site placement, so the decision is never worse than any of them, by construction.

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
# The pair step scores at most PAIR_WORK // N pair moves a decision (pair_search): 128 at N = 8,
# 64 at N = 16, 20 at N = 50. At N = 50 a full scan has ~1,000 of them and each costs about a
# flip's replay or more, so this is what holds the decision's time there (docs/model.md); on
# the validation graphs (N = 6-10) and new graphs of the training mixes (N = 12) a budget of 64
# or more a decision reached what an unbounded one did, within 0.0002 of mean T/T*.
PAIR_WORK = 1024


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


def _other_site(site: np.ndarray, r) -> np.ndarray:
    """The r-th (r = 0, 1) of the two sites other than `site`, lower first."""
    first, second = (site + 1) % 3, (site + 2) % 3
    return np.where(r == 0, np.minimum(first, second), np.maximum(first, second)).astype(np.int8)


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


def _pair_index(profile: Profile):
    """Every pair i < j in scan order (i, then j) and whether it is an edge: ([P], [P], [P] bool)."""
    first, second = np.triu_indices(profile.n, k=1)
    linked = np.zeros((profile.n, profile.n), bool)
    for a, b in profile.edges:
        linked[a, b] = linked[b, a] = True
    return first, second, linked[first, second]


def pair_moves(profile: Profile, placements: np.ndarray):
    """Every pair move of each placement, in scan order: ([B, 4P, N] int8, [B, 4P] bool eligible).

    Move 4p + r of pair p = (i, j) puts subtask i at the (r // 2)-th of its two other sites and
    subtask j at the (r % 2)-th of its own (lower first); eligible are the exchange (i takes j's
    site and j takes i's) and, for an edge, both moved to one site neither is on. The scan
    order is that of the eligible moves by slot 4p + r.
    """
    first, second, linked = _pair_index(profile)
    batch, n = placements.shape
    xi, xj = placements[:, first, None], placements[:, second, None]
    r = np.arange(4)
    a, b = _other_site(xi, r // 2), _other_site(xj, r % 2)
    eligible = ((a == xj) & (b == xi)) | ((a == b) & linked[None, :, None])
    moved = np.repeat(placements[:, None, :], 4 * len(first), axis=1)
    slot = np.arange(4 * len(first))
    moved[:, slot, np.repeat(first, 4)] = a.reshape(batch, -1)
    moved[:, slot, np.repeat(second, 4)] = b.reshape(batch, -1)
    return moved, eligible.reshape(batch, -1)


def pair_search(profile: Profile, states: States, placements: np.ndarray, cost: np.ndarray,
                budget: int, passes: int = LOCAL_SEARCH_PASSES):
    """Pair moves between one-flip searches (module docstring): ([B, N] int8, T [B]), never slower.

    Each round scans the eligible pair moves of the current placement from the first; the first
    strictly faster one is taken and a one-flip search runs from it. At most `budget` pair moves
    are scored in all; a round that finds none ends the search.
    """
    placements, cost = placements.copy(), cost.copy()
    left = np.full(len(placements), budget)
    active = np.arange(len(placements)) if budget > 0 and profile.n > 1 else np.arange(0)
    while len(active):
        moved, eligible = pair_moves(profile, placements[active])
        rows, slots = np.nonzero(eligible)
        pair_cost = np.full(eligible.shape, np.inf)
        if len(rows):
            lanes = states[active[rows]]
            pair_cost[rows, slots] = delays(profile, lanes, moved[rows, slots])
        improving = eligible & (pair_cost < cost[active, None])
        position = np.cumsum(eligible, axis=1)  # scored moves up to and with each slot
        pick = np.argmax(improving, axis=1)
        took = position[np.arange(len(active)), pick]
        keep = improving.any(axis=1) & (took <= left[active])
        rows, pick, took = np.flatnonzero(keep), pick[keep], took[keep]
        active = active[rows]
        left[active] -= took
        placements[active] = moved[rows, pick]
        cost[active] = pair_cost[rows, pick]
        placements[active], cost[active] = local_search(profile, states[active], placements[active],
                                                        cost[active], passes)
        active = active[left[active] > 0]
    return placements, cost


def guarded_decision(profile: Profile, states: States, logits: np.ndarray,
                     config: DecoderConfig = DecoderConfig(), out_of_support: np.ndarray | None = None,
                     passes: int = LOCAL_SEARCH_PASSES, pair_work: int | None = None) -> np.ndarray:
    """Placements [S, N] int8 for states of one graph from their logits [S, N, 3]."""
    logits = np.asarray(logits)
    if logits.shape != (len(states), profile.n, 3):
        raise ValueError(f"logits shape {logits.shape} != ({len(states)}, {profile.n}, 3)")
    flagged = np.zeros(len(states), bool) if out_of_support is None else np.asarray(out_of_support, bool)
    placements = np.empty((len(states), profile.n), dtype=np.int8)
    for mask, width in ((~flagged, config.top_k), (flagged, config.ood_top_k)):
        if mask.any():
            placements[mask] = _decide(profile, states[mask], logits[mask], width, passes,
                                       (PAIR_WORK if pair_work is None else pair_work) // profile.n)
    return placements


def heft_placements(profile: Profile, states: States) -> np.ndarray:
    """HEFT's placements [S, N]: the C++ port where it is built (the same placements, held
    equal by tests/native), as numpy's HEFT schedules states of different rank orders one by
    one, ~80 ms a state at N = 50."""
    if native.available():
        return native.heft(profile, states)[0]
    return Heft(profile).decide(states)


def _decide(profile: Profile, states: States, logits: np.ndarray, k: int, passes: int,
            pair_budget: int) -> np.ndarray:
    beam, _ = topk_placements(logits, k)
    guaranteed = np.stack([Greedy(profile).decide(states), heft_placements(profile, states)], axis=1)
    singles = single_site_candidates(len(states), profile.n)
    candidates = np.concatenate([beam, guaranteed.astype(np.int8), singles], axis=1)
    start, cost = best_candidates(profile, states, candidates)
    placements, cost = local_search(profile, states, start, cost, passes)
    return pair_search(profile, states, placements, cost, pair_budget, passes)[0]
