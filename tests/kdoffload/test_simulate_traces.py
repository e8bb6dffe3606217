"""`kdoffload simulate` on trace files as researchers have them: Mahimahi and throughput logs."""

import json

import pytest
from typer.testing import CliRunner

from kdoffload.cli import app

runner = CliRunner()
FAST = ["--profile", "chain6", "--decision-time", "zero", "--policies", "all-edge,all-local",
        "--rate", "0.5", "--duration", "20"]


def invoke(*args):
    return runner.invoke(app, ["simulate", *FAST, *args])


def mahimahi(path, every_ms: int, lines: int):
    path.write_text("".join(f"{every_ms * (k + 1)}\n" for k in range(lines)))
    return str(path)


@pytest.mark.parametrize("fmt", ["mahimahi", "throughput"])
def test_one_trace_file_per_direction_runs(tmp_path, fmt):
    if fmt == "mahimahi":
        up, down = mahimahi(tmp_path / "up", 4, 2000), mahimahi(tmp_path / "down", 1, 2000)
    else:
        (tmp_path / "up").write_text("0 3\n1 0\n2 5\n")  # a second-long stall in every 3 s
        up = down = str(tmp_path / "up")
    result = invoke("--trace-up", up, "--trace-down", down, "--trace-format", fmt, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["config"]["trace_up"] == up and record["config"]["trace_format"] == fmt
    assert all(s["arrived"] == s["completed"] + s["in_flight"] for s in record["summaries"])


@pytest.mark.parametrize("args, words", [
    (["--trace-up", "{up}"], "trace_up: give trace_up and trace_down together"),
    (["--trace", "{csv}", "--trace-up", "{up}", "--trace-down", "{up}"], "give one of them"),
    (["--trace", "{csv}", "--trace-format", "throughput"], "--trace-format: applies to --trace-up"),
    (["--trace-up", "{bad}", "--trace-down", "{up}"], "bad: line 2: 'x' is not a whole number of ms"),
    (["--trace-up", "{up}", "--trace-down", "{up}", "--trace-format", "throughput"],
     "up: line 1: 1 values, expected 2"),
    (["--network", "good-bad", "--trace-up", "{up}", "--trace-down", "{up}"], "give one of them"),
])
def test_bad_trace_options_are_one_line_and_exit_2(tmp_path, args, words):
    (tmp_path / "t.csv").write_text("time_s,rate_up,rate_down\n0,1e6,4e6\n")
    (tmp_path / "bad").write_text("1\nx\n")
    files = {"csv": tmp_path / "t.csv", "up": mahimahi(tmp_path / "up", 1, 10), "bad": tmp_path / "bad"}
    result = invoke(*[a.format(**files) for a in args], "--out", str(tmp_path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[-1], result.stderr
    assert not (tmp_path / "run.json").exists()
