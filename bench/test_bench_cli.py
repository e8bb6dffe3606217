"""How fast the command answers when no work is asked: `--help` and a usage error.

Each round starts the real console script in a fresh process, so the figure is the interpreter
plus every import the CLI does before it can parse its arguments (torch, matplotlib and
executorch are imported only inside the commands that use them).
"""

import subprocess
import sys
from pathlib import Path

import pytest

KDOFFLOAD = str(Path(sys.executable).parent / "kdoffload")


@pytest.mark.parametrize("args, code", [(["--help"], 0), (["data", "--samples", "many"], 2)])
def test_cli_answers_without_work(benchmark, args, code):
    benchmark.extra_info.update(unit="per command, a fresh process")

    def run():
        return subprocess.run([KDOFFLOAD, *args], capture_output=True, text=True).returncode

    assert benchmark.pedantic(run, rounds=5, iterations=1, warmup_rounds=1) == code
