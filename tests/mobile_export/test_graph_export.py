"""The graph student's .pte: its outputs equal eager's on graphs of many sizes, its manifest
carries the recipe and golden vectors a port can replay."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from kdoffload.distill.graph_data import draw_graph_states
from kdoffload.distill.graph_model import GraphCheckpoint, GraphNetConfig, GraphOffloadNet
from kdoffload.mobile_export.config import ExportConfig
from kdoffload.mobile_export.graph_export import (DEFAULT_QUANTIZATION, choose_quantization, eager_logits,
                                                  export_graph_student, program_logits)
from kdoffload.mobile_export.runtime import PteProgram
from kdoffload.model.graph_features import RECIPE_VERSION, GraphNormalizer, graph_inputs
from kdoffload.model.states import States

pytestmark = pytest.mark.slow  # lowering through ExecuTorch: ~20 s


@pytest.fixture(scope="module")
def checkpoint():
    torch.manual_seed(0)  # random weights: the export must reproduce whatever the network computes
    normalizer = GraphNormalizer.fit(draw_graph_states(100, (5, 20), seed=5).inputs())
    return GraphCheckpoint(GraphOffloadNet(GraphNetConfig(16, 2)).eval(), normalizer, {})


@pytest.fixture(scope="module")
def exported(checkpoint, tmp_path_factory):
    return export_graph_student(checkpoint, tmp_path_factory.mktemp("export"), ExportConfig(),
                                verify_states=12, golden_sizes=(5, 40))


def test_pte_equals_eager_on_graphs_of_many_sizes(checkpoint, exported):
    demos = draw_graph_states(8, (5, 64), seed=77)
    inputs = checkpoint.normalizer(demos.inputs())
    got = program_logits(PteProgram(exported.pte), inputs)
    np.testing.assert_allclose(got, eager_logits(checkpoint, inputs), atol=1e-4, rtol=0)
    assert not got[~inputs.mask.astype(bool)].any()


def test_manifest_golden_vectors_replay(checkpoint, exported):
    manifest = json.loads(exported.manifest.read_text())
    assert manifest["graph_features"]["version"] == RECIPE_VERSION
    assert manifest["input_shapes"] == [[1, 64, 11], [1, 9], [1, 64, 64], [1, 64]]
    golden = manifest["golden"]
    assert {g["graph"]["n"] for g in golden} == {5, 40} and any(g["beyond_training_sizes"] for g in golden)
    for record in golden:
        n = record["graph"]["n"]
        masks = np.zeros((1, 64), dtype=np.uint64)
        for j, i in record["graph"]["edges"]:
            masks[0, i] |= np.uint64(1) << np.uint64(j)
        state = States(**{k: np.pad(np.atleast_1d(v), (0, 64 - n))[None] if isinstance(v, list)
                          else np.array([v]) for k, v in record["state"].items()})
        inputs = checkpoint.normalizer(graph_inputs(np.array([n]), masks, state))
        np.testing.assert_allclose(inputs.nodes[0, :n], record["nodes"], atol=1e-5)
        np.testing.assert_allclose(inputs.scalars[0], record["scalars"], atol=1e-5)
        np.testing.assert_allclose(eager_logits(checkpoint, inputs)[0, :n], record["logits"], atol=1e-4)


def _builds(fp32_bytes, int8_bytes, fp32_us, int8_us):
    return {"fp32": {"pte_bytes": fp32_bytes, "p50_us": fp32_us}, "int8": {"pte_bytes": int8_bytes, "p50_us": int8_us}}


def test_int8_ships_only_when_smaller_and_not_slower_natively():
    assert choose_quantization(_builds(18_828, 17_036, 30.5, 35.4))[0] == "fp32"  # smaller but slower
    assert choose_quantization(_builds(18_828, 17_036, 30.5, 30.5))[0] == "int8"  # smaller, as fast
    assert choose_quantization(_builds(18_828, 17_036, 30.5, 25.0))[0] == "int8"
    assert choose_quantization(_builds(17_036, 18_828, 30.5, 25.0))[0] == "fp32"  # faster but larger
    choice, reason = choose_quantization(_builds(18_828, 17_036, None, None))
    assert choice == DEFAULT_QUANTIZATION == "fp32" and "not timed" in reason
    assert choose_quantization({"fp32": {"pte_bytes": 1, "p50_us": 1.0}})[0] == "fp32"  # int8 refused
