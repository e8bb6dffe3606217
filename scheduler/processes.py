"""Rate processes that move the way cellular links do: a few states with near-outages, and outages.

- `Outages`: seconds-long near-zero stretches (an alternating renewal process: exponential up
  and down times) that scale another process's rate by `depth` while they last.
- `MarkovModulated`: a continuous-time Markov chain over rate levels (birth–death: a stay ends
  with a move to a neighbouring level), exponential stays per level; the lowest level can be a
  near-outage.
- `LEVELS`: the named shapes `scheduler.network.make_network` builds, in units of the profile's
  median uplink rate, and the 3G-like and LTE-like shapes in bit/s.

All are seeded and drawn lazily (`grow` appends the next stretch), so a realisation depends only
on its seed, never on the order in which a run asks for its rates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kdoffload.scheduler.rates import StepRate


class Outages:
    """Windows [start, end) of a near-outage; `scale(times)` is `depth` inside one, 1 outside."""

    def __init__(self, seed, mean_up: float, mean_down: float, depth: float):
        self.mean_up, self.mean_down, self.depth = mean_up, mean_down, depth
        self._rng = np.random.default_rng(seed)
        self.starts, self.ends = [], []
        self._next = float(self._rng.exponential(mean_up))  # the link starts up

    @classmethod
    def continuing(cls, seed, like: Outages, t: float, down: bool) -> Outages:
        """A fresh realisation of `like`'s law from t on, given whether a window is open at t: the
        up and down times are exponential, so the time left of the current one is drawn anew."""
        out = cls(seed, like.mean_up, like.mean_down, like.depth)
        if down:
            out.starts, out.ends = [t], [t + float(out._rng.exponential(like.mean_down))]
            out._next = out.ends[0] + float(out._rng.exponential(like.mean_up))
        else:
            out._next = t + float(out._rng.exponential(like.mean_up))
        return out

    def _until(self, t: float) -> None:
        while self._next <= t:
            end = self._next + float(self._rng.exponential(self.mean_down))
            self.starts.append(self._next)
            self.ends.append(end)
            self._next = end + float(self._rng.exponential(self.mean_up))

    def scale(self, times: np.ndarray) -> np.ndarray:
        self._until(float(times[-1]))
        k = np.searchsorted(self.starts, times, side="right") - 1
        inside = (k >= 0) & (times < np.asarray(self.ends + [0.0])[k])
        return np.where(inside, self.depth, 1.0)


@dataclass(frozen=True)
class Levels:
    """The levels of a Markov-modulated rate: uplink rates (bit/s, or multiples of a median) and
    each level's mean stay (s), best level first; the downlink is the uplink times `down_up`."""

    up: tuple[float, ...]
    mean_stay: tuple[float, ...]
    down_up: float = 3.0

    def scaled(self, median: float, down_up: float) -> Levels:
        return Levels(tuple(median * u for u in self.up), self.mean_stay, down_up)


class MarkovModulated:
    """A birth–death chain over `levels`: start at the best, a stay ends with a move one level up
    or down (the end levels move to their one neighbour)."""

    def __init__(self, levels: Levels, seed: int):
        self.levels = levels
        self._rng = np.random.default_rng(seed)
        self._state = 0

    @classmethod
    def at_level(cls, levels: Levels, seed, level: int) -> MarkovModulated:
        """A fresh realisation that is at `level` now (stays are exponential: what is left of the
        current one is drawn anew by the next `grow`)."""
        chain = cls(levels, seed)
        chain._state = level
        return chain

    def level_of(self, rate_up: float) -> int:
        """The level an uplink rate belongs to (the nearest in log)."""
        return int(np.argmin(np.abs(np.log(np.asarray(self.levels.up)) - np.log(rate_up))))

    def first_rates(self) -> tuple[float, float]:
        up = self.levels.up[0]
        return up, up * self.levels.down_up

    def grow(self, up: StepRate, down: StepRate) -> None:
        """The next 256 stays of both directions."""
        times, rates = [], []
        t, state, last = up.end, self._state, len(self.levels.up) - 1
        for _ in range(256):
            t += float(self._rng.exponential(self.levels.mean_stay[state]))
            step = 1 if state == 0 else (-1 if state == last else (1 if self._rng.random() < 0.5 else -1))
            state += step
            times.append(t)
            rates.append(self.levels.up[state])
        self._state = state
        rates = np.asarray(rates)
        up.extend(np.asarray(times), rates)
        down.extend(np.asarray(times), rates * self.levels.down_up)


# Named shapes. Profile-relative ones are multiples of the profile's median uplink: good, fair,
# poor, and a near-outage at 1% of the median that lasts seconds.
MARKOV = Levels(up=(1.9, 0.5, 0.14, 0.01), mean_stay=(6.0, 4.0, 2.0, 1.5))
# LTE-like: high rates (tens of Mbit/s) with dips of under a second to a few hundred kbit/s.
LTE = Levels(up=(24e6, 12e6, 5e6, 0.4e6), mean_stay=(5.0, 4.0, 2.0, 0.7), down_up=3.0)


@dataclass(frozen=True)
class OutageShape:
    """Gauss–Markov with outages: log-normal around `median` (bit/s, or a multiple of the
    profile's), near-zero stretches of mean `mean_down` s every `mean_up` s at `depth` x the rate."""

    median: float
    std_log: float | None  # None: the profile's spread
    mean_up: float
    mean_down: float
    depth: float
    down_up: float | None = None  # None: the profile's ratio


GM_OUTAGES = OutageShape(median=1.0, std_log=None, mean_up=15.0, mean_down=1.5, depth=1e-3)
# 3G-like: about 1 Mbit/s, spread 0.6 in log, near-nothing stretches of ~2 s every ~12 s.
UMTS = OutageShape(median=1e6, std_log=0.6, mean_up=12.0, mean_down=2.0, depth=1e-3, down_up=3.0)
