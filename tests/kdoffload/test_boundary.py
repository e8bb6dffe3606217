"""The command boundary: whatever escapes a command is one line naming the command and the file,
exit 2 for input the system refused, 1 for a bug of ours; --verbose adds the traceback."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from kdoffload.jobs import data as data_job
from kdoffload.boundary import is_boundary_line
from kdoffload.cli import app
from kdoffload.interrupt import INTERRUPTED
from kdoffload.quiet import VERBOSE_ENV, silence_third_party
from kdoffload.model import native

DATA = ["data", "--samples", "10", "--workers", "1", "--solver", "numpy"]


def _fail_with(monkeypatch, error: BaseException) -> None:
    def make_dataset(*args, **kwargs):
        raise error

    monkeypatch.setattr(data_job, "make_dataset", make_dataset)


def _lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.mark.parametrize("error, code", [(ZeroDivisionError("a slip of ours"), 1),
                                         (PermissionError(13, "Permission denied", "runs/x.npz"), 2)])
def test_an_unnamed_error_is_one_line_naming_command_and_file(tmp_path, monkeypatch, error, code):
    monkeypatch.chdir(tmp_path)
    _fail_with(monkeypatch, error)
    result = CliRunner().invoke(app, DATA)
    assert result.exit_code == code, result.output
    [line] = _lines(result)
    assert line.startswith(f"error: kdoffload data: unexpected {type(error).__name__}")
    assert "(working on runs/" in line and is_boundary_line(line)
    assert "Traceback" not in result.output
    assert ("a bug in kdoffload" in line) == (code == 1)


def test_verbose_shows_the_traceback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(VERBOSE_ENV, "")  # --verbose sets it: restored after, or every later command is verbose
    _fail_with(monkeypatch, ZeroDivisionError("a slip of ours"))
    try:
        result = CliRunner().invoke(app, ["--verbose", *DATA])
    finally:
        os.environ[VERBOSE_ENV] = ""
        silence_third_party()
    assert result.exit_code == 1
    assert "Traceback" in result.stderr and "ZeroDivisionError" in result.stderr
    assert is_boundary_line(_lines(result)[-1])


def test_a_ctrl_c_inside_a_command_is_exit_130_and_its_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _fail_with(monkeypatch, KeyboardInterrupt())
    result = CliRunner().invoke(app, DATA)
    assert result.exit_code == 130
    assert _lines(result) == [INTERRUPTED]


def test_a_core_library_that_is_not_one_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fake = tmp_path / "libkdocore.so"
    fake.write_text("not a shared library\n")
    monkeypatch.setenv("KDO_CORE_LIB", str(fake))
    native._lib.cache_clear()
    try:
        result = CliRunner().invoke(app, ["data", "--samples", "10", "--workers", "1", "--solver", "native"])
    finally:
        native._lib.cache_clear()
    assert result.exit_code == 2, result.output
    [line] = [x for x in _lines(result) if x.startswith("error:")]
    assert "libkdocore.so: not a loadable native core" in line and not is_boundary_line(line)


@pytest.mark.parametrize("args, needle", [(["--port", "70000"], "--port"), (["--port", "0"], "--port")])
def test_the_emulators_port_is_checked_where_it_is_parsed(args, needle):
    result = CliRunner().invoke(app, ["android", "emulator", *args])
    assert result.exit_code == 2 and needle in _unboxed(result.output)


def _unboxed(output: str) -> str:
    return " ".join(output.replace("│", " ").split())  # typer may box a usage error


def test_the_emulators_sandbox_must_not_be_a_file(tmp_path):
    storage = tmp_path / "storage"
    storage.write_text("a file\n")
    result = CliRunner().invoke(app, ["android", "emulator", "--sandbox", str(storage)])
    assert result.exit_code == 2 and "is a file" in _unboxed(result.output)
