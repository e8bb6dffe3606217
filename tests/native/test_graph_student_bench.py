"""kdo_bench on a graph student's export: the four-input program is checked against its
manifest's shapes and golden vectors (features, logits, argmax and guarded decisions) before it
is timed, and refused in one line when they differ."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[2]
STEM = "graph_student_xnnpack_fp32"


@pytest.fixture(scope="module")
def export_dir() -> Path:
    """A random-weight graph student (width 8, 1 round), fp32, goldens at N = 5 and 12; kept in
    build/ until a file its build read changes (tests/kdoffload/android/fixture_cache.py), as
    lowering through ExecuTorch takes most of the time."""
    out = ROOT / "build/test_fixtures/graph_bench"
    done = subprocess.run([sys.executable, str(ROOT / "tests/kdoffload/android/fixture_cache.py"), str(out),
                           str(ROOT / "tests/kdoffload/android/graph_export_fixture.py"), "--width", "8",
                           "--rounds", "1", "--fit-states", "60", "--verify-states", "4", "--golden-sizes", "5,12"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def run(kdo_bench: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(kdo_bench), *args], capture_output=True, text=True, timeout=120)


def copy_export(export_dir: Path, tmp_path: Path, edit=None) -> tuple[str, str]:
    pte, manifest = tmp_path / f"{STEM}.pte", tmp_path / f"{STEM}.manifest.json"
    shutil.copy(export_dir / f"{STEM}.pte", pte)
    raw = json.loads((export_dir / f"{STEM}.manifest.json").read_text())
    if edit:
        edit(raw)
    manifest.write_text(json.dumps(raw))
    return str(pte), str(manifest)


def test_goldens_pass_then_the_forward_and_the_decision_are_timed(kdo_bench, export_dir, tmp_path):
    pte, manifest = copy_export(export_dir, tmp_path)
    fixture = tmp_path / "graph.json"
    subprocess.run([sys.executable, str(ROOT / "bench/native/make_graph_fixture.py"), "--out", str(fixture),
                    "--profile", "daggen:n=20,seed=3", "--states", "4", "--guide", "random"],
                   check=True, capture_output=True, cwd=ROOT)
    done = run(kdo_bench, "--model", pte, "--manifest", manifest, "--graph", str(fixture),
               "--iters", "20", "--warmup", "2", "--json", str(tmp_path / "bench.json"))
    assert done.returncode == 0, done.stderr
    assert "golden check (graph student): 4 vectors passed" in done.stdout
    timed = json.loads((tmp_path / "bench.json").read_text())["decisions"]["graph"]
    assert {"forward_golden", "student_forward", "student_argmax", "student_guarded"} <= set(timed)
    assert timed["student_guarded"]["p50_us"] > 0


def test_a_corrupted_golden_fails_the_check(kdo_bench, export_dir, tmp_path):
    def corrupt(raw):
        raw["golden"][1]["logits"][0][0] += 0.5
    pte, manifest = copy_export(export_dir, tmp_path, corrupt)
    done = run(kdo_bench, "--model", pte, "--manifest", manifest, "--iters", "5", "--warmup", "0")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "golden 1 (n = 5): logits differ" in done.stderr and "graph/" not in done.stdout


def test_a_program_of_other_input_shapes_is_refused_in_one_line(kdo_bench, export_dir, tmp_path):
    def reshape(raw):
        raw["input_shapes"][2] = [1, 64, 32]
    pte, manifest = copy_export(export_dir, tmp_path, reshape)
    done = run(kdo_bench, "--model", pte, "--manifest", manifest, "--check-only")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "input 2 is [1, 64, 64], the manifest says [1, 64, 32]" in done.stderr
