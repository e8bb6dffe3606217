"""Quality report: JSON, a Markdown table and two figures under runs/<profile>/report/."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kdoffload.model.io import atomic_write, atomic_write_json, atomic_write_text
from kdoffload.model.policies import OPTIMAL

COLUMNS = [("mean_delay_s", "mean delay (s)", "{:.4f}"), ("mean_ratio", "mean ratio", "{:.4f}"),
           ("median_ratio", "median", "{:.4f}"), ("p95_ratio", "p95", "{:.3f}"),
           ("within_1pct", "within 1%", "{:.1%}"), ("beyond_2x", "beyond 2x", "{:.2%}"),
           ("mean_ratio_without_worst_1pct", "mean w/o worst 1%", "{:.4f}"),
           ("label_accuracy", "label acc.", "{:.1%}"), ("exact_match", "exact match", "{:.1%}"),
           ("out_of_support", "flagged", "{:.1%}")]


def _cell(fmt: str, value) -> str:
    return "—" if value is None else fmt.format(value)


def markdown_table(policies: dict) -> str:
    head = "| policy | " + " | ".join(title for _, title, _ in COLUMNS) + " |"
    rule = "|---|" + "---:|" * len(COLUMNS)
    rows = [f"| {name} | " + " | ".join(_cell(fmt, m.get(key)) for key, _, fmt in COLUMNS) + " |"
            for name, m in policies.items()]
    return "\n".join([head, rule, *rows])


def topk_table(rows: list[dict]) -> str:
    out = ["| K | candidates | top-K mean ratio | median | p95 | within 1% | guarded mean ratio "
           "| guarded beyond 2x | Python decode µs/state (batched, top-K / guarded) |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        k = "argmax" if r["k"] == 0 else str(r["k"])
        g = r.get("guarded")
        guarded = (f"{g['mean_ratio']:.4f} | {g['beyond_2x']:.2%}" if g else "— | —")
        decode = (f"{r['batched_decode_us_per_state']:.1f} / {g['batched_decode_us_per_state']:.1f}"
                  if g else f"{r['batched_decode_us_per_state']:.1f}")
        out.append(f"| {k} | {r['candidates']} | {r['mean_ratio']:.4f} | {r['median_ratio']:.4f} | "
                   f"{r['p95_ratio']:.3f} | {r['within_1pct']:.1%} | {guarded} | {decode} |")
    return "\n".join(out)


def write_report(out_dir: Path, report: dict, ratios: dict) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [atomic_write_json(out_dir / "quality.json", report)]
    name = report["profile"]
    text = [f"# {name}: decision quality on held-out states", "",
            f"{report['test']['samples']:,} test states (seed {report['test']['seed']}), never used "
            "for training or model selection. Ratio = policy delay / optimal delay.", "",
            markdown_table(report["policies"]), "",
            f"## Shifted conditions ({report['shifted']['samples']:,} states: rates and clocks drawn "
            "from ranges widened x0.5 at the low end and x2 at the high end)", "",
            markdown_table(report["shifted"]["policies"]), ""]
    if report.get("topk_curve"):
        text += ["## Verified top-K and guarded: quality against K (student)", "",
                 "Guarded: the K most probable placements plus greedy and the three single-site "
                 "placements, K widened to max(K, 32) for states outside the training support.", "",
                 topk_table(report["topk_curve"]), ""]
    text += [f"Parameters: teacher {report['params'].get('teacher')}, student {report['params'].get('student')}."]
    written.append(atomic_write_text(out_dir / "quality.md", "\n".join(text) + "\n"))
    written.append(_bar_figure(out_dir / "mean_ratio.png", report, name))
    written.append(_cdf_figure(out_dir / "ratio_cdf.png", ratios, name))
    return written


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    atomic_write(path, lambda f: fig.savefig(f, format="png", dpi=120, bbox_inches="tight"))
    plt.close(fig)
    return path


def _bar_figure(path: Path, report: dict, name: str) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(report["policies"])
    test = [report["policies"][n]["mean_ratio"] for n in names]
    shifted = [report["shifted"]["policies"].get(n, {}).get("mean_ratio", np.nan) for n in names]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    pos = np.arange(len(names))
    for offset, values, label in ((-0.2, test, "test (training ranges)"), (0.2, shifted, "shifted ranges")):
        bars = ax.bar(pos + offset, values, 0.4, label=label)
        # Near-optimal policies differ in the third decimal, invisible on a log axis: print it.
        ax.bar_label(bars, fmt="%.3f", fontsize=6, rotation=90, padding=2)
    ax.set_yscale("log")
    ax.set_ylim(0.9, np.nanmax(test + shifted) * 2.5)  # room for the labels above the tallest bar
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks(pos, names, rotation=35, ha="right")
    ax.set_ylabel("mean delay / optimal delay (log)")
    ax.set_title(f"{name}: mean delay ratio per policy (1 = optimal)")
    ax.legend()
    return _save(fig, path)


def _cdf_figure(path: Path, ratios: dict, name: str) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    shown = [p for p in ratios if p != OPTIMAL]
    for k, policy in enumerate(shown):
        xs = np.sort(ratios[policy])
        learned = "teacher" in policy or "student" in policy  # learned solid, baselines dashed
        ax.plot(xs, np.arange(1, len(xs) + 1) / len(xs), label=policy, linewidth=1.3,
                color=plt.cm.tab20(k / max(1, len(shown) - 1)), linestyle="-" if learned else "--")
    ax.set_xscale("log")
    ax.set_xlim(1.0, 100.0)
    ax.set_xlabel("delay / optimal delay (log)")
    ax.set_ylabel("share of test states at or below")
    ax.set_title(f"{name}: CDF of the ratio to the optimum")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return _save(fig, path)
