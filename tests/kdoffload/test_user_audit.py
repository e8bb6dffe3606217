"""Bad files and concurrent runs as a user meets them: graph import, graph demos, trace files.

Each case is one line on stderr naming the file (and the field or line), exit 2, nothing on
stdout, nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from kdoffload.cli import app

runner = CliRunner()


def refused(args, words, written=()):
    result = runner.invoke(app, list(map(str, args)))
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.stdout)
    assert len(lines) == 1 and words in lines[0] and "unexpected" not in lines[0], result.stderr
    assert result.stdout.strip() == "", result.stdout
    for path in written:
        assert not path.exists()
    return lines[0]


@pytest.mark.parametrize("text, words", [
    ('digraph G { 1 [size="2" expect_size="1"] 1 -> ', "not a Graphviz DOT file: Expected"),
    ("", "not a Graphviz DOT file"),
    ("graph G { a [size=1, expect_size=1]; b [size=1, expect_size=1]; a -- b; }", "undirected"),
    ("digraph A { a [size=1, expect_size=1]; } digraph B { b [size=1, expect_size=1]; }", "2 graphs"),
    ("digraph G { a [size=1e6, expect_size=1]; }", "node a: attribute e6 has no value"),
    ("digraph G { a [size=1, expect_size=1]; b [size=1, expect_size=1]; a -> b [size=-3]; }",
     "edge a -> b: size: must be"),
    ("digraph G { a [size=1, expect_size=1]; b [size=1, expect_size=1]; a -> b [size=nan]; }",
     "edge a -> b: size: must be"),
    ("digraph G { a [size=0, expect_size=1]; }", "node a: cycles 0 must be positive"),
])
def test_bad_dot_files(tmp_path, text, words):
    (tmp_path / "g.gv").write_text(text)
    refused(["graph", "import", tmp_path / "g.gv", "--out", tmp_path / "g.toml"], words, [tmp_path / "g.toml"])


def test_dot_subgraphs_are_read(tmp_path):
    (tmp_path / "g.gv").write_text("digraph G { subgraph cluster0 { a [size=1, expect_size=1]; "
                                   "b [size=1, expect_size=1]; } a -> b; }")
    result = runner.invoke(app, ["graph", "import", str(tmp_path / "g.gv"), "--out", str(tmp_path / "g.toml")])
    assert result.exit_code == 0 and "2 subtasks, 1 edges" in result.stdout, result.output


def _instance():
    return {"name": "w", "schemaVersion": "1.5", "workflow": {
        "specification": {"tasks": [{"id": "a", "name": "a", "parents": [], "inputFiles": ["i"], "outputFiles": ["o"]},
                                    {"id": "b", "name": "b", "parents": ["a"], "inputFiles": ["o"], "outputFiles": ["p"]}],
                          "files": [{"id": "i", "sizeInBytes": 10}, {"id": "o", "sizeInBytes": 20},
                                    {"id": "p", "sizeInBytes": 30}]},
        "execution": {"makespanInSeconds": 2, "executedAt": "2024-05-01T10:00:00+00:00", "machines": [],
                      "tasks": [{"id": "a", "runtimeInSeconds": 1.0}, {"id": "b", "runtimeInSeconds": 1.0}]}}}


def _edit(where, key, value):
    instance = _instance()
    node = instance["workflow"]
    for step in where:
        node = node[step]
    node[key] = value
    return json.dumps(instance)


@pytest.mark.parametrize("text, words", [
    ("[" * 5000 + "]" * 5000, "nested deeper than 64"),
    ("", "not valid JSON"),
    (_edit(["specification", "files", 1], "sizeInBytes", "big"), "sizeInBytes"),
    (_edit(["execution", "tasks", 1], "runtimeInSeconds", "fast"), "runtimeInSeconds"),
    (_edit(["execution", "tasks", 1], "runtimeInSeconds", -1), "task b: cycles"),
])
def test_bad_wfformat_files(tmp_path, text, words):
    (tmp_path / "w.json").write_text(text)
    refused(["graph", "import", tmp_path / "w.json", "--out", tmp_path / "g.toml"], words, [tmp_path / "g.toml"])


def test_demos_refuses_more_states_than_memory_holds(tmp_path):
    refused(["graph", "demos", "--profile", "daggen:n=5", "--samples", 2_000_000_000, "--out", tmp_path / "d.npz"],
            "--samples: 2,000,000,000 states need about", [tmp_path / "d.npz"])


def test_two_demos_on_one_out_the_second_is_refused(tmp_path):
    """The first run holds the output's lock; the second says who holds it and writes nothing."""
    first = subprocess.Popen([sys.executable, "-c", "from kdoffload.cli import main; main()", "graph", "demos",
                              "--profile", "daggen:n=10", "--samples", "100000", "--workers", "1",
                              "--solver", "numpy", "--out", "d.npz"],
                             cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lock = tmp_path / ".d.npz.lock"
        for _ in range(600):  # the first run's imports; no timing is asserted, only the order
            if lock.exists() and lock.read_text():
                break
            time.sleep(0.1)
        assert lock.exists(), first.stderr.read() if first.poll() is not None else "no lock"
        second = runner.invoke(app, ["graph", "demos", "--profile", "daggen:n=5", "--samples", "2",
                                     "--workers", "1", "--out", str(tmp_path / "d.npz")])
        assert second.exit_code == 2 and "in use by pid" in second.stderr, second.output
    finally:
        first.terminate()
        first.wait()


@pytest.mark.parametrize("text, words", [
    ("1\n\u00b2\n", "line 2: '\u00b2' is not a whole number of ms"),
    ("\u0661\n\u0662\n", "line 1:"),
    ("1\n99999999999999999999999\n", "line 2:"),
    ("1\n9000000000000000000\n", "line 2:"),
])
def test_bad_mahimahi_traces(tmp_path, text, words):
    (tmp_path / "up").write_text(text)
    (tmp_path / "down").write_text("".join(f"{k + 1}\n" for k in range(100)))
    refused(["simulate", "--profile", "chain6", "--decision-time", "zero", "--policies", "all-local",
             "--duration", "10", "--trace-up", tmp_path / "up", "--trace-down", tmp_path / "down",
             "--out", tmp_path / "sim"], words, [tmp_path / "sim" / "run.json"])


@pytest.mark.parametrize("fmt, text, words", [
    ("throughput", "0 1e300\n1 3\n", "line 1: throughput:"),
    ("throughput", "0 3\n1e300 4\n", "line 2: time"),
    ("pensieve", "0 1e300\n1 3\n", "line 1: throughput:"),  # the first sample is not spent, but checked
    ("pensieve", "0 3\n", "one sample; a Pensieve log needs two"),
    (None, "time_s,rate_up,rate_down\n0,1e6,4e6\n1e300,1e6,4e6\n", "line 3: time_s"),
    (None, "time_s,rate_up,rate_down\n0,1e300,1e6\n", "line 2: rate_up"),
])
def test_trace_values_beyond_any_run(tmp_path, fmt, text, words):
    (tmp_path / "t").write_text(text)
    trace = ["--trace", tmp_path / "t"] if fmt is None else \
        ["--trace-up", tmp_path / "t", "--trace-down", tmp_path / "t", "--trace-format", fmt]
    refused(["simulate", "--profile", "chain6", "--decision-time", "zero", "--policies", "all-local",
             "--duration", "10", *trace, "--out", tmp_path / "sim"], words, [tmp_path / "sim" / "run.json"])


@pytest.mark.parametrize("spec, words", [
    ("daggen:n=5,n=6", "n: given twice"),
    ("daggen:n=64,maxdata=1e27,mindata=1e27,ccr=1e-300", "gives a task of inf cycles"),
])
def test_bad_daggen_specs(tmp_path, spec, words):
    refused(["graph", "generate", spec, "--out", tmp_path / "g.toml"], words, [tmp_path / "g.toml"])


def test_wfformat_zero_amounts_are_said_and_written(tmp_path):
    instance = _instance()
    instance["workflow"]["execution"]["tasks"][1]["runtimeInSeconds"] = 0
    (tmp_path / "w.json").write_text(json.dumps(instance))
    result = runner.invoke(app, ["graph", "import", str(tmp_path / "w.json"), "--out", str(tmp_path / "g.toml")])
    assert result.exit_code == 0 and "note: 1 task of runtime 0 s read as 1 cycle" in result.stdout, result.output
    assert (tmp_path / "g.toml").read_text().startswith("# imported from w.json; 1 task of runtime 0 s")
