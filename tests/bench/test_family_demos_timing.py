"""The demonstrations timing bench on a tiny size, local engine only (the Ray run is measured, not tested)."""

from __future__ import annotations

import json

import pytest

from bench import family_demos_timing
from kdoffload.model import native

pytestmark = pytest.mark.skipif(not native.available(), reason="needs the native core (make native)")


def test_a_local_run_reports_time_rate_and_certified_share(tmp_path):
    family_demos_timing.main(["--profile", "daggen:n=5,n_max=7", "--samples", "6", "--workers", "1",
                              "--engines", "local", "--out", str(tmp_path)])
    result = json.loads((tmp_path / "family_demos_timing.json").read_text())
    (run,) = result["runs"]
    assert run["engine"] == "local pool" and run["certified"] == 1.0 and 5 <= run["n_mean"] <= 7
    assert run["states_per_s"] == pytest.approx(6 / run["seconds"])
    assert "| local pool | 1 x 1 |" in (tmp_path / "family_demos_timing.md").read_text()

