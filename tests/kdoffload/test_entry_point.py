import subprocess
import sys
from pathlib import Path

import numpy as np


def test_the_installed_command_runs_end_to_end(tmp_path):
    exe = Path(sys.executable).parent / "kdoffload"
    out = tmp_path / "demos.npz"
    result = subprocess.run([str(exe), "data", "--profile", "dag10", "--samples", "20", "--seed", "4",
                             "--out", str(out), "--workers", "1"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "beats the best trivial policy" in result.stdout
    with np.load(out) as z:
        assert z["labels"].shape == (20, 10)


def test_the_installed_command_reports_bad_input_in_one_line(tmp_path):
    exe = Path(sys.executable).parent / "kdoffload"
    result = subprocess.run([str(exe), "data", "--profile", str(tmp_path / "none.toml")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "none.toml" in result.stderr


def test_usage_errors_are_one_line_with_exit_2():
    exe = Path(sys.executable).parent / "kdoffload"
    for args in (["data", "--samples", "many"], ["data", "--bogus"], ["nosuchcommand"]):
        result = subprocess.run([str(exe), *args], capture_output=True, text=True)
        assert result.returncode == 2, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, result.stderr)
