"""The native core against the Python oracle on random DAGs up to N = 12, with drawn and with
constructed ties (states whose values come from tiny sets, so many placements take exactly the
same time and only the lexicographic rule decides)."""

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kdoffload.model import native, oracle
from kdoffload.model.delay import delays
from kdoffload.model.policies import Greedy
from kdoffload.model.states import SCALAR_FIELDS, States
from tests.conftest import random_dag, states_for


def tied_states(profile, count: int, rng: np.random.Generator) -> States:
    """Equal clocks, free or equal links, few distinct sizes: exact ties everywhere."""
    n = profile.n
    pick = (lambda values, shape=(count,): rng.choice(np.array(values, dtype=float), size=shape))
    clock = pick([1e9, 2e9])
    in_bits = pick([0.0, 1e6], (count, n))
    in_bits[:, [i for i in range(n) if i not in profile.entries]] = 0.0
    rate = pick([1e6, np.inf])
    fields = {"cycles": pick([1e9, 2e9], (count, n)), "out_bits": pick([0.0, 1e6], (count, n)),
              "in_bits": in_bits, "f_device": clock, "f_edge": clock, "f_cloud": clock,
              "edge_wait": pick([0.0, 0.5]), "rate_up": rate, "rate_down": rate,
              "rate_backhaul": rate, "lat_wireless": pick([0.0, 0.01]), "lat_backhaul": pick([0.0, 0.01])}
    assert set(fields) - {"cycles", "out_bits", "in_bits"} == set(SCALAR_FIELDS)
    return States(**fields)


def assert_native_equals_oracle(profile, states):
    labels, optimal = native.solve(profile, states)
    expected_labels, expected_optimal = oracle.exhaustive(profile, states)
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_allclose(optimal, expected_optimal, rtol=1e-12, atol=0)
    greedy_labels, greedy_delay = native.greedy(profile, states)
    np.testing.assert_array_equal(greedy_labels, Greedy(profile).decide(states))
    np.testing.assert_allclose(greedy_delay, delays(profile, states, greedy_labels), rtol=1e-12, atol=0)


@settings(max_examples=40)
@given(n=st.integers(1, 12), seed=st.integers(0, 2**31 - 1), cores=st.integers(1, 3),
       tied=st.booleans())
@example(n=12, seed=5, cores=2, tied=False)
@example(n=11, seed=6, cores=1, tied=True)
def test_random_dags_match_the_exhaustive_oracle(n, seed, cores, tied):
    rng = np.random.default_rng(seed)
    profile = random_dag(rng, n, cores)
    count = 1 if n >= 10 else 4
    states = tied_states(profile, count, rng) if tied else states_for(profile, count, seed)
    assert_native_equals_oracle(profile, states)


def test_constructed_ties_pick_the_smallest_placement(dag10):
    """Everything free and equally fast: every placement that avoids contention ties."""
    rng = np.random.default_rng(7)
    states = tied_states(dag10, 30, rng)
    labels, optimal = native.solve(dag10, states)
    expected_labels, expected_optimal = oracle.exhaustive(dag10, states)
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_array_equal(optimal, expected_optimal)
    # The ties are real: for some states another placement reaches the same T exactly.
    alternative = np.where(labels == 0, 1, labels)
    assert (delays(dag10, states, alternative) == optimal).any()


def test_chain_dp_ties_match_the_python_dp(chain6):
    rng = np.random.default_rng(8)
    states = tied_states(chain6, 500, rng)
    labels, optimal = native.solve(chain6, states)
    expected_labels, expected_optimal = oracle.chain_dp(chain6, states)
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_array_equal(optimal, expected_optimal)
