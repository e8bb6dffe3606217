"""A piecewise-constant rate over time, and when a transfer that drains at it is done.

A link's rate r(t) (bit/s) is constant on [times[k], times[k+1]). A transfer of b bits that starts
at s ends at the first T with ∫_s^T r = b: the bits drain at the rate in force at each moment, and
a stretch at rate 0 is a stall, as on a real link. With prefix sums of the bits delivered up to
each breakpoint, a transfer costs one bisection however many breakpoints it spans.

A rate is either periodic (a trace: it repeats every `period` s, as trace-driven link emulators
loop their traces) or open-ended (a random process: its owner appends breakpoints as time goes
on and the last rate holds after the last breakpoint).
"""

from __future__ import annotations

import bisect
import math
from array import array

import numpy as np

INF = float("inf")


class StepRate:
    """r(t) in bit/s, constant on [times[k], times[k+1]); times[0] == 0, t >= 0."""

    def __init__(self, times, rates, period: float | None = None):
        if len(times) == 0 or times[0] != 0.0 or len(times) != len(rates):
            raise ValueError("a step rate needs breakpoints from 0, one rate each")
        # Arrays of doubles, not lists: a long random process holds millions of breakpoints.
        self.times, self.rates, self.period = array("d"), array("d"), period
        self.bits = array("d", [0.0])  # bits delivered from 0 to each breakpoint
        self.append(float(times[0]), float(rates[0]))
        if len(times) > 1:
            self.extend(np.asarray(times[1:], dtype=float), np.asarray(rates[1:], dtype=float))
        if period is not None:
            if not period > self.times[-1]:
                raise ValueError("the period must end after the last breakpoint")
            self.period_bits = self.bits[-1] + self.rates[-1] * (period - self.times[-1])
            if not self.period_bits > 0.0:
                raise ValueError("a periodic rate must deliver something in a period")

    def append(self, time: float, rate: float) -> None:
        """From `time` (after the last breakpoint) on, the rate is `rate`."""
        if self.times:
            if not time > self.times[-1]:
                raise ValueError("breakpoints must increase")
            self.bits.append(self.bits[-1] + self.rates[-1] * (time - self.times[-1]))
        self.times.append(time)
        self.rates.append(rate)

    def extend(self, times: np.ndarray, rates: np.ndarray) -> None:
        """`append` for many breakpoints at once (increasing, after the last one)."""
        if not times[0] > self.times[-1] or np.any(np.diff(times) <= 0):
            raise ValueError("breakpoints must increase")
        spans = np.diff(times, prepend=self.times[-1])
        before = np.concatenate(([self.rates[-1]], rates[:-1]))
        # frombytes: array.extend would take a numpy array one element at a time
        self.bits.frombytes((self.bits[-1] + np.cumsum(before * spans)).astype(np.float64).tobytes())
        self.times.frombytes(np.asarray(times, dtype=np.float64).tobytes())
        self.rates.frombytes(np.asarray(rates, dtype=np.float64).tobytes())

    @property
    def end(self) -> float:
        """The last breakpoint: beyond it an open-ended rate is only its last rate so far."""
        return self.times[-1]

    def rate_at(self, t: float) -> float:
        _, u = self._fold(t)
        return self.rates[max(bisect.bisect_right(self.times, u) - 1, 0)]

    def delivered(self, t: float) -> float:
        """Bits the link delivers from 0 to t: ∫_0^t r."""
        laps, u = self._fold(t)
        k = max(bisect.bisect_right(self.times, u) - 1, 0)
        inside = self.bits[k] + self.rates[k] * (u - self.times[k])
        return laps * self.period_bits + inside if laps else inside

    def drain_end(self, start: float, bits: float) -> float:
        """The first T >= start with ∫_start^T r = bits (inf if the rate never delivers them)."""
        if bits <= 0.0:
            return start
        laps, u = self._fold(start)
        k = max(bisect.bisect_right(self.times, u) - 1, 0)
        rate = self.rates[k]
        if rate > 0.0:  # most transfers end where they start: then it is plain bits / rate
            done = start + bits / rate
            if done <= start - u + self._segment_end(k):
                return done
        return self._time_of(self.delivered(start) + bits)

    def _segment_end(self, k: int) -> float:
        if k + 1 < len(self.times):
            return self.times[k + 1]
        return self.period if self.period is not None else INF

    def _time_of(self, total: float) -> float:
        """The first T with delivered(T) = total (> 0)."""
        laps = 0
        if self.period is not None:
            laps = max(math.ceil(total / self.period_bits) - 1, 0)  # the lap in which it is reached
            total -= laps * self.period_bits
        k = bisect.bisect_left(self.bits, total) - 1  # the last breakpoint with fewer bits
        if k < 0:
            k = 0
        rate = self.rates[k]
        if rate <= 0.0:  # only an open-ended rate whose last rate is 0: its owner must extend it
            return INF
        offset = laps * self.period if laps else 0.0
        return offset + self.times[k] + (total - self.bits[k]) / rate

    def _fold(self, t: float) -> tuple[int, float]:
        """(whole periods before t, t's place within its period); (0, t) if not periodic."""
        if self.period is None or t < self.period:
            return 0, t
        laps = int(t // self.period)
        u = t - laps * self.period
        if u >= self.period:  # rounding
            laps, u = laps + 1, u - self.period
        return laps, max(u, 0.0)
