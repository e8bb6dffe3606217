"""The stream builds each decision's observation for an engine that reads one, and only then."""

import numpy as np

from kdoffload.model import observation as obs
from kdoffload.model.profile import load_profile
from kdoffload.scheduler.engines import DecisionTime, Engine
from kdoffload.scheduler.stream import Scenario, counted_workload, simulate


class Spy:
    """A policy of an observation profile: keeps what it was shown, keeps everything local."""

    def __init__(self, profile):
        self.profile, self.name, self.seen = profile, "spy", []

    def decide_flagged(self, states, observation=None):
        self.seen.append(observation)
        return np.zeros((1, self.profile.n), dtype=np.int8), np.zeros(1, dtype=bool)


def _run(profile, network="gauss-markov"):
    spy = Spy(profile)
    workload = counted_workload(profile, 30, seed=2).at_rate(4.0)  # busy: a queue builds
    simulate(profile, Engine("spy", spy), workload, DecisionTime("zero"), Scenario(network=network, seed=1))
    return spy.seen[1:]  # the first call is the untimed warm-up


def test_every_decision_sees_the_probed_rates_and_the_core_backlog():
    profile = load_profile("chain6-dyn")
    seen = _run(profile)
    assert len(seen) == 30 and all(o.rate_up_history.shape == (1, obs.HISTORY) for o in seen)
    assert any(o.summary()["rate_up_spread"][0] > 0 for o in seen)  # the network moved
    assert any(o.backlog_device[0] > 0 for o in seen)  # all-local under load queues on the core
    assert all(o.backlog_up[0] == 0 for o in seen)  # nothing was ever sent


def test_a_still_network_probes_the_state_s_own_rates():
    seen = _run(load_profile("chain6-dyn"), network="static")
    assert all(o.summary()["rate_up_spread"][0] == 0 for o in seen)


def test_a_profile_without_the_recipe_is_shown_no_observation():
    assert all(o is None for o in _run(load_profile("chain6")))
