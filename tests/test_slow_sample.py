"""The bounded sample of slow tests: K of them run, every fast one runs, a seed replays a draw."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BODY = "import pytest\n\n" + "".join(
    f"@pytest.mark.slow\ndef test_slow_{i}():\n    pass\n\n" for i in range(6)) + "def test_fast():\n    pass\n"


def _run(tmp_path: Path, *args: str) -> str:
    (tmp_path / "test_some.py").write_text(BODY)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers = slow: slow\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.slow_sample", "-p", "no:cacheprovider",
                           "-v", str(tmp_path), *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _passed(out: str) -> set[str]:
    return {line.split("::")[1].split()[0] for line in out.splitlines() if "PASSED" in line}


def test_a_sample_runs_k_slow_tests_and_every_fast_one_and_a_seed_replays_it(tmp_path):
    out = _run(tmp_path, "--slow-sample", "2", "--slow-seed", "7")
    passed = _passed(out)
    assert "test_fast" in passed and len(passed) == 3
    assert "slow tests: a sample of 2, seed 7" in out
    assert _passed(_run(tmp_path, "--slow-sample", "2", "--slow-seed", "7")) == passed


def test_without_a_sample_every_test_runs(tmp_path):
    assert len(_passed(_run(tmp_path))) == 7
