"""`kdoffload graph export` without --quant: both builds, and the size-and-latency rule picks the
shipped one, recorded where the engines and the family demo look for it."""

from __future__ import annotations

import functools
import json

import pytest
import torch

from kdoffload.distill.graph_data import draw_graph_states
from kdoffload.distill.graph_model import GraphNetConfig, GraphOffloadNet
from kdoffload.distill.graph_train import header
from kdoffload.evaluation import graph_latency
from kdoffload.jobs import graph
from kdoffload.jobs.reporter import RecordingReporter
from kdoffload.mobile_export import graph_export
from kdoffload.model.checkpoint import save_checkpoint
from kdoffload.model.graph_features import GraphNormalizer
from kdoffload.model.runs import GraphStudentLayout
from kdoffload.model.train import TrainConfig

pytestmark = pytest.mark.slow  # two lowerings through ExecuTorch


@pytest.fixture
def run_dir(tmp_path, monkeypatch):
    # The rule is under test, not the verification (tests/mobile_export): small sets keep it quick.
    monkeypatch.setattr(graph_export, "export_graph_student", functools.partial(
        graph_export.export_graph_student, verify_states=8, golden_sizes=(5, 12)))
    monkeypatch.setattr(graph_export, "CALIBRATION_STATES", 16)
    torch.manual_seed(0)
    net = GraphOffloadNet(GraphNetConfig(16, 2))
    normalizer = GraphNormalizer.fit(draw_graph_states(60, (5, 20), seed=5).inputs())
    save_checkpoint(GraphStudentLayout(tmp_path).student, header("graph-student", net, normalizer, TrainConfig()))
    return tmp_path


def _timed_as(monkeypatch, p50: dict | None):
    def fake(pte, calls=5000):
        if p50 is None:
            return None  # no native runner
        return {"calls": calls, "p50_us": p50["int8" if "int8" in pte.name else "fp32"], "p99_us": 0.0}
    monkeypatch.setattr(graph_latency, "native_forward_times_us", fake)


@pytest.mark.parametrize("p50, shipped", [({"fp32": 30.0, "int8": 29.0}, "int8"), (None, "fp32")])
def test_the_rule_picks_the_shipped_build_and_records_it(run_dir, monkeypatch, p50, shipped):
    _timed_as(monkeypatch, p50)
    pte = graph.export(graph.ExportJob(run_dir, "xnnpack", None, 0), RecordingReporter())
    record = json.loads((GraphStudentLayout(run_dir).export / graph.SHIPPED_RECORD).read_text())
    assert record["quantization"] == shipped and pte.name == record["pte"] == f"graph_student_xnnpack_{shipped}.pte"
    assert set(record["builds"]) == {"fp32", "int8"} and all((pte.parent / b["pte"]).is_file()
                                                              for b in record["builds"].values())
    assert graph.shipped_pte(run_dir) == pte and graph.shipped_export_current(run_dir)


def test_an_asked_build_leaves_the_shipped_choice_alone(run_dir, monkeypatch):
    _timed_as(monkeypatch, None)
    assert graph.shipped_pte(run_dir).name == "graph_student_xnnpack_fp32.pte"  # nothing chosen yet: the default
    pte = graph.export(graph.ExportJob(run_dir, "xnnpack", "int8", 0), RecordingReporter())
    assert pte.name == "graph_student_xnnpack_int8.pte"
    assert not (GraphStudentLayout(run_dir).export / graph.SHIPPED_RECORD).exists()
    assert graph.shipped_pte(run_dir).name == "graph_student_xnnpack_fp32.pte"
