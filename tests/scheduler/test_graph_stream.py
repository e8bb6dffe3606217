"""Streams of many graphs: a family's tasks and a weighted mix, each task on its own graph."""

import numpy as np
import pytest

from kdoffload.model.delay import delays
from kdoffload.model.errors import InputError
from kdoffload.model.graph_features import cut_states
from kdoffload.model.profile import load_profile
from kdoffload.scheduler.checks import ConsistencyError, check_run
from kdoffload.scheduler.engines import DecisionTime, EngineSet, make_engine
from kdoffload.scheduler.graph_stream import GraphMix
from kdoffload.scheduler.harness import SimConfig, run_policies
from kdoffload.scheduler.stream import Scenario, Workload, counted_workload, poisson_workload, simulate

FAMILY = "daggen:n=5,n_max=9"


@pytest.fixture(scope="module")
def family():
    return load_profile(FAMILY, allow_family=True)


@pytest.fixture(scope="module")
def mixed(dag10):
    return GraphMix.parse(["dag10", "chain6@2", f"{FAMILY}@1"], dag10)


@pytest.fixture(scope="module")
def dag10():
    return load_profile("dag10")


def test_a_family_gives_each_task_its_own_graph_from_seed_and_index(family):
    workload = counted_workload(family, 40, seed=3)
    sizes = {g.n for g in workload.graphs}
    assert len(sizes) > 2 and sizes <= set(range(5, 10))
    again = counted_workload(family, 60, seed=3)  # more tasks: the first 40 are the same
    assert [g.edges for g in again.graphs[:40]] == [g.edges for g in workload.graphs]
    np.testing.assert_array_equal(again.states.cycles[:40], workload.states.cycles)
    k = 7
    assert workload.state(k).cycles.shape == (1, workload.graphs[k].n)


def test_a_mix_draws_its_components_by_weight(dag10, mixed):
    workload = counted_workload(dag10, 600, seed=1, mix=mixed)
    names = [g.name for g in workload.graphs]
    assert abs(names.count("chain6") / 600 - 0.5) < 0.07
    assert abs(names.count("dag10") / 600 - 0.25) < 0.07
    assert all(g.edge_cores == dag10.edge_cores for g in workload.graphs)


WORLDS = {
    "static": Scenario(),
    "edge and link outages": Scenario(edge_outages=("5:15",), link_outages=("wireless:20:24",)),
    "gauss-markov, random outages": Scenario(network="gauss-markov", random_outages="6:2", seed=3),
}


@pytest.mark.parametrize("world", list(WORLDS))
def test_a_mixed_stream_under_overload_loses_nothing_and_every_record_holds(dag10, mixed, world):
    workload = poisson_workload(dag10, 3.0, 30, seed=2, mix=mixed)
    sim = SimConfig(dag10, EngineSet(("random", "greedy", "all-edge")), DecisionTime.parse("fixed:2000"),
                    WORLDS[world])
    for summary in run_policies(sim, workload):  # every run is checked (check_run) inside
        assert summary.arrived == len(workload.arrivals)


def test_a_task_alone_takes_its_own_graphs_delay(dag10, mixed):
    """Far-apart arrivals on a static network: each task's end-to-end delay is T(x) of its graph."""
    workload = poisson_workload(dag10, 1e-4, 3e5, seed=5, mix=mixed)
    for name in ("heft", "random"):
        engine = make_engine(name, dag10, 0, many_graphs=True)
        result = simulate(dag10, engine, workload, DecisionTime("zero"))
        check_run(dag10, result, workload)
        for k, rec in enumerate(result.records):
            graph = workload.graph(k)
            want = delays(graph, workload.state(k), np.array([rec.planned], dtype=np.int8))[0]
            assert rec.done - rec.arrival == pytest.approx(want, rel=1e-9)


def test_a_record_checked_against_the_wrong_graph_fails(dag10, family):
    workload = counted_workload(family, 5, seed=0)
    result = simulate(family, make_engine("greedy", family, 0, many_graphs=True), workload, DecisionTime("zero"))
    check_run(family, result, workload)
    longest = max(range(5), key=lambda k: workload.graphs[k].n)
    other = min(workload.graphs, key=lambda g: g.n)
    assert other.n < workload.graphs[longest].n
    wrong = Workload(workload.arrivals, workload.states, workload.duration,
                     graphs=tuple(other if k == longest else g for k, g in enumerate(workload.graphs)))
    with pytest.raises(ConsistencyError, match=f"task {longest}"):
        check_run(family, result, wrong)


def test_an_engine_for_one_graph_refuses_a_stream_of_many():
    learned = {"student": lambda profile: None}
    with pytest.raises(InputError, match="'student': decides only its profile's one graph"):
        EngineSet.parse("greedy,student", learned, many_graphs=True)
    with pytest.raises(InputError, match="'hindsight': decides only"):
        EngineSet.parse("hindsight", many_graphs=True)
    assert EngineSet.parse("greedy,student", learned).names == ("greedy", "student")  # one graph: fine


def test_random_keeps_one_stream_across_graphs(family):
    workload = counted_workload(family, 30, seed=0)
    result = simulate(family, make_engine("random", family, 4, many_graphs=True), workload, DecisionTime("zero"))
    firsts = {tuple(rec.planned[:5]) for rec in result.records}
    assert len(firsts) > 20  # a generator per graph would restart: every task the same first sites


def test_mix_entries_are_checked(dag10, tmp_path):
    for entry, problem in (("dag10@0", "weight"), ("dag10@x", "weight"), ("nosuch", "no such profile")):
        with pytest.raises(InputError, match=problem):
            GraphMix.parse([entry], dag10)
    graph = tmp_path / "pair.toml"
    graph.write_text("[graph]\nn = 2\nedges = [[0, 1]]\n")
    component = GraphMix.parse([str(graph)], dag10).components[0][0]
    assert (component.n, component.edges, component.ranges) == (2, ((0, 1),), dag10.ranges)
