"""Reading measured link traces: the simulator's CSV, Mahimahi's packet schedules, throughput logs.

Each reader turns a file into a periodic `StepRate` per direction, so every format is replayed by
the same rule: the trace repeats from its start when it ends, as Mahimahi repeats its traces.
- CSV `time_s,rate_up,rate_down` (bit/s, both directions): a row holds from its time to the next
  row's, the first row also before it (from 0), the last row for as long as the row before it.
- Mahimahi (one direction a file): one line per delivery opportunity, its time in whole ms from the
  start; each lets one 1500-byte packet through, and a repeated time is several packets. The
  trace lasts until its last time. Between two consecutive opportunity times the rate is that
  the later one's packets spread over the gap, so the fluid link delivers exactly the packets of
  the emulator by each opportunity.
- Throughput logs (one direction a file): `time throughput` per line, seconds and Mbit/s,
  separated by whitespace or a comma; `#` starts a comment. Times count from the first line; each
  sample holds like a CSV row (format `throughput`), or over the interval that ends at its time,
  as Pensieve's simulator spends its logs (format `pensieve`; the trace lasts until the last time).
Every way a file can be wrong is one `InputError` that names the file and the line.
"""

from __future__ import annotations

import enum
import functools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kdoffload.model.errors import InputError
from kdoffload.scheduler.csvfile import read_rows, read_text
from kdoffload.scheduler.rates import StepRate

CSV_COLUMNS = ("time_s", "rate_up", "rate_down")
PACKET_BITS = 1500 * 8  # one Mahimahi delivery opportunity (an MTU-sized packet)
# A rate between 0 and this is refused: 0 is a stall the trace means, a rate far below a bit per
# second only makes a transfer outlast any run (and a tiny one overflows its length to infinity).
MIN_RATE = 1.0
MAX_RATE = 1e30  # bit/s: the bound on a profile's rates
MAX_TRACE_S = 2.0**32  # a run's virtual times stay below this (scheduler/budget.py)


class TraceFormat(str, enum.Enum):
    """Formats of a one-direction trace file (`--trace-up`, `--trace-down`)."""

    mahimahi = "mahimahi"
    throughput = "throughput"
    pensieve = "pensieve"  # a throughput log whose samples hold up to their time, as Pensieve spends them


@dataclass(frozen=True)
class TraceFiles:
    """Where a run's trace comes from: one CSV for both directions, or one file per direction."""

    csv: Path | None = None
    up: Path | None = None
    down: Path | None = None
    format: TraceFormat = TraceFormat.mahimahi

    def __post_init__(self):
        if self.csv is not None and (self.up is not None or self.down is not None):
            raise InputError("trace and trace_up/trace_down: give one of them")
        if (self.up is None) != (self.down is None):
            given = "trace_up" if self.up is not None else "trace_down"
            raise InputError(f"{given}: give trace_up and trace_down together (the same file "
                             "twice for one trace both ways)")

    def __bool__(self) -> bool:
        return self.csv is not None or self.up is not None

    def describe(self) -> dict:
        """The run record's fields for the trace (None where unused)."""
        split = self.up is not None
        return {"trace": str(self.csv) if self.csv else None,
                "trace_up": str(self.up) if split else None,
                "trace_down": str(self.down) if split else None,
                "trace_format": self.format.value if split else None}

    def load(self) -> tuple[StepRate, StepRate]:
        """(uplink, downlink) rates. Every engine of a run replays the same trace: it is read once
        (a trace's rates never change once read, so the engines can share them)."""
        paths = [p for p in (self.csv, self.up, self.down) if p is not None]
        return _load(self, tuple(_stamp(Path(p)) for p in paths))


@functools.lru_cache(maxsize=4)
def _load(files: TraceFiles, stamps: tuple) -> tuple[StepRate, StepRate]:
    if files.csv is not None:
        return read_csv_trace(files.csv)
    if files.format == TraceFormat.mahimahi:
        return read_mahimahi(files.up), read_mahimahi(files.down)
    ending = files.format == TraceFormat.pensieve
    return read_throughput(files.up, ending), read_throughput(files.down, ending)


def _stamp(path: Path):
    """What tells a file changed: its modification time and size (None where it is missing)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def read_csv_trace(path: Path) -> tuple[StepRate, StepRate]:
    """A CSV with the header time_s,rate_up,rate_down (bit/s), times strictly increasing."""
    path = Path(path)
    rows = read_rows(path, "trace")
    if not rows:
        raise InputError(f"{path}: empty trace (need the header {','.join(CSV_COLUMNS)})")
    header = [h.strip() for h in rows[0]]
    for name in header:
        if name not in CSV_COLUMNS:
            raise InputError(f"{path}: unknown column {name!r} (expected {','.join(CSV_COLUMNS)})")
    for name in CSV_COLUMNS:
        if header.count(name) != 1:
            problem = "missing" if name not in header else "given twice"
            raise InputError(f"{path}: column {name!r} {problem}")
    columns = {name: [] for name in CSV_COLUMNS}
    lines = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(f"{path}: line {line}: {len(row)} values, expected {len(header)}")
        for name, cell in zip(header, row):
            columns[name].append(_number(path, line, name, cell))
        lines.append(line)
    times = columns["time_s"]
    if not times:
        raise InputError(f"{path}: the trace has a header but no rows")
    if times[0] < 0:
        raise InputError(f"{path}: line {lines[0]}: time_s: {times[0]} is negative")
    _check_times(path, lines, times, "time_s")
    return (_samples(path, times, columns["rate_up"], lines, "rate_up"),
            _samples(path, times, columns["rate_down"], lines, "rate_down"))


def read_throughput(path: Path, ending: bool = False) -> StepRate:
    """`time_s throughput_mbps` per line (whitespace or comma), times increasing. A sample holds
    from its time to the next one's; `ending`: over the interval that ends at its time, as
    Pensieve's simulator spends it (the first sample's rate then belongs to before the log)."""
    path = Path(path)
    times, rates, lines = [], [], []
    for line, text in enumerate(read_text(path, "trace").splitlines(), start=1):
        cells = text.split("#", 1)[0].replace(",", " ").split()
        if not cells:
            continue
        if len(cells) != 2:
            raise InputError(f"{path}: line {line}: {len(cells)} values, expected 2 "
                             "(time in s, throughput in Mbit/s)")
        times.append(_number(path, line, "time", cells[0]))
        rates.append(_number(path, line, "throughput", cells[1]) * 1e6)
        lines.append(line)
    if not times:
        raise InputError(f"{path}: no samples (expected lines of time in s and throughput in Mbit/s)")
    _check_times(path, lines, times, "time")
    first = times[0]
    if not ending:
        return _samples(path, [t - first for t in times], rates, lines, "throughput")
    if len(times) < 2:
        raise InputError(f"{path}: one sample; a Pensieve log needs two (a sample is the throughput "
                         "of the interval that ends at its time)")
    _check_rates(path, rates, lines, "throughput")
    if not any(rates[1:]):
        raise InputError(f"{path}: throughput: every rate after the first is 0, the link never delivers")
    return StepRate([t - first for t in times[:-1]], rates[1:], times[-1] - first)


def read_mahimahi(path: Path) -> StepRate:
    """Mahimahi's schedule: one delivery opportunity per line, its time in ms, never decreasing."""
    path = Path(path)
    text = read_text(path, "trace")
    tokens = text.split()
    try:  # the whole file at once; a file it refuses is read again line by line for the error
        good = all(_is_ms(token) for token in tokens)
        stamps = np.array(tokens if good else [], dtype=np.int64)
        good = (good and len(stamps) > 0 and stamps[0] >= 0 and bool(np.all(np.diff(stamps) >= 0))
                and len(tokens) == sum(1 for line in text.splitlines() if line.strip()))
    except (ValueError, OverflowError):
        good = False
    if not good:
        _refuse_mahimahi(path, text.splitlines())
    if stamps[-1] == 0:
        raise InputError(f"{path}: the trace lasts 0 ms (its last time must be after 0)")
    return opportunity_rate(stamps)


def _refuse_mahimahi(path: Path, lines: list[str]) -> None:
    """The first line that makes a Mahimahi schedule wrong, as an InputError."""
    last = None
    for line, text in enumerate(lines, start=1):
        text = text.strip()
        if not text:
            continue
        if not _is_ms(text):
            raise InputError(f"{path}: line {line}: {text[:40]!r} is not a whole number of ms "
                             f"up to {MAX_TRACE_S * 1000:.4g} (a Mahimahi trace has one delivery time per line)")
        if last is not None and int(text) < last:
            raise InputError(f"{path}: line {line}: {int(text)} ms is before {last} ms "
                             "(times must not decrease)")
        last = int(text)
    raise InputError(f"{path}: no delivery times (a Mahimahi trace has one ms time per line)")


def _is_ms(token: str) -> bool:
    """ASCII digits of a time a run can reach (str.isdigit also takes '²' and other scripts' digits)."""
    return token.isascii() and token.isdigit() and len(token) <= 16 and int(token) <= MAX_TRACE_S * 1000


def opportunity_rate(stamps_ms) -> StepRate:
    """The fluid rate of a Mahimahi schedule (sorted ms times, the last one > 0), repeating."""
    stamps = np.asarray(stamps_ms, dtype=np.int64)
    period = int(stamps[-1])
    # Opportunities at 0 of the next lap fall at the same instant as the last time of this one.
    instants, counts = np.unique(np.where(stamps == 0, period, stamps), return_counts=True)
    gaps_s = np.diff(instants, prepend=0) / 1000.0
    times = np.concatenate(([0.0], instants[:-1] / 1000.0))
    return StepRate(times, counts * PACKET_BITS / gaps_s, period / 1000.0)


def _samples(path: Path, times: list, rates: list, lines: list, name: str) -> StepRate:
    """Rows holding from their time to the next's (the first from 0, the last as long as the one
    before it), repeating."""
    _check_rates(path, rates, lines, name)
    if not any(rates):
        raise InputError(f"{path}: {name}: every rate is 0, the link never delivers "
                         "(need a positive rate somewhere)")
    if len(times) == 1:
        return StepRate([0.0], rates)
    starts = [0.0] + [float(t) for t in times[1:]]
    return StepRate(starts, rates, times[-1] + (times[-1] - times[-2]))


def _check_rates(path: Path, rates: list, lines: list, name: str) -> None:
    for line, rate in zip(lines, rates):
        if rate < 0 or 0 < rate < MIN_RATE or rate > MAX_RATE:
            problem = ("must be positive or 0 (a stall)" if rate < 0 else f"is below {MIN_RATE:g} bit/s"
                       if rate < MIN_RATE else f"is above {MAX_RATE:g} bit/s")
            raise InputError(f"{path}: line {line}: {name}: {rate:g} {problem}")


def _check_times(path: Path, lines: list, times: list, name: str) -> None:
    for k in range(len(times)):
        if abs(times[k] - times[0]) > MAX_TRACE_S:
            raise InputError(f"{path}: line {lines[k]}: {name} {times[k]:g} is more than {MAX_TRACE_S:.3g} s "
                             "after the first (no run reaches it)")
    for k in range(1, len(times)):
        if times[k] <= times[k - 1]:
            raise InputError(f"{path}: line {lines[k]}: {name} {times[k]} is not after {times[k - 1]} "
                             "(times must increase)")


def _number(path: Path, line: int, name: str, cell: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        what = "missing" if not cell.strip() else f"{cell.strip()!r} is not a number"
        raise InputError(f"{path}: line {line}: {name}: {what}") from None
    if not math.isfinite(value):
        raise InputError(f"{path}: line {line}: {name}: {cell.strip()!r} is not finite")
    return value
