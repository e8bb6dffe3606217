"""`Runs` is the only builder of runs/ paths: no other module of the package joins the layout's
folder names, the checkpoint's file name or "runs" itself onto a path."""

import ast
from pathlib import Path

from kdoffload.model import runs

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("model", "distill", "mobile_export", "scheduler", "evaluation", "kdoffload")
# The folder and file names of the layout, as model/runs.py spells them.
LAYOUT = {"runs", "data", "teacher", "student", runs.NOKD, "export", "report", "bench", "sim", "pareto",
          "ablation", "seeds", "android", "loss_compare", "sweep", "sweep.json", runs.CHECKPOINT,
          runs.EMULATED_PHONE.name}


def _layout_literal(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value.strip("/")
        if text in LAYOUT or text == "runs" or text.startswith("runs/"):
            return node.value
    if isinstance(node, ast.JoinedStr):
        return next((v for v in map(_layout_literal, node.values) if v), None)
    return None


def path_building(source: str) -> list[tuple[int, str]]:
    """(line, literal) of every layout name joined with `/` or given to Path()."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            operands = (node.left, node.right)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Path":
            operands = tuple(node.args)
        else:
            continue
        found += [(node.lineno, hit) for hit in map(_layout_literal, operands) if hit]
    return found


def test_the_scan_finds_what_it_must():
    assert path_building('x = Path("runs/chain6") / "teacher" / "checkpoint.pt"') == [
        (1, "checkpoint.pt"), (1, "teacher"), (1, "runs/chain6")]
    assert path_building('x = out / f"{v}_seed{s}" / "checkpoint.pt"\ny = a / "phone.json"') == [(1, "checkpoint.pt")]


def test_no_module_but_runs_builds_runs_paths():
    offenders = [f"{path.relative_to(ROOT)}:{line}: {literal!r}"
                 for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
                 if path != ROOT / "model" / "runs.py"
                 for line, literal in path_building(path.read_text())]
    assert not offenders, "build these paths with model.runs instead:\n" + "\n".join(offenders)
