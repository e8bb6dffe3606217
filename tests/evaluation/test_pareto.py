"""The student size sweep: hidden widths, the fronts, the selection rule, and the command end to end."""

import json

import pytest
from typer.testing import CliRunner

from kdoffload.evaluation.pareto import ARGMAX_P50_LIMIT, SIZE_LIMIT, argmax_p50, pareto_front, select
from kdoffload.jobs import budget as budgets
from kdoffload.cli import app
from kdoffload.model.checkpoint import load_checkpoint
from kdoffload.model.errors import InputError
from kdoffload.model.widths import hidden_name, parse_hidden


@pytest.mark.parametrize("text, widths", [("64x64", (64, 64)), ("128", (128,)), ("32X48x16", (32, 48, 16))])
def test_hidden_widths_parse_and_name(text, widths):
    assert parse_hidden(text) == widths
    assert parse_hidden(hidden_name(widths)) == widths


@pytest.mark.parametrize("text", ["", "x", "64x", "0x64", "64x-1", "a", "8x8x8x8x8", "5000"])
def test_bad_hidden_widths_are_refused(text):
    with pytest.raises(InputError, match="^hidden: "):
        parse_hidden(text)


def _row(name, guarded, top8, size, p50):
    return {"name": name, "quant": "fp32", "pte_bytes": size,
            "quality": {"guarded-8": guarded, "top-8": top8},
            "native": {"argmax": {"p50_us": p50, "p99_us": p50 * 2}}}


def test_fronts_and_selection_follow_the_limits():
    rows = [_row("small", 1.010, 1.03, 9_000, 1.0),
            _row("mid", 1.005, 1.02, 20_000, 1.5),
            _row("worse-mid", 1.006, 1.02, 21_000, 1.6),     # beaten by mid on both
            _row("big", 1.001, 1.01, SIZE_LIMIT + 1, 2.0),    # best, but too large
            _row("slow", 1.002, 1.01, 30_000, ARGMAX_P50_LIMIT + 0.1),
            {"name": "refused", "quant": "int8", "refused": "why"}]
    assert pareto_front(rows, argmax_p50) == {0, 1, 3}
    assert pareto_front(rows, lambda r: r.get("pte_bytes")) == {0, 1, 3, 4}
    assert rows[select(rows)]["name"] == "mid"
    tie = _row("mid-int8", 1.005, 1.015, 12_000, 1.4)
    assert select(rows + [tie]) == len(rows)  # equal guarded quality: top-8 breaks the tie
    assert select([rows[3], rows[4]]) is None


TINY = budgets.Budget(train_samples=1500, test_samples=300, teacher_epochs=1, student_epochs=1,
                       transfer_samples=300)


@pytest.mark.slow
def test_pareto_end_to_end_trains_exports_and_reports(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(budgets.BUDGETS, "default", {"chain6": TINY, "dag10": TINY})
    runner = CliRunner()
    result = runner.invoke(app, ["distill", "--temperature", "2", "--alpha", "0.9"])
    assert result.exit_code == 0, result.output
    args = ["pareto", "--hidden", "16x16", "--hidden", "24x24x24", "--no-native", "--workers", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "runs/chain6/report/pareto.json").read_text())
    rows = {(r["name"], r["quant"]): r for r in report["rows"]}
    assert set(rows) == {(n, q) for n in ("16x16", "24x24x24") for q in ("fp32", "int8")}
    checkpoint = tmp_path / "runs/chain6/pareto/24x24x24/checkpoint.pt"
    assert load_checkpoint(checkpoint, "student").net_config["hidden"] == [24, 24, 24]
    for row in rows.values():
        if "refused" in row:
            continue
        quality = row["quality"]
        # Guarded scores the top-K candidates and more with the delay model: never worse than them.
        assert 1.0 <= quality["guarded-8"] <= quality["top-8"] <= quality["top-2"] <= quality["argmax"]
        assert row["pte_bytes"] > 0
    assert rows[("16x16", "fp32")]["params"] < rows[("24x24x24", "fp32")]["params"]
    assert report["selected"] is None  # nothing was timed natively, so nothing can be chosen
    assert (tmp_path / "runs/chain6/report/pareto.png").stat().st_size > 0
    mtime = checkpoint.stat().st_mtime_ns
    result = runner.invoke(app, args)  # a rerun measures again but trains nothing
    assert result.exit_code == 0, result.output
    assert checkpoint.stat().st_mtime_ns == mtime


@pytest.mark.parametrize("args, message", [
    (["--hidden", "64x"], "--hidden"),
    (["--hidden", "8x8", "--hidden", "8X8"], "given twice"),
    (["--quant", "int4"], "--quant"),
    (["--top-k", "0"], "--top-k"),
])
def test_bad_sweep_options_are_one_line_and_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["pareto", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "runs").exists()
