"""Installed, it works: a wheel of this tree, installed (not editable) into a fresh venv, runs
`kdoffload data`, `train` and `simulate` on a shipped profile from an empty folder.

The fresh venv borrows only the third-party packages (torch, executorch, numpy, ...) of the
interpreter running the tests, through a .pth line naming that site-packages folder: pip puts
the wheel's own packages first, and the borrowed folder's own .pth files (an editable install of
this checkout among them) are not processed, so nothing of the checkout can leak in.
"""

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "kdoffload", "model", "distill", "mobile_export", "scheduler",
           "evaluation")


def run(*args, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv holding the wheel of this tree."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in SOURCES:  # a copy, so that building writes nothing into the checkout
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "lib"))
        else:
            shutil.copy(ROOT / name, source / name)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
        "--wheel-dir", base / "dist", source, cwd=base)
    wheel = next((base / "dist").glob("kdoffload-*.whl"))
    env = base / "venv"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel, cwd=base)
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=base).stdout.strip())
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return env / "bin"


# Not marked slow: `make test` always runs it (about a minute), since only it sees the package as
# a user installs it.
def test_the_installed_package_runs_from_an_empty_folder(installed, tmp_path):
    where = run(installed / "python", "-c", "import kdoffload.model as m, kdoffload; print(m.__file__, kdoffload.__file__)",
                cwd=tmp_path).stdout
    assert str(ROOT) not in where and str(installed.parent) in where
    # The folders beside kdoffload/ are installed inside it: no generic top-level names.
    for generic in ("model", "distill", "mobile_export", "scheduler", "evaluation"):
        probe = f"import importlib.util as u; print(u.find_spec({generic!r}) is None)"
        assert run(installed / "python", "-c", probe, cwd=tmp_path).stdout.strip() == "True", generic
    kdoffload = installed / "kdoffload"
    run(kdoffload, "data", "--profile", "chain6", "--samples", "600", "--workers", "1", cwd=tmp_path)
    assert (tmp_path / "runs" / "chain6" / "data" / "train.npz").is_file()
    run(kdoffload, "train", "--profile", "chain6", "--epochs", "1", cwd=tmp_path)
    assert (tmp_path / "runs" / "chain6" / "teacher" / "checkpoint.pt").is_file()
    run(kdoffload, "simulate", "--profile", "chain6", "--policies", "optimal,greedy,all-local",
        "--rate", "1", "--duration", "20", "--decision-time", "zero", cwd=tmp_path)
    record = json.loads((tmp_path / "runs" / "chain6" / "sim" / "run.json").read_text())
    assert [s["policy"] for s in record["summaries"]] == ["optimal", "greedy", "all-local"]
