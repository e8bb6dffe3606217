"""Exact solvers: x* = argmin_x T(x; state), ties to the lexicographically smallest x.

- `exhaustive`: every one of the 3^N placements, any graph. The schedule after subtasks 0..i
  depends only on x_0..x_i, so placements are grown as a prefix tree, one level per subtask:
  level i costs 3^(i+1) lanes, and the whole tree about 1.5 * 3^N lane-steps instead of N * 3^N.
  The frontier is split whenever its leaves would exceed `LEAF_CHUNK` lanes, so memory stays
  bounded for N up to 12.
- `chain_dp`: chains only, O(9N) per state and vectorised over states. With no parallelism
  every step is non-decreasing in its start time, so the earliest finish per (subtask, site)
  is all the future needs. Lexicographic ties are resolved by fixing x_0, x_1, ... in turn to the
  smallest site whose best completion still reaches T*: the fixed prefix and the free DP compute
  a path's time with the same operations, so equality is exact, not approximate.
"""

from __future__ import annotations

import numpy as np

from kdoffload.model.delay import BH_DOWN, BH_UP, DOWN, UP, Params, Schedule
from kdoffload.model.errors import InputError
from kdoffload.model.profile import CLOUD, DEVICE, EDGE, Profile
from kdoffload.model.states import States

LEAF_CHUNK = 3**10


def code_to_placement(code: int, n: int) -> np.ndarray:
    digits = np.zeros(n, dtype=np.int8)
    for i in range(n - 1, -1, -1):
        code, digits[i] = divmod(code, 3)
    return digits


def all_placements(n: int) -> np.ndarray:
    """Every placement in lexicographic order: [3^n, n] int8."""
    codes = np.arange(3**n)
    return np.stack([(codes // 3 ** (n - 1 - i)) % 3 for i in range(n)], axis=1).astype(np.int8)


def _search(schedule: Schedule, codes: np.ndarray, i: int, n: int) -> tuple[float, int]:
    if i == n:
        total = schedule.finish()
        best = total.min()
        return float(best), int(codes[total == best].min())
    remaining = 3 ** (n - i)
    lanes = schedule.lanes
    if lanes > 1 and lanes * remaining > LEAF_CHUNK:
        step = max(1, LEAF_CHUNK // remaining)
        return min(_search(schedule.take(slice(a, a + step)), codes[a:a + step], i, n)
                   for a in range(0, lanes, step))
    blocks = []
    for site in (DEVICE, EDGE, CLOUD):
        block = schedule.copy() if site != CLOUD else schedule
        block.place(i, site)
        blocks.append(block)
    weight = 3 ** (n - 1 - i)
    codes = np.concatenate([codes + site * weight for site in (DEVICE, EDGE, CLOUD)])
    return _search(Schedule.concat(blocks), codes, i + 1, n)


def exhaustive_one(profile: Profile, states: States, k: int = 0) -> tuple[np.ndarray, float]:
    """The optimal placement of state k and its delay, by searching all 3^N placements."""
    schedule = Schedule(profile, Params.from_state(states, k), 1)
    best, code = _search(schedule, np.zeros(1, dtype=np.int64), 0, profile.n)
    return code_to_placement(code, profile.n), best


def exhaustive(profile: Profile, states: States) -> tuple[np.ndarray, np.ndarray]:
    """Optimal placements [S, N] int8 and delays [S] for every state."""
    placements = np.zeros((len(states), profile.n), dtype=np.int8)
    optimal = np.zeros(len(states))
    for k in range(len(states)):
        placements[k], optimal[k] = exhaustive_one(profile, states, k)
    return placements, optimal


# -- chains ------------------------------------------------------------------------------------

_HOPS = {(DEVICE, EDGE): (UP,), (DEVICE, CLOUD): (UP, BH_UP), (EDGE, DEVICE): (DOWN,),
         (EDGE, CLOUD): (BH_UP,), (CLOUD, EDGE): (BH_DOWN,), (CLOUD, DEVICE): (BH_DOWN, DOWN)}


def _chain_move(params: Params, src: int, dst: int, bits, t):
    """Arrival of `bits` sent at t from src to dst on an idle chain (through the edge if needed)."""
    for link in _HOPS.get((src, dst), ()):
        t = t + (bits / params.rate[link] + params.lat[link])
    return t


def _chain_step(params: Params, i: int, src: int, dst: int, t):
    """Finish of chain subtask i at dst when subtask i-1 (or the input) finished at t on src."""
    bits = params.in_bits[i] if i == 0 else params.out_bits[i - 1]
    start = _chain_move(params, src, dst, bits, t)
    if dst == EDGE:  # an earlier edge subtask has finished before this one's input is ready
        start = np.maximum(start, params.edge_wait)
    return start + params.cycles[i] * params.seconds_per_cycle[dst]


def _chain_best(params: Params, n: int, prefix: list, lanes: int) -> np.ndarray:
    """min T over placements that start with `prefix` (one [S] site array per fixed subtask)."""
    t = np.zeros(lanes)
    site = np.zeros(lanes, dtype=np.int8)
    for i, fixed in enumerate(prefix):
        new_t = np.zeros(lanes)
        for src in (DEVICE, EDGE, CLOUD):
            for dst in (DEVICE, EDGE, CLOUD):
                mask = (site == src) & (fixed == dst)
                if mask.any():
                    new_t = np.where(mask, _chain_step(params, i, src, dst, t), new_t)
        t, site = new_t, fixed
    # Free DP from here: earliest finish per site.
    start = len(prefix)
    if start == 0:
        finish = [_chain_step(params, 0, DEVICE, dst, t) for dst in (DEVICE, EDGE, CLOUD)]
    else:
        finish = [np.where(site == dst, t, np.inf) for dst in (DEVICE, EDGE, CLOUD)]
    for i in range(max(start, 1), n):
        finish = [np.minimum.reduce([_chain_step(params, i, src, dst, finish[src])
                                     for src in (DEVICE, EDGE, CLOUD)])
                  for dst in (DEVICE, EDGE, CLOUD)]
    return np.minimum.reduce([_chain_move(params, src, DEVICE, params.out_bits[n - 1], finish[src])
                              for src in (DEVICE, EDGE, CLOUD)])


def _chain_one(params: Params, n: int) -> tuple[np.ndarray, float]:
    """The chain DP for one state in plain floats: the same operations as `_chain_best` in the
    same order (so the same bits), without numpy's per-call cost on length-1 arrays."""
    sites = (DEVICE, EDGE, CLOUD)

    def step(i, src, dst, t):
        bits = params.in_bits[i] if i == 0 else params.out_bits[i - 1]
        for link in _HOPS.get((src, dst), ()):
            t = t + (bits / params.rate[link] + params.lat[link])
        if dst == EDGE:
            t = max(t, params.edge_wait)
        return t + params.cycles[i] * params.seconds_per_cycle[dst]

    def best_from(i, site, t):
        finish = {site: t}
        for j in range(i + 1, n):
            finish = {dst: min(step(j, src, dst, ft) for src, ft in finish.items()) for dst in sites}
        return min(_chain_move(params, src, DEVICE, params.out_bits[n - 1], ft) for src, ft in finish.items())

    optimal = min(best_from(0, dst, step(0, DEVICE, dst, 0.0)) for dst in sites)
    placement, t, site = [], 0.0, DEVICE
    for i in range(n):
        for v in sites:
            t_v = step(i, site, v, t)
            if v == CLOUD or best_from(i, v, t_v) == optimal:
                placement.append(v)
                t, site = t_v, v
                break
    return np.array(placement, dtype=np.int8), optimal


def chain_dp(profile: Profile, states: States) -> tuple[np.ndarray, np.ndarray]:
    """Optimal placements [S, N] int8 and delays [S] on a chain, O(9N) per state, vectorised."""
    if not profile.is_chain:
        raise InputError(f"profile {profile.name}: the chain DP needs a chain graph")
    if len(states) == 1:  # one decision at a time, as on the phone
        placement, optimal = _chain_one(Params.from_state(states), profile.n)
        return placement[None, :], np.array([optimal])
    params = Params.from_states(states)
    n, lanes = profile.n, len(states)
    optimal = _chain_best(params, n, [], lanes)
    prefix: list[np.ndarray] = []
    for _ in range(n):
        choice = np.full(lanes, CLOUD, dtype=np.int8)
        undecided = np.ones(lanes, dtype=bool)
        for site in (DEVICE, EDGE):
            trial = np.full(lanes, site, dtype=np.int8)
            reaches = undecided & (_chain_best(params, n, prefix + [trial], lanes) == optimal)
            choice[reaches] = site
            undecided &= ~reaches
        prefix.append(choice)
    return np.stack(prefix, axis=1), optimal


def solve(profile: Profile, states: States) -> tuple[np.ndarray, np.ndarray]:
    """The fastest exact solver for the profile: the chain DP on chains, else exhaustive search."""
    return chain_dp(profile, states) if profile.is_chain else exhaustive(profile, states)
