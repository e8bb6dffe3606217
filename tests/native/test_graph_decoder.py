"""The C++ guarded decision for any graph (native/src/graph_decoder.cpp) against the Python
reference (model/graph_decoding.py): the same placements, on random graphs up to N = 40 and on
one of N = 64; the guided search's labels equal plain branch and bound's."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kdoffload.model import graph_decoding as gd
from kdoffload.model import native
from kdoffload.model.decider import DecoderConfig
from kdoffload.model.delay import delays
from kdoffload.model.errors import InputError
from kdoffload.model.profile import load_profile
from tests.conftest import random_dag, states_for
from tests.native.test_random_graphs import tied_states


def assert_ports_agree(profile, states, logits, config=DecoderConfig(), flagged=None,
                       passes=gd.LOCAL_SEARCH_PASSES, pair_work=gd.PAIR_WORK):
    logits = np.asarray(logits, dtype=np.float32)
    expected = gd.guarded_decision(profile, states, logits, config, flagged, passes, pair_work)
    labels, found = native.graph_decide(profile, states, logits, config.top_k, config.ood_top_k,
                                        passes, flagged, pair_work)
    np.testing.assert_array_equal(labels, expected)
    np.testing.assert_array_equal(found, delays(profile, states, expected))


@settings(max_examples=12)
@given(n=st.integers(1, 40), seed=st.integers(0, 2**31 - 1), daggen=st.booleans(),
       tied=st.booleans(), scale=st.sampled_from([0.3, 3.0]))
def test_the_ports_decide_alike_on_random_graphs(n, seed, daggen, tied, scale):
    rng = np.random.default_rng(seed)
    profile = (load_profile(f"daggen:n={n},seed={seed % 1000}") if daggen
               else random_dag(rng, n, int(rng.integers(1, 4))))
    count = 2
    states = tied_states(profile, count, rng) if tied else states_for(profile, count, seed)
    logits = rng.normal(scale=scale, size=(count, n, 3))
    assert_ports_agree(profile, states, logits, flagged=np.array([False, True]))


def test_the_ports_agree_with_equal_logits_and_a_wide_beam(dag10):
    """Every beam entry ties on probability: only the position rule orders them."""
    states = states_for(dag10, 6, 3)
    assert_ports_agree(dag10, states, np.zeros((6, 10, 3)), DecoderConfig(top_k=30, ood_top_k=30))


@settings(max_examples=10)
@given(n=st.integers(2, 30), seed=st.integers(0, 2**31 - 1), tied=st.booleans(),
       pair_work=st.sampled_from([0, 40, 200, 10**5]))
def test_the_ports_agree_on_pair_moves_whatever_their_budget(n, seed, tied, pair_work):
    """A budget that ends a scan midway, one that lets the search converge, and none."""
    rng = np.random.default_rng(seed)
    profile = random_dag(rng, n, int(rng.integers(1, 4)))
    states = tied_states(profile, 3, rng) if tied else states_for(profile, 3, seed)
    assert_ports_agree(profile, states, rng.normal(size=(3, n, 3)), passes=2, pair_work=pair_work)


def test_the_ports_agree_at_64_subtasks_without_local_search():
    profile = load_profile("daggen:n=64,seed=4")
    states = states_for(profile, 3, 5)
    logits = np.random.default_rng(6).normal(size=(3, 64, 3))
    assert_ports_agree(profile, states, logits, passes=0, pair_work=0)
    assert_ports_agree(profile, states, logits, passes=3)


def test_bad_arguments_are_one_line_errors(dag10):
    states = states_for(dag10, 1, 1)
    with pytest.raises(InputError, match="logits: shape"):
        native.graph_decide(dag10, states, np.zeros((1, 9, 3)), 8, 32, 8)
    with pytest.raises(InputError, match="passes"):
        native.graph_decide(dag10, states, np.zeros((1, 10, 3)), 8, 32, -1)
    with pytest.raises(InputError, match="pair_work"):
        native.graph_decide(dag10, states, np.zeros((1, 10, 3)), 8, 32, 8, pair_work=-1)


def heft_logits(profile, states) -> np.ndarray:
    """HEFT's placement as logits: the guide until a graph student is given."""
    return np.eye(3, dtype=np.float32)[native.heft(profile, states)[0]]


@pytest.mark.parametrize("n, seed, tied", [(8, 1, False), (12, 2, False), (14, 3, False), (10, 4, True)])
def test_guided_search_labels_equal_plain_branch_and_bound(n, seed, tied):
    rng = np.random.default_rng(seed)
    profile = random_dag(rng, n, 1 + seed % 2)
    states = tied_states(profile, 4, rng) if tied else states_for(profile, 3, seed)
    plain = native.guided_solve(profile, states, None, 8, 32, 8)
    for logits in (heft_logits(profile, states), rng.normal(size=(len(states), n, 3))):
        guided = native.guided_solve(profile, states, logits, 8, 32, 8)
        assert guided[2].all() and plain[2].all()
        np.testing.assert_array_equal(guided[0], plain[0])
        np.testing.assert_array_equal(guided[1], plain[1])


def test_equal_logits_keep_every_site_order_at_local_first_and_the_labels():
    profile = load_profile("daggen:n=12,seed=1")
    states = states_for(profile, 5, 2)
    logits = np.zeros((5, 12, 3))
    guided = native.guided_solve(profile, states, logits, 8, 32, 8)
    plain = native.guided_solve(profile, states, None, 8, 32, 8)
    np.testing.assert_array_equal(guided[0], plain[0])
