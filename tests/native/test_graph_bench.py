"""kdo_bench --graph: the runner reproduces Python's guarded decisions for a graph given at run
time before it times them, and refuses a fixture that differs or that it cannot read."""

import json
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fixture(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("graph") / "graph.json"
    subprocess.run([sys.executable, str(ROOT / "bench/native/make_graph_fixture.py"), "--out", str(out),
                    "--profile", "daggen:n=24,seed=3", "--states", "6", "--guide", "random", "--ood-every", "3"],
                   check=True, capture_output=True, cwd=ROOT)
    return out


def run(kdo_bench: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(kdo_bench), *args], capture_output=True, text=True, timeout=120)


def test_the_runner_reproduces_python_and_times_the_decision(kdo_bench, fixture, tmp_path):
    done = run(kdo_bench, "--graph", str(fixture), "--iters", "20", "--warmup", "2",
               "--json", str(tmp_path / "bench.json"))
    assert done.returncode == 0, done.stderr
    assert "6 decisions equal Python's (n = 24)" in done.stdout
    record = json.loads((tmp_path / "bench.json").read_text())
    assert set(record["decisions"]["graph"]) == {"guarded", "greedy", "heft"}
    assert record["graph"]["n"] == 24 and record["decisions"]["graph"]["guarded"]["p50_us"] > 0


def test_a_placement_python_did_not_make_fails_the_check(kdo_bench, fixture, tmp_path):
    raw = json.loads(fixture.read_text())
    raw["cases"][1]["placement"][0] = (raw["cases"][1]["placement"][0] + 1) % 3
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(raw))
    done = run(kdo_bench, "--graph", str(changed), "--check-only")
    assert done.returncode == 3 and "case 1: placement differs" in done.stderr


@pytest.mark.parametrize("content, match", [("{", "graph.json: "), ('{"profile": {}}', "graph.json: ")])
def test_a_fixture_it_cannot_read_is_one_line_exit_2(kdo_bench, tmp_path, content, match):
    bad = tmp_path / "graph.json"
    bad.write_text(content)
    done = run(kdo_bench, "--graph", str(bad))
    assert done.returncode == 2 and match in done.stderr and len(done.stderr.strip().splitlines()) == 1
