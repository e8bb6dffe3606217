"""The expected-delay optimum: futures drawn from the past only, the law continued from its state,
and the placement of least mean delay over them."""

import math

import numpy as np
import pytest

from kdoffload.model.profile import load_profile
from kdoffload.scheduler.engines import DecisionTime, make_engine
from kdoffload.scheduler.executor import Executor, tasks_from_states
from kdoffload.scheduler.forecast import expected_best, mean_finishes
from kdoffload.scheduler.forecast_futures import futures
from kdoffload.scheduler.hindsight import best_placement
from kdoffload.scheduler.network import DynamicNetwork, make_network
from kdoffload.scheduler.rates import StepRate
from kdoffload.scheduler.stream import Scenario, poisson_workload, simulate

KINDS = ("markov", "good-bad", "gauss-markov", "gauss-markov-outages", "3g", "lte")


@pytest.fixture(scope="module")
def chain6():
    return load_profile("chain6")


def _rates(network, times):
    return np.array([network.rates_at(t) for t in times])  # drawn as far as asked


@pytest.mark.parametrize("kind", KINDS + ("trace",))
def test_futures_read_nothing_past_their_instant(chain6, kind):
    """Drawing the real network far past t first changes no future: they read it up to t only."""
    t, ahead = 37.3, np.linspace(37.3, 90.0, 200)

    def network():
        if kind == "trace":
            times = np.arange(0.0, 120.0, 0.5)
            rates = np.exp(np.random.default_rng(3).normal(15, 1, len(times)))
            return DynamicNetwork("trace", StepRate(times, rates, 120.0), StepRate(times, 3 * rates, 120.0))
        return make_network(kind, chain6, 5)

    fresh, drawn = network(), network()
    fresh.rates_at(t)
    drawn.rates_at(5000.0)
    for a, b in zip(futures(fresh, t, 3, 9), futures(drawn, t, 3, 9)):
        np.testing.assert_array_equal(_rates(a, ahead), _rates(b, ahead))
        assert tuple(a.links[0].rate_at(s) for s in (0.0, t)) == (fresh.links[0].rate_at(t),) * 2


@pytest.mark.parametrize("kind", ("markov", "gauss-markov-outages", "good-bad"))
def test_a_future_starts_in_the_state_the_rate_shows(chain6, kind):
    """Right after t every future is still at the rate of t (stays and steps are seconds long),
    and far ahead the futures spread over the law's rates."""
    network = make_network(kind, chain6, 2)
    for t in (3.0, 41.0, 260.0):
        now = network.links[0].rate_at(t)
        drawn = futures(network, t, 64, (1, int(t)))
        soon = np.array([f.rates_at(t + 0.01)[0] for f in drawn])
        assert np.mean(np.isclose(soon, now, rtol=0.5)) > 0.8
        later = np.array([f.rates_at(t + 300.0)[0] for f in drawn])
        assert len(np.unique(later)) >= 2


def test_the_gauss_markov_value_is_read_back_from_the_rate(chain6):
    """On the grid the future's first step continues the process's own value: their means agree."""
    network = make_network("gauss-markov", chain6, 4)
    law = network.process
    t = 100.02  # inside a grid step: the future's first own step is the next one
    z_now = (math.log(network.links[0].rate_at(t)) - law.stats.mean_log) / law.stats.std_log
    drawn = futures(network, t, 2000, 0)
    z_next = [(math.log(f.rates_at(t + law.step)[0]) - law.stats.mean_log) / law.stats.std_log
              for f in drawn]
    assert np.mean(z_next) == pytest.approx(law._rho * z_now, abs=0.01)


def test_on_a_network_that_holds_still_forecast_is_the_optimum(chain6):
    workload = poisson_workload(chain6, 0.5, 60.0, 1)
    runs = [simulate(chain6, make_engine(name, chain6, 0), workload, DecisionTime("zero"), Scenario())
            for name in ("forecast", "hindsight")]
    assert [r.planned for r in runs[0].records] == [r.planned for r in runs[1].records]


def test_the_choice_has_the_least_mean_finish_over_the_futures(chain6):
    network = make_network("3g", chain6, 7)
    executor = Executor(chain6, network)
    task = tasks_from_states(poisson_workload(chain6, 0.2, 30.0, 2).states)[0]
    best = expected_best(executor, task, 20.0, 20.0, 8, (3, 0))
    worlds = futures(network, 20.0, 8, (3, 0))
    placements, mean = mean_finishes(executor, task, 20.0, None, worlds)
    assert best.delay == pytest.approx(mean.min() - 20.0)
    assert mean[np.all(placements == best.placement, axis=1)][0] == mean.min()
    # one future given as the world itself is the hindsight optimum
    assert expected_best(executor, task, 20.0, 20.0, 1, (3, 0)).exact
    assert (best_placement(executor, task, 20.0, 20.0).delay
            <= mean_finishes(executor, task, 20.0, best.placement[None], [network])[1][0] - 20.0)


@pytest.mark.slow
def test_forecast_beats_the_current_rate_decision_where_outages_last_seconds(chain6):
    workload = poisson_workload(chain6, 0.2, 300.0, 0)
    scenario = Scenario(network="gauss-markov-outages", seed=0)
    mean = {name: np.mean([r.done - r.arrival for r in simulate(
        chain6, make_engine(name, chain6, 0), workload, DecisionTime("zero"), scenario).records])
        for name in ("hindsight", "forecast", "optimal")}
    assert mean["hindsight"] <= mean["forecast"] < mean["optimal"]


def test_past_the_exhaustive_size_a_local_search_no_worse_than_any_single_site():
    dag12 = load_profile("dag12")
    network = make_network("markov", dag12, 3)
    executor = Executor(dag12, network)
    task = tasks_from_states(poisson_workload(dag12, 0.2, 30.0, 4).states)[0]
    best = expected_best(executor, task, 5.0, 5.0, 4, (1, 0))
    singles = np.repeat(np.arange(3, dtype=np.int8)[:, None], dag12.n, axis=1)
    _, mean = mean_finishes(executor, task, 5.0, singles, futures(network, 5.0, 4, (1, 0)))
    assert not best.exact and best.delay <= mean.min() - 5.0
