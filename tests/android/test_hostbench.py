"""hostbench (the app's code path on the host JVM) writes benchmark-app records Python can read.

Needs `make android-host` (build/android_host/hostbench) and the fixture
`make native-check` writes (build/native/fixture); skipped when either is absent.
"""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from kdoffload.mobile_export.bench_states import write_bench_states
from kdoffload.model.profile import load_profile
from kdoffload.model.states import sample_states

REPO = Path(__file__).resolve().parents[2]
HOSTBENCH = REPO / "build/android_host/hostbench"
FIXTURE = REPO / "build/native/fixture"
STUDENT = "student_xnnpack_fp32"
BENCHMARK_MODEL = {"name", "backend", "quantization"}
DEVICE_INFO = {"device", "arch", "os", "totalMem", "availMem"}


@pytest.fixture
def model_dir(tmp_path):
    if not HOSTBENCH.is_file() or not (FIXTURE / f"{STUDENT}.manifest.json").is_file():
        pytest.skip("run `make java-test` first (hostbench and its fixture)")
    folder = tmp_path / "push" / "chain6"
    folder.mkdir(parents=True)
    for suffix in (".pte", ".manifest.json"):
        shutil.copy(FIXTURE / f"{STUDENT}{suffix}", folder)
    profile = load_profile(json.loads((folder / f"{STUDENT}.manifest.json").read_text())["profile"]["name"])
    states = sample_states(profile, 40, np.random.default_rng(3))
    write_bench_states(profile, states, np.cumsum(np.full(40, 0.5)), folder / "bench_states.json")
    return folder


def hostbench(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(HOSTBENCH), *map(str, args)], capture_output=True, text=True, timeout=300)


def test_records_have_the_benchmark_app_schema(model_dir, tmp_path):
    files = tmp_path / "files"
    run = hostbench("--model-dir", model_dir, "--files-dir", files, "--num-iter", 300,
                    "--num-warm-up-iter", 20, "--stream-tasks", 30, "--device-name", "pytest")
    assert run.returncode == 0, run.stderr
    assert "golden check" in run.stdout and run.stdout.strip().splitlines()[-1].startswith("finished: ")
    records = json.loads((files / "kdoffload_results.json").read_text())
    assert isinstance(records, list) and records
    for r in records:
        assert BENCHMARK_MODEL <= set(r["benchmarkModel"]) and r["benchmarkModel"]["name"] == "student"
        assert isinstance(r["metric"], str)
        assert isinstance(r["actualValue"], (int, float)) and isinstance(r["targetValue"], (int, float))
        assert r["benchmarkModel"]["backend"] == "xnnpack" and r["benchmarkModel"]["quantization"] == "fp32"
        assert set(r["deviceInfo"]) == DEVICE_INFO
        assert "emulated" in r["deviceInfo"]["device"] and "pytest" in r["deviceInfo"]["device"]
        assert r["deviceInfo"]["os"].startswith("host JVM ") and r["deviceInfo"]["totalMem"] > 0
    by_metric = {}
    for r in records:
        key = r["benchmarkModel"].get("decoder") or r["benchmarkModel"].get("policy")
        by_metric[(r["metric"], key)] = r
    for metric in ("avg_inference_latency(ms)", "trimmean_inference_latency(ms)", "model_load_time(ms)"):
        assert by_metric[(metric, None)]["actualValue"] > 0
    assert by_metric[("load_status", None)]["actualValue"] == 0
    assert by_metric[("num_threads", None)]["actualValue"] == 1
    assert by_metric[("golden_check", None)]["actualValue"] == 1
    for decoder in ("argmax", "topk", "guarded"):
        p50 = by_metric[("decision_p50(us)", decoder)]["actualValue"]
        assert 0 < p50 <= by_metric[("decision_p99(us)", decoder)]["actualValue"]
    times = by_metric[("decision_times(us)", "guarded")]["values"]
    assert len(times) == 300 and min(times) > 0
    assert 0 <= by_metric[("out_of_support_share", "guarded")]["actualValue"] <= 1
    for policy in ("guarded", "greedy", "all-local"):
        stream = by_metric[("stream_mean_delay(ms)", policy)]
        assert len(stream["values"]) == 30
        assert stream["actualValue"] == pytest.approx(np.mean(stream["values"]), rel=1e-9)
        assert by_metric[("stream_tasks_per_s", policy)]["actualValue"] > 0
    # Guarded never loses to greedy on a single decision; in a stream it can (contention).
    assert by_metric[("stream_decision_share", "all-local")]["actualValue"] == 0


def _failure(run, files, *words) -> dict:
    """A failed run as the app ends one: exit 2, its last line `failed: REASON`, and the result
    file holding the one load_status record with that reason."""
    assert run.returncode == 2, run.stdout + run.stderr
    last = run.stdout.strip().splitlines()[-1]
    assert last.startswith("failed: ") and all(w in last for w in words), last
    (record,) = json.loads((files / "kdoffload_results.json").read_text())
    assert record["metric"] == "load_status" and record["actualValue"] == -1
    assert "failed: " + record["reason"] == last and set(record["deviceInfo"]) == DEVICE_INFO
    return record


def test_every_failure_writes_the_reason(model_dir, tmp_path):
    files = tmp_path / "f"
    _failure(hostbench("--model-dir", tmp_path / "nowhere", "--files-dir", files), files, "nowhere")
    _failure(hostbench("--model-dir", model_dir, "--files-dir", files, "--num-iter", "x"), files, "--num-iter")
    _failure(hostbench("--model-dir", model_dir, "--files-dir", files, "--num-threads", "0"), files, "num_threads")
    (model_dir / "bench_states.json").write_text('{"profile": "dag10", "states": []}')
    _failure(hostbench("--model-dir", model_dir, "--files-dir", files), files, "profile is dag10")


def test_options_it_cannot_parse_are_one_line_on_stderr(tmp_path):
    if not HOSTBENCH.is_file():
        pytest.skip("run `make android-host` first")
    run = hostbench("--model-dir", tmp_path, "--frobnicate", "1")
    assert run.returncode == 2 and run.stderr.strip() == "hostbench: unknown option --frobnicate"
