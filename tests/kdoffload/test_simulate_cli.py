"""`kdoffload simulate` through typer's CliRunner: artifacts, and one-line errors with exit 2."""

import json

import pytest
from typer.testing import CliRunner

from kdoffload.cli import app

runner = CliRunner()
FAST = ["--profile", "chain6", "--decision-time", "zero"]


def invoke(*args):
    return runner.invoke(app, ["simulate", *args])


def test_a_single_run_prints_and_writes_json_and_markdown(tmp_path):
    result = invoke(*FAST, "--policies", "greedy,all-edge", "--rate", "1", "--duration", "30",
                    "--edge-outage", "5:10", "--network", "good-bad", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "| greedy |" in result.stdout and "| all-edge |" in result.stdout
    record = json.loads((tmp_path / "run.json").read_text())
    assert [s["policy"] for s in record["summaries"]] == ["greedy", "all-edge"]
    assert record["outage_windows"]["edge"] == [[5.0, 10.0]]
    assert record["summaries"][1]["replacements"] > 0
    assert "| greedy |" in (tmp_path / "run.md").read_text()


def test_arrivals_and_a_trace_from_files(tmp_path):
    (tmp_path / "arrivals.csv").write_text("time_s\n0\n0.5\n0.5\n4\n")
    (tmp_path / "trace.csv").write_text("time_s,rate_up,rate_down\n0,2e6,8e6\n1,5e5,2e6\n")
    result = invoke(*FAST, "--policies", "all-cloud", "--arrivals", str(tmp_path / "arrivals.csv"),
                    "--trace", str(tmp_path / "trace.csv"), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "run.json").read_text())["summaries"][0]["arrived"] == 4


def test_both_sweeps_write_a_figure_each(tmp_path):
    result = invoke(*FAST[:2], "--decision-time", "fixed:20000", "--policies", "greedy,all-local",
                    "--sweep-rate", "--sweep-scale", "--tasks", "40", "--rate", "0.2",
                    "--scales", "1,0.01", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    for name in ("sweep_rate", "sweep_scale"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
        assert (tmp_path / f"{name}.md").exists()
    rates = json.loads((tmp_path / "sweep_rate.json").read_text())
    assert rates["breakdown_rate"]["all-local"] is not None  # the sweep ran into saturation
    scale = json.loads((tmp_path / "sweep_scale.json").read_text())
    # 20 ms per decision is nothing at s = 1 and dominates at s = 0.01.
    ratio = [c[0]["mean_e2e"] / z[0]["mean_e2e"] for c, z in zip(scale["charged"], scale["zero"])]
    assert ratio[0] < 1.1 < ratio[1]


TRACE_HEADER = "time_s,rate_up,rate_down\n"


@pytest.mark.parametrize("body, words", [
    (TRACE_HEADER + "0,1e6,4e6\n1,-2e6,4e6\n", "line 3: rate_up"),
    (TRACE_HEADER + "0,1e6,\n", "line 2: rate_down: missing"),
    (TRACE_HEADER + "0,1e6,4e6\n0,1e6,4e6\n", "line 3: time_s 0.0 is not after 0.0"),
    ("time_s,rate_up,rate_down,jitter\n0,1e6,4e6,1\n", "unknown column 'jitter'"),
    ("time_s,rate_up\n0,1e6\n", "column 'rate_down' missing"),
])
def test_a_bad_trace_is_one_line_and_exit_2(tmp_path, body, words):
    path = tmp_path / "bad.csv"
    path.write_text(body)
    result = invoke(*FAST, "--trace", str(path), "--out", str(tmp_path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.csv" in lines[0] and words in lines[0], result.stderr
    assert not (tmp_path / "run.json").exists()


@pytest.mark.parametrize("args, words", [
    (["--policies", "telepathy,oracle"], "policy 'telepathy': unknown (known: all-local, all-edge"),
    (["--rate", "0"], "--rate"),
    (["--duration", "-5"], "--duration"),
    (["--edge-outage", "9:3"], "edge outage '9:3'"),
    (["--link-outage", "radio:1:2"], "link outage"),
    (["--decision-time", "fast"], "decision time 'fast'"),
    (["--network", "5g"], "network: unknown kind '5g'"),
    (["--sweep-scale", "--scales", "1,2"], "--scales"),
    (["--arrivals", "nowhere.csv"], "nowhere.csv"),
])
def test_bad_options_are_one_line_and_exit_2(tmp_path, args, words):
    result = invoke(*FAST, *args, "--out", str(tmp_path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr
