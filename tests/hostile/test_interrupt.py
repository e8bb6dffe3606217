"""Ctrl-C, at many moments: exit code 130 within a second or two, one line saying what was kept,
no traceback from the driver or the workers, no temporary file and no process left behind.

A terminal's Ctrl-C goes to the whole foreground process group, workers included, so the tests
start the command in a group of its own and signal the group, as the terminal would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kdoffload.interrupt import INTERRUPTED
from kdoffload.model import dataset
from kdoffload.model.profile import load_profile

EXE = str(Path(sys.executable).parent / "kdoffload")
# From the first import of the CLI (the interpreter's own start-up comes before any of our code)
# through worker start-up, the first shards, and shards arriving while others are computed.
DELAYS_S = (0.4, 0.8, 1.2, 1.6, 2.0, 2.5, 3.0, 3.5, 4.5, 6.0)
ENDS_WITHIN_S = 10  # a hang is what this catches; a loaded 2-core machine needs the slack


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([EXE, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def _interrupt(process: subprocess.Popen, times: int = 1) -> tuple[str, str, float]:
    started = time.monotonic()
    for _ in range(times):
        os.killpg(process.pid, signal.SIGINT)
        time.sleep(0.05)
    try:
        stdout, stderr = process.communicate(timeout=ENDS_WITHIN_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"still running {ENDS_WITHIN_S} s after Ctrl-C")
    return stdout, stderr, time.monotonic() - started


def _group_left(pgid: int) -> list[str]:
    """Processes of the command's group still alive (a worker the driver did not stop)."""
    listing = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-g", str(pgid)], capture_output=True, text=True)
    return [line for line in listing.stdout.splitlines() if line.split()[1][0] != "Z"]


def _left_behind(where: Path) -> list[Path]:
    return [*where.rglob("*.tmp"), *where.rglob("*.lock")]


def _assert_quiet_ending(process, stdout: str, stderr: str, where: Path, tidy: bool = True) -> None:
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr + stdout and "Error" not in stderr, stderr
    assert stderr.strip().splitlines()[-1] == INTERRUPTED
    assert stderr.count(INTERRUPTED) == 1
    assert not (tidy and _left_behind(where))
    deadline = time.monotonic() + 5  # SIGTERM'd workers take a moment to go
    while _group_left(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _group_left(process.pid)


@pytest.mark.slow
def test_ctrl_c_at_many_moments_of_a_pooled_dataset_run(tmp_path):
    for delay in DELAYS_S:
        where = tmp_path / f"after-{delay}s"
        where.mkdir()
        # numpy's solver (~4 ms a dag10 state) keeps shards coming for a while; each is ~1 MB,
        # larger than a pipe holds, so workers are often part-way through sending one.
        process = _start(["data", "--profile", "dag10", "--samples", "200000", "--solver", "numpy",
                          "--workers", "2", "--out", "demos.npz"], where)
        time.sleep(delay)
        stdout, stderr, _ = _interrupt(process)
        _assert_quiet_ending(process, stdout, stderr, where)
        assert not (where / "demos.npz").exists()


def test_a_second_ctrl_c_ends_at_once_and_quietly(tmp_path):
    process = _start(["data", "--profile", "dag10", "--samples", "200000", "--solver", "numpy",
                      "--workers", "2", "--out", "demos.npz"], tmp_path)
    shards = tmp_path / "demos.npz.shards"
    deadline = time.monotonic() + 60
    while not shards.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    stdout, stderr, _ = _interrupt(process, times=3)
    # The unwinding was cut short: its lock file and a temporary file may stay, and block nothing.
    _assert_quiet_ending(process, stdout, stderr, tmp_path, tidy=False)
    rerun = subprocess.run([EXE, "data", "--profile", "dag10", "--samples", "20", "--solver", "numpy",
                            "--workers", "1", "--out", "demos.npz"], cwd=tmp_path, capture_output=True,
                           text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert not _left_behind(tmp_path)


@pytest.mark.slow
def test_ctrl_c_during_training(tmp_path):
    """Torch in the driver: importing it, fitting normalisers, inside an epoch."""
    dataset.generate(load_profile("chain6"), 3000, 0, tmp_path / "runs/chain6/data/train.npz")
    for delay in (1.0, 3.0, 6.0):
        process = _start(["train", "--epochs", "100000", "--force"], tmp_path)
        time.sleep(delay)
        stdout, stderr, _ = _interrupt(process)
        _assert_quiet_ending(process, stdout, stderr, tmp_path)
