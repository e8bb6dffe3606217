"""`kdoffload graph`: import, generate, show, demos; bad input is one line and exit 2."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from typer.testing import CliRunner

from kdoffload.graph_cli import graph_app
from kdoffload.model.graphs import read_graph

DOT = """digraph G {
  1 [size="2097152", expect_size="1048576"]
  1 -> 2 [size ="1048576"]
  2 [size="4194304", expect_size="2097152"]
}
"""


def _run(*args):
    return CliRunner().invoke(graph_app, list(map(str, args)))


def test_import_then_show(tmp_path):
    (tmp_path / "g.gv").write_text(DOT)
    result = _run("import", tmp_path / "g.gv", "--out", tmp_path / "g.toml")
    assert result.exit_code == 0, result.output
    assert read_graph(tmp_path / "g.toml").edges == ((0, 1),)
    shown = _run("show", tmp_path / "g.toml")
    assert shown.exit_code == 0 and "subtasks: 2" in shown.output and "levels: 2" in shown.output
    again = _run("import", tmp_path / "g.gv", "--out", tmp_path / "g.toml")
    assert again.exit_code == 2 and "already exists" in again.output


def test_generate_is_reproducible_and_usable_as_a_profile(tmp_path):
    for name in ("a", "b"):
        assert _run("generate", "daggen:n=12,fat=0.6", "--seed", 4, "--out", tmp_path / f"{name}.toml").exit_code == 0
    assert (tmp_path / "a.toml").read_text() == (tmp_path / "b.toml").read_text()
    (tmp_path / "app.toml").write_text('name = "app"\ngraph = "a.toml"\n')
    shown = _run("show", tmp_path / "app.toml")
    assert shown.exit_code == 0 and "subtasks: 12" in shown.output


def test_bad_input_is_one_line_exit_2(tmp_path):
    (tmp_path / "bad.toml").write_text("[graph]\nn = 2\nedges = [[1, 1]]\n")
    result = _run("show", tmp_path / "bad.toml")
    assert result.exit_code == 2 and "graph.edges: [1, 1] is a self-loop" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _run("generate", "daggen:n=99", "--out", tmp_path / "x.toml").exit_code == 2


def test_demos_of_a_family(tmp_path):
    result = _run("demos", "--profile", "daggen:n=5", "--samples", 6, "--workers", 1,
                  "--solver", "numpy", "--out", tmp_path / "f.npz")
    assert result.exit_code == 0, result.output
    with np.load(tmp_path / "f.npz") as z:
        assert z["labels"].shape == (6, 64)


def test_train_refuses_a_run_folder_that_is_a_file(tmp_path):
    run = tmp_path / "taken"
    run.write_text("not a folder")
    result = _run("train", "--run", run)
    assert result.exit_code == 2 and "is a file, not a folder" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_train_refuses_a_missing_teacher_and_a_student_of_no_width(tmp_path):
    result = _run("train", "--run", tmp_path / "run", "--teacher", tmp_path / "teacher.pt")
    assert result.exit_code == 2 and "--teacher" in result.output and "no such file" in result.output
    # typer's own bound, said in one line by the command as a user runs it
    done = subprocess.run([sys.executable, "-c", "from kdoffload.cli import main; main()", "graph", "train", "--run", str(tmp_path / "run"),
                           "--student-width", "0"], capture_output=True, text=True)
    assert done.returncode == 2 and "--student-width" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not (tmp_path / "run").exists()
