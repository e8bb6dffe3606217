"""Importers on files with the traits of published graphs (tests/model/graph_files): DOT default
attributes and daggen's dialect, WfFormat 1.5 instances with zero amounts, older schemas refused."""

import json
from pathlib import Path

import pytest

from kdoffload.model.errors import InputError
from kdoffload.model.graph_import import import_graph

FILES = Path(__file__).parent / "graph_files"


def test_dot_defaults_reach_what_follows_them_as_in_graphviz():
    graph = import_graph(FILES / "defaults.gv", cycles_per_byte=1.0)
    assert graph.names == ("4", "5", "1", "2", "3")
    assert graph.edges == ((0, 2), (1, 2), (2, 3), (3, 4))  # {4 5} -> 1 is an edge from each
    w = graph.workload
    # 4 and 5: the later `node [size=20]`; 3: its subgraph's size 10, which stays in the subgraph;
    # 2 stated again: its own size 3000 on top of what it had
    assert w.cycles == (20.0, 20.0, 1000.0, 3000.0, 10.0)
    # outputs: expect_size (default 100, 2's own 50) or the largest edge size (default 500, 2 -> 3's 7)
    assert w.out_bits == (8 * 500.0, 8 * 500.0, 8 * 500.0, 8 * 50.0, 8 * 100.0)
    assert w.in_bits == (8 * 20.0, 8 * 20.0, 0.0, 0.0, 0.0)


def test_dot_with_windows_line_ends_reads_alike(tmp_path):
    other = tmp_path / "crlf.gv"
    other.write_bytes((FILES / "defaults.gv").read_bytes().replace(b"\n", b"\r\n"))
    assert import_graph(other) == import_graph(FILES / "defaults.gv")


def test_a_node_only_an_edge_names_takes_the_defaults_or_is_refused(tmp_path):
    path = tmp_path / "g.gv"
    path.write_text('digraph G { a [size="1", expect_size="1"]; a -> b }')
    with pytest.raises(InputError, match=r"g.gv: node b: size: missing"):
        import_graph(path)
    path.write_text('digraph G { node [size="2", expect_size="3"]; a -> b }')
    assert import_graph(path).names == ("a", "b")


def test_zero_amounts_of_a_real_instance_are_read_as_the_least_and_said():
    notes = []
    graph = import_graph(FILES / "zero_amounts.json", notes=notes)
    assert graph.names == ("fetch_1", "index_2", "report_3")
    w = graph.workload
    assert w.cycles == pytest.approx((2.5 * 2e9, 1.0, 1.0 * 2e9))
    assert w.out_bits == (8 * 4000.0, 8 * 1000.0, 8.0)
    assert w.in_bits == (8.0, 0.0, 0.0)
    assert notes == ["1 task of runtime 0 s read as 1 cycle", "1 task without output bytes read as 1 byte out",
                     "1 task without input bytes read as 1 byte in (entries)"]
    assert import_graph(FILES / "zero_amounts.json") == graph  # the notes are only said


@pytest.mark.parametrize("name, words", [
    ("schema_1_4.json", "schemaVersion 1.4: this reader takes WfFormat 1.5"),
    ("no_execution.json", "workflow.execution.tasks: missing"),
])
def test_what_wfcommons_would_misread_is_refused(name, words):
    with pytest.raises(InputError) as err:
        import_graph(FILES / name)
    assert str(err.value).startswith(str(FILES / name)) and words in str(err.value)


def test_a_task_without_a_measured_run_is_refused(tmp_path):
    instance = json.loads((FILES / "zero_amounts.json").read_text())
    del instance["workflow"]["execution"]["tasks"][2]
    path = tmp_path / "w.json"
    path.write_text(json.dumps(instance))
    with pytest.raises(InputError, match="w.json: task report_3: not in workflow.execution.tasks"):
        import_graph(path)


def test_a_task_naming_no_machine_ran_on_the_only_machine_listed(tmp_path):
    instance = json.loads((FILES / "zero_amounts.json").read_text())
    execution = instance["workflow"]["execution"]
    for run in execution["tasks"]:
        del run["machines"]  # as Nextflow's instances: one host listed, named on no task
    path = tmp_path / "w.json"
    path.write_text(json.dumps(instance))
    assert import_graph(path).workload.cycles[0] == pytest.approx(2.5 * 2e9)
    execution["machines"].append({"nodeName": "node2", "cpu": {"coreCount": 4, "speedInMHz": 1000}})
    path.write_text(json.dumps(instance))  # two listed: which one is unknown, so --clock
    assert import_graph(path, default_clock=3e9).workload.cycles[0] == pytest.approx(2.5 * 3e9)


def test_dot_drawing_attributes_ports_chains_and_strict_are_read():
    graph = import_graph(FILES / "drawing.gv", cycles_per_byte=1.0)
    assert graph.names == ("capture", "detect", "fuse")
    assert graph.edges == ((0, 1), (1, 2))  # a port is a place on its node; strict: one edge
    assert graph.workload.out_bits == (8 * 400.0, 8 * 30.0, 8 * 10.0)  # the chain's size on both edges


def test_daggen_own_dot_output_is_refused_saying_why():
    with pytest.raises(InputError, match=r"daggen_plain.gv: no node has expect_size: MRLCO's DOT gives"):
        import_graph(FILES / "daggen_plain.gv")


@pytest.mark.parametrize("name, kind", [("g.gv", "DOT"), ("w.json", "WfFormat")])
def test_a_profile_naming_a_published_graph_is_told_to_import_it(tmp_path, name, kind):
    from kdoffload.model.profile import load_profile

    (tmp_path / name).write_text("")
    (tmp_path / "p.toml").write_text(f'name = "p"\ngraph = "{name}"\n')
    with pytest.raises(InputError, match=f"graph: {name} is a {kind} file; import it first"):
        load_profile(tmp_path / "p.toml")
