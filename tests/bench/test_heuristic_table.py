"""The heuristics' table: both tables' shape, and ratios taken over certified states only."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bench import heuristic_table
from bench.paper_graphs import draw
from kdoffload.model import native

pytestmark = pytest.mark.skipif(not native.available(), reason="needs the native core (make native)")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("table")
    # 200 nodes: enough to certify some states at N = 8-10 and not all, in a second.
    heuristic_table.main(["--out", str(out), "--sizes", "6,10", "--rates", "3,19", "--rate-n", "8",
                          "--graphs", "2", "--states", "2", "--nodes", "200"])
    return json.loads((out / "heuristic_table.json").read_text()), (out / "heuristic_table.md").read_text()


def test_one_row_per_size_and_rate_with_every_heuristic(result):
    data, text = result
    assert [c["n"] for c in data["by_size"]] == [6, 10]
    assert [c["rate_mbps"] for c in data["by_rate"]] == [3, 19]
    for cell in data["by_size"] + data["by_rate"]:
        assert cell["states"] == len(cell["rows"]) == 4
        assert cell["certified"] == sum(r["certified"] for r in cell["rows"])
        assert set(cell["rows"][0]["heuristics"]) == set(heuristic_table.HEURISTICS)
    assert text.count("| greedy | heft | round-robin | random | all-local | all-edge | all-cloud |") == 2
    assert len([line for line in text.splitlines() if line.startswith("| ") and "/ 4 |" in line]) == 4


def test_ratios_are_over_certified_states_and_never_below_one(result):
    data, _ = result
    for cell in data["by_size"] + data["by_rate"]:
        certified = [r for r in cell["rows"] if r["certified"]]
        for name in heuristic_table.HEURISTICS:
            ratios = [r["heuristics"][name] / r["delay"] for r in certified]
            assert (cell[name] is None) == (not certified)
            if certified:
                assert cell[name]["mean"] == pytest.approx(np.mean(ratios)) and min(ratios) >= 1 - 1e-9


def test_an_uncertified_state_stays_out_of_the_ratios():
    row = {"certified": True, "delay": 2.0, "heuristics": {n: 3.0 for n in heuristic_table.HEURISTICS}}
    open_row = {"certified": False, "delay": 1.0, "heuristics": {n: 9.0 for n in heuristic_table.HEURISTICS}}
    summary = heuristic_table.summarise([row, open_row])
    assert summary["states"] == 2 and summary["certified"] == 1 and summary["greedy"]["mean"] == 1.5


def test_the_uplink_is_fixed_and_the_rest_of_the_state_kept():
    instance = draw(8, 0, 3, seed=1)
    fixed = heuristic_table.with_uplink(instance, 7)
    assert np.all(fixed.states.rate_up == 7e6) and np.array_equal(fixed.states.cycles, instance.states.cycles)
    assert np.allclose(fixed.states.rate_down / fixed.states.rate_up,
                       instance.states.rate_down / instance.states.rate_up)
    assert draw(8, 0, 3, seed=1).spec == instance.spec != draw(8, 1, 3, seed=1).spec
