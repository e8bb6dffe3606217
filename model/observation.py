"""What a phone knows of its network when it decides: a short rate history and its own backlog.

A profile that names the observation recipe `rate-history` (its `observation` setting) adds
nine features to the decision state (docs/formats.md, "Observation"):

- per wireless direction, a summary of the rates the phone probed over the last
  `HISTORY * PROBE_STEP_S` seconds: the harmonic mean (the rate a fixed amount of data met on
  average), the minimum (a near-outage in the window) and the spread (population standard
  deviation of the log rates). Probes, not the throughput of the phone's own transfers: a phone
  that keeps its work local would otherwise learn nothing, and the decision state would depend
  on the policy that made it.
- the seconds of work already queued on the phone's core, uplink and downlink at the decision.

The raw observation (the probed rates, oldest first, and the three backlogs) is what a client
holds; the summary is computed here, in the C++ core (`kdo::summarise`) and in the Java core
(`org.kdoffload.core.Observation`) the same way: sums taken left to right, in float64.
Profiles without the setting build exactly the features they always did.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # profiles read the recipe name from here, and states import profiles
    from kdoffload.model.states import States

RECIPE = "rate-history"  # the one observation recipe; a profile's `observation` names it
HISTORY = 8  # rate probes per direction, oldest first, the last one at the decision
PROBE_STEP_S = 0.25  # seconds between probes: the summary covers the last 1.75 s
BACKLOG_FIELDS = ("backlog_device", "backlog_up", "backlog_down")
# Summary fields in feature order, with the transform each enters the model with.
SUMMARY_FIELDS = (
    ("rate_up_hmean", "log"), ("rate_up_min", "log"), ("rate_up_spread", "identity"),
    ("rate_down_hmean", "log"), ("rate_down_min", "log"), ("rate_down_spread", "identity"),
    *((f, "identity") for f in BACKLOG_FIELDS),
)
FIELDS = tuple(f for f, _ in SUMMARY_FIELDS)
RATE_FIELDS = ("rate_up_hmean", "rate_up_min", "rate_down_hmean", "rate_down_min")


@dataclass
class Observation:
    """Raw observations of S decisions: probed rates [S, HISTORY] bit/s (> 0, oldest first) and
    backlogs [S] s (>= 0)."""

    rate_up_history: np.ndarray
    rate_down_history: np.ndarray
    backlog_device: np.ndarray
    backlog_up: np.ndarray
    backlog_down: np.ndarray

    def __len__(self) -> int:
        return len(self.backlog_device)

    def __getitem__(self, index) -> Observation:
        if isinstance(index, (int, np.integer)):
            index = slice(index, index + 1) if index != -1 else slice(-1, None)
        return Observation(**{k: v[index] for k, v in self.to_dict().items()})

    def to_dict(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, k) for k in RAW_FIELDS}

    def backlogs(self) -> np.ndarray:
        """[S, 3] seconds queued on the phone's core, uplink and downlink (the delay model's busy)."""
        return np.stack([self.backlog_device, self.backlog_up, self.backlog_down], axis=1).astype(np.float64)

    @classmethod
    def from_dict(cls, arrays: dict) -> Observation:
        return cls(**{k: np.asarray(arrays[k], dtype=np.float64) for k in RAW_FIELDS})

    @classmethod
    def concat(cls, parts: list[Observation]) -> Observation:
        return cls(**{k: np.concatenate([getattr(p, k) for p in parts]) for k in RAW_FIELDS})

    def record(self, k: int) -> dict:
        """Decision k as the JSON object golden vectors carry (docs/formats.md)."""
        return {f: getattr(self, f)[k].tolist() for f in RAW_FIELDS}

    def summary(self) -> dict[str, np.ndarray]:
        """The nine summary fields, [S] float64 each."""
        out = {}
        for side, history in (("up", self.rate_up_history), ("down", self.rate_down_history)):
            hmean, low, spread = _summarise(history)
            out[f"rate_{side}_hmean"], out[f"rate_{side}_min"], out[f"rate_{side}_spread"] = hmean, low, spread
        for f in BACKLOG_FIELDS:
            out[f] = np.asarray(getattr(self, f), dtype=np.float64)
        return out


RAW_FIELDS = ("rate_up_history", "rate_down_history", *BACKLOG_FIELDS)


def _summarise(history: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """[S, W] rates -> harmonic mean, minimum, spread of the logs.

    Both are taken relative to one probe (the last for the mean, the first for the spread), so a
    history that holds still gives its rate and a spread of exactly 0; columns are summed in
    order, as the ports do (numpy's pairwise sum would round differently).
    """
    history = np.asarray(history, dtype=np.float64)
    width = history.shape[1]
    last, first_log = history[:, -1], np.log(history[:, 0])
    ratio, shift, square = (np.zeros(len(history)) for _ in range(3))
    for k in range(width):
        ratio += last / history[:, k]
        d = np.log(history[:, k]) - first_log
        shift += d
        square += d * d
    mean_shift = shift / width
    variance = np.maximum(square / width - mean_shift * mean_shift, 0.0)
    return last * width / ratio, history.min(axis=1), np.sqrt(variance)


RATE_ESTIMATES = ("current", "history", "backlog")  # what top-K and guarded candidates are scored under


def as_estimated(states: "States", observation: Observation | None) -> "States":
    """`states` with each wireless rate lowered to the harmonic mean of its observed history
    where that is lower: the rates the candidates of a decision on history are scored under.

    The rate of the moment alone trusts a rate that may be leaving; the window's harmonic mean
    alone keeps a dip for seconds after it ended; the lower of the two is cautious in a dip and
    just after one. Without an observation the states are returned as they are.
    """
    if observation is None:
        return states
    summary = observation.summary()
    return dataclasses.replace(states, rate_up=np.minimum(states.rate_up, summary["rate_up_hmean"]),
                               rate_down=np.minimum(states.rate_down, summary["rate_down_hmean"]))


def still_observation(states: "States") -> Observation:
    """What a phone sees on a network that holds still with nothing queued: its state's rates in
    every probe, no backlog. The observation of any state that comes without one."""
    count = len(states)

    def history(rate):
        return np.repeat(np.asarray(rate, dtype=np.float64)[:, None], HISTORY, axis=1)

    zero = np.zeros(count)
    return Observation(history(states.rate_up), history(states.rate_down), zero, zero.copy(), zero.copy())


def moving_observation(states: "States", rng: np.random.Generator, spread: float = 0.8) -> Observation:
    """Histories that move (log-normal probes of `spread` around each state's rates, the last
    probe the state's own) and up to 2 s queued per resource: test vectors that exercise every
    summary field, where a still observation leaves the spreads and backlogs at 0."""
    count = len(states)
    shape = np.exp(rng.normal(0.0, spread, (count, HISTORY)))
    shape[:, -1] = 1.0
    up = np.asarray(states.rate_up, dtype=np.float64)[:, None] * shape
    down = np.asarray(states.rate_down, dtype=np.float64)[:, None] * shape
    device, uplink, downlink = rng.uniform(0.0, 2.0, (3, count))
    return Observation(up, down, device, uplink, downlink)


def probe_times(t: float) -> list[float]:
    """The probe instants of a decision at t, oldest first (none before the run began)."""
    return [max(t - (HISTORY - 1 - k) * PROBE_STEP_S, 0.0) for k in range(HISTORY)]


def observe(rates_at, t: float, backlogs: tuple[float, float, float]) -> Observation:
    """One decision's observation: `rates_at(s) -> (up, down)` probed at `probe_times(t)` and the
    (device, uplink, downlink) backlog in seconds (negative values clipped: nothing queued)."""
    probes = [rates_at(s) for s in probe_times(t)]
    up = np.array([[p[0] for p in probes]])
    down = np.array([[p[1] for p in probes]])
    device, uplink, downlink = (np.array([max(b, 0.0)]) for b in backlogs)
    return Observation(up, down, device, uplink, downlink)


def check_recipe(name, fail) -> str | None:
    """A profile's `observation` setting: absent, or the one recipe this project defines."""
    if name is None:
        return None
    if name != RECIPE:
        raise fail("observation", f"unknown recipe {name!r} (known: {RECIPE})")
    return name
