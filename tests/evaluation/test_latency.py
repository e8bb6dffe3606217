"""`kdoffload bench latency` end to end on a small run: every path timed, the outputs written."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from kdoffload.evaluation.latency_checks import must_show
from kdoffload.evaluation.latency_native import toolchain_missing
from kdoffload.evaluation.latency_paths import latency_fields, onnx_missing
from kdoffload.cli import app
from kdoffload.model.profile import load_profile
from tests.mobile_export.conftest import make_run

APP_FIELDS = ("benchmarkModel", "avg_inference_latency(ms)", "trimmean_inference_latency(ms)",
              "model_load_time(ms)", "load_status", "deviceInfo", "p50_us", "p99_us")


@pytest.mark.slow
def test_bench_latency_times_every_path(tmp_path, monkeypatch):
    if toolchain_missing():
        pytest.skip(f"kdo_bench cannot be built here: {toolchain_missing()}")
    run = make_run(tmp_path, load_profile("chain6"), test_states=200)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["bench", "latency", "--profile", "chain6", "--states", "150",
                                      "--oracle-states", "20"])
    assert result.exit_code == 0, result.output
    out = json.loads((run / "bench" / "latency.json").read_text())
    paths = {r["path"] for r in out["records"]}
    expected = {"oracle (exact)", "teacher eager", "student eager", "teacher .pte (Python runtime)",
                "student int8 .pte (Python runtime)", "student int8 .pte native",
                "student int8 .pte native top-8", "student fp32 .pte native", "student fp32 .pte native top-8",
                "teacher .pte native", "teacher .pte native top-8", "floor native",
                "C++ loop (no runtime)", "C++ loop top-8"}
    assert expected <= paths
    assert ("student onnxruntime" in paths) == (onnx_missing() is None)
    for r in out["records"]:
        assert all(key in r for key in APP_FIELDS), r["path"]
        assert r["p50_us"] <= r["p99_us"]
    assert {c["name"] for c in out["checks"]} >= {"student int8 .pte size, bytes",
                                                   "native student int8 argmax decision p50, µs",
                                                   "native student fp32 p50 / C++ loop p50"}
    quant = {r["path"]: r["benchmarkModel"]["quantization"] for r in out["records"]}
    assert quant["student int8 .pte native"] == "int8" and quant["C++ loop (no runtime)"] == "fp32"
    assert (run / "bench" / "latency.png").stat().st_size > 0
    assert "| student int8 .pte native |" in (run / "bench" / "latency.md").read_text()


def test_latency_fields_follow_the_benchmark_app():
    fields = latency_fields(np.arange(1.0, 101.0))
    assert fields["p50_us"] == 50.5
    assert fields["trimmean_inference_latency(ms)"] == pytest.approx(50.5e-3)  # middle 80%
    assert fields["avg_inference_latency(ms)"] == pytest.approx(50.5e-3)


def test_checks_judge_only_what_was_measured():
    records = [{"path": "student int8 .pte native", "p50_us": 2.0},
               {"path": "student fp32 .pte native", "p50_us": 2.0},
               {"path": "C++ loop (no runtime)", "p50_us": 1.0},
               {"path": "teacher .pte native", "p50_us": 9.0},
               {"path": "oracle (exact)", "p50_us": 5000.0}]
    checks = {c["name"]: c["passed"] for c in must_show({"records": records, "exact_solver": "exhaustive",
                                                         "student_quantization": "int8"})}
    assert checks == {"native student int8 argmax decision p50, µs": True,
                      "native student fp32 p50 / C++ loop p50": False,
                      "native teacher p50 / native student p50": True,
                      "oracle p50 / native student p50": True}
