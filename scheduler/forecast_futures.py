"""Futures of a moving network drawn from what a phone has seen of it up to a decision at t.

Each future is a `DynamicNetwork` whose rates from t on are one draw of the network's law
conditioned on the past, and which holds the rate of t before it (no run of a task decided at t
reads a rate before t). Nothing here reads the realised network beyond t:
- a process of `scheduler.processes` / `scheduler.network` is continued from its current state,
  inferred from the rate at t (the level of a Markov-modulated chain, good or bad, the
  Gauss–Markov value and whether an outage window is open); every stay or window the processes
  draw is exponential, so the time left of the current one is drawn anew and the future needs
  no more of the past than that;
- a trace (no law known) is continued by a block bootstrap of its last `PAST_S` seconds: the
  first block follows a past moment whose rate was near the rate of t, the next blocks start
  at random moments of the window.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import lfilter

from kdoffload.scheduler.network import DynamicNetwork, GaussMarkov, GoodBad
from kdoffload.scheduler.processes import MarkovModulated, Outages
from kdoffload.scheduler.rates import StepRate
from kdoffload.scheduler.traces import MIN_RATE

GRID_CHUNK = 512  # Gauss–Markov steps a future draws at a time (25.6 s at 0.05 s)
PAST_S = 60.0  # seconds of a trace's past the bootstrap draws from
PROBE_S = 0.1  # the bootstrap's resolution
BLOCK_S = 5.0  # bootstrap block length
NEAREST = 0.1  # share of past moments, nearest in rate to now, the first block may follow


def _held_until(t: float, up: float, down: float) -> tuple[StepRate, StepRate]:
    """Both directions at (up, down) on [0, t]: a future's links before its first own step."""
    times = [0.0, t] if t > 0 else [0.0]
    return StepRate(times, [up] * len(times)), StepRate(times, [down] * len(times))


class _GoodBadFuture:
    """GoodBad's law from t on, given the state it is in."""

    def __init__(self, law: GoodBad, seed, good: bool):
        self.law, self.good = law, good
        self._rng = np.random.default_rng(seed)

    def grow(self, up: StepRate, down: StepRate) -> None:
        law = self.law
        up_end = up.end + float(self._rng.exponential(law.mean_good if self.good else law.mean_bad))
        self.good = not self.good
        rate = law._good if self.good else law._bad
        up.append(up_end, rate)
        down.append(up_end, rate * law.stats.down_up)


class _GridFuture:
    """GaussMarkov's AR(1) from its value at t, on its grid, with outage windows continued."""

    def __init__(self, law: GaussMarkov, seed, t: float, z: float, outages: Outages | None):
        self.law, self.z, self.outages = law, z, outages
        self.next_step = math.floor(t / law.step) + 1  # the first grid point after t
        self._rng = np.random.default_rng(seed)

    def grow(self, up: StepRate, down: StepRate) -> None:
        law, rho = self.law, self.law._rho  # the law's own correlation per step
        kick = math.sqrt(1.0 - rho * rho)
        # z_k = rho z_{k-1} + kick e_k, from z_0 = the value now: one linear filter
        z, _ = lfilter([kick], [1.0, -rho], self._rng.normal(size=GRID_CHUNK), zi=[rho * self.z])
        self.z = float(z[-1])
        times = np.arange(self.next_step, self.next_step + GRID_CHUNK) * law.step
        self.next_step += GRID_CHUNK
        rates = np.exp(law.stats.mean_log + law.stats.std_log * z)
        if self.outages is not None:
            rates = rates * self.outages.scale(times)
        up.extend(times, rates)
        down.extend(times, rates * law.stats.down_up)


class _Bootstrap:
    """Blocks of a trace's recent past, laid end to end from t on (both directions together)."""

    def __init__(self, network: DynamicNetwork, t: float, seed):
        first = max(t - PAST_S, 0.0)
        self.grid = np.arange(first, t + PROBE_S / 2, PROBE_S)
        self.up = np.array([network.links[0].rate_at(s) for s in self.grid.tolist()])
        self.down = np.array([network.links[1].rate_at(s) for s in self.grid.tolist()])
        self._rng = np.random.default_rng(seed)
        self._start = self._near_now()

    def _near_now(self) -> int:
        """A past moment whose uplink rate is among the nearest to the rate now (in log)."""
        past = len(self.grid) - 1
        if past < 1:
            return 0
        gap = np.abs(np.log(np.maximum(self.up[:past], MIN_RATE)) - math.log(max(self.up[-1], MIN_RATE)))
        nearest = np.argsort(gap, kind="stable")[:max(1, int(NEAREST * past))]
        return int(self._rng.choice(nearest)) + 1  # the future follows that moment

    def grow(self, up: StepRate, down: StepRate) -> None:
        block = max(int(round(BLOCK_S / PROBE_S)), 1)
        begin = self._start
        count = min(block, len(self.grid) - begin) if begin < len(self.grid) else 0
        if count <= 0:  # at t = 0: nothing past yet, the rate of now holds
            begin, count = len(self.grid) - 1, 1
        times = up.end + PROBE_S * np.arange(1, count + 1)
        up.extend(times, self.up[begin:begin + count])
        down.extend(times, self.down[begin:begin + count])
        self._start = int(self._rng.integers(0, len(self.grid)))


def futures(network, t: float, count: int, seed) -> list:
    """`count` futures of `network` from t on (a network that holds still is its own future)."""
    if not network.dynamic:
        return [network]
    rng = np.random.default_rng(seed)
    seeds = rng.integers(0, 2**63 - 1, size=count).tolist()
    up, down = (max(link.rate_at(t), 0.0) for link in network.links)
    return [DynamicNetwork(network.name, *_held_until(t, up, down), _continuation(network, t, up, s))
            for s in seeds]


def _continuation(network, t: float, up: float, seed):
    """The object that grows one future past t (`grow(up, down)`), for the network's kind."""
    law = network.process
    if isinstance(law, MarkovModulated):
        return MarkovModulated.at_level(law.levels, seed, law.level_of(max(up, MIN_RATE)))
    if isinstance(law, GoodBad):
        return _GoodBadFuture(law, seed, abs(math.log(max(up, MIN_RATE) / law._good))
                              < abs(math.log(max(up, MIN_RATE) / law._bad)))
    if isinstance(law, GaussMarkov):
        return _grid_future(law, seed, t, max(up, MIN_RATE))
    return _Bootstrap(network, t, seed)


def _grid_future(law: GaussMarkov, seed, t: float, up: float) -> _GridFuture:
    """The Gauss–Markov value at t read back from the rate, an outage window open if the rate
    is nearer the outage level than the process's median (in log)."""
    stats, log_up, outages = law.stats, math.log(up), None
    if law.outages is not None:
        down = log_up < stats.mean_log + 0.5 * math.log(law.outages.depth)
        if down:
            log_up -= math.log(law.outages.depth)
        outages = Outages.continuing((seed, 1), law.outages, t, down)
    return _GridFuture(law, seed, t, (log_up - stats.mean_log) / stats.std_log, outages)
