"""`kdoffload data --solver native` writes the same bytes as `--solver numpy` for the same seed."""

import numpy as np
from typer.testing import CliRunner

from kdoffload.cli import app
from kdoffload.model import dataset


def test_native_and_numpy_datasets_are_byte_identical(tmp_path, dag10):
    paths = {s: dataset.generate(dag10, 300, 5, tmp_path / f"{s}.npz", solver=s) for s in ("numpy", "native")}
    assert paths["numpy"].read_bytes() == paths["native"].read_bytes()


def test_cli_solver_option(tmp_path):
    runner = CliRunner()
    args = ["data", "--profile", "chain6", "--samples", "500", "--workers", "1"]
    for solver in ("numpy", "native"):
        done = runner.invoke(app, args + ["--seed", "3", "--out", str(tmp_path / f"{solver}.npz"), "--solver", solver])
        assert done.exit_code == 0, done.output
    assert (tmp_path / "numpy.npz").read_bytes() == (tmp_path / "native.npz").read_bytes()
    with np.load(tmp_path / "native.npz") as z:
        assert z["labels"].shape == (500, 6)
    bad = runner.invoke(app, args + ["--out", str(tmp_path / "x.npz"), "--solver", "fortran"])
    assert bad.exit_code == 2
    assert "'fortran' is not one of 'numpy', 'native'" in bad.output


def test_default_solver_is_native_when_built():
    assert dataset.default_solver() == "native"
