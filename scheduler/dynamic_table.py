"""The dynamic-network table: every policy on every moving network, the two experts side by side.

The networks are the processes to train and select on (`markov`, `gauss-markov-outages`) and
3G-like and LTE-like ones, each also written out as trace files in the real formats and replayed
from them (a Mahimahi up/down pair, a pair of throughput logs) from a realisation of its own seed.
Every policy meets the same tasks on the same network (`scheduler.harness`); `hindsight` is the
per-task optimum under the rates each task really meets, `forecast` the per-task optimum of the
expected delay given the past (`scheduler.forecast`), `optimal` the per-task exact decision on
the rates of the decision's moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kdoffload.model.delay import DOWN, UP
from kdoffload.model.profile import DEVICE, Profile
from kdoffload.scheduler.checks import check_run
from kdoffload.scheduler.harness import SimConfig
from kdoffload.scheduler.metrics import Summary, summarise
from kdoffload.scheduler.network import make_network
from kdoffload.scheduler.stream import Scenario, Workload, simulate, sub_seeds
from kdoffload.scheduler.trace_writer import write_mahimahi, write_throughput
from kdoffload.scheduler.traces import TraceFiles, TraceFormat

PROCESSES = ("gauss-markov", "good-bad", "markov", "gauss-markov-outages", "3g", "lte")
TRACE_SECONDS = 600.0  # each written trace; a longer run meets it again from its start
POLICIES = ("hindsight", "forecast", "optimal", "all-local", "all-edge", "all-cloud", "greedy")
SINGLE_SITES = ("all-local", "all-edge", "all-cloud")
WITHIN_HINDSIGHT = 1.10  # the aim: a decision's mean no more than this times hindsight's


@dataclass(frozen=True)
class Network:
    """One row of the table: a process (`kind`) or trace files written from one."""

    name: str
    scenario: Scenario
    source: str  # what it is, in words


def trace_networks(profile: Profile, folder: Path, seed: int,
                   seconds: float = TRACE_SECONDS) -> list[Network]:
    """A 3G-like realisation as a Mahimahi up/down pair and an LTE-like one as throughput logs,
    written into `folder` from seeds of their own (not the runs' network seed)."""
    folder.mkdir(parents=True, exist_ok=True)
    umts = make_network("3g", profile, seed + 101)
    up, down = folder / "3g-up.mahi", folder / "3g-down.mahi"
    write_mahimahi(umts, UP, seconds, up)
    write_mahimahi(umts, DOWN, seconds, down)
    lte = make_network("lte", profile, seed + 202)
    lte_up, lte_down = folder / "lte-up.log", folder / "lte-down.log"
    write_throughput(lte, UP, seconds, lte_up)
    write_throughput(lte, DOWN, seconds, lte_down)
    return [Network("3g trace (Mahimahi)", Scenario(trace=TraceFiles(up=up, down=down), seed=seed),
                    f"{up.name}, {down.name}"),
            Network("lte trace (throughput log)", Scenario(
                trace=TraceFiles(up=lte_up, down=lte_down, format=TraceFormat.throughput), seed=seed),
                f"{lte_up.name}, {lte_down.name}")]


def networks(profile: Profile, folder: Path, seed: int,
             trace_seconds: float = TRACE_SECONDS) -> list[Network]:
    processes = [Network(kind, Scenario(network=kind, seed=seed), f"--network {kind}") for kind in PROCESSES]
    return processes + trace_networks(profile, folder, seed, trace_seconds)


@dataclass
class Row:
    """One network: each policy's summary, and per task the share of subtasks it offloaded."""

    network: Network
    summaries: list[Summary] = field(default_factory=list)
    offloaded: dict = field(default_factory=dict)  # policy -> [K] share of subtasks off the device
    e2e: dict = field(default_factory=dict)  # policy -> [K] end-to-end delay per task, s

    def share_slower(self, policy: str, than: str) -> float:
        """The share of tasks `policy` finished later (from arrival) than `than` did."""
        return float(np.mean(np.asarray(self.e2e[policy]) > np.asarray(self.e2e[than])))

    def summary(self, policy: str) -> Summary:
        return next(s for s in self.summaries if s.policy == policy)


def run_network(cfg: SimConfig, network: Network, workload: Workload, progress=None) -> Row:
    row = Row(network)
    cfg = SimConfig(cfg.profile, cfg.engines, cfg.decision_time, network.scenario)
    for name in cfg.engines.names:
        engine = cfg.engines.make(name, cfg.profile, sub_seeds(cfg.seed)["policy"])
        result = simulate(cfg.profile, engine, workload, cfg.decision_time, cfg.scenario)
        check_run(cfg.profile, result, workload)
        row.summaries.append(summarise(result, cfg.profile.edge_cores))
        row.offloaded[name] = [float(np.mean(np.asarray(r.sites) != DEVICE)) for r in result.records]
        row.e2e[name] = [r.done - r.arrival for r in result.records]
        if progress:
            progress(network.name, name)
    return row


def uplink_over(network: Network, profile: Profile, seconds: float, step: float = 0.1):
    """(times, uplink rate) of a row's network over [0, seconds), as the runs met it."""
    net = make_network(network.scenario.network, profile, sub_seeds(network.scenario.seed)["network"],
                       network.scenario.trace)
    times = np.arange(0.0, seconds, step)
    net.rates_at(seconds)  # drawn that far: the raw rates (a stall is 0 here, not MIN_RATE)
    return times, np.array([net.links[0].rate_at(t) for t in times.tolist()])


def delay_table(rows: list[Row], policies: list[str]) -> str:
    """Policies x networks: mean / p95 end-to-end delay (s)."""
    return _table(rows, policies, lambda row, p: f"{row.summary(p).mean_e2e:.3f} / {row.summary(p).p95_e2e:.3f}")


def hindsight_table(rows: list[Row], policies: list[str]) -> str:
    """Policies x networks: mean end-to-end delay / hindsight's."""
    return _table(rows, policies, lambda row, p: f"{_mean(row, p) / _mean(row, 'hindsight'):.3f}")


def aims_table(rows: list[Row], policy: str) -> str:
    """One decision against the aims, per network: mean / hindsight (<= WITHIN_HINDSIGHT), mean
    against all-local and every single-site policy, p95 against all-local's."""
    lines = [f"| network | {policy} / hindsight (mean) | within {WITHIN_HINDSIGHT:.2f} | "
             "mean / best single site | mean <= every single site | p95 / all-local p95 | p95 <= all-local |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        over = _mean(row, policy) / _mean(row, "hindsight")
        single = _mean(row, policy) / min(_mean(row, p) for p in SINGLE_SITES)
        p95 = row.summary(policy).p95_e2e / row.summary("all-local").p95_e2e
        lines.append(f"| {row.network.name} | {over:.3f} | {_met(over <= WITHIN_HINDSIGHT)} | {single:.3f} | "
                     f"{_met(single <= 1.0)} | {p95:.3f} | {_met(p95 <= 1.0)} |")
    return "\n".join(lines) + "\n"


def _table(rows: list[Row], policies: list[str], cell) -> str:
    lines = ["| policy | " + " | ".join(r.network.name for r in rows) + " |",
             "|---|" + "---|" * len(rows)]
    lines += [f"| {p} | " + " | ".join(cell(r, p) for r in rows) + " |" for p in policies]
    return "\n".join(lines) + "\n"


def _mean(row: Row, policy: str) -> float:
    return row.summary(policy).mean_e2e


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"
