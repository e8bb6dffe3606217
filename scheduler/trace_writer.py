"""A network's realisation written as a trace file: the simulator's CSV, Mahimahi, throughput logs.

What a process draws is written in the formats `scheduler.traces` reads, so the same stretch of a
process can be replayed as a trace (tests, the docs' examples) and every reader meets files
shaped like real recordings:
- CSV: one row per breakpoint of either direction, the rates in force from it on.
- Mahimahi: one line per 1500-byte delivery opportunity, in whole ms: at each ms the packets
  whose last bit the fluid link has delivered by then (so the emulator delivers what the fluid
  link does, to within one packet and one ms). The last ms always holds one opportunity: a
  Mahimahi trace lasts until its last line.
- Throughput log: `time_s throughput_mbps` per sample of `sample_s`, the mean rate over the
  sample (what a throughput logger measures: the bits of the interval over its length).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kdoffload.model.delay import UP
from kdoffload.model.io import atomic_write_text
from kdoffload.scheduler.rates import StepRate
from kdoffload.scheduler.traces import PACKET_BITS


def realise(network, seconds: float) -> tuple[StepRate, StepRate]:
    """(uplink, downlink) of a dynamic `network`, drawn past `seconds` (so that nothing drawn
    later changes them before it)."""
    network.rates_at(seconds)
    return network.links


def _delivered(rate: StepRate, times: np.ndarray) -> np.ndarray:
    return np.array([rate.delivered(t) for t in times.tolist()])


def write_csv(network, seconds: float, path: Path) -> Path:
    up, down = realise(network, seconds)
    times = np.union1d(np.frombuffer(up.times), np.frombuffer(down.times))
    times = times[times < seconds]
    rows = "".join(f"{t:.6f},{up.rate_at(t):.1f},{down.rate_at(t):.1f}\n" for t in times.tolist())
    return atomic_write_text(Path(path), "time_s,rate_up,rate_down\n" + rows)


def mahimahi_stamps(network, link: int, seconds: float) -> np.ndarray:
    """Delivery opportunities (ms) of the first `seconds` of wireless `link` (UP or DOWN)."""
    rate = realise(network, seconds)[link - UP]
    ms = np.arange(1, int(round(seconds * 1000)) + 1)
    packets = np.floor(_delivered(rate, ms / 1000.0) / PACKET_BITS).astype(np.int64)
    counts = np.diff(packets, prepend=0)
    counts[-1] = max(counts[-1], 1)
    return np.repeat(ms, counts)


def write_mahimahi(network, link: int, seconds: float, path: Path) -> Path:
    stamps = mahimahi_stamps(network, link, seconds)
    return atomic_write_text(Path(path), "\n".join(map(str, stamps.tolist())) + "\n")


def write_throughput(network, link: int, seconds: float, path: Path, sample_s: float = 1.0) -> Path:
    rate = realise(network, seconds)[link - UP]
    edges = np.arange(0.0, seconds + 1e-9, sample_s)
    bits = np.diff(_delivered(rate, edges))
    mbps = bits / sample_s / 1e6
    lines = "".join(f"{t:.3f} {m:.6f}\n" for t, m in zip(edges[:-1].tolist(), mbps.tolist()))
    return atomic_write_text(Path(path), "# time_s throughput_mbps\n" + lines)
