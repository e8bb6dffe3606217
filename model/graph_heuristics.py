"""The list-scheduling heuristics the offloading literature compares against: HEFT and round-robin.

HEFT (Topcuoglu, Hariri and Wu, 2002) adapted to the three sites of this project:
1. every subtask's upward rank from mean costs over the sites: mean compute time over D, E, C;
   mean transfer time of its output over the 9 ordered site pairs (0 on the same site,
   device <-> cloud through the edge); an exit's output must also reach the device, so an exit
   adds the mean time to bring it there;
2. subtasks in decreasing rank (ties to the lower index; the order is topological, as a
   predecessor's rank exceeds its successor's), each to the site where it finishes earliest,
   finish times computed by the delay model's own rules (FIFO links, the data-copy rule, the
   edge's cores from edge_wait on) over the subtasks placed so far, in that order. For an exit
   "finish" is when its output is on the device, as in Greedy. Ties go to the lower site.
The placement is then charged at T(x) like any policy's (the delay model schedules in index
order; HEFT's own order only decides the sites).

Round-robin puts subtask i on site i mod 3 (device, edge, cloud, device, ...), whatever the state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kdoffload.model.delay import BH_DOWN, BH_UP, DOWN, UP, Params, Schedule
from kdoffload.model.profile import DEVICE, Profile
from kdoffload.model.states import States

SITES = np.arange(3)


def _hop(params: Params, link: int, bits: float) -> float:
    return bits / params.rate[link] + params.lat[link]


def _mean_transfer(params: Params, bits: float) -> float:
    """Mean time to move `bits` over the 9 ordered site pairs (same site: nothing to move).

    Summed pair by pair in order D->E, D->C, E->D, E->C, C->E, C->D, as the C++ port sums them.
    """
    up, down = _hop(params, UP, bits), _hop(params, DOWN, bits)
    bh_up, bh_down = _hop(params, BH_UP, bits), _hop(params, BH_DOWN, bits)
    return (up + (up + bh_up) + down + bh_up + bh_down + (bh_down + down)) / 9.0


def _mean_to_device(params: Params, bits: float) -> float:
    """Mean time to bring `bits` to the device from each of the three sites."""
    down = _hop(params, DOWN, bits)
    return (down + (_hop(params, BH_DOWN, bits) + down)) / 3.0


def upward_ranks(profile: Profile, params: Params) -> np.ndarray:
    """rank_i = mean compute_i + max over successors k of (mean transfer_i + rank_k): [N, S]."""
    succ = [[k for j, k in profile.edges if j == i] for i in range(profile.n)]
    exits = set(profile.exits)
    rank: list = [None] * profile.n
    for i in reversed(range(profile.n)):  # successors have higher indices
        tails = [_mean_transfer(params, params.out_bits[i]) + rank[k] for k in succ[i]]
        if i in exits:
            tails.append(_mean_to_device(params, params.out_bits[i]))
        work = sum(params.cycles[i] * seconds for seconds in params.seconds_per_cycle) / 3.0
        rank[i] = work + np.maximum.reduce(tails)
    return np.stack(np.broadcast_arrays(*rank))


def heft_orders(profile: Profile, states: States) -> np.ndarray:
    """Each state's subtasks by decreasing upward rank, ties to the lower index: [S, N]."""
    rank = upward_ranks(profile, Params.from_states(states)).reshape(profile.n, len(states))
    index = np.broadcast_to(np.arange(profile.n)[:, None], rank.shape)
    return np.lexsort((index, -rank), axis=0).T


def _finish(schedule: Schedule, i: int, site, exits: set[int]) -> np.ndarray:
    """Place i at `site` on `schedule`; its finish, or for an exit when its output is home."""
    done = schedule.place(i, site)
    if i in exits:
        done = schedule.copy().fetch(schedule.arrays[f"at{i}"].copy(), DEVICE,
                                     schedule.params.out_bits[i])
    return done


def heft_same_order(profile: Profile, states: States, order) -> np.ndarray:
    """HEFT's placements [S, N] int8 for states that share one rank order.

    Three lanes per state, one per candidate site; after each subtask every state's three
    lanes continue from its best one.
    """
    count, exits = len(states), set(profile.exits)
    lanes = np.repeat(np.arange(count), len(SITES))
    # One state: its fields as plain floats, which numpy broadcasts over the lanes far cheaper.
    params = Params.from_state(states) if count == 1 else Params.from_states(states[lanes])
    schedule = Schedule(profile, params, len(lanes))
    # Placing out of index order: keep every output, as a later-ranked reader may still need it.
    schedule.last_reader = [profile.n] * profile.n
    sites = np.tile(SITES, count)
    placement = np.zeros((count, profile.n), dtype=np.int8)
    for i in order:
        finish = _finish(schedule, int(i), sites, exits).reshape(count, len(SITES))
        best = np.argmin(finish, axis=1)  # the first minimum: the lower site
        placement[:, i] = best
        schedule = schedule.take(np.repeat(np.arange(count) * len(SITES) + best, len(SITES)))
    return placement


@dataclass
class Heft:
    """HEFT over device, edge and cloud (module docstring); deterministic."""

    profile: Profile
    name: str = "heft"

    def decide(self, states: States) -> np.ndarray:
        placement = np.zeros((len(states), self.profile.n), dtype=np.int8)
        if not len(states):
            return placement
        # States with the same rank order are scheduled together, vectorised.
        orders, group = np.unique(heft_orders(self.profile, states), axis=0, return_inverse=True)
        for g, order in enumerate(orders):
            members = np.flatnonzero(group.ravel() == g)
            placement[members] = heft_same_order(self.profile, states[members], order)
        return placement


@dataclass
class RoundRobin:
    """Subtask i on site i mod 3: device, edge, cloud, device, ..."""

    profile: Profile
    name: str = "round-robin"

    def decide(self, states: States) -> np.ndarray:
        row = (np.arange(self.profile.n) % 3).astype(np.int8)
        return np.repeat(row[None, :], len(states), axis=0)
