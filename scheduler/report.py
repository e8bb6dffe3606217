"""Simulation artifacts: JSON, Markdown tables and figures, each written atomically."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import matplotlib
import numpy

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from kdoffload.model.io import atomic_write, atomic_write_json, atomic_write_text  # noqa: E402
from kdoffload.scheduler.harness import RateSweep, ScaleSweep  # noqa: E402
from kdoffload.scheduler.metrics import Summary  # noqa: E402


def write_text(path: Path, text: str) -> Path:
    return atomic_write_text(path, text)


def write_json(path: Path, obj) -> Path:
    return atomic_write_json(path, obj)


def run_table(summaries: list[Summary]) -> str:
    """A Markdown table of one run: delays, decision share, throughput, load per resource."""
    head = ("| policy | tasks | mean e2e (s) | p95 e2e (s) | decision share | decision (µs) "
            "| decision wait (s) | throughput (/s) | device util | edge util | uplink util "
            "| device queue | edge queue | uplink queue | re-placements | flagged |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for s in summaries:
        u, q = s.utilisation, s.queue_mean
        lines.append(
            f"| {s.policy} | {s.arrived} | {s.mean_e2e:.3f} | {s.p95_e2e:.3f} | {s.decision_share:.2%} "
            f"| {s.mean_decision_us:.0f} | {s.mean_decision_wait:.3f} | {s.throughput:.3f} "
            f"| {u['device']:.2f} | {u['edge']:.2f} | {u['uplink']:.2f} "
            f"| {q['device']:.2f} | {q['edge']:.2f} | {q['uplink']:.2f} | {s.replacements} "
            f"| {'—' if s.out_of_support is None else f'{s.out_of_support:.1%}'} |")
    return "\n".join(lines) + "\n"


def rate_table(sweep: RateSweep) -> str:
    names = [s.policy for s in sweep.points[0]]
    lines = ["| rate (/s) | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for rate, point in zip(sweep.rates, sweep.points):
        cells = [f"{s.mean_e2e:.3f}" + (" (sat.)" if RateSweep.saturated(s, rate) else "") for s in point]
        lines.append(f"| {rate:.3g} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def scale_table(sweep: ScaleSweep) -> str:
    names = [s.policy for s in sweep.charged[0]]
    lines = ["| scale s | rate (/s) | " + " | ".join(f"{n}: e2e/s (s), ×zero" for n in names) + " |",
             "|---|---|" + "---|" * len(names)]
    for k, s in enumerate(sweep.scales):
        cells = [f"{c.mean_e2e / s:.3f}, ×{sweep.ratio(k, p):.2f}" for p, c in enumerate(sweep.charged[k])]
        lines.append(f"| {s:g} | {sweep.base_rate / s:.4g} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _save(fig, path: Path) -> Path:
    out = atomic_write(path, lambda f: fig.savefig(f, format="png", dpi=130))
    plt.close(fig)
    return out


def rate_figure(sweep: RateSweep, title: str, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for p, name in enumerate(s.policy for s in sweep.points[0]):
        delays = [point[p].mean_e2e for point in sweep.points]
        line, = ax.plot(sweep.rates, delays, marker="o", label=name)
        sat = [(r, d) for r, d, point in zip(sweep.rates, delays, sweep.points)
               if RateSweep.saturated(point[p], r)]
        if sat:
            ax.plot(*zip(*sat), linestyle="none", marker="x", markersize=9, color=line.get_color())
    ax.set(xscale="log", yscale="log", xlabel="arrival rate (tasks/s)",
           ylabel="mean end-to-end delay (s)", title=title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(title="× = saturated (serves < 90% of the rate)", fontsize=8, title_fontsize=8)
    fig.tight_layout()
    return _save(fig, path)


def scale_figure(sweep: ScaleSweep, title: str, path: Path) -> Path:
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    for p, name in enumerate(s.policy for s in sweep.charged[0]):
        norm = [sweep.charged[k][p].mean_e2e / s for k, s in enumerate(sweep.scales)]
        zero = [sweep.zero[k][p].mean_e2e / s for k, s in enumerate(sweep.scales)]
        line, = left.plot(sweep.scales, norm, marker="o", label=name)
        left.plot(sweep.scales, zero, linestyle=":", color=line.get_color())
        right.plot(sweep.scales, [sweep.ratio(k, p) for k in range(len(sweep.scales))], marker="o",
                   label=name)
    left.set(xscale="log", yscale="log", xlabel="task scale s (lighter to the left)",
             ylabel="mean end-to-end delay / s (s)",
             title="delay in task units (dotted: decisions free)")
    right.set(xscale="log", yscale="log", xlabel="task scale s (lighter to the left)",
              ylabel="mean e2e / mean e2e with free decisions", title="price of deciding on the device")
    for ax in (left, right):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, path)


def machine() -> dict:
    """What the numbers were measured on."""
    model = next((line.split(":", 1)[1].strip() for line in _cpuinfo() if line.startswith("model name")),
                 platform.processor())
    return {"cpu": model, "cores": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version(), "numpy": numpy.__version__}


def _cpuinfo() -> list[str]:
    try:
        return Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return []


def decisions_figure(row, arrivals, times, uplink, seconds: float, path: Path) -> Path:
    """One network's uplink rate over time, and under it each policy's share of subtasks
    offloaded per task, at the task's arrival (0: all local, 1: nothing on the device)."""
    policies = list(row.offloaded)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 2.4 + 0.45 * len(policies)), sharex=True,
                                      gridspec_kw={"height_ratios": [2, max(len(policies) * 0.5, 1.5)]})
    top.step(times, numpy.maximum(uplink, 1.0) / 1e6, where="post", lw=0.8)
    top.set(yscale="log", ylabel="uplink (Mbit/s)", title=f"{row.network.name}: the rate and the decisions")
    top.grid(True, which="both", alpha=0.3)
    keep = arrivals < seconds
    for k, name in enumerate(policies):
        share = numpy.asarray(row.offloaded[name])[keep]
        points = bottom.scatter(arrivals[keep], numpy.full(keep.sum(), k), c=share, cmap="viridis",
                                vmin=0, vmax=1, marker="|", s=220)
    bottom.set_yticks(range(len(policies)), policies)
    bottom.set(xlabel="time (s)", ylim=(-0.7, len(policies) - 0.3))
    bottom.invert_yaxis()
    fig.subplots_adjust(left=0.05 + 0.0085 * max(len(p) for p in policies))  # room for the longest name
    fig.colorbar(points, ax=[top, bottom], label="share of subtasks offloaded", fraction=0.03)
    return _save(fig, path)
