"""Dominance pruning in the branch and bound (native/src/dominance.cpp) never changes a certified
answer: on random DAGs and daggen graphs up to N = 12, with drawn states and with constructed
ties (where many partial placements share one frontier exactly, so dominance prunes often and
only the lexicographic rule tells the optima apart), the labels and T equal the exhaustive
search's, which has no pruning at all."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kdoffload.model import exact, native
from kdoffload.model.profile import load_profile
from tests.conftest import random_dag, states_for
from tests.native.test_random_graphs import tied_states

DAGGEN = "daggen:n={n},fat=0.7,density=0.6,regularity=0.7,ccr=0.5,seed={seed}"


def assert_equal_to_exhaustive(profile, states):
    solution = exact.solve_certified(profile, states)
    labels, optimal, _ = native.solve_with_nodes(profile, states, "exhaustive")
    assert solution.certified.all()
    np.testing.assert_array_equal(solution.labels, labels)
    np.testing.assert_array_equal(solution.delay, optimal)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 12), seed=st.integers(0, 2**31 - 1), cores=st.integers(1, 3),
       tied=st.booleans(), daggen=st.booleans())
def test_dominance_keeps_the_exhaustive_labels(n, seed, cores, tied, daggen):
    rng = np.random.default_rng(seed)
    profile = load_profile(DAGGEN.format(n=n, seed=seed)) if daggen else random_dag(rng, n, cores)
    count = 2 if n >= 10 else 4
    states = tied_states(profile, count, rng) if tied else states_for(profile, count, seed)
    assert_equal_to_exhaustive(profile, states)


def test_dominance_keeps_the_exhaustive_labels_on_searches_that_use_it():
    """Searches past the node count from which the table is kept (a slow uplink makes the
    device against the links close): 40 states, about a quarter of them that long."""
    for seed in range(10):
        profile = load_profile(DAGGEN.format(n=12, seed=seed))
        states = states_for(profile, 4, seed)
        states.rate_up[::2] /= 20.0
        assert_equal_to_exhaustive(profile, states)
