"""The guarded decision for any graph (model/graph_decoding.py): never worse than the rules it
guards, a local optimum when its passes suffice, deterministic on ties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kdoffload.model import graph_decoding as gd
from kdoffload.model import oracle
from kdoffload.model.decider import DecoderConfig
from kdoffload.model.delay import delays
from kdoffload.model.graph_heuristics import Heft
from kdoffload.model.policies import Greedy
from kdoffload.model.profile import load_profile
from tests.conftest import states_for


def daggen_graph(n: int, seed: int, fat: float = 0.7, density: float = 0.6):
    return load_profile(f"daggen:n={n},fat={fat},density={density},seed={seed}")


@settings(max_examples=30)
@given(n=st.integers(1, 24), seed=st.integers(0, 2**31 - 1), fat=st.floats(0.2, 1.0),
       density=st.floats(0.1, 1.0), scale=st.sampled_from([0.1, 1.0, 10.0]))
def test_never_worse_than_greedy_heft_or_a_single_site(n, seed, fat, density, scale):
    profile = daggen_graph(n, seed % 10_000, fat, density)
    states = states_for(profile, 3, seed)
    logits = np.random.default_rng(seed).normal(scale=scale, size=(3, n, 3))
    decided = delays(profile, states, gd.guarded_decision(profile, states, logits))
    guarded = [Greedy(profile).decide(states), Heft(profile).decide(states)]
    guarded += [np.full((3, n), site, dtype=np.int8) for site in range(3)]
    for placement in guarded:
        assert (decided <= delays(profile, states, placement)).all()


def test_a_converged_search_is_a_one_flip_local_optimum():
    profile = daggen_graph(16, 3)
    states = states_for(profile, 6, 4)
    logits = np.random.default_rng(5).normal(size=(6, 16, 3))
    placements = gd.guarded_decision(profile, states, logits, passes=100)
    cost = delays(profile, states, placements)
    flips = gd.one_flips(placements)
    assert (gd.score(profile, states, flips) >= cost[:, None]).all()


def test_one_flips_move_one_subtask_in_scan_order():
    flips = gd.one_flips(np.array([[0, 2]], dtype=np.int8))
    np.testing.assert_array_equal(flips[0], [[1, 2], [2, 2], [0, 0], [0, 1]])


def scanned_search(profile, state, placement, cost, passes):
    """The first-improvement rule written as the ports run it: one flip at a time."""
    placement, flips = placement.copy(), 2 * profile.n
    cursor = unimproved = 0
    for _ in range(passes * flips):
        if unimproved == flips:
            break
        moved = gd.one_flips(placement[None])[0, cursor]
        cursor = (cursor + 1) % flips
        delay = delays(profile, state, moved[None])[0]
        if delay < cost:
            placement, cost, unimproved = moved, delay, 0
        else:
            unimproved += 1
    return placement, cost


@pytest.mark.parametrize("passes", [0, 1, 2, 8])
def test_local_search_is_the_scan_the_ports_run(passes):
    profile = daggen_graph(12, 9)
    states = states_for(profile, 5, 2)
    start = np.full((5, 12), 2, dtype=np.int8)
    cost = delays(profile, states, start)
    found, found_cost = gd.local_search(profile, states, start, cost, passes=passes)
    for k in range(5):
        expected, expected_cost = scanned_search(profile, states[k:k + 1], start[k], cost[k], passes)
        np.testing.assert_array_equal(found[k], expected)
        assert found_cost[k] == expected_cost
    assert (found_cost <= cost).all()
    np.testing.assert_array_equal(found_cost, delays(profile, states, found))
    if passes == 0:
        np.testing.assert_array_equal(found, start)


def test_ties_go_to_the_lexicographically_smallest_candidate():
    candidates = np.array([[[2, 0], [1, 2], [1, 1], [0, 2]]], dtype=np.int8)
    eligible = np.array([[True, True, True, False]])
    assert gd.lexicographic_first(candidates, eligible)[0] == 2
    # Past N = 39 a base-3 code would overflow; the column-wise rule does not.
    wide = np.zeros((1, 2, 64), dtype=np.int8)
    wide[0, 0, 63], wide[0, 1, 0] = 1, 1
    assert gd.lexicographic_first(wide, np.array([[True, True]]))[0] == 0


def test_out_of_support_states_take_the_widened_beam():
    profile = daggen_graph(10, 1)
    states = states_for(profile, 8, 6)
    logits = np.random.default_rng(7).normal(size=(8, 10, 3))
    config = DecoderConfig(top_k=1, ood_top_k=64)
    flagged = np.arange(8) % 2 == 1
    mixed = gd.guarded_decision(profile, states, logits, config, flagged, passes=0)
    narrow = gd.guarded_decision(profile, states, logits, DecoderConfig(top_k=1), passes=0)
    wide = gd.guarded_decision(profile, states, logits, DecoderConfig(top_k=64), passes=0)
    np.testing.assert_array_equal(mixed[~flagged], narrow[~flagged])
    np.testing.assert_array_equal(mixed[flagged], wide[flagged])


def test_logits_that_point_at_the_optimum_reach_it(dag10):
    states = states_for(dag10, 10, 8)
    optimal, best = oracle.solve(dag10, states)
    logits = np.where(np.arange(3) == optimal[..., None], 5.0, -5.0)
    decided = gd.guarded_decision(dag10, states, logits)
    np.testing.assert_array_equal(delays(dag10, states, decided), best)


def test_the_decision_holds_at_64_subtasks():
    profile = daggen_graph(64, 2)
    states = states_for(profile, 2, 3)
    logits = np.random.default_rng(4).normal(size=(2, 64, 3))
    decided = gd.guarded_decision(profile, states, logits, passes=2)
    assert decided.shape == (2, 64) and decided.dtype == np.int8
    assert (delays(profile, states, decided) <= delays(profile, states, Greedy(profile).decide(states))).all()


def test_pair_moves_are_exchanges_and_edges_moved_together_in_scan_order():
    profile = load_profile("daggen:n=5,seed=1")
    assert profile.edges == ((0, 3), (0, 4))
    moved, eligible = gd.pair_moves(profile, np.array([[0, 1, 1, 2, 0]], dtype=np.int8))
    expected = [[1, 0, 1, 2, 0],   # (0, 1) exchanged
                [1, 1, 0, 2, 0],   # (0, 2) exchanged
                [1, 1, 1, 1, 0],   # edge (0, 3) both to the edge, the one site neither is on
                [2, 1, 1, 0, 0],   # (0, 3) exchanged
                [1, 1, 1, 2, 1],   # edge (0, 4): both on the device, to the edge, then the cloud
                [2, 1, 1, 2, 2],
                [0, 2, 1, 1, 0],   # (1, 3), (1, 4), (2, 3), (2, 4), (3, 4) exchanged
                [0, 0, 1, 2, 1],
                [0, 1, 2, 1, 0],
                [0, 1, 0, 2, 1],
                [0, 1, 1, 0, 2]]
    np.testing.assert_array_equal(moved[0, eligible[0]], expected)


def scanned_pair_search(profile, state, placement, cost, budget, passes):
    """The pair step written as the ports run it: one pair move at a time, then the flips."""
    placement, left = placement.copy(), budget
    while left > 0:
        moved, eligible = gd.pair_moves(profile, placement[None])
        found = False
        for slot in np.flatnonzero(eligible[0]):
            if left == 0:
                break
            left -= 1
            delay = delays(profile, state, moved[0, slot][None])[0]
            if delay < cost:
                placement, cost, found = moved[0, slot], delay, True
                break
        if not found:
            break
        placement, cost = scanned_search(profile, state, placement, cost, passes)
    return placement, cost


@pytest.mark.parametrize("budget", [0, 1, 7, 40, 1000])
def test_pair_search_is_the_scan_the_ports_run(budget):
    profile = daggen_graph(9, 4)
    states = states_for(profile, 6, 3)
    start, cost = gd.local_search(profile, states, np.zeros((6, 9), dtype=np.int8),
                                  delays(profile, states, np.zeros((6, 9), dtype=np.int8)), passes=2)
    found, found_cost = gd.pair_search(profile, states, start, cost, budget, passes=2)
    for k in range(6):
        expected, expected_cost = scanned_pair_search(profile, states[k:k + 1], start[k], cost[k], budget, 2)
        np.testing.assert_array_equal(found[k], expected)
        assert found_cost[k] == expected_cost
    assert (found_cost <= cost).all()
    np.testing.assert_array_equal(found_cost, delays(profile, states, found))
    if budget == 0:
        np.testing.assert_array_equal(found, start)


def test_pair_moves_lower_what_one_flips_cannot():
    """A search that converges is a local optimum of flips and pair moves both; on these states
    the pair moves find placements no flip from the one-flip optimum reaches."""
    profile = daggen_graph(12, 6)
    states = states_for(profile, 24, 9)
    logits = np.random.default_rng(2).normal(size=(24, 12, 3))
    flips_only = gd.guarded_decision(profile, states, logits, passes=100, pair_work=0)
    placements = gd.guarded_decision(profile, states, logits, passes=100, pair_work=10**6)
    cost = delays(profile, states, placements)
    assert (cost <= delays(profile, states, flips_only)).all()
    assert (cost < delays(profile, states, flips_only)).any()
    assert (gd.score(profile, states, gd.one_flips(placements)) >= cost[:, None]).all()
    moved, eligible = gd.pair_moves(profile, placements)
    assert (np.where(eligible, gd.score(profile, states, moved), np.inf) >= cost[:, None]).all()


def test_pair_work_below_n_is_the_decoder_without_pair_moves():
    profile = daggen_graph(20, 5)
    states = states_for(profile, 8, 1)
    logits = np.random.default_rng(3).normal(size=(8, 20, 3))
    without = gd.guarded_decision(profile, states, logits, pair_work=0)
    np.testing.assert_array_equal(gd.guarded_decision(profile, states, logits, pair_work=19), without)
