"""The hindsight optimum: the lanes replay the executor bit for bit, and no policy beats it per task."""

import numpy as np
import pytest

from kdoffload.model.errors import InputError
from kdoffload.model.oracle import all_placements
from kdoffload.model.states import sample_states
from kdoffload.scheduler.engines import DecisionTime, Engine, EngineSet, make_engine
from kdoffload.scheduler.executor import Executor, tasks_from_states
from kdoffload.scheduler.hindsight import HindsightLabels, best_placement, executor_copy, finishes
from kdoffload.scheduler.lanes import Lanes
from kdoffload.scheduler.network import make_network
from kdoffload.scheduler.stream import Scenario, Workload, simulate
from kdoffload.scheduler.traces import TraceFiles

BASELINES = ("all-local", "all-edge", "all-cloud", "greedy", "optimal", "random")


def random_trace(path, seed, rows=400):
    """100 ms rows, log-normal rates with near-empty stretches: a network that moves."""
    rng = np.random.default_rng(seed)
    up = np.exp(rng.normal(np.log(3e6), 1.0, rows)) * (rng.uniform(size=rows) > 0.15)
    path.write_text("time_s,rate_up,rate_down\n" + "".join(
        f"{0.1 * k:.1f},{u:.0f},{3 * u:.0f}\n" for k, u in enumerate(up)))
    return TraceFiles(csv=path)


def busy_executor(profile, network, seed, tasks=6):
    """An executor whose queues earlier tasks (random placements) still hold."""
    states = sample_states(profile, tasks + 1, np.random.default_rng(seed))
    executor = Executor(profile, network)
    rng = np.random.default_rng(seed + 1)
    for k, task in enumerate(tasks_from_states(states)[:tasks]):
        executor.run(k, 0.3 * k, 0.3 * k, 0.3 * k, task, rng.integers(0, 3, profile.n).tolist())
    return executor, tasks_from_states(states)[tasks]


KINDS = ["trace", "static", "gauss-markov", "good-bad", "markov", "gauss-markov-outages", "3g", "lte"]


@pytest.mark.parametrize("kind", KINDS)
def test_lanes_finish_exactly_where_the_executor_does(chain6, tmp_path, kind):
    files = random_trace(tmp_path / "t.csv", 4) if kind == "trace" else None
    network = make_network("static" if files else kind, chain6, 5, files)
    executor, task = busy_executor(chain6, network, 7)
    placements = all_placements(chain6.n)
    lanes = finishes(executor, task, 1.9, placements)
    for x, done in zip(placements.tolist()[::7], lanes[::7]):
        assert executor_copy(executor).run(9, 1.9, 1.9, 1.9, task, x).done == done


def test_the_stream_is_not_changed_by_looking_ahead(chain6, tmp_path):
    network = make_network("static", chain6, 0, random_trace(tmp_path / "t.csv", 1))
    executor, task = busy_executor(chain6, network, 3)
    queues = (executor.device.free, list(executor.edge_free), list(executor.link_free))
    best_placement(executor, task, 2.0, 2.0)
    assert queues == (executor.device.free, list(executor.edge_free), list(executor.link_free))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_policy_beats_hindsight_on_any_task_from_the_same_queues(chain6, tmp_path, seed):
    """Run each policy's stream; at every task, hindsight from that stream's queues is no slower."""
    files = random_trace(tmp_path / "t.csv", seed)
    arrivals = np.sort(np.random.default_rng(seed).uniform(0, 30, 25))
    workload = Workload(arrivals, sample_states(chain6, 25, np.random.default_rng(seed)), 31.0)
    for name in BASELINES:
        labelled = HindsightLabels(make_engine(name, chain6, seed).policy)
        result = simulate(chain6, Engine(name, labelled), workload, DecisionTime("zero"),
                          Scenario(trace=files))
        assert len(labelled.labels) == len(result.records)
        for record, label in zip(result.records, labelled.labels):
            assert label.delay <= record.done - record.arrival


def test_hindsight_runs_in_the_simulator_and_beats_the_current_rate_optimum(chain6, tmp_path):
    files = random_trace(tmp_path / "t.csv", 9)
    arrivals = np.sort(np.random.default_rng(9).uniform(0, 40, 30))
    workload = Workload(arrivals, sample_states(chain6, 30, np.random.default_rng(9)), 41.0)
    mean = {}
    for name in EngineSet.parse("hindsight,optimal").names:
        result = simulate(chain6, make_engine(name, chain6), workload, DecisionTime("fixed:200"),
                          Scenario(trace=files))
        mean[name] = np.mean([r.done - r.arrival for r in result.records])
    assert mean["hindsight"] <= mean["optimal"]


def test_hindsight_outside_the_simulator_is_one_input_error(chain6):
    engine = make_engine("hindsight", chain6)
    with pytest.raises(InputError, match="only the simulator"):
        engine.decide(sample_states(chain6, 1, np.random.default_rng(0)))


def test_past_the_exhaustive_size_a_local_search_says_it_is_not_exact(chain6, tmp_path, monkeypatch):
    from kdoffload.scheduler import hindsight

    network = make_network("static", chain6, 0, random_trace(tmp_path / "t.csv", 2))
    executor, task = busy_executor(chain6, network, 5)
    exact = best_placement(executor, task, 2.0, 2.0)
    monkeypatch.setattr(hindsight, "EXHAUSTIVE_MAX", 3)
    searched = best_placement(executor, task, 2.0, 2.0)
    assert exact.exact and not searched.exact
    assert exact.delay <= searched.delay
    assert searched.delay == finishes(executor, task, 2.0, searched.placement[None])[0] - 2.0


@pytest.mark.parametrize("kind", ["trace", "3g"])
def test_branching_lanes_equal_the_lanes_of_every_placement(dag10, tmp_path, kind):
    files = random_trace(tmp_path / "t.csv", 3) if kind == "trace" else None
    network = make_network("static" if files else kind, dag10, 5, files)
    executor, task = busy_executor(dag10, network, 2)
    placements, done = Lanes.every_placement(executor, task, 1.7)
    assert (placements == all_placements(dag10.n)).all()
    assert (done == finishes(executor, task, 1.7, placements)).all()
