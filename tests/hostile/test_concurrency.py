"""Two runs on one set of outputs, by class: every command that writes takes the lock first, a
second run is refused in one line naming the holder, a dead run's lock never blocks, and a killed
run's temporary files are removed by the next run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kdoffload import outputs
from kdoffload.cli import app
from kdoffload.model.runs import Runs

# Every command that writes under runs/<profile>/, with options that reach its first write.
WRITERS = [["data", "--samples", "10"], ["train", "--epochs", "1"], ["distill", "--epochs", "1"],
           ["ablation", "--epochs", "1"], ["compare-loss"], ["demo"], ["evaluate"],
           ["evaluate", "--states", "absent.csv"], ["robustness", "--states", "10"],
           ["seeds", "--seeds", "0", "1"], ["export"], ["pareto", "--no-native"],
           ["bench", "latency", "--no-native"], ["simulate", "--policies", "greedy", "--duration", "1"]]


@pytest.mark.parametrize("command", WRITERS, ids=[" ".join(c[:2]) for c in WRITERS])
def test_a_second_run_on_the_same_outputs_is_refused(refused, tmp_path, command):
    with outputs.holding(Runs("chain6").dir):
        line = refused(*command, "--profile", "chain6", needle=f"in use by pid {os.getpid()}")
    assert "runs/chain6" in line and "since" in line
    assert not (tmp_path / "runs" / ".chain6.lock").exists()  # gone with its run


def test_an_output_elsewhere_has_its_own_lock(refused, tmp_path):
    out, sim = tmp_path / "mine.npz", tmp_path / "sim"
    with outputs.holding(out, sim):
        assert (tmp_path / ".mine.npz.lock").exists() and (tmp_path / ".sim.lock").exists()
        refused("data", "--samples", "10", "--seed", "7", "--out", str(out), needle="mine.npz: in use by")
        refused("simulate", "--profile", "chain6", "--policies", "greedy", "--duration", "1",
                "--out", str(sim), needle="sim: in use by")
    result = CliRunner().invoke(app, ["data", "--samples", "10", "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output


def test_each_output_maps_to_one_lock(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs" / "dag10").mkdir(parents=True)
    runs = Path("runs")
    assert outputs.lock_scope(runs / "chain6" / "data" / "train.npz") == (runs / ".chain6.lock", runs / "chain6")
    assert outputs.lock_scope(runs / "chain6") == (runs / ".chain6.lock", runs / "chain6")
    assert outputs.lock_scope(tmp_path / "runs" / "dag10") == (runs / ".dag10.lock", runs / "dag10")
    assert outputs.lock_scope(runs / "mine.npz") == (runs / ".mine.npz.lock", runs / "mine.npz")
    assert outputs.lock_scope(Path("sim")) == (Path(".sim.lock"), Path("sim"))


def test_a_dead_runs_lock_file_does_not_block(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock = tmp_path / "runs" / ".chain6.lock"
    lock.parent.mkdir(parents=True)
    lock.write_text(json.dumps({"pid": int(dead.stdout), "command": "kdoffload data", "started": "earlier"}))
    result = CliRunner().invoke(app, ["data", "--samples", "10", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert not lock.exists()


def test_a_killed_runs_temporary_files_are_removed_by_the_next_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "runs" / "chain6" / "data"
    shards = data / "train.npz.shards"
    shards.mkdir(parents=True)
    stale = [data / ".train.npz.k2j4l1.tmp", shards / ".shard-00000.npz.x81n.tmp",
             tmp_path / "runs" / "chain6" / "report" / ".quality.json.abc.tmp"]
    elsewhere = [tmp_path / ".mine.npz.q9.tmp", tmp_path / "mine.npz.shards" / ".shard-00000.npz.z.tmp"]
    for path in stale + elsewhere:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half of a file")
    keep = tmp_path / "runs" / "chain6" / "notes.tmp"  # not an atomic write's name
    keep.write_text("mine")
    assert CliRunner().invoke(app, ["data", "--samples", "10", "--workers", "1"]).exit_code == 0
    assert CliRunner().invoke(app, ["data", "--samples", "10", "--workers", "1",
                                    "--out", str(tmp_path / "mine.npz")]).exit_code == 0
    assert not any(p.exists() for p in stale + elsewhere) and keep.exists()


def test_two_data_runs_with_other_seeds_into_one_out(tmp_path):
    """The real command twice at once: the second says who holds the output, the first is unharmed."""
    exe = str(Path(sys.executable).parent / "kdoffload")
    out = tmp_path / "demos.npz"
    first = subprocess.Popen([exe, "data", "--profile", "dag10", "--samples", "40000", "--solver", "numpy",
                              "--workers", "1", "--out", str(out)], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = tmp_path / ".demos.npz.lock"
    deadline = time.monotonic() + 60
    while not (lock.exists() and lock.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    second = subprocess.run([exe, "data", "--profile", "dag10", "--samples", "100", "--seed", "5",
                             "--out", str(out), "--force"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    first.send_signal(signal.SIGINT)
    first.communicate(timeout=60)
    assert second.returncode == 2, second.stderr
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and f"in use by pid {first.pid} (kdoffload data --profile dag10" in lines[0], lines
    assert first.returncode == 130 and not out.exists() and not lock.exists()
