"""Named shift regimes: a profile with some sampling ranges moved beyond training.

A regime file (`model/configs/regimes/<name>.toml`) holds `name`, `moves` (what it shifts, in words)
and a `[ranges]` table in the profile's own form; applied to a profile it replaces those ranges
and keeps the task graph and name, so the profile's trained models still apply. Anyone can rerun
them, or write their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kdoffload.model.errors import InputError
from kdoffload.model.profile import CONFIG_DIR, Profile, check_name, profile_from_dict, read_toml

REGIME_DIR = CONFIG_DIR / "regimes"


@dataclass(frozen=True)
class Regime:
    name: str
    moves: str
    ranges: dict

    def apply(self, profile: Profile) -> Profile:
        """`profile` with this regime's ranges; validated like any profile."""
        raw = profile.to_dict()
        raw["ranges"] = {**raw["ranges"], **self.ranges}
        return profile_from_dict(raw, source=f"regime {self.name}")


def shipped_regimes() -> list[str]:
    return sorted(p.stem for p in REGIME_DIR.glob("*.toml"))


def load_regime(name_or_path: str | Path) -> Regime:
    """A shipped regime by name (`weak-channel`), or a regime TOML by path."""
    path = REGIME_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        path = Path(name_or_path)
        if not path.is_file():
            raise InputError(f"regime {str(name_or_path)!r}: no such regime (shipped: "
                             f"{', '.join(shipped_regimes())}) and no such file")
    raw = read_toml(path)
    unknown = set(raw) - {"name", "moves", "ranges"}
    if unknown:
        raise InputError(f"{path}: {sorted(unknown)[0]}: unknown key (known: name, moves, ranges)")
    if not isinstance(raw.get("ranges"), dict) or not raw["ranges"]:
        raise InputError(f"{path}: ranges: must be a table that moves at least one range")
    name = check_name(raw.get("name", path.stem), f"{path}: name")
    regime = Regime(name, str(raw.get("moves", "")), raw["ranges"])
    regime.apply(Profile("check", 1, ()))  # its ranges must pass the profile validation
    return regime
