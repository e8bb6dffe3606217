"""Hostile input, as a user (or an attacker) would give it: the commands must refuse in one line.

`refused(...)` runs the real CLI in a working directory of the test's own and checks the
promise: exit code 2, exactly one line on stderr naming what is wrong, no traceback, no file
under the working directory changed, and the line a check's own (not the command boundary's
catch-all for an exception no check named).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kdoffload.boundary import is_boundary_line
from kdoffload.cli import app


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def refused(tmp_path, monkeypatch):
    """refused(*args, needle=...) -> the error line; asserts the whole promise."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str, needle: str) -> str:
        before = snapshot(tmp_path)
        result = CliRunner().invoke(app, list(args))
        assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert "Traceback" not in result.output and needle in lines[0], lines[0]
        assert not is_boundary_line(lines[0]), f"no check named this: {lines[0]}"
        assert snapshot(tmp_path) == before, "an earlier artifact changed"
        return lines[0]

    return run


@pytest.fixture(scope="session")
def exported_run(tmp_path_factory) -> Path:
    """A real chain6 export, fp32 and int8 (random student, verified, brute-force checked golden vectors)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_fixture", Path(__file__).resolve().parents[2] / "bench" / "native" / "make_fixture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("export")
    module.make_fixture("chain6", out, golden=16, seed=0, int8=True)
    return out
