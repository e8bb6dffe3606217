"""The graph student's training job end to end on a tiny plan: it runs, selects, and its
student reads back; the KD loss sees only real subtasks."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import torch

from kdoffload.distill.graph_data import DemoPlan, load_demos, make_demos
from kdoffload.distill.graph_model import GraphNetConfig, GraphOffloadNet, load_graph_net
from kdoffload.distill.graph_train import GraphTrainConfig, run
from kdoffload.model.errors import InputError
from kdoffload.model.train import TrainConfig

TINY = DemoPlan(mixes=("fat=0.7,density=0.6",), sizes=((5, 40), (7, 30)), profiles=("chain6",),
                profile_states=30)


def _config(tmp_path) -> GraphTrainConfig:
    quick = TrainConfig(epochs=2, batch_size=32, lr=3e-3, patience=2, threads=1)
    return GraphTrainConfig(out_dir=tmp_path / "run", plan=TINY,
                            validation=DemoPlan(mixes=TINY.mixes, sizes=((6, 20),), profiles=(), seed=1),
                            solver="numpy", teacher=GraphNetConfig(16, 2), student=GraphNetConfig(8, 1),
                            teacher_train=quick, student_train=quick, sweep=((2.0, 0.5), (2.0, 0.9)),
                            transfer_states=40, transfer_sizes=(5, 9))


@pytest.mark.slow  # two trainings and a sweep: ~10 s
def test_tiny_run_trains_selects_and_reads_back(tmp_path):
    student_path = run(_config(tmp_path), log=lambda _: None)
    summary = json.loads((tmp_path / "run" / "train.json").read_text())
    assert summary["train_states"] == 40 + 30 + 30 and len(summary["sweep"]) == 2
    assert summary["selected"]["val_mean_ratio"] == min(r["val_mean_ratio"] for r in summary["sweep"])
    assert summary["selected"]["val_mean_ratio"] >= 1.0
    loaded = load_graph_net(student_path, "graph-student")
    assert loaded.net.config == GraphNetConfig(8, 1)


@pytest.mark.slow  # a teacher, then a student of another size from it: ~10 s
def test_a_student_of_another_size_is_distilled_from_a_trained_teacher(tmp_path):
    run(_config(tmp_path), log=lambda _: None)
    teacher = tmp_path / "run" / "teacher.pt"
    again = dataclasses.replace(_config(tmp_path), out_dir=tmp_path / "again", student=GraphNetConfig(4, 2),
                                teacher_checkpoint=teacher, sweep=((2.0, 0.5),))
    lines = []
    student = load_graph_net(run(again, log=lines.append), "graph-student")
    assert student.net.config == GraphNetConfig(4, 2) and not (tmp_path / "again" / "teacher.pt").exists()
    assert any("not trained again" in line for line in lines)
    other_plan = dataclasses.replace(again, out_dir=tmp_path / "other", plan=dataclasses.replace(TINY, seed=5))
    with pytest.raises(InputError, match="teacher.pt: a teacher of other inputs"):
        run(other_plan, log=lambda _: None)


def test_demos_are_made_once_and_load_padded(tmp_path):
    paths = make_demos(TINY, tmp_path, "numpy", log=lambda _: None)
    stamps = [p.stat().st_mtime_ns for p in paths]
    assert make_demos(TINY, tmp_path, "numpy", log=lambda _: None) == paths
    assert [p.stat().st_mtime_ns for p in paths] == stamps
    demos = load_demos(paths)
    assert len(demos) == 100 and demos.labels.shape == (100, 64)
    assert ((demos.labels >= 0).sum(axis=1) == demos.n).all()
    ratio = demos.delays(demos.labels.clip(0)) / demos.optimal_delay
    assert np.allclose(ratio, 1.0)


def test_network_ignores_padding_and_size():
    torch.manual_seed(0)
    net = GraphOffloadNet(GraphNetConfig(8, 2)).eval()
    nodes, scalars = torch.randn(1, 5, 11), torch.randn(1, 9)
    adjacency = torch.zeros(1, 5, 5)
    adjacency[0, 1, 0] = adjacency[0, 2, 1] = adjacency[0, 4, 3] = 1
    mask = torch.ones(1, 5)
    small = net(nodes, scalars, adjacency, mask)
    pad = lambda t, dims: torch.nn.functional.pad(t, dims)
    big = net(pad(nodes, (0, 0, 0, 59)), scalars, pad(adjacency, (0, 59, 0, 59)), pad(mask, (0, 59)))
    assert torch.allclose(big[:, :5], small, atol=1e-6) and not big[:, 5:].any()
