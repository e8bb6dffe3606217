"""An independent link: Mahimahi's packet-level replay of a delivery schedule, for the tests.

Each line of a schedule is one delivery opportunity at a whole millisecond, for one 1500-byte
packet; the schedule repeats every `stamps[-1]` ms. A transfer is cut into packets, and each packet
takes the next opportunity after its predecessor's (the first: after the transfer starts). The
transfer is done when its last packet leaves. No rates, no prefix sums: opportunities one by one.
"""

from __future__ import annotations

import bisect
import math

PACKET_BITS = 1500 * 8


def opportunities_after(stamps_ms: list[int], start_s: float):
    """Opportunity times (s) strictly after `start_s`, in order, the schedule repeated."""
    period = stamps_ms[-1]
    lap = max(math.floor(start_s * 1000.0 / period) - 1, 0)
    while True:
        base = lap * period
        for ms in stamps_ms:
            t = (base + ms) / 1000.0
            if t > start_s:
                yield t
        lap += 1


def packet_finish(stamps_ms: list[int], start_s: float, bits: float) -> float:
    """When the last packet of a `bits`-bit transfer that starts at `start_s` has left."""
    packets = math.ceil(bits / PACKET_BITS)
    if packets <= 0:
        return start_s
    for sent, t in enumerate(opportunities_after(stamps_ms, start_s), start=1):
        if sent == packets:
            return t
    raise AssertionError("unreachable")


def most_at_one_instant(stamps_ms: list[int]) -> int:
    """The most packets one instant lets through (the schedule's 0 coincides with its end)."""
    period = stamps_ms[-1]
    folded = sorted(period if ms == 0 else ms for ms in stamps_ms)
    return max(bisect.bisect_right(folded, ms) - bisect.bisect_left(folded, ms) for ms in folded)
