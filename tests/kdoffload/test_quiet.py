"""A command prints only what kdoffload says: no third-party warnings or native log lines."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kdoffload.model.profile import load_profile
from tests.mobile_export.conftest import make_run

FOREIGN = re.compile(r"Failed to load|_pytree|cpuinfo|Warning|WARNING|^\[|^W\d{4}|^I\d{4}|Traceback")


def kdoffload(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "kdoffload"
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_export_and_evaluate_print_only_their_own_lines(tmp_path):
    make_run(tmp_path, load_profile("chain6"))
    export = kdoffload(tmp_path, "export", "--profile", "chain6")
    assert export.returncode == 0, export.stderr
    lines = (export.stdout + export.stderr).splitlines()
    foreign = [line for line in lines if FOREIGN.search(line)]
    assert not foreign, foreign
    states = tmp_path / "runs" / "chain6" / "data" / "test.npz"
    evaluate = kdoffload(tmp_path, "evaluate", "--profile", "chain6", "--states", str(states))
    assert evaluate.returncode == 0, evaluate.stderr
    foreign = [line for line in (evaluate.stdout + evaluate.stderr).splitlines() if FOREIGN.search(line)]
    assert not foreign, foreign
    assert "student-pte+guarded" in evaluate.stdout
    verbose = kdoffload(tmp_path, "--verbose", "export", "--profile", "chain6", "--force")
    assert verbose.returncode == 0 and FOREIGN.search(verbose.stdout + verbose.stderr)
