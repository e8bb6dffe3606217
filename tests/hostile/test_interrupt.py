"""Ctrl-C: exit code 130, one line saying what was kept, no traceback from the driver or workers."""

import signal
import subprocess
import sys
import time
from pathlib import Path


def test_ctrl_c_during_demonstrations_is_quiet(tmp_path):
    exe = Path(sys.executable).parent / "kdoffload"
    out = tmp_path / "demos.npz"
    # The numpy solver (~4 ms a dag10 state) keeps the run going for a while: the C++ one would
    # finish before the interrupt arrives.
    process = subprocess.Popen([str(exe), "data", "--profile", "dag10", "--samples", "40000",
                                "--solver", "numpy", "--workers", "2", "--out", str(out)], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    shards = out.with_name(out.name + ".shards")
    deadline = time.monotonic() + 120
    while not shards.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr + stdout
    assert "interrupted" in stderr.splitlines()[-1]
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))
