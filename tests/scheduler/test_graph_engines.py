"""Engines for any graph: the graph network's decisions in a stream, and refusals at the command."""

import json

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from kdoffload.cli import app
from kdoffload.distill.graph_model import STUDENT, GraphOffloadNet
from kdoffload.distill.graph_model import GraphCheckpoint
from kdoffload.mobile_export.graph_export import eager_logits
from kdoffload.model import native
from kdoffload.model.delay import delays
from kdoffload.model.graph_features import GraphNormalizer, profile_inputs
from kdoffload.model.graph_heuristics import Heft
from kdoffload.model.policies import Greedy
from kdoffload.model.profile import load_profile
from kdoffload.model.states import sample_states
from kdoffload.scheduler.checks import check_run
from kdoffload.scheduler.engines import DecisionTime, Engine, EngineSet
from kdoffload.scheduler.graph_engines import GraphNet
from kdoffload.scheduler.graph_stream import GraphMix
from kdoffload.scheduler.harness import SimConfig, run_policies
from kdoffload.scheduler.stream import Scenario, poisson_workload, simulate


def _net(guarded: bool, in_cpp: bool = False) -> GraphNet:
    """An untrained student: its argmax means nothing, its guarded decision is still guarded."""
    torch.manual_seed(0)
    dag10 = load_profile("dag10")
    normalizer = GraphNormalizer.fit(profile_inputs(dag10, sample_states(dag10, 64, np.random.default_rng(0))))
    checkpoint = GraphCheckpoint(GraphOffloadNet(STUDENT).eval(), normalizer, {})
    name = "graph-student+guarded" if guarded else "graph-student"
    return GraphNet(name, lambda inputs: eager_logits(checkpoint, inputs), normalizer, guarded, in_cpp)


def test_the_guarded_graph_engine_is_never_behind_greedy_or_heft_on_any_task():
    family = load_profile("daggen:n=5,n_max=12", allow_family=True)
    workload = poisson_workload(family, 1e-4, 8e4, seed=1)  # far apart: each task alone
    result = simulate(family, Engine("graph-student+guarded", _net(True)), workload, DecisionTime("zero"))
    check_run(family, result, workload)
    for k, rec in enumerate(result.records):
        graph, state = workload.graph(k), workload.state(k)
        rivals = np.concatenate([Greedy(graph).decide(state), Heft(graph).decide(state)])
        assert rec.done - rec.arrival <= delays(graph, state[[0, 0]], rivals).min() * (1 + 1e-9)


def test_graph_engines_decide_a_mixed_stream_and_one_graph_alike():
    dag10 = load_profile("dag10")
    graphs = {"graph-student": lambda seed: _net(False), "graph-student+guarded": lambda seed: _net(True)}
    engines = EngineSet.parse("graph-student,graph-student+guarded,greedy", {}, graphs, many_graphs=True)
    mixed = poisson_workload(dag10, 1.0, 5, seed=0, mix=GraphMix.parse(["chain6", "daggen:n=7"], dag10))
    for summary in run_policies(SimConfig(dag10, engines, DecisionTime("measured"), Scenario()), mixed):
        assert summary.arrived == len(mixed.arrivals) and summary.mean_decision_wall_us > 0
    one = poisson_workload(dag10, 1.0, 5, seed=0)
    argmax = EngineSet.parse("graph-student", {}, graphs)
    assert run_policies(SimConfig(dag10, argmax, DecisionTime("zero"), Scenario()), one)[0].arrived == len(one.arrivals)


@pytest.mark.skipif(not native.available(), reason="needs the C++ core (make native)")
def test_the_cpp_features_and_decoder_decide_as_the_python_ones():
    family = load_profile("daggen:n=5,n_max=14", allow_family=True)
    workload = poisson_workload(family, 1.0, 12, seed=4)
    python, cpp = _net(True), _net(True, in_cpp=True)
    for k in range(len(workload.arrivals)):
        graph, state = workload.graph(k), workload.state(k)
        np.testing.assert_array_equal(cpp.for_graph(graph).decide(state), python.for_graph(graph).decide(state))


@pytest.mark.parametrize("args, problem", [
    (["--profile", "daggen:n=6", "--policies", "greedy,student"], "'student': decides only its profile's one graph"),
    (["--mix", "chain6", "--mix", "dag10", "--policies", "hindsight"], "'hindsight': decides only"),
    (["--mix", "chain6@-1"], "mix 'chain6@-1': weight"),
    (["--profile", "daggen:n=6", "--policies", "greedy,graph-student", "--graph-run", "nowhere"],
     "graph student: none at"),
])
def test_the_command_refuses_in_one_line(tmp_path, monkeypatch, args, problem):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["simulate", *args, "--duration", "10", "--out", str(tmp_path / "sim")])
    assert result.exit_code == 2, result.output
    assert problem in result.output and result.output.count("\n") == 1
    assert not (tmp_path / "sim").exists()  # refused before any run


def test_the_budget_counts_the_graphs_a_family_draws(tmp_path, monkeypatch):
    # 50,000 tasks of 60 subtasks: within the budget if counted as the family profile's bare 60
    # subtasks, far beyond it counted as the drawn graphs with their edges.
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["simulate", "--profile", "daggen:n=60", "--policies", "greedy",
                                      "--rate", "100", "--duration", "500"])
    assert result.exit_code == 2 and "events to simulate" in result.output, result.output


def test_a_mixed_stream_from_the_command_records_its_mix(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["simulate", "--profile", "dag10", "--mix", "chain6", "--mix", "daggen:n=6@3",
                                      "--policies", "greedy,all-edge", "--rate", "0.5", "--duration", "20",
                                      "--decision-time", "zero", "--out", "sim"])
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "sim" / "run.json").read_text())
    assert record["config"]["mix"] == ["chain6@0.25", "daggen:n=6,fat=0.7,density=0.6,regularity=0.7,jump=1,"
                                       "ccr=0.5,mindata=1250,maxdata=1.25e+06@0.75"]
    assert [s["arrived"] for s in record["summaries"]] == [record["config"]["tasks"]] * 2
