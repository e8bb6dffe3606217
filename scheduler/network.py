"""Wireless rates over time: each task's own state, a Gauss–Markov process, a good/bad channel, a trace.

A dynamic network gives (rate_up, rate_down) as a function of virtual time; the backhaul stays
as each task's state has it. Every process is piecewise constant, so "the rate when a transfer
starts" is well defined and a replayed trace is reproduced exactly.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model.errors import InputError
from model.profile import Profile, shannon_rate
from scheduler.csvfile import read_rows

KINDS = ("static", "gauss-markov", "good-bad")
TRACE_COLUMNS = ("time_s", "rate_up", "rate_down")
# Slower than a bit per second is a dead link: a transfer would outlast any run (and a tiny rate
# overflows its length to infinity). Outages model dead links.
MIN_RATE = 1.0
MAX_STEPS = 10_000_000  # Gauss–Markov grid points one run may draw


@dataclass(frozen=True)
class RateStatistics:
    """Where the profile's uplink rate lives: log-rate mean and spread, downlink/uplink ratio."""

    mean_log: float
    std_log: float
    down_up: float

    @classmethod
    def of(cls, profile: Profile) -> RateStatistics:
        r = profile.ranges
        rng = np.random.default_rng(0)  # fixed: the statistics belong to the profile, not the run
        up = shannon_rate(rng.uniform(*r.bandwidth, 100_000), rng.uniform(*r.distance, 100_000),
                          r.tx_power, r.noise_dbm_per_hz, r.noise_figure_db)
        return cls(float(np.log(up).mean()), float(np.log(up).std()),
                   math.sqrt(r.down_up_ratio[0] * r.down_up_ratio[1]))


@dataclass
class Static:
    """No process: every task's transfers use the rates of its own sampled state."""

    name: str = "static"
    dynamic: bool = False

    def rates_at(self, t: float) -> tuple[float, float]:
        raise RuntimeError("a static network has no rates of its own")


@dataclass
class GaussMarkov:
    """log rate_up is a stationary AR(1) on a grid of `step` s, correlation time `corr_time` s.

    The stationary law matches the profile's uplink rates (log mean and spread); the downlink is
    the uplink times the geometric mean of the profile's downlink/uplink ratio range.
    """

    stats: RateStatistics
    seed: int
    corr_time: float = 2.0
    step: float = 0.05
    name: str = "gauss-markov"
    dynamic: bool = True
    _z: list = field(default_factory=list, repr=False)

    def __post_init__(self):
        self._rng = np.random.default_rng(self.seed)
        self._z.append(float(self._rng.normal()))

    def _extend(self, k: int) -> None:
        rho = math.exp(-self.step / self.corr_time)
        kick = math.sqrt(1.0 - rho * rho)
        if k > MAX_STEPS:
            raise InputError(f"--network gauss-markov: the run reaches t = {k * self.step:.3g} s, more "
                             f"than {MAX_STEPS:,} rate steps of {self.step} s; shorten the run")
        while len(self._z) <= k:
            z = self._z[-1]
            for e in self._rng.normal(size=4096).tolist():
                z = rho * z + kick * e
                self._z.append(z)

    def rates_at(self, t: float) -> tuple[float, float]:
        k = int(t / self.step)
        if k >= len(self._z):
            self._extend(k)
        up = math.exp(self.stats.mean_log + self.stats.std_log * self._z[k])
        return up, up * self.stats.down_up


@dataclass
class GoodBad:
    """A two-state Markov channel (Gilbert–Elliott): exponential stays in good and bad.

    Good is the profile's median uplink rate, bad the rate two log-spreads below it (a deep fade,
    about the 2nd percentile); it starts good.
    """

    stats: RateStatistics
    seed: int
    mean_good: float = 4.0
    mean_bad: float = 1.0
    name: str = "good-bad"
    dynamic: bool = True
    _switches: list = field(default_factory=list, repr=False)

    def __post_init__(self):
        self._rng = np.random.default_rng(self.seed)
        self._good = math.exp(self.stats.mean_log)
        self._bad = math.exp(self.stats.mean_log - 2.0 * self.stats.std_log)

    def rates_at(self, t: float) -> tuple[float, float]:
        while not self._switches or self._switches[-1] <= t:
            last = self._switches[-1] if self._switches else 0.0
            mean = self.mean_good if len(self._switches) % 2 == 0 else self.mean_bad
            self._switches.append(last + float(self._rng.exponential(mean)))
        bad = bisect.bisect_right(self._switches, t) % 2 == 1
        up = self._bad if bad else self._good
        return up, up * self.stats.down_up


@dataclass
class Trace:
    """A measured trace replayed: each row's rates hold from its time to the next row's.

    Before the first row the first row's rates apply, after the last row the last row's.
    """

    times: list
    up: list
    down: list
    name: str = "trace"
    dynamic: bool = True

    def rates_at(self, t: float) -> tuple[float, float]:
        k = max(bisect.bisect_right(self.times, t) - 1, 0)
        return self.up[k], self.down[k]


def load_trace(path: Path) -> Trace:
    """A CSV with the header time_s,rate_up,rate_down (bit/s), times strictly increasing."""
    path = Path(path)
    rows = read_rows(path, "trace")
    if not rows:
        raise InputError(f"{path}: empty trace (need the header {','.join(TRACE_COLUMNS)})")
    header = [h.strip() for h in rows[0]]
    for name in header:
        if name not in TRACE_COLUMNS:
            raise InputError(f"{path}: unknown column {name!r} (expected {','.join(TRACE_COLUMNS)})")
    for name in TRACE_COLUMNS:
        if header.count(name) != 1:
            problem = "missing" if name not in header else "given twice"
            raise InputError(f"{path}: column {name!r} {problem}")
    columns = {name: [] for name in TRACE_COLUMNS}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(f"{path}: line {line}: {len(row)} values, expected {len(header)}")
        for name, cell in zip(header, row):
            columns[name].append(_trace_value(path, line, name, cell))
    times = columns["time_s"]
    if not times:
        raise InputError(f"{path}: the trace has a header but no rows")
    for k in range(1, len(times)):
        if times[k] <= times[k - 1]:
            raise InputError(f"{path}: line {k + 2}: time_s {times[k]} is not after {times[k - 1]} "
                             "(times must increase)")
    return Trace(times, columns["rate_up"], columns["rate_down"])


def _trace_value(path: Path, line: int, name: str, cell: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        what = "missing" if not cell.strip() else f"{cell.strip()!r} is not a number"
        raise InputError(f"{path}: line {line}: {name}: {what}") from None
    if not math.isfinite(value):
        raise InputError(f"{path}: line {line}: {name}: {cell.strip()!r} is not finite")
    if name == "time_s" and value < 0:
        raise InputError(f"{path}: line {line}: time_s: {value} is negative")
    if name != "time_s" and value < MIN_RATE:
        problem = "must be positive" if value <= 0 else f"is below {MIN_RATE:g} bit/s"
        raise InputError(f"{path}: line {line}: {name}: {value} {problem} "
                         "(model a dead link with --link-outage)")
    return value


def make_network(kind: str, profile: Profile, seed: int, trace: Path | None = None):
    """The network of a run: a trace if one is given, else the named process."""
    if trace is not None:
        if kind != "static":
            raise InputError(f"--network {kind} and --trace: give one of them")
        return load_trace(trace)
    if kind == "static":
        return Static()
    if kind == "gauss-markov":
        return GaussMarkov(RateStatistics.of(profile), seed)
    if kind == "good-bad":
        return GoodBad(RateStatistics.of(profile), seed)
    raise InputError(f"--network: unknown kind {kind!r} (known: {', '.join(KINDS)})")
