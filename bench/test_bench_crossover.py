"""bench.crossover end to end on tiny sizes: the stand-in graph student export (random weights;
tests/kdoffload/android/graph_export_fixture.py, the one the JUnit run uses), two sizes, one graph
of two states each, a short kdo_bench run. Checks the table's shape and what must hold whatever
the weights: every quality ratio is at least 1 (T* is the certified optimum or the best found),
the guarded decision is never above argmax (argmax is among its candidates), p50 <= p99."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import crossover
from kdoffload.model import native

REPO = Path(__file__).resolve().parents[1]
SIZES = (6, 9)
GRAPHS, STATES = 1, 2

pytestmark = pytest.mark.skipif(
    not native.available() or not (native.library_path().resolve().parent / "kdo_bench").is_file(),
    reason=f"libkdocore.so or kdo_bench missing ({native.BUILD_HINT})")


@pytest.fixture(scope="module")
def graph_export() -> Path:
    out = REPO / "build/test_fixtures/graph_export"
    done = subprocess.run([sys.executable, str(REPO / "tests/kdoffload/android/fixture_cache.py"), str(out),
                           str(REPO / "tests/kdoffload/android/graph_export_fixture.py")],
                          capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


@pytest.fixture(scope="module")
def crossover_run(graph_export, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("crossover")
    crossover.main(["--out", str(out), "--pte", str(graph_export / "graph_student_xnnpack_fp32.pte"),
                    "--student", str(graph_export / "student.pt"), "--sizes", ",".join(map(str, SIZES)),
                    "--graphs", str(GRAPHS), "--states", str(STATES), "--nodes", "100000", "--iters", "20"])
    return out


def test_the_table_has_a_row_per_size_and_every_column(crossover_run):
    lines = (crossover_run / "crossover.md").read_text().splitlines()
    assert len(lines) == 2 + len(SIZES)
    columns = lines[0].count("|")
    assert all(line.count("|") == columns for line in lines)
    assert [line.split("|")[1].strip() for line in lines[2:]] == [str(n) for n in SIZES]
    assert (crossover_run / "crossover.png").stat().st_size > 0


def test_the_records_hold_whatever_the_weights(crossover_run):
    summary = json.loads((crossover_run / "crossover.json").read_text())
    assert summary["budget_us"] == crossover.BUDGET_S * 1e6
    records = summary["sizes"]
    assert [r["n"] for r in records] == list(SIZES)
    for r in records:
        assert r["states"] == GRAPHS * STATES and r["graphs"] == GRAPHS
        assert r["certified"] == 1.0, r  # the whole search tree at N = 9 has 29,524 nodes: the cap is never reached
        for method in ("plain", "guided", "forward", "argmax", "guarded"):
            assert 0 < r[method]["p50_us"] <= r[method]["p99_us"], (r["n"], method)
        quality = r["within_budget"]
        for method in crossover.METHODS:
            assert quality[method]["mean_ratio"] >= 1 - 1e-9, (r["n"], method)
        assert quality["guarded"]["mean_ratio"] <= quality["argmax"]["mean_ratio"] + 1e-12
