"""Which graph-student build `android push/bench --graph` sends when no --quant is given: the one
`kdoffload graph export`'s rule shipped (export/shipped.json), else the rule's default."""

from __future__ import annotations

import json

import pytest

from kdoffload.android.cli import _quant
from kdoffload.jobs import graph
from kdoffload.model.runs import GraphStudentLayout


def _record(run_dir, text: str) -> None:
    export = GraphStudentLayout(run_dir).export
    export.mkdir(parents=True)
    (export / graph.SHIPPED_RECORD).write_text(text)


@pytest.mark.parametrize("shipped", ["fp32", "int8"])
def test_no_quant_sends_the_build_the_export_rule_shipped(tmp_path, shipped):
    _record(tmp_path, json.dumps({"pte": f"graph_student_xnnpack_{shipped}.pte", "quantization": shipped}))
    assert graph.shipped_quantization(tmp_path) == shipped == _quant(None, tmp_path)
    assert graph.shipped_pte(tmp_path).name == f"graph_student_xnnpack_{shipped}.pte"


@pytest.mark.parametrize("text", [None, "{not json", "[1, 2]", '{"quantization": "int4"}'])
def test_without_a_readable_choice_it_is_the_rules_default(tmp_path, text):
    if text is not None:
        _record(tmp_path, text)
    assert graph.shipped_quantization(tmp_path) == "fp32" == _quant(None, tmp_path)


def test_an_asked_build_and_a_profile_export_are_left_alone(tmp_path):
    _record(tmp_path, json.dumps({"pte": "graph_student_xnnpack_fp32.pte", "quantization": "fp32"}))
    assert _quant("int8", tmp_path) == "int8"
    assert _quant(None, None) is None  # a profile's export: PushConfig's default
