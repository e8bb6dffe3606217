"""`kdoffload simulate` at the edges of its inputs: each case runs to the end or is refused in one line.

Runs that could loop for long (tiny outage intervals, slow links) go through a subprocess with a
timeout, so a regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHORT = ["simulate", "--profile", "chain6", "--policies", "greedy,all-edge", "--duration", "5",
         "--decision-time", "zero"]
LIMIT_S = 300  # far above any of these runs; only a hang reaches it


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", "from kdoffload.cli import main; main()", *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=LIMIT_S)


def completes(tmp_path: Path, *args: str) -> dict:
    """Run the CLI to the end; the run record it wrote."""
    out = tmp_path / "sim"
    done = cli(tmp_path, *args, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads((out / "run.json").read_text())


def refused_in_time(tmp_path: Path, *args: str, needle: str) -> str:
    """Exit 2 with one line naming `needle`, in a subprocess: a hang fails on the timeout."""
    done = cli(tmp_path, *args)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and needle in lines[-1], done.stderr
    return lines[-1]


def write(tmp_path: Path, name: str, data: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return name


# -- extreme values that must run --------------------------------------------------------------

@pytest.mark.parametrize("times", [[0.0] * 40, [3.0] * 40])
def test_every_arrival_at_one_instant_runs(tmp_path, times):
    arrivals = write(tmp_path, "at_once.csv", "time_s\n" + "".join(f"{t}\n" for t in times))
    record = completes(tmp_path, *SHORT, "--arrivals", arrivals)
    for summary in record["summaries"]:
        assert summary["arrived"] == len(times)
        assert summary["completed"] + summary["in_flight"] == len(times)


def test_a_huge_fixed_decision_time_runs_and_its_checks_hold_at_large_times(tmp_path):
    # 1e12 us = 11.6 days per decision: times near 1e6 s, where rounding is 1e-10 s
    record = completes(tmp_path, *SHORT[:-1], "fixed:1e12")
    for summary in record["summaries"]:
        assert summary["makespan"] > 1e6
        assert summary["mean_decision_us"] == pytest.approx(1e12)


def test_a_slow_trace_runs(tmp_path):
    trace = write(tmp_path, "slow.csv", "time_s,rate_up,rate_down\n0,1,1\n")
    record = completes(tmp_path, *SHORT, "--trace", trace)
    edge = next(s for s in record["summaries"] if s["policy"] == "all-edge")
    assert edge["mean_e2e"] > 1e3  # every datum crawls over a 1 bit/s link


@pytest.mark.parametrize("outage", [["--edge-outage", "0:1e-12"], ["--edge-outage", "2:2.000000000001"],
                                    ["--random-outages", "1:1e-9"]])
def test_tiny_outage_intervals_run(tmp_path, outage):
    record = completes(tmp_path, *SHORT, *outage)
    assert all(s["arrived"] >= 1 for s in record["summaries"])


# -- refused up front, or as soon as the run shows it ------------------------------------------

def test_outage_intervals_too_small_to_simulate_are_refused_with_the_estimate(tmp_path):
    line = refused_in_time(tmp_path, *SHORT, "--random-outages", "1e-9:1e-9", needle="random outages")
    assert "events" in line and "at most 10,000,000" in line


def test_outages_that_leave_no_room_for_the_work_are_refused(tmp_path):
    # up ~2 ms at a time: an edge subtask of tens of ms would wait through ~e^10 windows or more
    refused_in_time(tmp_path, *SHORT, "--random-outages", "2e-3:1e-3", needle="no clear stretch")


def test_a_decision_time_beyond_float_resolution_is_refused(tmp_path):
    refused_in_time(tmp_path, *SHORT[:-1], "fixed:1e16", needle="virtual time")


def test_a_sweep_of_too_many_events_is_refused_up_front(refused):
    refused("simulate", "--profile", "chain6", "--sweep-rate", "--tasks", "1000000", needle="events")


def test_a_run_that_slow_links_drive_past_float_resolution_stops_in_one_line(tmp_path):
    trace = write(tmp_path, "slow.csv", "time_s,rate_up,rate_down\n0,1,1\n")
    refused_in_time(tmp_path, "simulate", "--profile", "chain6", "--policies", "all-edge",
                    "--rate", "1", "--duration", "3000", "--decision-time", "zero",
                    "--trace", trace, needle="links too slow")


TRACE_HEAD = "time_s,rate_up,rate_down\n"


@pytest.mark.parametrize("body, needle", [
    (TRACE_HEAD + "0,0,4e6\n", "positive"),
    (TRACE_HEAD + "0,1e-300,4e6\n", "below 1 bit/s"),
    (TRACE_HEAD + "0,nan,4e6\n", "not finite"),
    (TRACE_HEAD + "0,1e6,-4e6\n", "positive"),
    (TRACE_HEAD + "-1,1e6,4e6\n", "negative"),
    (TRACE_HEAD + "0,fast,4e6\n", "not a number"),
    (TRACE_HEAD, "no rows"),
    ("", "empty trace"),
    (TRACE_HEAD.encode() + b"0,\xff\xfe,4e6\n", "not UTF-8"),
    (b"\x00\x01\x02", "unknown column"),
])
def test_a_bad_trace_is_refused(refused, tmp_path, body, needle):
    write(tmp_path, "trace.csv", body)
    line = refused(*SHORT, "--trace", "trace.csv", needle=needle)
    assert "trace.csv" in line


@pytest.mark.parametrize("body, needle", [
    ("time_s\nnan\n", "line 2"),
    ("time_s\n-1\n", "line 2"),
    ("time_s\nsoon\n", "line 2"),
    ("time_s\n1\n0.5\n", "before"),
    ("time_s\n", "no arrivals"),
    ("", "single column time_s"),
    (b"time_s\n\xff1\n", "not UTF-8"),
])
def test_bad_arrivals_are_refused(refused, tmp_path, body, needle):
    write(tmp_path, "arrivals.csv", body)
    line = refused(*SHORT, "--arrivals", "arrivals.csv", needle=needle)
    assert "arrivals.csv" in line


def test_a_directory_for_a_trace_is_refused(refused, tmp_path):
    (tmp_path / "trace.csv").mkdir()
    refused(*SHORT, "--trace", "trace.csv", needle="trace.csv")
