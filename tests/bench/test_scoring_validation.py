"""The levers of bench.scoring_validation: built on the shipped guard, and each what it says."""

import dataclasses

import numpy as np
import pytest

from bench.observation_cost import random_manifest
from bench.scoring_validation import GuardLever
from kdoffload.model import observation as obs
from kdoffload.model.decoding import fastest
from kdoffload.model.delay import delays
from kdoffload.model.errors import InputError
from kdoffload.model.oracle import all_placements, solve
from kdoffload.model.states import sample_states


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    profile, _, decider = random_manifest("chain6-dyn", tmp_path_factory.mktemp("m") / "m.json", fit=512)
    shipped = decider.with_decoder(dataclasses.replace(decider.config, rate_estimate="backlog"))
    rng = np.random.default_rng(3)
    states = sample_states(profile, 40, rng)
    return profile, shipped, states, obs.moving_observation(states, rng)


def _one_at_a_time(policy, states, seen):
    return np.concatenate([policy.decide_flagged(states[k], seen[k])[0] for k in range(len(states))])


def _scored(profile, states, seen, placements):
    return delays(profile, states, placements, seen.backlogs())


def test_the_levers_start_from_the_shipped_guard(world):
    profile, shipped, states, seen = world
    lever = GuardLever(shipped, "exact")
    base = np.concatenate([fastest(profile, states[k], *lever.candidates(states[k], seen[k])[:2])
                           for k in range(len(states))])
    np.testing.assert_array_equal(base, shipped.decide_flagged(states, seen)[0])


def test_exact_backlog_is_the_optimum_under_the_guard_s_scoring(world):
    profile, shipped, states, seen = world
    chosen = _one_at_a_time(GuardLever(shipped, "exact-backlog"), states, seen)
    every = all_placements(profile.n)
    for k in range(len(states)):
        cost = delays(profile, states[np.zeros(len(every), dtype=int) + k], every,
                      np.repeat(seen.backlogs()[k:k + 1], len(every), axis=0))
        np.testing.assert_array_equal(chosen[k], every[np.flatnonzero(cost == cost.min())[0]])


def test_the_exact_candidate_is_never_slower_than_the_guard_or_the_exact_placement(world):
    profile, shipped, states, seen = world
    chosen = _scored(profile, states, seen, _one_at_a_time(GuardLever(shipped, "exact"), states, seen))
    guard = _scored(profile, states, seen, shipped.decide_flagged(states, seen)[0])
    exact = _scored(profile, states, seen, solve(profile, states)[0])
    assert (chosen <= guard).all() and (chosen <= exact).all()


def test_a_margin_takes_the_exact_placement_only_when_it_saves_more(world):
    profile, shipped, states, seen = world
    guard = shipped.decide_flagged(states, seen)[0]
    exact = solve(profile, states)[0]
    saves = 1.0 - _scored(profile, states, seen, exact) / _scored(profile, states, seen, guard)
    for margin in (0.0, 0.05, 0.5):
        chosen = _one_at_a_time(GuardLever(shipped, f"exact>{margin}"), states, seen)
        np.testing.assert_array_equal(chosen, np.where((saves > margin)[:, None], exact, guard))


def test_an_unknown_lever_is_one_line():
    with pytest.raises(InputError, match="--levers: 'exact>'"):
        GuardLever.check("exact>")


def test_the_robust_switch_holds_at_the_rate_now_and_at_the_history_s_lowest(world):
    profile, shipped, states, seen = world
    guard = shipped.decide_flagged(states, seen)[0]
    exact = solve(profile, states)[0]
    low = dataclasses.replace(states, rate_up=np.minimum(states.rate_up, seen.rate_up_history.min(axis=1)),
                     rate_down=np.minimum(states.rate_down, seen.rate_down_history.min(axis=1)))
    busy = seen.backlogs()
    holds = ((delays(profile, states, exact, busy) < delays(profile, states, guard, busy))
             & (delays(profile, low, exact, busy) < delays(profile, low, guard, busy)))
    chosen = _one_at_a_time(GuardLever(shipped, "exact-robust"), states, seen)
    np.testing.assert_array_equal(chosen, np.where(holds[:, None], exact, guard))
