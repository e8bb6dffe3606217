"""State -> feature vector, and the normalisation statistics that travel in the manifest.

Sizes, clocks and rates span decades, so they enter as natural logs; times (edge_wait and the
latencies) are already on a small linear scale and enter as they are. The recipe is a plain
list so a client in any language can rebuild the input from a raw state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.system import Profile, States

_LOG_SCALARS = ("f_device", "f_edge", "f_cloud", "rate_up", "rate_down", "rate_backhaul")
_TIME_SCALARS = ("edge_wait", "lat_wireless", "lat_backhaul")


def feature_recipe(profile: Profile) -> list[dict]:
    """[{field, index, transform}] in input order; index is None for per-state fields."""
    recipe = [{"field": f, "index": i, "transform": "log"}
              for f in ("cycles", "out_bits") for i in range(profile.n)]
    recipe += [{"field": "in_bits", "index": i, "transform": "log"} for i in profile.entries]
    recipe += [{"field": f, "index": None, "transform": "log"} for f in _LOG_SCALARS]
    recipe += [{"field": f, "index": None, "transform": "identity"} for f in _TIME_SCALARS]
    return recipe


def build_features(profile: Profile, states: States) -> np.ndarray:
    """Raw (unnormalised) features [S, F] float32."""
    columns = []
    for item in feature_recipe(profile):
        value = getattr(states, item["field"])
        if item["index"] is not None:
            value = value[:, item["index"]]
        columns.append(np.log(value) if item["transform"] == "log" else value)
    return np.stack(columns, axis=1).astype(np.float32)


@dataclass(frozen=True)
class Normalizer:
    """Per-feature (x - mean) / std, fitted on training features."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, features: np.ndarray) -> Normalizer:
        features = np.asarray(features, dtype=np.float64)
        # A constant feature (a profile with a fixed range) must not divide by zero.
        return cls(features.mean(axis=0), np.maximum(features.std(axis=0), 1e-6))

    def __call__(self, features: np.ndarray) -> np.ndarray:
        return ((features - self.mean) / self.std).astype(np.float32)

    def to_dict(self) -> dict:
        return {"mean": self.mean.tolist(), "std": self.std.tolist()}

    @classmethod
    def from_dict(cls, d: dict) -> Normalizer:
        return cls(np.asarray(d["mean"], dtype=np.float64), np.asarray(d["std"], dtype=np.float64))
