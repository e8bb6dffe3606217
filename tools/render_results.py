"""Regenerate a marked block of a Markdown file from a result file.

    python -m tools.render_results runs/bench/model.json docs/results.md           # block "model"
    python -m tools.render_results runs/chain6/report/quality.md docs/results.md quality-chain6

A .json source is a pytest-benchmark report and becomes a table; a .md source is a report the
project wrote, inserted as it is (its own title line dropped).

Everything between `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->` is replaced,
so each results table is produced by a command and nothing else in the file is touched.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path

import numpy as np

from kdoffload.model.io import atomic_write_text


def machine_line(info: dict) -> str:
    cpu = info.get("cpu", {})
    return (f"{cpu.get('brand_raw', platform.processor() or 'unknown CPU')}, "
            f"{os.cpu_count()} cores visible, {platform.system()} {platform.release()}, "
            f"Python {info.get('python_version', platform.python_version())}")


def _fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def derived(extra: dict, median: float) -> str:
    """What the median means per item: per state of a batch, states/s of a run, subtasks/s."""
    if extra.get("batch", 1) > 1:
        return f"{_fmt(median / extra['batch'])} per state"
    if "samples" in extra:
        return f"{extra['samples'] / median:,.0f} states/s"
    if "subtasks" in extra:
        return f"{extra['subtasks'] / median:,.0f} subtasks/s"
    return ""


def table(report: dict) -> str:
    rows = ["| benchmark | unit | median | p99 | median, per item | rounds |", "|---|---|---:|---:|---:|---:|"]
    for bench in report["benchmarks"]:
        stats = bench["stats"]
        data = stats.get("data")
        p99 = float(np.quantile(data, 0.99)) if data else stats["max"]
        extra = bench.get("extra_info", {})
        rows.append(f"| `{bench['name']}` | {extra.get('unit', 'per call')} | {_fmt(stats['median'])} | "
                    f"{_fmt(p99)} | {derived(extra, stats['median'])} | {stats['rounds']} |")
    rows.append("")
    rows.append(f"Machine: {machine_line(report.get('machine_info', {}))}. "
                f"Measured {report.get('datetime', '')[:10]}.")
    return "\n".join(rows)


def replace_block(text: str, name: str, body: str) -> str:
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    if start not in text or end not in text:
        raise SystemExit(f"error: no {start} ... {end} block to replace")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"


def main(argv: list[str]) -> None:
    if len(argv) not in (2, 3):
        raise SystemExit("usage: python -m tools.render_results REPORT.json RESULTS.md [BLOCK]")
    report_path, doc_path = Path(argv[0]), Path(argv[1])
    name = argv[2] if len(argv) == 3 else report_path.stem
    if report_path.suffix == ".md":
        lines = report_path.read_text().splitlines()
        lines = lines[1:] if lines and lines[0].startswith("# ") else lines
        # Its sections sit under the block's own heading: two levels down.
        body = "\n".join("##" + line if line.startswith("#") else line for line in lines).strip()
    else:
        body = table(json.loads(report_path.read_text()))
    text = replace_block(doc_path.read_text(), name, body)
    atomic_write_text(doc_path, text)


if __name__ == "__main__":
    main(sys.argv[1:])
