"""`kdoffload graph import --max-subtasks`, and a DOT/WfFormat file handed to `graph show`."""

from __future__ import annotations

from typer.testing import CliRunner

from kdoffload.graph_cli import graph_app
from kdoffload.model.graphs import read_graph


def _run(*args):
    return CliRunner().invoke(graph_app, list(map(str, args)))


def _dot(n: int) -> str:
    body = [f'  {v} [size="{1000 + v}", expect_size="{500 + v}"]' for v in range(n)]
    body += [f"  {v // 3} -> {v}" for v in range(1, n)]
    return "digraph G {\n" + "\n".join(body) + "\n}\n"


def test_refusal_names_the_option_then_coarsens(tmp_path):
    (tmp_path / "big.gv").write_text(_dot(90))
    refused = _run("import", tmp_path / "big.gv", "--out", tmp_path / "g.toml")
    assert refused.exit_code == 2 and "--max-subtasks" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    done = _run("import", tmp_path / "big.gv", "--out", tmp_path / "g.toml", "--max-subtasks", 16)
    assert done.exit_code == 0, done.output
    assert read_graph(tmp_path / "g.toml").n == 16
    text = (tmp_path / "g.toml").read_text()
    comment = [line for line in text.splitlines() if line.startswith("# merged ")]
    held = [name for line in comment for name in line.split(": ", 1)[1].split(" + ")]
    assert held and len(held) == len(set(held))
    first = _run("import", tmp_path / "big.gv", "--out", tmp_path / "h.toml", "--max-subtasks", 16)
    assert first.exit_code == 0 and (tmp_path / "h.toml").read_text() == text  # deterministic


def test_max_subtasks_bounds(tmp_path):
    (tmp_path / "big.gv").write_text(_dot(10))
    for bad in (0, 65):
        result = _run("import", tmp_path / "big.gv", "--out", tmp_path / "g.toml", "--max-subtasks", bad)
        assert result.exit_code == 2 and "--max-subtasks" in result.output


def test_show_a_dot_file_says_import_it_first(tmp_path):
    (tmp_path / "x.gv").write_text(_dot(4))
    result = _run("show", tmp_path / "x.gv")
    assert result.exit_code == 2 and "kdoffload graph import" in result.output
    assert len(result.output.strip().splitlines()) == 1
