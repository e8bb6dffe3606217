"""The non-learned policies of model/policies.py: shapes, values, and each one's defining rule."""

import numpy as np
import pytest

from kdoffload.model.delay import Params, Schedule, delays
from kdoffload.model.policies import BestTrivial, Everywhere, Greedy, Optimal, RandomPolicy, baselines
from kdoffload.model.profile import CLOUD, DEVICE, EDGE
from tests.conftest import states_for

SITES = (DEVICE, EDGE, CLOUD)


@pytest.fixture(params=["chain6", "dag10"])
def profile(request):
    return request.getfixturevalue(request.param)


def test_everywhere_puts_every_subtask_on_its_site(chain6, dag10):
    for profile in (chain6, dag10):
        states = states_for(profile, 7, 0)
        for site, name in zip(SITES, ("all-local", "all-edge", "all-cloud")):
            policy = Everywhere(profile, site)
            placements = policy.decide(states)
            assert policy.name == name
            assert placements.shape == (7, profile.n) and placements.dtype == np.int8
            assert (placements == site).all()


def test_random_is_reproducible_per_seed_and_covers_every_site(chain6):
    states = states_for(chain6, 2000, 1)
    first = RandomPolicy(chain6, seed=5).decide(states)
    assert first.shape == (2000, chain6.n) and first.dtype == np.int8
    np.testing.assert_array_equal(first, RandomPolicy(chain6, seed=5).decide(states))
    assert not np.array_equal(first, RandomPolicy(chain6, seed=6).decide(states))
    # Uniform over the three sites: 12,000 draws put each share within 0.3333 +- 0.02.
    shares = np.bincount(first.ravel(), minlength=3) / first.size
    assert set(np.unique(first)) == {0, 1, 2}
    np.testing.assert_allclose(shares, 1 / 3, atol=0.02)


def test_random_draws_afresh_on_each_call(chain6):
    policy = RandomPolicy(chain6, seed=5)
    states = states_for(chain6, 50, 1)
    assert not np.array_equal(policy.decide(states), policy.decide(states))


def test_best_trivial_is_the_fastest_single_site_per_state(profile):
    states = states_for(profile, 300, 2)
    placements = BestTrivial(profile).decide(states)
    assert placements.shape == (300, profile.n) and placements.dtype == np.int8
    assert (placements == placements[:, :1]).all()  # one site for the whole task
    single = np.stack([delays(profile, states, np.full((300, profile.n), s, dtype=np.int8)) for s in SITES])
    np.testing.assert_array_equal(delays(profile, states, placements), single.min(axis=0))
    np.testing.assert_array_equal(placements[:, 0], single.argmin(axis=0))
    # The states are varied enough that each site is the best somewhere.
    assert set(np.unique(placements[:, 0])) == {0, 1, 2}


def greedy_by_replay(profile, states, k: int) -> np.ndarray:
    """Greedy's rule for state k, every option scored by replaying its whole prefix afresh."""
    params = Params.from_state(states, k)
    exits = set(profile.exits)
    chosen: list[int] = []
    for i in range(profile.n):
        best_site, best_time = None, np.inf
        for site in SITES:
            schedule = Schedule(profile, params, 1)
            for j, earlier in enumerate(chosen):
                schedule.place(j, earlier)
            done = schedule.place(i, site)[0]
            if i in exits:  # an exit counts when its output is back on the device
                done = schedule.fetch(schedule.arrays[f"at{i}"].copy(), DEVICE, params.out_bits[i])[0]
            if done < best_time:  # strict: ties keep the lower site
                best_site, best_time = site, done
        chosen.append(best_site)
    return np.asarray(chosen, dtype=np.int8)


def test_greedy_follows_its_rule(profile):
    states = states_for(profile, 12, 3)
    placements = Greedy(profile).decide(states)
    assert placements.shape == (12, profile.n) and placements.dtype == np.int8
    for k in range(len(states)):
        np.testing.assert_array_equal(placements[k], greedy_by_replay(profile, states, k), err_msg=f"state {k}")
    # Not a single-site rule in disguise: on some state greedy mixes sites.
    assert any(len(set(row)) > 1 for row in placements)


def test_greedy_decides_each_state_as_if_alone(dag10):
    """Lanes are independent: a state's decision does not depend on the batch around it."""
    states = states_for(dag10, 20, 4)
    together = Greedy(dag10).decide(states)
    for k in (0, 7, 19):
        np.testing.assert_array_equal(Greedy(dag10).decide(states[k])[0], together[k])


def test_optimal_is_never_worse_than_any_baseline(profile):
    states = states_for(profile, 200 if profile.is_chain else 40, 5)  # dag10's search is 3^10 a state
    best = delays(profile, states, Optimal(profile).decide(states))
    for policy in baselines(profile, seed=1):
        cost = delays(profile, states, policy.decide(states))
        assert (best <= cost).all(), policy.name
    # and strictly better than best-trivial somewhere, else the problem would be trivial
    trivial = delays(profile, states, BestTrivial(profile).decide(states))
    assert (best < trivial * (1 - 1e-9)).any()


def test_baselines_cheapest_first(chain6):
    assert [p.name for p in baselines(chain6)] == ["all-local", "all-edge", "all-cloud", "random",
                                                   "greedy", "best-trivial", "optimal"]
