import numpy as np
import pytest
from hypothesis import given, strategies as st

from kdoffload.model import oracle
from kdoffload.model.delay import delays, delays_of_placements
from kdoffload.model.policies import baselines
from kdoffload.model.profile import Profile, load_profile
from tests.conftest import random_dag, states_for


def _brute_force(profile, states, k):
    every = oracle.all_placements(profile.n)
    cost = delays_of_placements(profile, states, every, k)
    first = int(np.argmin(cost))  # argmin takes the first minimum: the lexicographically smallest
    return every[first], cost[first]


@given(n=st.integers(1, 7), seed=st.integers(0, 2**31))
def test_exhaustive_equals_chain_dp_on_random_chains(n, seed):
    profile = Profile(f"chain{n}", n, tuple((i, i + 1) for i in range(n - 1)))
    states = states_for(profile, 30, seed)
    x_ex, t_ex = oracle.exhaustive(profile, states)
    x_dp, t_dp = oracle.chain_dp(profile, states)
    np.testing.assert_allclose(t_dp, t_ex, rtol=1e-9)
    np.testing.assert_array_equal(x_dp, x_ex)


@given(n=st.integers(1, 7), seed=st.integers(0, 2**31))
def test_exhaustive_equals_brute_force_on_random_dags(n, seed):
    rng = np.random.default_rng(seed)
    profile = random_dag(rng, n, int(rng.integers(1, 3)))
    states = states_for(profile, 3, seed)
    for k in range(len(states)):
        x, t = oracle.exhaustive_one(profile, states, k)
        bx, bt = _brute_force(profile, states, k)
        assert t == bt
        np.testing.assert_array_equal(x, bx)


def test_ties_go_to_the_lexicographically_smallest_placement(chain6):
    # No compute and no data: every placement costs the same except for latencies; with zero
    # latencies and no edge wait all 729 tie, and the answer must be all-local.
    states = states_for(chain6, 1, seed=1)
    states.cycles[:] = 0.0
    states.out_bits[:] = 0.0
    states.in_bits[:] = 0.0
    states.lat_wireless[:] = 0.0
    states.lat_backhaul[:] = 0.0
    states.edge_wait[:] = 0.0
    for solve in (oracle.exhaustive, oracle.chain_dp):
        x, t = solve(chain6, states)
        assert t[0] == 0.0
        np.testing.assert_array_equal(x[0], np.zeros(6))


def test_chunked_search_gives_the_same_answer(dag10, monkeypatch):
    states = states_for(dag10, 4, seed=2)
    whole = oracle.exhaustive(dag10, states)
    monkeypatch.setattr(oracle, "LEAF_CHUNK", 3**4)
    chunked = oracle.exhaustive(dag10, states)
    np.testing.assert_array_equal(whole[0], chunked[0])
    np.testing.assert_array_equal(whole[1], chunked[1])


def test_twelve_subtasks_are_searched_in_bounded_chunks():
    profile = Profile("chain12", 12, tuple((i, i + 1) for i in range(11)))
    states = states_for(profile, 1, seed=4)
    x_ex, t_ex = oracle.exhaustive(profile, states)
    x_dp, t_dp = oracle.chain_dp(profile, states)
    np.testing.assert_allclose(t_ex, t_dp, rtol=1e-9)
    np.testing.assert_array_equal(x_ex, x_dp)


@pytest.mark.parametrize("name,count", [("chain6", 3000), ("dag10", 60)])
def test_optimum_is_never_worse_than_any_baseline(name, count):
    profile = load_profile(name)
    states = states_for(profile, count, seed=8)
    _, best = oracle.solve(profile, states)
    for policy in baselines(profile):
        assert np.all(best <= delays(profile, states, policy.decide(states)) * (1 + 1e-12)), policy.name


FASTER = ["f_device", "f_edge", "f_cloud", "rate_up", "rate_down", "rate_backhaul"]


@given(field=st.sampled_from(FASTER + ["lat_wireless", "lat_backhaul", "edge_wait"]),
       factor=st.floats(1.0, 10.0), seed=st.integers(0, 2**31), name=st.sampled_from(["chain6", "dag10"]))
def test_a_faster_clock_or_link_never_raises_the_optimal_delay(field, factor, seed, name):
    profile = load_profile(name)
    states = states_for(profile, 2 if name == "dag10" else 50, seed)
    _, before = oracle.solve(profile, states)
    faster = states[np.arange(len(states))]
    value = getattr(faster, field)
    setattr(faster, field, value * factor if field in FASTER else value / factor)
    _, after = oracle.solve(profile, faster)
    assert np.all(after <= before * (1 + 1e-12))


@given(n=st.integers(1, 8), seed=st.integers(0, 2**31))
def test_single_state_chain_dp_is_the_batched_one_bit_for_bit(n, seed):
    profile = Profile(f"chain{n}", n, tuple((i, i + 1) for i in range(n - 1)))
    states = states_for(profile, 40, seed)
    x_batch, t_batch = oracle.chain_dp(profile, states)
    for k in range(len(states)):
        x_one, t_one = oracle.chain_dp(profile, states[k])
        assert t_one[0] == t_batch[k]
        np.testing.assert_array_equal(x_one[0], x_batch[k])
