import numpy as np
import pytest
from hypothesis import given, strategies as st

from kdoffload.model.delay import delays, delays_of_placements
from kdoffload.model.profile import load_profile
from tests.conftest import random_dag, states_for
from tests.model.reference import critical_path, reference_delay, state_dict


def _random_placements(rng, count, n):
    return rng.integers(0, 3, size=(count, n)).astype(np.int8)


@pytest.mark.parametrize("name", ["chain6", "dag10"])
def test_matches_the_plain_reference_schedule(name, rng):
    profile = load_profile(name)
    states = states_for(profile, 2000, seed=7)
    x = _random_placements(rng, len(states), profile.n)
    got = delays(profile, states, x)
    want = [reference_delay(profile, state_dict(states, k), x[k]) for k in range(len(states))]
    np.testing.assert_allclose(got, want, rtol=1e-12)


@given(n=st.integers(1, 8), cores=st.integers(1, 3), seed=st.integers(0, 2**31))
def test_random_dags_match_the_reference(n, cores, seed):
    rng = np.random.default_rng(seed)
    profile = random_dag(rng, n, cores)
    states = states_for(profile, 20, seed)
    x = _random_placements(rng, len(states), n)
    want = [reference_delay(profile, state_dict(states, k), x[k]) for k in range(len(states))]
    np.testing.assert_allclose(delays(profile, states, x), want, rtol=1e-12)


@pytest.mark.parametrize("name", ["chain6", "dag10"])
def test_many_placements_of_one_state_agree_with_one_placement_per_state(name, rng):
    profile = load_profile(name)
    states = states_for(profile, 5, seed=3)
    x = _random_placements(rng, 400, profile.n)
    for k in range(len(states)):
        many = delays_of_placements(profile, states, x, k)
        repeated = states[np.full(len(x), k)]
        np.testing.assert_array_equal(many, delays(profile, repeated, x))


def test_all_local_chain_is_the_sum_of_compute_times(chain6):
    states = states_for(chain6, 500, seed=5)
    local = np.zeros((len(states), chain6.n), dtype=np.int8)
    expected = states.cycles.sum(axis=1) / states.f_device
    np.testing.assert_allclose(delays(chain6, states, local), expected, rtol=1e-12)


@pytest.mark.parametrize("name", ["chain6", "dag10"])
def test_never_below_the_critical_path(name, rng):
    profile = load_profile(name)
    states = states_for(profile, 1000, seed=9)
    x = _random_placements(rng, len(states), profile.n)
    got = delays(profile, states, x)
    bound = [critical_path(profile, state_dict(states, k), x[k]) for k in range(len(states))]
    assert np.all(got >= np.asarray(bound) * (1 - 1e-12))


def test_shared_output_is_sent_once_per_site(dag10):
    # Subtask 0's output feeds 1, 3 and 5; with all three on the edge it crosses the uplink once.
    states = states_for(dag10, 1, seed=11)
    states.out_bits[0, 0] = 4e7
    states.rate_up[0] = 1e6  # 40 s per copy on the uplink: a resend would be unmissable
    x = np.array([[0, 1, 1, 1, 1, 1, 1, 1, 1, 1]], dtype=np.int8)
    t = delays(dag10, states, x)[0]
    assert 40 < t < 80
