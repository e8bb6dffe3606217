"""Wireless rates over time: each task's own state, a Gauss–Markov process, a good/bad channel, the
Markov-modulated and outage processes of `scheduler.processes`, a trace.

A dynamic network gives each wireless direction a piecewise-constant rate over virtual time
(`scheduler.rates.StepRate`); the backhaul stays as each task's state has it. A transfer drains
its bits at the rate in force at each moment (`drain_end`), and a decision reads the rate of its
moment (`rates_at`). Random processes are drawn lazily, as far as a query reaches, so the rates a
run meets do not depend on the order of the queries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kdoffload.model.delay import UP
from kdoffload.model.errors import InputError
from kdoffload.model.profile import Profile, shannon_rate
from kdoffload.scheduler.processes import GM_OUTAGES, LTE, MARKOV, UMTS, MarkovModulated, Outages, OutageShape
from kdoffload.scheduler.rates import StepRate
from kdoffload.scheduler.traces import MIN_RATE, TraceFiles

KINDS = ("static", "gauss-markov", "good-bad", "markov", "gauss-markov-outages", "3g", "lte")
GRIDDED = ("gauss-markov", "gauss-markov-outages", "3g")  # drawn on GaussMarkov's grid
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


class DynamicNetwork:
    """The two wireless directions of a dynamic network: what decisions read, when transfers end.

    A trace's rates repeat; a random `process` appends the next stretch of both directions
    (`grow(up, down)`) whenever a query reaches past what it has drawn.
    """

    dynamic = True

    def __init__(self, name: str, up: StepRate, down: StepRate, process=None):
        self.name, self.links, self.process = name, (up, down), process

    @classmethod
    def of(cls, name: str, process) -> DynamicNetwork:
        up, down = process.first_rates()
        return cls(name, StepRate([0.0], [up]), StepRate([0.0], [down]), process)

    def rates_at(self, t: float) -> tuple[float, float]:
        """The rates in force at t, as a decision reads them: a stalled link reads as MIN_RATE
        (unusable to every engine) rather than a 0 no delay model can divide by."""
        self._reach(t)
        up, down = (link.rate_at(t) for link in self.links)
        return max(up, MIN_RATE), max(down, MIN_RATE)

    def drain_end(self, link: int, start: float, bits: float) -> float:
        """When a transfer of `bits` on wireless `link` (UP or DOWN) that starts at `start` has
        left: its bits drain at the rate in force at each moment."""
        rate = self.links[link - UP]
        self._reach(start)
        done = rate.drain_end(start, bits)
        while self.process is not None and not done <= rate.end:
            self.process.grow(*self.links)
            done = rate.drain_end(start, bits)
        return done

    def _reach(self, t: float) -> None:
        while self.process is not None and self.links[0].end <= t:
            self.process.grow(*self.links)


class GaussMarkov:
    """log rate_up is a stationary AR(1) on a grid of `step` s, correlation time `corr_time` s.

    The stationary law matches the profile's uplink rates (log mean and spread); the downlink is
    the uplink times the geometric mean of the profile's downlink/uplink ratio range. With
    `outages`, the rate is scaled by `outages.depth` inside its windows (near-zero stretches).
    """

    def __init__(self, stats: RateStatistics, seed: int, corr_time: float = 2.0, step: float = 0.05,
                 outages: Outages | None = None):
        self.stats, self.step = stats, step
        self._rho = math.exp(-step / corr_time)
        self._rng = np.random.default_rng(seed)
        self._z = float(self._rng.normal())
        self.outages = outages

    def first_rates(self) -> tuple[float, float]:
        up = math.exp(self.stats.mean_log + self.stats.std_log * self._z)
        return up, up * self.stats.down_up

    def grow(self, up: StepRate, down: StepRate) -> None:
        """4096 more grid steps of both directions."""
        k = len(up.times)
        if k > MAX_STEPS:
            raise InputError(f"network gauss-markov: the run reaches t = {k * self.step:.3g} s, more "
                             f"than {MAX_STEPS:,} rate steps of {self.step} s; shorten the run")
        kick = math.sqrt(1.0 - self._rho * self._rho)
        z = []
        for e in self._rng.normal(size=4096).tolist():
            self._z = self._rho * self._z + kick * e
            z.append(self._z)
        rates = np.exp(self.stats.mean_log + self.stats.std_log * np.array(z))
        times = np.arange(k, k + len(z)) * self.step
        if self.outages is not None:
            rates = rates * self.outages.scale(times)
        up.extend(times, rates)
        down.extend(times, rates * self.stats.down_up)


class GoodBad:
    """A two-state Markov channel (Gilbert–Elliott): exponential stays in good and bad.

    Good is the profile's median uplink rate, bad the rate two log-spreads below it (a deep fade,
    about the 2nd percentile); it starts good.
    """

    def __init__(self, stats: RateStatistics, seed: int, mean_good: float = 4.0, mean_bad: float = 1.0):
        self.stats, self.mean_good, self.mean_bad = stats, mean_good, mean_bad
        self._rng = np.random.default_rng(seed)
        self._good = math.exp(stats.mean_log)
        self._bad = math.exp(stats.mean_log - 2.0 * stats.std_log)

    def first_rates(self) -> tuple[float, float]:
        return self._good, self._good * self.stats.down_up

    def grow(self, up: StepRate, down: StepRate) -> None:
        """The end of the current stay, and the other state from then on."""
        good_now = len(up.times) % 2 == 1
        end = up.end + float(self._rng.exponential(self.mean_good if good_now else self.mean_bad))
        rate = self._bad if good_now else self._good
        up.append(end, rate)
        down.append(end, rate * self.stats.down_up)


def load_trace(path: Path) -> DynamicNetwork:
    """The simulator's CSV trace (time_s,rate_up,rate_down in bit/s), replayed."""
    return DynamicNetwork("trace", *TraceFiles(csv=Path(path)).load())


def make_network(kind: str, profile: Profile, seed: int, trace: TraceFiles | Path | None = None):
    """The network of a run: a trace if one is given (a Path is a CSV), else the named process."""
    if isinstance(trace, (str, Path)):
        trace = TraceFiles(csv=Path(trace))
    if trace:
        if kind != "static":
            raise InputError(f"network {kind} and a trace: give one of them")
        return DynamicNetwork("trace", *trace.load())
    if kind == "static":
        return Static()
    if kind not in KINDS:
        raise InputError(f"network: unknown kind {kind!r} (known: {', '.join(KINDS)})")
    return DynamicNetwork.of(kind, make_process(kind, RateStatistics.of(profile), seed))


def make_process(kind: str, stats: RateStatistics, seed: int):
    """The random process of a dynamic `kind`; profile-relative shapes take the profile's `stats`."""
    if kind == "gauss-markov":
        return GaussMarkov(stats, seed)
    if kind == "good-bad":
        return GoodBad(stats, seed)
    if kind == "markov":
        return MarkovModulated(MARKOV.scaled(math.exp(stats.mean_log), stats.down_up), seed)
    if kind == "lte":
        return MarkovModulated(LTE, seed)
    shape = GM_OUTAGES if kind == "gauss-markov-outages" else UMTS
    return gauss_markov_outages(shape, stats, seed)


def gauss_markov_outages(shape: OutageShape, stats: RateStatistics, seed: int) -> GaussMarkov:
    """Gauss–Markov around the shape's median (a multiple of the profile's if it is relative),
    with near-zero stretches drawn from their own stream of the seed."""
    relative = shape.std_log is None
    median = shape.median * math.exp(stats.mean_log) if relative else shape.median
    own = RateStatistics(math.log(median), stats.std_log if relative else shape.std_log,
                         shape.down_up or stats.down_up)
    outages = Outages((seed, 1), shape.mean_up, shape.mean_down, shape.depth)
    return GaussMarkov(own, seed, outages=outages)
