"""The exact-scaling and guided-search benches: they run, draw the papers' graphs as the heuristic
table does, and their records say what the solves did."""

from __future__ import annotations

import json

import pytest

from bench import exact_scaling, guided_search
from bench.paper_graphs import draw
from kdoffload.model import native

pytestmark = pytest.mark.skipif(not native.available(), reason="needs the native core (make native)")


def test_exact_scaling_certifies_small_graphs_and_counts_its_states(tmp_path):
    exact_scaling.main(["--out", str(tmp_path), "--sizes", "6,8", "--graphs", "2", "--states", "2",
                        "--seconds", "0", "--nodes", "100000"])
    data = json.loads((tmp_path / "exact_scaling.json").read_text())
    assert [r["n"] for r in data["sizes"]] == [6, 8]
    assert data["budget_clock"] == "thread CPU time"
    for record in data["sizes"]:
        assert record["states"] == 4
        assert record["certified"] == 1.0 and record["gap_max"] == 0.0
        assert record["greedy_mean"] >= 1.0 - 1e-9 and record["heft_mean"] >= 1.0 - 1e-9
    assert (tmp_path / "exact_scaling.md").read_text().count("\n| 6 | 4 | 100% |") == 1


def test_guided_search_draws_the_same_graphs_as_the_other_benches():
    profiles = guided_search.graphs_of("8", 2, seed=3)
    assert [p.name for p in profiles] == [draw(8, g, 0, 3).profile.name for g in range(2)]
    assert guided_search.graphs_of("dag10", 5, seed=3)[0].n == 10


def test_guided_search_labels_equal_plain_and_rows_are_written(tmp_path):
    guided_search.main(["--out", str(tmp_path), "--sizes", "8", "--graphs", "2", "--states", "2",
                        "--nodes", "100000"])
    data = json.loads((tmp_path / "guided_search.json").read_text())
    (record,) = data["sizes"]
    assert record["states"] == 4 and record["plain"]["certified"] == record["guided"]["certified"] == 1.0
