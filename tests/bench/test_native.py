"""kdo_bench against real exports: golden vectors pass, tampered manifests and models are caught.

The runner is built (incrementally) in the test session; only a machine without cmake or a
compiler skips, and says so.
"""

import json
import shutil
import subprocess

import numpy as np
import pytest
import torch

from kdoffload.evaluation.latency_native import build_runner, toolchain_missing
from kdoffload.mobile_export.config import ExportConfig
from kdoffload.mobile_export.export import export_model
from kdoffload.model.features import Normalizer, Support
from kdoffload.model.nets import OffloadMLP, student_config
from kdoffload.model.profile import load_profile
from tests.mobile_export.conftest import solved

EXIT_INPUT, EXIT_GOLDEN = 2, 3


@pytest.fixture(scope="module")
def runner():
    missing = toolchain_missing()
    if missing:
        pytest.skip(f"kdo_bench cannot be built here: {missing}")
    return build_runner()


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    profile = load_profile("chain6")
    test = solved(profile, 300, 21)
    torch.manual_seed(8)
    net = OffloadMLP(student_config(test.features.shape[1], profile.n)).eval()
    out = tmp_path_factory.mktemp("native")
    return export_model(profile, net, Normalizer.fit(test.features), Support.fit(test.features), test, out,
                        ExportConfig())


@pytest.fixture
def copy(export, tmp_path):
    for path in (export.pte, export.manifest, export.floor):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path / export.pte.name, tmp_path / export.manifest.name, tmp_path / export.floor.name


def check(runner, pte, manifest, *extra):
    return subprocess.run([str(runner), "--model", str(pte), "--manifest", str(manifest),
                           "--check-only", *extra], capture_output=True, text=True)


def edit(manifest_path, change):
    manifest = json.loads(manifest_path.read_text())
    change(manifest)
    manifest_path.write_text(json.dumps(manifest))


def test_golden_vectors_pass_on_the_pte_and_the_plain_loop(runner, copy):
    pte, manifest, _ = copy
    done = check(runner, pte, manifest, "--reference")
    assert done.returncode == 0, done.stderr
    vectors = len(json.loads(manifest.read_text())["golden"])  # chosen + out of support
    assert f"golden check (pte): {vectors} vectors passed" in done.stdout
    assert "golden check (reference)" in done.stdout


@pytest.mark.parametrize("field, tamper", [
    ("logits", lambda g: g["logits"][0].__setitem__(0, g["logits"][0][0] + 0.01)),
    ("argmax_placement", lambda g: g["argmax_placement"].__setitem__(0, (g["argmax_placement"][0] + 1) % 3)),
    ("topk_delay_s", lambda g: g.__setitem__("topk_delay_s", g["topk_delay_s"] * 1.001)),
    ("features", lambda g: g["features"].__setitem__(2, g["features"][2] + 0.01)),
    ("guarded_placement", lambda g: g["guarded_placement"].__setitem__(0, (g["guarded_placement"][0] + 1) % 3)),
    ("guarded_delay_s", lambda g: g.__setitem__("guarded_delay_s", g["guarded_delay_s"] * 1.001)),
    ("greedy_placement", lambda g: g["greedy_placement"].__setitem__(0, (g["greedy_placement"][0] + 1) % 3)),
    ("out_of_support", lambda g: g.__setitem__("out_of_support", not g["out_of_support"])),
])
def test_a_tampered_golden_vector_fails(runner, copy, field, tamper):
    pte, manifest, _ = copy
    edit(manifest, lambda m: tamper(m["golden"][5]))
    done = check(runner, pte, manifest)
    assert done.returncode == EXIT_GOLDEN, done.stderr
    assert "golden[5]" in done.stderr and "golden check (pte) failed" in done.stderr


def test_a_changed_model_fails_before_running(runner, copy):
    pte, manifest, _ = copy
    data = bytearray(pte.read_bytes())
    data[-100] ^= 0x01
    pte.write_bytes(bytes(data))
    done = check(runner, pte, manifest)
    assert done.returncode == EXIT_INPUT and "sha256" in done.stderr and str(pte) in done.stderr


def test_another_format_version_is_bad_input(runner, copy):
    pte, manifest, _ = copy
    edit(manifest, lambda m: m.__setitem__("format_version", 1))
    done = check(runner, pte, manifest)
    assert done.returncode == EXIT_INPUT and "format_version" in done.stderr


def test_timed_run_writes_benchmark_app_fields(runner, copy, tmp_path):
    pte, manifest, floor = copy
    out = tmp_path / "bench.json"
    done = subprocess.run([str(runner), "--model", str(pte), "--manifest", str(manifest), "--iters",
                           "2000", "--warmup", "100", "--json", str(out), "--floor", str(floor),
                           "--reference"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    record = json.loads(out.read_text())
    for key in ("benchmarkModel", "avg_inference_latency(ms)", "trimmean_inference_latency(ms)",
                "model_load_time(ms)", "load_status", "deviceInfo"):
        assert key in record
    assert set(record["decisions"]) == {"pte", "floor", "reference", "solver"}
    for path in ("topk", "guarded"):
        assert np.isfinite(record["decisions"]["pte"][path]["p50_us"])
    assert set(record["decisions"]["solver"]) == {"exact", "greedy"}


@pytest.mark.parametrize("key, change", [
    ("decoder.ood_top_k", lambda m: m["decoder"].__setitem__("ood_top_k", 0)),
    ("decoder.default", lambda m: m["decoder"].__setitem__("default", "beam")),
    ("features.support", lambda m: m["features"].pop("support")),
])
def test_a_bad_format_2_field_is_bad_input(runner, copy, key, change):
    pte, manifest, _ = copy
    edit(manifest, change)
    done = check(runner, pte, manifest)
    assert done.returncode == EXIT_INPUT and key in done.stderr, done.stderr
