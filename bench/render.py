"""Regenerate a marked block of a Markdown file from a result file.

    python -m bench.render runs/bench/model.json docs/results.md           # block "model"
    python -m bench.render runs/chain6/report/quality.md docs/results.md quality-chain6

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

from model.io import atomic_write_text


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


def table(report: dict) -> str:
    rows = ["| benchmark | unit | median | p99 | rounds |", "|---|---|---:|---:|---:|"]
    for bench in report["benchmarks"]:
        stats = bench["stats"]
        data = stats.get("data")
        p99 = float(np.quantile(data, 0.99)) if data else stats["max"]
        unit = bench.get("extra_info", {}).get("unit", "per call")
        rows.append(f"| `{bench['name']}` | {unit} | {_fmt(stats['median'])} | {_fmt(p99)} | {stats['rounds']} |")
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
        raise SystemExit("usage: python -m bench.render REPORT.json RESULTS.md [BLOCK]")
    report_path, doc_path = Path(argv[0]), Path(argv[1])
    name = argv[2] if len(argv) == 3 else report_path.stem
    if report_path.suffix == ".md":
        lines = report_path.read_text().splitlines()
        body = "\n".join(lines[1:] if lines and lines[0].startswith("# ") else lines).strip()
    else:
        body = table(json.loads(report_path.read_text()))
    text = replace_block(doc_path.read_text(), name, body)
    atomic_write_text(doc_path, text)


if __name__ == "__main__":
    main(sys.argv[1:])
