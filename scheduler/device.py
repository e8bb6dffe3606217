"""The device's one core: subtasks reserve it FIFO, decisions run in its idle time.

Subtasks follow the list schedule: each starts after every earlier reservation (no gaps used).
A decision is the phone's own short computation at a task's arrival; holding it back until every
subtask already reserved has run would make it wait for work that is itself waiting for data, so
it takes the first idle stretch of the core, from its arrival and after the previous decision,
that is long enough. It never moves a reservation already made.
"""

from __future__ import annotations

import bisect


class DeviceCore:
    def __init__(self):
        self.free = 0.0  # end of the latest reservation: where the next subtask may start
        self._busy: list[tuple[float, float]] = []  # reservations ending after the last arrival
        self._decided = 0.0  # end of the previous decision

    def reserve_subtask(self, ready: float, run: float) -> float:
        begin = ready if ready > self.free else self.free
        self.free = begin + run
        self._busy.append((begin, self.free))
        return begin

    def first_idle(self, arrival: float) -> float:
        """The first instant from `arrival` (and the previous decision's end) the core is idle."""
        self._forget_before(arrival)
        t = max(arrival, self._decided)
        for start, end in self._busy:
            if start > t:
                break
            if end > t:
                t = end
        return t

    def reserve_decision(self, earliest: float, duration: float) -> float:
        """Hold the core for `duration` s in the first idle stretch from `earliest` that fits."""
        t = max(earliest, self._decided)
        for start, end in self._busy:
            if t + duration <= start:
                break
            if end > t:
                t = end
        bisect.insort(self._busy, (t, t + duration))
        self._decided = t + duration
        self.free = max(self.free, self._decided)
        return t

    def _forget_before(self, t: float) -> None:
        """Reservations over by `t` never matter again: arrivals only move forward."""
        k = 0
        while k < len(self._busy) and self._busy[k][1] <= t:
            k += 1
        del self._busy[:k]
