"""HEFT over three sites and round-robin: deterministic, valid, and equal to the rule they state."""

from __future__ import annotations

import numpy as np
import pytest

from kdoffload.model import native
from kdoffload.model.delay import Params, Schedule, delays
from kdoffload.model.graph_heuristics import Heft, RoundRobin, heft_orders
from kdoffload.model.policies import Greedy, make_policy
from kdoffload.model.profile import DEVICE, load_profile
from kdoffload.model.states import sample_states

SMALL = ["dag10", "daggen:n=6,fat=0.8,density=0.8,seed=0", "daggen:n=8,jump=2,seed=3",
         "daggen:n=9,fat=0.4,regularity=0.2,seed=5"]


def _states(profile, count=40, seed=1):
    return sample_states(profile, count, np.random.default_rng(seed))


def _mean_rank(profile, state: dict) -> list[float]:
    """Upward ranks straight from the definition, one ordered site pair at a time."""
    hop = {(0, 1): ("rate_up", "lat_wireless"), (1, 0): ("rate_down", "lat_wireless"),
           (1, 2): ("rate_backhaul", "lat_backhaul"), (2, 1): ("rate_backhaul", "lat_backhaul")}
    path = {(0, 2): [(0, 1), (1, 2)], (2, 0): [(2, 1), (1, 0)]}

    def move(src, dst, bits):
        return sum(bits / state[r] + state[lat] for r, lat in (hop[h] for h in path.get((src, dst), [(src, dst)])))\
            if src != dst else 0.0

    clocks = [state["f_device"], state["f_edge"], state["f_cloud"]]
    rank = {}
    for i in reversed(range(profile.n)):
        bits = state["out_bits"][i]
        comm = np.mean([move(s, t, bits) for s in range(3) for t in range(3)])
        tails = [comm + rank[k] for j, k in profile.edges if j == i]
        if i in profile.exits:
            tails.append(np.mean([move(s, 0, bits) for s in range(3)]))
        rank[i] = np.mean([state["cycles"][i] / c for c in clocks]) + max(tails)
    return [rank[i] for i in range(profile.n)]


def _brute_force_eft(profile, states, k: int, order) -> np.ndarray:
    """Each subtask in `order` to the site of earliest finish, every candidate scheduled anew."""
    chosen: dict[int, int] = {}
    for i in order:
        finish = []
        for site in range(3):
            schedule = Schedule(profile, Params.from_state(states, k), 1)
            schedule.last_reader = [profile.n] * profile.n
            for j, s in list(chosen.items()) + [(i, site)]:
                done = schedule.place(j, s)
            if i in profile.exits:
                done = schedule.fetch(schedule.arrays[f"at{i}"], DEVICE, schedule.params.out_bits[i])
            finish.append(float(done[0]))
        chosen[i] = int(np.argmin(finish))
    return np.array([chosen[i] for i in range(profile.n)], dtype=np.int8)


@pytest.mark.parametrize("name", SMALL)
def test_heft_is_the_eft_rule_in_upward_rank_order(name):
    profile = load_profile(name)
    states = _states(profile, 12)
    orders = heft_orders(profile, states)
    placements = Heft(profile).decide(states)
    for k in range(len(states)):
        state = {f: getattr(states, f)[k].tolist() for f in states.to_dict()}
        rank = _mean_rank(profile, state)
        assert list(orders[k]) == sorted(range(profile.n), key=lambda i: (-rank[i], i))
        assert np.array_equal(placements[k], _brute_force_eft(profile, states, k, orders[k]))


@pytest.mark.parametrize("name", SMALL + ["daggen:n=40,seed=2"])
def test_heft_is_deterministic_and_valid(name):
    profile = load_profile(name)
    states = _states(profile, 30)
    first = Heft(profile).decide(states)
    assert first.shape == (30, profile.n) and first.dtype == np.int8
    assert set(np.unique(first)) <= {0, 1, 2}
    assert np.array_equal(first, Heft(profile).decide(states))
    # A state decided alone gets what it gets in the batch (grouping by rank order is exact).
    assert np.array_equal(first[7], Heft(profile).decide(states[7])[0])
    order = list(heft_orders(profile, states[7])[0])
    assert all(order.index(j) < order.index(i) for j, i in profile.edges)  # topological


def test_on_a_chain_heft_is_greedy():
    # A chain's rank order is its index order, where HEFT's rule is exactly Greedy's.
    profile = load_profile("chain6")
    states = _states(profile, 200)
    assert np.array_equal(Heft(profile).decide(states), Greedy(profile).decide(states))


def test_round_robin_cycles_through_the_sites():
    profile = load_profile("dag10")
    placements = RoundRobin(profile).decide(_states(profile, 3))
    assert placements.tolist() == [[0, 1, 2, 0, 1, 2, 0, 1, 2, 0]] * 3


@pytest.mark.skipif(not (native.available() and hasattr(native, "heft")), reason="no native HEFT")
@pytest.mark.parametrize("name", ["dag10", "daggen:n=30,seed=2", "daggen:n=64,density=0.9,seed=4"])
def test_heft_equals_the_cpp_port(name):
    profile = load_profile(name)
    states = _states(profile, 20, seed=5)
    placements, delay = native.heft(profile, states)
    assert np.array_equal(placements, Heft(profile).decide(states))
    assert np.array_equal(delay, delays(profile, states, placements))


def test_both_are_in_the_policy_registry():
    profile = load_profile("dag10")
    assert isinstance(make_policy("heft", profile), Heft)
    assert isinstance(make_policy("round-robin", profile), RoundRobin)
