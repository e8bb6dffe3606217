"""The generalisation table's rows: ratios on certified states only, and the guarded decision
never above greedy, HEFT or the best single site on any state."""

from __future__ import annotations

import numpy as np
import torch

from kdoffload.distill.graph_data import DemoPlan, load_demos, make_demos
from kdoffload.distill.graph_model import GraphCheckpoint, GraphNetConfig, GraphOffloadNet
from kdoffload.distill.graph_train import Tensors, forward_all
from kdoffload.evaluation.graph_eval import POLICIES, evaluate_set, policy_placements, table
from kdoffload.model.graph_features import GraphNormalizer


def _setup(tmp_path):
    plan = DemoPlan(mixes=("fat=0.7,density=0.6",), sizes=((6, 12),), profiles=("dag10",), profile_states=8)
    demos = load_demos(make_demos(plan, tmp_path, "numpy", log=lambda _: None))
    torch.manual_seed(0)
    net = GraphCheckpoint(GraphOffloadNet(GraphNetConfig(8, 1)).eval(), GraphNormalizer.fit(demos.inputs()), {})
    return demos, net


def test_guarded_is_never_above_its_guarantees(tmp_path):
    demos, net = _setup(tmp_path)
    logits = forward_all(net.net, Tensors.of(net.normalizer(demos.inputs()), demos.n, demos.labels)).numpy()
    delay = {k: demos.delays(v) for k, v in policy_placements(demos, logits).items()}
    for other in ("heft", "greedy", "single-site"):
        assert (delay["guarded"] <= delay[other] * (1 + 1e-12)).all()
    assert (delay["guarded"] >= demos.optimal_delay * (1 - 1e-9)).all()


def test_row_counts_certified_and_table_lists_every_policy(tmp_path):
    demos, net = _setup(tmp_path)
    demos.certified[:3] = False  # as if the budget had stopped three searches
    row = evaluate_set(demos, net)
    assert (row["states"], row["certified"]) == (20, 17)
    assert all(row[p]["mean_ratio"] >= 1 - 1e-9 for p in POLICIES)
    text = table({"tiny": row})
    assert "17 / 20" in text and all(p in text for p in POLICIES)
