"""fixture_cache.py on a tiny tree: a fixture is made again exactly when a file its build read
changes (the script, a module it imports, a data file it opens) or its arguments do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CACHE = Path(__file__).with_name("fixture_cache.py")

SCRIPT = """import argparse, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
import helper
parser = argparse.ArgumentParser()
parser.add_argument("--out", type=Path)
parser.add_argument("--fail", action="store_true")
parser.add_argument("--scale", type=int, default=1)
args = parser.parse_args()
if args.fail:
    raise SystemExit("refused")
args.out.mkdir(parents=True, exist_ok=True)
data = (Path(__file__).parent / "data.txt").read_text()
(args.out / "fixture.txt").write_text(helper.make(data) * args.scale)
"""


@pytest.fixture
def tree(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "make.py").write_text(SCRIPT)
    (src / "helper.py").write_text("def make(text):\n    return text.upper()\n")
    (src / "data.txt").write_text("abc")
    (src / "unrelated.txt").write_text("never read")
    return tmp_path


def cached(tree: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CACHE), "--root", str(tree), str(tree / "out"),
                           str(tree / "src/make.py"), *args], capture_output=True, text=True, timeout=60)


def built(done: subprocess.CompletedProcess) -> bool:
    assert done.returncode == 0, done.stderr
    assert ("built by" in done.stdout) != ("current" in done.stdout), done.stdout
    return "built by" in done.stdout


def test_made_again_exactly_when_an_input_changes(tree):
    assert built(cached(tree))
    assert (tree / "out/fixture.txt").read_text() == "ABC"
    assert not built(cached(tree))
    (tree / "src/unrelated.txt").write_text("changed, but no build reads it")
    assert not built(cached(tree))
    (tree / "src/data.txt").write_text("xyz")  # a data file the script opens
    assert built(cached(tree)) and (tree / "out/fixture.txt").read_text() == "XYZ"
    (tree / "src/helper.py").write_text("def make(text):\n    return text[::-1]\n")  # an imported module
    assert built(cached(tree)) and (tree / "out/fixture.txt").read_text() == "zyx"
    assert not built(cached(tree))
    assert built(cached(tree, "--scale", "2")) and (tree / "out/fixture.txt").read_text() == "zyxzyx"
    assert built(cached(tree))  # back to no arguments: another build


def test_a_failed_build_leaves_no_stamp(tree):
    assert built(cached(tree))
    failed = cached(tree, "--fail")
    assert failed.returncode != 0 and "refused" in failed.stderr
    assert not (tree / "out/stamp.json").exists()
    assert built(cached(tree))  # the stamp of the last good build went with the failed one
