"""The latency comparison's outputs: the machine, a Markdown table, a log-scale figure."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

from kdoffload.model.io import atomic_write


def device_info() -> dict:
    """The benchmark app's deviceInfo, for this host: CPU model (lscpu), cores, OS."""
    fields = {}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
    except FileNotFoundError:
        pass
    return {"device": fields.get("Model name", platform.processor() or "unknown"),
            "arch": platform.machine(), "os": f"{platform.system()} {platform.release()}",
            "cores": os.cpu_count(), "threads_per_core": fields.get("Thread(s) per core"),
            "hypervisor": fields.get("Hypervisor vendor"), "python": platform.python_version()}


def markdown(result: dict) -> str:
    machine = result["deviceInfo"]
    lines = [f"Profile `{result['profile']}`, {result['states']:,} test states, one decision at a "
             f"time (batch 1, one thread, pinned to CPU {result['cpu']}). Machine: {machine['device']}, "
             f"{machine['cores']} cores, {machine['arch']}, {machine['os']}.", "",
             rows_table(result["records"]).rstrip("\n")]
    for skipped in result["skipped"]:
        lines.append(f"\n{skipped['path']}: skipped, {skipped['reason']}.")
    lines += ["", "| check | measured | required | |", "|---|---:|---:|---|"]
    for c in result["checks"]:
        lines.append(f"| {c['name']} | {_number(c['measured'])} | {c['op']} {_number(c['limit'])} | "
                     f"{'pass' if c['passed'] else 'FAIL'} |")
    return "\n".join(lines) + "\n"


def rows_table(records: list[dict]) -> str:
    """The timing rows alone; the phone's (`kdoffload android bench`) sit in the same table."""
    lines = ["| path | runtime | p50 µs | p99 µs | mean ms | trimmed mean ms | load ms | states |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in records:
        lines.append(f"| {r['path']} | {r['runtime']} | {_cell(r['p50_us'], ',.2f')} | "
                     f"{_cell(r['p99_us'], ',.2f')} | {_cell(r['avg_inference_latency(ms)'], '.4f')} | "
                     f"{_cell(r['trimmean_inference_latency(ms)'], '.4f')} | "
                     f"{_cell(r.get('model_load_time(ms)'), '.2f')} | {_cell(r['samples'], ',')} |")
    return "\n".join(lines) + "\n"


def _cell(value, spec: str) -> str:
    return "" if value is None else format(value, spec)


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def figure(result: dict, path: Path) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    records = result["records"]
    names = [r["path"] for r in records]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1.6))
    rows = range(len(names))
    ax.barh([y + 0.2 for y in rows], [r["p50_us"] for r in records], height=0.4, label="p50")
    ax.barh([y - 0.2 for y in rows], [r["p99_us"] for r in records], height=0.4, label="p99")
    ax.set_yticks(list(rows), names)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("one decision, µs (log scale)")
    machine = result["deviceInfo"]
    ax.set_title(f"{result['profile']}: decision latency, batch 1, one thread\n"
                 f"{machine['device']}, {machine['cores']} cores", fontsize=9)
    ax.legend(loc="lower right")
    ax.grid(axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    atomic_write(path, lambda f: fig.savefig(f, format="png", dpi=120))
    plt.close(fig)
    return path
