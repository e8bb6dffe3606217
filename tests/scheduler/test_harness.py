"""scheduler/harness.py: one comparison, the rate sweep and the scale sweep."""

import dataclasses

import numpy as np
import pytest

from kdoffload.model.delay import delays
from kdoffload.model.policies import Everywhere, Greedy
from kdoffload.model.profile import CLOUD, DEVICE, load_profile
from kdoffload.scheduler.engines import DecisionTime, EngineSet
from kdoffload.scheduler.harness import ZERO, RateSweep, ScaleSweep, SimConfig, run_policies
from kdoffload.scheduler.stream import Scenario, Workload, counted_workload

POLICIES = "all-local,greedy,all-cloud"


@pytest.fixture(scope="module")
def profile():
    return load_profile("chain6")


def config(profile, decision="zero", policies=POLICIES, seed=3) -> SimConfig:
    return SimConfig(profile, EngineSet.parse(policies), DecisionTime.parse(decision), Scenario(seed=seed))


def test_sim_config_seed_and_charged(profile):
    cfg = config(profile, "fixed:500", seed=11)
    assert cfg.seed == 11
    free = cfg.charged(ZERO)
    assert free.decision_time == ZERO and cfg.decision_time == DecisionTime("fixed", 500e-6)
    assert (free.profile, free.engines, free.scenario) == (cfg.profile, cfg.engines, cfg.scenario)


def test_run_policies_alone_in_the_world_match_the_delay_model(profile):
    """Tasks 15 s apart never meet (none takes that long here): each end-to-end delay is T(x; s)."""
    unit = counted_workload(profile, 20, 3)
    sparse = Workload(np.arange(20) * 15.0, unit.states, 300.0)
    called = []
    summaries = run_policies(config(profile), sparse, called.append)
    assert called == POLICIES.split(",") == [s.policy for s in summaries]
    for summary, policy in zip(summaries, (Everywhere(profile, DEVICE), Greedy(profile),
                                           Everywhere(profile, CLOUD))):
        t = delays(profile, sparse.states, policy.decide(sparse.states))
        assert t.max() < 15.0
        assert summary.arrived == summary.completed == 20
        assert summary.mean_e2e == pytest.approx(t.mean(), rel=1e-9)
        assert summary.p95_e2e == pytest.approx(np.percentile(t, 95), rel=1e-9)


def test_run_policies_is_repeatable_and_the_random_policy_seeded(profile):
    unit = counted_workload(profile, 30, 4)
    first = run_policies(config(profile, policies="random,greedy"), unit.at_rate(0.5))
    again = run_policies(config(profile, policies="random,greedy"), unit.at_rate(0.5))
    other = run_policies(config(profile, policies="random,greedy", seed=5), unit.at_rate(0.5))
    assert [s.mean_e2e for s in first] == [s.mean_e2e for s in again]
    assert first[0].site_share == again[0].site_share != other[0].site_share


def test_a_long_quiet_run_passes_its_own_checks(profile):
    # Hours into a run the clock's float spacing exceeds a tolerance relative to the subtask alone.
    unit = counted_workload(profile, 40, 3)
    run_policies(config(profile, policies="greedy"), unit.at_rate(1e-3))  # ~11 hours of arrivals


def test_rate_sweep_stops_once_every_policy_saturates(profile):
    unit = counted_workload(profile, 40, 3)
    sweep = RateSweep.run(config(profile), unit, 0.1, 4.0, 12)
    assert len(sweep.rates) < 12
    np.testing.assert_allclose(sweep.rates, 0.1 * 4.0 ** np.arange(len(sweep.rates)))
    saturated = [[RateSweep.saturated(s, r) for s in point] for r, point in zip(sweep.rates, sweep.points)]
    assert all(saturated[-1]) and not any(all(row) for row in saturated[:-1])
    breakdown = sweep.breakdown()
    assert list(breakdown) == POLICIES.split(",")
    for k, name in enumerate(breakdown):
        first = next(r for r, row in zip(sweep.rates, saturated) if row[k])
        assert breakdown[name] == first
    assert breakdown["greedy"] >= breakdown["all-local"]  # greedy offloads: it saturates later


def test_rate_sweep_stops_at_max_points(profile):
    unit = counted_workload(profile, 20, 3)
    sweep = RateSweep.run(config(profile, policies="greedy"), unit, 0.01, 2.0, 2)
    assert sweep.rates == [0.01, 0.02]
    assert sweep.breakdown() == {"greedy": None}


def test_saturation_threshold():
    summary = dataclasses.make_dataclass("S", ["served_rate"])
    assert RateSweep.saturated(summary(0.89), 1.0) and not RateSweep.saturated(summary(0.9), 1.0)


def test_scale_sweep_without_decision_time_scales_exactly(profile):
    unit = counted_workload(profile, 30, 6)
    scales = (1.0, 0.1, 0.01)
    sweep = ScaleSweep.run(config(profile, "fixed:20000"), unit, 0.2, scales)
    assert sweep.scales == list(scales)
    for k, s in enumerate(scales):
        for p, (zero, base) in enumerate(zip(sweep.zero[k], sweep.zero[0])):
            assert zero.mean_e2e == pytest.approx(s * base.mean_e2e, rel=1e-9)
            assert zero.p95_e2e == pytest.approx(s * base.p95_e2e, rel=1e-9)
            assert zero.makespan == pytest.approx(s * base.makespan, rel=1e-9)
            assert zero.mean_decision_us == 0.0
            assert sweep.ratio(k, p) == sweep.charged[k][p].mean_e2e / zero.mean_e2e
            assert sweep.ratio(k, p) > 1.0
    # a fixed 20 ms decision weighs more as the tasks get lighter
    for p in range(len(sweep.zero[0])):
        assert sweep.ratio(0, p) < sweep.ratio(2, p)


@pytest.mark.parametrize("bad", [0.0, 1.5, float("nan"), -0.1])
def test_scale_sweep_refuses_a_scale_outside_0_1(profile, bad):
    with pytest.raises(ValueError, match="not in"):
        ScaleSweep.run(config(profile, policies="all-local"), counted_workload(profile, 3, 0), 1.0, [bad])
