"""Importers: MRLCO's Graphviz DOT and WfCommons' WfFormat, on small files written here."""

from __future__ import annotations

import json

import pytest

from kdoffload.model.daggen import REFERENCE_CLOCK
from kdoffload.model.errors import InputError
from kdoffload.model.graph_import import DOT_CYCLES_PER_BYTE, import_graph

# MRLCO's dialect of daggen's DOT: ids from 1, listed out of topological order on purpose.
DOT = """// four tasks in MRLCO's attributes
digraph G {
  4 [size="3145728", alpha="0.20", expect_size="262144"]
  1 [size="2097152", alpha="0.10", expect_size="1048576"]
  1 -> 2 [size ="1048576"]
  1 -> 3 [size ="1048576"]
  2 [size="4194304", alpha="0.05", expect_size="2097152"]
  2 -> 4 [size ="2097152"]
  3 [size="1048576", alpha="0.00", expect_size="524288"]
  3 -> 4 [size ="786432"]
}
"""


def _file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_dot_maps_sizes_onto_cycles_and_bits(tmp_path):
    graph = import_graph(_file(tmp_path, "g.gv", DOT))
    assert graph.names == ("1", "2", "3", "4")  # renumbered in topological order
    assert graph.edges == ((0, 1), (0, 2), (1, 3), (2, 3))
    w = graph.workload
    assert w.cycles == tuple(s * DOT_CYCLES_PER_BYTE for s in (2097152, 4194304, 1048576, 3145728))
    # Task 3's edge carries more than its expect_size: the output is the larger.
    assert w.out_bits == (8 * 1048576, 8 * 2097152, 8 * 786432, 8 * 262144)
    assert w.in_bits == (8 * 2097152, 0, 0, 0)


@pytest.mark.parametrize("change, message", [
    (("3 -> 4", "4 -> 1 [size=\"1\"]\n  3 -> 4"), "the graph is cyclic"),
    (("3 -> 4", "3 -> 3"), "3 -> 3 is a self-loop"),
    (('size="1048576", alpha="0.00"', 'size="0", alpha="0.00"'), "node 3: cycles 0 must be positive"),
    ((' expect_size="262144"', ""), "node 4: expect_size: missing"),
])
def test_bad_dot_is_one_line_naming_the_file(tmp_path, change, message):
    path = _file(tmp_path, "g.gv", DOT.replace(*change))
    with pytest.raises(InputError) as err:
        import_graph(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


def _instance(runtime_of_merge=0.5):
    tasks = [("split_0", [], ["query.fa"], ["part1.fa", "part2.fa"]),
             ("blast_1", ["split_0"], ["part1.fa"], ["hits1.txt"]),
             ("blast_2", ["split_0"], ["part2.fa"], ["hits2.txt"]),
             ("merge_3", ["blast_1", "blast_2"], ["hits1.txt", "hits2.txt"], ["report.txt"])]
    sizes = {"query.fa": 400000, "part1.fa": 200000, "part2.fa": 200000, "hits1.txt": 50000,
             "hits2.txt": 70000, "report.txt": 10000}
    runs = [{"id": "split_0", "runtimeInSeconds": 0.2, "machines": ["fast"]},
            {"id": "blast_1", "runtimeInSeconds": 2.0, "coreCount": 2, "machines": ["fast"]},
            {"id": "blast_2", "runtimeInSeconds": 2.5, "machines": ["slow"]},
            {"id": "merge_3", "runtimeInSeconds": runtime_of_merge}]
    return {"name": "tiny-blast", "schemaVersion": "1.5", "workflow": {
        "specification": {
            "tasks": [{"id": t, "name": t.split("_")[0], "parents": p, "inputFiles": i, "outputFiles": o}
                      for t, p, i, o in tasks],
            "files": [{"id": f, "sizeInBytes": b} for f, b in sizes.items()]},
        "execution": {"makespanInSeconds": 3.5, "executedAt": "2024-05-01T10:00:00+00:00", "tasks": runs,
                      "machines": [{"nodeName": "fast", "cpu": {"coreCount": 8, "speedInMHz": 2400}},
                                   {"nodeName": "slow", "cpu": {"coreCount": 4, "speedInMHz": 1200}}]}}}


def test_wfformat_maps_runtimes_and_files(tmp_path):
    graph = import_graph(_file(tmp_path, "w.json", json.dumps(_instance())))
    assert graph.names == ("split_0", "blast_1", "blast_2", "merge_3")
    assert graph.edges == ((0, 1), (0, 2), (1, 3), (2, 3))
    w = graph.workload
    # runtime x cores x the clock of the machine it ran on (the default clock where none is named)
    assert w.cycles == pytest.approx((0.2 * 2.4e9, 2.0 * 2 * 2.4e9, 2.5 * 1.2e9, 0.5 * REFERENCE_CLOCK))
    assert w.out_bits == (8 * 400000, 8 * 50000, 8 * 70000, 8 * 10000)
    assert w.in_bits == (8 * 400000, 0, 0, 0)
    with pytest.raises(InputError, match=r"w0.json: task merge_3: cycles -1.5e\+09 must be positive"):
        import_graph(_file(tmp_path, "w0.json", json.dumps(_instance(runtime_of_merge=-1))))
    broken = _instance()
    broken["workflow"]["specification"]["tasks"][1]["parents"] = ["nowhere"]
    with pytest.raises(InputError, match="bad.json: not a WfFormat instance: .*nowhere"):
        import_graph(_file(tmp_path, "bad.json", json.dumps(broken)))


def test_unknown_suffix_is_refused(tmp_path):
    with pytest.raises(InputError, match="unknown graph format"):
        import_graph(_file(tmp_path, "g.txt", DOT))
