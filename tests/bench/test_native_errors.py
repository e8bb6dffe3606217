"""kdo_bench on bad input: exit 2 and one line naming the flag, file or manifest key, no output file.

The runner is built (incrementally) in the session; a machine without the toolchain skips.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kdoffload.evaluation.latency_native import build_runner, toolchain_missing

ROOT = Path(__file__).resolve().parents[2]
MODEL, MANIFEST = "student_xnnpack_fp32.pte", "student_xnnpack_fp32.manifest.json"
EXIT_INPUT = 2


@pytest.fixture(scope="module")
def runner() -> Path:
    missing = toolchain_missing()
    if missing:
        pytest.skip(f"kdo_bench cannot be built here: {missing}")
    return build_runner()


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location("make_fixture", ROOT / "bench" / "native" / "make_fixture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("bench_fixture")
    module.make_fixture("chain6", out, golden=16, seed=0)
    return out


@pytest.fixture
def work(fixture_dir, tmp_path) -> Path:
    for name in (MODEL, MANIFEST):
        shutil.copy(fixture_dir / name, tmp_path / name)
    return tmp_path


def refused(runner: Path, work: Path, *args: str, needle: str) -> str:
    before = sorted(p.name for p in work.iterdir())
    done = subprocess.run([str(runner), *args], cwd=work, capture_output=True, timeout=120)
    lines = done.stderr.decode("utf-8").splitlines()  # not UTF-8 would raise here
    assert done.returncode == EXIT_INPUT, (done.returncode, lines)
    assert len(lines) == 1 and needle in lines[0], lines
    assert sorted(p.name for p in work.iterdir()) == before, "the runner wrote a file"
    return lines[0]


BASE = ["--model", MODEL, "--manifest", MANIFEST, "--check-only", "--json", "out.json"]


@pytest.mark.parametrize("args, needle", [
    (["--bogus"] + BASE, "--bogus: unknown flag"),
    (BASE + ["--iters"], "--iters: missing value"),
    (BASE + ["--iters", "many"], "--iters"),
    (BASE + ["--iters", "0"], "--iters"),
    (BASE + ["--iters", "99999999999999999999"], "--iters"),
    (BASE + ["--warmup", "-1"], "--warmup"),
    (BASE + ["--threads", "0"], "--threads"),
    (BASE + ["--cpu", "-1"], "--cpu"),
    (["--manifest", MANIFEST], "--model: required"),
    (["--model", MODEL], "--manifest: required"),
    (["--model", "absent.pte", "--manifest", MANIFEST], "--model absent.pte: no such file"),
    (["--model", MODEL, "--manifest", "absent.json"], "--manifest absent.json: no such file"),
    (["--model", ".", "--manifest", MANIFEST], "--model .: not a regular file"),
    (BASE + ["--floor", "absent.pte"], "--floor absent.pte"),
])
def test_a_bad_command_line_is_named(runner, work, args, needle):
    refused(runner, work, *args, needle=needle)


def test_a_cpu_the_process_may_not_use_is_refused_before_pinning(runner, work):
    missing = max(os.sched_getaffinity(0)) + 1
    line = refused(runner, work, *BASE, "--cpu", str(missing), needle=f"--cpu: CPU {missing}")
    assert "available" in line


def test_more_threads_than_cpus_is_refused(runner, work):
    too_many = len(os.sched_getaffinity(0)) + 1
    refused(runner, work, *BASE, "--threads", str(too_many), needle="--threads")


def _mutations():
    def drop(*keys):
        def apply(m):
            node = m
            for key in keys[:-1]:
                node = node[key]
            del node[keys[-1]]
        return apply

    def put(value, *keys):
        def apply(m):
            node = m
            for key in keys[:-1]:
                node = node[key]
            node[keys[-1]] = value
        return apply

    return [
        (drop("decoder"), "decoder: missing"),
        (drop("profile", "n"), "profile.n: missing"),
        (drop("pte", "sha256"), "pte.sha256: missing"),
        (put("2", "format_version"), "format_version: has the wrong type"),
        (put("two", "profile", "edge_cores"), "profile.edge_cores: has the wrong type"),
        (put("0,1", "profile", "entries"), "profile.entries: has the wrong type"),
        (put("xnnpack", "export"), "export: must be an object"),
        (put(3, "export", "model"), "export.model: has the wrong type"),
        (put({"layer": 1}, "reference_weights"), "reference_weights: must be a list"),
        (put(5, "features", "order", 0), "features.order[0].field: missing"),
        (put([], "golden"), "golden: needs at least one vector"),
        (put("argmax", "golden", 0, "logits"), "golden[0].logits: has the wrong type"),
    ]


@pytest.mark.parametrize("mutate, needle", _mutations())
def test_a_manifest_with_a_wrong_type_or_a_missing_key_names_the_key(runner, work, mutate, needle):
    manifest = json.loads((work / MANIFEST).read_text())
    bad = copy.deepcopy(manifest)
    mutate(bad)
    (work / MANIFEST).write_text(json.dumps(bad))
    line = refused(runner, work, *BASE, needle=needle)
    assert MANIFEST in line


@pytest.mark.parametrize("content, needle", [
    (b"", "not valid JSON"),
    (b"\xff\xfe\x00{", "not valid JSON"),
    (b"[1, 2]", "format_version: missing"),
])
def test_a_manifest_that_is_not_a_json_object_is_refused_in_one_printable_line(runner, work, content, needle):
    (work / MANIFEST).write_bytes(content)
    refused(runner, work, *BASE, needle=needle)
