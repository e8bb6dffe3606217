"""The graph student on the phone path through the real adb: `push --graph` and `bench --graph`
run a task graph through the app's code path (hostbench), and what is refused is one line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kdoffload.android.graph_push import digest, graph_profile, task_graph
from kdoffload.model.errors import InputError
from tests.kdoffload.android.helpers import installed_phone, invoke, one_line_error

GRAPH = """[graph]
n = 8
edges = [[0, 1], [0, 2], [1, 3], [2, 3], [3, 4], [3, 5], [4, 6], [5, 6], [6, 7]]
"""


@pytest.fixture
def graph_file(graph_workdir):
    path = graph_workdir / "fork8.toml"
    path.write_text(GRAPH)
    return path


def _bench(serial, graph, *options):
    return invoke("bench", "--graph", str(graph), "--quant", "fp32", "--serial", serial, "--iters", "100",
                  "--warmup", "20", "--stream-tasks", "10", "--timeout", "600", *options)


def test_the_task_graph_file_is_what_the_app_reads(tmp_path):
    path = tmp_path / "line3.toml"
    path.write_text("[graph]\nn = 3\nedges = [[1, 2], [0, 1]]\n")
    graph = graph_profile(path)
    payload = task_graph(graph)
    assert payload["name"] == "line3" and payload["graph"]["edges"] == [[0, 1], [1, 2]]
    # The app computes it again (TaskGraphFile; GraphStudentTest holds this value).
    assert payload["digest"] == digest(graph) == "3ad8c01e87ecd335d5d51249a5602f21b12ab20b847ff93bf00364afdebf2b95"
    assert graph_profile("dag10").n == 10


def test_bench_runs_the_graph_through_the_app(phones, graph_workdir, graph_file, tmp_path, app_launcher):
    serial, phone = installed_phone(phones, tmp_path, app_launcher)
    result = _bench(serial, graph_file, "--rate", "0.2")
    assert result.exit_code == 0, result.stderr
    saved = graph_workdir / "runs/fork8/bench" / f"phone-{serial.replace(':', '_')}-graph-student.json"
    data = json.loads(saved.read_text())
    assert data["graph"] == {"name": "fork8", "n": 8, "digest": digest(graph_profile(graph_file))}
    # The stream the phone ran arrives at the rate asked: 1000 seeded Poisson gaps of mean 5 s.
    assert data["settings"]["rate_per_s"] == 0.2
    arrivals = json.loads((graph_workdir / "runs/fork8/android/bench_states.json").read_text())["arrivals_s"]
    assert 4.5 < (arrivals[-1] - arrivals[0]) / (len(arrivals) - 1) < 5.5
    for stage in ("forward", "decoder", "decision"):
        timing = data["graph_timings_us"][stage]
        assert 0 < timing["p50"] <= timing["p99"], stage
    times = next(r for r in data["records"] if r["metric"] == "decision_times(us)")
    assert times["benchmarkModel"] == {"name": "graph_student", "backend": "xnnpack", "quantization": "fp32",
                                       "decoder": "guarded"} and len(times["values"]) == 100
    assert "| graph_student guarded, emulated phone on the host: kdoffload-emulated |" in result.stdout
    log = "\n".join(phone.storage.logcat({"kdoffload"}))
    golden = json.loads((graph_workdir / "runs/graph-student/export/graph_student_xnnpack_fp32.manifest.json")
                        .read_text())["golden"]
    assert f"golden check: {len(golden)} vectors pass" in log and "graph fork8: 8 subtasks" in log
    started = "\n".join(phone.storage.logcat({"ActivityManager"}))
    assert "--graph-file" in started and "task_graph.json" in started


def test_a_golden_mismatch_refuses_the_graph_run(phones, graph_workdir, graph_file, tmp_path, app_launcher):
    serial, _ = installed_phone(phones, tmp_path, app_launcher)
    manifest = graph_workdir / "runs/graph-student/export/graph_student_xnnpack_fp32.manifest.json"
    data = json.loads(manifest.read_text())
    data["golden"][1]["logits"][0][0] += 1.0
    manifest.write_text(json.dumps(data))
    one_line_error(_bench(serial, graph_file), "the app refused the run", "golden check failed: golden[1]",
                   "load_status -1")


@pytest.mark.parametrize("rate", ["0", "-1", "2000"])
def test_a_rate_out_of_bounds_is_typers_one_line_refusal(graph_file, rate):
    done = subprocess.run([sys.executable, "-c", "from kdoffload.cli import main; main()", "android", "bench",
                           "--graph", str(graph_file), "--rate", rate], capture_output=True, text=True,
                          cwd=graph_file.parent, timeout=120)
    assert done.returncode == 2 and "--rate" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


@pytest.mark.parametrize("text, words", [
    ("[graph]\nn = 65\nedges = []\n", ("graph.n", "65 subtasks is more than the 64")),
    ("[graph]\nn = 3\nedges = [[0, 1], [1, 2], [2, 0]]\n", ("graph.edges", "cyclic")),
    ("[graph]\nn = 3\nedge = []\n", ("graph.edge", "unknown key")),
])
def test_a_bad_graph_file_is_the_library_refusal(graph_workdir, text, words):
    bad = graph_workdir / "bad.toml"
    bad.write_text(text)
    for command in ("push", "bench"):
        one_line_error(invoke(command, "--graph", str(bad)), "bad.toml", *words)


def test_a_profile_and_a_graph_are_refused_together(graph_workdir, graph_file):
    one_line_error(invoke("push", "--graph", str(graph_file), "--profile", "chain6"), "--profile and --graph")
    one_line_error(invoke("push", "--graph", "missing.toml"), "missing.toml: no such graph file")


def test_a_graph_student_folder_without_a_graph_is_refused(graph_workdir, tmp_path):
    for command in ("push", "bench"):
        one_line_error(invoke(command, "--run", str(tmp_path)), "--run: the graph student's folder is used only with --graph")


def test_a_result_for_another_graph_is_refused():
    from kdoffload.android.results import graph_summary
    from tests.kdoffload.android.helpers import result_records

    records = result_records("phone", [40.0, 41.0])
    records.append({**records[0], "metric": "graph_subtasks", "actualValue": 8, "graph_name": "fork8",
                    "graph_digest": "0" * 64})
    pushed = {"name": "fork8", "n": 8, "digest": "1" * 64}
    with pytest.raises(InputError, match="the app decided for graph .* not the pushed"):
        graph_summary(records, pushed, "phone:result")
    assert graph_summary(records, {**pushed, "digest": "0" * 64}, "phone:result")["graph"]["digest"] == "0" * 64
