"""Derived values are checked where they are made: inputs each in range can still make a rate,
a time or a scale that overflows; that is one line naming the input, not inf in the data."""

from __future__ import annotations

import pytest

from kdoffload.model.errors import InputError
from kdoffload.model.profile import CONFIG_DIR, load_profile

CHAIN6 = (CONFIG_DIR / "chain6.toml").read_text()


def hostile_ranges():
    """(ranges line, the key the error must name): each value positive and finite on its own."""
    yield "bandwidth = [1e-300, 1e-300]", "ranges.bandwidth"   # noise power underflows: infinite rate
    yield "bandwidth = [1e-310, 1e6]", "ranges.bandwidth"
    yield "f_device = [1e-300, 1e9]", "ranges.f_device"         # any work takes forever
    yield "f_cloud = [1e-320, 1e9]", "ranges.f_cloud"
    yield "rate_backhaul = [1e-300, 1e9]", "ranges.rate_backhaul"


def with_ranges(line: str) -> str:
    key = line.split(" = ")[0]
    kept = [row for row in CHAIN6.splitlines() if not row.startswith(f"{key} =")]
    text = "\n".join(kept) + "\n"
    return text.replace("[ranges]\n", f"[ranges]\n{line}\n") if "[ranges]" in text else text + f"[ranges]\n{line}\n"


@pytest.mark.parametrize("line,key", list(hostile_ranges()))
def test_ranges_whose_derived_rates_or_times_overflow_are_one_line(tmp_path, refused, line, key):
    path = tmp_path / "p.toml"
    path.write_text(with_ranges(line))
    with pytest.raises(InputError, match=f"{key}: "):
        load_profile(path)
    refused("data", "--profile", str(path), "--samples", "10", "--out", "d.npz", needle=key)


def test_the_shipped_profiles_pass_the_derived_checks():
    for path in CONFIG_DIR.glob("*.toml"):
        load_profile(path)


@pytest.mark.parametrize("scales", ["1e-320", "0.5,1e-12", "5e-324"])
def test_a_scale_whose_arrival_rate_overflows_is_one_line(refused, scales):
    refused("simulate", "--profile", "chain6", "--sweep-scale", "--scales", scales,
            "--policies", "greedy", needle="--scales")
