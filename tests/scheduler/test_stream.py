"""Streams: nothing lost, every record consistent, runs repeatable, the oracle best when alone."""

import numpy as np
import pytest

from kdoffload.scheduler.checks import ConsistencyError, check_run
from kdoffload.scheduler.engines import DecisionTime, EngineSet
from kdoffload.scheduler.harness import SimConfig, run_policies
from kdoffload.scheduler.metrics import summarise
from kdoffload.scheduler.stream import Scenario, counted_workload, poisson_workload

WORLDS = {
    "static": Scenario(),
    "edge outages": Scenario(edge_outages=("5:15", "30:31", "40:60")),
    "link outages": Scenario(link_outages=("wireless:3:9", "backhaul:20:35", "wireless:50:52")),
    "random outages, gauss-markov": Scenario(network="gauss-markov", random_outages="6:2", seed=3),
    "good-bad": Scenario(network="good-bad", link_outages=("backhaul:10:12",), seed=4),
}


@pytest.mark.parametrize("world", list(WORLDS))
@pytest.mark.parametrize("policy", ["random", "all-local", "greedy", "all-edge"])
def test_overload_loses_nothing_and_every_record_is_consistent(dag10, run_stream, world, policy):
    arrivals = np.sort(np.random.default_rng(1).uniform(0, 60, 150))  # ~2.5/s: far past saturation
    workload, result = run_stream(dag10, policy, arrivals, seed=2, decision="fixed:3000",
                                  scenario=WORLDS[world])
    counts = check_run(dag10, result, workload)
    assert counts["arrived"] == 150 == counts["completed"] + counts["in_flight"]
    assert counts["in_flight"] > 0 or policy != "all-local"


def test_an_edge_outage_moves_edge_subtasks_to_the_device(chain6, run_stream):
    workload, result = run_stream(chain6, "all-edge", [0.0, 100.0, 200.0],
                                  scenario=Scenario(edge_outages=("90:1000",)))
    check_run(chain6, result, workload)
    first, *later = result.records
    assert first.replacements == [] and first.sites == [1] * 6
    for rec in later:
        assert rec.sites == [0] * 6
        assert [r.subtask for r in rec.replacements] == list(range(6))


def test_a_dead_wireless_link_keeps_work_local_and_a_dead_backhaul_the_cloud_away(chain6, run_stream):
    _, wireless = run_stream(chain6, "all-cloud", [10.0], scenario=Scenario(link_outages=("wireless:0:1000",)))
    assert wireless.records[0].sites == [0] * 6
    _, backhaul = run_stream(chain6, "all-cloud", [10.0], scenario=Scenario(link_outages=("backhaul:0:1000",)))
    assert backhaul.records[0].sites == [0] * 6  # the device can still finish it: it goes first


def test_a_transfer_waits_for_its_link_to_come_back(chain6, run_stream):
    # The link is up when the input is due (t = 0) and goes down before the upload ends.
    workload, result = run_stream(chain6, "all-edge", [0.0],
                                  scenario=Scenario(link_outages=("wireless:0.000001:50",)))
    check_run(chain6, result, workload)
    rec = result.records[0]
    assert rec.sites == [1] * 6 and rec.replacements == []
    assert rec.ready[0] > 50.0  # the whole upload waited for the link to come back


def test_a_broken_record_is_caught(dag10, run_stream):
    workload, result = run_stream(dag10, "greedy", [0.0, 1.0, 2.0])
    result.records[1].run_start[3] -= 1.0
    with pytest.raises(ConsistencyError, match="task 1"):
        check_run(dag10, result, workload)
    result.records.pop()
    with pytest.raises(ConsistencyError, match="3 tasks arrived"):
        check_run(dag10, result, workload)


@pytest.mark.parametrize("decision", ["zero", "fixed:1500"])
def test_the_same_seed_gives_the_same_run(dag10, decision):
    world = Scenario(network="gauss-markov", random_outages="20:3", seed=9)
    workload = poisson_workload(dag10, 1.0, 60, seed=9)
    sim = SimConfig(dag10, EngineSet(("random", "greedy")), DecisionTime.parse(decision), world)
    runs = [run_policies(sim, workload) for _ in range(2)]
    virtual = [[{k: v for k, v in s.to_dict().items() if k != "mean_decision_wall_us"} for s in run]
               for run in runs]  # the one wall-clock figure
    assert virtual[0] == virtual[1]
    other = run_policies(SimConfig(dag10, EngineSet(("random",)), DecisionTime.parse(decision),
                                   Scenario(seed=10)), poisson_workload(dag10, 1.0, 60, seed=10))
    assert other[0].mean_e2e != runs[0][0].mean_e2e


def test_with_free_decisions_the_oracle_is_best_when_tasks_rarely_overlap(dag10):
    # At 0.02 tasks/s (one per 50 s, tasks take about a second) tasks almost never share a
    # resource, so each one's delay is its T(x) and the per-task optimum is the best possible.
    # Under contention it need not be: the optimum for one task ignores the next.
    workload = counted_workload(dag10, 120, seed=1).at_rate(0.02)
    names = ["optimal", "greedy", "all-local", "all-edge", "all-cloud", "random"]
    summaries = run_policies(SimConfig(dag10, EngineSet(tuple(names)), DecisionTime("zero"),
                                       Scenario(seed=1)), workload)
    means = {s.policy: s.mean_e2e for s in summaries}
    assert min(means, key=means.get) == "optimal"
    assert all(means["optimal"] < means[n] for n in names[1:])


def test_summary_counts_what_happened(dag10, run_stream):
    workload, result = run_stream(dag10, "all-edge", np.arange(30) * 0.5, decision="fixed:1000",
                                  scenario=Scenario(edge_outages=("3:6",)))
    summary = summarise(result, dag10.edge_cores)
    assert summary.arrived == 30 and summary.replacements > 0
    assert summary.mean_decision_us == pytest.approx(1000)
    assert 0 < summary.decision_share < 1
    assert summary.site_share["edge"] + summary.site_share["local"] == pytest.approx(1.0)
    assert 0 < summary.utilisation["uplink"] <= 1 and summary.queue_max["uplink"] >= 1
    assert summary.p95_e2e >= summary.p50_e2e
