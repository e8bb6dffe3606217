"""State -> feature vector, and the normalisation statistics that travel in the manifest.

Sizes, clocks and rates span decades, so they enter as natural logs; times (edge_wait and the
latencies) are already on a small linear scale and enter as they are. The recipe is a plain
list so a client in any language can rebuild the input from a raw state. A profile with an
observation recipe appends the summary of what the phone observed (model/observation.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kdoffload.model import observation as obs
from kdoffload.model.profile import Profile
from kdoffload.model.states import States

_LOG_SCALARS = ("f_device", "f_edge", "f_cloud", "rate_up", "rate_down", "rate_backhaul")
_TIME_SCALARS = ("edge_wait", "lat_wireless", "lat_backhaul")


def feature_recipe(profile: Profile) -> list[dict]:
    """[{field, index, transform}] in input order; index is None for per-state fields."""
    recipe = [{"field": f, "index": i, "transform": "log"}
              for f in ("cycles", "out_bits") for i in range(profile.n)]
    recipe += [{"field": "in_bits", "index": i, "transform": "log"} for i in profile.entries]
    recipe += [{"field": f, "index": None, "transform": "log"} for f in _LOG_SCALARS]
    recipe += [{"field": f, "index": None, "transform": "identity"} for f in _TIME_SCALARS]
    if profile.observation:
        recipe += [{"field": f, "index": None, "transform": t} for f, t in obs.SUMMARY_FIELDS]
    return recipe


def build_features(profile: Profile, states: States,
                   observation: obs.Observation | None = None) -> np.ndarray:
    """Raw (unnormalised) features [S, F] float32. A profile with an observation recipe reads
    `observation` (none given: the network held still and nothing was queued)."""
    summary = {}
    if profile.observation:
        summary = (observation if observation is not None else obs.still_observation(states)).summary()
    columns = []
    for item in feature_recipe(profile):
        value = summary[item["field"]] if item["field"] in summary else getattr(states, item["field"])
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


@dataclass(frozen=True)
class Support:
    """Where the training set's raw features lie: per-feature min, max and 0.1% / 99.9% quantiles.

    A state with any feature outside [min, max] is one the model never saw anything like; the
    decision path then widens its candidate set (docs/formats.md).
    """

    min: np.ndarray
    max: np.ndarray
    q001: np.ndarray
    q999: np.ndarray

    @classmethod
    def fit(cls, features: np.ndarray) -> Support:
        features = np.asarray(features, dtype=np.float32)
        q001, q999 = np.quantile(features, [0.001, 0.999], axis=0)
        return cls(features.min(axis=0), features.max(axis=0), q001.astype(np.float32),
                   q999.astype(np.float32))

    def outside(self, features: np.ndarray) -> np.ndarray:
        """Raw features [S, F] -> [S] bool: some feature lies outside the training [min, max]."""
        features = np.asarray(features, dtype=np.float32)
        return ((features < self.min) | (features > self.max)).any(axis=1)

    def to_dict(self) -> dict:
        return {k: np.asarray(getattr(self, k), dtype=np.float32).tolist()
                for k in ("min", "max", "q001", "q999")}

    @classmethod
    def from_dict(cls, d: dict) -> Support:
        return cls(*(np.asarray(d[k], dtype=np.float32) for k in ("min", "max", "q001", "q999")))


def scale_invariance_masks(profile: Profile) -> dict[str, np.ndarray]:
    """Which features move under the delay model's two exact scalings (see `scale_augment`)."""
    recipe = feature_recipe(profile)
    work = np.array([r["field"] in ("cycles", "out_bits", "in_bits") for r in recipe])
    speed = np.array([r["field"] in _LOG_SCALARS for r in recipe])
    time = np.array([r["field"] in _TIME_SCALARS for r in recipe])
    return {"work": work, "speed": speed, "time": time}


def scale_augment(features: np.ndarray, masks: dict[str, np.ndarray], rng: np.random.Generator,
                  max_log: float) -> np.ndarray:
    """Raw features [B, F] of states whose optimal placement is the same as the inputs'.

    T(x) is homogeneous twice over: multiplying every cycle count, bit count, latency and
    edge_wait by a, or every latency and edge_wait by b while dividing every clock and rate by
    b, multiplies T(x) by a (or b) for every x, so x* is unchanged. Each row gets its own
    log a, log b ~ U[-max_log, max_log]: new, exactly labelled demonstrations for free.
    """
    rows = len(features)
    log_a = rng.uniform(-max_log, max_log, size=(rows, 1))
    log_b = rng.uniform(-max_log, max_log, size=(rows, 1))
    out = features.astype(np.float64, copy=True)
    out += masks["work"] * log_a - masks["speed"] * log_b
    out = np.where(masks["time"], out * np.exp(log_a + log_b), out)
    return out.astype(np.float32)
