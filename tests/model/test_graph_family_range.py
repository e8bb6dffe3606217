"""A daggen family over a range of sizes (n to n_max): parsed, reproducible, refused when wrong."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from kdoffload.cli import app
from kdoffload.model import daggen
from kdoffload.model.errors import InputError
from kdoffload.model.graph_family import generate_family
from kdoffload.model.parallel import serial
from kdoffload.model.profile import load_profile


def test_a_range_draws_every_size_in_it_and_the_family_holds_the_largest():
    family = load_profile("daggen:n=20,n_max=30", allow_family=True)
    assert family.n == 30 and family.family.n == 20 and family.family.n_max == 30
    rng = np.random.default_rng(0)
    sizes = {daggen.generate(family.family, rng).n for _ in range(200)}
    assert sizes == set(range(20, 31))


def test_a_fixed_size_keeps_its_spec_its_name_and_its_graphs():
    assert "n_max" not in daggen.parse_spec("daggen:n=8")[0].spec()
    assert load_profile("daggen:n=8", allow_family=True).name == "daggen-n8-af491594"
    assert load_profile("daggen:n=20,n_max=30", allow_family=True).name.startswith("daggen-n20-30-")
    same = daggen.parse_spec("daggen:n=12,n_max=12")[0]
    assert daggen.generate(same, np.random.default_rng(3)).n == 12


def test_the_range_is_reproducible_by_seed(tmp_path):
    family = load_profile("daggen:n=5,n_max=9", allow_family=True)
    first = generate_family(family, 20, 4, tmp_path / "a.npz", jobs=serial, solver="numpy")
    again = generate_family(family, 20, 4, tmp_path / "b.npz", jobs=serial, solver="numpy")
    assert first.read_bytes() == again.read_bytes()
    with np.load(first) as z:
        assert len(set(z["n_subtasks"])) > 1 and set(z["n_subtasks"]) <= set(range(5, 10))


def test_a_toml_family_takes_the_range(tmp_path):
    path = tmp_path / "fam.toml"
    path.write_text('name = "fam"\n[family]\nseed = 1\n[family.daggen]\nn = 20\nn_max = 30\n')
    assert 20 <= load_profile(path).n <= 30


@pytest.mark.parametrize("spec", ["daggen:n=20,n_max=10", "daggen:n=20,n_max=65", "daggen:n=20,n_max=25.5"])
def test_a_bad_range_is_one_line(spec):
    with pytest.raises(InputError, match=r"n_max: must be") as err:
        load_profile(spec, allow_family=True)
    assert "\n" not in str(err.value)


def test_a_bad_range_exits_2_with_one_line(tmp_path):
    result = CliRunner().invoke(app, ["graph", "demos", "--profile", "daggen:n=20,n_max=10",
                                      "--out", str(tmp_path / "f.npz")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == ["error: daggen:n=20,n_max=10: n_max: must be 0 or from n to 64, got 10"]
