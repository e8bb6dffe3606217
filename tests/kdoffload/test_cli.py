"""The CLI layer: it parses into a job's config and calls the job; it imports no other CLI
module, holds no job logic, and `--help` loads none of the heavy libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import kdoffload

PACKAGE = Path(kdoffload.__file__).parent
CLI_MODULES = sorted(PACKAGE.glob("*_cli.py"))
HEAVY = ("torch", "numpy", "networkx", "pydot", "executorch")
# Packages and modules that are job logic (training, scoring, lowering, solving): a CLI module
# that imports one is doing a job's work itself.
JOB_LOGIC = ("kdoffload.distill", "kdoffload.evaluation", "kdoffload.mobile_export.export",
             "kdoffload.mobile_export.lower", "kdoffload.mobile_export.verify", "kdoffload.mobile_export.policy",
             "kdoffload.model.train", "kdoffload.model.dataset", "kdoffload.model.oracle",
             "kdoffload.scheduler.report", "kdoffload.scheduler.stream.poisson_workload")
# The groups kdoffload.cli defers (their modules are other owners' and heavy by design).
DEFERRED = ("android", "graph")


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("path", CLI_MODULES + [PACKAGE / "cli.py"], ids=lambda p: p.name)
def test_a_cli_module_imports_no_other_cli_module_and_no_job_logic(path):
    imported = _imported(path)
    others = {name for name in imported if name.endswith("_cli") and name != f"kdoffload.{path.stem}"}
    if path.name == "cli.py":  # the app composes the CLI modules; they import each other never
        others = {name for name in others if not name.startswith("kdoffload.") or "." in name[10:]}
    assert not others, f"{path.name} imports {sorted(others)}"
    logic = {name for name in imported if name.startswith(JOB_LOGIC)}
    assert not logic, f"{path.name} does a job's work: imports {sorted(logic)}"


def test_the_lazy_proxies_are_gone():
    assert not (PACKAGE / "lazy.py").exists()
    for path in PACKAGE.rglob("*.py"):
        assert "kdoffload.lazy" not in _imported(path), path


def _modules_after(code: str) -> list[str]:
    probe = (f"import atexit, sys\n"
             f"atexit.register(lambda: print('HEAVY', [m for m in {HEAVY!r} if m in sys.modules]))\n{code}")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    line = [line for line in result.stdout.splitlines() if line.startswith("HEAVY")][-1]
    return ast.literal_eval(line.removeprefix("HEAVY "))


def test_importing_the_cli_loads_no_heavy_library():
    assert _modules_after("import kdoffload.cli") == []


def test_no_help_loads_a_heavy_library():
    """`--help` of the app and of every command but the deferred groups, in one process."""
    code = f"""
from typer.main import get_command
from kdoffload.cli import app
group = get_command(app)
names = [n for n in group.list_commands(None) if n not in {DEFERRED!r}]
for args in [[]] + [[n] for n in names if n != "bench"] + [["bench", "latency"]]:
    try:
        group.main([*args, "--help"], prog_name="kdoffload", standalone_mode=False)
    except SystemExit:
        pass
"""
    assert _modules_after(code) == []


def test_a_deferred_group_is_listed_with_its_own_help():
    from typer.main import get_command

    from kdoffload.cli import app

    group = get_command(app)
    for name in DEFERRED:
        listed = group.get_command(None, name)
        assert listed.help == listed.load().help, name


def test_help_runs_through_the_entry_point():
    exe = Path(sys.executable).parent / "kdoffload"
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "simulate" in result.stdout and "graph" in result.stdout
