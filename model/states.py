"""System states: a batch of sampled per-subtask and per-state quantities, and how they are drawn."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kdoffload.model.profile import Profile, shannon_rate

# State fields: per-subtask arrays [S, N], then per-state scalars [S].
SUBTASK_FIELDS = ("cycles", "out_bits", "in_bits")
SCALAR_FIELDS = (
    "f_device", "f_edge", "f_cloud", "edge_wait", "rate_up", "rate_down",
    "lat_wireless", "rate_backhaul", "lat_backhaul",
)
STATE_FIELDS = SUBTASK_FIELDS + SCALAR_FIELDS


@dataclass
class States:
    """A batch of S system states; per-subtask fields are [S, N], the rest [S] (float64, SI units)."""

    cycles: np.ndarray
    out_bits: np.ndarray
    in_bits: np.ndarray
    f_device: np.ndarray
    f_edge: np.ndarray
    f_cloud: np.ndarray
    edge_wait: np.ndarray
    rate_up: np.ndarray
    rate_down: np.ndarray
    lat_wireless: np.ndarray
    rate_backhaul: np.ndarray
    lat_backhaul: np.ndarray

    def __len__(self) -> int:
        return len(self.f_device)

    def __getitem__(self, index) -> States:
        """A sub-batch; an integer index keeps the batch dimension (S = 1)."""
        if isinstance(index, (int, np.integer)):
            index = slice(index, index + 1) if index != -1 else slice(-1, None)
        return States(**{k: getattr(self, k)[index] for k in STATE_FIELDS})

    def to_dict(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, k) for k in STATE_FIELDS}

    @classmethod
    def from_dict(cls, arrays: dict) -> States:
        return cls(**{k: np.asarray(arrays[k], dtype=np.float64) for k in STATE_FIELDS})

    @classmethod
    def concat(cls, parts: list[States]) -> States:
        return cls(**{k: np.concatenate([getattr(p, k) for p in parts]) for k in STATE_FIELDS})

    def scaled(self, s: float) -> States:
        """Every cycle count, bit count and latency times s: T(x) scales by s for every x."""
        out = self.to_dict()
        for k in ("cycles", "out_bits", "in_bits", "edge_wait", "lat_wireless", "lat_backhaul"):
            out[k] = out[k] * s
        return States(**out)


def sample_states(profile: Profile, count: int, rng: np.random.Generator) -> States:
    """Draw `count` states from the profile's ranges (fixed draw order: reproducible per seed).

    A graph with a nominal workload scales it per state by log-uniform factors from the
    profile's spread; without one, workloads come from the ranges as they always have.
    """
    r, n = profile.ranges, profile.n

    def uniform(pair, shape=(count,)):
        return rng.uniform(pair[0], pair[1], size=shape)

    def log_uniform(pair, shape=(count,)):
        return np.exp(rng.uniform(math.log(pair[0]), math.log(pair[1]), size=shape))

    if profile.family:
        raise ValueError(f"profile {profile.name}: a family has no one graph to draw states for")
    if profile.workload is None:
        cycles = log_uniform(r.cycles, (count, n))
        out_bits = log_uniform(r.out_bits, (count, n))
        in_bits = log_uniform(r.in_bits, (count, n))
    else:  # the same draws as above, as factors around the nominal values
        nominal, spread = profile.workload, profile.spread
        cycles = np.asarray(nominal.cycles) * log_uniform(spread.cycles, (count, n))
        out_bits = np.asarray(nominal.out_bits) * log_uniform(spread.out_bits, (count, n))
        in_bits = np.asarray(nominal.in_bits) * log_uniform(spread.in_bits, (count, n))
    not_entry = np.ones(n, dtype=bool)
    not_entry[list(profile.entries)] = False
    in_bits[:, not_entry] = 0.0
    bandwidth = uniform(r.bandwidth)
    distance = uniform(r.distance)
    rate_up = shannon_rate(bandwidth, distance, r.tx_power, r.noise_dbm_per_hz, r.noise_figure_db)
    return States(
        cycles=cycles, out_bits=out_bits, in_bits=in_bits,
        f_device=uniform(r.f_device), f_edge=uniform(r.f_edge), f_cloud=uniform(r.f_cloud),
        edge_wait=uniform(r.edge_wait), rate_up=rate_up,
        rate_down=rate_up * uniform(r.down_up_ratio), lat_wireless=uniform(r.lat_wireless),
        rate_backhaul=log_uniform(r.rate_backhaul), lat_backhaul=uniform(r.lat_backhaul),
    )


def shifted_profile(profile: Profile, factor: float = 2.0) -> Profile:
    """Rates and clocks drawn beyond the training ranges: low end / factor, high end * factor."""
    r = profile.ranges

    def widen(pair):
        return (pair[0] / factor, pair[1] * factor)

    return profile.with_ranges(
        f_device=widen(r.f_device), f_edge=widen(r.f_edge), f_cloud=widen(r.f_cloud),
        bandwidth=widen(r.bandwidth), rate_backhaul=widen(r.rate_backhaul),
    )
